"""One agency's viewpoint: what its dispatch desk can see of an exercise, and its orders.

An automated player holds a viewpoint instead of the whole exercise, so "it sees only
its agency's CAD, knowledge and units and gives only its agency's orders" holds by
construction: every read is scoped to the agency (or to what is visible at an incident
it knows), and an order for another agency is refused before it reaches the engine.
It wraps the local ``Exercise`` and the network client's ``Mirror`` alike.
"""

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from simulator.commands import CommandBase
from simulator.events import Event
from simulator.exercise import CadIncident, CadLine, Exercise, HospitalView, Result, UnitView
from simulator.network.roles import Hearing, Seat, Senders, calls_of
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability


class Viewpoint:
    """An agency's reads of an exercise and its orders, nothing else."""

    def __init__(self, exercise: Any, agency: str, source: str) -> None:
        self._exercise = exercise
        self.agency = agency
        self.source = source
        # Locally the exercise indexes its log; a networked seat cannot (last_change).
        self._last_change = exercise.last_change if isinstance(exercise, Exercise) else None

    @property
    def scenario(self) -> Scenario:
        """The scenario as briefed (its MSEL is the controller's, not read by players)."""
        return self._exercise.scenario

    @property
    def now(self) -> float:
        """Exercise time in seconds."""
        return self._exercise.now

    # -- the agency's CAD and knowledge ------------------------------------------------

    def knows(self, incident: str) -> bool:
        """Whether the agency's CAD holds the incident."""
        return self._exercise.knows(self.agency, incident)

    def cad_incident(self, incident: str) -> CadIncident | None:
        """The incident as the agency's CAD shows it (None if not open there)."""
        return self._exercise.cad_incident(self.agency, incident)

    def cad_entry(self, incident: str) -> CadLine | None:
        """How the incident reached the agency's CAD, and whether it is closed there."""
        return self._exercise.cad_entry(self.agency, incident)

    def last_change(self, incident: str) -> int | None:
        """Sequence number of the last event naming the incident (0: none yet).

        What the CAD shows of an incident changes only with such an event, so a read
        stays good while this stands still. None when this seat cannot tell: a
        networked seat hears only its own agency's events.
        """
        return None if self._last_change is None else self._last_change(incident)

    def facts(self, incident: str) -> dict[str, object]:
        """What the agency knows about the incident."""
        return self._exercise.facts(self.agency, incident)

    # -- the agency's units ------------------------------------------------------------

    def units(self) -> list[UnitView]:
        """The agency's own units."""
        return self._exercise.units(self.agency)

    def free_units(self) -> list[str]:
        """The agency's units free for a new assignment."""
        return self._exercise.free_units(self.agency)

    def unit_can(self, unit: str, capability: Capability) -> bool:
        """Whether a unit meets a need (units' capabilities are no secret)."""
        return self._exercise.unit_can(unit, capability)

    def expect(self, incident: str, groups: list[tuple[list[str], int]]) -> None:
        """Say the agency's units will be ranked toward an incident for several needs.

        Only speed changes (``Exercise.expect``); a networked seat ranks its own.
        """
        if isinstance(self._exercise, Exercise):
            self._exercise.expect(incident, groups)

    def assigned(self, incident: str) -> list[str]:
        """The agency's units committed to the incident (on their way, staged or there)."""
        return self._exercise.assigned(incident, (self.agency,))

    def committed(self, incident: str, capability: Capability) -> int:
        """How many of the agency's units with a capability are committed there."""
        return self._exercise.committed(self.agency, incident, capability)

    def nearest(
        self, units: list[str], incident: str, count: int, farthest: bool = False
    ) -> list[str]:
        """The agency's units with the shortest (or longest) estimated time there."""
        return self._exercise.nearest(units, incident, count, farthest=farthest)

    def commanders_on_scene(self, incident: str) -> list[str]:
        """The agency's command units working on scene at the incident."""
        return self._exercise.commanders_on_scene(self.agency, incident)

    # -- hospitals (the regional status board and the map) ------------------------------

    def hospitals(self) -> list[HospitalView]:
        """Every hospital's beds and beds in use, as its status board posts them."""
        return self._exercise.hospitals()

    def drive_seconds(self, incident: str, node: int) -> float:
        """Seconds by road from an incident the agency knows to a node."""
        return self._exercise.drive_seconds(incident, node)

    # -- the map every agency has ------------------------------------------------------

    def where(self, node: int) -> tuple[float, float]:
        """Where a road node is (x, y in metres)."""
        x, y = self._exercise.atlas.roads.xy[node]
        return float(x), float(y)

    def street(self, name: str) -> list[tuple[float, float]]:
        """Where a street's nodes are, by its name (none if no street has it)."""
        roads = self._exercise.atlas.roads
        nodes = sorted({int(roads.src[k]) for k in roads.edges_named(name)})
        return [(float(roads.xy[n][0]), float(roads.xy[n][1])) for n in nodes]

    # -- command at an incident (what anyone at the scene sees) -------------------------

    def command_post(self, incident: str) -> tuple[str, str] | None:
        """(agency, unit) that set up the incident's command post, or None."""
        return self._exercise.command_post(incident)

    def unified(self, incident: str) -> list[str]:
        """Agencies in unified command at the incident."""
        return self._exercise.unified(incident)

    def unify_problem(self, incident: str) -> str:
        """Why unified command cannot be established there now, or ""."""
        return self._exercise.unify_problem(incident)

    def supervision(self, incident: str) -> tuple[int, int]:
        """(command units, other units) working on scene there (span of control)."""
        return self._exercise.supervision(incident)

    # -- orders and the event feed -----------------------------------------------------

    def submit(self, command: CommandBase) -> Result:
        """Give one of the agency's orders.

        Raises:
            ValueError: the command names another agency (a player bug, never sent).
        """
        if command.agency != self.agency:
            raise ValueError(f"{self.agency} cannot give {command.agency}'s orders")
        return self._exercise.submit(command, source=self.source)

    def remind(self, at: float) -> None:
        """Be handed a batch at ``at`` even if nothing the seat hears happens then.

        A networked seat's mirror hears the server's batches only: there a timer is
        checked at the next one.
        """
        if isinstance(self._exercise, Exercise):
            self._exercise.remind(at)

    def stream(self, purpose: str) -> np.random.Generator:
        """An exercise-owned random stream of the agency's own."""
        return self._exercise.stream(purpose)

    def subscribe(self, subscriber: Callable[[list[Event]], None]) -> None:
        """Receive each new batch of the events the agency's seat hears.

        Locally the batch is filtered through the same ``Hearing`` a networked seat's
        server applies, so an automated player reacts only to what a trainee in its
        seat would hear, as a networked bot does. A batch that leaves nothing is still
        handed over (empty): players check their timers on each. A networked seat's
        mirror already hears only its own.
        """
        if not isinstance(self._exercise, Exercise):
            self._exercise.subscribe(subscriber)
            return
        calls = calls_of(self._exercise.scenario)
        hearing = Hearing(Seat(self.source, (self.agency,)), calls=calls)
        senders = _SENDERS.setdefault(self._exercise, _BatchSenders())

        def hear(batch: list[Event]) -> None:
            subscriber(hearing.heard(batch, senders.of(batch)))

        self._exercise.subscribe(hear)


class _BatchSenders:
    """An exercise's message senders, worked out once a batch for all its players.

    The exercise hands every subscriber the same batch in turn, so the first player to
    hear it works out who sent what, and the rest reuse that (as the server does once
    for all its seats).
    """

    def __init__(self) -> None:
        self._senders = Senders()
        self._batch: list[Event] | None = None
        self._of: list[str | None] = []

    def of(self, batch: list[Event]) -> list[str | None]:
        """Each event's message sender (see ``Senders.of``), once per batch."""
        if batch is not self._batch:
            self._batch, self._of = batch, self._senders.of(batch)
        return self._of


# Per local exercise: the senders its players' hearing shares.
_SENDERS: WeakKeyDictionary[Exercise, _BatchSenders] = WeakKeyDictionary()
