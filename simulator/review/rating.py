"""HSEEP-style ratings: each target (measure) and each objective, P/S/M/U.

HSEEP's evaluation guide rates every capability target, then the core capability. A
target not met is U (unable to be performed). A met one is P when every measurement
was within it (a ceiling count: none happened), S (some challenges) when some were
past it though the target held (some happened within the ceiling), and M (major
challenges) when it held although duties were left undone (a departure from plans,
whatever the percentile says) or responders were harmed (added safety risk).

An objective (a core capability) is scored by the mean graded credit of its observed
measures (``credit.py``), so better play shows as a higher number, and its letter is
that score's band by the scenario's rule (``Rating`` thresholds, as shares of full
credit): P from ``performed`` (100 by default), S from ``some_challenges`` (75), M from
``major_challenges`` (50), U below. One measure gives both, so a higher score never
carries a worse letter (a U once showed 66.7 above an M at 50, the letter read from
the share of targets met and the number from their credit). With the default
``performed``, a target met with duties undone or measurements past it earns less than
full credit, so its objective is not P; unsafe entries within a ceiling above zero earn
full credit and show in that target's own rating (M) only. A measure whose
opportunity never arose in the run's window (no duty fell due) is "not observed":
listed, never counted; an objective with none observed is "not
observed" (``rating`` None), never P. Counts of harm show how well work went, not
that it was done: when none of an objective's work targets (times, counts to reach, idle
units) was met, because all were missed or none fell due, a guard count (lost messages,
clashing assignments, span breaches, units harmed, teams sent to hoaxes: harm that
acting causes) of zero is set aside, as is a death or escalation count within its
ceiling (the script or the partners keep those down whatever the trainee does). Doing
nothing must not rate an objective above the players who did its work.
"""

from dataclasses import dataclass, replace

from simulator.review.credit import count_credit, due, mean_time_credit, within
from simulator.review.stats import Evidence, Sample, percentile
from simulator.scenario.scoring import Measure, Objective, Rating
from simulator.scenario.vocabulary import Metric

RATINGS = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}
SAFETY = frozenset({Metric.UNSAFE_ENTRIES})  # any occurrence is an added safety risk
# Counts of harm that acting causes (a message lost, two units on one task, a unit in
# danger): doing nothing keeps them at zero, so they judge how cleanly work was done.
GUARDS = frozenset(
    {
        Metric.MESSAGES_LOST,
        Metric.DUPLICATE_ASSIGNMENTS,
        Metric.SPAN_OF_CONTROL_BREACHES,
        Metric.UNSAFE_ENTRIES,
        Metric.HOAX_COMMITMENTS,
    }
)
# Counts of harm that inaction does not avoid but need not cause either: an escalation the
# script fires, deaths the partners prevent. Within their ceiling they show no work done.
OUTCOME_CEILINGS = frozenset({Metric.CASUALTIES_DECEASED, Metric.INCIDENTS_ESCALATED})
HARM = GUARDS | OUTCOME_CEILINGS  # the rest (times, counts to reach, idle units) is work
NOT_OBSERVED = "Not observed: the opportunity did not arise in the run's window"


@dataclass(frozen=True)
class MeasureResult:
    """One measure: its value, whether the target was met, and the samples behind it."""

    metric: str
    agency: str | None
    target: float
    at_most: bool
    statistic: str
    value: float | None
    met: bool | None
    samples: tuple[Sample, ...]
    credit: float | None = None
    missed: int = 0  # duties undone past the target (among ``samples``)
    past: int = 0  # measurements past the target (undone duties included); a ceiling's count
    rating: str | None = None  # HSEEP's rating of this target; None if not observed
    set_aside: bool = False  # a count of harm not judged: none of its objective's work was met
    arose: int = 0  # a guard count's chances (messages sent, ...), when it counted none
    shown: tuple[Evidence, ...] = ()  # the first of those chances, as evidence


@dataclass(frozen=True)
class ObjectiveResult:
    """One objective rated: its measures, the share met, the rating and its score."""

    id: str
    title: str
    core_capability: str
    critical_tasks: tuple[str, ...]
    measures: tuple[MeasureResult, ...]
    share_met: float | None
    rating: str | None
    score: float | None
    weight: float


def evaluate(
    measure: Measure,
    samples: list[Sample],
    value: float | None = ...,
    achievable: float | None = None,
    statistic: str = "count",
) -> MeasureResult:
    """Judge one measure: a given value (a count), or a statistic of the samples' values.

    ``value=None`` means the metric's opportunity did not arise in this run. A time
    measure counts the samples that fell due (undone duties past their target count as
    misses, at their elapsed time). A count to reach is judged against the smaller of
    its target and what was ``achievable`` in the run. A given value is a ``count``
    unless said otherwise (trust at the end is a ``level``).
    """
    target = measure.target
    if value is ...:
        samples = due(samples, target)
        values = [s.value for s in samples]
        if measure.statistic == "mean":
            statistic, value = "mean", (sum(values) / len(values) if values else None)
        else:
            q = measure.percentile or 90.0
            statistic, value = f"p{q:g}", percentile(values, q)
        credit = mean_time_credit(samples, target) if measure.at_most else None
    else:
        if not measure.at_most and achievable is not None:
            target = min(target, achievable)
        credit = None if value is None else count_credit(value, target, measure.at_most)
    met = None if value is None else (value <= target if measure.at_most else value >= target)
    if credit is None and met is not None:
        credit = float(met)
    missed = sum(1 for s in samples if s.censored)
    if statistic in ("count", "level"):  # a ceiling's occurrences are what it lets pass
        past = round(value) if measure.at_most and value else 0
    else:
        past = _past(samples, target, measure.at_most)
    return MeasureResult(
        metric=measure.metric.value,
        agency=measure.agency,
        target=target,
        at_most=measure.at_most,
        statistic=statistic,
        value=None if value is None else float(value),
        met=met,
        samples=tuple(samples),
        credit=None if credit is None else round(credit, 4),
        missed=missed,
        past=past,
        rating=rate_target(met, past, missed, safety=measure.metric in SAFETY),
    )


def _past(samples: tuple[Sample, ...] | list[Sample], target: float, at_most: bool) -> int:
    """How many measurements fell on the wrong side of the target (undone ones included)."""
    return sum(1 for s in samples if not within(s, target, at_most))


def rate_target(met: bool | None, past: int, missed: int, safety: bool = False) -> str | None:
    """HSEEP's rating of one target (None: not observed).

    U not met; M met with duties left undone, or with a safety measure's occurrences;
    S met with measurements past it; P met by every measurement.
    """
    if met is None:
        return None
    if not met:
        return "U"
    if missed or (past and safety):
        return "M"
    return "S" if past else "P"


def rate(score: float, rule: Rating) -> str:
    """The HSEEP letter of an objective's score (0-100) by the scenario's thresholds.

    The thresholds are shares of full credit; the score is compared as shown (to a
    tenth), so the letter printed beside it is the one its band gives.
    """
    for letter, share in (
        ("P", rule.performed),
        ("S", rule.some_challenges),
        ("M", rule.major_challenges),
    ):
        if score >= round(100 * share, 6) - 1e-9:
            return letter
    return "U"


def rate_objective(objective: Objective, measures: list[MeasureResult]) -> ObjectiveResult:
    """Score an objective (its measures' mean credit, out of 100) and rate it by that score."""
    measures = _harm_set_aside(measures)
    observed = [m for m in measures if m.met is not None]
    share = sum(1 for m in observed if m.met) / len(observed) if observed else None
    credit = sum(m.credit or 0.0 for m in observed) / len(observed) if observed else None
    score = None if credit is None else round(100 * credit, 1)
    return ObjectiveResult(
        id=objective.id,
        title=objective.title,
        core_capability=objective.core_capability,
        critical_tasks=tuple(objective.critical_tasks),
        measures=tuple(measures),
        share_met=None if share is None else round(share, 3),
        rating=None if score is None else rate(score, objective.rating),
        score=score,
        weight=objective.weight,
    )


def _harm_set_aside(measures: list[MeasureResult]) -> list[MeasureResult]:
    """Counts of harm beside work none of which was met: set aside, neither met nor missed.

    A trainee who dispatched nobody clashed with nobody, and an escalation the script
    fires happens whoever plays. With every work target of the objective missed, or none
    observed (nobody arrived, so unified command never fell due), a clean guard count or
    a death or escalation count within its ceiling shows inaction, not care, and must not
    lift the objective above the players who did the work. A guard's count above zero
    shows somebody acted, so it is judged; a breached count is harm done, so it counts.
    An objective with no work measure at all is judged on its counts as they stand.
    """
    work = [m for m in measures if m.metric not in HARM]
    if not work or any(m.met for m in work):
        return measures
    return [
        replace(m, met=None, credit=None, rating=None, set_aside=True) if _clean(m) else m
        for m in measures
    ]


def _clean(m: MeasureResult) -> bool:
    """Whether a count of harm stayed within its ceiling without showing anyone acted."""
    if not m.met:
        return False
    if m.metric in OUTCOME_CEILINGS:
        return True
    return m.metric in GUARDS and not m.value


def overall(objectives: list[ObjectiveResult]) -> tuple[float | None, list[dict]]:
    """The weighted mean of rated objectives' scores (0-100) and each one's contribution."""
    rated = [o for o in objectives if o.score is not None]
    total = sum(o.weight for o in rated)
    if not total:
        return None, []
    breakdown = [
        {
            "objective": o.id,
            "weight": o.weight,
            "score": o.score,
            "points": round(o.score * o.weight / total, 1),
        }
        for o in rated
    ]
    return round(sum(o.score * o.weight for o in rated) / total, 1), breakdown
