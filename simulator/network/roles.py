"""Who sees what: the events a seat receives and the commands it may give.

A seat plays one agency and hears what that agency would: its own events (its calls,
CAD, facts, units, traffic and commands), the fate of the messages it sent, the
messages sent to it, the roads it closed or reopened, its own systems' faults and the
radio's, and what happens at incidents its CAD holds. Ground truth (``incident.started``,
``fact.critical``, other agencies' facts and traffic) goes to the controller only.

Planned operations: a seat hears the plan of every operation it leads or takes part
in, and of every overt one (a covert operation is known only to its agencies), then
what becomes of those operations. Deconfliction runs at the watch centre (its events
are logged under the intelligence centre's agency): a seat hears the conflicts, their
resolution and the other lead's answer wherever one of its agencies is a lead, and its
own notices, so a lead can act on them and see the matter closed.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from simulator.engine.knowledge import Known
from simulator.events import CONTROLLER, Event
from simulator.payloads import declaring, payload
from simulator.scenario.facts import FactKey
from simulator.scenario.model import Scenario
from simulator.scenario.msel import IncidentInject
from simulator.world.roads import RoadNetwork

# Event kinds about one message (queued, delivered, lost...): their sender decides who hears.
_ABOUT_A_MESSAGE = declaring("message")
# Source of a seat's commands in the run record (``seat:police``), and of a seat's
# commands given by an automated player joined with ``--bot`` (``bot:police``): the
# report never counts those as a trainee's, and a replay gives them from the record.
SEAT_SOURCE = "seat:"
BOT_SOURCE = "bot:"
# Never to a trainee's seat, whatever agency they name.
_GROUND_TRUTH = frozenset({"incident.started", "fact.critical"})
# What happens at an incident, heard by every seat whose CAD holds it.
_AT_INCIDENT = frozenset(
    {
        "incident.escalated",
        "incident.resolved",
        "incident.casualties",
        "incident.requirements_met",
        "incident.work_completed",
        "incident.precondition_met",
        "unified_command.established",
        "command_post.established",
        "span.exceeded",
        "span.restored",
        "unit.dispatched",
        "unit.on_scene",
        "unit.staged",
        "unit.transporting",
        "unit.returning",
        # Its patients: one dying untreated, a hospital taking one past its beds.
        "patient.died",
        "hospital.crowded",
        "hospital.over_capacity",
    }
)

# The regional hospital status board (HAvBED): every dispatch centre sees a bed come
# free, as it sees the beds in use (an EMS desk spreading its patients plans by it).
_BOARD = frozenset({"hospital.bed_freed"})

# Roads closed or reopened: heard by the agency that did it, and by those an MSEL
# closure was addressed to (others learn of a closure as a fact, from a partner or at
# the barrier).
_ROADS = frozenset({"road.closed", "road.opened"})
_BY_INJECT = "MSEL "
# The controller's script in a released inject (what it expects the players to do, the
# objectives it serves) and its hand in it (released or added by the controller, when
# due): a trainee's seat gets the inject without them.
_CONTROLLER_ONLY = frozenset({"expected_action", "objectives", "by", "due", "adhoc"})

# Faults every dispatcher notices (a radio site off the air, phone lines down, a channel
# jammed with traffic: shared systems); a CAD or records system going down is heard by
# its agency.
_SHARED_SYSTEMS = frozenset({"radio_site", "phone", "congestion"})

# What the public shows every seat: its trust, rumours going round on social media and
# the statements answering them (whether a rumour is true stays the controller's), and
# traffic.
_PUBLIC = frozenset(
    {
        "community.started",
        "trust.changed",
        "rumour.spread",
        "rumour.countered",
        "rumour.faded",
        "statement.issued",
        # The traffic news, and officers directing traffic in the road.
        "traffic.congested",
        "traffic.cleared",
        "traffic.point_set",
        "traffic.point_released",
    }
)


# Which of ``Hearing.hears``'s rules decides an event kind, looked up once a kind (plain
# numbers: compared for every event a seat might hear).
(
    _HEARD_NEVER,  # ground truth
    _HEARD_ALWAYS,  # the exercise and the public
    _HEARD_OPERATION,  # planned operations and deconfliction
    _HEARD_INJECT,  # an MSEL row released
    _HEARD_CAD_OPENED,  # an incident entered in a CAD
    _HEARD_MESSAGE,  # a message
    _HEARD_FAULT,  # a system fault
    _HEARD_ROAD,  # a road closed or opened
    _HEARD_AT_INCIDENT,  # what happens at an incident
    _HEARD_OWN,  # an agency's own event, heard by it alone
) = range(10)

_RULES: dict[str, int] = {}


def _rule(kind: str) -> int:
    """The rule that decides who hears ``kind`` (kept for the next event of the kind)."""
    if kind in _GROUND_TRUTH:
        rule = _HEARD_NEVER
    elif kind.startswith("exercise.") or kind in _PUBLIC or kind in _BOARD:
        rule = _HEARD_ALWAYS
    elif kind.startswith(("operation.", "deconfliction.")):
        rule = _HEARD_OPERATION
    elif kind == "inject.released":
        rule = _HEARD_INJECT
    elif kind == "cad.opened":
        rule = _HEARD_CAD_OPENED
    elif kind.startswith("message."):
        rule = _HEARD_MESSAGE
    elif kind.startswith("fault."):
        rule = _HEARD_FAULT
    elif kind in _ROADS:
        rule = _HEARD_ROAD
    elif kind in _AT_INCIDENT:
        rule = _HEARD_AT_INCIDENT
    else:
        rule = _HEARD_OWN
    _RULES[kind] = rule
    return rule


@dataclass(frozen=True)
class Seat:
    """A place at the exercise: an agency's dispatcher, or the controller."""

    name: str
    agencies: tuple[str, ...]

    @property
    def controller(self) -> bool:
        """Whether this seat sees ground truth and runs the exercise."""
        return self.name == CONTROLLER

    @property
    def source(self) -> str:
        """The source its commands are recorded with."""
        return CONTROLLER if self.controller else f"{SEAT_SOURCE}{self.name}"


@dataclass
class Hearing:
    """One seat's filter over the event stream, with what it has learnt so far."""

    seat: Seat
    known: set[str] = field(default_factory=set)  # incidents its CAD has opened
    operations: set[str] = field(default_factory=set)  # planned operations it follows
    conflicts: set[str] = field(default_factory=set)  # deconfliction it is party to
    told: set[str] = field(default_factory=set)  # "MSEL 3": injects released to it
    # MSEL seq -> the incident its call reports (``calls_of``): a seat's scenario has no
    # MSEL, so the call inject it hears names its incident, for the callers' words.
    calls: dict[int, str] = field(default_factory=dict)

    def hears(self, event: Event, sender: str | None) -> bool:
        """Whether the seat receives ``event``; ``sender`` is a message event's sender."""
        if self.seat.controller:
            return True
        kind = event.kind
        rule = _RULES.get(kind)
        if rule is None:
            rule = _rule(kind)
        if rule in (_HEARD_ALWAYS, _HEARD_NEVER):
            return rule == _HEARD_ALWAYS
        if rule == _HEARD_OPERATION:
            return self._hears_operation(event)
        agencies = self.seat.agencies
        if rule == _HEARD_INJECT:
            inject = payload(event)
            if any(a in agencies for a in inject.to):
                self.told.add(f"{_BY_INJECT}{inject.seq}")
                return True
            return False
        if event.agency in agencies:
            if rule == _HEARD_CAD_OPENED:
                self.known.add(event.incident or "")
            return True
        if rule == _HEARD_MESSAGE:
            # A message to one of its agencies is heard as it goes out, so that its words
            # are there when it arrives (the view shows them only then).
            return sender in agencies or (kind == "message.queued" and event.data["to"] in agencies)
        if rule == _HEARD_FAULT:  # its own systems, and the radio everyone is on
            outage = payload(event)
            return outage.target in agencies or outage.fault in _SHARED_SYSTEMS
        if rule == _HEARD_ROAD:
            by = payload(event).by  # its own crews' barriers, or a closure it was told of
            return by in agencies or by in self.told
        return rule == _HEARD_AT_INCIDENT and event.incident in self.known

    def heard(self, events: list[Event], senders: list[str | None]) -> list[Event]:
        """The events of a batch the seat receives (``senders``: ``Senders.of`` them).

        Every automated player filters every batch, so the two commonest rules (an
        agency's own event, what happens at an incident) are decided here, as ``hears``
        decides them, without a call an event.
        """
        if self.seat.controller:
            return list(events)
        agencies, known, rules, hears = self.seat.agencies, self.known, _RULES, self.hears
        out = []
        for event, sender in zip(events, senders, strict=True):
            rule = rules.get(event.kind)
            if rule == _HEARD_OWN:
                if event.agency in agencies:
                    out.append(event)
            elif rule == _HEARD_AT_INCIDENT:
                if event.agency in agencies or event.incident in known:
                    out.append(event)
            elif hears(event, sender):
                out.append(self.shown(event) if event.kind == "inject.released" else event)
        return out

    def shown(self, event: Event) -> Event:
        """The event as the seat receives it: an inject without the controller's script.

        The engine's log keeps the whole event; a trainee's seat (over the network, at
        the local keyboard, or an automated player) gets a copy without its expected
        action, objectives and the controller's marks (``_CONTROLLER_ONLY``). A call
        inject's copy names the incident the call reports (``calls``): its description
        is what the callers said, which the seat's log tells as its CAD opens.
        """
        if self.seat.controller or event.kind != "inject.released":
            return event
        data = {k: v for k, v in event.data.items() if k not in _CONTROLLER_ONLY}
        incident = event.incident
        if incident is None and data["type"] == "incident":
            incident = self.calls.get(data["seq"])
        return replace(event, incident=incident, data=data)

    def _hears_operation(self, event: Event) -> bool:
        """Operations it leads, takes part in or that are overt; conflicts it is party to."""
        agencies, data = self.seat.agencies, payload(event)
        mine = event.agency in agencies or any(a in agencies for a in _named(data))
        if event.kind == "operation.planned":
            if mine or not data.covert:
                self.operations.add(data.operation)
                return True
            return False
        if event.kind.startswith("operation."):
            return mine or getattr(data, "operation", None) in self.operations
        if event.kind == "deconfliction.notice":
            return event.agency in agencies  # the other lead's notice is the other lead's
        if mine:
            self.conflicts.add(data.conflict)
        return mine or data.conflict in self.conflicts


@dataclass
class Log:
    """The events a seat heard, in order (the part of ``EventLog`` readers use)."""

    events: list[Event]

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def of_kind(self, *kinds: str) -> list[Event]:
        """Events of the given kinds, in order."""
        return [e for e in self.events if e.kind in kinds]


class Barriers:
    """The roads a seat knows are closed, which is not always what is closed.

    Closures it hears of as events (its own agencies', and those of an MSEL closure it
    was told of) it knows edge by edge; the others street by street, as facts
    (``closure:Bridge 2``) a partner told it or a crew found at the barrier (a fact a
    heard closure taught it at that instant adds nothing to it). For each edge the latest
    word counts, the edge's own event over a fact of the same instant (a fact only says
    that some edge of the street is closed). A closure nobody told it
    of is not on its map, and one reopened without word stays there.
    """

    def __init__(self, roads: RoadNetwork) -> None:
        self._roads = roads
        self._heard: dict[int, tuple[float, bool]] = {}  # edge -> (when, closed)
        self._streets: set[tuple[str, float]] = set()  # (street, when) a heard event named

    def follow(self, events: Iterable[Event]) -> None:
        """Take the closures and reopenings among newly heard events."""
        roads = self._roads
        for event in events:
            if event.kind in _ROADS:
                closed, change = event.kind == "road.closed", payload(event)
                self._streets.update((name.casefold(), event.t) for name in change.names)
                for a, b in change.edges:
                    edge = roads.edge_of.get((roads.index[a], roads.index[b]))
                    if edge is not None:
                        self._heard[edge] = (event.t, closed)

    def closed(self, knowledge: Iterable[dict[str, Known]] = ()) -> frozenset[int]:
        """Closed edges as the seat knows them, with its agencies' ``knowledge``."""
        said: dict[int, tuple[float, bool]] = dict(self._heard)
        for facts in knowledge:
            for key, known in facts.items():
                if not key.startswith("closure:"):
                    continue
                when, street = round(known.t, 3), FactKey.parse(key).subject  # as stamped
                if (street.casefold(), when) in self._streets:
                    continue  # taught by a closure it heard, which says which edges
                for edge in self._roads.edges_named(street):
                    last = said.get(edge)
                    if last is None or when > last[0]:
                        said[edge] = (when, known.value is True)
        return frozenset(edge for edge, (_, closed) in said.items() if closed)


class Senders:
    """Who sent each message, learnt from the log as it is read in order.

    Whether a seat hears an event about a message (lost, delivered...) depends on who
    sent it, which only the ``message.queued`` event names.
    """

    def __init__(self) -> None:
        self._by_message: dict[str, str | None] = {}

    def of(self, events: list[Event]) -> list[str | None]:
        """Each event's message sender (None for an event about no message), in order."""
        by_message = self._by_message
        for event in events:
            if event.kind == "message.queued":
                by_message[event.data["message"]] = event.agency
        return [
            by_message.get(e.data["message"]) if e.kind in _ABOUT_A_MESSAGE else None
            for e in events
        ]


def calls_of(scenario: Scenario) -> dict[int, str]:
    """Each call inject's MSEL seq and the incident its call reports (``Hearing.calls``)."""
    return {row.seq: row.incident.id for row in scenario.msel if isinstance(row, IncidentInject)}


def _named(data: object) -> list[str]:
    """The agencies an operation or deconfliction payload names (leads, participants)."""
    return list(getattr(data, "agencies", ()))
