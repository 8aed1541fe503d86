"""Review credits traffic control: a point on each congested road, and how soon."""

import pytest
from conftest import LogBuilder, build, scenario_dict
from test_traffic_players import run

from simulator.review.score import score
from simulator.review.traffic import traffic_summary

MAIN = [["S", "M"], ["M", "S"]]
EAST = [["D2", "I"], ["I", "D2"]]
BACK = [["D1", "D2"]]


def log() -> LogBuilder:
    b = LogBuilder().add(0, "exercise.started")
    b.add(0, "traffic.congested", seq=1, edges=MAIN, names=["Main Street"])
    b.add(100, "traffic.congested", seq=2, edges=EAST, names=[])
    b.add(200, "traffic.congested", seq=3, edges=BACK, names=["Back Road", "West Lane"])
    b.add(300, "traffic.point_set", "police", "T1", road="Main Street", edges=MAIN)
    b.add(1600, "traffic.point_set", "police", "T2", road="D2-I", edges=EAST[1:])
    b.add(1700, "traffic.cleared", seq=3, edges=BACK, names=["Back Road"])
    b.add(1800, "traffic.point_set", "police", "T3", road="Back Road", edges=BACK)
    return b.add(3600, "exercise.ended", reason="duration reached")


def test_each_congestion_is_timed_to_its_first_traffic_point_and_graded():
    summary = traffic_summary(log().events)
    main, east, back, west = summary.samples
    assert (main.value, main.unit) == (300.0, "T1")
    # A jam naming no street: a point on one direction of its roads is enough.
    assert east.value == 1500.0 and not east.censored
    # Each street is its own duty; these cleared before anyone got there: misses.
    assert back.censored and back.value == 1500.0 and "Back Road" in back.note
    assert west.censored and "West Lane" in west.note
    assert summary.credit == pytest.approx((1.0 + 0.5 + 0.0 + 0.0) / 4, abs=1e-4)


def test_a_run_without_congestion_has_no_traffic_component():
    assert traffic_summary(LogBuilder().add(0, "exercise.started").events) is None
    scores = score(build(scenario_dict()), LogBuilder().add(0, "exercise.started").events)
    assert "traffic" not in scores.outcome_score.components


def test_the_outcome_score_credits_the_expert_most_and_the_poor_player_nothing():
    scenario = build(scenario_dict())
    credit = {
        p: score(scenario, run(p).log.events).outcome_score.components["traffic"]
        for p in ("expert", "sop", "poor")
    }
    # The officers drive the jammed street to their post too (1,000 s at a tenth).
    assert credit["expert"] > credit["sop"] > credit["poor"] == 0.0


def test_a_point_standing_before_the_jam_controls_it_from_its_start():
    b = LogBuilder().add(0, "exercise.started")
    b.add(110, "traffic.point_set", "police", "T1", road="Main Street", edges=MAIN)
    b.add(1200, "traffic.congested", seq=1, edges=MAIN, names=["Main Street"])
    b.add(2000, "traffic.point_released", "police", "T1", road="Main Street", reason="x")
    b.add(2400, "traffic.congested", seq=2, edges=MAIN, names=["Main Street"])
    summary = traffic_summary(b.add(3600, "exercise.ended", reason="duration reached").events)
    first, second = summary.samples
    assert (first.value, first.unit, first.censored) == (0.0, "T1", False)
    assert second.censored  # released before the second jam: nobody controls that one
