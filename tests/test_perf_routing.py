"""Bounded routing searches answer exactly as the whole search does, or fall back to it.

The players rank units by ETA with searches that stop at a time limit (issue 10). These
tests hold the bounded answers (seconds, next hops, paths, rankings) to the whole
search's on generated cities, through closures and reopenings, and with exact ties.
"""

import math

import numpy as np
import pytest

from simulator.scenario.roadmap import GeneratedMap
from simulator.world import RoadNetwork
from simulator.world.city import generate

CITY = GeneratedMap(seed=3, columns=24, rows=24)


def whole(net: RoadNetwork, target: int) -> tuple[np.ndarray, np.ndarray]:
    """The whole search toward ``target`` on a fresh copy of the network's state."""
    fresh = RoadNetwork(net.graph)
    fresh.close(sorted(net.closed))
    return fresh.tree(target)


def full_path(nxt: np.ndarray, dist: np.ndarray, origin: int, target: int) -> list[int] | None:
    if not np.isfinite(dist[origin]):
        return None
    nodes = [origin]
    while nodes[-1] != target:
        nodes.append(int(nxt[nodes[-1]]))
    return nodes


@pytest.mark.parametrize("limit", [60.0, 150.0, 400.0])
def test_bounded_seconds_and_paths_equal_the_whole_search(limit):
    net = RoadNetwork(generate(CITY))
    every = np.arange(len(net))
    rng = np.random.default_rng(0)
    for target in rng.choice(len(net), 12, replace=False).tolist():
        seconds, searched = net.reach(every, target, limit)
        dist, nxt = whole(net, target)
        reached = np.isfinite(seconds)
        assert searched >= limit
        if searched < math.inf:
            # Exact wherever reached; everything farther than the limit left out.
            assert np.array_equal(seconds[reached], dist[reached])
            assert np.all(dist[~reached] > searched)
        else:
            assert np.array_equal(seconds, dist)
        for origin in rng.choice(np.flatnonzero(reached), 10).tolist():
            assert net.path(origin, target) == full_path(nxt, dist, origin, target)
            assert net.seconds_to(target)[origin] == dist[origin]


def test_a_question_past_the_limit_falls_back_to_the_whole_search():
    net = RoadNetwork(generate(CITY))
    target = 0
    seconds, _ = net.reach(np.arange(len(net)), target, 60.0)
    far = int(np.flatnonzero(~np.isfinite(seconds))[-1])
    dist, nxt = whole(net, target)
    assert net.seconds_from(far, target) == dist[far]
    assert net.path(far, target) == full_path(nxt, dist, far, target)
    assert np.array_equal(np.asarray(net.seconds_to(target)), dist)


def test_exact_ties_keep_seconds_and_leave_tied_paths_to_the_whole_search():
    # No jitter: a regular grid where many nodes are exactly as far from the target.
    net = RoadNetwork(generate(GeneratedMap(seed=1, columns=12, rows=12, jitter_m=0)))
    target = len(net) // 2
    every = np.arange(len(net))
    seconds, searched = net.reach(every, target, 120.0)
    dist, nxt = whole(net, target)
    reached = np.isfinite(seconds)
    # Seconds are exact whatever order tied nodes were settled in.
    assert searched == 120.0 and np.array_equal(seconds[reached], dist[reached])
    for origin in range(0, len(net), 7):
        assert net.path(origin, target) == full_path(nxt, dist, origin, target)
    # A path through a tie was answered by the whole search, now the cached tree.
    assert net.reach(every, target, 1.0)[1] == math.inf


def test_an_untied_path_is_answered_by_the_bounded_tree():
    net = RoadNetwork(generate(CITY))
    target = 40
    seconds, searched = net.reach(np.arange(len(net)), target, 150.0)
    dist, nxt = whole(net, target)
    builds = net.tree_builds
    for origin in np.flatnonzero(np.isfinite(seconds)).tolist():
        assert net.path(origin, target) == full_path(nxt, dist, origin, target)
    assert net.tree_builds == builds and net.reach(np.array([0]), target, 1.0)[1] == searched


def test_closures_and_reopenings_keep_bounded_trees_exact():
    net = RoadNetwork(generate(CITY))
    rng = np.random.default_rng(5)
    targets = rng.choice(len(net), 20, replace=False).tolist()
    every = np.arange(len(net))
    for step in range(6):
        for target in targets:
            net.reach(every, target, 200.0)
        edges = rng.choice(len(net.src), 15, replace=False).tolist()
        if step % 2:
            net.reopen(sorted(net.closed))
        else:
            net.close(edges)
        for target in targets:
            seconds, searched = net.reach(every, target, 200.0)
            dist, nxt = whole(net, target)
            reached = np.isfinite(seconds)
            assert np.array_equal(seconds[reached], dist[reached])
            assert searched == math.inf or np.all(dist[~reached] > searched)
            for origin in np.flatnonzero(reached)[::37].tolist():
                assert net.path(origin, target) == full_path(nxt, dist, origin, target)


def test_tree_cache_stays_within_its_bytes(monkeypatch):
    from simulator.world import roads

    monkeypatch.setattr(roads, "MAX_TREE_BYTES", 50_000)
    monkeypatch.setattr(roads, "MAX_BOUNDED_BYTES", 20_000)
    net = RoadNetwork(generate(CITY))
    for target in range(40):
        net.tree(target)  # 576 nodes: 6,912 bytes a whole tree
        net.reach(np.array([0]), 100 + target, 60.0)  # a few hundred bytes each
    whole = [t for t in net.cached_targets() if t < 100]
    bounded = [t for t in net.cached_targets() if t >= 100]
    assert whole == list(range(33, 40))  # the bounded trees pushed out no whole one
    assert 0 < len(bounded) < 40
    assert net.tree_bytes <= 70_000


@pytest.mark.parametrize("margin", [None, 0.0, 8.0], ids=["learnt", "short", "long"])
def test_nearest_ranks_as_eta_per_unit_does(margin, monkeypatch):
    # However far the first search goes (the margin is learnt as the run goes on; here
    # also pinned too short, so every ranking widens, and far too long), the ranking
    # is the one an eta per unit gives.
    from bench.city import city_scenario
    from simulator.exercise import Exercise
    from simulator.players import attach_players
    from simulator.world.margin import Margin

    if margin is not None:
        monkeypatch.setattr(Margin, "learn", lambda self, bound, needed: None)
    scenario = city_scenario(incidents=60, side=30, hours=2)
    exercise = Exercise(scenario, seed=1)
    if margin is not None:
        exercise.engine.movement._margin.margin = margin
    attach_players(exercise, [a.id for a in scenario.agencies])
    rng = np.random.default_rng(2)
    checked = 0
    for until in range(600, 7200, 600):
        exercise.advance(until)
        incidents = sorted(exercise.engine.incidents)
        for agency in sorted(exercise.engine.cads):
            units = [u.id for u in exercise.engine.fleet(agency)]
            for incident in rng.choice(incidents, 3).tolist():
                # Ranked first (bounded searches), then against one eta per unit.
                asked = [(c, f) for c in (1, 2, 5, len(units)) for f in (False, True)]
                got = [exercise.nearest(units, incident, c, f) for c, f in asked]
                etas = {u: exercise.eta(u, incident) for u in units}
                for (count, farthest), answer in zip(asked, got, strict=True):
                    sign = -1.0 if farthest else 1.0
                    expected = sorted(units, key=lambda u: (sign * etas[u], u))[:count]
                    assert answer == expected
                    checked += 1
    assert checked > 500


def test_a_reopened_road_as_fast_as_a_kept_hop_gives_the_whole_searchs_path():
    # y reaches t in 4 s by a (2 + 2) or by b (3 + 1). The whole search settles b
    # (1 s from t) before a, so it goes by b; with y -> b closed, by a.
    import networkx as nx

    graph = nx.DiGraph()
    for i, node in enumerate(["t", "a", "b", "y"]):
        graph.add_node(node, x=100.0 * i, y=0.0)
    for u, v, seconds in [("y", "a", 2), ("a", "t", 2), ("y", "b", 3), ("b", "t", 1)]:
        graph.add_edge(u, v, length=float(seconds), speed=1.0)
    net = RoadNetwork(graph)
    t, a, b, y = (net.index[n] for n in "taby")
    shortcut = net.edges_between("y", "b")
    net.close(shortcut)
    seconds, searched = net.reach(np.array([y]), t, 10.0)
    assert seconds.tolist() == [4.0] and searched == 10.0
    assert net.path(y, t) == [y, a, t]  # the bounded tree, checked whole: no ties
    net.reopen(shortcut)  # as fast as the kept hop: the bounded tree is kept
    assert net.reach(np.array([y]), t, 10.0)[1] == 10.0
    dist, nxt = whole(net, t)
    assert net.path(y, t) == [y, b, t] == full_path(nxt, dist, y, t)


def test_a_dispatcher_filling_several_needs_searches_once_and_ranks_the_same():
    # Expecting two rankings at one incident searches once, as far as the farther
    # first guess; both rankings then come from that tree, with the answers they had.
    from bench.city import city_scenario
    from simulator.exercise import Exercise

    scenario = city_scenario(incidents=20, side=30, hours=1)

    def half_an_hour_in():
        exercise = Exercise(scenario, seed=1)
        exercise.advance(1800)
        incident = sorted(exercise.engine.incidents)[0]
        units = [u.id for u in exercise.engine.fleet(sorted(exercise.engine.cads)[0])]
        return exercise, incident, (units[: len(units) // 2], units[len(units) // 2 :])

    exercise, incident, groups = half_an_hour_in()
    alone = [exercise.nearest(group, incident, 2) for group in groups]
    exercise, incident, groups = half_an_hour_in()
    exercise.expect(incident, [(group, 2) for group in groups])
    built = exercise.atlas.roads.tree_builds
    assert [exercise.nearest(group, incident, 2) for group in groups] == alone
    assert exercise.atlas.roads.tree_builds == built  # both answered from the expected search


@pytest.mark.parametrize("kept_limit", [1.0, 1000.0])
def test_a_kept_tree_settles_a_ranking_it_covers_and_a_short_one_searches_on(
    kept_limit, monkeypatch
):
    # A tree already kept toward the incident answers the ranking first, below its
    # first guess (pinned far out here): one reaching every unit (1,000 s crosses this
    # small city) settles it with no search, a short one searches on.
    from bench.city import city_scenario
    from simulator.exercise import Exercise
    from simulator.world.margin import Margin

    monkeypatch.setattr(Margin, "learn", lambda self, bound, needed: None)
    exercise = Exercise(city_scenario(incidents=20, side=30, hours=1), seed=1)
    exercise.engine.movement._margin.margin = 50.0
    exercise.advance(1800)
    incident = sorted(exercise.engine.incidents)[0]
    units = [u.id for u in exercise.engine.fleet("police")]
    roads = exercise.atlas.roads
    roads.reach(np.empty(0, dtype=np.int64), exercise.engine.incidents[incident].node, kept_limit)
    built = roads.tree_builds
    ranked = exercise.nearest(units, incident, 3)
    assert (roads.tree_builds > built) == (kept_limit == 1.0)
    etas = {u: exercise.eta(u, incident) for u in units}
    assert ranked == sorted(units, key=lambda u: (etas[u], u))[:3]
