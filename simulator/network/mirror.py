"""The client's stand-in for ``Exercise``: the same reads, answered from the seat's picture.

Automated players and the map view read an exercise through a handful of methods
(``cad``, ``units``, ``knowledge``...). A ``Mirror`` answers them from what the server
sent this seat (``state.py``) and nothing else, so a client cannot read what its agency
does not know. Orders and checks go to the server through ``submit`` and ``check``,
which wait for its answer; the events a seat hears are handed to subscribers in order,
never while a subscriber is still handling the last batch.
"""

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from simulator.commands import CommandBase, command_json
from simulator.engine.knowledge import Known
from simulator.events import CONTROLLER, Event
from simulator.exercise import (
    CadIncident,
    CadLine,
    ChannelView,
    HospitalView,
    Need,
    PatchView,
    Result,
    UnitView,
)
from simulator.network.protocol import event_from
from simulator.network.roles import Barriers, Log
from simulator.payloads import payload
from simulator.scenario.facts import incident_of
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability, Triage, UnitStatus, provides
from simulator.world.atlas import Atlas
from simulator.world.roads import RoadNetwork

_NO = (0, 0.0, False, False)
Subscriber = Callable[[list[Event]], None]
# Sends a request (``command`` or ``check``) and returns the server's answer.
Requester = Callable[[dict[str, Any]], dict[str, Any]]


class Mirror:
    """What one seat knows of the exercise, with ``Exercise``'s read methods."""

    def __init__(
        self, welcome: dict[str, Any], scenario: Scenario, atlas: Atlas, request: Requester
    ):
        self.scenario = scenario
        self.atlas = atlas
        self.seat: str = welcome["seat"]
        self.agencies: tuple[str, ...] = tuple(welcome["agencies"])
        self.end: float = float(welcome["end"])
        self.now: float = float(welcome["now"])
        self.speed: float = float(welcome["speed"])
        self.paused: bool = bool(welcome["paused"])
        self.ended = False
        self.reason = ""
        self.left = False  # this seat left before the end (the exercise goes on)
        # The number the server records the run as (a server that says), and what it
        # recorded once the exercise ended (the ``recorded`` message).
        self.run: int | None = welcome.get("run")
        self.recorded: dict[str, Any] | None = None
        self.log = Log([])
        self.seats: dict[str, Any] = {}
        self.remote = True  # the server keeps the clock: the view shows its pace
        self.on_drop = "continue"  # the controller's: what a trainee seat dropping does
        self.injects: list[dict[str, Any]] = []  # the controller's MSEL, row by row
        self._request = request
        self._cad: dict[str, list[CadIncident]] = {}
        self._views: list[UnitView] = []
        self._own: dict[str, list[Any]] = {}  # our unit -> [node, reach, at_home, free]
        self._by_id: dict[str, UnitView] = {}
        self._knowledge: dict[str, dict[str, Known]] = {}
        self._incidents: dict[str, dict[str, Any]] = {}
        self._comms: dict[str, Any] = {}
        self._hospitals: list[HospitalView] = []
        self._pending: list[Event] = []
        self._subscribers: list[Subscriber] = []
        self._delivering = False
        self._draw = np.random.default_rng(int(welcome.get("draw", 0)))
        self._entries: dict[str, dict[str, CadLine]] = {}  # agency -> incident -> line
        self.pump: Callable[[], None] | None = None  # reads the connection (the view sets it)
        self._speed_factor = {u.id: u.speed_factor for u in scenario.units}
        self._barriers = Barriers(atlas.roads)
        self._known_roads: RoadNetwork | None = None  # the roads with our closures (``_roads``)

    # -- feeding -------------------------------------------------------------------------

    def feed(self, message: dict[str, Any]) -> None:
        """Take a server message: the clock, new state sections, new events, the record."""
        if message.get("type") == "recorded":
            self.recorded = message
            return
        if "now" in message:
            self.now = float(message["now"])
        if "speed" in message:
            self.speed, self.paused = float(message["speed"]), bool(message["paused"])
        for name, section in (message.get("state") or {}).items():
            self._take(name, section)
        last = self.last_seq
        fresh = [event_from(e) for e in message.get("events", ()) if e["seq"] > last]
        self.log.events.extend(fresh)
        self._pending.extend(fresh)
        self._barriers.follow(fresh)
        for event in fresh:
            if event.kind == "exercise.ended":
                self.ended, self.reason = True, payload(event).reason

    def _take(self, name: str, section: Any) -> None:
        """Read one state section into the objects the reads return."""
        if name == "cad":
            self._cad = {a: [_cad_incident(r) for r in cad["open"]] for a, cad in section.items()}
            self._entries = {
                a: {i: CadLine(via, closed) for i, (via, closed) in cad["entries"].items()}
                for a, cad in section.items()
            }
        elif name == "units":
            self._views = [
                UnitView(r[0], r[1], r[2], UnitStatus(r[3]), r[4], _caps(r), r[6], r[7])
                for r in section
            ]
            self._own = {r[0]: r[8] for r in section if len(r) > 8}
            self._by_id = {v.id: v for v in self._views}
        elif name == "knowledge":
            self._knowledge = {
                a: {k: Known(t, value, via, msg) for k, (t, value, via, msg) in facts.items()}
                for a, facts in section.items()
            }
        elif name == "incidents":
            self._incidents = section
        elif name == "comms":
            self._comms = section
        elif name == "hospitals":
            self._hospitals = [
                HospitalView(
                    h[0],
                    int(h[1]),
                    {Triage(c): int(n) for c, n in h[2].items()},
                    {Triage(c): int(n) for c, n in h[3].items()},
                )
                for h in section
            ]
        elif name == "seats":
            self.seats = section
        elif name == "injects":
            self.injects = section
        elif name == "control":
            self.on_drop = str(section.get("on_drop", self.on_drop))

    def rebind(self, request: Requester, welcome: dict[str, Any]) -> None:
        """Carry on over a new connection (a rejoin)."""
        self._request = request
        self.run = welcome.get("run", self.run)
        self.feed({k: welcome[k] for k in ("now", "speed", "paused")})

    def subscribe(self, subscriber: Subscriber) -> None:
        """Receive every batch of events this seat hears (an automated player)."""
        self._subscribers.append(subscriber)

    def deliver(self) -> None:
        """Hand the events heard so far to subscribers (never from inside one)."""
        if self._delivering:
            return
        self._delivering = True
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                for subscriber in self._subscribers:
                    subscriber(batch)
        finally:
            self._delivering = False

    def run_events(self) -> list[Event]:
        """What this seat heard of the run (the after-action screen scores it)."""
        return self.log.events

    @property
    def last_seq(self) -> int:
        """The last event heard (a rejoining client asks for what came after)."""
        return self.log.events[-1].seq if self.log.events else 0

    # -- orders --------------------------------------------------------------------------

    def submit(self, command: CommandBase, source: str = "trainee") -> Result:
        """Give a command through the server (which records it with this seat as source)."""
        del source  # the server names the seat itself
        data = command_json(command)
        answer = self._request({"type": "command", "command": data})
        if answer.get("type") == "error":
            reason = str(answer.get("message", "refused"))
            event = Event(0, self.now, "command.rejected", command.agency, data={"reason": reason})
            return Result(False, reason, event)
        event = event_from(answer["event"])
        return Result(bool(answer["accepted"]), str(answer.get("reason", "")), event)

    def check(self, command: CommandBase) -> str:
        """Why the server would reject ``command`` now, or ""."""
        answer = self._request({"type": "check", "command": command_json(command)})
        if answer.get("type") == "error":
            return str(answer.get("message", "refused"))
        return str(answer.get("reason", ""))

    def control(self, action: str, **fields: Any) -> str:
        """A controller's clock action (pause, resume, speed, end); "" or the refusal."""
        answer = self._request({"type": "control", "action": action, **fields})
        if answer.get("type") == "error":
            return str(answer.get("message", "refused"))
        # Done: what came before the answer is older, so the new pace holds from now.
        if action in ("pause", "resume"):
            self.paused = action == "pause"
        elif action == "speed":
            self.speed = float(fields["speed"])
        return ""

    def advance(self, until: float, *, ticks: int | None = None) -> None:
        """The server keeps the time; the view's call each frame takes what has arrived."""
        del until, ticks
        if self.pump is not None:
            self.pump()

    def finish(self, reason: str) -> None:
        """Leave the exercise (it goes on for the other seats)."""
        self.ended, self.reason, self.left = True, reason, True

    def stream(self, purpose: str) -> np.random.Generator:
        """A random stream of this client's own (a player's forgetfulness)."""
        del purpose
        return self._draw

    # -- CAD and units -------------------------------------------------------------------

    def knows(self, agency: str, incident: str) -> bool:
        """Whether an agency's CAD holds an incident."""
        return incident in self._entries.get(agency, {})

    def cad_entry(self, agency: str, incident: str) -> CadLine | None:
        """How an incident came into an agency's CAD and whether it is closed there."""
        return self._entries.get(agency, {}).get(incident)

    def cad(self, agency: str) -> list[CadIncident]:
        """Open incidents in an agency's CAD, most urgent and oldest first."""
        return list(self._cad.get(agency, ()))

    def cad_incident(self, agency: str, incident_id: str) -> CadIncident | None:
        """One incident as an agency's CAD shows it, or None if it is not open there."""
        return next((i for i in self._cad.get(agency, ()) if i.id == incident_id), None)

    def units(self, agency: str | None = None) -> list[UnitView]:
        """The units this seat sees (of one agency, or all)."""
        return [u for u in self._views if agency is None or u.agency == agency]

    def visible_units(self, agencies: list[str]) -> list[UnitView]:
        """Units this seat sees: the server sent only those."""
        del agencies
        return list(self._views)

    def free_units(self, agency: str) -> list[str]:
        """Ids of an agency's units free for a new assignment."""
        return [u.id for u in self._views if u.agency == agency and self._own.get(u.id, _NO)[3]]

    def unit_can(self, unit_id: str, capability: Capability) -> bool:
        """Whether a unit meets a need for ``capability``."""
        view = self._view(unit_id)
        return view is not None and provides(view.capabilities, capability)

    def eta(self, unit_id: str, incident_id: str) -> float:
        """Estimated seconds for one of our units to reach an incident, turnout included.

        As the engine estimates it, on the map with the closures this seat knows of
        (inf if none of the roads it believes open joins them).
        """
        return self._eta(unit_id, incident_id, self._roads())

    def _eta(self, unit_id: str, incident_id: str, roads: RoadNetwork) -> float:
        view, origin = self._view(unit_id), self._own.get(unit_id)
        held = (i for a in self.agencies for i in self._cad.get(a, ()) if i.id == incident_id)
        incident = next(held, None)
        if view is None or origin is None or incident is None:
            return math.inf
        node, reach, home, _ = origin
        factor = self._speed_factor.get(unit_id, 1.0)
        turnout = self.scenario.agency(view.agency).turnout if home else 0.0
        seconds = float(roads.seconds_to(incident.node)[node])
        return turnout + max(0.0, reach - self.now) + seconds / factor

    def nearest(
        self, unit_ids: list[str], incident_id: str, count: int, farthest: bool = False
    ) -> list[str]:
        """The ``count`` units with the shortest ``eta`` (longest if ``farthest``), ties by id.

        As ``Exercise.nearest``, a unit no road this seat believes open joins to the
        incident is left out, so fewer than ``count`` may come back.
        """
        roads = self._roads()
        sign = -1.0 if farthest else 1.0
        etas = {u: self._eta(u, incident_id, roads) for u in unit_ids}
        reachable = [u for u in unit_ids if math.isfinite(etas[u])]
        return sorted(reachable, key=lambda u: (sign * etas[u], u))[:count]

    def _roads(self) -> RoadNetwork:
        """The map as briefed with the closures this seat knows of, and nothing else.

        This mirror's own copy (built at the first estimate), as a trainee's terminal
        keeps one: closing a road here never changes a network a view or a server in
        the same process reads, and no traffic the seat was not told of enters it.
        """
        if self._known_roads is None:
            self._known_roads = RoadNetwork(self.atlas.roads.graph)
        self._known_roads.believe(self.closed_roads())
        return self._known_roads

    def assigned(self, incident: str, agencies: tuple[str, ...]) -> list[str]:
        """Units of these agencies committed to an incident, by id (as ``Exercise``'s)."""
        out = []
        for unit in self._incident(incident).get("assigned", ()):
            view = self._view(unit)
            if view is not None and view.agency in agencies:
                out.append(unit)
        return sorted(out)

    def committed(self, agency: str, incident_id: str, capability: Capability) -> int:
        """How many of an agency's units with a capability are committed to an incident."""
        return sum(
            1
            for unit in self.assigned(incident_id, (agency,))
            if provides(self._view(unit).capabilities, capability)
        )

    # -- knowledge, comms and command ----------------------------------------------------

    def knowledge(self, agency: str) -> dict[str, Known]:
        """Every fact an agency holds, by key, sorted."""
        return dict(self._knowledge.get(agency, {}))

    def facts(self, agency: str, incident: str) -> dict[str, object]:
        """What an agency knows about one incident."""
        held = self._knowledge.get(agency, {})
        return {k: f.value for k, f in held.items() if incident_of(k) == incident}

    def closed_roads(self) -> frozenset[int]:
        """Road edges this seat knows are closed (``roles.Barriers``).

        The controller hears every closure and reopening, so agencies' beliefs, which
        may be out of date, do not enter its map.
        """
        if self.seat == CONTROLLER:
            return self._barriers.closed()
        return self._barriers.closed(self._knowledge.values())

    def channels(self) -> list[ChannelView]:
        """Every channel with its members and load, as last sent."""
        rows = self._comms.get("channels", ())
        return [ChannelView(a, b, c, d, tuple(e), f, g, h) for a, b, c, d, e, f, g, h in rows]

    def patches(self) -> list[PatchView]:
        """Console patches held now."""
        rows = self._comms.get("patches", ())
        return [PatchView((pair[0], pair[1]), agency, live) for pair, agency, live in rows]

    def coverage_holes(self) -> list[dict[str, object]]:
        """Radio sites not serving now."""
        return list(self._comms.get("holes", ()))

    def staging_areas(self) -> dict[str, tuple[str, float, float]]:
        """Every staging area: id -> (node, x, y)."""
        areas = self._comms.get("staging", {})
        return {k: (str(n), float(x), float(y)) for k, (n, x, y) in areas.items()}

    def hospitals(self) -> list[HospitalView]:
        """The regional hospital status board, as the server last sent it."""
        return list(self._hospitals)

    def drive_seconds(self, incident_id: str, node: int) -> float:
        """Seconds by road from an incident we hold to a node (inf if we hold none)."""
        held = (i for a in self.agencies for i in self._cad.get(a, ()) if i.id == incident_id)
        incident = next(held, None)
        if incident is None:
            return math.inf
        return float(self._roads().seconds_to(node)[incident.node])

    def command_post(self, incident: str) -> tuple[str, str] | None:
        """(agency, unit) that set up an incident's command post, or None."""
        post = self._incident(incident).get("post")
        return (post[0], post[1]) if post else None

    def unified(self, incident: str) -> list[str]:
        """Agencies in unified command at an incident."""
        return list(self._incident(incident).get("unified", ()))

    def unify_problem(self, incident: str) -> str:
        """Why unified command cannot be established now, or ""."""
        return str(self._incident(incident).get("problem", "not known to this seat"))

    def supervision(self, incident: str) -> tuple[int, int]:
        """(command units, other units) working on scene at an incident."""
        bosses, crews = self._incident(incident).get("supervision", (0, 0))
        return bosses, crews

    def commanders_on_scene(self, agency: str, incident: str) -> list[str]:
        """An agency's command units working on scene at an incident (ours only)."""
        return list(self._incident(incident).get("commanders", {}).get(agency, ()))

    # -- helpers -------------------------------------------------------------------------

    def _view(self, unit_id: str) -> UnitView | None:
        return self._by_id.get(unit_id)

    def _incident(self, incident: str) -> dict[str, Any]:
        return self._incidents.get(incident, {})


def _caps(row: list[Any]) -> frozenset[Capability]:
    return frozenset(Capability(c) for c in row[5])


def _cad_incident(row: list[Any]) -> CadIncident:
    ident, kind, priority, node, opened, aid, needs = row
    return CadIncident(
        ident,
        kind,
        priority,
        node,
        opened,
        {Capability(c): n for c, n in aid.items()},
        tuple(Need(Capability(c), r, a, o, resp) for c, r, a, o, resp in needs),
    )
