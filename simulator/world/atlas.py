"""Where the scenario's places are on the road graph, and whether they are on it."""

import difflib
from collections.abc import Iterable

import networkx as nx

from simulator.scenario.base import Place
from simulator.scenario.check import MAX_CHOICES, fact_keys, incidents
from simulator.scenario.collector import collector_paused
from simulator.scenario.facts import FactKey
from simulator.scenario.model import Scenario
from simulator.scenario.msel import RoadClosure, TrafficInject
from simulator.scenario.problem import Problem, ScenarioError
from simulator.scenario.roadmap import ExplicitMap
from simulator.world.build import road_graph
from simulator.world.roads import RoadNetwork

# A point further than this from any road is taken to be off the map.
SNAP_LIMIT_M = 1000.0


class Atlas:
    """The road network plus every scenario place resolved to a node."""

    def __init__(self, scenario: Scenario, roads: RoadNetwork):
        self.scenario = scenario
        self.roads = roads
        # Points already snapped to the road: checking the scenario snaps every place
        # once, and the run locates each incident again as it begins.
        self._snapped: dict[tuple[float, float], tuple[int, float]] = {}

    def locate(self, place: Place) -> int:
        """The road node for a place (a node id, or the node nearest x/y)."""
        if place.node is not None:
            return self.roads.index[place.node]
        node, _ = self.snap(place.x, place.y)
        return node

    def snap(self, x: float, y: float) -> tuple[int, float]:
        """The road node nearest a point, and its distance in metres."""
        point = (x, y)
        snapped = self._snapped.get(point)
        if snapped is None:
            snapped = self._snapped[point] = self.roads.nearest(x, y)
        return snapped

    def road_edges(
        self, road: str | None, between: tuple[str, str] | None
    ) -> tuple[list[int], str]:
        """The edges an order names by street or by node pair, or why it names none."""
        roads = self.roads
        if (road is None) == (between is None):
            return [], "name a road, or the two nodes it joins, but not both"
        if road is not None:
            edges = roads.edges_named(road)
            return edges, "" if edges else f"no road named {road!r}"
        edges = roads.edges_between(*between)
        return edges, "" if edges else f"no road joins {between[0]} and {between[1]}"

    def street_problem(self, name: str) -> str:
        """Why a closure fact's street is not a street of this map as the map spells it.

        A fact is matched by its exact text, so ``closure:main st`` would never meet
        the ``closure:Main St`` the engine tells of (orders and injects match any case).
        """
        streets = self.roads.streets
        if name in streets:
            return ""
        return f"no road named {name!r}{suggest(name, streets, 'roads')}"

    def closure_edges(self, row: RoadClosure | TrafficInject) -> list[int]:
        """Edge indices a road-closure or traffic inject names."""
        edges: list[int] = []
        for name in row.roads:
            edges += self.roads.edges_named(name)
        for a, b in row.edges:
            edges += self.roads.edges_between(a, b)
        return sorted(set(edges))


@collector_paused()
def build_atlas(scenario: Scenario, file: str = "<scenario>") -> Atlas:
    """Build the road network and check every place and road the scenario names.

    Raises:
        ScenarioError: a place is off the map, a road is unknown, or the graph is cut.

    """
    found: list[Problem] = []
    if isinstance(scenario.map, ExplicitMap):
        found += _explicit_problems(scenario.map)
    graph = road_graph(scenario.map)
    roads = RoadNetwork(graph) if not found and graph.number_of_nodes() else None
    if not found and not (roads and roads.strongly_connected()):
        found.append(Problem("map", _connectivity_message(graph)))
    if found:
        raise ScenarioError(file, found)
    atlas = Atlas(scenario, roads)
    found += _place_problems(atlas)
    if found:
        raise ScenarioError(file, found)
    return atlas


def _connectivity_message(graph: nx.DiGraph) -> str:
    parts = sorted(nx.strongly_connected_components(graph), key=lambda c: (-len(c), min(c)))
    stray = sorted(set().union(*parts[1:]))[:5]
    return f"road graph is not strongly connected: cannot drive between the network and {stray}"


def _explicit_problems(spec: ExplicitMap) -> list[Problem]:
    found = []
    ids = {n.id for n in spec.nodes}
    for index, edge in enumerate(spec.edges):
        for field, node in (("from", edge.source), ("to", edge.target)):
            if node not in ids:
                reason = f"unknown node {node!r}{suggest(node, ids, 'nodes')}"
                found.append(Problem(f"map.edges.{index}.{field}", reason))
        if edge.source == edge.target:
            found.append(Problem(f"map.edges.{index}", "an edge cannot join a node to itself"))
    return found


def _place_problems(atlas: Atlas) -> list[Problem]:
    scenario = atlas.scenario
    places: list[tuple[str, Place]] = []
    for name in ("stations", "hospitals", "staging_areas"):
        for index, item in enumerate(getattr(scenario, name)):
            places.append((f"{name}.{index}.location", item.location))
    for path, _, spec in incidents(scenario):
        places.append((f"{path}.location", spec.location))
    for index, op in enumerate(scenario.operations.planned):
        places.append((f"operations.planned.{index}.location", op.location))
    for s_index, system in enumerate(scenario.communications.systems):
        for index, site in enumerate(system.sites):
            path = f"communications.systems.{s_index}.sites.{index}.location"
            places.append((path, site.location))
    for index, rule in enumerate(scenario.intelligence.handling):
        if rule.if_leaked and rule.if_leaked.incident:
            path = f"intelligence.handling.{index}.if_leaked.incident.location"
            places.append((path, rule.if_leaked.incident.location))
    found = [Problem(path, msg) for path, place in places if (msg := _off_map(atlas, place))]
    for path, key in fact_keys(scenario):
        fact = FactKey.parse(key)
        if fact.topic != "closure" or not fact.subject:  # no street at all: fact_problem says so
            continue
        if reason := atlas.street_problem(fact.subject):
            found.append(Problem(path, reason))
    for index, row in enumerate(scenario.msel):
        if not isinstance(row, RoadClosure | TrafficInject):
            continue
        for r_index, name in enumerate(row.roads):
            if not atlas.roads.edges_named(name):
                streets = atlas.roads.streets
                reason = f"no road named {name!r}{suggest(name, streets, 'roads')}"
                found.append(Problem(f"msel.{index}.roads.{r_index}", reason))
        for e_index, (a, b) in enumerate(row.edges):
            if not atlas.roads.edges_between(a, b):
                found.append(Problem(f"msel.{index}.edges.{e_index}", _no_edge(atlas, a, b)))
    return found


def _no_edge(atlas: Atlas, a: str, b: str) -> str:
    """Why two nodes give no road: one is no node, or no road runs directly between them."""
    index = atlas.roads.index
    for node in (a, b):
        if node not in index:
            return f"unknown road node {node!r}{suggest(node, index, 'nodes')}"
    return f"no road joins {a} and {b} (a closure names two neighbouring nodes)"


def suggest(value: str, choices: Iterable[str], plural: str) -> str:
    """`` (nodes: a, b, c)``, or on a big map the closest few and how many there are."""
    names = sorted(set(choices))
    if len(names) <= MAX_CHOICES:
        return f" ({plural}: {', '.join(names) or 'none'})"
    close = difflib.get_close_matches(value, names, n=5, cutoff=0.6)
    near = f"closest: {', '.join(close)}; " if close else ""
    return f" ({near}{len(names)} {plural} in all)"


def _off_map(atlas: Atlas, place: Place) -> str:
    if place.node is not None:
        index = atlas.roads.index
        if place.node in index:
            return ""
        return f"unknown road node {place.node!r}{suggest(place.node, index, 'nodes')}"
    _, dist = atlas.snap(place.x, place.y)
    if dist > SNAP_LIMIT_M:
        return f"({place.x:g}, {place.y:g}) is off the map: {dist:.0f} m from the nearest road"
    return ""
