"""Road closures as they happen: who is told, and what happens to units driving at them.

Only the agencies told learn of a closure; units of the others drive on to the barrier,
are blocked there and report it. Reopening lets stranded units try again.
"""

from simulator.engine.awareness import Awareness
from simulator.engine.crews import Crews
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.movement import Movement
from simulator.engine.roster import Roster
from simulator.scenario.facts import fact_key


class Closures:
    """Closing and reopening roads during the exercise."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        incidents: Incidents,
        awareness: Awareness,
        movement: Movement,
        crews: Crews,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        self.awareness = awareness
        self.movement = movement
        self.crews = crews

    def close(self, edges: list[int], by: str, told: list[str], via: str = "inject") -> list[int]:
        """Close road edges and reroute units driving into them.

        Only the agencies ``told`` learn of it; the rest find out at the barrier. They
        are told of every road named, closed now or already: a trainee's barrier put up
        before the scripted word must not keep that word from the other agencies.
        """
        newly = self.roster.atlas.roads.close(edges)
        if newly:
            names = self._names(newly)
            self.kernel.emit("road.closed", by=by, edges=self._edge_ids(newly), names=names)
            needed = sorted(a.id for a in self.roster.agency_specs() if self.roster.fleet(a.id))
            for name in names:
                self.kernel.emit("fact.critical", fact=fact_key("closure", name), needed_by=needed)
        self._tell_roads(self._names(edges), told, via)
        if newly:
            self._closed_ahead(set(newly))
        return newly

    def _closed_ahead(self, closed: set[int]) -> None:
        """Units whose road ahead just closed: those whose agency knows turn off.

        The rest drive on to the closure, are blocked there and report it, as a unit
        dispatched onto an unknown closure does.
        """
        roads = self.roster.atlas.roads
        for unit, edge in self.movement.driving_into(closed):
            name = roads.names[edge]
            if not name or self.awareness.knowledge.value(unit.agency, fact_key("closure", name)):
                self.movement.reroute(unit)
                continue
            target, on_arrive = unit.goal
            self.movement.drive_to(unit, edge, self.crews.at_barrier(name, target, on_arrive))

    def reopen(self, edges: list[int], by: str, told: list[str], via: str = "inject") -> list[int]:
        """Reopen road edges; stranded units try again. As ``close``, all ``told`` hear."""
        newly = self.roster.atlas.roads.reopen(edges)
        if newly:
            names = self._names(newly)
            self.kernel.emit("road.opened", by=by, edges=self._edge_ids(newly), names=names)
        self._tell_roads(self._names(edges), told, via)
        if newly:
            self.movement.after_reopening()
            self.crews.after_reopening()
        return newly

    def untold(self, edges: list[int], agency: str) -> list[str]:
        """The streets of these edges that the agency does not hold to be as they are.

        A street it never heard closed it takes to be open.
        """
        names = sorted({self.roster.atlas.roads.names[k] for k in edges} - {""})
        keys = {name: fact_key("closure", name) for name in names}
        knowledge, truth = self.awareness.knowledge, self.incidents.truth
        return [n for n, key in keys.items() if bool(knowledge.value(agency, key)) != truth(key)]

    def found(self, edges: list[int], agency: str) -> None:
        """An agency's crew, sent to close or open a road, finds it already so.

        Nothing on the road changes; the agency learns how its streets stand.
        """
        self._tell_roads(self.untold(edges, agency), [agency], "own")

    def _names(self, edges: list[int]) -> list[str]:
        """The street names of some edges, sorted (unnamed edges have none)."""
        return sorted({self.roster.atlas.roads.names[k] for k in edges} - {""})

    def _tell_roads(self, names: list[str], told: list[str], via: str) -> None:
        for agency in sorted(set(told)):
            for name in names:
                key = fact_key("closure", name)
                self.awareness.learn(agency, key, self.incidents.truth(key), via)

    def _edge_ids(self, edges: list[int]) -> list[list[str]]:
        roads = self.roster.atlas.roads
        return [[roads.ids[roads.src[k]], roads.ids[roads.dst[k]]] for k in edges]
