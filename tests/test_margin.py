"""How far a ranking's first road search goes is learnt from the rankings before it."""

import numpy as np
import pytest

from simulator.world.margin import WARM_UP, Margin, cheapest
from simulator.world.roads import SEARCH_BASE_S, SEARCH_MARGIN


def needs(bounds: np.ndarray, margins: np.ndarray) -> np.ndarray:
    """The search seconds rankings with these bounds needed, at these margins."""
    return SEARCH_BASE_S + margins * bounds


def test_rankings_that_all_need_one_margin_get_it():
    bounds = np.linspace(200.0, 2000.0, 50)
    assert cheapest(bounds, needs(bounds, np.full(50, 2.0))) == pytest.approx(2.0)


def test_a_few_far_rankings_are_left_to_widen():
    # Nine in ten need 1.2, one in ten 4.0: searching everyone to 4.0 costs far more
    # than searching the few again.
    bounds = np.full(100, 1000.0)
    margins = np.where(np.arange(100) % 10 == 0, 4.0, 1.2)
    assert cheapest(bounds, needs(bounds, margins)) == pytest.approx(1.2)


def test_a_second_search_costs_enough_to_cover_a_wide_spread():
    # Needs spread evenly from 1.0 to 1.3: a search half as far again costs more than
    # going to the top at once.
    bounds = np.full(100, 1000.0)
    margins = np.linspace(1.0, 1.3, 100)
    assert cheapest(bounds, needs(bounds, margins)) == pytest.approx(1.3)


def test_the_default_holds_until_enough_rankings_were_seen():
    margin = Margin()
    for _ in range(WARM_UP - 1):
        margin.learn(1000.0, needs(1000.0, 3.0))
    assert margin.margin == SEARCH_MARGIN
    for _ in range(WARM_UP):
        margin.learn(1000.0, needs(1000.0, 3.0))
    assert margin.margin == pytest.approx(3.0)
    assert margin.first_limit(500.0) == pytest.approx(SEARCH_BASE_S + 3.0 * 500.0)


def test_a_ranking_the_whole_graph_could_not_settle_is_not_learnt():
    margin = Margin()
    for _ in range(2 * WARM_UP):
        margin.learn(1000.0, float("inf"))
    assert margin.margin == SEARCH_MARGIN
