"""Agencies and their dispatch centres (PSAPs)."""

from pydantic import Field, field_validator

from simulator.scenario.base import Ident, Model
from simulator.scenario.limits import MAX_SECONDS
from simulator.scenario.vocabulary import AgencyKind


class Psap(Model):
    """A public-safety answering point: call-takers answer 911, dispatchers assign units.

    Defaults follow NENA-STA-020.1-2020 (answer 90% within 15 s) and NFPA 1225 (2022)
    (answer to dispatch within 60 s).
    """

    call_takers: int = Field(default=2, ge=1, le=200)
    dispatchers: int = Field(default=2, ge=1, le=200)
    ring_seconds: float = Field(
        default=6.0, ge=0, le=MAX_SECONDS, description="Ring time before answer"
    )
    processing_seconds: float = Field(
        default=50.0, gt=0, le=MAX_SECONDS, description="Mean call-taking time, answer to CAD entry"
    )
    processing_spread: float = Field(
        default=0.3, ge=0, le=2, description="Log-normal sigma of the call-taking time"
    )
    consoles: int = Field(default=1, ge=0, le=50, description="Consoles able to hold a patch")


class Agency(Model):
    """A responding organisation with its own CAD, units and dispatch centre."""

    id: Ident
    name: str
    kind: AgencyKind
    psap: Psap = Psap()
    jurisdiction: str = Field(
        default="home", description="'home', or the name of a neighbouring jurisdiction"
    )
    turnout_seconds: float | None = Field(
        default=None,
        ge=0,
        le=MAX_SECONDS,
        description="Dispatch to wheels rolling; default by kind (NFPA 1710: EMS 60 s, fire 80 s)",
    )
    radio_system: Ident | None = Field(
        default=None, description="Radio system its units and dispatch use; default its own"
    )
    mutual_aid: list[Ident] = Field(
        default_factory=list, description="Agencies this one may ask for mutual aid, in order"
    )

    @field_validator("jurisdiction")
    @classmethod
    def _home_in_any_case(cls, value: str) -> str:
        """``Home`` means home: read otherwise it made a neighbour with no warning."""
        value = value.strip()
        if not value:
            raise ValueError("give 'home' or the name of a neighbouring jurisdiction")
        return "home" if value.casefold() == "home" else value

    @property
    def is_home(self) -> bool:
        """Whether the agency belongs to the exercise's own jurisdiction."""
        return self.jurisdiction == "home"

    @property
    def turnout(self) -> float:
        """Turnout time in seconds, defaulting by discipline (NFPA 1710)."""
        if self.turnout_seconds is not None:
            return self.turnout_seconds
        return {AgencyKind.FIRE: 80.0, AgencyKind.EMS: 60.0}.get(self.kind, 45.0)
