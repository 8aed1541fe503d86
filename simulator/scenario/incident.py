"""How an incident inject describes what happened and what it needs."""

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from simulator.scenario.base import Ident, Location, Model
from simulator.scenario.limits import MAX_MINUTES
from simulator.scenario.timing import Offset
from simulator.scenario.vocabulary import DETECTS, Capability, HazardKind, IncidentType

Count = Annotated[int, Field(ge=1, le=500)]


class Casualties(Model):
    """Patients by START category at the moment the incident starts."""

    immediate: int = Field(default=0, ge=0, le=2000)
    delayed: int = Field(default=0, ge=0, le=2000)
    minor: int = Field(default=0, ge=0, le=2000)
    deceased: int = Field(default=0, ge=0, le=2000)

    @property
    def total(self) -> int:
        """All casualties, living or not."""
        return self.immediate + self.delayed + self.minor + self.deceased


class CasualtyModel(Model):
    """How untreated patients deteriorate and how long care takes.

    Defaults are planning values for training, not clinical figures; a scenario sets
    its own.
    """

    immediate_survival_minutes: float = Field(
        default=45.0,
        gt=0,
        le=MAX_MINUTES,
        description="Untreated immediate patient dies after this",
    )
    delayed_deterioration_minutes: float = Field(
        default=90.0,
        gt=0,
        le=MAX_MINUTES,
        description="Untreated delayed patient becomes immediate after this",
    )
    treat_minutes_immediate: float = Field(default=10.0, gt=0, le=MAX_MINUTES)
    treat_minutes_delayed: float = Field(default=8.0, gt=0, le=MAX_MINUTES)
    treat_minutes_minor: float = Field(default=5.0, gt=0, le=MAX_MINUTES)
    handover_minutes: float = Field(
        default=15.0, ge=0, le=MAX_MINUTES, description="Hospital handover time"
    )
    crowded_offload_minutes: float = Field(
        default=20.0,
        ge=0,
        le=MAX_MINUTES,
        description="Extra handover time at an emergency department past 85% of its beds "
        "for the patient's category: the crew waits to offload (ambulance offload delay)",
    )


class Calls(Model):
    """The 911 calls an incident produces."""

    count: int = Field(default=1, ge=1, le=500)
    spread: Offset = Field(default=120.0, description="Calls arrive over this span")
    after: Offset = Field(
        default=0.0,
        description="The first call comes this long after the incident starts: until "
        "then only an agency told by an inject (a camera, surveillance, an analyst) knows",
    )
    agency: Ident | None = Field(
        default=None, description="PSAP callers reach; default the lead agency"
    )
    suspect: bool = Field(
        default=False,
        description="The call-taker flags it as a possible hoax (one caller, a spoofed "
        "number, nobody confirms): verify before committing a tactical team",
    )


class Hazard(Model):
    """A danger on scene; communications model who knows of it."""

    id: Ident
    kind: HazardKind
    description: str = ""
    reported: bool = Field(default=False, description="Callers report it from the start")
    harm: Literal["crew_injured", "out_of_service", "casualties"] = Field(
        default="crew_injured",
        description="What befalls a unit whose agency did not know of the hazard",
    )
    harm_count: int = Field(default=1, ge=1, le=50, description="Injured crew or added casualties")
    detected_by: list[Capability] | None = Field(
        default=None, description="Capabilities that recognise it safely; default by kind"
    )

    @property
    def detectors(self) -> frozenset[Capability]:
        """Who recognises the hazard: the scenario's say, else the kind's default."""
        return frozenset(self.detected_by if self.detected_by is not None else DETECTS[self.kind])


class Precondition(Model):
    """A condition some units must wait for, e.g. police securing the scene.

    A unit of ``capability`` on scene works ``minutes`` to make it ready; when
    ``declare`` is set the owning agency must then declare it by command.
    """

    id: Ident
    name: str
    capability: Capability
    minutes: float = Field(default=5.0, ge=0, le=MAX_MINUTES)
    declare: bool = True
    blocks_agencies: list[Ident] = Field(
        default_factory=list, description="Agency ids or kinds (e.g. ems) that must wait"
    )
    blocks_capabilities: list[Capability] = Field(default_factory=list)


def no_fixed_transport(value: dict[Capability, int]) -> dict[Capability, int]:
    """A need list without ``transport``: patients bring that need, one by one."""
    if Capability.TRANSPORT in value:
        raise ValueError("transport is not a fixed requirement; ambulances are sent per patient")
    return value


class EscalationEffect(Model):
    """What an escalation adds to an incident."""

    description: str = ""
    add_requires: dict[Capability, Count] = Field(default_factory=dict)
    add_casualties: Casualties = Casualties()
    add_work_minutes: float = Field(default=0.0, ge=0, le=MAX_MINUTES)
    secondary: "IncidentSpec | None" = Field(
        default=None, description="A secondary incident that starts at escalation"
    )

    @field_validator("add_requires")
    @classmethod
    def _no_fixed_transport(cls, value: dict[Capability, int]) -> dict[Capability, int]:
        return no_fixed_transport(value)


class Escalation(EscalationEffect):
    """An escalation that fires when requirements stay unmet for ``after``."""

    after: Offset


class IncidentSpec(Model):
    """The ground truth of an incident: where, what, and what it takes to resolve."""

    id: Ident
    title: str = ""
    location: Location
    incident_type: IncidentType
    priority: int = Field(default=2, ge=1, le=3, description="1 is the most urgent")
    requires: dict[Capability, Count] = Field(default_factory=dict)
    lead: Ident | None = Field(default=None, description="Lead agency; default from needs")
    responsible: dict[Capability, Ident] = Field(
        default_factory=dict, description="Agency answering a capability, if not by discipline"
    )
    casualties: Casualties = Casualties()
    casualty_model: CasualtyModel | None = None
    hazards: list[Hazard] = Field(default_factory=list)
    preconditions: list[Precondition] = Field(default_factory=list)
    work_minutes: float = Field(
        default=20.0, ge=0, le=MAX_MINUTES, description="On-scene work at full strength"
    )
    calls: Calls = Calls()
    escalation: list[Escalation] = Field(default_factory=list)
    hoax: bool = Field(
        default=False, description="A swatting call: nothing is there but the callers' story"
    )

    @field_validator("requires")
    @classmethod
    def _no_fixed_transport(cls, value: dict[Capability, int]) -> dict[Capability, int]:
        return no_fixed_transport(value)

    @field_validator("hoax")
    @classmethod
    def _nobody_hurt_at_a_hoax(cls, value: bool, info: ValidationInfo) -> bool:
        # A hoax resolves once verified: patients written there, or brought by an
        # escalation or a hazard, would be left to die.
        if not value:
            return value
        casualties = info.data.get("casualties")
        if casualties is not None and casualties.total:
            raise ValueError("a hoax has no casualties (nothing is there but the story)")
        if any(stage.add_casualties.total for stage in info.data.get("escalation") or ()):
            raise ValueError("a hoax has no casualties: an escalation here adds some")
        if info.data.get("hazards"):  # a hurt crew or bystander is a patient too
            raise ValueError("a hoax has no hazards (nothing is there but the story)")
        return value


EscalationEffect.model_rebuild()
