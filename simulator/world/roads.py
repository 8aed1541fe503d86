"""The road network: a networkx model for building and editing, csgraph for routing.

Routing answers "how long from everywhere to this target" with one reverse Dijkstra
(scipy.sparse.csgraph), cached per target. A closure drops exactly the cached trees
that drive through the closed edge; a reopening drops exactly those it would shorten.
"""

import itertools
from collections import OrderedDict

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from simulator.world.route import Trip

# Trees kept at most; the least recently used go first (each costs 12 bytes a node).
MAX_TREES = 384


class RoadNetwork:
    """Road graph with cached fastest-path trees and closures."""

    def __init__(self, graph: nx.DiGraph):
        self.graph = graph
        self.ids: list[str] = sorted(graph.nodes)
        self.index: dict[str, int] = {node: i for i, node in enumerate(self.ids)}
        self.xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in self.ids])
        edges = sorted((self.index[u], self.index[v], d) for u, v, d in graph.edges(data=True))
        self.src = np.array([e[0] for e in edges], dtype=np.int64)
        self.dst = np.array([e[1] for e in edges], dtype=np.int64)
        self.seconds = np.array([e[2]["length"] / e[2]["speed"] for e in edges])
        self.names = [e[2].get("name") or "" for e in edges]
        self.edge_of: dict[tuple[int, int], int] = {
            (int(u), int(v)): k for k, (u, v) in enumerate(zip(self.src, self.dst, strict=True))
        }
        self.closed: set[int] = set()
        self._kdtree = cKDTree(self.xy)
        self._trees: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._reverse = self._build_reverse()
        self.tree_builds = 0

    def __len__(self) -> int:
        return len(self.ids)

    def _build_reverse(self) -> csr_matrix:
        open_ = np.ones(len(self.src), dtype=bool)
        if self.closed:
            open_[sorted(self.closed)] = False
        n = len(self.ids)
        # Reverse graph: an edge u->v becomes v->u, so one search from a target gives
        # every node's time *to* it, and its predecessor is that node's next hop.
        return csr_matrix((self.seconds[open_], (self.dst[open_], self.src[open_])), shape=(n, n))

    def nearest(self, x: float, y: float) -> tuple[int, float]:
        """The node closest to a point, and its distance in metres."""
        dist, i = self._kdtree.query((x, y))
        return int(i), float(dist)

    def tree(self, target: int) -> tuple[np.ndarray, np.ndarray]:
        """Seconds from every node to ``target`` and each node's next hop toward it."""
        cached = self._trees.get(target)
        if cached is not None:
            self._trees.move_to_end(target)
            return cached
        dist, pred = dijkstra(
            self._reverse, directed=True, indices=target, return_predecessors=True
        )
        cached = (dist, pred)
        self._trees[target] = cached
        self.tree_builds += 1
        if len(self._trees) > MAX_TREES:
            self._trees.popitem(last=False)
        return cached

    def seconds_to(self, target: int) -> np.ndarray:
        """Travel seconds from every node to ``target`` (inf where unreachable)."""
        return self.tree(target)[0]

    def path(self, origin: int, target: int) -> list[int] | None:
        """Fastest node path from origin to target, or None if closures cut it off."""
        dist, nxt = self.tree(target)
        if not np.isfinite(dist[origin]):
            return None
        nodes = [origin]
        node = origin
        while node != target:
            node = int(nxt[node])
            nodes.append(node)
        return nodes

    def believed_path(self, origin: int, target: int, unknown: set[int]) -> list[int]:
        """The path a driver picks who does not know ``unknown`` edges are closed.

        One uncached search (closures a driver has not heard of are rare and short-lived).
        """
        open_ = np.ones(len(self.src), dtype=bool)
        shut = sorted(self.closed - unknown)
        if shut:
            open_[shut] = False
        n = len(self.ids)
        graph = csr_matrix((self.seconds[open_], (self.src[open_], self.dst[open_])), shape=(n, n))
        dist, pred = dijkstra(graph, directed=True, indices=origin, return_predecessors=True)
        if not np.isfinite(dist[target]):
            return []
        nodes = [target]
        while nodes[-1] != origin:
            nodes.append(int(pred[nodes[-1]]))
        return nodes[::-1]

    def trip(self, path: list[int], start: float, factor: float) -> Trip:
        """Time a path starting at ``start``; ``factor`` stretches every leg."""
        nodes = np.asarray(path, dtype=np.int64)
        legs = np.array([self.seconds[self.edge_of[(u, v)]] for u, v in itertools.pairwise(path)])
        times = start + np.concatenate(([0.0], np.cumsum(legs) * factor))
        return Trip(nodes=nodes, points=self.xy[nodes], times=times)

    def edges_between(self, a: str, b: str) -> list[int]:
        """Edge indices joining two nodes, in either direction."""
        ia, ib = self.index.get(a), self.index.get(b)
        if ia is None or ib is None:
            return []
        return [
            k for k in (self.edge_of.get((ia, ib)), self.edge_of.get((ib, ia))) if k is not None
        ]

    def edges_named(self, name: str) -> list[int]:
        """Edge indices of a street by name (case-insensitive)."""
        wanted = name.casefold()
        return [k for k, n in enumerate(self.names) if n.casefold() == wanted]

    def close(self, edges: list[int]) -> list[int]:
        """Close edges; returns those that were open. Drops the trees using them."""
        newly = sorted(set(edges) - self.closed)
        if not newly:
            return []
        self.closed.update(newly)
        self._reverse = self._build_reverse()
        for target in sorted(self._trees):
            _, nxt = self._trees[target]
            if any(nxt[self.src[k]] == self.dst[k] for k in newly):
                del self._trees[target]
        return newly

    def reopen(self, edges: list[int]) -> list[int]:
        """Reopen edges; returns those that were closed. Drops trees they would shorten."""
        newly = sorted(set(edges) & self.closed)
        if not newly:
            return []
        self.closed.difference_update(newly)
        self._reverse = self._build_reverse()
        for target in sorted(self._trees):
            dist, _ = self._trees[target]
            if any(dist[self.src[k]] > self.seconds[k] + dist[self.dst[k]] for k in newly):
                del self._trees[target]
        return newly

    def cached_targets(self) -> list[int]:
        """Targets with a cached tree (for tests and benchmarks)."""
        return sorted(self._trees)
