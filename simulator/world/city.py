"""A seeded synthetic city: a street grid in districts, arterials, a river and bridges.

The river makes bridges chokepoints, so a bridge closure changes response times in a
way trainees can see and plan around.
"""

import math

import networkx as nx
import numpy as np

from simulator.scenario.roadmap import GeneratedMap

KMH = 1000.0 / 3600.0


def node_id(row: int, col: int) -> str:
    """The id of the intersection at a grid row and column."""
    return f"r{row}c{col}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def river_row(spec: GeneratedMap) -> int:
    """The grid row just south of the river (the river runs between it and the next)."""
    return spec.rows // 2 - 1


def generate(spec: GeneratedMap) -> nx.DiGraph:
    """Build the city's directed road graph, deterministic in ``spec.seed``."""
    rng = np.random.default_rng(spec.seed)
    graph = nx.DiGraph()
    jitter = rng.uniform(-spec.jitter_m, spec.jitter_m, size=(spec.rows, spec.columns, 2))
    at: dict[str, tuple[float, float]] = {}  # each intersection's x, y
    for row in range(spec.rows):
        for col in range(spec.columns):
            x = float(col * spec.block_m + jitter[row, col, 0])
            y = float(row * spec.block_m + jitter[row, col, 1])
            at[node_id(row, col)] = (x, y)
            graph.add_node(node_id(row, col), x=x, y=y)
    _districts(graph, spec)
    roads = _Roads(spec, at)
    oneway_rows, oneway_cols = _oneway_streets(spec, rng)
    for row in range(spec.rows):
        arterial = _is_arterial(row, spec.rows, spec.arterial_every)
        for col in range(spec.columns - 1):
            roads.street(
                (node_id(row, col), node_id(row, col + 1)),
                name=f"{_ordinal(row + 1)} Street",
                arterial=arterial,
                oneway=oneway_rows.get(row, 0),
            )
    bridges = _bridge_columns(spec)
    for col in range(spec.columns):
        arterial = _is_arterial(col, spec.columns, spec.arterial_every)
        for row in range(spec.rows - 1):
            crossing = spec.river and row == river_row(spec)
            if crossing and col not in bridges:
                continue
            name = f"{_ordinal(col + 1)} Avenue"
            if crossing:
                name = f"Bridge {bridges.index(col) + 1}"
            roads.street(
                (node_id(row, col), node_id(row + 1, col)),
                name=name,
                arterial=arterial or crossing,
                oneway=0 if crossing else oneway_cols.get(col, 0),
            )
    graph.add_edges_from(roads.edges)  # at once: a metro map has 376,000 of them
    return graph


def _is_arterial(index: int, size: int, every: int) -> bool:
    return index % every == 0 or index == size - 1


class _Roads:
    """The city's road edges, in the order they are laid, to add to the graph at once."""

    def __init__(self, spec: GeneratedMap, at: dict[str, tuple[float, float]]) -> None:
        self.spec = spec
        self.at = at
        self.edges: list[tuple[str, str, dict[str, object]]] = []

    def street(self, ends: tuple[str, str], *, name: str, arterial: bool, oneway: int) -> None:
        """A block of street between two intersections, one way or both."""
        a, b = ends
        (ax, ay), (bx, by) = self.at[a], self.at[b]
        length = math.hypot(bx - ax, by - ay)
        speed = (self.spec.arterial_kmh if arterial else self.spec.local_kmh) * KMH
        attrs = {"length": length, "speed": speed, "name": name, "arterial": arterial}
        if oneway >= 0:
            self.edges.append((a, b, attrs))
        if oneway <= 0:
            self.edges.append((b, a, dict(attrs)))


def _oneway_streets(
    spec: GeneratedMap, rng: np.random.Generator
) -> tuple[dict[int, int], dict[int, int]]:
    """Pick local streets to make one-way: +1 runs with the grid, -1 against it."""

    def pick(size: int, protected: set[int]) -> dict[int, int]:
        local = [i for i in range(size) if not _is_arterial(i, size, spec.arterial_every)]
        local = [i for i in local if i not in protected]
        count = round(len(local) * spec.oneway_share)
        chosen = sorted(rng.choice(local, size=count, replace=False).tolist()) if count else []
        return {street: 1 if n % 2 == 0 else -1 for n, street in enumerate(chosen)}

    banks = {river_row(spec), river_row(spec) + 1} if spec.river else set()
    return pick(spec.rows, banks), pick(spec.columns, set())


def _bridge_columns(spec: GeneratedMap) -> list[int]:
    """Bridges spread evenly across the river, on arterials where possible."""
    arterials = [
        c for c in range(spec.columns) if _is_arterial(c, spec.columns, spec.arterial_every)
    ]
    pool = arterials if len(arterials) >= spec.bridges else list(range(spec.columns))
    picks = np.linspace(0, len(pool) - 1, spec.bridges + 2)[1:-1]
    chosen = sorted({pool[round(p)] for p in picks})
    spare = [c for c in pool if c not in chosen]
    while len(chosen) < spec.bridges:
        chosen.append(spare.pop(0))
    return sorted(chosen)


def _districts(graph: nx.DiGraph, spec: GeneratedMap) -> None:
    """Name each intersection's district; with a river, district rows meet at the river."""
    count = len(spec.districts)
    across = math.ceil(math.sqrt(count))
    down = math.ceil(count / across)
    for row in range(spec.rows):
        band = _district_band(row, spec, down)
        for col in range(spec.columns):
            column = min(across - 1, col * across // spec.columns)
            name = spec.districts[min(count - 1, band * across + column)]
            graph.nodes[node_id(row, col)]["district"] = name


def _district_band(row: int, spec: GeneratedMap, down: int) -> int:
    if not spec.river or down < 2:
        return min(down - 1, row * down // spec.rows)
    south_bands = down // 2
    bank = river_row(spec)
    if row <= bank:
        return row * south_bands // (bank + 1)
    north_rows = spec.rows - bank - 1
    return south_bands + (row - bank - 1) * (down - south_bands) // north_rows
