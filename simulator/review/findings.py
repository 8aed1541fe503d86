"""Strengths, areas for improvement and the improvement plan, derived from the measurements.

Each finding cites the time-stamped events behind it (HSEEP AAR practice: observations
are time-stamped and attributed), and only events that show what it claims: a strength
cites a case that met the target, an area for improvement the worst case that missed
it, named with its incident in the analysis. An area on a response interval breaks its
worst case into call processing, turnout, travel and the rest, which points at a root
cause. The improvement plan holds responsible the agencies that did what is counted
(sent the lost messages, missed the times), ranked by their share of all the cases; a
miss at an incident the agency was never told of is the agency's that knew of it first
and did not pass it on.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from simulator.events import Event
from simulator.payloads import payload
from simulator.review import deconfliction, intelligence
from simulator.review.coordination import Coordination
from simulator.review.credit import within
from simulator.review.intervals import Check, Intervals
from simulator.review.opportunity import ARISING
from simulator.review.outcomes import IncidentOutcome, Outcomes
from simulator.review.queueing import PROCESSING, QUEUEING, Waits
from simulator.review.rating import MeasureResult, ObjectiveResult
from simulator.review.score import Scores
from simulator.review.stats import Evidence, Sample, cite, plural
from simulator.scenario.facts import fact_key
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import TIMED_METRICS

LABELS = {
    "call_answer": "911 call answer time",
    "call_processing": "Call processing (answer to first dispatch)",
    "turnout": "Turnout time",
    "travel": "Travel time",
    "first_on_scene": "Call to first unit on scene",
    "full_assignment_on_scene": "Full assignment on scene",
    "casualties_deceased": "Deaths during the exercise",
    "casualties_transported": "Patients transported",
    "incidents_escalated": "Incidents escalated",
    "incidents_resolved": "Incidents resolved",
    "unified_command_time": (
        "Time to unified command after the second agency with jurisdiction arrived"
    ),
    "fact_latency": "Critical fact known by every agency that needed it",
    "messages_lost": "Messages lost",
    "duplicate_assignments": "Duplicated or conflicting assignments",
    "unsafe_entries": "Units harmed entering unsafe scenes or in a blue-on-blue (each once)",
    "span_of_control_breaches": "Span-of-control breaches",
    "idle_capable_units": "Capable units left idle while needs went unmet",
    "first_statement_time": "Major incident to the first public statement",
    "rumours_countered": "Rumours answered by an accurate public statement",
    "trust_at_end": "Community trust at the end (0-100)",
    "verification_time": "Call flagged as a possible hoax to the check's answer",
    "hoax_commitments": "Tactical teams sent to a hoax before it was checked",
    "system_downtime": "Time a system was down (CAD, records, radio, phones)",
}

CORRECTIVE = {
    "deconfliction": (
        "Enter every warrant, buy, surveillance and arrest in event deconfliction "
        "(RISSafe, Case Explorer or SAFETNet) before its briefing, and call the other "
        "contact back on every conflict notice."
    ),
    "intelligence_handling": (
        "Mark shared intelligence with its handling level (TLP 2.0) and check the "
        "recipients before release; pass need-to-know warnings to the cleared partners "
        "at once."
    ),
    "call_answer": (
        "Review call-taker staffing against the hourly call profile; add an overflow PSAP"
        " agreement."
    ),
    "call_processing": (
        "Drill the dispatch protocol cards; pre-alert units while the call is still being"
        " processed."
    ),
    # The worst case's largest share was waiting for a free unit, not the dispatcher.
    "queueing": (
        "Every capable unit was committed: request mutual aid as soon as the last one is "
        "sent, and move up units (or a neighbour's) to cover the districts left empty."
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
    "first_alarm_staffing": (
        "Count heads, not companies: send enough to put 16 firefighters on scene (17 with "
        "an aerial, NFPA 1710), adding a company for each one running short-staffed."
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
        "Hold units at staging until the scene is declared safe; pass hazards to every agency; "
        "register every operation with the deconfliction service before entry."
    ),
    "span_of_control_breaches": (
        "Add supervisors or divisions to keep 3-7 units per supervisor (ICS span of control)."
    ),
    "idle_capable_units": "Watch unit status boards and assign free capable units to unmet needs.",
    "first_statement_time": (
        "Give the PIO a first-hour statement template and the authority to release it (NIMS)."
    ),
    "rumours_countered": (
        "Have the PIO (or the Joint Information Center) monitor social media and answer "
        "each rumour with what is known."
    ),
    "verification_time": (
        "Give call-takers a verification checklist (call-back, location history, "
        "caller-ID analysis) and a supervisor who answers a flagged call within minutes."
    ),
    "hoax_commitments": (
        "Hold the tactical team for a flagged call until the check is answered; send "
        "patrol to look first (FBI swatting guidance)."
    ),
    "trust_at_end": (
        "Keep the public informed, respond visibly and promptly, and never state what is "
        "not confirmed."
    ),
    "system_downtime": (
        "Call the IT incident-response team and the FBI at once when a system goes down, "
        "let forensics image it first, and rehearse restoring from offline backups."
    ),
}
# Where only some misses waited for a free unit: the metric's remedy, then this.
QUEUED_SOME = (
    "Where every capable unit was committed ({where}): request mutual aid as soon as the "
    "last one is sent, and move up units (or a neighbour's) to cover the districts left empty."
)


# The interval each response standard judges: the corrective action's key.
STANDARDS = {
    "Call answered": "call_answer",
    "Call answered, 95%": "call_answer",
    "Call answered, fire communications centre": "call_answer",
    "Call processing": "call_processing",
    "Alarm processing, fire": "call_processing",
    "Turnout, fire": "turnout",
    "Turnout, EMS": "turnout",
    "Travel, first engine": "travel",
    "Travel, full assignment (fire)": "full_assignment_on_scene",
    "First-alarm staffing, structure fire": "first_alarm_staffing",
    "EMS call to on scene": "first_on_scene",
    "Police priority-1 call to on scene": "first_on_scene",
}
SECONDS = frozenset(m.value for m in TIMED_METRICS)
# What one sample of a count measure is (singular, plural), so a tally says what it counts.
COUNTED = {
    "casualties_deceased": ("death during the exercise", "deaths during the exercise"),
    "incidents_escalated": ("escalation", "escalations"),
    "messages_lost": ("message lost", "messages lost"),
    "duplicate_assignments": ("assignment clash", "assignment clashes"),
    "unsafe_entries": ("harm event", "harm events"),
    "span_of_control_breaches": ("breach", "breaches"),
    "idle_capable_units": ("idle spell", "idle spells"),
    "rumours_countered": ("rumour answered", "rumours answered"),
    "hoax_commitments": ("team sent to a hoax", "teams sent to a hoax"),
}
MISSED = ("case that missed the target", "cases that missed the target")
# Count measures whose value counts distinct units (or incidents), not their samples, so
# a tally gives both: "2 units in 4 harm events".
DISTINCT = {
    "unsafe_entries": ("unit", "units"),
    "idle_capable_units": ("unit", "units"),
    "incidents_escalated": ("incident", "incidents"),
}
# An area for improvement on a count cites at most this many of the counted events.
CITED = 3
PLANNING_TEAM = "Exercise planning team"
# The improvement plan suggests completing corrective actions within this many days.
PLAN_DAYS = 90
# The corrective action for an agency that knew of an incident and never passed it on.
PASS_ON = (
    "{sharer} to pass every incident at once to each agency it needs (CAD-to-CAD "
    "notification or a shared talkgroup)."
)
# (incident, agency) -> the agencies that knew of the incident first and never told it.
Untold = dict[tuple[str, str], str]
# Agency id -> its name in the scenario ("ems" -> "Riverton EMS"), for what a person reads.
Names = Mapping[str, str]
NO_DUTY = "no duty arose"  # a role none of whose duties fell due


@dataclass(frozen=True)
class Finding:
    """A strength or an area for improvement, with the events that show it.

    ``responsible`` names the agencies behind an area's cases, ranked by their share;
    ``undone`` holds the cited events (by ``seq``) that started a duty still not done
    by the end of the run (a censored sample: its time is a lower bound); ``action``
    is the corrective action when some cases were agencies never told of the incident.
    """

    strength: bool
    objective: str | None
    capability: str
    metric: str
    agency: str | None
    title: str
    analysis: str
    evidence: tuple[Evidence, ...]
    responsible: str
    undone: frozenset[int] = frozenset()
    action: str = ""


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


def share_text(share: float) -> str:
    """A share of the exercise as a percentage that never reads 0% or 100% when it is not.

    A run stopped a minute into a four-hour exercise read "0% played", as if nothing
    ran: under 1%, and near 100%, as many decimals as it takes (at least one).
    """
    percent = 100 * share
    decimals = 1 if 0 < percent < 1 else 0
    while 0 < share < 1 and decimals < 6 and round(percent, decimals) in (0, 100):
        decimals += 1
    return f"{percent:.{decimals}f}%"


def value_text(metric: str, value: float | None) -> str:
    """A metric value as a reader expects it: times as m:ss, counts as whole numbers."""
    if value is None:
        return "not observed"

    return seconds_text(value) if metric in SECONDS else f"{value:g}"


def findings(
    scores: Scores, span: tuple[Evidence, Evidence], waits: Waits, names: Names | None = None
) -> list[Finding]:
    """Strengths and areas for improvement from every rated measure and response standard.

    ``span`` (the first and last events) is the evidence of a count kept over the whole
    log; a standard's finding cites and counts the samples its check judged. ``waits``
    tells a dispatch delay's queueing for a free unit from its call processing.
    ``names`` (the scenario's agency names by id) names an agency in a title, a worst
    case or a corrective action as the evaluator knows it, its id beside the name;
    ``responsible`` keeps the ids.
    """
    names = names or {}
    out = []
    untold = never_told(scores.coordination)
    for objective in scores.objectives:
        for m in objective.measures:
            if m.met is not None:
                found = _from_measure(objective, m, scores, span, untold, waits, names)
                if found.responsible == PLANNING_TEAM:
                    who, action = _behind(m.metric, scores.outcomes, untold, names)
                    found = replace(found, responsible=who, action=action)
                out.append(found)
    for check in scores.checks:
        if check.met is not None:
            out.append(_from_check(check, scores.intervals, untold, waits, names))
    return out


def never_told(coordination: Coordination) -> Untold:
    """Agencies never told of an incident that needed them, and who knew of it first.

    An agency that never heard of an incident could not answer it: its misses there
    are the share duty of the agency that knew (the role scores count that share as a
    miss and find no duty of the agency never told).
    """
    out: Untold = {}
    for f in coordination.facts:
        if not f.incident or f.fact != fact_key("incident", f.incident):
            continue
        # Every agency that knew it at the first instant owed the share (``told.py``).
        sharer = " and ".join(f.first_knowers)
        for agency in f.missing if sharer else ():
            out[(f.incident, agency)] = sharer
    return out


def untold_reasons(scores: Scores, names: Names | None = None) -> dict[str, str]:
    """Per agency, the incidents needing it that it was never told of, and who knew.

    An agency never told has no duty there, so "no duty arose" alone reads as a clean
    sheet beside a baseline where it was told and answered; the miss is the sharer's
    (counted in its share duty), and the report says so where the agency's score is.
    With ``names``, the agencies that knew are named beside their ids ("known to Harbor
    Police Department (police)"; "(police knew)" by id alone).
    """
    by_agency: dict[str, tuple[set[str], set[str]]] = {}
    for (incident, agency), sharer in never_told(scores.coordination).items():
        incidents, sharers = by_agency.setdefault(agency, (set(), set()))
        incidents.add(incident)
        sharers.add(sharer)
    return {
        agency: f"never told of {plural(len(incidents), ('incident', 'incidents'))} needing "
        f"it{_knew(sorted(sharers), names or {})}"
        for agency, (incidents, sharers) in sorted(by_agency.items())
    }


def _knew(sharers: list[str], names: Names) -> str:
    """Who knew of the incidents an agency was never told of, after "needing it"."""
    named = [agency_named(s, names) for s in sharers]
    if named == sharers:
        return f" ({', '.join(sharers)} knew)"
    return f", known to {', '.join(named)}"  # no name inside brackets inside brackets


def no_duty(untold: str | None) -> str:
    """No duty arose, and why when the agency was never told of what needed it."""
    return f"{NO_DUTY}: {untold}" if untold else NO_DUTY


def role_score_text(scores: Scores, agency: str, names: Names | None = None) -> str:
    """A role's score as the command line prints it, or why it has none."""
    role = scores.roles.get(agency)
    if role is None or role.score is None:
        return no_duty(untold_reasons(scores, names).get(agency))
    return f"{role.score:.1f}/100"


def agency_named(agency: str, names: Names) -> str:
    """An agency by its scenario name with its id beside it: "Riverton EMS (ems)".

    The id alone when the scenario gives no other name. Co-first knowers ("ems and
    police") are each named.
    """
    if " and " in agency and agency not in names:
        return " and ".join(agency_named(a, names) for a in agency.split(" and "))
    name = names.get(agency, agency)
    return agency if name == agency else f"{name} ({agency})"


def _who(agency: str | None, names: Names) -> str:
    """A measure's agency after its label: by name and id when it has a name."""
    if not agency:
        return ""
    named = agency_named(agency, names)
    return f" ({agency})" if named == agency else f", {named}"


def _from_measure(
    objective: ObjectiveResult,
    m: MeasureResult,
    scores: Scores,
    span: tuple[Evidence, Evidence],
    untold: Untold,
    waits: Waits,
    names: Names,
) -> Finding:
    relation = "at most" if m.at_most else "at least"
    title = (
        f"{LABELS[m.metric]}{_who(m.agency, names)}: {value_text(m.metric, m.value)} "
        f"({m.statistic}), target {relation} {value_text(m.metric, m.target)}"
    )
    queued: list[Sample] = []  # the misses that mostly waited for a free unit
    if m.statistic == "level":  # one reading at the end: no events to count or cite
        verdict = "Target met" if m.met else "Target not met"
        reading = value_text(m.metric, m.value)
        analysis, cited, blamed = f"{verdict}: {reading} when the exercise ended.", None, []
        cases = ("reading", "readings")
    elif m.statistic == "count":
        analysis, cited, blamed = _count(m, scores.outcomes)
        cases = COUNTED.get(m.metric, ("event", "events"))
    else:
        analysis, cited, blamed, queued = _times(m, scores.intervals, waits, names)
        cases = MISSED
    evidence = span if cited is None else _cite(cited)
    # A target met only with major challenges (duties undone, responders at risk) is an
    # area for improvement, as HSEEP's M says.
    return Finding(
        bool(m.met) and m.rating != "M",
        objective.id,
        objective.core_capability,
        m.metric,
        m.agency,
        title,
        analysis,
        evidence,
        _responsible(*_harmed_once(m.metric, blamed, cases), m.agency, untold),
        _undone(cited or []),
        _action(m.metric, blamed, untold, queued, names),
    )


def _harmed_once(
    metric: str, blamed: list[Sample], cases: tuple[str, str]
) -> tuple[list[Sample], tuple[str, str]]:
    """Units harmed are blamed once each, as the measure, outcomes and roles count them.

    A crew struck by two hazards at once is two harm events but one unit: counting its
    events would tell its agency "2" beside a measure of "1 unit".
    """
    if metric != "unsafe_entries":
        return blamed, cases
    once = {(s.agency, s.unit): s for s in reversed(blamed)}  # each unit's first sample
    return sorted(once.values(), key=_seq), DISTINCT[metric]


def _count(m: MeasureResult, outcomes: Outcomes) -> tuple[str, list[Sample] | None, list[Sample]]:
    """A count's analysis, the samples it cites, and the samples behind it.

    A measure that keeps no per-event samples is a count over the whole log: zero is
    "none recorded", anything else is the count itself, cited by the log's span (no
    cited samples: None); an outcome count short of its target cites the incidents
    behind the shortfall instead (see ``_short_at``).
    """
    verdict = "Target met" if m.met else "Target not met"
    samples = sorted(m.samples, key=_seq)
    if not samples and m.shown:  # none counted: cite the chances there were
        chances = plural(m.arose, ARISING[m.metric])
        shown = [Sample(1.0, evidence=(e,)) for e in m.shown]
        first = "the first is cited" if len(shown) == 1 else f"the first {len(shown)} are cited"
        return f"{verdict}: none recorded, over {chances}; {first}.", shown, []
    if not samples:
        counted = f"{value_text(m.metric, m.value)} counted over the whole log" if m.value else ""
        text = f"{verdict}: {counted or 'none recorded during the exercise'}"
        # Only a floor falls short (at least N resolved); a ceiling on them is unusual.
        floor = not m.at_most and m.metric in _SHORT_AT
        behind = _short_at(m.metric, outcomes) if floor and not m.met else []
        if not behind:
            return text + ".", None, []
        names = ", ".join(s.incident for s in behind[:CITED])
        more = f" and {len(behind) - CITED} more" if len(behind) > CITED else ""
        where = f"{_SHORT_AT[m.metric]} {names}{more} (cited as they began)"
        return f"{text}; {where}.", behind[:CITED], []
    names = _incidents(samples)
    text = f"{verdict}: {_tally(m, samples)}" + (f" at {', '.join(names)}" if names else "")
    shown = samples[: 1 if m.met else CITED]
    if len(shown) < len(samples):
        text += "; the first is cited" if len(shown) == 1 else f"; the first {len(shown)} are cited"
    return text + ".", shown, samples


# How an outcome count's shortfall is told, before the incidents behind it.
_SHORT_AT = {
    "incidents_resolved": "left open or lost:",
    "casualties_transported": "patients who needed a hospital not all delivered at",
}


def _short_at(metric: str, outcomes: Outcomes) -> list[Sample]:
    """The incidents behind an outcome count's shortfall, each cited by its start.

    The same incidents the improvement plan holds their agencies responsible for
    (``_behind``): left open, or with patients who needed a hospital not delivered.
    """
    rows = [r for r in _cases(metric, outcomes) if r.evidence]
    return [Sample(1.0, incident=r.incident, evidence=(r.evidence,)) for r in rows]


def _tally(m: MeasureResult, samples: list[Sample]) -> str:
    """What the count counts, in the words of the value and of the cited events."""
    counted = plural(len(samples), COUNTED.get(m.metric, ("event", "events")))
    if m.metric in DISTINCT:
        return f"{plural(int(m.value or 0), DISTINCT[m.metric])} in {counted}"
    return counted


def _times(
    m: MeasureResult, intervals: Intervals, waits: Waits, names: Names
) -> tuple[str, list[Sample], list[Sample], list[Sample]]:
    """A percentile's analysis, the case it cites, the misses behind it, and any queue.

    The last lists the misses that mostly waited for a free unit. A strength
    cites its worst case within target and an area its worst miss, so the evidence
    always shows what the finding claims.
    """
    hits, misses = _split(m.samples, m.target, m.at_most)
    if m.met and m.rating == "M":  # met, but with duties left undone: cite those
        undone = [s for s in misses if s.censored]
        text = f"Target met only with duties undone: {len(hits)} of {len(m.samples)} within"
        return text + " target" + _undone_text(m.samples) + ".", undone[:1], undone, []
    if m.met:
        text = f"Target met: {len(hits)} of {len(m.samples)} within target"
        return text + _undone_text(m.samples) + ".", hits[:1], [], []
    analysis, queued = _latency(m.metric, misses, len(m.samples), intervals, waits, names)
    return analysis, misses[:1], misses, queued


def _split(
    samples: tuple[Sample, ...] | list[Sample], target: float, at_most: bool
) -> tuple[list[Sample], list[Sample]]:
    """Samples within target and those that missed it (undone ones always), each worst first."""
    ordered = _worst(samples, at_most)
    hits = [s for s in ordered if within(s, target, at_most)]
    return hits, [s for s in ordered if not within(s, target, at_most)]


def _from_check(
    check: Check, intervals: Intervals, untold: Untold, waits: Waits, names: Names
) -> Finding:
    metric = STANDARDS[check.name]
    if check.average:
        title = (
            f"{check.name}: mean {seconds_text(check.mean)} against an average of "
            f"{seconds_text(check.target)} ({check.standard}), {check.within:.0%} within it, "
            f"90th percentile {seconds_text(check.p90)}, {check.n} measured"
        )
    else:
        title = (
            f"{check.name}: {check.within:.0%} within {seconds_text(check.target)} "
            f"({check.standard}: {check.required_share:.0%} required), "
            f"{100 * check.required_share:.0f}th percentile {seconds_text(check.at_share)}, "
            f"{check.n} measured"
        )
    samples = check.samples
    hits, misses = _split(samples, check.target, True)
    if check.met:
        analysis, cited, blamed, queued = "Standard met.", hits[:1], [], []
    else:
        analysis, queued = _latency(metric, misses, len(samples), intervals, waits, names)
        cited, blamed = misses[:1], misses
    return Finding(
        bool(check.met),
        None,
        "Response standards",
        metric,
        None,
        title,
        analysis,
        _cite(cited),
        _responsible(blamed, MISSED, None, untold),
        _undone(cited),
        _action(metric, blamed, untold, queued, names),
    )


def _worst(samples: tuple[Sample, ...] | list[Sample], at_most: bool) -> list[Sample]:
    return sorted(samples, key=lambda s: (-s.value if at_most else s.value, _seq(s)))


def _seq(s: Sample) -> int:
    return s.evidence[-1].seq if s.evidence else 0


def _cite(samples: list[Sample]) -> tuple[Evidence, ...]:
    """Every event the samples rest on, once each (idle units often share one)."""
    return tuple({e.seq: e for s in samples for e in s.evidence}.values())


def _undone(cited: list[Sample]) -> frozenset[int]:
    """The cited events (by seq) of duties not done by the end (censored samples)."""
    return frozenset(e.seq for s in cited if s.censored for e in s.evidence)


def _incidents(samples: list[Sample]) -> list[str]:
    """The incidents of some samples, each once, in the samples' order."""
    return list(dict.fromkeys(s.incident for s in samples if s.incident))


def _latency(
    metric: str,
    misses: list[Sample],
    total: int,
    intervals: Intervals,
    waits: Waits,
    names: Names,
) -> tuple[str, bool]:
    """The worst miss (the one cited), its breakdown, and how many missed where.

    Also the misses that mostly waited for a free unit (their largest share).
    """
    if not misses:
        return "Target not met.", []
    top = misses[0]
    where = _where(top, names)
    text = f"Worst case {seconds_text(top.value)}" + (f" at {where}" if where else "")
    text += (f" ({top.note})" if top.note else "") + "."
    parts = _parts(metric, top, intervals, waits)
    biggest = _largest(parts)
    if len(parts) > 1:
        listed = ", ".join(f"{k} {seconds_text(v)}" for k, v in parts.items())
        text += f" Of that: {listed}. The largest share is {biggest}."
    names = _incidents(misses)
    text += (
        f" {len(misses)} of {total} missed the target"
        + _undone_text(misses)
        + (f", at {', '.join(names)}." if names else ".")
    )
    queued = [s for s in misses if _largest(_parts(metric, s, intervals, waits)) == QUEUEING]
    return text, queued


def _parts(metric: str, s: Sample, intervals: Intervals, waits: Waits) -> dict[str, float]:
    """A miss's time in parts (queueing among them), where the metric has parts."""
    if metric == "first_on_scene" and s.incident and s.agency and s.unit:
        return _breakdown(s, intervals, waits)  # nobody arrived: nothing to break down
    if metric == "call_processing" and not s.censored:
        return waits.split(s)
    return {}


def _largest(parts: dict[str, float]) -> str | None:
    """The part with the most time, or None."""
    return max(parts, key=lambda k: parts[k]) if parts else None


def _where(s: Sample, names: Names) -> str:
    """A case's incident, agency and unit: "APT-02, E4 of Riverton Fire Department (fire)".

    An agency the scenario gives no other name keeps the short form ("APT-02 fire E4").
    """
    named = agency_named(s.agency, names) if s.agency else None
    if named is None or named == s.agency:
        return " ".join(p for p in (s.incident, s.agency, s.unit) if p)
    who = f"{s.unit} of {named}" if s.unit else named
    return ", ".join(p for p in (s.incident, who) if p)


def _undone_text(samples: tuple[Sample, ...] | list[Sample]) -> str:
    """How many of some samples were never done (nothing when all were done)."""
    undone = sum(1 for s in samples if s.censored)
    if not undone:
        return ""
    return f" ({undone} not done, counted as {'a miss' if undone == 1 else 'misses'})"


def _breakdown(top: Sample, intervals: Intervals, waits: Waits) -> dict[str, float]:
    """Split a call-to-on-scene time into processing, turnout, travel and the rest.

    The agency's own call processing is split further (``queueing.py``): time with no
    capable unit free is queueing, and a misrouted call's transfer is named, so neither
    reads as a slow dispatcher. The turnout and travel are the arriving unit's, under
    its own agency: a partner's unit sent on request answers the asking agency's
    arrival (``intervals.py``), and then the asker's own call processing is not on the
    way (the partner's handling of the request is waiting). Each part is what is left
    of the whole at most.
    """

    def part(metric: str, agency: str | None, unit: str | None = None) -> Sample | None:
        for s in intervals.of(metric, agency):
            if not s.censored and s.incident == top.incident and (unit is None or s.unit == unit):
                return s
        return None

    turnout = part("turnout", None, top.unit)
    travel = part("travel", None, top.unit)
    arriving = next((s.agency for s in (turnout, travel) if s is not None), top.agency)
    processing = part("call_processing", top.agency) if arriving == top.agency else None
    split = waits.split(processing) if processing is not None else {PROCESSING: 0.0}
    parts, left = {}, top.value
    for name, value in (
        *split.items(),
        ("turnout", turnout.value if turnout is not None else 0.0),
        ("travel", travel.value if travel is not None else 0.0),
    ):
        parts[name] = min(left, value)
        left -= parts[name]
    parts["waiting (notification, mutual aid, staging)"] = left
    return parts


def _actor(s: Sample, untold: Untold) -> str | None:
    """Who did it: the sample's agency, else its first event's.

    A late fact's samples name no agency; its first event is the agency that knew it
    first and had to pass it on. A duty missed at an incident the agency was never told
    of is likewise the agency's that knew of it and did not pass it on.
    """
    return _teller(s, untold) or s.agency or (s.evidence[0].agency if s.evidence else None)


def _teller(s: Sample, untold: Untold) -> str | None:
    """The agency that never told the sample's agency of its incident, for a duty missed."""
    return untold.get((str(s.incident), str(s.agency))) if s.censored else None


def _action(
    metric: str, blamed: list[Sample], untold: Untold, queued: list[Sample], names: Names
) -> str:
    """The corrective action when some misses were never told, or some queued.

    An agency never told of the incident could not answer it; a miss that mostly waited
    for a free unit (``queued``) needs mutual aid and move-up cover, not the metric's
    own remedy: when only some did, the plan gives both, saying where each applies.
    Empty when every case was the agency's own and none queued (the metric's action
    stands).
    """
    tellers = [(s, _teller(s, untold)) for s in blamed]
    cases = [(str(s.agency), str(s.incident), t) for s, t in tellers if t]
    own = any(t is None for _, t in tellers)
    if not queued:
        advice = CORRECTIVE[metric]
    elif len(queued) == len(blamed):
        advice = CORRECTIVE["queueing"]
    else:
        where = _listed(list(dict.fromkeys(str(s.incident) for s in queued)))
        advice = f"{CORRECTIVE[metric]} {QUEUED_SOME.format(where=where)}"
    told = _telling(advice, list(dict.fromkeys(cases)), own, names)
    return told or (advice if queued else "")


def _telling(advice: str, cases: list[tuple[str, str, str]], own: bool, names: Names) -> str:
    """Who was never told of which incidents, and that the agency that knew is to tell.

    The own action (``advice``) comes first when some cases were the agencies' own.
    """
    if not cases:
        return ""
    told: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for agency, incident, sharer in cases:
        told[sharer][agency].append(incident)
    parts = [advice] if own else []
    for sharer, by_agency in sorted(told.items()):
        never = "; ".join(
            f"{agency_named(agency, names)} was never told of {_listed(incidents)}"
            for agency, incidents in sorted(by_agency.items())
        )
        parts.append(f"{never}: " + PASS_ON.format(sharer=agency_named(sharer, names)))
    return " ".join(parts)


def _listed(incidents: list[str]) -> str:
    """The first few incidents by name, and how many more (a plan row stays readable)."""
    more = len(incidents) - CITED
    return ", ".join(incidents[:CITED]) + (f" and {more} more" if more > 0 else "")


# The incidents behind an outcome count that keeps no per-event samples of its misses.
_OUTCOME_CASES: dict[str, Callable[[IncidentOutcome], bool]] = {
    "incidents_resolved": lambda r: not r.answered,
    # Fewer delivered than were found needing a hospital; a minor patient still
    # waiting is a care gap, not a transport one (the outcome score's care counts it).
    "casualties_transported": lambda r: r.transported < r.transportable,
    "casualties_deceased": lambda r: r.died > 0,
    "incidents_escalated": lambda r: r.escalations > 0,
}


def _cases(metric: str, outcomes: Outcomes) -> list[IncidentOutcome]:
    """The incidents behind an outcome count's misses (none for another metric)."""
    case = _OUTCOME_CASES.get(metric)
    return [r for r in outcomes.incident_rows if case(r)] if case else []


def _behind(metric: str, outcomes: Outcomes, untold: Untold, names: Names) -> tuple[str, str]:
    """The agencies behind an outcome count's incidents, and any action for the untold.

    The agencies are those the incidents needed, most incidents first; the action is
    set when some of them were never told of one (``_telling``).

    A death, an escalation or an incident left open is every needed agency's to review
    (the run cannot say whose delay it was), but an agency never told of the incident
    could do nothing: the agency that knew and did not pass it on answers in its place.
    With no such incident the exercise planning team takes the action.
    """
    rows = _cases(metric, outcomes)
    answering = [{untold.get((r.incident, a), a) for a in r.agencies} for r in rows]
    shares = Counter(a for agencies in answering for a in agencies)
    if not shares:
        return PLANNING_TEAM, ""
    ranked = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    listed = ", ".join(f"{a} {n}" for a, n in ranked)
    incidents = plural(len(rows), ("incident", "incidents"))
    who = f"{listed} (of {incidents}, each counted for every agency it needed)"
    cases = [
        (a, r.incident, untold[(r.incident, a)])
        for r in rows
        for a in sorted(r.agencies)
        if (r.incident, a) in untold
    ]
    own = any((r.incident, a) not in untold for r in rows for a in r.agencies)
    return who, _telling(metric, cases, own, names)


def _responsible(
    blamed: list[Sample], cases: tuple[str, str], agency: str | None, untold: Untold
) -> str:
    """The agencies behind all the cases, most cases first, with their counts.

    A case several agencies share ("ems and police") counts for each of them. Agencies
    behind every case are named alone; with none known, the measure's own agency or the
    exercise planning team takes the action.
    """
    actors = [a for a in (_actor(s, untold) for s in blamed) if a]
    shares = Counter(one for a in actors for one in a.split(" and "))
    if not shares:
        return agency or PLANNING_TEAM
    ranked = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    if all(n == len(blamed) for _, n in ranked):
        return " and ".join(a for a, _ in ranked)
    listed = ", ".join(f"{a} {n}" for a, n in ranked)
    return f"{listed} (of {plural(len(blamed), cases)})"


def joint_findings(scenario: Scenario, events: list[Event]) -> list[Finding]:
    """Findings on planned operations and intelligence handling, where a scenario has them.

    Each cites the events that show it and names the agencies behind it.
    """
    out: list[Finding] = []
    if scenario.operations.planned:
        out += _deconfliction_findings(deconfliction.read(events))
    if scenario.intelligence.handling:
        out += _handling_findings(intelligence.read(scenario, events))
    return out


def _joint(
    strength: bool,
    metric: str,
    title: str,
    analysis: str,
    evidence: list[Evidence],
    responsible: list[str],
) -> Finding:
    capability = {
        "deconfliction": "Operational Coordination",
        "intelligence_handling": "Intelligence and Information Sharing",
    }[metric]
    return Finding(
        strength,
        None,
        capability,
        metric,
        None,
        title,
        analysis,
        tuple(evidence[:CITED]),
        ", ".join(sorted(set(responsible))) or PLANNING_TEAM,
    )


def _cited(events: list[Event]) -> list[Evidence]:
    return [cite(e) for e in events]


def _deconfliction_findings(log: "deconfliction.OperationsLog") -> list[Finding]:
    metric = "deconfliction"
    late = [
        e
        for op, e in log.planned.items()
        if op not in log.registered or not payload(log.registered[op]).before_start
    ]
    unresolved = [e for c, e in log.conflicts.items() if c not in log.resolved]
    out = []
    if late:
        out.append(
            _joint(
                False,
                metric,
                f"{plural(len(late), ('operation', 'operations'))} not registered in event "
                "deconfliction before the briefing",
                f"{len(late)} of {len(log.planned)} planned operations were not entered "
                "before their briefing, so the watch centre could not flag a match in "
                "place and time with another agency's operation.",
                _cited(late),
                [str(e.agency) for e in late],
            )
        )
    for clash in log.clashes:
        out.append(
            _joint(
                False,
                metric,
                f"Blue-on-blue confrontation: {' and '.join(payload(clash).operations)}",
                "Officers of two agencies met at an entry without knowing of each other; "
                f"officers were hurt ({clash.incident}) and both operations were "
                "compromised.",
                _cited([clash]),
                _unregistered(payload(clash)),
            )
        )
    if unresolved:
        out.append(
            _joint(
                False,
                metric,
                f"{plural(len(unresolved), ('conflict notice', 'conflict notices'))} not acted on",
                "Both lead agencies were told of a conflict and did not coordinate, "
                "postpone or cancel.",
                _cited(unresolved),
                [a for e in unresolved for a in payload(e).agencies],
            )
        )
    if not out and log.planned:
        out.append(
            _joint(
                True,
                metric,
                "Every operation registered before its start, every conflict resolved",
                f"{plural(len(log.planned), ('operation', 'operations'))} entered in event "
                f"deconfliction in time; {plural(len(log.conflicts), ('conflict', 'conflicts'))} "
                "resolved; no blue-on-blue.",
                _cited(list(log.registered.values())),
                [],
            )
        )
    return out


def _unregistered(clash: object) -> list[str]:
    """The leads that had not registered: a registered one did its part of deconfliction."""
    lapsed = [a for a, done in zip(clash.agencies, clash.registered, strict=True) if not done]
    return lapsed or list(clash.agencies)


def _handling_findings(log: "intelligence.IntelligenceLog") -> list[Finding]:
    metric = "intelligence_handling"
    owners = sorted({r.owner for r in log.rules.values()})
    duties = [s for owner in owners for s in log.withheld(owner)]
    late = [s for s in duties if s.censored or s.value > 0]
    out = []
    if log.overshared:
        out.append(
            _joint(
                False,
                metric,
                f"{plural(len(log.overshared), ('fact', 'facts'))} shared beyond "
                "its handling level",
                "Information marked law-enforcement sensitive or need to know went to "
                "agencies it was not released to, without the originator's consent "
                f"({len(log.compromised)} source or target compromised as a result).",
                _cited(log.overshared),
                [str(e.agency) for e in log.overshared],
            )
        )
    if late:
        out.append(
            _joint(
                False,
                metric,
                f"{plural(len(late), ('partner', 'partners'))} not told in time",
                "A partner that needed the owner's information learnt it late or never, "
                "and was exposed meanwhile.",
                [e for s in late for e in s.evidence],
                [str(s.agency) for s in late],
            )
        )
    if not out and duties:
        out.append(
            _joint(
                True,
                metric,
                "Nothing shared beyond its handling level; partners knew what they needed",
                f"{plural(len(duties), ('partner', 'partners'))} needing the owner's "
                "information knew it in time; no fact went beyond its handling level.",
                [],
                [],
            )
        )
    return out


def improvement_plan(areas: list[Finding], day: date | None) -> list[PlanItem]:
    """One corrective action per area for improvement, with suggested dates.

    A measure several objectives share (the same call-to-scene time under two of them)
    is one issue: its row lists every objective and capability, not a copy for each.
    """
    start = day.isoformat() if day else ""
    completion = (day + timedelta(days=PLAN_DAYS)).isoformat() if day else ""
    rows: dict[tuple[str, str, str], PlanItem] = {}
    for f in areas:
        key = (f.title, f.action or CORRECTIVE[f.metric], f.responsible)
        row = rows.get(key)
        if row is None:
            rows[key] = PlanItem(
                f.objective, f.capability, f.title, key[1], f.responsible, start, completion
            )
            continue
        listed = (row.objective or "").split(", ") if row.objective else []
        if f.objective and f.objective not in listed:
            listed.append(f.objective)
        objectives = ", ".join(listed) or None
        capabilities = row.capability.split("; ")
        if f.capability not in capabilities:
            capabilities.append(f.capability)
        rows[key] = replace(row, objective=objectives, capability="; ".join(capabilities))
    return list(rows.values())
