"""Road closures as they happen: who is told, and what happens to units driving at them.

Only the agencies told learn of a closure; units of the others drive on to the barrier,
are blocked there and report it. Reopening lets stranded units try again.
"""

from typing import TYPE_CHECKING

from simulator.engine.knowledge import fact_key

if TYPE_CHECKING:
    from simulator.engine.core import Engine


class Closures:
    """Closing and reopening roads during the exercise."""

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine

    def close(self, edges: list[int], by: str, told: list[str], via: str = "inject") -> list[int]:
        """Close road edges and reroute units driving into them.

        Only the agencies ``told`` learn of it; the rest find out at the barrier.
        """
        newly = self.engine.atlas.roads.close(edges)
        if newly:
            names = sorted({self.engine.atlas.roads.names[k] for k in newly} - {""})
            self.engine.emit("road.closed", by=by, edges=self._edge_ids(newly), names=names)
            needed = sorted(a.id for a in self.engine.agency_specs() if self.engine.fleet(a.id))
            for name in names:
                self.engine.emit("fact.critical", fact=fact_key("closure", name), needed_by=needed)
            self._tell_roads(names, told, via)
            self._closed_ahead(set(newly))
        return newly

    def _closed_ahead(self, closed: set[int]) -> None:
        """Units whose road ahead just closed: those whose agency knows turn off.

        The rest drive on to the closure, are blocked there and report it, as a unit
        dispatched onto an unknown closure does.
        """
        roads = self.engine.atlas.roads
        for unit, edge in self.engine.movement.driving_into(closed):
            name = roads.names[edge]
            if not name or self.engine.knowledge.value(unit.agency, fact_key("closure", name)):
                self.engine.movement.reroute(unit)
                continue
            target, on_arrive = unit.goal
            self.engine.movement.drive_to(
                unit, edge, self.engine.crews.at_barrier(name, target, on_arrive)
            )

    def reopen(self, edges: list[int], by: str, told: list[str], via: str = "inject") -> list[int]:
        """Reopen road edges; stranded units try again."""
        newly = self.engine.atlas.roads.reopen(edges)
        if newly:
            names = sorted({self.engine.atlas.roads.names[k] for k in newly} - {""})
            self.engine.emit("road.opened", by=by, edges=self._edge_ids(newly), names=names)
            self._tell_roads(names, told, via)
            self.engine.movement.after_reopening()
        return newly

    def _tell_roads(self, names: list[str], told: list[str], via: str) -> None:
        for agency in sorted(set(told)):
            for name in names:
                key = fact_key("closure", name)
                self.engine.learn(agency, key, self.engine.truth(key), via)

    def _edge_ids(self, edges: list[int]) -> list[list[str]]:
        roads = self.engine.atlas.roads
        return [[roads.ids[roads.src[k]], roads.ids[roads.dst[k]]] for k in edges]
