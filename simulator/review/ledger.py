"""The fleet as the log tells it: each unit's status and assignment, kept as events come.

Sweeps that ask "who could have gone" (idle capable units, mutual-aid waits) need, at
every moment, the free units per agency and capability and how many units of each
capability an incident has assigned. Keeping both as counts updated by each unit event
makes a whole-log sweep linear in the log, not in log times fleet.
"""

from collections import defaultdict

from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import meets

# Statuses that end a unit's assignment to its incident.
UNASSIGNED = frozenset({"returning", "available", "out_of_service", "transporting"})


class Ledger:
    """Free units per (agency, capability) and units assigned per (incident, capability).

    ``free_statuses`` says what free means to the sweep: at the station only
    (``available``), or as a dispatcher sees it (also ``returning``).
    """

    def __init__(self, scenario: Scenario, free_statuses: frozenset[str]) -> None:
        units = scenario.units
        self.free_statuses = free_statuses
        self.provides = {u.id: meets(frozenset(u.capabilities)) for u in units}
        self.agency = {u.id: u.agency for u in units}
        self.status = {u.id: "available" for u in units}
        self.assigned_to: dict[str, str | None] = {u.id: None for u in units}
        self.assigned: dict[tuple[str, str], int] = defaultdict(int)
        self.free: dict[tuple[str, str], set[str]] = defaultdict(set)
        for u in units:
            if "available" in free_statuses:
                for capability in self.provides[u.id]:
                    self.free[(u.agency, capability)].add(u.id)

    def knows(self, unit: str | None) -> bool:
        """Whether the unit is one of the scenario's."""
        return unit in self.status

    def unit(self, unit: str, status: str, incident: str | None) -> bool:
        """A unit's new status (``dispatched``, ``on_scene``...) and its incident.

        Returns whether the free units or the assignment counts changed (a unit going
        from en route to on scene changes neither, so a sweep can skip it).
        """
        was_free = self.status[unit] in self.free_statuses
        self.status[unit] = status
        changed = was_free != (status in self.free_statuses)
        if changed:
            for capability in self.provides[unit]:
                group = self.free[(self.agency[unit], capability)]
                if was_free:
                    group.discard(unit)
                else:
                    group.add(unit)
        if status == "dispatched":
            changed = self._assign(unit, incident) or changed
        elif status in UNASSIGNED:
            changed = self._assign(unit, None) or changed
        return changed

    def _assign(self, unit: str, incident: str | None) -> bool:
        before = self.assigned_to[unit]
        if before == incident:
            return False
        for capability in self.provides[unit]:
            if before is not None:
                self.assigned[(before, capability)] -= 1
            if incident is not None:
                self.assigned[(incident, capability)] += 1
        self.assigned_to[unit] = incident
        return True
