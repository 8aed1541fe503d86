"""Warnings about road closures that cut an incident off from help.

A closure inject is valid on its own, but one that leaves an incident with no open
road from the stations of an agency that answers it (or its patients bound for
hospital with none to any hospital) stops that agency's units from reaching it until
a road reopens: a dispatch is refused while there is no way, and a crew on its way
waits at the roadblock. The author may mean it (a bridge down is the exercise);
``validate`` says so, with which inject opens a way again, so that it is a choice.

An incident is checked when it begins and at each closure within its first hour, while
crews are likely still on their way or at work. Only incidents whose start the MSEL
fixes are checked: an escalation's secondary or a rumour's crowd starts when play
makes it, and a contingency row when the controller releases it, as do contingency
closures.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from simulator.scenario.attainable import involved
from simulator.scenario.msel import EscalationInject, IncidentInject, RoadClosure
from simulator.scenario.problem import Problem
from simulator.scenario.timing import format_offset
from simulator.world.atlas import Atlas

# How long after its start an incident is checked against new closures (seconds).
WATCHED_S = 3600.0


@dataclass(frozen=True)
class _Row:
    """One timed road-closure inject: when, its seq, and the edges of each road named."""

    time: float
    seq: int
    close: bool
    roads: dict[str, frozenset[int]]


@dataclass(frozen=True)
class _Checked:
    """An incident the MSEL starts at a known time, and who must reach it."""

    path: str
    label: str
    time: float
    node: int
    agencies: tuple[str, ...]
    to_hospital: bool


class _Closed:
    """The roads closed at a moment: each road's closed edges, by name."""

    def __init__(self, roads: dict[str, frozenset[int]]):
        self.roads = {name: edges for name, edges in roads.items() if edges}
        self.edges = frozenset().union(*self.roads.values())

    def after(self, row: _Row) -> "_Closed":
        """The roads closed once ``row`` has closed or opened its own."""
        if row.close:
            merged = dict(self.roads)
            for name, edges in row.roads.items():
                merged[name] = merged.get(name, frozenset()) | edges
            return _Closed(merged)
        opened = frozenset().union(*row.roads.values())
        return _Closed({name: edges - opened for name, edges in self.roads.items()})


def cut_off(atlas: Atlas) -> list[Problem]:
    """Incidents a closure cuts off from an answering agency's stations or from hospital."""
    rows = _closures(atlas)
    if not any(row.close for row in rows):
        return []
    reach = _Reach(atlas)
    found = []
    for incident in _incidents(atlas):
        for moment in [incident.time, *_closings(rows, incident.time)]:
            closed = _closed_at(rows, moment)
            problem = _problem(reach, incident, closed)
            if problem:
                found.append(_warning(reach, incident, moment, closed, problem, rows))
                break
    return found


def _closures(atlas: Atlas) -> list[_Row]:
    rows = []
    for row in atlas.scenario.msel:
        if isinstance(row, RoadClosure) and not row.contingency:
            roads = {name: frozenset(atlas.roads.edges_named(name)) for name in row.roads}
            for a, b in row.edges:
                edges = frozenset(atlas.roads.edges_between(a, b))
                named = {atlas.roads.names[e] for e in edges if atlas.roads.names[e]}
                name = sorted(named)[0] if len(named) == 1 else f"the road {a}-{b}"
                roads[name] = roads.get(name, frozenset()) | edges
            rows.append(_Row(row.time, row.seq, row.action == "close", roads))
    return sorted(rows, key=lambda r: r.time)  # stable: the MSEL's order within a time


def _incidents(atlas: Atlas) -> Iterator[_Checked]:
    scenario = atlas.scenario
    for index, row in enumerate(scenario.msel):
        if row.contingency:
            continue
        if isinstance(row, IncidentInject):
            spec, path = row.incident, f"msel.{index}.incident"
        elif isinstance(row, EscalationInject) and row.secondary:
            spec, path = row.secondary, f"msel.{index}.secondary"
        else:
            continue
        yield _Checked(
            f"{path}.location",
            f"inject seq {row.seq}, incident {spec.id}",
            row.time,
            atlas.locate(spec.location),
            tuple(sorted(involved(scenario, spec))),
            spec.casualties.immediate + spec.casualties.delayed > 0,
        )


def _closings(rows: list[_Row], start: float) -> list[float]:
    """When roads close within an incident's watched first hour after it begins."""
    return sorted({r.time for r in rows if r.close and start < r.time <= start + WATCHED_S})


def _closed_at(rows: list[_Row], time: float) -> _Closed:
    closed = _Closed({})
    for row in rows:
        if row.time > time:
            break
        closed = closed.after(row)
    return closed


class _Reach:
    """Which road nodes an agency's stations reach, and which reach a hospital, per closure."""

    def __init__(self, atlas: Atlas):
        self.atlas = atlas
        scenario = atlas.scenario
        self.stations: dict[str, list[int]] = {}
        for station in scenario.stations:
            self.stations.setdefault(station.agency, []).append(atlas.locate(station.location))
        self.hospitals = sorted({atlas.locate(h.location) for h in scenario.hospitals})
        self._seen: dict[tuple, np.ndarray] = {}

    def from_stations(self, agency: str, closed: frozenset[int]) -> np.ndarray:
        """Per node, whether a unit from one of the agency's stations can drive there."""
        return self._reached(("from", agency), sorted(set(self.stations.get(agency, []))), closed)

    def to_hospital(self, closed: frozenset[int]) -> np.ndarray:
        """Per node, whether a transport can drive from there to a hospital."""
        return self._reached(("to",), self.hospitals, closed, forward=False)

    def _reached(
        self, key: tuple, sources: list[int], closed: frozenset[int], forward: bool = True
    ) -> np.ndarray:
        cached = self._seen.get((*key, closed))
        if cached is not None:
            return cached
        roads = self.atlas.roads
        n = len(roads.ids)
        keep = np.ones(len(roads.src), dtype=bool)
        keep[sorted(closed)] = False
        src, dst = (roads.src, roads.dst) if forward else (roads.dst, roads.src)
        # One search from a node of our own joined to every source.
        rows = np.concatenate((src[keep], np.full(len(sources), n)))
        cols = np.concatenate((dst[keep], sources))
        ones = np.ones(len(rows), dtype=np.int8)
        graph = csr_matrix((ones, (rows, cols)), shape=(n + 1, n + 1))
        seen = np.zeros(n + 1, dtype=bool)
        if sources:
            seen[breadth_first_order(graph, n, directed=True, return_predecessors=False)] = True
        self._seen[(*key, closed)] = seen[:n]
        return seen[:n]


def _problem(reach: _Reach, incident: _Checked, closed: _Closed) -> str:
    """What the closed roads cut the incident off from, or "" if nothing."""
    if not closed.edges:
        return ""
    node = incident.node
    cut = [
        agency
        for agency in incident.agencies
        if reach.stations.get(agency) and not reach.from_stations(agency, closed.edges)[node]
    ]
    if cut:
        stations = f"the stations of {_listed(cut)}"
        return f"no road reaches it from {stations}: none of their units get there"
    if incident.to_hospital and reach.hospitals and not reach.to_hospital(closed.edges)[node]:
        return "no road leads from it to any hospital: its immediate and delayed patients wait"
    return ""


def _warning(
    reach: _Reach,
    incident: _Checked,
    moment: float,
    closed: _Closed,
    problem: str,
    rows: list[_Row],
) -> Problem:
    when = f"when it begins at {_clock(moment)}"
    if moment > incident.time:
        when = f"if still open at {_clock(moment)}"
    names = ", ".join(sorted(closed.roads))
    until = "for the rest of the exercise"
    for time in sorted({r.time for r in rows if r.time > moment}):
        if not _problem(reach, incident, _closed_at(rows, time)):
            seqs = ", ".join(str(r.seq) for r in rows if r.time == time)
            until = f"until inject seq {seqs} opens a way at {_clock(time)}"
            break
    message = f"{when}, with {names} closed, {problem} {until}"
    return Problem(incident.path, message, incident.label)


def _clock(seconds: float) -> str:
    return f"T+{format_offset(seconds)}"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
