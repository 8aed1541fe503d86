"""How far a ranking's road search first goes, learnt from the rankings before it.

Ranking units by arrival searches the roads outward from the incident only as far as
it must (``Movement.nearest``). It starts at a guess from the straight-line bound of
the count-th nearest unit; a guess too short is searched again half as far again, from
scratch, and one too long settles nodes no answer needed. How much longer than the
straight line the roads really are depends on the map (a grid of fast arterials and
slow streets, a river with few bridges), so the margin is learnt: each ranking records
the margin that would have sufficed, and the next takes the one that, over the recent
ones, would have cost least, a search's cost growing with the square of its reach. The
answer never depends on the guess (a ranking is exact whatever the limit), only the
time it takes; the guess depends only on the run so far, so runs stay deterministic.
"""

from collections import deque

import numpy as np

from simulator.world.roads import SEARCH_BASE_S, SEARCH_MARGIN, WIDENING

# Rankings remembered, and how many before the learnt margin replaces the default.
HISTORY = 256
WARM_UP = 32
# The margin is chosen again after this many new rankings, among these quantiles of
# the margins that would have just sufficed (a wider search is cheaper than a second).
RETUNE_EVERY = 32
QUANTILES = np.linspace(0.4, 1.0, 25)


class Margin:
    """The margin over the straight-line bound a ranking's first search goes to."""

    def __init__(self) -> None:
        self._seen: deque[tuple[float, float]] = deque(maxlen=HISTORY)  # (bound, needed)
        self._since = 0
        self.margin = SEARCH_MARGIN

    def first_limit(self, bound: float) -> float:
        """Seconds to search first, for the count-th nearest unit's straight-line bound."""
        return SEARCH_BASE_S + self.margin * bound

    def learn(self, bound: float, needed: float) -> None:
        """Record that a ranking with this bound needed a search of ``needed`` seconds."""
        if not np.isfinite(needed):
            return
        self._seen.append((bound, needed))
        self._since += 1
        if len(self._seen) >= WARM_UP and self._since >= RETUNE_EVERY:
            self._since = 0
            bounds, needed_s = np.array(self._seen).T
            self.margin = cheapest(bounds, needed_s)


def cheapest(bounds: np.ndarray, needed: np.ndarray) -> float:
    """The margin that would have cost least over rankings with these bounds and needs.

    A search's cost grows with the square of its limit; one that falls short is done
    again ``WIDENING`` times as far, until it is far enough. The candidates are
    ``QUANTILES`` of the margins that would have just sufficed for each ranking.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.where(bounds > 0, (needed - SEARCH_BASE_S) / bounds, 0.0)
    candidates = np.unique(np.quantile(np.clip(exact, 0.0, None), QUANTILES))
    limits = SEARCH_BASE_S + candidates[:, None] * bounds[None, :]
    short = np.maximum(needed[None, :] / limits, 1.0)
    again = np.ceil(np.log(short) / np.log(WIDENING) - 1e-9)  # searches after the first
    grown = WIDENING ** (2 * (again + 1))
    cost = limits**2 * (grown - 1.0) / (WIDENING**2 - 1.0)
    return float(candidates[int(np.argmin(cost.sum(axis=1)))])
