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


class EscalationInject(InjectBase, EscalationEffect):
    """The controller escalates a running incident."""

    type: Literal["escalation"]
    incident: Ident


class Fault(InjectBase):
    """A communications failure: a radio site, a CAD, phone lines or a congested channel."""

    type: Literal["fault"]
    fault: Literal["radio_site", "cad", "phone", "congestion"]
    target: Ident = Field(description="Site id, agency id (cad) or channel id")
    minutes: float | None = Field(
        default=None, gt=0, le=MAX_MINUTES, description="Until restored; none = rest"
    )
    load: float = Field(
        default=0.7, gt=0, lt=1, description="Share of airtime background traffic takes"
    )


Inject = Annotated[
    IncidentInject | InformationInject | ResourceChange | RoadClosure | EscalationInject | Fault,
    Field(discriminator="type"),
]

INJECT_TYPES = frozenset(
    {"incident", "information", "resource_change", "road_closure", "escalation", "fault"}
)
