"""Fastest paths, closures, the per-target tree cache, trips and the generated city."""

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from conftest import build, incident, scenario_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenario.roadmap import GeneratedMap
from simulator.world import RoadNetwork, build_atlas
from simulator.world.city import KMH, generate, node_id, river_row


def graph(nodes: dict[str, tuple[float, float]], edges: list[tuple]) -> nx.DiGraph:
    """Edges are (a, b, length_m, speed_kmh[, oneway])."""
    g = nx.DiGraph()
    for name, (x, y) in nodes.items():
        g.add_node(name, x=x, y=y)
    for a, b, length, kmh, *rest in edges:
        attrs = {"length": length, "speed": kmh * KMH, "name": f"{a}{b}"}
        g.add_edge(a, b, **attrs)
        if not (rest and rest[0]):
            g.add_edge(b, a, **attrs)
    return g


def seconds(g: nx.DiGraph):
    return lambda u, v, d: d["length"] / d["speed"]


def path_ids(net: RoadNetwork, a: str, b: str) -> list[str] | None:
    path = net.path(net.index[a], net.index[b])
    return None if path is None else [net.ids[n] for n in path]


def path_seconds(net: RoadNetwork, a: str, b: str) -> float:
    path = net.path(net.index[a], net.index[b])
    return net.trip(path, 0.0, 1.0).end


# A short slow road A-B (1000 m at 10 km/h: 360 s) and a longer fast detour via C
# (2 x 1000 m at 100 km/h: 72 s).
TRIANGLE = graph(
    {"A": (0, 0), "B": (1000, 0), "C": (500, 800)},
    [("A", "B", 1000, 10), ("A", "C", 1000, 100), ("C", "B", 1000, 100)],
)

# A line a - b - c - d, 100 s per road.
LINE = graph(
    {"a": (0, 0), "b": (1000, 0), "c": (2000, 0), "d": (3000, 0)},
    [("a", "b", 1000, 36), ("b", "c", 1000, 36), ("c", "d", 1000, 36)],
)


def edge(net: RoadNetwork, a: str, b: str) -> int:
    return net.edge_of[(net.index[a], net.index[b])]


def test_a_faster_longer_road_beats_a_slow_short_one():
    net = RoadNetwork(TRIANGLE)
    assert path_ids(net, "A", "B") == ["A", "C", "B"]
    assert path_seconds(net, "A", "B") == pytest.approx(72.0)
    assert net.seconds_to(net.index["B"])[net.index["A"]] == pytest.approx(72.0)


def test_path_to_itself_is_one_node():
    net = RoadNetwork(TRIANGLE)
    assert path_ids(net, "A", "A") == ["A"]
    assert net.trip([net.index["A"]], 5.0, 1.0).end == 5.0


def test_one_way_edges_are_respected():
    # A->B is a fast one-way street; B->A must go round by C.
    g = graph(
        {"A": (0, 0), "B": (1000, 0), "C": (500, 800)},
        [("A", "B", 1000, 100, True), ("A", "C", 1000, 36), ("C", "B", 1000, 36)],
    )
    net = RoadNetwork(g)
    assert path_ids(net, "A", "B") == ["A", "B"]
    assert path_ids(net, "B", "A") == ["B", "C", "A"]
    assert path_seconds(net, "B", "A") == pytest.approx(200.0)


def test_closure_reroutes_and_reopening_restores():
    net = RoadNetwork(TRIANGLE)
    closed = net.close(net.edges_between("A", "C"))
    assert len(closed) == 2
    assert path_ids(net, "A", "B") == ["A", "B"]
    assert path_seconds(net, "A", "B") == pytest.approx(360.0)
    assert net.reopen(closed) == closed
    assert path_ids(net, "A", "B") == ["A", "C", "B"]


def test_closing_and_reopening_twice_reports_nothing_new():
    net = RoadNetwork(TRIANGLE)
    edges = net.edges_between("A", "C")
    assert net.close(edges) == sorted(edges)
    assert net.close(edges) == []
    assert net.reopen(edges) == sorted(edges)
    assert net.reopen(edges) == []


def test_unreachable_after_closing_every_route():
    net = RoadNetwork(TRIANGLE)
    net.close(net.edges_between("A", "B") + net.edges_between("A", "C"))
    assert net.path(net.index["A"], net.index["B"]) is None
    assert net.path(net.index["B"], net.index["A"]) is None
    assert math.isinf(net.seconds_to(net.index["B"])[net.index["A"]])
    # B and C still reach each other.
    assert path_ids(net, "B", "C") == ["B", "C"]


def test_trees_are_cached_per_target():
    net = RoadNetwork(LINE)
    net.path(net.index["a"], net.index["d"])
    net.path(net.index["b"], net.index["d"])
    net.seconds_to(net.index["d"])
    assert net.tree_builds == 1
    assert net.cached_targets() == [net.index["d"]]


def test_closure_drops_exactly_the_trees_that_use_the_edge():
    net = RoadNetwork(LINE)
    for target in range(len(net)):
        net.tree(target)
    assert net.tree_builds == 4
    # b->c is used by every path towards c and d, never by one towards a or b.
    net.close([edge(net, "b", "c")])
    assert net.cached_targets() == [net.index["a"], net.index["b"]]
    # The kept trees are still used (no rebuild) and still right.
    assert path_ids(net, "d", "a") == ["d", "c", "b", "a"]
    assert net.tree_builds == 4
    # The dropped ones are rebuilt on demand, without the closed edge.
    assert path_ids(net, "a", "d") is None
    assert path_ids(net, "c", "d") == ["c", "d"]
    assert net.tree_builds == 5


def test_closing_an_unused_edge_keeps_every_tree():
    net = RoadNetwork(TRIANGLE)
    for target in range(len(net)):
        net.tree(target)
    # A->B (360 s) is never on a fastest path: C->B->... or A->C->B always wins.
    net.close([edge(net, "A", "B")])
    assert len(net.cached_targets()) == 3


def test_reopening_drops_only_the_trees_it_shortens():
    net = RoadNetwork(LINE)
    net.close([edge(net, "b", "c")])
    for target in range(len(net)):
        net.tree(target)
    builds = net.tree_builds
    net.reopen([edge(net, "b", "c")])
    assert net.cached_targets() == [net.index["a"], net.index["b"]]
    assert path_ids(net, "a", "d") == ["a", "b", "c", "d"]
    assert net.tree_builds == builds + 1


def test_reopening_a_road_that_shortens_nothing_keeps_every_tree():
    net = RoadNetwork(TRIANGLE)
    net.close([edge(net, "A", "B")])
    for target in range(len(net)):
        net.tree(target)
    net.reopen([edge(net, "A", "B")])
    assert len(net.cached_targets()) == 3


def test_edges_named_and_between():
    net = RoadNetwork(TRIANGLE)
    assert sorted(net.edges_named("ab")) == sorted(net.edges_between("A", "B"))
    assert len(net.edges_between("B", "A")) == 2
    assert net.edges_between("A", "nowhere") == []
    assert net.edges_named("Nowhere") == []


# -- trips ------------------------------------------------------------------------------


def test_trip_times_and_interpolation():
    net = RoadNetwork(LINE)
    path = [net.index[n] for n in "abc"]
    trip = net.trip(path, 10.0, 2.0)  # factor 2: each 100 s road takes 200 s
    assert trip.times.tolist() == pytest.approx([10.0, 210.0, 410.0])
    assert trip.start == 10.0 and trip.end == pytest.approx(410.0)
    assert trip.destination == net.index["c"]
    assert trip.position(0.0) == (0.0, 0.0)  # before the start: clamped
    assert trip.position(10.0) == (0.0, 0.0)
    assert trip.position(60.0) == pytest.approx((250.0, 0.0))
    assert trip.position(210.0) == pytest.approx((1000.0, 0.0))
    assert trip.position(310.0) == pytest.approx((1500.0, 0.0))
    assert trip.position(1e9) == (2000.0, 0.0)  # after the end: clamped


def test_trip_next_stop_and_edges_ahead():
    net = RoadNetwork(LINE)
    a, b, c, d = (net.index[n] for n in "abcd")
    trip = net.trip([a, b, c, d], 0.0, 1.0)
    assert trip.next_stop(50.0) == 1
    assert trip.edges_ahead(50.0) == [(b, c), (c, d)]  # a->b already entered
    assert trip.edges_ahead(99.0) == [(b, c), (c, d)]
    assert trip.next_stop(150.0) == 2
    assert trip.edges_ahead(150.0) == [(c, d)]
    assert trip.edges_ahead(400.0) == []


# -- property: routing agrees with networkx ---------------------------------------------


@st.composite
def grids(draw):
    rows = draw(st.integers(2, 4))
    cols = draw(st.integers(2, 4))
    g = nx.DiGraph()
    for r, c in itertools.product(range(rows), range(cols)):
        g.add_node(f"n{r}_{c}", x=c * 500.0, y=r * 500.0)
    pairs = [((r, c), (r, c + 1)) for r in range(rows) for c in range(cols - 1)]
    pairs += [((r, c), (r + 1, c)) for r in range(rows - 1) for c in range(cols)]
    for (r1, c1), (r2, c2) in pairs:
        a, b = f"n{r1}_{c1}", f"n{r2}_{c2}"
        length = draw(st.floats(50.0, 2000.0))
        kmh = draw(st.sampled_from([20.0, 30.0, 40.0, 50.0, 65.0, 90.0]))
        attrs = {"length": length, "speed": kmh * KMH, "name": ""}
        way = draw(st.sampled_from(["both", "both", "both", "forward", "backward"]))
        if way != "backward":
            g.add_edge(a, b, **attrs)
        if way != "forward":
            g.add_edge(b, a, **attrs)
    return g


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(grids())
def test_path_time_equals_networkx_dijkstra(g):
    net = RoadNetwork(g)
    weight = seconds(g)
    for a, b in itertools.product(g.nodes, repeat=2):
        path = net.path(net.index[a], net.index[b])
        if not nx.has_path(g, a, b):
            assert path is None
            continue
        expected = nx.dijkstra_path_length(g, a, b, weight=weight)
        assert path[0] == net.index[a] and path[-1] == net.index[b]
        # The path is made of real roads and takes as long as the fastest one.
        assert all((u, v) in net.edge_of for u, v in itertools.pairwise(path))
        assert net.trip(path, 0.0, 1.0).end == pytest.approx(expected, rel=1e-9)
        assert net.seconds_to(net.index[b])[net.index[a]] == pytest.approx(expected, rel=1e-9)


@FAST
@given(grids(), st.data())
def test_closure_invalidation_is_exact(g, data):
    net = RoadNetwork(g)
    old = {t: net.tree(t) for t in range(len(net))}
    k = data.draw(st.integers(0, len(net.src) - 1))
    net.close([k])
    kept = set(net.cached_targets())
    for target, (_, nxt) in old.items():
        used = nxt[net.src[k]] == net.dst[k]
        assert (target not in kept) == used
    fresh = RoadNetwork(g)
    fresh.close([k])
    for target in range(len(net)):
        np.testing.assert_allclose(net.seconds_to(target), fresh.seconds_to(target), rtol=1e-12)
    # Agrees with networkx on the graph without the edge.
    cut = g.copy()
    cut.remove_edge(net.ids[net.src[k]], net.ids[net.dst[k]])
    for a, b in itertools.product(cut.nodes, repeat=2):
        reach = net.seconds_to(net.index[b])[net.index[a]]
        if nx.has_path(cut, a, b):
            assert reach == pytest.approx(nx.dijkstra_path_length(cut, a, b, weight=seconds(cut)))
        else:
            assert math.isinf(reach)


@FAST
@given(grids(), st.data())
def test_reopening_invalidation_is_exact(g, data):
    net = RoadNetwork(g)
    k = data.draw(st.integers(0, len(net.src) - 1))
    net.close([k])
    before = {t: net.seconds_to(t).copy() for t in range(len(net))}
    net.reopen([k])
    kept = set(net.cached_targets())
    fresh = RoadNetwork(g)
    for target in range(len(net)):
        shortened = bool(np.any(fresh.seconds_to(target) < before[target] - 1e-9))
        assert (target not in kept) == shortened
        np.testing.assert_allclose(net.seconds_to(target), fresh.seconds_to(target), rtol=1e-12)


# -- the generated city -----------------------------------------------------------------

CITY_SPECS = [
    GeneratedMap(seed=1, columns=12, rows=10),
    GeneratedMap(seed=7, columns=5, rows=4, oneway_share=0.5, arterial_every=3, bridges=2),
    GeneratedMap(seed=3, columns=3, rows=3, bridges=1, arterial_every=2),
    GeneratedMap(seed=11, columns=20, rows=15, oneway_share=0.5, bridges=4),
    GeneratedMap(seed=5, columns=8, rows=8, river=False, oneway_share=0.3),
]


@pytest.mark.parametrize("spec", CITY_SPECS, ids=lambda s: f"seed{s.seed}-{s.columns}x{s.rows}")
def test_generated_city_is_strongly_connected(spec):
    g = generate(spec)
    assert g.number_of_nodes() == spec.columns * spec.rows
    assert nx.is_strongly_connected(g)


def _as_data(g: nx.DiGraph):
    return (
        sorted(g.nodes(data=True)),
        sorted((u, v, sorted(d.items())) for u, v, d in g.edges(data=True)),
    )


def test_generated_city_is_deterministic_per_seed():
    spec = GeneratedMap(seed=42, columns=10, rows=10, oneway_share=0.4)
    assert _as_data(generate(spec)) == _as_data(generate(spec))
    other = spec.model_copy(update={"seed": 43})
    assert _as_data(generate(spec)) != _as_data(generate(other))


@pytest.mark.parametrize("spec", [s for s in CITY_SPECS if s.river], ids=lambda s: f"seed{s.seed}")
def test_river_is_crossed_only_on_two_way_bridges(spec):
    g = generate(spec)
    south = river_row(spec)
    crossings = [
        (u, v, d)
        for u, v, d in g.edges(data=True)
        if {u, v} & {node_id(south, c) for c in range(spec.columns)}
        and {u, v} & {node_id(south + 1, c) for c in range(spec.columns)}
    ]
    names = {d["name"] for _, _, d in crossings}
    assert names == {f"Bridge {i + 1}" for i in range(spec.bridges)}
    assert len(crossings) == 2 * spec.bridges  # each bridge both ways
    for u, v, _ in crossings:
        assert g.has_edge(v, u)


def test_without_a_river_every_column_crosses():
    spec = GeneratedMap(seed=5, columns=6, rows=6, river=False)
    g = generate(spec)
    south = river_row(spec)
    for c in range(spec.columns):
        a, b = node_id(south, c), node_id(south + 1, c)
        assert g.has_edge(a, b) or g.has_edge(b, a)


def test_closing_the_bridges_cuts_the_city_in_two():
    spec = GeneratedMap(seed=2, columns=8, rows=6, bridges=2)
    net = RoadNetwork(generate(spec))
    bridges = net.edges_named("Bridge 1") + net.edges_named("Bridge 2")
    assert len(bridges) == 4
    net.close(bridges)
    south, north = node_id(0, 0), node_id(spec.rows - 1, 0)
    assert net.path(net.index[south], net.index[north]) is None
    net.reopen(net.edges_named("Bridge 2"))
    assert net.path(net.index[south], net.index[north]) is not None


def test_generated_map_scenario_builds_and_snaps_places():
    data = scenario_dict(msel=[incident(at={"x": 410, "y": 590})])
    data["map"] = {"kind": "generated", "seed": 4, "columns": 6, "rows": 6, "jitter_m": 0}
    for station in data["stations"]:
        station["location"] = "r0c0"
    data["hospitals"][0]["location"] = {"x": 1000, "y": 1000}
    scenario = build(data)
    atlas = build_atlas(scenario)
    place = scenario.msel[0].incident.location
    assert atlas.roads.ids[atlas.locate(place)] == "r3c2"


def test_tree_cache_is_bounded_and_evicts_the_least_recently_used():
    from simulator.world.roads import MAX_TREES

    net = RoadNetwork(generate(GeneratedMap(seed=1, columns=20, rows=20)))
    assert len(net) > MAX_TREES
    for target in range(MAX_TREES):
        net.tree(target)
    net.tree(0)  # touch the oldest: now the most recently used
    net.tree(MAX_TREES)  # one too many: evicts the least recently used (1)
    cached = net.cached_targets()
    assert len(cached) == MAX_TREES
    assert 0 in cached and MAX_TREES in cached and 1 not in cached
    builds = net.tree_builds
    net.tree(1)
    assert net.tree_builds == builds + 1
