"""The scenario file: metadata, map, agencies, resources, MSEL and scoring."""

import re
from typing import Literal

from pydantic import Field, field_validator

from simulator.scenario.agency import Agency
from simulator.scenario.base import Ident, Model
from simulator.scenario.comms import Communications
from simulator.scenario.community import Community
from simulator.scenario.facility import Hospital, StagingArea, Station
from simulator.scenario.incident import CasualtyModel
from simulator.scenario.intelligence import Intelligence
from simulator.scenario.limits import MAX_SECONDS, shown
from simulator.scenario.msel import Inject
from simulator.scenario.operations import Operations
from simulator.scenario.roadmap import MapSpec
from simulator.scenario.scoring import Scoring
from simulator.scenario.timing import Offset
from simulator.scenario.unit import UnitSpec


class Metadata(Model):
    """What the trainer tells players before the clock starts."""

    id: Ident
    title: str
    briefing: str
    learning_objectives: list[str] = Field(default_factory=list)
    start: str = Field(default="08:00", description="Clock time of day the exercise starts")
    duration: Offset
    difficulty: Literal["introductory", "intermediate", "advanced"] = "intermediate"
    themes: list[str] = Field(default_factory=list)
    author: str = ""

    @field_validator("start")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value):  # not \d: any script's
            raise ValueError(
                f"expected a clock time HH:MM (00:00-23:59, digits 0-9), got {shown(value)}"
            )
        return value

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("duration must be longer than zero")
        return value


class Settings(Model):
    """Exercise-wide parameters; defaults are documented planning values."""

    misroute_probability: float = Field(
        default=0.05, ge=0, le=1, description="Chance a 911 call reaches the wrong PSAP"
    )
    transfer_seconds: float = Field(
        default=45.0, ge=0, le=MAX_SECONDS, description="Time to transfer a call"
    )
    span_of_control: int = Field(
        default=5, ge=1, le=20, description="Units one command unit supervises (NIMS: 3-7, 5)"
    )
    conflict_probability: float = Field(
        default=0.3, ge=0, le=1, description="Chance of conflicting tasking without unified command"
    )
    conflict_seconds: float = Field(
        default=120.0,
        ge=0,
        le=MAX_SECONDS,
        description="Time a conflicting or duplicated assignment costs",
    )
    manual_processing_factor: float = Field(
        default=2.0, ge=1, le=100, description="Call processing slows by this while the CAD is down"
    )
    travel_noise: float = Field(
        default=0.08, ge=0, le=1, description="Log-normal sigma applied to each trip"
    )
    casualties: CasualtyModel = CasualtyModel()
    verify_minutes: float = Field(
        default=4.0,
        gt=0,
        le=MAX_SECONDS / 60,
        description="A PSAP's hoax check (callback, location history, caller details); "
        "local setting",
    )
    hoax_clearance_minutes: float = Field(
        default=30.0,
        ge=0,
        le=MAX_SECONDS / 60,
        description="Extra work a tactical team committed to an unverified hoax spends "
        "clearing the address",
    )


class Scenario(Model):
    """A complete joint-operations exercise."""

    scenario_format: int = Field(default=1, ge=1, le=1, description="File format version")
    metadata: Metadata
    map: MapSpec
    settings: Settings = Settings()
    agencies: list[Agency] = Field(min_length=1)
    stations: list[Station] = Field(min_length=1)
    hospitals: list[Hospital] = Field(default_factory=list)
    staging_areas: list[StagingArea] = Field(default_factory=list)
    units: list[UnitSpec] = Field(min_length=1)
    communications: Communications = Communications()
    msel: list[Inject] = Field(default_factory=list)
    scoring: Scoring = Scoring()
    operations: Operations = Field(
        default=Operations(), description="Planned operations and event deconfliction"
    )
    intelligence: Intelligence = Field(
        default=Intelligence(), description="Handling levels on facts (TLP 2.0)"
    )
    community: Community | None = Field(
        default=None, description="The public: trust, tips, rumours and public statements"
    )

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id."""
        return next(a for a in self.agencies if a.id == agency_id)

    def agency_names(self) -> dict[str, str]:
        """Every agency's name by its id, for what a person reads."""
        return {a.id: a.name for a in self.agencies}
