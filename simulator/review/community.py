"""Public Information and Warning (HSEEP core capability) and the community outcome.

Read from the event log alone: trust from ``community.started`` and every
``trust.changed``; statements from ``statement.issued``; rumours from ``rumour.*``;
calls from the public from ``community.call``. A run of a scenario without a
``community`` section has none of these events and no community summary.

Measures:

- ``first_statement_time``: seconds from the first major (priority 1) incident to the
  first public statement; none by the end is a missed duty (censored);
- ``rumours_countered``: rumours answered by an accurate statement (a count to reach,
  judged against the rumours released);
- ``trust_at_end``: trust when the run ended (0-100).

The community outcome (trust at the end over 100) joins the outcome score's
components (its weight is ``OUTCOME_WEIGHTS["community"]``).
"""

from dataclasses import dataclass, replace

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.outcomes import OUTCOME_WEIGHTS, OutcomeScore
from simulator.review.rating import MeasureResult, evaluate
from simulator.review.stats import Evidence, Sample, cite, plural
from simulator.scenario.scoring import Measure
from simulator.scenario.timing import format_offset

METRICS = frozenset({"first_statement_time", "rumours_countered", "trust_at_end"})
# Kinds that name a rumour, and those that give its reach then.
_REACH = frozenset({"rumour.started", "rumour.spread", "rumour.countered", "rumour.crowd"})
_ABOUT_RUMOURS = _REACH | {"rumour.noticed", "rumour.faded", "community.call"}


@dataclass(frozen=True)
class RumourRow:
    """One rumour: when it started, how far it went, when (if) it was answered."""

    rumour: str
    claim: str
    started: float
    peak_reach: int
    countered: float | None
    crowd: bool
    calls: int


@dataclass(frozen=True)
class CommunitySummary:
    """What the public saw and how it felt about it."""

    trust_start: float
    trust_end: float
    trust_low: float
    first_major: float | None
    first_statement: float | None
    statements: int
    inaccurate: int
    overdue: int
    tips: int
    rumour_calls: int
    rumours: tuple[RumourRow, ...]
    by_reason: dict[str, float]
    evidence: tuple[Evidence, ...]

    @property
    def countered(self) -> int:
        """Rumours answered by an accurate statement."""
        return sum(1 for r in self.rumours if r.countered is not None)


def community_summary(events: list[Event]) -> CommunitySummary | None:
    """The community's story in a run, or None when the scenario models no public."""
    start = next((e for e in events if e.kind == "community.started"), None)
    if start is None:
        return None
    trust = low = float(payload(start).trust)
    by_reason: dict[str, float] = {}
    first_major = None
    statements = [e for e in events if e.kind == "statement.issued"]
    for e in events:
        if e.kind == "trust.changed":
            change = payload(e)
            trust = float(change.trust)
            low = min(low, trust)
            by_reason[change.reason] = round(by_reason.get(change.reason, 0.0) + change.delta, 2)
        elif e.kind == "incident.started" and first_major is None and payload(e).priority == 1:
            first_major = e
    return CommunitySummary(
        trust_start=float(payload(start).trust),
        trust_end=trust,
        trust_low=low,
        first_major=None if first_major is None else first_major.t,
        first_statement=statements[0].t if statements else None,
        statements=len(statements),
        inaccurate=sum(1 for e in statements if not payload(e).accurate),
        overdue=sum(1 for e in events if e.kind == "statement.overdue"),
        tips=_calls(events, "tip"),
        rumour_calls=_calls(events, "rumour"),
        rumours=_rumours(events),
        by_reason=dict(sorted(by_reason.items())),
        evidence=tuple(cite(e) for e in ([first_major] if first_major else []) + statements[:1]),
    )


def _calls(events: list[Event], reason: str) -> int:
    return sum(1 for e in events if e.kind == "community.call" and payload(e).reason == reason)


def _rumours(events: list[Event]) -> tuple[RumourRow, ...]:
    rows = []
    for start in (e for e in events if e.kind == "rumour.started"):
        rumour = payload(start).rumour
        mine = [e for e in events if e.kind in _ABOUT_RUMOURS and payload(e).rumour == rumour]
        reach = [int(payload(e).reach) for e in mine if e.kind in _REACH]
        countered = next((e.t for e in mine if e.kind == "rumour.countered"), None)
        rows.append(
            RumourRow(
                rumour=rumour,
                claim=str(payload(start).claim),
                started=start.t,
                peak_reach=max(reach),
                countered=countered,
                crowd=any(e.kind == "rumour.crowd" for e in mine),
                calls=sum(1 for e in mine if e.kind == "community.call"),
            )
        )
    return tuple(rows)


def community_measure(m: Measure, summary: CommunitySummary | None, end: float) -> MeasureResult:
    """One Public Information and Warning measure (not observed without a public)."""
    metric = m.metric.value
    if summary is None:
        return evaluate(m, [], value=None)
    if metric == "trust_at_end":
        return evaluate(m, [], value=summary.trust_end, statistic="level")
    if metric == "rumours_countered":
        released = len(summary.rumours)
        value = summary.countered if released else None
        return evaluate(m, [], value=value, achievable=float(released))
    return evaluate(m, _statement_samples(summary, end))


def _statement_samples(summary: CommunitySummary, end: float) -> list[Sample]:
    """The first statement's delay after the first major incident (undone: censored)."""
    if summary.first_major is None:
        return []
    if summary.first_statement is None:
        return [Sample(round(end - summary.first_major, 3), censored=True)]
    delay = max(0.0, summary.first_statement - summary.first_major)
    return [Sample(round(delay, 3), evidence=summary.evidence)]


def with_community(outcome: OutcomeScore, summary: CommunitySummary | None) -> OutcomeScore:
    """The outcome score with the community's trust at the end as one more component."""
    if summary is None:
        return outcome
    components = dict(outcome.components)
    components["community"] = round(summary.trust_end / 100.0, 4)
    total = sum(OUTCOME_WEIGHTS[k] for k in components)
    score = round(100 * sum(OUTCOME_WEIGHTS[k] * v for k, v in components.items()) / total, 1)
    notes = {**outcome.notes, "community": f"trust {summary.trust_end:g} of 100 at the end"}
    return replace(outcome, score=score, components=components, notes=notes)


# What moved trust, as the report says it (``trust.changed`` reasons).
TRUST_REASONS = {
    "death": "deaths",
    "bystanders_hurt": "bystanders hurt",
    "responder_hurt": "responders hurt",
    "prompt_response": "prompt responses",
    "late_response": "late responses",
    "silence": "silence after a major incident",
    "no_update": "overdue updates",
    "inaccurate_statement": "inaccurate statements",
    "statement_on_time": "statements on time",
    "rumour_countered": "rumours answered",
    "rumour_spreading": "rumours spreading",
}


def community_rows(summary: CommunitySummary | None) -> list[list[str]] | None:
    """The community's story as (measure, value) rows for the report (None: no public)."""
    if summary is None:
        return None
    s = summary
    if s.first_statement is None:
        first = "none"
    elif s.first_major is None:
        first = f"T+{format_offset(s.first_statement)}"
    else:
        late = s.first_statement - s.first_major
        after = f"{late / 60:.0f} min after the first major incident"
        first = f"T+{format_offset(s.first_statement)} ({after})"
    rows = [
        [
            "trust (0-100): start, end, lowest",
            f"{s.trust_start:g}, {s.trust_end:g}, {s.trust_low:g}",
        ],
        ["first public statement", first],
        ["statements (inaccurate)", f"{s.statements} ({s.inaccurate})"],
        ["statements overdue", str(s.overdue)],
        ["tips that reached the police", str(s.tips)],
        ["calls brought by rumours", str(s.rumour_calls)],
        ["rumours answered", f"{s.countered} of {len(s.rumours)}"],
    ]
    for r in s.rumours:
        answered = (
            "never answered" if r.countered is None else f"answered T+{format_offset(r.countered)}"
        )
        crowd = "; a crowd gathered" if r.crowd else ""
        rows.append(
            [
                f"rumour {r.rumour}: {r.claim}",
                f"peak reach {r.peak_reach}, {answered}, "
                f"{plural(r.calls, ('call', 'calls'))}{crowd}",
            ]
        )
    moved = ", ".join(
        f"{TRUST_REASONS.get(reason, reason.replace('_', ' '))} {delta:+g}"
        for reason, delta in s.by_reason.items()
    )
    rows.append(["what moved trust", moved or "nothing"])
    return rows
