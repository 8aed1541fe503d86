"""A run pauses Python's cycle collector, and leaves it nothing to collect.

``Exercise.advance`` switches the collector off while it runs, as reading a scenario,
building its map and scoring a run do (``collector_paused``): that is sound only while
they make no reference cycles, which would then wait for the pause to end to be freed.
"""

import gc

import pytest

from simulator.scenario.collector import collector_paused
from tests.golden import SCENARIOS, set_up


@pytest.mark.parametrize(
    ("name", "profile"),
    [("harbor_district_mci.yaml", None), ("lakeport_swatting_wave.yaml", "expert")],
)
def test_a_whole_run_leaves_no_cycles_to_collect(name, profile):
    exercise = set_up(SCENARIOS / name, profile=profile)
    gc.collect()  # what building the map and the scenario left
    exercise.advance(exercise.scenario.metadata.duration)
    assert exercise.ended and len(exercise.log) > 500
    assert gc.isenabled()
    assert gc.collect() == 0


def test_the_collector_is_restored_as_it_was():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a run that fails")
    assert gc.isenabled()


def test_reading_a_scenario_leaves_the_collector_on():
    set_up(SCENARIOS / "small_town_collision.yaml")
    assert gc.isenabled()
