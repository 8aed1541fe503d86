"""The exercise facade: build from a scenario and seed, submit commands, advance time.

This is the one API the view, the automated players, the CLI and the tests use. It
owns the event log and the record of commands; nothing outside changes the engine.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from simulator.commands import CommandBase, command_json
from simulator.engine.core import Engine
from simulator.engine.hospital import past_crowding
from simulator.engine.incident import needs
from simulator.engine.knowledge import Known
from simulator.engine.unit import FreeUnits
from simulator.events import Event, EventLog
from simulator.scenario.collector import collector_paused
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability, Triage, UnitStatus
from simulator.world.atlas import Atlas, build_atlas

Subscriber = Callable[[list[Event]], None]
# Categories taken to hospital (minor patients are treated and released on scene).
TRANSPORTED = (Triage.IMMEDIATE, Triage.DELAYED)
# Event fields naming the incident a unit left (unit status events).
_RELEASES = ("released_from", "reassigned_from")


@dataclass(frozen=True)
class Result:
    """What became of a submitted command."""

    accepted: bool
    reason: str
    event: Event


@dataclass(frozen=True)
class Need:
    """One capability an incident needs, as a CAD shows it."""

    capability: Capability
    required: int
    assigned: int
    on_scene: int
    responsible: str


@dataclass(frozen=True)
class CadIncident:
    """An incident as one agency's CAD shows it."""

    id: str
    type: str
    priority: int
    node: int
    opened: float
    aid: dict[Capability, int]
    needs: tuple[Need, ...]


@dataclass(frozen=True)
class CadLine:
    """How an incident reached one agency's CAD (call, notification, mutual_aid)."""

    via: str
    closed: bool


@dataclass(frozen=True)
class UnitView:
    """A unit's public state."""

    id: str
    agency: str
    type: str
    status: UnitStatus
    incident: str | None
    capabilities: frozenset[Capability]
    x: float
    y: float


@dataclass(frozen=True)
class ChannelView:
    """A channel's definition and its load right now."""

    id: str
    name: str
    kind: str
    medium: str
    members: tuple[str, ...]
    busy: int
    queue: int
    faulty: bool


@dataclass(frozen=True)
class PatchView:
    """A console patch: its channels, the agency whose console holds it, whether live.

    A patch carries traffic only ``patch_seconds`` after it is requested.
    """

    channels: tuple[str, str]
    agency: str
    live: bool


@dataclass(frozen=True)
class InjectView:
    """One MSEL row as the controller sees it: due, held or released (and when)."""

    seq: int
    time: float
    type: str
    to: tuple[str, ...]
    description: str
    status: str
    released: float | None
    expected_action: str = ""
    notes: str = ""  # the controller's notes
    objectives: tuple[str, ...] = ()
    contingency: bool = False


@dataclass(frozen=True)
class HospitalView:
    """A hospital on the regional status board: beds per category and beds in use.

    Emergency departments post their bed counts for EMS (as on EMResource), so this
    is what every agency's medical communications desk can read.
    """

    id: str
    node: int
    beds: dict[Triage, int]
    in_use: dict[Triage, int]

    def would_crowd(self, triage: Triage) -> bool:
        """Whether one more patient of a category would take it past crowding (85%)."""
        return past_crowding(self.in_use[triage] + 1, self.beds[triage])


class Exercise:
    """One run of a scenario with a seed: commands in, events out."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        *,
        atlas: Atlas | None = None,
        sink: TextIO | None = None,
        file: str = "<scenario>",
    ):
        self.scenario = scenario
        self.seed = seed
        self.atlas = atlas or build_atlas(scenario, file)
        self.log = EventLog(sink)
        self.engine = Engine(scenario, self.atlas, seed, self.log)
        self._free = FreeUnits({a.id: self.engine.fleet(a.id) for a in self.engine.agency_specs()})
        # Fixed for the run, and read on every re-plan: turnout seconds per agency and
        # the agency answering each (incident, capability).
        self._turnout = {a.id: a.turnout for a in self.engine.agency_specs()}
        self._answering: dict[tuple[str, Capability], str] = {}
        self._marks: dict[str, int] = {}  # see ``last_change``
        self._marked = 0
        self._orders = self.engine.orders
        self.commands: list[dict] = []
        self._subscribers: list[Subscriber] = []
        self._delivered = 0
        # Engine steps taken plus event batches handed to subscribers: with the log's
        # length, where between two of them a command was given (see ``submit``).
        self._ticks = 0
        self._reminders: set[float] = set()  # times subscribers asked to hear a batch at
        self._woken = False
        self.end = scenario.metadata.duration
        self.ended = False
        self.engine.start()

    # -- time ------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Simulation time in seconds since the start."""
        return self.engine.env.now

    def subscribe(self, subscriber: Subscriber) -> None:
        """Receive every new batch of events (players react by submitting commands)."""
        self._subscribers.append(subscriber)

    def remind(self, at: float) -> None:
        """Hand subscribers a batch at ``at``, empty if nothing else happens then.

        Players check their timers (a lost share to send again, a call to plan again)
        on each batch; in a quiet stretch no event would come to check them on time.
        """
        now = self.engine.env.now
        if at < now or at in self._reminders:
            return
        self._reminders.add(at)
        self.engine.env.timeout(at - now).callbacks.append(lambda _: self._wake(at))

    def _wake(self, at: float) -> None:
        self._reminders.discard(at)
        self._woken = True

    @property
    def ticks(self) -> int:
        """Engine steps taken and event batches delivered so far.

        The log's length alone cannot say where a command was given: an engine step
        may log nothing yet change what the command does, and players may not have
        seen the last events yet. The two counts together pin the point exactly.
        """
        return self._ticks

    def advance(self, until: float, *, ticks: int | None = None) -> None:
        """Run the simulation up to ``until`` seconds (never past the end, never back).

        Args:
            until: simulation time to reach.
            ticks: stop as soon as ``ticks`` engine steps and event batches have been
                handled, even before ``until``; a replay passes a recorded command's
                ``ticks`` so that it gives the command exactly where it was given,
                between two events of one instant or before players saw the last
                command's events, which time alone cannot tell apart.
        """
        if self.ended:
            return
        env = self.engine.env
        until = min(until, self.end)
        stop = math.inf if ticks is None else ticks
        with collector_paused():
            self._deliver(stop)
            while self._ticks < stop and env.peek() <= until:
                env.step()
                self._ticks += 1
                self._deliver(stop)
        # Only an idle stretch moves the clock, through a timeout of our own: the stop
        # event of ``env.run`` stays queued after it, a step the replay (whose idle
        # stretches fall elsewhere) would not count.
        # A stop on ``ticks`` is a point, not a time: the clock stays where it stopped.
        if self._ticks < stop and until > env.now and env.peek() > until:
            env.timeout(until - env.now)
            env.step()
        if env.now >= self.end and not self.ended:
            self.ended = True
            self.engine.emit("exercise.ended", reason="duration reached")
            self._deliver()
        self.log.flush()

    def finish(self, reason: str) -> None:
        """End early (the trainee or the controller stops the exercise)."""
        if not self.ended:
            self.ended = True
            self.engine.emit("exercise.ended", reason=reason)
            self.log.flush()

    def _deliver(self, stop: float = math.inf) -> None:
        # Players may submit commands while handling a batch; those commands emit more
        # events, which are delivered in turn until nothing new happens (or, replaying,
        # until the tick a recorded command was given at).
        events = self.log.events
        if self._woken and self._delivered == len(events) and self._ticks < stop:
            self._woken = False  # a reminder, in a stretch with nothing new: an empty batch
            self._ticks += 1
            for subscriber in self._subscribers:
                subscriber([])
        while self._delivered < len(events) and self._ticks < stop:
            self._woken = False
            batch = events[self._delivered :]
            self._delivered = len(events)
            self._ticks += 1
            for subscriber in self._subscribers:
                subscriber(batch)

    # -- commands --------------------------------------------------------------------

    def submit(self, command: CommandBase, source: str = "trainee") -> Result:
        """Carry out a command now, or reject it with a reason; either way it is logged.

        The record keeps where the command was given, not only when: ``after`` (events
        logged before it) and ``ticks`` (see ``ticks``). Several commands can be given
        at one instant with players reacting in between, or not; only the position lets
        a replay give each at the same point, so that the log is identical. The time is
        the clock's exact reading, not the log's milliseconds: a command given between
        two events keeps the time of the first, which a rounded time would move.
        """
        data = command_json(command)
        if self.ended:
            # Nothing is logged or recorded after the end (a replay, which stops there,
            # could never give it): the refusal is the caller's alone.
            reason = "the exercise has ended"
            fields = {"source": source, "command": data, "reason": reason}
            return Result(
                False, reason, Event(0, self.now, "command.rejected", command.agency, data=fields)
            )
        reason, change = self._orders.check(command)
        self.commands.append(
            {
                "t": self.now,
                "after": len(self.log),
                "ticks": self._ticks,
                "source": source,
                "command": data,
            }
        )
        kind = "command.rejected" if reason else "command.accepted"
        fields = {"reason": reason} if reason else {}
        event = self.engine.emit(kind, agency=command.agency, source=source, command=data, **fields)
        if change is not None:
            change()
        return Result(not reason, reason, event)

    def check(self, command: CommandBase) -> str:
        """Why ``command`` would be rejected now, or "" if ``submit`` would carry it out.

        The same checks ``submit`` makes, with nothing logged or changed: the view offers
        only the orders the engine would accept, and greys out the rest with the engine's
        own reason instead of a guess of its own.
        """
        if self.ended:
            return "the exercise has ended"
        return self._orders.check(command)[0]

    # -- what an agency can see ------------------------------------------------------

    def knows(self, agency: str, incident: str) -> bool:
        """Whether an agency's CAD holds an incident."""
        return self.engine.cads[agency].knows(incident)

    def cad(self, agency: str) -> list[CadIncident]:
        """Open incidents in an agency's CAD, most urgent and oldest first."""
        entries = self.engine.cads[agency].open_entries()
        out = [self.cad_incident(agency, entry.incident) for entry in entries]
        return sorted(out, key=lambda i: (i.priority, i.opened, i.id))

    def last_change(self, incident_id: str) -> int:
        """Sequence number of the last event naming an incident (0: none yet).

        An event names it as its incident or as the one a unit left. Every change to
        what a CAD shows of an incident is logged so, so a player may keep what it
        read until this moves. The log is indexed as far as it has grown.
        """
        events = self.log.events
        marks = self._marks
        if self._marked == len(events):
            return marks.get(incident_id, 0)
        for i in range(self._marked, len(events)):
            event = events[i]
            if event.incident is not None:
                marks[event.incident] = event.seq
            data = event.data
            for key in _RELEASES:
                if data.get(key) is not None:
                    marks[data[key]] = event.seq
        self._marked = len(events)
        return marks.get(incident_id, 0)

    def cad_entry(self, agency: str, incident_id: str) -> CadLine | None:
        """How an incident came into an agency's CAD and whether it is closed there."""
        entry = self.engine.cads[agency].entries.get(incident_id)
        return None if entry is None else CadLine(entry.via, entry.closed)

    def cad_lines(self, agency: str) -> dict[str, CadLine]:
        """Every incident an agency's CAD ever held, open or closed, by incident id."""
        entries = self.engine.cads[agency].entries
        return {i: CadLine(entries[i].via, entries[i].closed) for i in sorted(entries)}

    def cad_incident(self, agency: str, incident_id: str) -> CadIncident | None:
        """One incident as an agency's CAD shows it, or None if it is not open there."""
        engine = self.engine
        entry = engine.cads[agency].entries.get(incident_id)
        if entry is None or entry.closed:
            return None
        incident = engine.incidents[incident_id]
        answering = self._answering
        rows = []
        for cap, (req, assigned, on_scene) in sorted(needs(engine.units, incident).items()):
            agency = answering.get((incident_id, cap))
            if agency is None:
                agency = answering[(incident_id, cap)] = engine.responsible(incident, cap)
            rows.append(Need(cap, req, assigned, on_scene, agency))
        spec = incident.spec
        return CadIncident(
            id=incident.id,
            type=spec.incident_type.value,
            priority=spec.priority,
            node=incident.node,
            opened=entry.opened,
            aid=dict(entry.aid),
            needs=tuple(rows),
        )

    def units(self, agency: str | None = None) -> list[UnitView]:
        """Units (of one agency, or all), with positions interpolated to now."""
        engine = self.engine
        out = []
        for unit in engine.sorted_units():
            if agency is not None and unit.agency != agency:
                continue
            x, y = engine.movement.position(unit, self.now)
            out.append(
                UnitView(
                    unit.id,
                    unit.agency,
                    unit.spec.type,
                    unit.status,
                    unit.incident,
                    unit.capabilities,
                    x,
                    y,
                )
            )
        return out

    def free_units(self, agency: str) -> list[str]:
        """Ids of an agency's units free for a new assignment."""
        return self._free.of(agency)

    def turning_point(self, unit_id: str) -> tuple[int, float, bool]:
        """Where a unit can next turn (road node), when it gets there, and if at home.

        What an agency's own dispatch needs to estimate its units' arrivals (``eta``);
        a networked seat is sent it for its own units only.
        """
        unit = self.engine.units[unit_id]
        node, reach = self.engine.movement.origin(unit)
        return int(node), float(reach), unit.at_home

    def assigned(self, incident: str, agencies: tuple[str, ...]) -> list[str]:
        """Units of these agencies committed to an incident, by id (none if no such incident)."""
        units, found = self.engine.units, self.engine.incidents.get(incident)
        return sorted(u for u in found.assigned if units[u].agency in agencies) if found else []

    def unit_can(self, unit_id: str, capability: Capability) -> bool:
        """Whether a unit meets a need for ``capability``."""
        return self.engine.units[unit_id].can(capability)

    def eta(self, unit_id: str, incident_id: str) -> float:
        """Estimated seconds for a unit to reach an incident, turnout included."""
        engine = self.engine
        unit = engine.units[unit_id]
        turnout = self._turnout[unit.agency] if unit.at_home else 0.0
        return turnout + engine.movement.eta(unit, engine.incidents[incident_id].node)

    def nearest(
        self, unit_ids: list[str], incident_id: str, count: int, farthest: bool = False
    ) -> list[str]:
        """The ``count`` units with the shortest ``eta`` to an incident, ties by id.

        With ``farthest``, the longest instead. One pass over all the units, searching
        the roads only as far as the answer needs, instead of an ``eta`` per unit.
        """
        engine = self.engine
        node = engine.incidents[incident_id].node
        return engine.movement.nearest(unit_ids, node, count, farthest)

    def expect(self, incident_id: str, groups: list[tuple[list[str], int]]) -> None:
        """Say that units will be ranked toward an incident for several needs at once.

        Each group is (unit ids, how many are wanted); ``nearest`` then answers each
        from one road search instead of one search a need (the answers are the same).
        """
        engine = self.engine
        engine.movement.warm(groups, engine.incidents[incident_id].node)

    def committed(self, agency: str, incident_id: str, capability: Capability) -> int:
        """How many of an agency's units with a capability are committed to an incident."""
        incident = self.engine.incidents[incident_id]
        units = self.engine.units
        return sum(
            1 for u in incident.assigned if units[u].agency == agency and units[u].can(capability)
        )

    # -- communications and knowledge --------------------------------------------------

    def knowledge(self, agency: str) -> dict[str, Known]:
        """Every fact an agency holds, by key, sorted."""
        return dict(sorted(self.engine.knowledge.facts[agency].items()))

    def facts(self, agency: str, incident: str) -> dict[str, object]:
        """What an agency knows about one incident."""
        return self.engine.knowledge.about(agency, incident)

    def picture_gap(self, incident: str, agencies: list[str]) -> dict[str, list[str]]:
        """Per agency, the incident facts others hold and it lacks (the COP difference)."""
        return self.engine.knowledge.gap(incident, agencies)

    def channels(self) -> list[ChannelView]:
        """Every channel with its members, transmissions in progress and queue."""
        network = self.engine.network
        out = []
        for line in network.lines.values():
            spec = line.spec
            out.append(
                ChannelView(
                    spec.id,
                    spec.name or spec.id,
                    spec.kind,
                    spec.medium,
                    tuple(sorted(line.members)),
                    line.resource.count,
                    len(line.resource.queue),
                    line.faulty,
                )
            )
        return out

    def patches(self) -> list[PatchView]:
        """Every console patch held now (requested or live), by channel pair.

        A dispatcher sees the patches on their own console, so the view can offer to
        release them; a patch holds one of the agency's consoles until released.
        """
        network = self.engine.network
        return [
            PatchView((a, b), agency, (a, b) in network.live)
            for (a, b), agency in sorted(network.patches.items())
        ]

    def coverage_holes(self) -> list[dict[str, object]]:
        """Radio sites not serving now (failed or cut off)."""
        return self.engine.network.coverage.holes()

    def command_post(self, incident: str) -> tuple[str, str] | None:
        """(agency, unit) that set up an incident's command post, or None."""
        return self.engine.command.posts.get(incident)

    def unified(self, incident: str) -> list[str]:
        """Agencies in unified command at an incident (empty if none)."""
        return list(self.engine.command.unified.get(incident, []))

    def unify_problem(self, incident: str) -> str:
        """Why unified command cannot be established now, or ""."""
        return self.engine.command.unify_problem(self.engine.incidents[incident])

    def supervision(self, incident: str) -> tuple[int, int]:
        """(command units, other units) working on scene at an incident (span of control)."""
        _, bosses, crews = self.engine.command.span_factor(self.engine.incidents[incident])
        return bosses, crews

    def commanders_on_scene(self, agency: str, incident: str) -> list[str]:
        """An agency's command units at an incident: working there or at its perimeter."""
        engine = self.engine
        return [
            u
            for u in engine.command.present(engine.incidents[incident])
            if engine.units[u].agency == agency and engine.units[u].can(Capability.COMMAND)
        ]

    def visible_units(self, agencies: list[str]) -> list[UnitView]:
        """Units these agencies can see: their own, and others' where shared or seen.

        Another agency's unit is visible on a scene where one of ours is working,
        anywhere on an incident under unified command that includes one of ours, or
        sent to an incident on our mutual-aid request (its dispatch tells the host
        what it sends, and NIMS puts it under the host's orders there).
        """
        engine = self.engine
        mine = set(agencies)
        aided = {
            (agency, incident)
            for agency, cad in engine.cads.items()
            for incident, entry in cad.entries.items()
            if entry.asked_by & mine and not entry.closed
        }
        scenes = {
            engine.units[u].incident
            for a in mine
            for u in (x.id for x in engine.fleet(a))
            if engine.units[u].status == UnitStatus.ON_SCENE
        }
        shared = {i for i, group in engine.command.unified.items() if mine & set(group)}
        return [
            v
            for v in self.units()
            if v.agency in mine
            or (v.incident in shared)
            or (v.agency, v.incident) in aided
            or (v.incident in scenes and v.status == UnitStatus.ON_SCENE)
        ]

    def injects(self) -> list[InjectView]:
        """The MSEL in the order it is due, each row due, held or released (the controller's)."""
        script = self.engine.script
        out = []
        for row in sorted(script.msel.values(), key=lambda r: (r.time, r.seq)):
            released = script.released.get(row.seq)
            held = row.seq in script.held
            status = "released" if released is not None else "held" if held else "due"
            out.append(
                InjectView(
                    row.seq,
                    row.time,
                    row.type,
                    tuple(row.to),
                    row.description,
                    status,
                    released,
                    row.expected_action,
                    row.notes,
                    tuple(row.objectives),
                    row.contingency,
                )
            )
        return out

    def stream(self, purpose: str) -> np.random.Generator:
        """An exercise-owned random stream (automated players draw from these)."""
        return self.engine.streams.get(purpose)

    def hospitals(self) -> list[HospitalView]:
        """The regional hospital status board, by hospital id."""
        return [
            HospitalView(
                h.id,
                h.node,
                {c: h.capacity(c) for c in TRANSPORTED},
                {c: h.used[c] for c in TRANSPORTED},
            )
            for _, h in sorted(self.engine.hospitals.items())
        ]

    def drive_seconds(self, incident_id: str, node: int) -> float:
        """Seconds by road from an incident to a node (the map every agency has)."""
        node_from = self.engine.incidents[incident_id].node
        return float(self.atlas.roads.seconds_to(node)[node_from])

    # -- read-only queries for the map view ----------------------------------------------

    def staging_areas(self) -> dict[str, tuple[str, float, float]]:
        """Every staging area now, planned or opened during the run: id -> (node, x, y).

        The view offers "Send to staging" for areas a trainee opened as well as the
        scenario's, and needs a free id for the next one it offers to open.
        """
        engine = self.engine
        xy = self.atlas.roads.xy
        return {
            area: (engine.node_id(node), float(xy[node][0]), float(xy[node][1]))
            for area, node in sorted(engine.staging.items())
        }
