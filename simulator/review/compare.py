"""Baseline comparison: a trainee's run beside the automated players' run.

The same scenario and seed played by automated players alone, so an evaluator sees what
the trainee's decisions changed (lives, minutes, facts shared). A percentile row also
carries how many observations each side had: a trainee who sent two units can have a
quicker 90th percentile than a baseline that sent forty, and that is not better play,
so the side with fewer observations is never called better.
"""

from collections import Counter
from dataclasses import dataclass, replace

from simulator.review.score import Scores
from simulator.review.stats import Distribution, percentile

_RANK = {"P": 3, "S": 2, "M": 1, "U": 0}


@dataclass(frozen=True)
class Row:
    """One measurement side by side; ``better`` says which side did better, if either.

    ``better`` is "run", "baseline", "same", ``NOT_COMPARABLE`` (a percentile over
    fewer observations than the other side's) or None (nothing to compare).
    ``run_n`` and ``baseline_n`` count a percentile's observations; ``role`` names the
    agency of a role-score row, ``agency`` that of another row about one agency.
    """

    label: str
    unit: str
    run: float | str | None
    baseline: float | str | None
    delta: float | None
    better: str | None
    run_n: int | None = None
    baseline_n: int | None = None
    role: str | None = None
    agency: str | None = None


NOT_COMPARABLE = "not comparable"
# An incident counts as never reached once it has waited this long: the longest default
# first-arrival target (other agencies' 15 minutes); one called in just before the end
# had not fallen due.
UNREACHED_AFTER_S = 900.0


def compare(run: Scores, baseline: Scores) -> list[Row]:
    """Rows for the scores and their parts, each role, lives, minutes, facts and ratings."""
    rows = [
        _row("Overall score (0-100)", "score", run.overall, baseline.overall, higher=True),
        *_parts(run, baseline),
        *_roles(run, baseline),
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
        row = _percentile_row(label, _observed(mine), _observed(theirs))
        rows.append(row if agency == "all" else replace(row, agency=agency))
    rows += _never_reached(run, baseline)
    rows.append(
        _row(
            "Facts shared with every agency needing them",
            "count",
            _shared(run),
            _shared(baseline),
            higher=True,
        )
    )
    rows.append(_percentile_row("Fact latency, 90th percentile", _facts(run), _facts(baseline)))
    rows.append(_messages_lost(run, baseline))
    idle_run = len({s.unit for s in run.coordination.idle})
    idle_base = len({s.unit for s in baseline.coordination.idle})
    rows.append(_row("Capable units left idle", "count", idle_run, idle_base, higher=False))
    base_ratings = {o.id: o.rating for o in baseline.objectives}
    for objective in run.objectives:
        rows.append(_rating(objective.id, objective.rating, base_ratings.get(objective.id)))
    return rows


def _parts(run: Scores, baseline: Scores) -> list[Row]:
    """The overall score's three parts side by side."""
    return [
        _row(
            "Objectives score",
            "score",
            run.objectives_score,
            baseline.objectives_score,
            higher=True,
        ),
        _row(
            "Outcomes score",
            "score",
            run.outcome_score.score,
            baseline.outcome_score.score,
            higher=True,
        ),
        _row(
            "Duties score (mean role score)",
            "score",
            run.duties_score,
            baseline.duties_score,
            higher=True,
        ),
    ]


def _roles(run: Scores, baseline: Scores) -> list[Row]:
    """Each agency's role score, where either side had a duty fall due."""
    rows = []
    for agency in sorted(set(run.roles) | set(baseline.roles)):
        mine, theirs = run.roles.get(agency), baseline.roles.get(agency)
        a = None if mine is None else mine.score
        b = None if theirs is None else theirs.score
        if a is not None or b is not None:
            row = _row(f"Role score ({agency})", "score", a, b, higher=True)
            rows.append(replace(row, role=agency))
    return rows


def _never_reached(run: Scores, baseline: Scores) -> list[Row]:
    """Incidents each agency needed but never reached: the misses a percentile leaves out.

    The percentile is over arrivals only, so an agency that went nowhere has none and
    cannot be compared on it; its misses are compared here instead.
    """
    mine, theirs = _unreached(run), _unreached(baseline)
    return [
        replace(
            _row(
                f"Incidents needing it never reached ({agency})",
                "count",
                mine.get(agency, 0),
                theirs.get(agency, 0),
                higher=False,
            ),
            agency=agency,
        )
        for agency in sorted(set(mine) | set(theirs))
    ]


def _unreached(scores: Scores) -> Counter[str]:
    """Per agency, incidents never reached that had been waiting past any arrival target."""
    return Counter(
        s.agency
        for s in scores.intervals.of("first_on_scene")
        if s.censored and s.agency and s.value >= UNREACHED_AFTER_S
    )


def _shared(scores: Scores) -> int:
    return sum(1 for f in scores.coordination.facts if f.first_known is not None and not f.missing)


def _messages_lost(run: Scores, baseline: Scores) -> Row:
    """Messages lost, over the messages each side sent: sending fewer is not losing fewer."""
    n, base_n = run.coordination.messages, baseline.coordination.messages
    lost, base_lost = len(run.coordination.lost), len(baseline.coordination.lost)
    label = "Messages lost (n = messages queued)"
    return _sized(_row(label, "count", lost, base_lost, higher=False), n, base_n)


def _observed(d: Distribution | None) -> tuple[float | None, int]:
    return (None, 0) if d is None else (d.p90, d.n)


def _facts(scores: Scores) -> tuple[float | None, int]:
    values = [s.value for s in scores.coordination.fact_samples()]
    return percentile(values), len(values)


def _percentile_row(
    label: str, run: tuple[float | None, int], baseline: tuple[float | None, int]
) -> Row:
    """A 90th-percentile time (lower is better) that only the larger sample can win."""
    (p90, n), (base_p90, base_n) = run, baseline
    return _sized(_row(label, "s", p90, base_p90, higher=False), n, base_n)


def _sized(row: Row, n: int, base_n: int) -> Row:
    """The row with each side's observation count, and no winner if the sizes forbid one."""
    row = replace(row, run_n=n, baseline_n=base_n)
    return row if _comparable(row.better, n, base_n) else replace(row, better=NOT_COMPARABLE)


def _comparable(better: str | None, n: int, base_n: int) -> bool:
    """False when one side observed nothing, or the side that looks better observed less."""
    if (n == 0) != (base_n == 0):
        return False
    if better == "run":
        return n >= base_n
    if better == "baseline":
        return base_n >= n
    return True


def _row(label: str, unit: str, run: float | None, baseline: float | None, *, higher: bool) -> Row:
    if run is None or baseline is None:
        return Row(label, unit, run, baseline, None, None)
    # Times are shown to the second: the difference is that of the times shown, so
    # 6:46 against 6:47 is -0:01, and 0.4 s apart is the same.
    places = 0 if unit == "s" else 1
    delta = round(round(float(run), places) - round(float(baseline), places), 1)
    better = "same" if delta == 0 else "run" if (delta > 0) == higher else "baseline"
    return Row(label, unit, run, baseline, delta, better)


def _rating(ident: str, run: str | None, baseline: str | None) -> Row:
    if run is None or baseline is None:
        return Row(f"{ident} rating", "rating", run, baseline, None, None)
    diff = _RANK[run] - _RANK[baseline]
    better = "same" if diff == 0 else ("run" if diff > 0 else "baseline")
    return Row(f"{ident} rating", "rating", run, baseline, None, better)
