"""A trainee's terminal on a local exercise: what their agencies see, and their orders.

The map view reads an exercise through a handful of methods (``cad``, ``units``,
``knowledge``, ``log``...). On a networked seat the client's ``Mirror`` answers them from
what the server sent; locally a ``Terminal`` answers them from the ``Exercise`` with the
same scoping, so "the trainee sees only what their agencies know" holds by
construction in both: another agency's CAD and knowledge read as empty, units as the
ones visible to the trainee's agencies, command at an incident only where one of them
holds it, and the log as the events their seat hears (``network.roles.Hearing``; no
ground truth). The whole record is there for the after-action screen once the
exercise has ended, and not before.
"""

import math

from simulator.commands import CommandBase
from simulator.engine.knowledge import Known
from simulator.events import Event
from simulator.exercise import (
    CadIncident,
    CadLine,
    ChannelView,
    Exercise,
    HospitalView,
    PatchView,
    Result,
    UnitView,
)
from simulator.network.mirror import Mirror
from simulator.network.roles import Barriers, Hearing, Log, Seat, Senders, calls_of
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability
from simulator.world.atlas import Atlas
from simulator.world.roads import RoadNetwork

# The seat's name in ``Hearing`` (any name but the controller's).
TRAINEE = "trainee"


class Terminal:
    """One trainee's reads of a local exercise, scoped to the agencies they play."""

    remote = False  # the view keeps the pace itself (a networked seat's server does)

    def __init__(self, exercise: Exercise, roles: tuple[str, ...]) -> None:
        unknown = sorted(set(roles) - {a.id for a in exercise.scenario.agencies})
        if unknown:
            raise ValueError(f"no such agency in the scenario: {', '.join(unknown)}")
        self._exercise = exercise
        self.agencies = tuple(roles)
        self._owner = {u.id: u.agency for u in exercise.scenario.units}
        self._speed = {u.id: u.speed_factor for u in exercise.scenario.units}
        # The map as briefed, with only the closures the trainee knows of: built now,
        # not in the middle of a frame (a second on a 100,000-node city).
        self._map = RoadNetwork(exercise.atlas.roads.graph)
        self._hearing = Hearing(Seat(TRAINEE, self.agencies), calls=calls_of(exercise.scenario))
        self._senders = Senders()
        self._log = Log([])
        self._read = 0
        self._barriers = Barriers(exercise.atlas.roads)

    # -- the exercise as a whole ---------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The scenario as briefed."""
        return self._exercise.scenario

    @property
    def atlas(self) -> Atlas:
        """The map every agency has."""
        return self._exercise.atlas

    @property
    def now(self) -> float:
        """Exercise time in seconds."""
        return self._exercise.now

    @property
    def end(self) -> float:
        """When the exercise is due to end (seconds)."""
        return self._exercise.end

    @property
    def ended(self) -> bool:
        """Whether the exercise has ended."""
        return self._exercise.ended

    @property
    def log(self) -> Log:
        """The events the trainee's seat has heard, in order, up to now."""
        self._catch_up()
        return self._log

    def _catch_up(self) -> None:
        """Hear the events logged since the last read."""
        events = self._exercise.log.events
        fresh = events[self._read :]
        if fresh:
            self._read = len(events)
            heard = self._hearing.heard(fresh, self._senders.of(fresh))
            self._log.events.extend(heard)
            self._barriers.follow(heard)

    def run_events(self) -> list[Event]:
        """The whole record, for the after-action screen.

        Raises:
            RuntimeError: the exercise is still running (ground truth would show).
        """
        if not self.ended:
            raise RuntimeError("the record is read only after the exercise has ended")
        return self._exercise.log.events

    def advance(self, until: float, *, ticks: int | None = None) -> None:
        """Run the exercise up to ``until`` seconds."""
        self._exercise.advance(until, ticks=ticks)

    def finish(self, reason: str) -> None:
        """End the exercise early."""
        self._exercise.finish(reason)

    # -- orders --------------------------------------------------------------------------

    def submit(self, command: CommandBase, source: str = "trainee") -> Result:
        """Give one of the trainee's agencies' orders.

        An order for an agency the trainee does not play is refused here, unlogged, as
        the server refuses a networked seat's (the view offers none).
        """
        refusal = self._not_ours(command)
        if refusal:
            event = Event(0, self.now, "command.rejected", command.agency, data={"reason": refusal})
            return Result(False, refusal, event)
        return self._exercise.submit(command, source=source)

    def check(self, command: CommandBase) -> str:
        """Why ``command`` would be rejected now, or "" (nothing changes)."""
        return self._not_ours(command) or self._exercise.check(command)

    def _not_ours(self, command: CommandBase) -> str:
        if command.agency in self.agencies:
            return ""
        return f"the trainee does not play {command.agency}"

    # -- CAD and units -------------------------------------------------------------------

    def knows(self, agency: str, incident: str) -> bool:
        """Whether one of the trainee's agencies' CAD holds an incident."""
        return agency in self.agencies and self._exercise.knows(agency, incident)

    def cad_entry(self, agency: str, incident: str) -> CadLine | None:
        """How an incident came into one of the trainee's agencies' CAD."""
        if agency not in self.agencies:
            return None
        return self._exercise.cad_entry(agency, incident)

    def cad(self, agency: str) -> list[CadIncident]:
        """Open incidents in one of the trainee's agencies' CAD (none for another's)."""
        return self._exercise.cad(agency) if agency in self.agencies else []

    def cad_incident(self, agency: str, incident_id: str) -> CadIncident | None:
        """One incident as one of the trainee's agencies' CAD shows it, or None."""
        if agency not in self.agencies:
            return None
        return self._exercise.cad_incident(agency, incident_id)

    def units(self, agency: str | None = None) -> list[UnitView]:
        """The units the trainee sees (of one agency, or all)."""
        return [u for u in self.visible_units() if agency is None or u.agency == agency]

    def visible_units(self, agencies: list[str] | None = None) -> list[UnitView]:
        """The trainee's agencies' units, and others' where those can see them.

        ``agencies`` is ignored: the terminal shows what the trainee's agencies see.
        """
        del agencies
        return self._exercise.visible_units(list(self.agencies))

    def free_units(self, agency: str) -> list[str]:
        """Ids of one of the trainee's agencies' units free for a new assignment."""
        return self._exercise.free_units(agency) if agency in self.agencies else []

    def unit_can(self, unit_id: str, capability: Capability) -> bool:
        """Whether a unit meets a need (units' capabilities are no secret)."""
        return self._exercise.unit_can(unit_id, capability)

    def eta(self, unit_id: str, incident_id: str) -> float:
        """Estimated seconds for one of our units to reach an incident we hold (else inf).

        As a networked seat estimates it: on the briefed map with the closures the
        trainee knows of (not others, nor traffic), turnout included.
        """
        return self._eta(unit_id, incident_id, self._known_map())

    def _eta(self, unit_id: str, incident_id: str, roads: RoadNetwork) -> float:
        incident = self._open_incident(incident_id)
        if not self._own(unit_id) or incident is None:
            return math.inf
        node, reach, home = self._exercise.turning_point(unit_id)
        turnout = self.scenario.agency(self._owner[unit_id]).turnout if home else 0.0
        seconds = float(roads.seconds_to(incident.node)[node])
        return turnout + max(0.0, reach - self.now) + seconds / self._speed[unit_id]

    def nearest(
        self, unit_ids: list[str], incident_id: str, count: int, farthest: bool = False
    ) -> list[str]:
        """The ``count`` units with the shortest ``eta`` (longest if ``farthest``), ties by id.

        As ``Exercise.nearest``, a unit with no estimate (another agency's, or cut off
        by closures the trainee knows of) is left out, so fewer than ``count`` may
        come back.
        """
        roads = self._known_map()
        sign = -1.0 if farthest else 1.0
        etas = {u: self._eta(u, incident_id, roads) for u in unit_ids}
        reachable = [u for u in unit_ids if math.isfinite(etas[u])]
        return sorted(reachable, key=lambda u: (sign * etas[u], u))[:count]

    def _known_map(self) -> RoadNetwork:
        """The briefed map with the closures the trainee knows of."""
        self._map.believe(self.closed_roads())
        return self._map

    def committed(self, agency: str, incident_id: str, capability: Capability) -> int:
        """How many of one of our agencies' units with a capability are committed there."""
        if agency not in self.agencies or not self._holds(incident_id):
            return 0
        return self._exercise.committed(agency, incident_id, capability)

    # -- knowledge, comms and command ----------------------------------------------------

    def knowledge(self, agency: str) -> dict[str, Known]:
        """Every fact one of the trainee's agencies holds (none of another's)."""
        return self._exercise.knowledge(agency) if agency in self.agencies else {}

    def facts(self, agency: str, incident: str) -> dict[str, object]:
        """What one of the trainee's agencies knows about one incident."""
        return self._exercise.facts(agency, incident) if agency in self.agencies else {}

    def closed_roads(self) -> frozenset[int]:
        """Road edges the trainee's agencies know are closed (``roles.Barriers``).

        The map's own closures are ground truth: the view draws these instead.
        """
        self._catch_up()
        return self._barriers.closed(self._exercise.knowledge(a) for a in self.agencies)

    def channels(self) -> list[ChannelView]:
        """Every channel with its members and load (the radio plan is shared)."""
        return self._exercise.channels()

    def patches(self) -> list[PatchView]:
        """Console patches held now."""
        return self._exercise.patches()

    def coverage_holes(self) -> list[dict[str, object]]:
        """Radio sites not serving now."""
        return self._exercise.coverage_holes()

    def staging_areas(self) -> dict[str, tuple[str, float, float]]:
        """Every staging area: id -> (node, x, y)."""
        return self._exercise.staging_areas()

    def hospitals(self) -> list[HospitalView]:
        """The regional hospital status board."""
        return self._exercise.hospitals()

    def drive_seconds(self, incident_id: str, node: int) -> float:
        """Seconds by road from an incident we hold to a node (else inf), as ``eta``."""
        incident = self._open_incident(incident_id)
        if incident is None:
            return math.inf
        return float(self._known_map().seconds_to(node)[incident.node])

    def command_post(self, incident: str) -> tuple[str, str] | None:
        """(agency, unit) that set up the command post at an incident we hold, or None."""
        return self._exercise.command_post(incident) if self._holds(incident) else None

    def unified(self, incident: str) -> list[str]:
        """Agencies in unified command at an incident we hold."""
        return self._exercise.unified(incident) if self._holds(incident) else []

    def unify_problem(self, incident: str) -> str:
        """Why unified command cannot be established now, or ""."""
        if not self._holds(incident):
            return "not known to this seat"
        return self._exercise.unify_problem(incident)

    def supervision(self, incident: str) -> tuple[int, int]:
        """(command units, other units) working on scene at an incident we hold."""
        return self._exercise.supervision(incident) if self._holds(incident) else (0, 0)

    def commanders_on_scene(self, agency: str, incident: str) -> list[str]:
        """One of our agencies' command units working on scene at an incident."""
        if agency not in self.agencies or not self._holds(incident):
            return []
        return self._exercise.commanders_on_scene(agency, incident)

    # -- scoping -------------------------------------------------------------------------

    def _own(self, unit_id: str) -> bool:
        return self._owner.get(unit_id) in self.agencies

    def _open_incident(self, incident: str) -> CadIncident | None:
        """The incident as the first of our CADs holding it open shows it, or None."""
        for agency in self.agencies:
            view = self._exercise.cad_incident(agency, incident)
            if view is not None:
                return view
        return None

    def _holds(self, incident: str) -> bool:
        """Open in one of our CADs, or one of our units is committed to it."""
        open_ = any(self._exercise.cad_incident(a, incident) for a in self.agencies)
        return open_ or bool(self._exercise.assigned(incident, self.agencies))


# What the map view reads: a local trainee's terminal, or a networked seat's mirror.
SeatView = Terminal | Mirror
