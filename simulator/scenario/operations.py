"""Planned law-enforcement operations and the event-deconfliction service they go through.

Before a warrant service, a surveillance, a buy-bust, an arrest or a search, US agencies
enter the event (place, time window, type, contact) in an event-deconfliction system
(RISSafe, Case Explorer or SAFETNet, linked since 2015 by the Partner Deconfliction
Interface). A match in place and time with another agency's event is a conflict: the
submitter learns at once and the watch centre notifies both contacts. Skipping it risks
officers hurt by each other ("blue-on-blue") and one agency's case spoilt by another's.

A scenario that declares no ``operations`` section has none of this: nothing is logged.
"""

from enum import StrEnum

from pydantic import Field, model_validator

from simulator.scenario.base import Ident, Location, Model
from simulator.scenario.incident import Calls, Casualties, IncidentSpec
from simulator.scenario.limits import MAX_SECONDS
from simulator.scenario.timing import Offset, format_offset
from simulator.scenario.vocabulary import Capability, IncidentType


class OperationType(StrEnum):
    """The kinds of planned event deconfliction systems take."""

    WARRANT_SERVICE = "warrant_service"
    SURVEILLANCE = "surveillance"
    BUY_BUST = "buy_bust"
    ARREST = "arrest"
    SEARCH = "search"


# The phases of a planned operation, in order.
PHASES = ("briefing", "staging", "entry", "secure", "hand_over")


class Phases(Model):
    """When each phase begins, from the exercise start, in the order of ``PHASES``.

    ``briefing`` is the operation's start (what it is registered from); from
    ``staging`` on its officers are in the field, so another agency's officers there
    may run into them; ``entry`` is the moment of contact (the door, the buy, the
    arrest; for a surveillance, taking up position).
    """

    briefing: Offset
    staging: Offset
    entry: Offset
    secure: Offset
    hand_over: Offset

    @model_validator(mode="after")
    def _ordered(self) -> "Phases":
        times = [getattr(self, p) for p in PHASES]
        for before, after, name in zip(times, times[1:], PHASES[1:], strict=False):
            if after < before:
                raise ValueError(f"phase {name} begins before the phase before it")
        return self


class PlannedOperation(Model):
    """One agency's planned operation: who leads, who takes part, where and when."""

    id: Ident
    title: str
    type: OperationType
    lead: Ident = Field(description="The agency that leads it (its contact for deconfliction)")
    agencies: list[Ident] = Field(
        default_factory=list, description="Other agencies taking part (not the lead)"
    )
    location: Location
    phases: Phases
    end: Offset = Field(description="When the operation is over (after hand-over)")
    requires: list[Capability] = Field(
        default_factory=list,
        description="Capabilities it needs (tactical team, K9, undercover, EMS standby)",
    )
    covert: bool = Field(
        default=False, description="Plain-clothes or undercover officers: unknown to others"
    )
    registered: bool = Field(
        default=False, description="Entered in deconfliction before the exercise began"
    )

    @model_validator(mode="after")
    def _window(self) -> "PlannedOperation":
        if self.end < self.phases.hand_over:
            raise ValueError(
                f"end ({format_offset(self.end)}) is before hand_over "
                f"({format_offset(self.phases.hand_over)})"
            )
        return self

    @property
    def start(self) -> float:
        """The start of the window registered for it (its briefing)."""
        return self.phases.briefing


class Deconfliction(Model):
    """The event-deconfliction service: who runs it and what counts as a conflict."""

    agency: Ident = Field(
        description="The agency running the watch centre (e.g. a regional intelligence centre)"
    )
    radius_m: float = Field(
        default=500.0,
        gt=0,
        le=50_000,
        description="Two events this close (and overlapping in time) conflict; a local setting",
    )
    notice_seconds: float = Field(
        default=60.0,
        ge=0,
        le=MAX_SECONDS,
        description="Watch-centre staff call the other contact after this (the submitter "
        "learns at once)",
    )
    acknowledge_seconds: float = Field(
        default=300.0,
        gt=0,
        le=MAX_SECONDS,
        description="Target for a lead agency to act on a conflict notice (scored)",
    )
    casualties: Casualties = Field(
        default=Casualties(delayed=1, minor=1),
        description="Officers hurt in a blue-on-blue confrontation",
    )


class Operations(Model):
    """The scenario's planned operations and its deconfliction service (both optional)."""

    deconfliction: Deconfliction | None = None
    planned: list[PlannedOperation] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _service(self) -> "Operations":
        if self.planned and self.deconfliction is None:
            raise ValueError("planned operations need a deconfliction service (deconfliction:)")
        return self


def confrontation_id(number: int) -> str:
    """The id of the ``number``-th blue-on-blue incident of a run."""
    return f"BLUE-ON-BLUE-{number}"


def confrontation_spec(
    entering: PlannedOperation, other: PlannedOperation, number: int, service: Deconfliction
) -> IncidentSpec:
    """The incident a blue-on-blue confrontation starts where an operation made entry.

    Officers are hurt (the service's ``casualties``); the home police agency's patrol
    secures the scene and leads it (the neighbours' 911 call reaches it); both lead
    agencies know at once, their officers being there.
    """
    return IncidentSpec(
        id=confrontation_id(number),
        title=f"Blue-on-blue: {entering.id} ran into {other.id}",
        location=entering.location,
        incident_type=IncidentType.SHOOTING,
        priority=1,
        requires={Capability.PATROL: 1},
        casualties=service.casualties,
        work_minutes=15.0,
        calls=Calls(count=1),
    )
