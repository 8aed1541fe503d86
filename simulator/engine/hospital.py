"""Receiving hospitals and their beds by START category."""

from dataclasses import dataclass, field

from simulator.scenario.facility import Hospital as HospitalSpec
from simulator.scenario.vocabulary import Triage

# Bed occupancy past which a department is crowded and offloads slow down: the 85%
# threshold of Bagust, Place and Posnett (BMJ 1999), used by hospital planners since.
CROWDED_SHARE = 0.85


def past_crowding(in_use: int, beds: int) -> bool:
    """Whether ``in_use`` of ``beds`` is past the crowding threshold (no beds: any)."""
    return in_use > CROWDED_SHARE * beds


@dataclass(eq=False)
class Hospital:
    """Beds in use per category.

    A bed is held from the ambulance's departure until the patient's emergency-department
    stay (``spec.bed_hours``) after delivery is over, so beds turn over in long runs.
    """

    spec: HospitalSpec
    node: int
    used: dict[Triage, int] = field(default_factory=lambda: dict.fromkeys(Triage, 0))

    @property
    def id(self) -> str:
        """The hospital's id."""
        return self.spec.id

    def capacity(self, category: Triage) -> int:
        """Beds for a category (deceased are not taken to hospital)."""
        return getattr(self.spec.beds, category.value, 0)

    def has_room(self, category: Triage) -> bool:
        """Whether a patient of this category can be received."""
        return self.used[category] < self.capacity(category)

    def stay(self, category: Triage) -> float:
        """Seconds a delivered patient of this category holds the bed."""
        return getattr(self.spec.bed_hours, category.value) * 3600.0

    def release(self, category: Triage) -> None:
        """A bed is free again (never below zero)."""
        self.used[category] = max(0, self.used[category] - 1)

    def crowded(self, category: Triage) -> bool:
        """Whether beds of a category in use are past the crowding threshold."""
        return past_crowding(self.used[category], self.capacity(category))

    def reserve(self, category: Triage) -> bool:
        """Take a bed; returns False when over capacity (the patient is still received)."""
        room = self.has_room(category)
        self.used[category] += 1
        return room
