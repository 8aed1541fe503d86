"""Graded credit: how much of a target a measurement earned, from 0 to 1.

Pass/fail alone cannot tell good play from adequate play, so every measure also earns
graded credit. A time earns full credit within its target and loses it linearly until
three times the target; a duty never done earns none. A count kept at or under its
target earns full credit, then ``(target + 1) / (count + 1)``; a count to reach earns
its share of the target (capped at what the run made achievable).
"""

from collections.abc import Sequence

from simulator.review.stats import Sample

# A time this many times its target earns no credit.
ZERO_AT = 3.0


def due(samples: Sequence[Sample], target: float) -> list[Sample]:
    """The samples that fell due: every done duty, and undone ones past their target."""
    return [s for s in samples if not s.censored or s.value >= target]


def within(sample: Sample, target: float, at_most: bool = True) -> bool:
    """Whether a measurement met its target; an undone duty never did, even at its value.

    A duty still undone at the end is timed to the end (a lower bound): one censored
    exactly at its target is a miss, as its credit says, not a measurement within it.
    """
    if sample.censored:
        return False
    return sample.value <= target if at_most else sample.value >= target


def time_credit(sample: Sample, target: float) -> float:
    """Credit of one time against an at-most target; an undone duty earns none."""
    if sample.censored:
        return 0.0
    if sample.value <= target:
        return 1.0
    if target <= 0:
        return 0.0
    return max(0.0, 1.0 - (sample.value - target) / ((ZERO_AT - 1.0) * target))


def mean_time_credit(samples: Sequence[Sample], target: float) -> float | None:
    """Mean credit of some times (None when there are none)."""
    if not samples:
        return None
    return sum(time_credit(s, target) for s in samples) / len(samples)


def count_credit(value: float, target: float, at_most: bool) -> float:
    """Credit of a count against a ceiling (``at_most``) or a floor."""
    if at_most:
        return 1.0 if value <= target else (target + 1.0) / (value + 1.0)
    if target <= 0:
        return 1.0
    return min(1.0, value / target)
