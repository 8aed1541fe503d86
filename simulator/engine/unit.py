"""A unit's live state: status, where it is, what it is assigned to."""

from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.scenario.unit import UnitSpec
from simulator.scenario.vocabulary import Capability, UnitStatus
from simulator.world.route import Trip

# Statuses from which a dispatcher can send a unit without pulling it off other work.
FREE = frozenset({UnitStatus.AVAILABLE, UnitStatus.RETURNING})


def provides(capabilities: frozenset[Capability], wanted: Capability) -> bool:
    """Whether a unit with these capabilities meets a need (ALS crews can do BLS)."""
    if wanted in capabilities:
        return True
    return wanted == Capability.BLS and Capability.ALS in capabilities


@dataclass(eq=False)
class Unit:
    """Mutable engine state of one unit."""

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

    def __post_init__(self) -> None:
        self.capabilities = frozenset(self.spec.capabilities)

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

    @property
    def free(self) -> bool:
        """Available for a new assignment without pulling it off other work."""
        if self.status == UnitStatus.STAGED:
            return self.incident is None
        return self.status in FREE

    @property
    def at_home(self) -> bool:
        """Parked at its own station (turnout applies when dispatched from here)."""
        return self.trip is None and self.node == self.home and self.staging is None
