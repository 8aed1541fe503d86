"""What the trainee's agencies know: the one place the view reads the exercise's state.

Fog of war lives here. Each frame ``Picture.snapshot()`` gives the units the trainee
may see, the incidents their dispatch centres hold and the facts they have received;
``Picture.news()`` gives the new events the trainee would hear about (radio messages,
CAD notices, injects, rejected commands). Other agencies' units appear only where
``Exercise.visible_units`` allows (seen on a shared scene, or under unified command);
facts come from ``Exercise.knowledge`` of the trainee's agencies. Planned operations,
conflict notices and the caveats on facts are followed from the event log
(``operations.Book``): what the trainee's agencies were told of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.events import Event
from simulator.exercise import CadIncident, Need, UnitView
from simulator.payloads import payload
from simulator.terminal import SeatView
from simulator.view.handling import Caveat
from simulator.view.operations import Book, Notice, Operation
from simulator.view.traffic import ControlPoint, TrafficBoard

# Incident lists are rebuilt at most this often (wall seconds) while events stream in.
CAD_REFRESH_S = 0.2
# Unit positions are read at most this often (wall seconds): every other frame at
# 60 FPS. A CAD's vehicle locations update every few seconds, and reading a thousand
# units costs a good part of a frame, so the frame in between draws the positions last
# read.
UNITS_REFRESH_S = 0.03

# Event kinds the trainee hears about when they concern one of their agencies.
_OWN_KINDS = frozenset(
    {
        "information.received",
        "command.rejected",
        "command.accepted",
        "cad.opened",
        "fact.learned",
        "mutual_aid.received",
        "incident.precondition_ready",
        "unit.no_route",
        "unit.blocked",
        "staging.opened",
        # The trainee's own crews report their status changes.
        "unit.on_scene",
        "unit.staged",
        "unit.transporting",
        "unit.at_hospital",
        "unit.out_of_service",
        "unit.available",
        "patch.established",
        "patch.released",
        "command_post.established",
        "assignment.duplicated",
        "assignment.conflicted",
        "assignment.sorted",
        "unit.harmed",
    }
)
# Of the incidents the trainee's CADs hold, what happens to them.
_INCIDENT_KINDS = frozenset(
    {
        "incident.escalated",
        "incident.resolved",
        "unified_command.established",
        "span.exceeded",
        "span.restored",
        "hospital.crowded",  # the receiving hospital answers the crew's call ahead
        "hospital.over_capacity",
        "patient.died",
    }
)
# Planned operations, deconfliction and handling levels: ``operations.Book`` decides.
_BOOK_KINDS = ("operation.", "deconfliction.", "intelligence.")
# Of these, what is addressed to the trainee (their inbox).
_INBOX_KINDS = frozenset({"message.delivered", "information.received", "inject.released"})


@dataclass(frozen=True)
class KnownIncident:
    """An incident as the trainee's dispatch centres show it."""

    id: str
    type: str
    priority: int
    x: float
    y: float
    opened: float
    needs: tuple[Need, ...]
    held_by: tuple[str, ...]

    @property
    def unmet(self) -> int:
        """Units still to be assigned, over every need."""
        return sum(max(0, n.required - n.assigned) for n in self.needs)


@dataclass(frozen=True)
class Snapshot:
    """One frame's picture: simulation time, visible units, known incidents, facts."""

    now: float
    units: tuple[UnitView, ...]
    incidents: tuple[KnownIncident, ...]
    facts: dict[str, object] = field(default_factory=dict)
    closed: frozenset[int] = frozenset()
    holes: tuple[tuple[float, float, float], ...] = ()
    posts: tuple[tuple[float, float], ...] = ()
    declarable: tuple[tuple[str, str, str], ...] = ()
    staging: tuple[tuple[str, float, float], ...] = ()  # opened during the run: id, x, y
    operations: tuple[Operation, ...] = ()  # planned operations the trainee knows of
    notices: tuple[Notice, ...] = ()  # conflict notices to the trainee's agencies
    caveats: dict[tuple[str, str], Caveat] = field(default_factory=dict)  # (agency, fact)
    control_points: tuple[ControlPoint, ...] = ()  # traffic points standing
    congested: tuple[str, ...] = ()  # streets congested now
    congested_roads: tuple[tuple[str, str], ...] = ()  # their roads, as node pairs


def addressed_to(event: Event, agencies: frozenset[str]) -> bool:
    """Whether an event is for the trainee's inbox (a message, information or inject)."""
    if event.kind not in _INBOX_KINDS:
        return False
    if event.kind == "inject.released":
        return bool(agencies.intersection(payload(event).to))
    return event.agency in agencies


def heard(event: Event, agencies: frozenset[str], known: Callable[[str], bool]) -> bool:
    """Whether the trainee hears about an event (their radio traffic, CAD, injects)."""
    kind = event.kind
    if kind.startswith("message.") or kind in _OWN_KINDS:
        return event.agency in agencies
    if kind == "inject.released":
        return addressed_to(event, agencies)
    if kind in _INCIDENT_KINDS:
        return event.incident is not None and known(event.incident)
    if kind.startswith("traffic."):
        return True  # the traffic news, and officers directing traffic in the road
    if kind == "statement.issued":
        return True  # a PIO speaks to the public: every agency hears it
    return kind in (
        "road.closed",
        "road.opened",
        "exercise.ended",
        "fault.started",
        "fault.ended",
        "fault.restored",
    )


class Picture:
    """The trainee's view of an exercise: fog of war over its state and events."""

    def __init__(self, exercise: SeatView, agencies: list[str] | tuple[str, ...]):
        self.exercise = exercise
        self.agencies = tuple(sorted(agencies))
        self._set = frozenset(self.agencies)
        self._read = 0
        self._incidents: tuple[KnownIncident, ...] = ()
        self._cad_at = -1.0
        self._cad_events = -1
        self._units: tuple[UnitView, ...] = ()
        self._board: tuple = ({}, (), (), ())  # facts, holes, posts, staging: _scene()
        self._closed: frozenset[int] = frozenset()  # roads the trainee knows are closed
        self._units_at: tuple[float, float] | None = None  # wall and exercise time read
        self._declarable: dict[tuple[str, str], str] = {}
        self._xy = exercise.atlas.roads.xy
        self._planned = frozenset(s.id for s in exercise.scenario.staging_areas)
        self.book = Book(self.agencies)
        self.traffic = TrafficBoard()
        # Every message put on the air, by id (its ``message.queued`` event): what a
        # message delivered to the trainee said, and which deliveries answer theirs.
        self.messages: dict[str, Event] = {}

    def snapshot(self, wall: float = 0.0, force: bool = False) -> Snapshot:
        """The picture now; what events change is refreshed when they arrive (rate-limited).

        CAD lists, facts, coverage holes, command posts and staging areas change only
        with events, so they are read again at most every ``CAD_REFRESH_S``; unit
        positions move between events and are read every ``UNITS_REFRESH_S``.
        """
        events = len(self.exercise.log)
        stale = events != self._cad_events and wall - self._cad_at >= CAD_REFRESH_S
        if force or stale or self._cad_events < 0:
            self.book.follow(self.exercise.log.events)
            self.traffic.follow(self.exercise.log.events)
            self._incidents = self._known_incidents()
            self._board = self._scene()
            self._closed = self.exercise.closed_roads()
            self._cad_at, self._cad_events = wall, events
        if force or self._units_stale(wall):
            self._units = tuple(self._visible_units())
            self._units_at = (wall, self.exercise.now)
        facts, holes, posts, staging = self._board
        return Snapshot(
            now=self.exercise.now,
            units=self._units,
            incidents=self._incidents,
            facts=facts,
            closed=self._closed,
            holes=holes,
            posts=posts,
            declarable=tuple((i, c, a) for (i, c), a in sorted(self._declarable.items())),
            staging=staging,
            operations=tuple(self.book.operations.values()),
            notices=tuple(self.book.notices.values()),
            caveats=dict(self.book.caveats),
            control_points=self.traffic.standing(),
            congested=self.traffic.congested(),
            congested_roads=self.traffic.congested_roads(),
        )

    def _scene(self) -> tuple:
        """Facts, coverage holes, command posts and opened staging areas, as of now."""
        holes = tuple(
            (float(h["x"]), float(h["y"]), float(h["radius"]))
            for h in self.exercise.coverage_holes()
        )
        posts = tuple(
            (i.x, i.y) for i in self._incidents if self.exercise.command_post(i.id) is not None
        )
        staging = tuple(
            (area, x, y)
            for area, (_node, x, y) in self.exercise.staging_areas().items()
            if area not in self._planned
        )
        return self._facts(), holes, posts, staging

    def _units_stale(self, wall: float) -> bool:
        """Whether to read unit positions again (the same tuple is kept until then)."""
        if self._units_at is None:
            return True
        read_wall, read_now = self._units_at
        elapsed = wall - read_wall  # none: the exercise was moved outside the frame loop
        return self.exercise.now != read_now and not 0 < elapsed < UNITS_REFRESH_S

    def news(self) -> list[Event]:
        """Events since the last call that the trainee would hear about, in order."""
        log = self.exercise.log.events
        fresh = log[self._read :]
        self._read = len(log)
        self.book.follow(log)
        out = []
        for event in fresh:
            self._track_declarations(event)
            if event.kind == "message.queued":
                self.messages[payload(event).message] = event
            if heard(event, self._set, self.knows) or self._answers(event) or self._told(event):
                out.append(event)
        return out

    def _told(self, event: Event) -> bool:
        """Whether the event is about the trainee's operations, conflicts or caveats."""
        return event.kind.startswith(_BOOK_KINDS) and self.book.knows(event)

    def _answers(self, event: Event) -> bool:
        """Whether a message the trainee sent has reached another agency (or the air)."""
        if event.kind != "message.delivered":
            return False
        sent = self.messages.get(payload(event).message)
        return sent is not None and sent.agency in self._set

    def _track_declarations(self, event: Event) -> None:
        kind = event.kind
        if kind == "incident.precondition_ready" and event.agency in self._set:
            self._declarable[(event.incident or "", payload(event).condition)] = event.agency or ""
        elif kind == "incident.precondition_met":
            self._declarable.pop((event.incident or "", payload(event).condition), None)
        elif kind == "incident.resolved":
            for stale in [k for k in self._declarable if k[0] == event.incident]:
                del self._declarable[stale]

    def knows(self, incident: str) -> bool:
        """Whether any of the trainee's dispatch centres holds an incident."""
        return any(self.exercise.knows(agency, incident) for agency in self.agencies)

    def _known_incidents(self) -> tuple[KnownIncident, ...]:
        """The incidents any played CAD holds, each aged from its first receipt at any of them.

        At a joint console a share to the second agency opens the incident again in its
        CAD; the board's age must not start over then.
        """
        merged: dict[str, tuple[CadIncident, list[str]]] = {}
        opened: dict[str, float] = {}
        for agency in self.agencies:
            for incident in self.exercise.cad(agency):
                if incident.id in merged:
                    merged[incident.id][1].append(agency)
                else:
                    merged[incident.id] = (incident, [agency])
                opened[incident.id] = min(opened.get(incident.id, incident.opened), incident.opened)
        out = []
        for incident, holders in merged.values():
            x, y = self._xy[incident.node]
            out.append(
                KnownIncident(
                    incident.id,
                    incident.type,
                    incident.priority,
                    float(x),
                    float(y),
                    opened[incident.id],
                    incident.needs,
                    tuple(holders),
                )
            )
        return tuple(sorted(out, key=lambda i: (i.priority, i.opened, i.id)))

    def _visible_units(self) -> list[UnitView]:
        # Own units, and others' where the trainee's crews see them or command is unified.
        return self.exercise.visible_units(list(self.agencies))

    def _facts(self) -> dict[str, object]:
        facts: dict[str, object] = {}
        for agency in self.agencies:
            for key, known in self.exercise.knowledge(agency).items():
                facts.setdefault(key, known)
        return facts
