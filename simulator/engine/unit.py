"""A unit's live state: status, where it is, what it is assigned to."""

from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.scenario.unit import UnitSpec
from simulator.scenario.vocabulary import Capability, UnitStatus, provides
from simulator.world.route import Trip

# Statuses from which a dispatcher can send a unit without pulling it off other work.
FREE = frozenset({UnitStatus.AVAILABLE, UnitStatus.RETURNING})


@dataclass(eq=False)
class Unit:
    """Mutable engine state of one unit.

    ``status``, ``incident``, ``posted`` and ``staging`` are properties (attached below
    the class, so the dataclass still takes them as fields): setting one of the first
    three recomputes ``free`` and tells the ``FreeUnits`` index watching the unit, if
    any; setting ``staging`` tells ``movement``, which keeps who is ``at_home``.
    """

    spec: UnitSpec
    home: int
    node: int
    status: UnitStatus
    capabilities: frozenset[Capability] = field(init=False)
    trip: Trip | None = None
    incident: str | None = None
    staging: str | None = None
    hospital: str | None = None
    patients: list[str] = field(default_factory=list)
    treating: str | None = None
    epoch: int = 0
    factor: float = 1.0
    goal: tuple[int, Callable[["Unit"], None]] | None = None
    stranded: bool = False
    held: bool = False  # dispatched to stop at the perimeter until ordered in
    posted: str | None = None  # the road of the traffic control point it holds or heads to
    # Available for a new assignment without pulling it off other work.
    free: bool = field(init=False, default=False)
    watcher: "FreeUnits | None" = field(init=False, default=None, repr=False)
    # Told when the unit's staging area changes (``movement`` keeps who is ``at_home``).
    placed: Callable[["Unit"], None] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.capabilities = frozenset(self.spec.capabilities)
        self.free = self._is_free()

    @property
    def id(self) -> str:
        """The unit's id."""
        return self.spec.id

    @property
    def agency(self) -> str:
        """The owning agency's id."""
        return self.spec.agency

    def can(self, capability: Capability) -> bool:
        """Whether this unit meets a need for ``capability``."""
        return provides(self.capabilities, capability)

    def _is_free(self) -> bool:
        if self.__dict__.get("_posted") is not None:
            return False
        status = self.__dict__.get("_status")
        if status == UnitStatus.STAGED:
            return self.__dict__.get("_incident") is None
        return status in FREE

    def _changed(self) -> None:
        free = self._is_free()
        if free != self.free:
            self.free = free
            if self.watcher is not None:
                self.watcher.changed(self)

    @property
    def at_home(self) -> bool:
        """Parked at its own station (turnout applies when dispatched from here)."""
        return self.trip is None and self.node == self.home and self.staging is None


def _field_property(name: str, doc: str, after: Callable[[Unit], None]) -> property:
    """A field that calls ``after`` on the unit whenever it is set."""
    slot = f"_{name}"

    def get(unit: Unit) -> object:
        return unit.__dict__[slot]

    def set_(unit: Unit, value: object) -> None:
        unit.__dict__[slot] = value
        after(unit)

    return property(get, set_, doc=doc)


def _placed(unit: Unit) -> None:
    if unit.placed is not None:
        unit.placed(unit)


Unit.status = _field_property("status", "The unit's status.", Unit._changed)
Unit.incident = _field_property(
    "incident", "The incident the unit is committed to, if any.", Unit._changed
)
Unit.posted = _field_property(
    "posted", "The road of the traffic point it holds, if any.", Unit._changed
)
Unit.staging = _field_property("staging", "The staging area it waits at, if any.", _placed)


class FreeUnits:
    """Each agency's free units, kept as they change, in fleet order when read.

    Players ask for them on every re-plan; scanning the fleet each time cost more
    than the simpy kernel.
    """

    def __init__(self, fleets: dict[str, list[Unit]]):
        self._place = {u.id: (a, i) for a, fleet in fleets.items() for i, u in enumerate(fleet)}
        self._ids = {a: [u.id for u in fleet] for a, fleet in fleets.items()}
        self._free: dict[str, set[int]] = {a: set() for a in fleets}
        for fleet in fleets.values():
            for unit in fleet:
                unit.watcher = self
                self.changed(unit)

    def changed(self, unit: Unit) -> None:
        """A unit became free or stopped being free."""
        agency, i = self._place[unit.id]
        if unit.free:
            self._free[agency].add(i)
        else:
            self._free[agency].discard(i)

    def of(self, agency: str) -> list[str]:
        """Ids of an agency's free units, in fleet order."""
        ids = self._ids[agency]
        return [ids[i] for i in sorted(self._free[agency])]
