"""Baseline comparison: a trainee's run beside the automated players' run.

The same scenario and seed played by automated players alone, so an evaluator sees what
the trainee's decisions changed (lives, minutes, facts shared).
"""

from dataclasses import dataclass

from simulator.review.score import Scores
from simulator.review.stats import percentile

_RANK = {"P": 3, "S": 2, "M": 1, "U": 0}


@dataclass(frozen=True)
class Row:
    """One measurement side by side; ``better`` says which side did better, if either."""

    label: str
    unit: str
    run: float | str | None
    baseline: float | str | None
    delta: float | None
    better: str | None


def compare(run: Scores, baseline: Scores) -> list[Row]:
    """Rows for lives, minutes, facts shared, ratings and the overall score."""
    rows = [
        _row("Overall score (0-100)", "score", run.overall, baseline.overall, higher=True),
        _row("Deceased", "count", run.outcomes.deceased, baseline.outcomes.deceased, higher=False),
        _row(
            "Transported to hospital",
            "count",
            run.outcomes.transported,
            baseline.outcomes.transported,
            higher=True,
        ),
        _row(
            "Awaiting care at the end",
            "count",
            run.outcomes.awaiting,
            baseline.outcomes.awaiting,
            higher=False,
        ),
        _row(
            "Incidents escalated",
            "count",
            run.outcomes.escalated,
            baseline.outcomes.escalated,
            higher=False,
        ),
        _row(
            "Incidents resolved",
            "count",
            run.outcomes.resolved,
            baseline.outcomes.resolved,
            higher=True,
        ),
    ]
    agencies = sorted(
        set(run.distributions["first_on_scene"]) | set(baseline.distributions["first_on_scene"])
    )
    for agency in agencies:
        mine = run.distributions["first_on_scene"].get(agency)
        theirs = baseline.distributions["first_on_scene"].get(agency)
        label = "First on scene, 90th percentile" + ("" if agency == "all" else f" ({agency})")
        rows.append(_row(label, "s", mine and mine.p90, theirs and theirs.p90, higher=False))
    rows.append(
        _row(
            "Facts shared with every agency needing them",
            "count",
            _shared(run),
            _shared(baseline),
            higher=True,
        )
    )
    rows.append(
        _row(
            "Fact latency, 90th percentile",
            "s",
            _p90_facts(run),
            _p90_facts(baseline),
            higher=False,
        )
    )
    rows.append(
        _row(
            "Messages lost",
            "count",
            len(run.coordination.lost),
            len(baseline.coordination.lost),
            higher=False,
        )
    )
    idle_run = len({s.unit for s in run.coordination.idle})
    idle_base = len({s.unit for s in baseline.coordination.idle})
    rows.append(_row("Capable units left idle", "count", idle_run, idle_base, higher=False))
    base_ratings = {o.id: o.rating for o in baseline.objectives}
    for objective in run.objectives:
        rows.append(_rating(objective.id, objective.rating, base_ratings.get(objective.id)))
    return rows


def _shared(scores: Scores) -> int:
    return sum(1 for f in scores.coordination.facts if f.first_known is not None and not f.missing)


def _p90_facts(scores: Scores) -> float | None:
    return percentile([s.value for s in scores.coordination.fact_samples()])


def _row(label: str, unit: str, run: float | None, baseline: float | None, *, higher: bool) -> Row:
    if run is None or baseline is None:
        return Row(label, unit, run, baseline, None, None)
    delta = round(float(run) - float(baseline), 1)
    better = "same" if delta == 0 else "run" if (delta > 0) == higher else "baseline"
    return Row(label, unit, run, baseline, delta, better)


def _rating(ident: str, run: str | None, baseline: str | None) -> Row:
    if run is None or baseline is None:
        return Row(f"{ident} rating", "rating", run, baseline, None, None)
    diff = _RANK[run] - _RANK[baseline]
    better = "same" if diff == 0 else ("run" if diff > 0 else "baseline")
    return Row(f"{ident} rating", "rating", run, baseline, None, better)
