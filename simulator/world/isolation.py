"""Warnings about road closures that cut an incident off from help.

A closure inject is valid on its own, but one that leaves an incident with no open
road from any station (or its casualties with none to any hospital) when it begins
keeps every unit sent there waiting at the roadblock until a road reopens. The author
may mean it (a bridge down is the exercise); ``validate`` says so, with when the roads
reopen, so that it is a choice. Contingency closures, released whenever the controller
decides, have no time to check against.
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from simulator.scenario.check import incidents
from simulator.scenario.msel import RoadClosure
from simulator.scenario.problem import Problem
from simulator.scenario.timing import format_offset
from simulator.world.atlas import Atlas


@dataclass(frozen=True)
class _Row:
    """One timed road-closure inject: when, where in the MSEL, and its edges."""

    time: float
    index: int
    close: bool
    edges: frozenset[int]
    names: tuple[str, ...]


def cut_off(atlas: Atlas) -> list[Problem]:
    """Incidents that begin with no open road from any station, or none to a hospital."""
    rows = _closures(atlas)
    if not any(row.close for row in rows):
        return []
    scenario = atlas.scenario
    stations = sorted({atlas.locate(s.location) for s in scenario.stations})
    hospitals = sorted({atlas.locate(h.location) for h in scenario.hospitals})
    reach: dict[frozenset[int], tuple[np.ndarray, np.ndarray]] = {}
    found = []
    for path, time, spec in incidents(scenario):
        in_force = _in_force(rows, time)
        closed = frozenset().union(*(row.edges for row in in_force))
        if not closed:
            continue
        if closed not in reach:
            reach[closed] = (
                _reached(atlas, closed, stations, forward=True),
                _reached(atlas, closed, hospitals, forward=False),
            )
        from_station, to_hospital = reach[closed]
        node = atlas.locate(spec.location)
        if stations and not from_station[node]:
            what = "no station has an open road to it"
        elif hospitals and spec.casualties.total and not to_hospital[node]:
            what = "its casualties have no open road to any hospital"
        else:
            continue
        seq = scenario.msel[int(path.split(".")[1])].seq
        label = f"inject seq {seq}, incident {spec.id}"
        found.append(Problem(f"{path}.location", _message(what, time, in_force, rows), label))
    return found


def _closures(atlas: Atlas) -> list[_Row]:
    rows = []
    for index, row in enumerate(atlas.scenario.msel):
        if isinstance(row, RoadClosure) and not row.contingency:
            names = (*row.roads, *(f"{a}-{b}" for a, b in row.edges))
            edges = frozenset(atlas.closure_edges(row))
            rows.append(_Row(row.time, index, row.action == "close", edges, names))
    return sorted(rows, key=lambda r: (r.time, r.index))


def _in_force(rows: list[_Row], time: float) -> list[_Row]:
    """The closures still closed at ``time``: each with the edges no later row opened."""
    open_rows: list[_Row] = []
    for row in rows:
        if row.time > time:
            break
        if row.close:
            open_rows.append(row)
        else:
            open_rows = [
                _Row(r.time, r.index, True, r.edges - row.edges, r.names) for r in open_rows
            ]
    return [r for r in open_rows if r.edges]


def _reached(atlas: Atlas, closed: frozenset[int], sources: list[int], forward: bool) -> np.ndarray:
    """Per node, whether any source drives to it (``forward``) or it drives to one."""
    roads = atlas.roads
    n = len(roads.ids)
    if not sources:
        return np.zeros(n, dtype=bool)
    keep = np.ones(len(roads.src), dtype=bool)
    keep[sorted(closed)] = False
    src, dst = (roads.src, roads.dst) if forward else (roads.dst, roads.src)
    # One search from a node of our own joined to every source.
    rows = np.concatenate((src[keep], np.full(len(sources), n)))
    cols = np.concatenate((dst[keep], sources))
    graph = csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n + 1, n + 1))
    seen = np.zeros(n + 1, dtype=bool)
    seen[breadth_first_order(graph, n, directed=True, return_predecessors=False)] = True
    return seen[:n]


def _message(what: str, time: float, in_force: list[_Row], rows: list[_Row]) -> str:
    names = sorted({name for row in in_force for name in row.names})
    closed = {edge for row in in_force for edge in row.edges}
    reopening = next((r for r in rows if not r.close and r.time > time and r.edges & closed), None)
    until = (
        f"until msel.{reopening.index} reopens roads at T+{format_offset(reopening.time)[:5]}"
        if reopening
        else "for the rest of the exercise"
    )
    return (
        f"when it begins at T+{format_offset(time)[:5]}, {what} ({', '.join(names)} closed): "
        f"units sent wait at the roadblock {until}"
    )
