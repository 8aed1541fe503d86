"""``score(scenario, events)``: every measurement, rating and the overall score of a run.

A pure function: no engine, no randomness, no clock. The same stored run always gives
the same scores, and ``Scores.to_dict`` is plain JSON.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from simulator.events import Event
from simulator.review.coordination import Coordination, coordination
from simulator.review.intervals import (
    INTERVALS,
    Check,
    Intervals,
    response_intervals,
    standard_checks,
)
from simulator.review.outcomes import Outcomes, outcomes
from simulator.review.rating import (
    MeasureResult,
    ObjectiveResult,
    evaluate,
    overall,
    rate_objective,
)
from simulator.review.stats import Distribution, Sample
from simulator.scenario.model import Scenario
from simulator.scenario.scoring import Measure


@dataclass(frozen=True)
class Scores:
    """The scored run: intervals, standards, outcomes, coordination, objectives, overall."""

    scenario: str
    end: float
    intervals: Intervals
    distributions: dict[str, dict[str, Distribution]]
    checks: tuple[Check, ...]
    outcomes: Outcomes
    coordination: Coordination
    objectives: tuple[ObjectiveResult, ...]
    overall: float | None
    breakdown: tuple[dict, ...]

    def to_dict(self) -> dict:
        """Plain data (JSON-serialisable), for the store and the JSON report."""
        return asdict(self)


def score(scenario: Scenario, events: Iterable[Event]) -> Scores:
    """Score a run from its scenario and event log alone."""
    log = list(events)
    intervals = response_intervals(log)
    result = outcomes(log)
    coord = coordination(scenario, log)
    objectives = [
        rate_objective(o, [measure(m, intervals, result, coord) for m in o.measures])
        for o in scenario.scoring.objectives
    ]
    total, breakdown = overall(objectives)
    return Scores(
        scenario=scenario.metadata.id,
        end=max((e.t for e in log), default=0.0),
        intervals=intervals,
        distributions=_distributions(intervals),
        checks=tuple(standard_checks(scenario, intervals)),
        outcomes=result,
        coordination=coord,
        objectives=tuple(objectives),
        overall=total,
        breakdown=tuple(breakdown),
    )


def measure(
    m: Measure, intervals: Intervals, result: Outcomes, coord: Coordination
) -> MeasureResult:
    """Evaluate one objective measure over the run's metrics."""
    metric, agency = m.metric.value, m.agency
    if metric in INTERVALS:
        return evaluate(m, intervals.of(metric, agency))
    totals = {
        "casualties_deceased": (result.deceased, result.deaths),
        "casualties_transported": (result.transported, ()),
        "incidents_escalated": (result.escalated, result.escalations),
        "incidents_resolved": (result.resolved, ()),
    }
    if metric in totals:
        value, evidence = totals[metric]
        return evaluate(m, [Sample(1.0, None, None, None, (e,)) for e in evidence], value=value)
    if metric == "fact_latency":
        return evaluate(m, coord.fact_samples(agency))
    if metric == "idle_capable_units":
        idle = _of(coord.idle, agency)
        return evaluate(m, idle, value=len({s.unit for s in idle}))
    if not coord.comms_modelled:
        return evaluate(m, [], value=None)
    if metric == "unified_command_time":
        return evaluate(m, list(coord.unified_command))
    counted = {
        "messages_lost": coord.lost,
        "duplicate_assignments": coord.duplicated + coord.conflicted,
        "unsafe_entries": coord.unsafe,
        "span_of_control_breaches": coord.span,
    }[metric]
    samples = _of(counted, agency)
    value = len({s.unit for s in samples}) if metric == "unsafe_entries" else len(samples)
    return evaluate(m, samples, value=value)


def _of(samples: Iterable[Sample], agency: str | None) -> list[Sample]:
    return [s for s in samples if agency is None or s.agency == agency]


def _distributions(intervals: Intervals) -> dict[str, dict[str, Distribution]]:
    out: dict[str, dict[str, Distribution]] = {}
    for metric in INTERVALS:
        samples = intervals.of(metric)
        agencies = sorted({s.agency for s in samples if s.agency})
        out[metric] = {"all": Distribution.of(samples)}
        out[metric].update({a: Distribution.of(intervals.of(metric, a)) for a in agencies})
    return out
