"""An incident's ground truth on scene: needs, progress, preconditions and patients."""

from dataclasses import dataclass, field
from enum import StrEnum

from simulator.engine.unit import Unit
from simulator.scenario.incident import CasualtyModel, IncidentSpec, Precondition
from simulator.scenario.vocabulary import Capability, Triage


class CareState(StrEnum):
    """Where a patient is in the chain of care."""

    WAITING = "waiting"
    TREATING = "treating"
    AWAITING_TRANSPORT = "awaiting_transport"
    LOADED = "loaded"
    TRANSPORTED = "transported"
    RELEASED = "released"
    DECEASED = "deceased"


OUTCOMES = frozenset({CareState.TRANSPORTED, CareState.RELEASED, CareState.DECEASED})
# Patients who go to hospital, and the states in which they still wait for a seat.
_CARRIED = (Triage.IMMEDIATE, Triage.DELAYED)
_SEATLESS = (CareState.WAITING, CareState.TREATING, CareState.AWAITING_TRANSPORT)


@dataclass(eq=False)
class Patient:
    """One casualty, triaged by START."""

    id: str
    incident: str
    triage: Triage
    state: CareState = CareState.WAITING
    token: int = 0
    deadline: float | None = None  # when the running deterioration clock runs out
    left: float | None = None  # seconds left on it when treatment paused it
    number: int = 0  # its place in the incident's count (``{incident}-P{number}``)

    @property
    def needs_transport(self) -> bool:
        """Immediate and delayed patients go to hospital; minor are treated and released."""
        return self.triage in _CARRIED


class Readiness(StrEnum):
    """A precondition's progress."""

    PENDING = "pending"
    WORKING = "working"
    READY = "ready"
    MET = "met"


@dataclass(eq=False)
class Gate:
    """Live state of one precondition."""

    spec: Precondition
    state: Readiness = Readiness.PENDING
    token: int = 0

    def applies(self, unit: Unit, agency_kind: str) -> bool:
        """Whether this precondition holds ``unit`` back until it is met."""
        if unit.can(self.spec.capability):
            return False
        if unit.agency in self.spec.blocks_agencies or agency_kind in self.spec.blocks_agencies:
            return True
        return any(unit.can(cap) for cap in self.spec.blocks_capabilities)


@dataclass(eq=False)
class Incident:
    """Mutable engine state of one incident."""

    spec: IncidentSpec
    node: int
    started: float
    lead: str
    agencies: list[str]
    casualty_model: CasualtyModel
    requires: dict[Capability, int] = field(init=False)
    work_total: float = field(init=False)
    work_done: float = 0.0
    rate: float = 0.0
    rate_since: float = 0.0
    work_token: int = 0
    work_complete: bool = False
    unmet_since: float | None = None
    unmet_token: int = 0
    stage: int = 0
    escalations: int = 0
    resolved: bool = False
    span_exceeded: bool = False
    assigned: set[str] = field(default_factory=set)
    on_scene: set[str] = field(default_factory=set)
    gates: list[Gate] = field(init=False)
    patients: list[Patient] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.requires = dict(self.spec.requires)
        self.work_total = self.spec.work_minutes * 60.0 if self.requires else 0.0
        self.gates = [Gate(p) for p in self.spec.preconditions]
        self.rate_since = self.started

    @property
    def id(self) -> str:
        """The incident's id."""
        return self.spec.id

    def gate(self, gate_id: str) -> Gate | None:
        """The precondition with this id, if any."""
        return next((g for g in self.gates if g.spec.id == gate_id), None)

    def living(self) -> list[Patient]:
        """Patients without an outcome yet."""
        return [p for p in self.patients if p.state not in OUTCOMES]

    def transport_need(self) -> int:
        """Patients who still need a seat in an ambulance (asked on every CAD read)."""
        return sum(1 for p in self.patients if p.triage in _CARRIED and p.state in _SEATLESS)

    def all_cared_for(self) -> bool:
        """Every patient has an outcome."""
        return all(p.state in OUTCOMES for p in self.patients)


# Patients still waiting for, or in, treatment on scene.
_UNTREATED = (CareState.WAITING, CareState.TREATING)


def needs(units: dict[str, Unit], incident: Incident) -> dict[Capability, tuple[int, int, int]]:
    """Per capability: (required, assigned, on scene), transport and care included.

    Transport is needed per patient still on scene; a treatment unit is needed while
    patients wait and the incident asked for none. Players ask this on every re-plan,
    so the committed units are read once, unordered (only counts come out).
    """
    on_scene = incident.on_scene
    crews = [(units[u], u in on_scene) for u in incident.assigned]
    required = dict(incident.requires)
    transport = incident.transport_need()
    if transport:
        required[Capability.TRANSPORT] = transport
    waiting = any(p.state in _UNTREATED for p in incident.patients)
    if waiting and Capability.ALS not in required and Capability.BLS not in required:
        required[Capability.BLS] = 1
    out = {}
    for capability, count in required.items():
        assigned = present = 0
        seat = capability == Capability.TRANSPORT
        als_will_do = capability == Capability.BLS  # ``Unit.can``, inlined
        for unit, here in crews:
            caps = unit.capabilities
            if (capability in caps or (als_will_do and Capability.ALS in caps)) and not (
                seat and unit.patients
            ):
                assigned += 1
                present += here
        out[capability] = (count, assigned, present)
    return out
