"""Traffic on the road graph: retimed edges route like networkx, trees dropped exactly."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_routing import FAST, LINE, TRIANGLE, edge, grids, path_ids, path_seconds

from simulator.world import RoadNetwork


def slowed(g: nx.DiGraph, net: RoadNetwork, edges: dict[int, float]) -> nx.DiGraph:
    """A copy of ``g`` whose edges take ``edges[k]`` times as long."""
    out = g.copy()
    for k, times in edges.items():
        data = out.edges[net.ids[net.src[k]], net.ids[net.dst[k]]]
        data["speed"] = data["speed"] / times
    return out


def test_a_jam_on_the_fast_road_sends_traffic_the_slow_way_and_clearing_it_back():
    net = RoadNetwork(TRIANGLE)
    assert path_ids(net, "A", "B") == ["A", "C", "B"]
    ac, cb = edge(net, "A", "C"), edge(net, "C", "B")
    assert net.retime([ac], [net.free_flow[ac] * 10]) == [ac]
    assert path_ids(net, "A", "B") == ["A", "B"]
    assert path_seconds(net, "A", "B") == pytest.approx(360.0)
    # Slower but still the fastest way: the route stays and takes longer.
    assert net.retime([ac], [net.free_flow[ac]]) == [ac]
    assert net.retime([cb], [net.free_flow[cb] * 2]) == [cb]
    assert path_ids(net, "A", "B") == ["A", "C", "B"]
    assert path_seconds(net, "A", "B") == pytest.approx(36.0 + 72.0)


def test_retiming_never_goes_below_free_flow_and_reports_only_changes():
    net = RoadNetwork(LINE)
    bc = edge(net, "b", "c")
    assert net.retime([bc], [1.0]) == []  # faster than free flow: clamped, unchanged
    assert net.retime([bc], [300.0]) == [bc]
    assert net.retime([bc], [300.0]) == []
    assert net.seconds[bc] == 300.0


def test_slowing_an_edge_drops_exactly_the_trees_that_use_it():
    net = RoadNetwork(LINE)
    for target in range(len(net)):
        net.tree(target)
    net.retime([edge(net, "b", "c")], [250.0])
    assert net.cached_targets() == [net.index["a"], net.index["b"]]
    assert path_seconds(net, "a", "d") == pytest.approx(450.0)


def test_a_closed_edge_keeps_its_new_time_for_when_it_reopens():
    net = RoadNetwork(LINE)
    bc = edge(net, "b", "c")
    net.close([bc])
    for target in range(len(net)):
        net.tree(target)
    assert net.retime([bc], [250.0]) == [bc]
    assert len(net.cached_targets()) == 4  # nothing drives a closed road
    net.reopen([bc])
    assert path_seconds(net, "a", "d") == pytest.approx(450.0)


@FAST
@given(grids(), st.data())
def test_retiming_invalidation_is_exact_and_routes_agree_with_networkx(g, data):
    net = RoadNetwork(g)
    first = data.draw(
        st.dictionaries(st.integers(0, len(net.src) - 1), st.sampled_from([1.5, 3.0, 8.0]))
    )
    net.retime(sorted(first), [net.free_flow[k] * first[k] for k in sorted(first)])
    before = {t: net.seconds_to(t).copy() for t in range(len(net))}
    trees = {t: net.tree(t)[1].copy() for t in range(len(net))}
    # Then some of those clear and others jam.
    second = data.draw(
        st.dictionaries(st.integers(0, len(net.src) - 1), st.sampled_from([1.0, 2.0, 5.0]))
    )
    old = net.seconds.copy()
    net.retime(sorted(second), [net.free_flow[k] * second[k] for k in sorted(second)])
    kept = set(net.cached_targets())
    slower = [k for k in second if net.seconds[k] > old[k]]
    fresh = RoadNetwork(slowed(g, net, {**first, **second}))
    for target in range(len(net)):
        now = fresh.seconds_to(target)
        used = any(trees[target][net.src[k]] == net.dst[k] for k in slower)
        shortened = bool(np.any(now < before[target] - 1e-9))
        assert (target not in kept) == (used or shortened)
        np.testing.assert_allclose(net.seconds_to(target), now, rtol=1e-12)
    weight = {
        (net.ids[net.src[k]], net.ids[net.dst[k]]): float(net.seconds[k])
        for k in range(len(net.src))
    }
    for a, b in itertools.product(g.nodes, repeat=2):
        path = net.path(net.index[a], net.index[b])
        if path is None:
            assert not nx.has_path(g, a, b)
            continue
        want = nx.dijkstra_path_length(g, a, b, weight=lambda u, v, _d: weight[(u, v)])
        assert net.trip(path, 0.0, 1.0).end == pytest.approx(want, rel=1e-9)
