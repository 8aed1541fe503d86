"""Strengths, areas for improvement and the improvement plan, derived from the measurements.

Each finding cites the time-stamped events behind it (HSEEP AAR practice: observations
are time-stamped and attributed). An area for improvement on a response interval
breaks its worst case into call processing, turnout, travel and the rest, which points
at a root cause.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from simulator.review.intervals import INTERVALS, Check, Intervals
from simulator.review.rating import MeasureResult, ObjectiveResult
from simulator.review.score import Scores
from simulator.review.stats import Evidence, Sample

LABELS = {
    "call_answer": "911 call answer time",
    "call_processing": "Call processing (answer to first dispatch)",
    "turnout": "Turnout time",
    "travel": "Travel time",
    "first_on_scene": "Call to first unit on scene",
    "full_assignment_on_scene": "Full assignment on scene",
    "casualties_deceased": "Deceased",
    "casualties_transported": "Patients transported",
    "incidents_escalated": "Incidents escalated",
    "incidents_resolved": "Incidents resolved",
    "unified_command_time": "Time to unified command after the second agency arrived",
    "fact_latency": "Critical fact known by every agency that needed it",
    "messages_lost": "Messages lost",
    "duplicate_assignments": "Duplicated or conflicting assignments",
    "unsafe_entries": "Units that entered unsafe scenes",
    "span_of_control_breaches": "Span-of-control breaches",
    "idle_capable_units": "Capable units left idle while needs went unmet",
}

CORRECTIVE = {
    "call_answer": (
        "Review call-taker staffing against the hourly call profile; add an overflow PSAP"
        " agreement."
    ),
    "call_processing": (
        "Drill the dispatch protocol cards; pre-alert units while the call is still being"
        " processed."
    ),
    "turnout": "Review station alerting and turnout drills against NFPA 1710 turnout times.",
    "travel": (
        "Review station coverage and move-up plans for the districts with the longest travel."
    ),
    "first_on_scene": (
        "Dispatch the closest capable unit earlier and move up units into uncovered districts."
    ),
    "full_assignment_on_scene": (
        "Pre-plan the full first-alarm assignment and request mutual aid as soon as it "
        "cannot be met."
    ),
    "casualties_deceased": (
        "Exercise the MCI plan: START triage and transport of immediate patients first."
    ),
    "casualties_transported": (
        "Review hospital destination and transport-unit assignment for treated patients."
    ),
    "incidents_escalated": (
        "Send the full assignment promptly and request mutual aid before incidents grow."
    ),
    "incidents_resolved": (
        "Track open incidents on a status board and reassign freed units to unresolved ones."
    ),
    "unified_command_time": (
        "Establish a unified command post as soon as a second agency arrives (NIMS)."
    ),
    "fact_latency": (
        "Share hazards, closures and incident details with every responding agency at "
        "once (CAD-to-CAD or a shared talkgroup)."
    ),
    "messages_lost": (
        "Plan interoperable channels (patches, shared talkgroups) and backups for failed sites."
    ),
    "duplicate_assignments": (
        "Coordinate assignments through unified command to avoid sending two agencies to "
        "the same task."
    ),
    "unsafe_entries": (
        "Hold units at staging until the scene is declared safe; pass hazards to every agency."
    ),
    "span_of_control_breaches": (
        "Add supervisors or divisions to keep 3-7 units per supervisor (ICS span of control)."
    ),
    "idle_capable_units": "Watch unit status boards and assign free capable units to unmet needs.",
}

CHECK_METRIC = {
    "Call answered": "call_answer",
    "Call processing": "call_processing",
    "Turnout, fire": "turnout",
    "Turnout, EMS": "turnout",
    "Travel, first fire unit": "travel",
    "Travel, full assignment (fire)": "full_assignment_on_scene",
    "EMS call to on scene": "first_on_scene",
    "Police priority-1 call to on scene": "first_on_scene",
}
SECONDS = {*INTERVALS, "unified_command_time", "fact_latency"}
# The improvement plan suggests completing corrective actions within this many days.
PLAN_DAYS = 90


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement, with the events that show it."""

    strength: bool
    objective: str | None
    capability: str
    metric: str
    agency: str | None
    title: str
    analysis: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class PlanItem:
    """One improvement-plan row (HSEEP IP): issue, corrective action, who and when."""

    objective: str | None
    capability: str
    issue: str
    corrective_action: str
    responsible: str
    start: str
    completion: str


def seconds_text(value: float) -> str:
    """Seconds as m:ss (or h:mm:ss past an hour)."""
    whole = round(value)
    hours, rest = divmod(whole, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


def value_text(metric: str, value: float | None) -> str:
    """A metric value as a reader expects it: times as m:ss, counts as whole numbers."""
    if value is None:
        return "not observed"

    return seconds_text(value) if metric in SECONDS else f"{value:g}"


def findings(scores: Scores, span: tuple[Evidence, Evidence]) -> list[Finding]:
    """Strengths and areas for improvement from every rated measure and response standard."""
    out = []
    for objective in scores.objectives:
        for m in objective.measures:
            if m.met is not None:
                out.append(_from_measure(objective, m, scores.intervals, span))
    for check in scores.checks:
        if check.met is not None:
            out.append(_from_check(check, scores.intervals))
    return out


def _who(agency: str | None) -> str:
    return f" ({agency})" if agency else ""


def _from_measure(
    objective: ObjectiveResult,
    m: MeasureResult,
    intervals: Intervals,
    span: tuple[Evidence, Evidence],
) -> Finding:
    label = LABELS[m.metric]
    relation = "at most" if m.at_most else "at least"
    title = (
        f"{label}{_who(m.agency)}: {value_text(m.metric, m.value)} ({m.statistic}), "
        f"target {relation} {value_text(m.metric, m.target)}"
    )
    worst = _worst(m.samples, m.at_most)
    if m.met:
        evidence = _cite(worst[:1]) or (span if m.statistic == "count" else ())
        analysis = "Target met." + (
            " None recorded during the exercise."
            if not m.samples and m.statistic == "count"
            else ""
        )
    else:
        evidence = _cite(worst[:3])
        analysis = _analysis(m.metric, worst, intervals)
    return Finding(
        bool(m.met),
        objective.id,
        objective.core_capability,
        m.metric,
        m.agency,
        title,
        analysis,
        evidence,
    )


def _from_check(check: Check, intervals: Intervals) -> Finding:
    metric = CHECK_METRIC[check.name]
    title = (
        f"{check.name}: {check.within:.0%} within {seconds_text(check.target)} "
        f"({check.standard}: {check.required_share:.0%} required), 90th percentile "
        f"{seconds_text(check.p90)}, {check.n} measured"
    )
    worst = [check.worst] if check.worst else []
    analysis = "Standard met." if check.met else _analysis(metric, worst, intervals)
    return Finding(
        bool(check.met), None, "Response standards", metric, None, title, analysis, _cite(worst)
    )


def _worst(samples: tuple[Sample, ...], at_most: bool) -> list[Sample]:
    return sorted(
        samples,
        key=lambda s: (-s.value if at_most else s.value, s.evidence[-1].seq if s.evidence else 0),
    )


def _cite(samples: list[Sample]) -> tuple[Evidence, ...]:
    return tuple(e for s in samples for e in s.evidence)


def _analysis(metric: str, worst: list[Sample], intervals: Intervals) -> str:
    if not worst:
        return "Target not met."
    top = worst[0]
    where = " ".join(p for p in (top.incident, top.agency, top.unit) if p)
    if metric not in SECONDS:
        names = sorted({s.incident for s in worst if s.incident})
        return "Target not met" + (f"; see {', '.join(names)}." if names else ".")
    text = (
        f"Worst case {seconds_text(top.value)} at {where}."
        if where
        else f"Worst case {seconds_text(top.value)}."
    )
    if metric == "first_on_scene" and top.incident and top.agency:
        text += " " + _breakdown(top, intervals)
    if top.note:
        text += f" ({top.note})"
    return text


def _breakdown(top: Sample, intervals: Intervals) -> str:
    """Split a call-to-on-scene time into processing, turnout, travel and the rest."""

    def part(metric: str, first_arrival: bool = False) -> float:
        for s in intervals.of(metric, top.agency):
            if s.incident == top.incident and (not first_arrival or s.unit == top.unit):
                return s.value
        return 0.0

    parts = {
        "call processing": part("call_processing"),
        "turnout": part("turnout", True),
        "travel": part("travel", True),
    }
    parts["waiting (notification, queueing, staging)"] = max(0.0, top.value - sum(parts.values()))
    biggest = max(parts, key=lambda k: parts[k])
    listed = ", ".join(f"{k} {seconds_text(v)}" for k, v in parts.items())
    return f"Of that: {listed}. The largest share is {biggest}."


def improvement_plan(areas: list[Finding], day: date | None) -> list[PlanItem]:
    """One corrective action per area for improvement, with suggested dates."""
    start = day.isoformat() if day else ""
    completion = (day + timedelta(days=PLAN_DAYS)).isoformat() if day else ""
    out = []
    for f in areas:
        agencies = sorted({e.agency for e in f.evidence if e.agency})
        responsible = f.agency or (
            ", ".join(agencies[:3]) if agencies else "Exercise planning team"
        )
        out.append(
            PlanItem(
                f.objective,
                f.capability,
                f.title,
                CORRECTIVE[f.metric],
                responsible,
                start,
                completion,
            )
        )
    return out
