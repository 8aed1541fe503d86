"""``score(scenario, events)``: every measurement, rating and the overall score of a run.

A pure function: no engine, no randomness, no clock. The same stored run always gives
the same scores, and ``Scores.to_dict`` is plain JSON.

The overall score mixes three parts by the scenario's ``scoring.weights``: the
objectives' weighted credit, the outcomes' credit and the agencies' own duties (the
mean role score), so a run in which nobody acted scores low even where few measures
had anything to observe. Beside it,
each agency gets a role score from its own duties (``roles.py``). A run ended before
its full length is marked incomplete: it is scored on the duties that fell due in its
window (``window_overall``; an undone duty there is a miss), and its overall score is
that times the share of the exercise played, since every duty after the stop went
undone. Quitting never beats playing on.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from simulator.events import Event
from simulator.review.aid import aid_clocks
from simulator.review.community import METRICS as COMMUNITY_METRICS
from simulator.review.community import (
    CommunitySummary,
    community_measure,
    community_summary,
    with_community,
)
from simulator.review.coordination import Coordination, coordination
from simulator.review.hoaxes import METRICS as HOAX_METRICS
from simulator.review.hoaxes import HoaxSummary, hoax_measure, hoax_summary
from simulator.review.intervals import (
    INTERVALS,
    Check,
    Intervals,
    response_intervals,
    standard_checks,
)
from simulator.review.opportunity import Opportunities, opportunities
from simulator.review.outcomes import Outcomes, OutcomeScore, outcome_score, outcomes
from simulator.review.rating import (
    MeasureResult,
    ObjectiveResult,
    evaluate,
    overall,
    rate_objective,
)
from simulator.review.roles import RoleScore, role_scores
from simulator.review.staffing import fire_service, first_alarm_staffing
from simulator.review.stats import Distribution, Sample, cite, citing
from simulator.review.traffic import traffic_summary, with_traffic
from simulator.scenario.collector import collector_paused
from simulator.scenario.model import Scenario
from simulator.scenario.scoring import Measure, Weights
from simulator.scenario.vocabulary import Capability


@dataclass(frozen=True)
class Scores:
    """The scored run: intervals, standards, outcomes, coordination, objectives, overall."""

    scenario: str
    end: float
    complete: bool
    ended: str
    intervals: Intervals
    distributions: dict[str, dict[str, Distribution]]
    checks: tuple[Check, ...]
    outcomes: Outcomes
    outcome_score: OutcomeScore
    coordination: Coordination
    objectives: tuple[ObjectiveResult, ...]
    objectives_score: float | None
    roles: dict[str, RoleScore]
    duties_score: float | None
    window_overall: float | None
    played: float
    overall: float | None
    breakdown: tuple[dict, ...]
    community: CommunitySummary | None = None
    hoaxes: HoaxSummary | None = None

    def to_dict(self) -> dict:
        """Plain data (JSON-serialisable), for the store and the JSON report.

        A standard check keeps its samples' values: the samples themselves, evidence
        and all, are already under ``intervals``.
        """
        data = asdict(replace(self, checks=()))
        data["checks"] = [_check_dict(c) for c in self.checks]
        return data


def _check_dict(check: Check) -> dict:
    data = asdict(replace(check, samples=()))
    del data["samples"]
    data["values"] = list(check.values)
    return data


def score(scenario: Scenario, events: Iterable[Event]) -> Scores:
    """Score a run from its scenario and event log alone.

    Each event's evidence is made once (``citing``), and the cyclic garbage collector
    waits while the scores are built (``collector_paused``).
    """
    log = list(events)
    with collector_paused(), citing(log):
        return _score(scenario, log)


def _score(scenario: Scenario, log: list[Event]) -> Scores:
    aid = aid_clocks(scenario, log)
    intervals = response_intervals(log, _command_only(scenario), aid)
    result = outcomes(log)
    coord = coordination(scenario, log)
    chances = opportunities(log)
    public = community_summary(log)
    hoaxes = hoax_summary(scenario, log)
    objectives = [
        rate_objective(
            o,
            [measure(m, intervals, result, coord, chances, public, hoaxes) for m in o.measures],
        )
        for o in scenario.scoring.objectives
    ]
    objectives_total, breakdown = overall(objectives)
    outcome = outcome_score(result, chances.end, chances.units_on_scene())
    outcome = with_community(outcome, public)
    outcome = with_traffic(outcome, traffic_summary(log))
    roles = role_scores(scenario, log, aid)
    duties = _duties(roles)
    weights = scenario.scoring.weights
    window = _mix(weights, objectives=objectives_total, outcomes=outcome.score, duties=duties)
    played = 1.0 if chances.complete else min(1.0, chances.end / scenario.metadata.duration)
    if played < 1.0:
        roles = {a: _prorate(r, played) for a, r in roles.items()}
    return Scores(
        scenario=scenario.metadata.id,
        end=chances.end,
        complete=chances.complete,
        ended=chances.ended,
        intervals=intervals,
        distributions=_distributions(intervals),
        checks=tuple(
            standard_checks(scenario, intervals, first_alarm_staffing(log, fire_service(scenario)))
        ),
        outcomes=result,
        outcome_score=outcome,
        coordination=coord,
        objectives=tuple(objectives),
        objectives_score=objectives_total,
        roles=roles,
        duties_score=duties,
        window_overall=window,
        played=played,
        overall=window if window is None or chances.complete else round(window * played, 1),
        breakdown=tuple(breakdown),
        community=public,
        hoaxes=hoaxes,
    )


def _prorate(role: RoleScore, played: float) -> RoleScore:
    """A role's score in an incomplete run: its window's score times the share played."""
    return replace(role, score=None if role.score is None else round(role.score * played, 1))


def _duties(roles: dict[str, RoleScore]) -> float | None:
    scored = [r.score for r in roles.values() if r.score is not None]
    return round(sum(scored) / len(scored), 1) if scored else None


def _command_only(scenario: Scenario) -> frozenset[str]:
    """Units whose only capability is command (chiefs, command posts)."""
    return frozenset(u.id for u in scenario.units if set(u.capabilities) == {Capability.COMMAND})


def _mix(weights: Weights, **parts: float | None) -> float | None:
    """The weighted mean of the parts that were observed."""
    observed = {k: v for k, v in parts.items() if v is not None and getattr(weights, k) > 0}
    total = sum(getattr(weights, k) for k in observed)
    if not total:
        return None
    return round(sum(getattr(weights, k) * v for k, v in observed.items()) / total, 1)


def measure(
    m: Measure,
    intervals: Intervals,
    result: Outcomes,
    coord: Coordination,
    chances: Opportunities,
    public: CommunitySummary | None = None,
    hoaxes: HoaxSummary | None = None,
) -> MeasureResult:
    """Evaluate one objective measure over the run's metrics.

    A count whose opportunity did not arise (no casualties, no messages, nobody on a
    hazardous scene, no incident two agencies worked) is not observed (value None).
    """
    metric, agency = m.metric.value, m.agency
    if metric in INTERVALS:
        return evaluate(m, intervals.of(metric, agency))
    if metric in COMMUNITY_METRICS:
        return community_measure(m, public, chances.end)
    if metric in HOAX_METRICS:
        return hoax_measure(m, hoaxes, chances.end)
    outcome = _outcome(metric, result, chances)
    if outcome is not None:
        value, evidence, achievable = outcome
        samples = [Sample(1.0, None, None, None, (e,)) for e in evidence]
        return evaluate(m, samples, value=value, achievable=achievable)
    if metric == "fact_latency":
        return evaluate(m, coord.fact_samples(agency))
    if metric == "system_downtime":
        return evaluate(m, _of([o.sample() for o in result.outages], agency))
    if metric == "idle_capable_units":
        idle = _of(coord.idle, agency)
        observed = chances.incidents > 0
        return evaluate(m, idle, value=len({s.unit for s in idle}) if observed else None)
    if not coord.comms_modelled:
        return evaluate(m, [], value=None)
    if metric == "unified_command_time":
        return evaluate(m, list(coord.unified_command))
    return _comms_count(m, coord, chances)


def _outcome(
    metric: str, result: Outcomes, chances: Opportunities
) -> tuple[float | None, tuple, float | None] | None:
    if metric == "casualties_deceased":  # the dead when found are no one's failing
        return (result.died_awaiting_care if chances.casualties else None), result.deaths, None
    if metric == "casualties_transported":
        value = result.transported if chances.transportable else None
        return value, (), float(chances.transportable)
    if metric == "incidents_escalated":
        return (result.escalated if chances.incidents else None), result.escalations, None
    if metric == "incidents_resolved":
        return (result.resolved if chances.incidents else None), (), float(chances.incidents)
    return None


def _comms_count(m: Measure, coord: Coordination, chances: Opportunities) -> MeasureResult:
    metric, agency = m.metric.value, m.agency
    counted, arose = {
        "messages_lost": (coord.lost, chances.messages > 0),
        "duplicate_assignments": (coord.duplicated + coord.conflicted, chances.multi_agency > 0),
        "unsafe_entries": (
            coord.unsafe,
            chances.entries(agency) > 0 or bool(_of(coord.unsafe, agency)),
        ),
        "span_of_control_breaches": (coord.span, chances.units_on_scene(agency) > 0),
    }[metric]
    samples = _of(counted, agency)
    value = len({s.unit for s in samples}) if metric == "unsafe_entries" else len(samples)
    result = evaluate(m, samples, value=value if arose else None)
    if samples or not arose:
        return result
    # None counted: the chances it had are the evidence that it was exercised at all.
    chances_of = [e for e in chances.arose[metric] if agency is None or e.agency == agency]
    shown = tuple(cite(e) for e in chances_of[:SHOWN])
    return replace(result, arose=len(chances_of), shown=shown)


# The chances a clean guard count cites, at most.
SHOWN = 3


def _of(samples: Iterable[Sample], agency: str | None) -> list[Sample]:
    """The samples of one agency (all with None), a case it shares ("a and b") among them."""
    return [s for s in samples if agency is None or agency in str(s.agency).split(" and ")]


def _distributions(intervals: Intervals) -> dict[str, dict[str, Distribution]]:
    out: dict[str, dict[str, Distribution]] = {}
    for metric in INTERVALS:
        samples = [s for s in intervals.of(metric) if not s.censored]
        agencies = sorted({s.agency for s in samples if s.agency})
        out[metric] = {"all": Distribution.of(samples)}
        out[metric].update(
            {a: Distribution.of([s for s in samples if s.agency == a]) for a in agencies}
        )
    return out
