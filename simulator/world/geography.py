"""What a map shows besides routing: streets as lines, water, bridges and districts.

The view draws a city map from this; the engine never reads it. It is derived from the
road graph's own attributes (street names, the arterial flag, each node's district) and,
for a generated city, from where the generator put its river, so nothing here changes
routing or travel times.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from simulator.scenario.roadmap import ExplicitMap, GeneratedMap
from simulator.world.city import node_id, river_row
from simulator.world.roads import RoadNetwork

# Share of the gap between the river's two bank streets that is water.
RIVER_SHARE = 0.55


@dataclass(frozen=True)
class Street:
    """One named street, as runs of road nodes (each run one unbroken line)."""

    name: str
    arterial: bool
    bridge: bool
    runs: tuple[np.ndarray, ...]  # node indices, in order along the street


@dataclass(frozen=True)
class District:
    """A named part of the city: where its label goes and the box it covers."""

    name: str
    x: float
    y: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in metres


@dataclass(frozen=True)
class Geography:
    """Streets, water polygons and districts of one map (world metres)."""

    streets: tuple[Street, ...]
    water: tuple[np.ndarray, ...]  # polygons, k x 2
    districts: tuple[District, ...]
    bounds: tuple[float, float, float, float]


def survey(roads: RoadNetwork, spec: ExplicitMap | GeneratedMap) -> Geography:
    """The drawable geography of a road network built from ``spec``."""
    xy = roads.xy
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    water: tuple[np.ndarray, ...] = ()
    if isinstance(spec, GeneratedMap) and spec.river:
        water = (_river(roads, spec),)
    elif isinstance(spec, ExplicitMap):
        water = tuple(np.array(area.outline, dtype=float) for area in spec.water)
    return Geography(
        streets=_streets(roads),
        water=water,
        districts=_districts(roads),
        bounds=(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])),
    )


def _streets(roads: RoadNetwork) -> tuple[Street, ...]:
    """Undirected edges grouped by name and chained into runs."""
    graph = roads.graph
    groups: dict[str, set[tuple[int, int]]] = defaultdict(set)
    arterial: dict[str, bool] = {}
    for k, (u, v) in enumerate(zip(roads.src.tolist(), roads.dst.tolist(), strict=True)):
        name = roads.names[k]
        groups[name].add((u, v) if u < v else (v, u))
        if name not in arterial:
            data = graph.edges[roads.ids[u], roads.ids[v]]
            arterial[name] = bool(data.get("arterial"))
    if not any(arterial.values()):
        arterial = _fast_streets(roads)
    return tuple(
        Street(
            name=name,
            arterial=arterial.get(name, False),
            bridge="bridge" in name.casefold(),
            runs=_runs(pairs),
        )
        for name, pairs in sorted(groups.items())
    )


def _fast_streets(roads: RoadNetwork) -> dict[str, bool]:
    """Without the generator's flag, the faster quarter of named streets are arterials."""
    speed: dict[str, float] = {}
    for k, name in enumerate(roads.names):
        a, b = roads.xy[roads.src[k]], roads.xy[roads.dst[k]]
        kmh = float(np.hypot(*(b - a))) / max(float(roads.free_flow[k]), 1e-9) * 3.6
        speed[name] = max(speed.get(name, 0.0), kmh)
    if len(set(speed.values())) < 2:
        return {}
    cut = float(np.percentile(list(speed.values()), 75))
    return {name: kmh >= cut for name, kmh in speed.items()}


def _runs(pairs: set[tuple[int, int]]) -> tuple[np.ndarray, ...]:
    """Chain undirected edges into lines, breaking at forks and dead ends."""
    near: dict[int, list[int]] = defaultdict(list)
    for a, b in sorted(pairs):
        near[a].append(b)
        near[b].append(a)
    used: set[tuple[int, int]] = set()
    runs = []

    def walk(start: int, step: int) -> list[int]:
        line = [start, step]
        used.add((min(start, step), max(start, step)))
        while len(near[line[-1]]) == 2:
            nxt = next(n for n in near[line[-1]] if n != line[-2])
            edge = (min(line[-1], nxt), max(line[-1], nxt))
            if edge in used:
                break
            used.add(edge)
            line.append(nxt)
        return line

    ends = [n for n in sorted(near) if len(near[n]) != 2]
    for node in [*ends, *sorted(near)]:  # ends first; then what is left is loops
        for step in near[node]:
            if (min(node, step), max(node, step)) not in used:
                runs.append(np.array(walk(node, step), dtype=np.int64))
    return tuple(runs)


def _river(roads: RoadNetwork, spec: GeneratedMap) -> np.ndarray:
    """The generated city's river: a band between its two bank streets."""
    bank = river_row(spec)
    south = np.array([roads.xy[roads.index[node_id(bank, c)]] for c in range(spec.columns)])
    north = np.array([roads.xy[roads.index[node_id(bank + 1, c)]] for c in range(spec.columns)])
    middle = (south[:, 1] + north[:, 1]) / 2
    half = (north[:, 1] - south[:, 1]) * RIVER_SHARE / 2
    x = (south[:, 0] + north[:, 0]) / 2
    reach = spec.block_m  # the river runs on past the city's edge
    x = np.concatenate(([x[0] - reach], x, [x[-1] + reach]))
    middle = np.concatenate(([middle[0]], middle, [middle[-1]]))
    half = np.concatenate(([half[0]], half, [half[-1]]))
    top = np.column_stack((x, middle - half))
    bottom = np.column_stack((x, middle + half))[::-1]
    return np.vstack((top, bottom))


def _districts(roads: RoadNetwork) -> tuple[District, ...]:
    """Each named district at the centre of its intersections."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(roads.ids):
        name = roads.graph.nodes[node].get("district") or ""
        if name:
            members[name].append(i)
    out = []
    for name, nodes in sorted(members.items()):
        pts = roads.xy[nodes]
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        x, y = (lo + hi) / 2
        box = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
        out.append(District(name, float(x), float(y), box))
    return tuple(out)
