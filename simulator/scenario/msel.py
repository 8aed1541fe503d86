"""The Master Scenario Events List (HSEEP): timed injects released to players."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simulator.scenario.base import Ident, Model
from simulator.scenario.incident import EscalationEffect, IncidentSpec
from simulator.scenario.limits import MAX_MINUTES
from simulator.scenario.timing import Offset

Delivery = Literal["phone", "radio", "cad", "email", "verbal", "sensor"]


class InjectBase(Model):
    """The columns every MSEL row keeps (HSEEP)."""

    seq: int = Field(ge=1, le=1_000_000, description="Sequence number")
    time: Offset = Field(description="Scenario time the inject is released")
    source: str = Field(default="SimCell", alias="from", description="Originator")
    to: list[Ident] = Field(default_factory=list, description="Recipient agencies")
    delivery: Delivery = "phone"
    description: str
    expected_action: str = ""
    objectives: list[Ident] = Field(default_factory=list)
    notes: str = Field(
        default="",
        max_length=2000,
        description="Controller notes (HSEEP MSEL): what to watch for, when to release it",
    )
    contingency: bool = Field(
        default=False,
        description="A contingency inject (HSEEP): held from the start, released by the "
        "controller only if play needs it",
    )


class IncidentInject(InjectBase):
    """Something happens; callers start dialling 911."""

    type: Literal["incident"]
    incident: IncidentSpec


class InformationInject(InjectBase):
    """A piece of information reaches the named agencies, with any facts it carries."""

    type: Literal["information"]
    facts: list[str] = Field(
        default_factory=list,
        description="Fact keys the recipients learn, e.g. hazard:I3/chem or closure:Bridge 1",
    )

    @model_validator(mode="after")
    def _has_recipient(self) -> "InformationInject":
        if not self.to:
            raise ValueError("an information inject needs at least one recipient in 'to'")
        return self


class ResourceChange(InjectBase):
    """A unit goes out of service or comes into service."""

    type: Literal["resource_change"]
    unit: Ident
    change: Literal["out_of_service", "in_service"]


class RoadClosure(InjectBase):
    """Roads close or reopen, by street name or by node pair."""

    type: Literal["road_closure"]
    action: Literal["close", "open"] = "close"
    roads: list[str] = Field(default_factory=list, description="Street names")
    edges: list[tuple[Ident, Ident]] = Field(default_factory=list, description="Node pairs")

    @model_validator(mode="after")
    def _names_something(self) -> "RoadClosure":
        if not self.roads and not self.edges:
            raise ValueError("a road closure names at least one road or edge")
        return self


class TrafficInject(InjectBase):
    """Traffic builds up on roads: every vehicle there, responders too, moves slower.

    A stadium letting out, an evacuation, a crowd, rubbernecking at a crash: the roads
    named carry traffic at ``speed`` times their normal speed for ``minutes`` (left
    out: the rest of the exercise). Traffic is public knowledge (the traffic news);
    ``to`` also hears the description. A traffic control point on such a road lets
    emergency vehicles through at full speed.
    """

    type: Literal["traffic"]
    roads: list[str] = Field(default_factory=list, description="Street names")
    edges: list[tuple[Ident, Ident]] = Field(default_factory=list, description="Node pairs")
    speed: float = Field(
        default=0.25, ge=0.05, lt=1, description="Share of the normal speed traffic moves at"
    )
    minutes: float | None = Field(
        default=None, gt=0, le=MAX_MINUTES, description="Until it clears; none = rest"
    )

    @model_validator(mode="after")
    def _names_something(self) -> "TrafficInject":
        if not self.roads and not self.edges:
            raise ValueError("a traffic inject names at least one road or edge")
        return self


class EscalationInject(InjectBase, EscalationEffect):
    """The controller escalates a running incident."""

    type: Literal["escalation"]
    incident: Ident


class Fault(InjectBase):
    """A system goes down: a radio site, a CAD, a records system, phone lines or a channel.

    It comes back after ``minutes``, or when the work of the incident ``restored_by``
    names is done (a cyber incident its IT team restores), or never in the exercise.
    """

    type: Literal["fault"]
    fault: Literal["radio_site", "cad", "records", "phone", "congestion"]
    target: Ident = Field(description="Site id, agency id (cad, records) or channel id")
    minutes: float | None = Field(
        default=None, gt=0, le=MAX_MINUTES, description="Until restored; none = rest"
    )
    restored_by: Ident | None = Field(
        default=None, description="Incident whose completed work restores the system"
    )
    load: float = Field(
        default=0.7, gt=0, lt=1, description="Share of airtime background traffic takes"
    )

    @model_validator(mode="after")
    def _one_end(self) -> "Fault":
        if self.minutes is not None and self.restored_by is not None:
            raise ValueError("give minutes (a fixed outage) or restored_by (work), not both")
        return self


class RumourInject(InjectBase):
    """A claim starts spreading on social media (``to``: the agencies that notice it).

    Unanswered, its reach grows by ``growth`` an hour (faster when trust is low), and
    people who saw it call ``psap``; past ``crowd_at`` people gather (the ``crowd``
    incident starts). An accurate public statement answering it stops its growth.
    Without a ``community`` section a rumour is only told to ``to``.
    """

    type: Literal["rumour"]
    rumour: Ident = Field(description="The rumour's id, for statements that answer it")
    claim: str = Field(min_length=1, max_length=500, description="What the posts claim")
    factual: bool = Field(default=False, description="Whether the claim is in fact true")
    reach: float = Field(default=500.0, gt=0, le=1e8, description="People reached at release")
    growth: float = Field(default=1.0, ge=0, le=20, description="Reach growth rate, per hour")
    decay: float = Field(
        default=1.5, gt=0, le=20, description="Reach decay rate an hour once answered"
    )
    calls_per_thousand: float = Field(
        default=2.0, ge=0, le=1000, description="Calls an hour per thousand people reached"
    )
    psap: Ident | None = Field(default=None, description="Where its calls go (first of to)")
    about: Ident | None = Field(default=None, description="The incident it concerns")
    crowd_at: float | None = Field(
        default=None, gt=0, le=1e8, description="Reach at which people gather (crowd starts)"
    )
    crowd: IncidentSpec | None = Field(default=None, description="The gathering it causes")

    @model_validator(mode="after")
    def _crowd_pair(self) -> "RumourInject":
        if (self.crowd_at is None) != (self.crowd is None):
            raise ValueError("give crowd_at and crowd together, or neither")
        if self.psap is None and not self.to:
            raise ValueError("a rumour needs a psap or at least one agency in 'to'")
        return self


Inject = Annotated[
    IncidentInject
    | InformationInject
    | ResourceChange
    | RoadClosure
    | TrafficInject
    | EscalationInject
    | Fault
    | RumourInject,
    Field(discriminator="type"),
]

INJECT_TYPES = frozenset(
    {
        "incident",
        "information",
        "resource_change",
        "road_closure",
        "traffic",
        "escalation",
        "fault",
        "rumour",
    }
)
