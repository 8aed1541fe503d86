"""The road network: a networkx model for building and editing, csgraph for routing.

Routing answers "how long from everywhere to this target" with one reverse Dijkstra
(scipy.sparse.csgraph), cached per target. A search may stop at a time limit when only
the nearby answer is wanted (ranking units by ETA): such a bounded tree is exact for
every node it reached, and a question past its limit falls back to the whole search.
A closure drops exactly the cached trees that drive through the closed edge; a
reopening drops exactly those it would shorten. Traffic retimes edges (never faster
than their free-flow time, so the straight-line bound still holds): a slower edge is a
partial closure, a faster one a partial reopening, and drops trees the same way.
"""

import functools
import math
from collections import OrderedDict
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from simulator.world.route import Trip

# Whole trees (searches of every node: stations', hospitals') kept at most, and their
# bytes at most: 12 bytes a node, 1.2 MB at 100,000 nodes. Bounded trees (incidents'
# rankings) are kept apart, up to their own bytes (24 bytes a node reached, or 12 a
# node once they reach a quarter of them), so the many incidents never push out the
# few targets every unit drives back to. The least recently used go first.
MAX_TREES = 384
MAX_TREE_BYTES = 192 * 2**20
MAX_BOUNDED_BYTES = 64 * 2**20
# A bounded search first goes SEARCH_BASE_S plus SEARCH_MARGIN times the straight-line
# bound of the origin it must reach (for ranking, of the count-th nearest unit: this
# covered 97% of the city day's rankings at once), then WIDENING times as far each time
# that was not enough, at most MAX_WIDENINGS times before searching the whole graph.
SEARCH_BASE_S = 100.0
SEARCH_MARGIN = 1.3
WIDENING = 1.5
MAX_WIDENINGS = 6
# A bounded tree of at most this many nodes is checked for ties once, whole (a sort);
# a larger one path by path (sorting it costs more than the few paths asked of it).
UNTIED_CHECK_MAX = 8192


def first_limit(bound: float) -> float:
    """Seconds a bounded search first goes, from the straight-line bound it must pass."""
    return SEARCH_BASE_S + SEARCH_MARGIN * bound


@dataclass
class _Tree:
    """One reverse search from a target: seconds to it and the next hop, per node.

    ``nodes`` lists the nodes a bounded search reached (sorted) when they are few; None
    means arrays over every node, indexed directly (inf past ``limit``; a whole search
    has an infinite limit). ``untied`` says, once a path is asked of a small bounded
    tree, whether no two nodes it reached are equally far (see ``RoadNetwork.path``).
    """

    limit: float
    nodes: np.ndarray | None
    dist: np.ndarray
    nxt: np.ndarray
    untied: bool | None = None

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        extra = 0 if self.nodes is None else self.nodes.nbytes
        return self.dist.nbytes + self.nxt.nbytes + extra

    def slots(self, origins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``origins`` in the arrays, and which of them the search reached."""
        if self.nodes is None:
            return origins, np.isfinite(self.dist[origins])
        at = np.minimum(self.nodes.searchsorted(origins), len(self.nodes) - 1)
        return at, self.nodes[at] == origins

    def seconds(self, origins: np.ndarray) -> np.ndarray:
        """Seconds from each origin (inf where unreachable or past the limit)."""
        at, hit = self.slots(origins)
        return np.where(hit, self.dist[at], math.inf)

    def reaches(self, origin: int) -> bool:
        """Whether the search reached ``origin`` (for a whole search: it is reachable)."""
        if self.nodes is None:
            return bool(self.dist[origin] < math.inf)
        at = int(self.nodes.searchsorted(origin))
        return at < len(self.nodes) and int(self.nodes[at]) == origin

    def path(self, origin: int, target: int) -> list[int]:
        """The nodes from a reached origin to the target, along the next hops."""
        if self.nodes is None:
            nxt = self.nxt
            nodes = [origin]
            node = origin
            while node != target:
                node = int(nxt[node])
                nodes.append(node)
            return nodes
        # Each step looks its node up among the reached ones: a path visits a few of
        # them, and placing every next hop at once costs more on a wide search.
        settled, nxt = self.nodes, self.nxt
        nodes = [origin]
        node = origin
        while node != target:
            node = int(nxt[int(settled.searchsorted(node))])
            nodes.append(node)
        return nodes


class Reach:
    """Seconds from any node to one target, searched only as far as a question needs.

    Indexing by a node gives the exact seconds (inf if closures cut it off); as an
    array it is the whole search, as ``RoadNetwork.seconds_to`` always gave.
    """

    def __init__(self, network: "RoadNetwork", target: int):
        self._network = network
        self._target = target

    def __getitem__(self, node: int) -> np.float64:
        return self._network.seconds_from(int(node), self._target)

    def __len__(self) -> int:
        return len(self._network)

    def __array__(self, dtype: object = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self._network.tree(self._target)[0], dtype=dtype)

    def copy(self) -> np.ndarray:
        """The whole search as a new array."""
        return self._network.tree(self._target)[0].copy()


class RoadNetwork:
    """Road graph with cached fastest-path trees and closures."""

    def __init__(self, graph: nx.DiGraph):
        self.graph = graph
        self.ids: list[str] = sorted(graph.nodes)
        self.index: dict[str, int] = {node: i for i, node in enumerate(self.ids)}
        self.xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in self.ids])
        index = self.index
        edges = sorted(
            (index[u], index[v], d) for u, ends in graph.adjacency() for v, d in ends.items()
        )
        self.src = np.array([e[0] for e in edges], dtype=np.int64)
        self.dst = np.array([e[1] for e in edges], dtype=np.int64)
        # Free-flow seconds per edge, and the seconds responders take now (traffic).
        self.free_flow = np.array([e[2]["length"] / e[2]["speed"] for e in edges])
        self.seconds = self.free_flow.copy()
        self.names = [e[2].get("name") or "" for e in edges]
        self._named: dict[str, list[int]] | None = None  # street -> edges (``edges_named``)
        self.edge_of: dict[tuple[int, int], int] = {(e[0], e[1]): k for k, e in enumerate(edges)}
        # One key per edge, ascending as the edges are sorted: a path's legs in one lookup.
        # The last key, past every edge's, stands for "no such edge" in a lookup.
        self._edge_keys = np.append(self.src * len(self.ids) + self.dst, np.iinfo(np.int64).max)
        self.closed: set[int] = set()
        # Each node's outgoing edges are ``_out[node]`` up to ``_out[node + 1]``.
        self._out = np.searchsorted(self.src, np.arange(len(self.ids) + 1))
        self._kdtree = cKDTree(self.xy)
        self._whole: OrderedDict[int, _Tree] = OrderedDict()
        self._bounded: OrderedDict[int, _Tree] = OrderedDict()
        self._bytes = {True: 0, False: 0}  # whole, bounded
        self._reverse = self._build_reverse()
        self.tree_builds = 0
        self.nodes_settled = 0  # by every search: the routing work, whatever the machine
        # The fewest seconds a metre of straight line can take on any road: times it by
        # a distance and no route is faster (a first guess at how far to search).
        metres = np.hypot(*(self.xy[self.dst] - self.xy[self.src]).T)
        moving = metres > 0
        self.pace = float(np.min(self.seconds[moving] / metres[moving])) if moving.any() else 0.0

    def __len__(self) -> int:
        return len(self.ids)

    def _build_reverse(self) -> csr_matrix:
        open_ = np.ones(len(self.src), dtype=bool)
        if self.closed:
            open_[sorted(self.closed)] = False
        self._open = open_
        n = len(self.ids)
        # Reverse graph: an edge u->v becomes v->u, so one search from a target gives
        # every node's time *to* it, and its predecessor is that node's next hop.
        return csr_matrix((self.seconds[open_], (self.dst[open_], self.src[open_])), shape=(n, n))

    def strongly_connected(self) -> bool:
        """Whether every node can drive to every other (closures aside)."""
        count, _ = connected_components(self._reverse, directed=True, connection="strong")
        return count == 1

    def nearest(self, x: float, y: float) -> tuple[int, float]:
        """The node closest to a point, and its distance in metres."""
        dist, i = self._kdtree.query((x, y))
        return int(i), float(dist)

    def _search(self, target: int, limit: float) -> _Tree:
        """The cached tree toward ``target`` if it reaches ``limit``, else a new search.

        A bounded search's seconds are the whole search's wherever it reached (each is
        the least sum over next hops, whatever order equally far nodes were settled
        in); its next hops are checked only when a path is asked for (``path``).
        """
        cached = self._cached(target)
        if cached is not None and cached.limit >= limit:
            return cached
        dist, nxt = dijkstra(
            self._reverse, directed=True, indices=target, return_predecessors=True, limit=limit
        )
        self.tree_builds += 1
        tree = _Tree(math.inf, None, dist, nxt)
        if limit == math.inf:
            self.nodes_settled += int(np.count_nonzero(dist < math.inf))
        else:
            nodes = np.flatnonzero(dist < math.inf)
            self.nodes_settled += len(nodes)
            if len(nodes) > len(dist) // 4:
                tree = _Tree(limit, None, dist, nxt)
            else:
                tree = _Tree(limit, nodes, dist[nodes], nxt[nodes])
        self._keep(target, tree)
        return tree

    def _unambiguous(self, tree: _Tree, path: list[int]) -> bool:
        """Whether every next hop on a bounded tree's path is the whole search's.

        Dijkstra makes a node's next hop the first settled neighbour through which it
        is as near as it gets. Where that neighbour is the only nearest one, and nearer
        than the node, every search that reaches the node settles it first, bounded or
        not; where two are equally near, which comes first depends on the search.
        """
        here = np.asarray(path[:-1], dtype=np.int64)
        hop = np.asarray(path[1:], dtype=np.int64)
        begin, end = self._out[here], self._out[here + 1]
        counts = end - begin
        edges = np.arange(counts.sum()) + np.repeat(begin - (np.cumsum(counts) - counts), counts)
        owner = np.repeat(np.arange(len(here)), counts)
        via = self.dst[edges]
        near = tree.seconds(via)
        at = tree.seconds(np.concatenate((here, hop)))
        here_s, hop_s = at[: len(here)], at[len(here) :]
        through = self._open[edges] & (near + self.seconds[edges] == here_s[owner])
        rival = through & (via != hop[owner]) & (near <= hop_s[owner])
        return bool((hop_s < here_s).all()) and not rival.any()

    def _cached(self, target: int) -> _Tree | None:
        """The tree kept toward ``target``, now the most recently used, or None."""
        for kept in (self._whole, self._bounded):
            tree = kept.get(target)
            if tree is not None:
                kept.move_to_end(target)
                return tree
        return None

    def _keep(self, target: int, tree: _Tree) -> None:
        if target in self._whole or target in self._bounded:
            self._drop(target)
        whole = tree.limit == math.inf
        kept = self._whole if whole else self._bounded
        kept[target] = tree
        self._bytes[whole] += tree.nbytes
        cap = MAX_TREE_BYTES if whole else MAX_BOUNDED_BYTES
        while len(kept) > 1 and (self._bytes[whole] > cap or (whole and len(kept) > MAX_TREES)):
            _, gone = kept.popitem(last=False)
            self._bytes[whole] -= gone.nbytes

    def _drop(self, target: int) -> None:
        kept = self._whole if target in self._whole else self._bounded
        tree = kept.pop(target)
        self._bytes[tree.limit == math.inf] -= tree.nbytes

    @property
    def tree_bytes(self) -> int:
        """Bytes held by the kept trees."""
        return self._bytes[True] + self._bytes[False]

    def tree(self, target: int) -> tuple[np.ndarray, np.ndarray]:
        """Seconds from every node to ``target`` and each node's next hop toward it."""
        tree = self._search(target, math.inf)
        return tree.dist, tree.nxt

    def seconds_to(self, target: int) -> Reach:
        """Travel seconds from any node to ``target`` (inf where unreachable)."""
        return Reach(self, target)

    def seconds_from(self, origin: int, target: int) -> np.float64:
        """Travel seconds from one node to ``target`` (inf where unreachable)."""
        tree = self._covering(origin, target)
        return tree.seconds(np.array([origin]))[0]

    def _covering(self, origin: int, target: int) -> _Tree:
        """A tree toward ``target`` that reached ``origin`` (if it can be reached).

        The cached tree if it reached the origin; past a cached bounded tree, searches
        wider, as ranking does, and at last the whole graph; with nothing cached, the
        whole search (a station's or hospital's, asked again and again).
        """
        cached = self._cached(target)
        if cached is not None and cached.reaches(origin):
            return cached
        if cached is None or cached.limit == math.inf:
            return self._search(target, math.inf)
        bound = float(self.lower_bound(np.array([origin]), target)[0])
        limit = max(first_limit(bound), cached.limit * WIDENING)
        for _ in range(MAX_WIDENINGS):
            tree = self._search(target, limit)
            if tree.limit == math.inf or tree.reaches(origin):
                return tree
            limit = tree.limit * WIDENING
        return self._search(target, math.inf)

    def reach(
        self, origins: np.ndarray, target: int, limit: float, kept: bool = False
    ) -> tuple[np.ndarray, float]:
        """Seconds from each origin to ``target``, exact up to the limit returned.

        Returns the seconds (inf for an origin past the limit searched, or cut off) and
        that limit (inf: the whole graph, so inf means unreachable), at least ``limit``
        unless ``kept``: then a tree already kept toward the target answers whatever its
        limit, as a ranking often needs less than its first guess and can tell from it.
        """
        tree = self._cached(target) if kept else None
        if tree is None:
            tree = self._search(target, limit)
        return tree.seconds(origins), tree.limit

    def lower_bound(self, origins: np.ndarray, target: int) -> np.ndarray:
        """Seconds no route from each origin to ``target`` can beat (straight line)."""
        return self.pace * np.hypot(*(self.xy[origins] - self.xy[target]).T)

    def path(self, origin: int, target: int) -> list[int] | None:
        """Fastest node path from origin to target, or None if closures cut it off.

        From a bounded tree whose path passes a node with two equally near next hops,
        the whole search decides (see ``_unambiguous``). A small bounded tree is first
        checked whole, once: where no two nodes are equally far, no path needs more.
        """
        tree = self._covering(origin, target)
        if not tree.reaches(origin):
            return None
        nodes = tree.path(origin, target)
        if tree.limit == math.inf:
            return nodes
        if tree.untied is None:
            near = tree.dist if tree.nodes is not None else tree.dist[tree.dist < math.inf]
            if len(near) <= UNTIED_CHECK_MAX:
                ordered = np.sort(near)
                tree.untied = not np.any(ordered[1:] == ordered[:-1])
        if not tree.untied and not self._unambiguous(tree, nodes):
            nodes = self._search(target, math.inf).path(origin, target)
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
        nodes = np.array(path, dtype=np.int64)
        keys = nodes[:-1] * len(self.ids)
        keys += nodes[1:]
        edges = self._edge_keys.searchsorted(keys)
        if (self._edge_keys[edges] != keys).any():
            raise KeyError(f"no road between consecutive nodes of {path}")
        times = np.empty(len(nodes))
        times[0] = 0.0
        np.add.accumulate(self.seconds[edges], out=times[1:])  # cumsum, without its wrapper
        times[1:] *= factor
        times += start
        return Trip(nodes=nodes, points=self.xy[nodes], times=times)

    def edges_between(self, a: str, b: str) -> list[int]:
        """Edge indices joining two nodes, in either direction."""
        ia, ib = self.index.get(a), self.index.get(b)
        if ia is None or ib is None:
            return []
        return [
            k for k in (self.edge_of.get((ia, ib)), self.edge_of.get((ib, ia))) if k is not None
        ]

    @functools.cached_property
    def streets(self) -> frozenset[str]:
        """Every street name, as the map spells it."""
        return frozenset(street for street in self.names if street)

    def edges_named(self, name: str) -> list[int]:
        """Edge indices of a street by name (case-insensitive)."""
        if self._named is None:
            self._named = {}
            for k, street in enumerate(self.names):
                self._named.setdefault(street.casefold(), []).append(k)
        return list(self._named.get(name.casefold(), ()))

    def close(self, edges: list[int]) -> list[int]:
        """Close edges; returns those that were open. Drops the trees using them."""
        newly = sorted(set(edges) - self.closed)
        if not newly:
            return []
        self.closed.update(newly)
        self._reverse = self._build_reverse()
        src, dst = self.src[newly], self.dst[newly]
        for target in self.cached_targets():
            tree = self._whole.get(target) or self._bounded[target]
            at, hit = tree.slots(src)
            if np.any(hit & (tree.nxt[at] == dst)):
                self._drop(target)
        return newly

    def reopen(self, edges: list[int]) -> list[int]:
        """Reopen edges; returns those that were closed. Drops trees they would shorten."""
        newly = sorted(set(edges) & self.closed)
        if not newly:
            return []
        self.closed.difference_update(newly)
        self._reverse = self._build_reverse()
        src, dst, seconds = self.src[newly], self.dst[newly], self.seconds[newly]
        for target in self.cached_targets():
            tree = self._whole.get(target) or self._bounded[target]
            if np.any(tree.seconds(src) > seconds + tree.seconds(dst)):
                self._drop(target)
            else:
                # A reopened road as fast as a kept hop is a tie no sort of the tree
                # shows: its paths are checked one by one from now on.
                tree.untied = False
        return newly

    def believe(self, closed: frozenset[int]) -> None:
        """Close and reopen edges so that exactly ``closed`` are closed.

        A seat's own copy of the map follows what the seat knows of closures, which is
        not always what is closed.
        """
        self.reopen(sorted(self.closed - closed))
        self.close(sorted(closed - self.closed))

    def retime(self, edges: list[int], seconds: list[float]) -> list[int]:
        """Set edges' travel seconds (at least free flow); returns those that changed.

        A slower open edge drops the trees whose next hop uses it (as a closure does); a
        faster one drops the trees it would shorten and marks ties (as a reopening
        does). A closed edge only keeps its new time for when it reopens.
        """
        new = np.maximum(np.asarray(seconds, dtype=float), self.free_flow[edges])
        moved = [(k, float(s)) for k, s in zip(edges, new, strict=True) if s != self.seconds[k]]
        if not moved:
            return []
        changed = sorted(k for k, _ in moved)
        live = [(k, s) for k, s in sorted(moved) if k not in self.closed]
        slower = np.array([k for k, s in live if s > self.seconds[k]], dtype=np.int64)
        faster = np.array([k for k, s in live if s < self.seconds[k]], dtype=np.int64)
        quicker = np.array([s for k, s in live if s < self.seconds[k]])
        for target in self.cached_targets():
            tree = self._whole.get(target) or self._bounded[target]
            at, hit = tree.slots(self.src[slower])
            used = bool(np.any(hit & (tree.nxt[at] == self.dst[slower])))
            shorter = tree.seconds(self.src[faster]) > quicker + tree.seconds(self.dst[faster])
            if used or np.any(shorter):
                self._drop(target)
            elif len(faster):
                tree.untied = False
        for k, s in moved:
            self.seconds[k] = s
        self._reverse = self._build_reverse()
        return changed

    def cached_targets(self) -> list[int]:
        """Targets with a cached tree (for tests and benchmarks)."""
        return sorted(self._whole.keys() | self._bounded.keys())
