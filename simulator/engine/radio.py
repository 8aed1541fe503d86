"""Radio coverage: each system's sites form a networkx graph around a core site.

A site serves while it is up and still linked to the core through sites that are up;
a unit is covered where a serving site's radius reaches it. A system with no sites
covers everywhere (a scenario that does not model coverage).
"""

import math

import networkx as nx

from simulator.scenario.comms import RadioSystem
from simulator.world.atlas import Atlas


class Coverage:
    """Which sites of every system serve, and whether a point is covered."""

    def __init__(self, systems: list[RadioSystem], atlas: Atlas):
        self.graphs: dict[str, nx.Graph] = {}
        self.core: dict[str, str | None] = {}
        self.down: set[str] = set()
        self.system_of: dict[str, str] = {}
        for system in sorted(systems, key=lambda s: s.id):
            graph = nx.Graph()
            for site in system.sites:
                node = atlas.locate(site.location)
                x, y = atlas.roads.xy[node]
                graph.add_node(site.id, x=float(x), y=float(y), radius=site.radius_m)
                self.system_of[site.id] = system.id
            graph.add_edges_from(system.links)
            self.graphs[system.id] = graph
            self.core[system.id] = system.core or (system.sites[0].id if system.sites else None)
        self._serving: dict[str, list[tuple[float, float, float]]] = {}
        self._lost: dict[str, list[str]] = {}
        self._refresh()

    def _refresh(self) -> None:
        for system_id, graph in self.graphs.items():
            core = self.core[system_id]
            up = graph.subgraph(n for n in graph.nodes if n not in self.down)
            reach = nx.node_connected_component(up, core) if core in up else set()
            self._lost[system_id] = sorted(set(graph.nodes) - reach)
            self._serving[system_id] = [
                (graph.nodes[s]["x"], graph.nodes[s]["y"], graph.nodes[s]["radius"])
                for s in sorted(reach)
            ]

    def fail(self, site: str) -> None:
        """A site goes down: its coverage and any sites behind it are lost."""
        self.down.add(site)
        self._refresh()

    def restore(self, site: str) -> None:
        """A failed site returns to service."""
        self.down.discard(site)
        self._refresh()

    def covered(self, system: str, x: float, y: float) -> bool:
        """Whether a portable at (x, y) reaches ``system``."""
        graph = self.graphs.get(system)
        if graph is None or graph.number_of_nodes() == 0:
            return True
        return any(math.hypot(x - sx, y - sy) <= r for sx, sy, r in self._serving[system])

    def holes(self) -> list[dict[str, object]]:
        """Sites not serving (failed, or cut off from the core), as circles for the view."""
        out: list[dict[str, object]] = []
        for system_id, graph in sorted(self.graphs.items()):
            for site in self._lost[system_id]:
                node = graph.nodes[site]
                out.append(
                    {
                        "system": system_id,
                        "site": site,
                        "x": node["x"],
                        "y": node["y"],
                        "radius": node["radius"],
                    }
                )
        return out
