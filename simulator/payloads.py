"""Typed payloads of the event log: one frozen dataclass per event kind.

The log stays plain JSON (``Event.data``, hashed byte for byte); ``payload(event)``
reads an event's data back as its kind's dataclass, so a reader names fields as
attributes and a renamed or missing field fails loudly instead of hiding behind
``.get(default)``. ``problems(event)`` compares an event with its kind's declaration;
the test suite runs it on every event of every bundled scenario under every player
profile, so an emit site and its declaration cannot drift apart. docs/events.md
explains what each kind means.
"""

import types
import typing
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from typing import Any

from simulator.events import Event
from simulator.scenario.limits import MAX_SECONDS

JSON = Any  # a JSON value: what a fact or a command carries
KINDS: dict[str, type] = {}


def kind(name: str) -> typing.Callable[[type], type]:
    """Declare the payload of one event kind."""

    def register(cls: type) -> type:
        KINDS[name] = dataclass(frozen=True, slots=True)(cls)
        return KINDS[name]

    return register


class UnknownKind(LookupError):
    """An event kind nobody declared."""


def payload(event: Event) -> Any:
    """The event's data as its kind's dataclass.

    Raises:
        UnknownKind: no payload is declared for the event's kind.
        TypeError: a field is missing or not declared.
    """
    cls = KINDS.get(event.kind)
    if cls is None:
        raise UnknownKind(event.kind)
    return cls(**event.data)


def problems(event: Event) -> list[str]:
    """What in the event disagrees with its kind's declaration (empty: it agrees)."""
    cls = KINDS.get(event.kind)
    if cls is None:
        return [f"{event.kind}: no payload declared"]
    declared = _declared(cls)
    found = [
        f"{event.kind}: undeclared field {name!r}" for name in event.data if name not in declared
    ]
    for name, (hint, required) in declared.items():
        if name not in event.data:
            if required:
                found.append(f"{event.kind}: missing field {name!r}")
        elif not _fits(event.data[name], hint):
            value = type(event.data[name]).__name__
            expected = getattr(hint, "__name__", str(hint))
            found.append(f"{event.kind}.{name}: {value} is not {expected}")
    return found


def check(events: Iterable[Event]) -> None:
    """Refuse a log read back whose events no run could have logged.

    A log edited by hand (its hash written again) or a stored run with no hash to check
    may hold anything; scoring it would stop at a missing field, or a time stamp of a
    million days would size its charts past memory.

    Raises:
        ValueError: the first such event, by its number, and what is wrong with it.
    """
    for event in events:
        if not 0.0 <= event.t <= MAX_SECONDS:
            raise ValueError(f"event {event.seq}: t: {event.t} is past any exercise (30 days)")
        found = problems(event)
        if found:
            raise ValueError(f"event {event.seq}: {found[0]}")


def declaring(field: str, *families: str) -> frozenset[str]:
    """The kinds whose payload has ``field`` (of these families of kinds, if named).

    Readers that take a field only from the kinds carrying it ask here rather than
    keep a list of their own, which a new or renamed declaration would leave behind.
    """
    return frozenset(
        kind
        for kind in KINDS
        if field in declared(kind) and (not families or kind.startswith(families))
    )


def declared(kind: str) -> dict[str, tuple[Any, bool]]:
    """Each field of a kind's payload: its type and whether it is required."""
    return _declared(KINDS[kind])


@cache
def _declared(cls: type) -> dict[str, tuple[Any, bool]]:
    hints = typing.get_type_hints(cls)
    return {
        f.name: (hints[f.name], f.default is MISSING and f.default_factory is MISSING)
        for f in fields(cls)
    }


def _fits(value: object, hint: Any) -> bool:
    """Whether a JSON value fits a declared type (containers by their outer type)."""
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if origin is not None:
        return isinstance(value, origin)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


# -- the exercise ----------------------------------------------------------------------


@kind("exercise.started")
class ExerciseStarted:
    """The first event: which scenario, seed and length."""

    scenario: str
    title: str
    seed: int
    duration: float
    start_clock: str


@kind("exercise.ended")
class ExerciseEnded:
    """The last event, and why the exercise ended."""

    reason: str


@kind("command.accepted")
class CommandAccepted:
    """A command carried out (logged before its effects)."""

    source: str
    command: dict[str, JSON]


@kind("command.rejected")
class CommandRejected:
    """A command refused, with the reason the giver was told."""

    source: str
    command: dict[str, JSON]
    reason: str


# -- the MSEL and its controller -------------------------------------------------------


@kind("inject.released")
class InjectReleased:
    """An MSEL row delivered (by its time, or by the controller)."""

    seq: int
    type: str
    description: str
    source: str
    to: list[str]
    delivery: str
    # The controller's script: a trainee's seat hears the inject without them
    # (``network.roles.Hearing.shown``); the log always has them.
    expected_action: str = ""
    objectives: list[str] = field(default_factory=list)
    by: str | None = None  # "controller" when released by hand
    due: float | None = None
    adhoc: bool | None = None


@kind("inject.held")
class InjectHeld:
    """A row the controller held reached its time and did not fire."""

    seq: int
    type: str
    description: str


@kind("inject.on_hold")
class InjectOnHold:
    """The controller held an MSEL row back."""

    seq: int
    type: str
    due: float


@kind("information.received")
class InformationReceived:
    """An information inject reached an agency."""

    seq: int
    text: str
    source: str
    delivery: str


@kind("fault.started")
class FaultStarted:
    """A fault inject took a system down (radio site, CAD, records, phones, a channel)."""

    fault: str
    target: str
    seq: int


@kind("fault.ended")
class FaultEnded:
    """A fault inject's fixed outage (its ``minutes``) is over."""

    fault: str
    target: str
    seq: int


@kind("fault.restored")
class FaultRestored:
    """The work of the incident (``Event.incident``) that restores a downed system is done."""

    fault: str
    target: str
    seq: int
    reason: str


# -- incidents -------------------------------------------------------------------------


@kind("incident.started")
class IncidentStarted:
    """Ground truth: something happened (nobody knows yet)."""

    title: str
    type: str
    priority: int
    node: str
    x: float
    y: float
    lead: str
    agencies: list[str]
    requires: dict[str, int]
    hazards: list[str]
    preconditions: list[str]
    parent: str | None


@kind("incident.casualties")
class IncidentCasualties:
    """Patients appeared at an incident, by START category."""

    immediate: int
    delayed: int
    minor: int
    deceased: int


@kind("incident.escalated")
class IncidentEscalated:
    """An incident grew: more needs, more patients, perhaps a secondary."""

    reason: str
    description: str
    add_requires: dict[str, int]
    add_casualties: dict[str, int]
    secondary: str | None
    requires: dict[str, int]


@kind("incident.escalation_skipped")
class IncidentEscalationSkipped:
    """A scripted escalation did not happen (the incident was over)."""

    reason: str


@kind("incident.precondition_started")
class PreconditionStarted:
    """A unit began the work a precondition needs."""

    condition: str


@kind("incident.precondition_interrupted")
class PreconditionInterrupted:
    """That work stopped: its unit left."""

    condition: str


@kind("incident.precondition_ready")
class PreconditionReady:
    """The work is done; the condition awaits its declaration."""

    condition: str
    name: str


@kind("incident.precondition_met")
class PreconditionMet:
    """The condition holds: the crews it held back may go in."""

    condition: str
    name: str


@kind("incident.requirements_met")
class RequirementsMet:
    """Every capability the incident needs is on scene."""


@kind("incident.work_completed")
class WorkCompleted:
    """The incident's work is done."""


@kind("incident.resolved")
class IncidentResolved:
    """The incident is closed and its units released."""

    duration: float
    escalations: int


@kind("hospital.over_capacity")
class HospitalOverCapacity:
    """A patient was taken to a hospital with no free bed."""

    hospital: str
    triage: str


@kind("hospital.crowded")
class HospitalCrowded:
    """A patient is taken to an emergency department past 85% of its beds (offload delay)."""

    hospital: str
    patient: str
    triage: str
    in_use: int
    beds: int


@kind("hospital.bed_freed")
class HospitalBedFreed:
    """A delivered patient's emergency-department stay is over."""

    hospital: str
    triage: str


# -- patients --------------------------------------------------------------------------


@kind("patient.treatment_started")
class TreatmentStarted:
    """A crew began treating a patient (its clock pauses)."""

    patient: str
    triage: str


@kind("patient.treatment_interrupted")
class TreatmentInterrupted:
    """The crew left mid-treatment (the clock resumes)."""

    patient: str


@kind("patient.treated")
class PatientTreated:
    """Treatment done; the patient awaits transport."""

    patient: str


@kind("patient.released")
class PatientReleased:
    """A minor patient treated and released on scene."""

    patient: str


@kind("patient.loaded")
class PatientLoaded:
    """A patient loaded into a transport unit."""

    patient: str


@kind("patient.delivered")
class PatientDelivered:
    """A patient handed over at a hospital."""

    patient: str
    hospital: str
    triage: str


@kind("patient.deteriorated")
class PatientDeteriorated:
    """An untreated patient became more urgent."""

    patient: str
    triage: str


@kind("patient.died")
class PatientDied:
    """A patient died before care."""

    patient: str
    reason: str


# -- units (``unit.<status>`` carry the status they left in ``prev``) ------------------


@kind("unit.available")
class UnitAvailable:
    """A unit is free for a new assignment."""

    prev: str
    released_from: str | None = None
    reason: str | None = None


@kind("unit.dispatched")
class UnitDispatched:
    """A unit was assigned to an incident."""

    prev: str
    reassigned_from: str | None
    eta: float


@kind("unit.en_route")
class UnitEnRoute:
    """A unit set off: to a scene, a staging area or onwards from one."""

    prev: str
    to: str
    path: list[str]
    eta: float
    staging: str | None = None
    released: str | None = None  # the staging area it left


@kind("unit.staged")
class UnitStaged:
    """A unit waits, committed, at a staging area or the perimeter."""

    prev: str
    at: str
    reason: str


@kind("unit.on_scene")
class UnitOnScene:
    """A unit is working at the scene."""

    prev: str
    released: bool | None = None  # went in from the perimeter


@kind("unit.transporting")
class UnitTransporting:
    """A unit left for hospital with patients."""

    prev: str
    hospital: str
    patients: list[str]
    path: list[str]
    eta: float
    diverted_from: str | None = None  # the hospital the road there closed to


@kind("unit.at_hospital")
class UnitAtHospital:
    """A transport unit reached the hospital."""

    prev: str
    hospital: str


@kind("unit.returning")
class UnitReturning:
    """A unit drives back to its station."""

    prev: str
    released_from: str | None
    path: list[str]
    eta: float
    reason: str | None = None


@kind("unit.out_of_service")
class UnitOutOfService:
    """A unit cannot be used (harmed, a fault, the scenario)."""

    prev: str
    reason: str
    released_from: str | None = None


@kind("unit.out_of_service_pending")
class UnitOutOfServicePending:
    """A unit will go out of service once its task is over."""

    reason: str


@kind("unit.out_of_service_cancelled")
class UnitOutOfServiceCancelled:
    """A unit due to go out of service after its task was returned to service first."""

    reason: str


@kind("unit.rerouted")
class UnitRerouted:
    """A closure changed a unit's trip."""

    path: list[str]
    eta: float


@kind("unit.blocked")
class UnitBlocked:
    """A unit reached a closure its agency was not told of."""

    road: str
    reason: str


@kind("unit.no_route")
class UnitNoRoute:
    """No open road leads where a unit must go."""

    at: str
    to: str


@kind("unit.harmed")
class UnitHarmed:
    """A unit walked into a hazard its agency did not know of."""

    hazard: str
    effect: str
    count: int


@kind("staging.opened")
class StagingOpened:
    """A staging area was set up by command."""

    staging: str
    node: str
    x: float
    y: float


@kind("road.closed")
class RoadClosed:
    """Roads closed."""

    by: str
    edges: list[list[str]]
    names: list[str]


@kind("road.opened")
class RoadOpened:
    """Roads reopened."""

    by: str
    edges: list[list[str]]
    names: list[str]


@kind("traffic.congested")
class TrafficCongested:
    """An MSEL traffic row: its roads carry traffic at ``speed`` of normal (public)."""

    seq: int
    edges: list[list[str]]
    names: list[str]
    speed: float
    until: float | None  # when it clears (s); None: the rest of the run
    description: str


@kind("traffic.cleared")
class TrafficCleared:
    """A congestion inject's time is over: its roads flow again."""

    seq: int
    edges: list[list[str]]
    names: list[str]


@kind("traffic.point_set")
class TrafficPointSet:
    """A traffic-control unit reached its post: the road is closed to the public."""

    road: str
    edges: list[list[str]]
    node: str
    x: float
    y: float
    congested: list[int]  # seqs of the congestion injects on its road now


@kind("traffic.point_released")
class TrafficPointReleased:
    """A traffic point is lifted: released by order, or its unit given other work."""

    road: str
    reason: str
    held: float | None  # seconds it stood; None if the unit never got there


# -- knowledge, calls and messages -----------------------------------------------------


@kind("fact.critical")
class FactCritical:
    """Ground truth some agencies need to know, and which."""

    fact: str
    needed_by: list[str]


@kind("fact.learned")
class FactLearned:
    """An agency learned a fact or a new value of it."""

    fact: str
    value: JSON
    via: str
    message: str | None
    source: str | None


@kind("cad.opened")
class CadOpened:
    """An agency's CAD learned of an incident."""

    via: str
    source: str | None
    type: str
    priority: int
    node: str


@kind("call.received")
class CallReceived:
    """A 911 call rang at a PSAP."""

    call: str


@kind("call.answered")
class CallAnswered:
    """A call-taker answered it."""

    call: str
    wait: float


@kind("call.transferred")
class CallTransferred:
    """The call went to the PSAP that handles it."""

    call: str
    to: str


@kind("call.duplicate")
class CallDuplicate:
    """The call was about an incident the CAD already holds."""

    call: str


@kind("call.processed")
class CallProcessed:
    """The call became a CAD incident."""

    call: str


@kind("message.queued")
class MessageQueued:
    """A message entered a channel's queue."""

    message: str
    type: str
    to: str | None  # None: sent onto a channel, to whoever listens
    channel: str | None
    path: str | None
    level: int | None
    facts: list[str]
    words: int
    text: str | None


@kind("message.sent")
class MessageSent:
    """Its airtime is over."""

    message: str
    channel: str
    wait: float
    airtime: float


@kind("message.delivered")
class MessageDelivered:
    """It reached its recipient."""

    message: str
    channel: str
    source: str
    latency: float
    facts: list[str]


@kind("message.lost")
class MessageLost:
    """It did not get through."""

    message: str
    channel: str | None
    reason: str


@kind("patch.requested")
class PatchRequested:
    """A dispatcher asked for a console patch."""

    channels: list[str]


@kind("patch.established")
class PatchEstablished:
    """The patch joins the channels."""

    channels: list[str]


@kind("patch.released")
class PatchReleased:
    """The patch was taken down."""

    channels: list[str]


# -- command and coordination ----------------------------------------------------------


@kind("command_post.established")
class CommandPostEstablished:
    """A command unit set up the incident command post."""

    node: str
    x: float
    y: float


@kind("unified_command.established")
class UnifiedCommandEstablished:
    """Commanders of two or more agencies joined in unified command."""

    agencies: list[str]
    channel: str


@kind("span.exceeded")
class SpanExceeded:
    """A scene outgrew its supervisors (work slows)."""

    supervisors: int
    units: int
    limit: int
    factor: float


@kind("span.restored")
class SpanRestored:
    """The scene regained enough supervisors."""

    supervisors: int
    units: int
    limit: int
    factor: float


@kind("assignment.conflicted")
class AssignmentConflicted:
    """Two agencies gave one task conflicting orders (no unified command)."""

    with_agency: str
    cost: float


@kind("assignment.duplicated")
class AssignmentDuplicated:
    """Two agencies did the same task twice (no unified command)."""

    with_agency: str
    cost: float


@kind("assignment.sorted")
class AssignmentSorted:
    """A unit held up by a tasking clash has sorted it out and starts work on scene."""

    waited: float


@kind("mutual_aid.requested")
class MutualAidRequested:
    """An agency asked another for units."""

    to: str
    capability: str
    count: int


@kind("mutual_aid.received")
class MutualAidReceived:
    """The request reached the agency asked."""

    source: str
    capability: str
    count: int


# -- planned operations and deconfliction ---------------------------------------------


@kind("operation.planned")
class OperationPlanned:
    """A planned operation, as the scenario declares it."""

    operation: str
    title: str
    type: str
    agencies: list[str]
    node: str
    x: float
    y: float
    start: float
    end: float
    phases: dict[str, float]
    covert: bool
    requires: list[str]


@kind("operation.registered")
class OperationRegistered:
    """Its lead entered it in event deconfliction."""

    operation: str
    service: str | None
    before_start: bool
    lead_s: float
    prior: bool


@kind("operation.phase")
class OperationPhase:
    """A phase of the operation began."""

    operation: str
    phase: str


@kind("operation.adjusted")
class OperationAdjusted:
    """The lead postponed the operation after a conflict notice."""

    operation: str
    shift_s: float
    start: float
    end: float
    phases: dict[str, float]
    note: str


@kind("operation.compromised")
class OperationCompromised:
    """The operation was spoilt by another one nearby."""

    operation: str
    by: str
    conflict: str | None
    reason: str


@kind("operation.blue_on_blue")
class OperationBlueOnBlue:
    """Officers of two agencies took each other for suspects."""

    operations: list[str]
    agencies: list[str]
    registered: list[bool]
    node: str


@kind("operation.cancelled")
class OperationCancelled:
    """The operation was called off."""

    operation: str


@kind("operation.ended")
class OperationEnded:
    """Its window is over."""

    operation: str


@kind("deconfliction.conflict")
class DeconflictionConflict:
    """A registration matched another registered operation."""

    conflict: str
    operations: list[str]
    agencies: list[str]
    distance_m: float
    window: list[float]


@kind("deconfliction.notice")
class DeconflictionNotice:
    """A lead was told of a conflict."""

    conflict: str
    operation: str
    other: str
    other_agency: str
    node: str
    window: list[float]
    service: str


@kind("deconfliction.acknowledged")
class DeconflictionAcknowledged:
    """A lead acted on a conflict notice."""

    conflict: str
    action: str


@kind("deconfliction.resolved")
class DeconflictionResolved:
    """A conflict was settled (coordinated, separated or cancelled)."""

    conflict: str
    operations: list[str]
    agencies: list[str]
    how: str


# -- intelligence handling levels -----------------------------------------------------


@kind("intelligence.caveat")
class IntelligenceCaveat:
    """An agency learnt a fact that carries a handling level."""

    fact: str
    level: str
    tlp: str
    owner: str
    permitted: bool


@kind("intelligence.overshared")
class IntelligenceOvershared:
    """A fact was shared (``agency`` the sharer) with an agency its level does not allow."""

    fact: str
    to: str
    level: str
    owner: str


@kind("intelligence.compromised")
class IntelligenceCompromised:
    """An over-shared fact reached the wrong people: a source burnt, a target alerted."""

    fact: str
    description: str
    leak_incident: str | None


@kind("intelligence.combined")
class IntelligenceCombined:
    """An analyst (``agency``) held the source facts together: it learns what they give."""

    fact: str
    sources: list[str]
    began: float
    description: str


# -- the public: trust, rumours, statements; hoax calls ------------------------------


@kind("community.started")
class CommunityStarted:
    """The scenario models the public: its starting trust and who speaks to it."""

    trust: float
    pio: list[str]
    first_statement_minutes: float
    update_minutes: float
    tip_line: str | None


@kind("trust.changed")
class TrustChanged:
    """Community trust moved (0-100), and why."""

    trust: float
    delta: float
    reason: str
    rumour: str | None = None


@kind("community.call")
class CommunityCall:
    """A call from the public (a tip, or about a rumour) rang at a PSAP."""

    call: str
    reason: str
    rumour: str | None


@kind("community.call_handled")
class CommunityCallHandled:
    """A call-taker dealt with it."""

    call: str
    reason: str
    wait: float


@kind("rumour.started")
class RumourStarted:
    """A rumour starts spreading on social media (ground truth: whether it is factual)."""

    rumour: str
    claim: str
    factual: bool
    reach: int
    growth: float
    psap: str


@kind("rumour.noticed")
class RumourNoticed:
    """An agency saw the rumour."""

    rumour: str
    claim: str


@kind("rumour.spread")
class RumourSpread:
    """A spread step: its reach now and the calls it brings."""

    rumour: str
    reach: int
    calls: int
    answered: bool


@kind("rumour.countered")
class RumourCountered:
    """An accurate public statement answered it."""

    rumour: str
    reach: int


@kind("rumour.faded")
class RumourFaded:
    """Once answered, it faded."""

    rumour: str


@kind("rumour.crowd")
class RumourCrowd:
    """Unanswered past its crowd size: its crowd incident starts."""

    rumour: str
    reach: int


@kind("statement.issued")
class StatementIssued:
    """A PIO's public statement, judged against ground truth."""

    text: str
    rumour: str | None
    stance: str
    facts: dict[str, JSON]
    accurate: bool
    contradicts: list[str]
    first: bool


@kind("statement.overdue")
class StatementOverdue:
    """A first statement or an update fell due and none was given."""

    due: str
    since: float | None


@kind("call.flagged")
class CallFlagged:
    """A call-taker flagged a processed call as a possible hoax."""

    call: str


@kind("incident.verified")
class IncidentVerified:
    """A hoax check is done."""

    hoax: bool
