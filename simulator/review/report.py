"""The after-action report, laid out after the HSEEP AAR/IP, as JSON, Markdown or HTML.

``build_report`` turns a scored run into one plain document (the JSON format is that
document); the renderers lay it out. The HTML is a single self-contained file with the
plots embedded as PNG data and print CSS, so it reads in a browser and prints cleanly.
Every count says what it counts (units or events), and a trainee's own orders are
listed per played role, zero included, so an evaluator sees what the trainee did.

The report opens with how the overall score is made (its three parts, their weights
and the outcome components; an incomplete run's window score and pro-rating, under a
banner) and each agency's role score from its own duties, the trainee's roles first.
An objective nothing could judge is "Not observed", never a rating; each measure shows
its credit, and a duty not done by the end is counted as a miss and marked wherever
its evidence is cited.
"""

import html
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date

from simulator.events import CONTROLLER, Event
from simulator.payloads import payload
from simulator.review import deconfliction, intelligence
from simulator.review.community import community_rows
from simulator.review.compare import NOT_COMPARABLE, Row
from simulator.review.conduct import conduct, stop_reason
from simulator.review.findings import (
    LABELS,
    NO_DUTY,
    Finding,
    agency_named,
    findings,
    improvement_plan,
    joint_findings,
    no_duty,
    seconds_text,
    share_text,
    untold_reasons,
    value_text,
)
from simulator.review.hoaxes import hoax_rows
from simulator.review.intervals import Check
from simulator.review.outcomes import OUTCOME_WEIGHTS, harm_text
from simulator.review.queueing import waits
from simulator.review.rating import NOT_OBSERVED, RATINGS, MeasureResult
from simulator.review.roles import GROUP_WEIGHTS, DutyGroup, RoleScore
from simulator.review.score import Scores
from simulator.review.stats import Evidence, Sample, cite, plural
from simulator.scenario.check import incidents
from simulator.scenario.model import Scenario
from simulator.scenario.timing import format_offset


@dataclass(frozen=True)
class RunMeta:
    """What the record says about the run (wall-clock times come from the store)."""

    run: str
    trainee: str | None
    roles: list[str]
    automated: list[str]
    seed: int
    started: str
    ended: str | None
    status: str
    scenario_sha256: str
    events_sha256: str | None
    plan_date: date | None = None
    # The time the run was asked to stop at (``run --until``); None when not known.
    until: float | None = None
    # The controller's actions (a served run's ``controller.jsonl``), in order.
    actions: list[dict] = field(default_factory=list)
    # "trainee" when the trainee ended a ``play`` session early; "" otherwise or unknown.
    stopped_by: str = ""


@dataclass(frozen=True)
class Geometry:
    """Road-node positions and road segments for the map (from the world, via the CLI)."""

    nodes: dict[str, tuple[float, float]] = field(default_factory=dict)
    roads: list[tuple[float, float, float, float]] = field(default_factory=list)


def build_report(
    scenario: Scenario,
    events: list[Event],
    scores: Scores,
    meta: RunMeta,
    notes: list[tuple[float, str]],
    comparison: list[Row] | None,
    geometry: Geometry | None = None,
    *,
    figures: bool = False,
    elsewhere: str = "",
    baseline_note: str = "",
) -> dict:
    """The whole report as plain data; with ``figures``, base64 PNG plots too.

    ``elsewhere`` says where the notes and the baseline are kept when the report's
    source holds neither (a run directory): an evaluator is told, not shown "none".
    ``baseline_note`` says why a trainee's run has no baseline, when it has none.
    """
    span = (cite(events[0]), cite(events[-1])) if events else (Evidence(0, 0, "", ""),) * 2
    names = scenario.agency_names()
    found = findings(scores, span, waits(scenario, events), names)
    joint = joint_findings(scenario, events)  # planned operations, intelligence handling
    areas = [f for f in found + joint if not f.strength]
    reason = stop_reason(
        scenario, scores.ended, scores.end, meta.until, meta.actions, meta.stopped_by
    )
    doc = {
        "title": f"{scenario.metadata.title}: After-Action Report / Improvement Plan",
        "overview": _overview(scenario, events, scores, meta, reason),
        "agency_names": names,  # the overview keeps ids; a person reads them by name
        "score": _score_section(scenario, scores, reason),
        "conduct": conduct(scenario, events, reason),
        "roles": _roles(scenario, scores, meta.roles, told := untold_reasons(scores, names)),
        "capabilities": [
            {
                "objective": o.id,
                "title": o.title,
                "core_capability": o.core_capability,
                "rating": o.rating,
                "rating_label": o.rating or NOT_OBSERVED_LABEL,
                "rating_text": _rating_text(o.rating),
                "score": o.score,
                "weight": o.weight,
            }
            for o in scores.objectives
        ],
        "objectives": [_objective(o, found, names) for o in scores.objectives],
        "rating_bands": rating_bands(scenario),
        "standards": [_finding(f) for f in found if f.objective is None],
        "standard_checks": [_standard_check(c) for c in scores.checks],
        "intervals": _intervals(scores, names),
        "outcomes": _outcomes(scores),
        "coordination": _coordination(scores),
        "trainee_orders": trainee_orders(events, meta.roles, names),
        "baseline": None if comparison is None else _baseline(comparison, meta.roles, told, names),
        "baseline_note": _baseline_note(scores, comparison, baseline_note),
        "notes": [{"t": t, "time": format_offset(t), "text": text} for t, text in notes],
        "elsewhere": elsewhere,
        "improvement_plan": [
            {**asdict(p), "responsible_named": _named_agencies(p.responsible, scenario)}
            for p in improvement_plan(areas, meta.plan_date)
        ],
        "community": community_rows(scores.community),
        "hoaxes": hoax_rows(scores.hoaxes),
    }
    operations = deconfliction.summary(scenario, events)
    if operations is not None:  # only a scenario that plans operations has the section
        operations["findings"] = [_finding(f) for f in joint if f.metric == "deconfliction"]
        doc["operations"] = operations
    intel = intelligence.summary(scenario, events)
    if intel is not None:  # only a scenario with handling rules has the section
        intel["findings"] = [_finding(f) for f in joint if f.metric == "intelligence_handling"]
        doc["intelligence"] = intel
    if figures:
        doc["figures"] = _figures(events, scores, geometry or Geometry())
    return doc


def render(doc: dict, fmt: str) -> str:
    """The report as ``json``, ``md`` or ``html`` text."""
    if fmt == "json":
        return json.dumps(doc, indent=2, sort_keys=False) + "\n"
    if fmt == "md":
        return markdown(doc)
    return page(doc)


# -- the document --------------------------------------------------------------------


_SCOPE = "Functional exercise (simulated): dispatch and field operations of every agency."


def _overview(
    scenario: Scenario, events: list[Event], scores: Scores, meta: RunMeta, reason: str
) -> dict:
    meta_s = scenario.metadata
    started = [e for e in events if e.kind == "incident.started"]
    happened = {e.incident for e in started}  # a run stopped early never met the rest
    hazards = [
        f"{spec.id}: {h.kind.value.replace('_', ' ')}"
        for _, _, spec in incidents(scenario)
        if spec.id in happened
        for h in spec.hazards
    ]
    return {
        "exercise": meta_s.title,
        "scenario_id": meta_s.id,
        "run": meta.run,
        "record": meta.status,
        "state": _state(scenario, scores, meta, reason),
        "exercise_played": _played_text(scores),
        "started": meta.started,
        "ended": meta.ended,
        "trainee": meta.trainee,
        "roles": meta.roles,
        "automated": meta.automated,
        "seed": meta.seed,
        "exercise_start_clock": meta_s.start,
        "duration": format_offset(meta_s.duration),
        "played_to": format_offset(scores.end),
        "scope": _SCOPE,
        "summary": meta_s.briefing.strip(),
        "core_capabilities": sorted({o.core_capability for o in scenario.scoring.objectives}),
        "objectives": [f"{o.id}: {o.title}" for o in scenario.scoring.objectives],
        "threats": sorted({payload(e).type.replace("_", " ") for e in started}),
        "hazards": hazards,
        # By name and id, as every other table here ("Riverton EMS (ems)"), then the kind
        # where the id does not say it: the kind alone read as an id ("Lake County EMS (ems)").
        "organisations": [
            _agency_label(a.name, a.id, mark="" if a.kind.value == a.id else a.kind.value)
            for a in scenario.agencies
        ],
        "scenario_sha256": meta.scenario_sha256,
        "events_sha256": meta.events_sha256,
        "events": len(events),
    }


# -- how the score is made -------------------------------------------------------------

NOT_OBSERVED_LABEL = "Not observed"
TIMES = "\N{MULTIPLICATION SIGN}"
_PARTS = {
    "objectives": "HSEEP objectives",
    "outcomes": "Outcomes",
    "duties": "Agencies' own duties",
}
_HOAX_HEADER = [
    "incident",
    "flagged by",
    "flagged",
    "checked",
    "verdict",
    "tactical teams sent before the check",
]
_COMPONENTS = {
    "survival": "Survival",
    "care": "Care",
    "resolution": "Resolution",
    "safety": "Responder safety",
    "distribution": "Patient distribution",
    "community": "Community trust",
    "traffic": "Traffic control",
}
_GROUPS = {
    "respond": "Respond",
    "dispatch": "Dispatch",
    "share": "Share facts",
    "command": "Command",
    "safety": "Safety",
    "deconflict": "Deconflict",
    "handle": "Handle intel",
}
_GROUP_TEXT = {
    "respond": "CAD opened to its first unit on scene or staged",
    "dispatch": "CAD opened to its first unit dispatched",
    "share": "a critical fact it knew first (with all that knew it then), until each agency "
    "needing it was told (not by walking into a hazard)",
    "command": "first unit on scene at a multi-agency incident until it was in command",
    "safety": "its own units harmed, 1 / (1 + units harmed)",
    "deconflict": "each operation it leads registered by its start; each conflict notice acted on",
    "handle": "each fact it owns reaching the partners needing it in time; no fact shared "
    "beyond its handling level",
}
# Duty groups shown only in a run where some agency had them.
_OPTIONAL_GROUPS = frozenset({"deconflict", "handle"})
UNDONE = "not done"  # by the end of the run, or before its incident closed
# A role's undone duties listed in the Markdown and HTML (the JSON lists them all).
LISTED_UNDONE = 5


def _rating_text(rating: str | None) -> str:
    return RATINGS[rating] if rating else NOT_OBSERVED


def _percent(credit: float | None) -> str:
    return "-" if credit is None else f"{100 * credit:.0f}%"


def _played_text(scores: Scores) -> str:
    """The whole exercise, or where it stopped: the record's state says nothing of that."""
    if scores.complete:
        return "the whole exercise"
    return f"stopped at {_clock(scores.end)} ({share_text(scores.played)} of the exercise)"


def _state(scenario: Scenario, scores: Scores, meta: RunMeta, reason: str) -> str:
    """The record's state; for a run stopped early, where and why (``reason``).

    "record complete · incomplete run" read as a contradiction for a run stopped by
    ``--until``: its record is whole, only the exercise was not played to its end.
    """
    if scores.complete:
        return f"record {meta.status}"
    if meta.status != "complete":
        return f"record {meta.status} · incomplete run, stopped at {_clock(scores.end)} ({reason})"
    return f"stopped at {_clock(scores.end)} of {_hhmm(scenario.metadata.duration)} ({reason})"


def _clock(t: float) -> str:
    """T+HH:MM, as the banner gives the time a run stopped."""
    return "T+" + _hhmm(t)


def _hhmm(t: float) -> str:
    """HH:MM, with the seconds only when there are some (a run stopped at T+00:00:01)."""
    text = format_offset(t)
    return text[:5] if text.endswith(":00") else text


def _tasks(objective: dict) -> str:
    """The critical tasks after the core capability, or nothing when none are named."""
    tasks = "; ".join(objective["critical_tasks"])
    return f" Critical tasks: {tasks}." if tasks else ""


def _standard_check(check: Check) -> dict:
    """One response standard's verdict as data, for comparing runs without the wording."""
    return {
        "name": check.name,
        "standard": check.standard,
        "target": check.target,
        "judged_on": "mean" if check.average else f"{100 * check.required_share:g}% within",
        "required_share": None if check.average else check.required_share,
        "n": check.n,
        "within": check.within,
        "percentile_at_share": check.at_share,
        "mean": check.mean,
        "met": check.met,
    }


def _target_text(m: MeasureResult) -> str:
    """Why a target has its rating, in words (the rating's letter goes beside it)."""
    if m.set_aside:
        return (
            "set aside: no work target of this objective was met (missed or not observed), "
            "so a count within its ceiling shows no work done"
        )
    if m.met is None:
        return "not observed"
    if not m.met:
        return "not met" + (f"; {_undone_text(m.missed)}" if m.missed else "")
    if m.missed:
        return f"met, with {_undone_text(m.missed)}"
    if m.rating == "M":
        return "met, with responders put at risk"
    if m.past and m.statistic in ("count", "level"):
        return f"met; {m.past} (at most {m.target:g} allowed)"
    if m.past:
        return f"met; {m.past} of {len(m.samples)} past the target"
    return "met" if m.statistic in ("count", "level") else "met by every measurement"


def _credit_text(m: MeasureResult) -> str:
    if m.set_aside:
        return "set aside"
    return _percent(m.credit) if m.met is not None else "not observed"


def _undone_text(n: int) -> str:
    return f"{n} {UNDONE} (counted as {'a miss' if n == 1 else 'misses'})"


def _score_section(scenario: Scenario, scores: Scores, reason: str) -> dict:
    """The overall score and how it is made: its parts, their weights, the pro-rating."""
    weights = scenario.scoring.weights
    outcome = scores.outcome_score
    values = {
        "objectives": scores.objectives_score,
        "outcomes": outcome.score,
        "duties": scores.duties_score,
    }
    # As the score mixes them: the observed parts with a weight, rescaled to sum to one.
    used = {
        k: getattr(weights, k)
        for k, v in values.items()
        if v is not None and getattr(weights, k) > 0
    }
    total = sum(used.values())
    rated = [o for o in scores.objectives if o.score is not None]
    roles = [r for r in scores.roles.values() if r.groups]
    unobserved = len(scores.objectives) - len(rated)
    basis = {
        "objectives": (
            f"the {plural(len(rated), ('rated objective', 'rated objectives'))}, weighted"
            + (f"; {unobserved} not observed, left out" if unobserved else "")
        ),
        "outcomes": "lives, care, incidents resolved, responders safe (by component below)",
        "duties": (
            f"mean role score of the {plural(len(roles), ('agency', 'agencies'))} with duties "
            "that fell due (Scores by role)"
        ),
    }
    parts = []
    for key, label in _PARTS.items():
        value, weight = values[key], getattr(weights, key)
        share = weight / total if key in used else None
        parts.append(
            {
                "part": key,
                "label": label,
                "score": value,
                "weight": weight,
                "share": None if share is None else round(share, 4),
                "points": None if share is None else round(share * value, 1),
                "basis": basis[key] if value is not None else "nothing observed: left out",
            }
        )
    components = [
        {
            "component": k,
            "label": _COMPONENTS[k],
            "credit": outcome.components[k],
            "credit_text": _percent(outcome.components[k]),
            "weight": OUTCOME_WEIGHTS[k],
            "note": outcome.notes.get(k, ""),
        }
        for k in _COMPONENTS
        if k in outcome.components
    ]
    terms = " + ".join(
        f"{p['weight']:.2f} {TIMES} {p['score']:.1f}" for p in parts if p["share"] is not None
    )
    if total and abs(total - 1.0) > 1e-9:
        terms = f"({terms}) / {total:.2f}"
    formula = f"{terms} = {_score(scores.window_overall)}" if total else "nothing observed"
    if not scores.complete and scores.window_overall is not None:
        formula += f", {TIMES} {share_text(scores.played)} played = {_score(scores.overall)}"
    return {
        "overall": scores.overall,
        "window_overall": scores.window_overall,
        "complete": scores.complete,
        "ended": scores.ended,
        "end": scores.end,
        "stopped_at": None if scores.complete else _clock(scores.end),
        "played": scores.played,
        "banner": None if scores.complete else _banner(scores, reason),
        "objectives_score": scores.objectives_score,
        "outcome_score": outcome.score,
        "duties_score": scores.duties_score,
        "weights": weights.model_dump(),
        "parts": parts,
        "outcome_components": components,
        "formula": formula,
        "breakdown": list(scores.breakdown),
    }


def _banner(scores: Scores, reason: str) -> str:
    """The incomplete-run banner; ``reason`` words the stop as the header line does."""
    return (
        f"Incomplete run: stopped at {_clock(scores.end)} ({reason}); "
        "scored on the duties that fell due in that window (window score "
        f"{_score(scores.window_overall)}), overall pro-rated to the share played "
        f"({share_text(scores.played)})"
    )


def _roles(
    scenario: Scenario, scores: Scores, trainee: list[str], untold: dict[str, str]
) -> list[dict]:
    """One entry per agency, the trainee's roles first (in their order), then by id."""
    names = scenario.agency_names()
    order = [a for a in trainee if a in scores.roles]
    order += [a for a in sorted(scores.roles) if a not in order]
    return [
        _role(
            scores.roles[a],
            names.get(a, a),
            a in trainee,
            scores.complete,
            untold.get(a),
            scores.outcomes.injured.get(a, 0),
        )
        for a in order
    ]


def _agency_label(name: str | None, agency: str, mine: bool = False, mark: str = "") -> str:
    """An agency by name with its id beside it, and marked when the trainee played it.

    "Harbor EMS (ems, your role)"; the id alone (with its marks) when it has no other
    name; ``mark`` adds another ("not a listed role").
    """
    name = name or agency
    marks = ([agency] if name != agency else []) + (["your role"] if mine else [])
    marks += [mark] if mark else []
    return name + (f" ({', '.join(marks)})" if marks else "")


def _agency_cell(row: dict, key: str = "agency") -> str:
    """A table's agency cell: by name and id ("Harbor EMS (ems)"), or "all" for none."""
    return _agency_label(row.get("name"), row[key]) if row[key] else "all"


def _window(role: RoleScore) -> float | None:
    """A role's score over the window played (before pro-rating), from its groups."""
    total = sum(GROUP_WEIGHTS[g.name] for g in role.groups)
    if not total:
        return None
    return round(100 * sum(GROUP_WEIGHTS[g.name] * g.credit for g in role.groups) / total, 1)


def _duties_text(g: DutyGroup) -> str:
    """How many duties fell due, how many were done late and how many never done."""
    counts = [f"{g.late} late"] * bool(g.late) + [f"{g.missed} not done"] * bool(g.missed)
    duties = plural(len(g.duties), ("duty", "duties"))
    if counts:
        return f"{duties}: {', '.join(counts)}"
    return f"{duties}, all done in time"


def _role(
    role: RoleScore, name: str, mine: bool, complete: bool, untold: str | None, injured: int
) -> dict:
    """One agency's role score and groups; ``injured``: its responders (people) hurt."""
    groups = []
    for g in role.groups:
        # Safety: its units harmed, and how many people of their crews were hurt.
        text = harm_text(g.missed, injured) if g.name == "safety" else _duties_text(g)
        groups.append(
            {
                "name": g.name,
                "label": _GROUPS.get(g.name, g.name),
                "what": _GROUP_TEXT.get(g.name, ""),
                "weight": GROUP_WEIGHTS.get(g.name),
                "target": g.target,
                "target_text": "-" if g.target is None else "<= " + seconds_text(g.target),
                "credit": round(g.credit, 4),
                "credit_text": _percent(g.credit),
                "duties": len(g.duties),
                "missed": g.missed,
                "text": text,
                "samples": [_sample(s) for s in g.duties],
            }
        )
    undone = [{"group": g.name, **_sample(s)} for g in role.groups for s in g.duties if s.censored]
    return {
        "agency": role.agency,
        "name": name,
        "trainee": mine,
        # By name, with the id the rest of the report uses: "Harbor EMS (ems, your role)".
        "label": _agency_label(name, role.agency, mine),
        "score": role.score,
        "window_score": _window(role),
        "pro_rated": not complete and role.score is not None,
        "score_text": no_duty(untold) if role.score is None else _score(role.score),
        "groups": groups,
        "undone": undone,
    }


def _evidence(e: Evidence, undone: bool = False) -> dict:
    """One cited event; ``undone`` when it started a duty not done by the end."""
    return {
        "seq": e.seq,
        "t": e.t,
        "time": format_offset(e.t),
        "event": e.text,
        "undone": undone,
    }


def _finding(f: Finding) -> dict:
    return {
        "kind": "strength" if f.strength else "area for improvement",
        "objective": f.objective,
        "capability": f.capability,
        "metric": f.metric,
        "title": f.title,
        "analysis": f.analysis,
        "evidence": [_evidence(e, e.seq in f.undone) for e in f.evidence],
    }


def _objective(o: object, found: list[Finding], names: dict[str, str]) -> dict:
    mine = [f for f in found if f.objective == o.id]
    return {
        "id": o.id,
        "title": o.title,
        "core_capability": o.core_capability,
        "critical_tasks": list(o.critical_tasks),
        "rating": o.rating,
        "rating_label": o.rating or NOT_OBSERVED_LABEL,
        "rating_text": _rating_text(o.rating),
        "score": o.score,
        "weight": o.weight,
        "measures": [
            {
                "metric": m.metric,
                "label": LABELS[m.metric],
                "agency": m.agency,
                "name": names.get(m.agency) if m.agency else None,
                "statistic": m.statistic,
                "value": m.value,
                "value_text": value_text(m.metric, m.value),
                "target": m.target,
                "target_text": ("<= " if m.at_most else ">= ") + value_text(m.metric, m.target),
                "met": m.met,
                "set_aside": m.set_aside,
                "credit": m.credit,
                "credit_text": _credit_text(m),
                "missed": m.missed,
                "missed_text": _undone_text(m.missed) if m.missed else "",
                "rating": m.rating,
                "rating_text": _target_text(m),
            }
            for m in o.measures
        ],
        "strengths": [_finding(f) for f in mine if f.strength],
        "areas_for_improvement": [_finding(f) for f in mine if not f.strength],
    }


def _baseline_note(scores: Scores, comparison: list[Row] | None, missing: str) -> str:
    """Why there is no baseline, or how far it was played when the run stopped early."""
    if comparison is None:
        return missing
    if scores.complete:
        return ""
    return (
        f"The automated players were played to {_clock(scores.end)}, where this run "
        "stopped, and are compared over that stretch."
    )


def _baseline(
    rows: list[Row], trainee: list[str], untold: dict[str, str], names: dict[str, str]
) -> list[dict]:
    """The comparison rows; a role's row names its agency, and the trainee's says so.

    A role with no duty in this run says why, where it was never told (``run_text``).
    """
    out = [asdict(row) for row in rows]
    for data in out:
        agency = data["agency"]
        if agency and names.get(agency, agency) != agency:  # "...: Harbor EMS (ems)"
            label = data["label"].removesuffix(f" ({agency})")
            data["label"] = f"{label}: {_agency_label(names[agency], agency)}"
        if data["role"]:  # by name, as the roles table has it
            name = names.get(data["role"], data["role"])
            data["label"] = (
                f"Role score: {_agency_label(name, data['role'], data['role'] in trainee)}"
            )
        if data["role"] and data["run"] is None:
            data["run_text"] = no_duty(untold.get(data["role"]))
    return out


def _intervals(scores: Scores, names: dict[str, str]) -> list[dict]:
    """Each interval's distribution per agency ("all" too), its name beside the id."""
    rows = []
    for metric, by_agency in scores.distributions.items():
        for agency, d in by_agency.items():
            if d.n:
                rows.append(
                    {
                        "metric": metric,
                        "label": LABELS[metric],
                        "agency": agency,
                        "name": names.get(agency),
                        **asdict(d),
                    }
                )
    return rows


def _outcomes(scores: Scores) -> dict:
    o = scores.outcomes
    data = asdict(o)
    data["deaths"] = [_evidence(e) for e in o.deaths]
    data["escalations"] = [_evidence(e) for e in o.escalations]
    return data


def _coordination(scores: Scores) -> dict:
    c = scores.coordination
    return {
        "comms_modelled": c.comms_modelled,
        "facts_derived": c.facts_derived,
        "unified_command": [_sample(s) for s in c.unified_command],
        "facts": [{**asdict(f), "evidence": [_evidence(e) for e in f.evidence]} for f in c.facts],
        "messages": c.messages,
        "paths": c.paths,
        "lost": len(c.lost),
        "lost_by_reason": c.lost_by_reason,
        "channels": [asdict(ch) for ch in c.channels],
        "duplicated": [_sample(s) for s in c.duplicated],
        "conflicted": [_sample(s) for s in c.conflicted],
        "unsafe": [_sample(s) for s in c.unsafe],
        "span": [_sample(s) for s in c.span],
        "idle": [_sample(s) for s in c.idle],
    }


def _sample(s: Sample) -> dict:
    """A sample with its evidence; a censored one (not done by the end) says so."""
    return {
        "value": s.value,
        "incident": s.incident,
        "agency": s.agency,
        "unit": s.unit,
        "note": s.note,
        "censored": s.censored,
        "evidence": [_evidence(e, s.censored) for e in s.evidence],
    }


# Automated players sign their commands with this prefix and their agency id; one
# playing a networked seat (``join --bot``) with the second.
_PLAYER = "player:"
_BOT = "bot:"
_ORDERS = ("command.accepted", "command.rejected")
_ORDERS_HEADER = ["role", "orders", "accepted", "rejected", "rejection reasons"]


def trainee_orders(
    events: list[Event], roles: list[str], names: dict[str, str] | None = None
) -> list[dict]:
    """The trainee's own orders per played role, accepted and rejected, by command type.

    An order is the trainee's when its source is not the automated player of its
    agency (``player:<agency>``, or ``bot:<agency>`` from a networked seat). Every role
    is listed, one without orders as zero; an agency given trainee orders without being
    a listed role is listed too (marked not played), so no trainee order goes unreported.
    ``names`` (the scenario's agency names) puts each role's name beside its id.
    """
    mine = [
        e
        for e in events
        if e.kind in _ORDERS
        and payload(e).source not in (f"{_PLAYER}{e.agency}", f"{_BOT}{e.agency}", CONTROLLER)
    ]
    extra = sorted({e.agency for e in mine if e.agency and e.agency not in roles})
    return [
        _role_orders(
            agency,
            (names or {}).get(agency),
            agency in roles,
            [e for e in mine if e.agency == agency],
        )
        for agency in [*roles, *extra]
    ]


def _role_orders(agency: str, named: str | None, played: bool, orders: list[Event]) -> dict:
    types: dict[str, dict] = {}
    for e in orders:
        order = payload(e)
        name = str(order.command.get("type", "unknown"))
        row = types.setdefault(name, {"type": name, "accepted": 0, "rejected": 0, "reasons": {}})
        if e.kind == "command.accepted":
            row["accepted"] += 1
            continue
        row["rejected"] += 1
        reason = order.reason or "no reason given"
        row["reasons"][reason] = row["reasons"].get(reason, 0) + 1
    by_type = [types[k] for k in sorted(types)]
    return {
        "role": agency,
        "name": named,
        "played": played,
        "orders": len(orders),
        "accepted": sum(r["accepted"] for r in by_type),
        "rejected": sum(r["rejected"] for r in by_type),
        "by_type": by_type,
    }


def _figures(events: list[Event], scores: Scores, geometry: Geometry) -> dict:
    # matplotlib is imported only when figures are drawn: the CLI starts fast and the
    # engine's headless test can run without it.
    from simulator.review import plots

    end = max(scores.end, 1.0)
    return {
        "Unit status timeline per agency": plots.unit_status_timeline(events, end),
        "Incident timelines with key events": plots.incident_timelines(events, end),
        "Response intervals against targets": plots.intervals_against_targets(scores.checks),
        "Channel load over time": plots.channel_load(scores.coordination.channels, end),
        "Fact-sharing latency": plots.fact_latency(scores.coordination.facts),
        "Map: incidents and routes": plots.incident_map(events, geometry.nodes, geometry.roads),
    }


# -- Markdown ------------------------------------------------------------------------


def _md_text(text: str, *, cell: bool = False) -> str:
    """An evaluator's words as one line of plain Markdown text.

    A note is typed by a person: its lines, a leading "#", a table or HTML in it must
    not become the report's own headings and tables, nor control characters reach a
    terminal the report is printed to.
    """
    shown = " ".join(_CONTROL.sub("", text).split())
    special = _MD_SPECIAL - {"|"} if cell else _MD_SPECIAL  # a table escapes its own "|"
    return "".join(f"\\{c}" if c in special else c for c in shown)


_MD_SPECIAL = frozenset("\\`*_[]<>|")  # what makes markup inside a line (it starts "- T+")


def _md_table(header: list[str], rows: list[list[object]]) -> list[str]:
    def cell(v: object) -> str:
        return "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*out, ""]


def _md_findings(items: list[dict]) -> list[str]:
    out = []
    for f in items:
        out.append(f"- **{f['title']}.** {f['analysis']}")
        for e in f["evidence"]:
            mark = f" ({UNDONE})" if e["undone"] else ""
            out.append(f"  - T+{e['time']} (event {e['seq']}): {e['event']}{mark}")
    return out


def _md_score(sc: dict) -> list[str]:
    lines = ["## Overall score", ""]
    if sc["banner"]:
        lines += [f"> **{sc['banner']}.**", ""]
    lines += [f"Overall score: **{_score(sc['overall'])}** / 100", ""]
    lines += _md_table(_SCORE_HEADER, _score_rows(sc))
    lines += [f"Overall = {sc['formula']}. {_WEIGHTS_NOTE}", ""]
    if sc["outcome_components"]:
        lines += ["Outcomes, by component:", ""]
        lines += _md_table(_COMPONENT_HEADER, _component_rows(sc))
    return lines


def _md_roles(roles: list[dict]) -> list[str]:
    columns = _columns(roles)
    lines = ["## Scores by role", "", _roles_note(columns), ""]
    rows = [
        [f"**{r['label']}**" if r["trainee"] else r["label"], *_role_cells(r, columns)]
        for r in roles
    ]
    lines += _md_table(["role", "score", *(_GROUPS[c] for c in columns)], rows)
    undone = _undone_rows(roles)
    if undone:
        lines += [f"Duties {UNDONE} (counted as misses):", ""]
        lines += [f"- {text}" for text in undone]
        lines.append("")
    return lines


def markdown(doc: dict) -> str:
    """The report as Markdown."""
    lines = [f"# {doc['title']}", "", _byline(doc), ""]
    lines += _md_score(doc["score"])
    lines += _md_roles(doc["roles"])
    lines += ["## Exercise overview", ""]
    lines += _md_table(["item", "value"], _overview_rows(doc))
    lines += ["## Exercise conduct", ""]
    if doc["conduct"]["summary"]:
        lines += [doc["conduct"]["summary"], ""]
    lines += _md_table(
        _CONDUCT_HEADER, [[*row[:2], _md_text(row[2], cell=True)] for row in _conduct_rows(doc)]
    )
    lines += [
        "## Analysis of core capabilities",
        "",
        _objectives_line(doc["score"]["objectives_score"], "**"),
        "",
    ]
    lines += _md_table(
        ["objective", "core capability", "rating", "score"],
        [
            [
                f"{c['objective']}: {c['title']}",
                c["core_capability"],
                f"{c['rating']} ({c['rating_text']})" if c["rating"] else c["rating_text"],
                _score(c["score"]),
            ]
            for c in doc["capabilities"]
        ],
    )
    lines += [_RATING_NOTE.format(bands=doc["rating_bands"]), ""]
    for o in doc["objectives"]:
        lines += [f"### {o['id']}: {o['title']} - rating {o['rating_label']}", ""]
        if o["rating"] is None:
            lines += [f"*{o['rating_text']}. {_UNRATED}*", ""]
        lines += [f"Core capability: {o['core_capability']}.{_tasks(o)}", ""]
        lines += _md_table(
            _MEASURE_HEADER,
            [
                [
                    m["label"],
                    _agency_cell(m),
                    _value_cell(m),
                    m["target_text"],
                    f"{m['rating']}: {m['rating_text']}" if m["rating"] else m["rating_text"],
                    m["credit_text"],
                ]
                for m in o["measures"]
            ],
        )
        lines += (
            ["**Strengths**", ""] + (_md_findings(o["strengths"]) or ["- none observed"]) + [""]
        )
        lines += (
            ["**Areas for improvement**", ""]
            + (_md_findings(o["areas_for_improvement"]) or ["- none"])
            + [""]
        )
    lines += [
        "## Response standards (NENA, NFPA 1225, NFPA 1710)",
        "",
        _STANDARDS_NOTE,
        "",
        *_md_findings(doc["standards"]),
        "",
    ]
    lines += ["## Response intervals", "", *_md_table(_INTERVAL_HEADER, _interval_rows(doc))]
    lines += ["## Outcomes", "", *_md_table(["outcome", "count"], _outcome_rows(doc["outcomes"]))]
    if doc.get("community"):
        lines += ["## Community (Public Information and Warning)", ""]
        lines += _md_table(["measure", "value"], doc["community"])
    if doc.get("hoaxes"):
        lines += ["## Hoax calls (flagged calls and their checks)", ""]
        lines += _md_table(_HOAX_HEADER, doc["hoaxes"])
    lines += [
        "## Coordination",
        "",
        _COORDINATION_NOTE,
        "",
        *_md_table(["measure", "value"], _coordination_rows(doc["coordination"])),
    ]
    if doc.get("operations"):
        lines += _md_operations(doc["operations"])
    if doc.get("intelligence"):
        lines += _md_intelligence(doc["intelligence"])
    lines += ["## Trainee's orders", ""]
    orders = _order_rows(doc["trainee_orders"])
    lines += _md_table(_ORDERS_HEADER, orders) if orders else [_NO_TRAINEE, ""]
    if doc["baseline"] is not None or doc["baseline_note"]:
        lines += ["## Baseline comparison (automated players, same scenario and seed)", ""]
        lines += [doc["baseline_note"], ""] if doc["baseline_note"] else []
    if doc["baseline"] is not None:
        lines += _md_table(
            ["measure", "this run", "baseline", "change", "better"], _baseline_rows(doc["baseline"])
        )
    elif doc["elsewhere"] and doc["overview"].get("roles"):
        lines += ["## Baseline comparison (automated players, same scenario and seed)", ""]
        lines += [doc["elsewhere"], ""]
    lines += ["## Evaluator notes", ""]
    notes = [f"- T+{n['time']}: {_md_text(n['text'])}" for n in doc["notes"]]
    lines += notes or [doc["elsewhere"] or "- none"]
    lines += ["", "## Improvement plan", "", *_md_table(_PLAN_HEADER, _plan_rows(doc))]
    return "\n".join(lines) + "\n"


_INTERVAL_HEADER = ["interval", "agency", "n", "mean", "median", "90th pct", "max"]
_CONDUCT_HEADER = ["time", "what", "detail"]


def _conduct_rows(doc: dict) -> list[list[str]]:
    """The MSEL's departures and contingency rows kept back in log order, then the end."""
    found = doc["conduct"]
    return [
        [f"T+{r['time']}", r["what"], r["detail"]]
        for r in [
            *sorted(found["deviations"] + found["reserve"], key=lambda r: r["seq"]),
            found["ended"],
        ]
    ]


def _html_conduct(doc: dict) -> list[str]:
    summary = doc["conduct"]["summary"]
    return [
        *([f"<p>{_e(summary)}</p>"] if summary else []),
        _table(_CONDUCT_HEADER, _conduct_rows(doc)),
    ]


_MEASURE_HEADER = ["measure", "agency", "value", "target", "rating", "credit"]
_SCORE_HEADER = ["part", "score", "weight", "points", "based on"]
_COMPONENT_HEADER = ["component", "credit", "weight", "what happened"]
_WEIGHTS_NOTE = (
    "Weights are the scenario's; a part with nothing observed is left out and the others "
    "are rescaled."
)
_ROLES_NOTE = (
    "Each agency is scored on its own duties only: respond (CAD opened to first unit on "
    "scene), dispatch (CAD opened to first unit dispatched), share (critical facts it knew "
    "first, to every agency needing them), command (in command at multi-agency incidents) "
    "and safety (its units unharmed){extra}, weighted {weights}. Credit is full within "
    f"target and falls to none at three times the target; a duty {UNDONE} counts as a miss."
)
_DECONFLICT_NOTE = (
    "; where operations are planned, deconflict (each operation it leads registered in "
    "event deconfliction by its start, each conflict notice acted on)"
)


_HANDLE_NOTE = (
    "; where facts carry handling levels, handle intel (each fact it owns reaching the "
    "partners needing it in time, none shared beyond its level: TLP 2.0)"
)


def _columns(roles: list[dict]) -> list[str]:
    """The duty groups to show: the usual five, and an optional one if any role had it."""
    present = {g["name"] for r in roles for g in r["groups"]}
    return [name for name in _GROUPS if name not in _OPTIONAL_GROUPS or name in present]


def _roles_note(columns: list[str]) -> str:
    weights = ", ".join(f"{k} {GROUP_WEIGHTS[k]:g}" for k in columns)
    extra = (_DECONFLICT_NOTE if "deconflict" in columns else "") + (
        _HANDLE_NOTE if "handle" in columns else ""
    )
    return _ROLES_NOTE.format(extra=extra, weights=weights)


_UNRATED = "None of its measures could be judged, so it is neither met nor missed."


def _objectives_line(value: float | None, bold: str, unbold: str | None = None) -> str:
    """The objectives' part of the overall score, or why there is none."""
    if value is None:
        return "Objectives score: not observed (no objective could be rated in this run)."
    return (
        f"Objectives score: {bold}{_score(value)}{unbold or bold} / 100 (the rated "
        "objectives' scores, weighted as the scenario states; one part of the overall score)."
    )


def _value_cell(m: dict) -> str:
    """A measure's value with its statistic ("not observed" alone when there is none)."""
    return m["value_text"] if m["value"] is None else f"{m['value_text']} ({m['statistic']})"


def _overview_rows(doc: dict) -> list[list[object]]:
    """The overview as item and value rows, its roles and automated agencies by name."""
    names = doc.get("agency_names", {})
    rows: list[list[object]] = []
    for key, value in doc["overview"].items():
        if key in ("roles", "automated"):
            value = [_agency_label(names.get(a), a) for a in value]
        rows.append([key.replace("_", " "), _plain(value)])
    return rows


def _byline(doc: dict) -> str:
    """Run, record status, seed and date; a run stopped early also says where it stopped."""
    ov = doc["overview"]
    return f"Run {ov['run']} · {ov['state']} · seed {ov['seed']} · recorded {ov['started']}"


def _score_rows(sc: dict) -> list[list[object]]:
    rows: list[list[object]] = [
        [
            p["label"],
            "not observed" if p["score"] is None else _score(p["score"]),
            f"{p['weight']:.2f}",
            "-" if p["points"] is None else f"{p['points']:.1f}",
            p["basis"],
        ]
        for p in sc["parts"]
    ]
    if not sc["complete"]:
        window = f"weighted mean over the window played (to {sc['stopped_at']})"
        rows.append(["Window score", _score(sc["window_overall"]), "", "", window])
        played = f"{TIMES} {share_text(sc['played'])}, the share of the exercise played"
        rows.append(["Overall, pro-rated", _score(sc["overall"]), "", "", played])
    else:
        rows.append(["Overall", _score(sc["overall"]), "", "", "weighted mean of the parts"])
    return rows


def _component_rows(sc: dict) -> list[list[object]]:
    return [
        [c["label"], c["credit_text"], f"{c['weight']:g}", c["note"]]
        for c in sc["outcome_components"]
    ]


def _role_score_text(r: dict) -> str:
    if r["score"] is None:
        return r["score_text"]
    if r["pro_rated"]:
        return f"{_score(r['score'])} (window {_score(r['window_score'])})"
    return _score(r["score"])


def _group_text(g: dict | None) -> str:
    return "-" if g is None else f"{g['credit_text']} ({g['text']})"


def _role_cells(r: dict, columns: list[str]) -> list[str]:
    groups = {g["name"]: g for g in r["groups"]}
    return [_role_score_text(r), *(_group_text(groups.get(name)) for name in columns)]


def _undone_rows(roles: list[dict]) -> list[str]:
    """One line per undone duty (the first few of each role), saying where it started."""
    out = []
    for r in roles:
        who = _agency_label(r["name"], r["agency"])  # by name, as the table above
        for d in r["undone"][:LISTED_UNDONE]:
            head = f"{who} · {_GROUPS.get(d['group'], d['group']).lower()}"
            head += f" · {d['incident']}" if d["incident"] else ""
            # The duty's own note says how it lapsed ("not done before it closed"),
            # else it was still undone when the run ended.
            note = d["note"] or UNDONE
            said = note if note.startswith("not done") else f"{note}; {UNDONE}"
            start = d["evidence"][0] if d["evidence"] else None
            since = (
                f", {seconds_text(d['value'])} after T+{start['time']} "
                f"(event {start['seq']}: {start['event']})"
                if start
                else ""
            )
            out.append(f"{head}: {said}{since}")
        more = len(r["undone"]) - LISTED_UNDONE
        if more > 0:
            out.append(f"{who}: and {more} more (all in the JSON report)")
    return out


def _interval_rows(doc: dict) -> list[list[object]]:
    stats = ("mean", "p50", "p90", "max")
    return [
        [r["label"], _agency_cell(r), r["n"], *(_mmss(r[k]) for k in stats)]
        for r in doc["intervals"]
    ]


def _plain(v: object) -> str:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) or "-"
    return "-" if v is None else str(v)


def _score(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def _met(v: bool | None) -> str:
    return {True: "yes", False: "NO", None: "not observed"}[v]


def _mmss(v: float | None) -> str:
    return "-" if v is None else seconds_text(v)


def _outcome_rows(o: dict) -> list[list[object]]:
    return [
        ["Casualties", o["casualties"]],
        ["  transported to hospital", o["transported"]],
        ["  treated and released on scene", o["treated"]],
        ["  deceased", o["deceased"]],
        ["    of whom died awaiting care", o["died_awaiting_care"]],
        ["  still awaiting care at the end", o["awaiting"]],
        ["Incidents", o["incidents"]],
        ["  resolved", o["resolved"]],
        ["  escalated", o["escalated"]],
        ["  secondary incidents (spread)", o["secondary"]],
        ["Patients arriving at a full hospital", o["hospital_over_capacity"]],
        ["Patients arriving at a crowded hospital (past 85% of beds)", o["hospital_crowded"]],
        [LABELS["unsafe_entries"], o["responders_harmed"]],
        ["  responders injured (people: each harmed crew's count)", sum(o["injured"].values())],
        ["Systems down (fault injects: CAD, records, radio, phones)", o["systems_down"]],
        ["  minutes down in all (Cybersecurity)", o["system_down_minutes"]],
    ]


def _coordination_rows(c: dict) -> list[list[object]]:
    derived = c["facts_derived"]
    shared = sum(1 for f in c["facts"] if f["first_known"] is not None and not f["missing"])
    uc = c["unified_command"]
    return [
        [
            "Communications modelled in this log",
            "yes" if c["comms_modelled"] else "no (engine without comms)",
        ],
        [
            "Critical facts",
            f"{len(c['facts'])} ({'incident existence, from CAD' if derived else 'fact events'})",
        ],
        ["  shared with every agency needing them", shared],
        [
            "Unified command (incidents with 2+ agencies with jurisdiction on scene)",
            len(uc) if c["comms_modelled"] else "not modelled",
        ],
        ["  not established", sum(1 for s in uc if s["note"])],
        ["Messages queued", c["messages"]],
        ["  between agencies, by path (SAFECOM level)", _paths_text(c["paths"])],
        ["Messages lost", _lost_text(c["lost"], c["lost_by_reason"])],
        [
            "Duplicated / conflicting assignments",
            f"{len(c['duplicated'])} / {len(c['conflicted'])}",
        ],
        [LABELS["unsafe_entries"], len({s["unit"] for s in c["unsafe"] if s["unit"]})],
        ["  harm events (unit.harmed; blue-on-blue, each team)", len(c["unsafe"])],
        ["Span-of-control breaches", len(c["span"])],
        ["Capable units left idle (>= 2 min)", len({s["unit"] for s in c["idle"]})],
    ]


def _paths_text(paths: dict[str, int]) -> str:
    """Messages between agencies by path, most used first, as plain words."""
    return ", ".join(f"{path} {n}" for path, n in paths.items()) or "none"


def _lost_text(lost: int, by_reason: dict[str, int]) -> str:
    """The lost-message count with its reasons, most frequent first, as plain words."""
    ranked = sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    reasons = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in ranked)
    return f"{lost} ({reasons})" if reasons else str(lost)


_NO_TRAINEE = "No agency was played by a trainee: every order came from the automated players."


def _order_rows(roles: list[dict]) -> list[list[object]]:
    """Per role a total row ("0 orders" when none), then one row per command type."""
    rows: list[list[object]] = []
    for r in roles:
        mark = "" if r["played"] else "not a listed role"
        role = _agency_label(r.get("name"), r["role"], mark=mark)
        total = plural(r["orders"], ("order", "orders"))
        rows.append([role, f"all types: {total}", r["accepted"], r["rejected"], ""])
        rows += [
            [role, t["type"], t["accepted"], t["rejected"], _reasons_text(t["reasons"])]
            for t in r["by_type"]
        ]
    return rows


def _reasons_text(reasons: dict[str, int]) -> str:
    return "; ".join(f"{k} ({n})" for k, n in sorted(reasons.items(), key=lambda kv: -kv[1]))


def _baseline_value(r: dict, side: str) -> str:
    """One side's value; a percentile also says how many observations it rests on."""
    v, n = r[side], r.get(f"{side}_n")
    if n == 0:
        return "none observed"
    if r["unit"] == "score":
        if v is None and r.get("role"):
            return r.get(f"{side}_text", NO_DUTY)
        return _score(v) if v is not None else "not observed"
    text = _mmss(v) if r["unit"] == "s" else "-" if v is None else _number_or_text(v)
    return text if n is None else f"{text} (n={n})"


def _number_or_text(v: object) -> str:
    return f"{v:g}" if isinstance(v, float | int) else str(v)


def _verdict(r: dict) -> str:
    if r["better"] != NOT_COMPARABLE:
        return {"run": "this run", "baseline": "baseline", "same": "same", None: "-"}[r["better"]]
    n, base_n = r["run_n"], r["baseline_n"]
    if not n or not base_n:
        return f"not comparable: no observations in {'this run' if not n else 'the baseline'}"
    fewer = "this run" if n < base_n else "the baseline"
    return f"not comparable: fewer observations in {fewer} ({n} vs {base_n})"


def _baseline_rows(rows: list[dict]) -> list[list[object]]:
    out = []
    for r in rows:
        delta = r["delta"]
        change = (
            "-"
            if delta is None
            else (
                ("+" if delta > 0 else "-" if delta < 0 else "") + seconds_text(abs(delta))
                if r["unit"] == "s"
                else f"{delta:+.1f}"
                if r["unit"] == "score"
                else f"{delta:+g}"
            )
        )
        out.append(
            [
                r["label"],
                _baseline_value(r, "run"),
                _baseline_value(r, "baseline"),
                change,
                _verdict(r),
            ]
        )
    return out


# -- HTML ----------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #1f3b63;
padding-bottom:3px;margin-top:32px;color:#1f3b63}h3{font-size:16px;margin:22px 0 6px}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:13px}
th,td{border:1px solid #ccd;padding:4px 7px;text-align:left;vertical-align:top}
.notes td{white-space:nowrap}.notes td+td{overflow-wrap:anywhere;white-space:pre-wrap;
unicode-bidi:isolate;width:100%}
th{background:#eef2f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.rating{display:inline-block;min-width:22px;text-align:center;font-weight:700;border-radius:4px;
padding:1px 6px;color:#fff}.P{background:#2e7d32}.S{background:#9e9d24}.M{background:#ef6c00}
.U{background:#c62828}.none{background:#888}.no{color:#c62828;font-weight:600}.yes{color:#2e7d32}
.muted{color:#666;font-size:13px}
.sub{display:inline-block;padding-left:1.5em}
ul.findings{padding-left:18px}ul.findings li{margin-bottom:6px}
ul.ev{font-size:12px;color:#444;margin:2px 0 0;padding-left:16px}
figure{margin:10px 0 18px;break-inside:avoid}figure img{max-width:100%;border:1px solid #dde}
figcaption{font-size:13px;color:#444}
.better-run{color:#2e7d32;font-weight:600}.better-baseline{color:#c62828;font-weight:600}
.banner{background:#fff4e0;border-left:5px solid #ef6c00;padding:9px 14px;margin:10px 0 14px;
color:#5d3200}.unobserved{background:#f1f1f1;border-left:4px solid #888;padding:5px 10px;
margin:4px 0;font-size:13px}
.scorecard{display:flex;gap:22px;align-items:flex-start}.scorecard .mix{flex:1}
.card{min-width:150px;text-align:center;border:1px solid #ccd;border-radius:6px;padding:10px 8px;
margin-top:8px;background:#f7f9fc}.big{font-size:44px;font-weight:700;line-height:1.1}
.big .of{font-size:16px;color:#666;font-weight:400;margin-left:3px}
.good{color:#2e7d32}.fair{color:#9a6700}.poor{color:#c62828}
table.compact{width:auto;min-width:60%}table.roles td{font-size:12.5px}
tr.mine td{background:#eef5ff}
.you{background:#1f3b63;color:#fff;border-radius:3px;padding:0 5px;font-size:11px;
font-weight:600;white-space:nowrap}
.undone{color:#8a4b00;background:#fff4e0;border-radius:3px;padding:0 4px;font-size:11.5px}
@media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}
table,figure,li{break-inside:avoid}a{color:inherit;text-decoration:none}
@page{size:A4;margin:16mm}}
"""


def _e(v: object) -> str:
    """Text for HTML: escaped, and without control codes (a name or note typed with one)."""
    return html.escape(_CONTROL.sub("", "-" if v is None else str(v)))


# The control codes (Unicode category Cc) but tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _html_table(
    header: list[str] | None, rows: list[list[str]], numeric: set[int] = frozenset()
) -> str:
    """A table of cells that are already HTML (escape text with ``_e`` first)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header or [])
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def _table(
    header: list[str] | None, rows: list[list[object]], numeric: set[int] = frozenset()
) -> str:
    return _html_table(header, [[_cell(v) for v in row] for row in rows], numeric)


def _cell(value: object) -> str:
    """A cell's text as HTML; a sub-row's leading spaces (Markdown's indent) as an indent."""
    if isinstance(value, str) and value.startswith(" "):
        return f'<span class="sub">{_e(value.lstrip())}</span>'
    return _e(value)


def _badge(rating: str | None) -> str:
    return f'<span class="rating {rating or "none"}">{_e(rating or NOT_OBSERVED_LABEL)}</span>'


def _muted(text: str) -> str:
    return f'<p class="muted">{_e(text)}</p>'


def _html_findings(items: list[dict], empty: str) -> str:
    if not items:
        return _muted(empty)
    out = []
    for f in items:
        ev = "".join(
            f"<li>T+{_e(e['time'])} &middot; event {e['seq']} &middot; {_e(e['event'])}"
            + (f' <span class="undone">{UNDONE}</span>' if e["undone"] else "")
            + "</li>"
            for e in f["evidence"]
        )
        out.append(f"<li><b>{_e(f['title'])}.</b> {_e(f['analysis'])}<ul class=ev>{ev}</ul></li>")
    return '<ul class="findings">' + "".join(out) + "</ul>"


_RATING_NOTE = (
    "P: performed without challenges; S: some challenges; M: major challenges; U: unable to "
    "be performed (HSEEP). Each target: U if not met; met, P if every measurement was within "
    "it (a ceiling: none happened), S if some were past it (some happened), M if duties were "
    "left undone or responders were put at risk. Each objective: its score's band, "
    "{bands}, so a higher score never has a worse letter. When no work target of an "
    "objective was met (all missed, or none observed), a count of zero of harm that acting "
    "causes (messages lost, clashing assignments, span breaches, units harmed, teams sent to "
    "hoaxes) and a death or escalation count within its ceiling are set aside: inaction "
    "keeps the first clean, and the script or the partners can keep the second down."
)


def rating_bands(scenario: Scenario) -> str:
    """The score bands of P, S and M in words: the scenario's, or each objective's own."""
    rules = {
        (o.rating.performed, o.rating.some_challenges, o.rating.major_challenges)
        for o in scenario.scoring.objectives
    }
    if len(rules) != 1:
        return "by each objective's thresholds in the scenario"
    (shares,) = rules
    cuts = [f"{letter} from {100 * share:g}" for letter, share in zip("PSM", shares, strict=True)]
    return f"{', '.join(cuts)}, U below {100 * shares[2]:g}"


_STANDARDS_NOTE = (
    "NENA-STA-020.1-2020 (call answer), NFPA 1225 (call processing; a fire centre's call "
    "answer), NFPA 1710 (alarm processing, turnout, travel, and first-alarm staffing at "
    "structure fires: 16 on scene, 17 with an aerial, the standard's figure for a house, so "
    "a floor at an apartment block or a high-rise); targets from the scenario, "
    "defaults from the standards. A standard is met when the share it states (90%; NENA's "
    "second figure 95%) is within target; police priority-1 (no national standard; the 5:15 "
    "default is one city's average) when the mean is."
)
_COORDINATION_NOTE = (
    "Measured against NIMS and the Incident Command System (ICS): one incident command post "
    "per incident, unified command where agencies share jurisdiction, and a span of control "
    "of 3 to 7 units per supervisor (5 unless the scenario sets it); messages across agencies "
    "counted by the path they took, with its level on the SAFECOM interoperability continuum "
    "(1 liaison, 2 talk-around, 3 mutual-aid talkgroup, 4 console patch, 6 shared system)."
)
_BASELINE_NOTE = "The same scenario and seed played by automated players only, scored the same way."


def _html_capabilities(doc: dict) -> list[str]:
    rows = [
        [
            _e(f"{c['objective']}: {c['title']}"),
            _e(c["core_capability"]),
            f"{_badge(c['rating'])} {_e(c['rating_text'].removeprefix(NOT_OBSERVED_LABEL + ': '))}",
            _e(_score(c["score"])),
        ]
        for c in doc["capabilities"]
    ]
    return [
        f"<p>{_objectives_line(doc['score']['objectives_score'], '<b>', '</b>')}</p>",
        _html_table(["objective", "core capability", "rating", "score"], rows, {3}),
        _muted(_RATING_NOTE.format(bands=doc["rating_bands"])),
    ]


def _tone(score: float | None) -> str:
    """A score's colour class: good, fair or poor."""
    if score is None:
        return "none"
    return "good" if score >= 80 else "fair" if score >= 50 else "poor"


def _html_score(sc: dict) -> list[str]:
    banner = [f'<div class="banner"><b>{_e(sc["banner"])}.</b></div>'] if sc["banner"] else []
    rows = []
    for p in sc["parts"]:
        observed = p["score"] is not None
        rows.append(
            [
                f"<b>{_e(p['label'])}</b>",
                f'<span class="{_tone(p["score"])}">{_e(_score(p["score"]))}</span>'
                if observed
                else '<span class="muted">not observed</span>',
                _e(f"{p['weight']:.2f}"),
                _e("-" if p["points"] is None else f"{p['points']:.1f}"),
                _e(p["basis"]),
            ]
        )
    for label, value, _, _, basis in _score_rows(sc)[len(sc["parts"]) :]:
        rows.append([f"<b>{_e(label)}</b>", f"<b>{_e(value)}</b>", "", "", _e(basis)])
    components = _component_rows(sc)
    detail = (
        [
            "<h3>Outcomes, by component</h3>",
            _table(_COMPONENT_HEADER, components, {1, 2}).replace(
                "<table>", '<table class="compact">', 1
            ),
        ]
        if components
        else []
    )
    overall = sc["overall"]
    card = (
        f'<div class="card"><div class="big {_tone(overall)}">{_e(_score(overall))}'
        '<span class="of">/ 100</span></div><div class="muted">overall score'
        + ("" if sc["complete"] else f", pro-rated ({share_text(sc['played'])} played)")
        + "</div></div>"
    )
    return [
        *banner,
        f'<div class="scorecard">{card}<div class="mix">'
        + _html_table(_SCORE_HEADER, rows, {1, 2, 3})
        + "</div></div>",
        _muted(f"Overall = {sc['formula']}. {_WEIGHTS_NOTE}"),
        *detail,
    ]


def _html_roles(roles: list[dict]) -> list[str]:
    columns = _columns(roles)
    header = ["role", "score", *(_GROUPS[c] for c in columns)]
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for r in roles:
        name = _e(r["agency"]) + (' <span class="you">your role</span>' if r["trainee"] else "")
        label = f"<b>{name}</b><br><span class=muted>{_e(r['name'])}</span>"
        if r["score"] is None:
            cells = f'<td colspan={len(columns) + 1} class="muted">{_e(r["score_text"])}</td>'
        else:
            window = (
                f"<br><span class=muted>window {_e(_score(r['window_score']))}</span>"
                if r["pro_rated"]
                else ""
            )
            score = f'<td class=num><b class="{_tone(r["score"])}">{_e(_score(r["score"]))}</b>'
            groups = {g["name"]: g for g in r["groups"]}
            cells = (
                score
                + window
                + "</td>"
                + "".join(_html_group(groups.get(name)) for name in columns)
            )
        css = ' class="mine"' if r["trainee"] else ""
        body.append(f"<tr{css}><td>{label}</td>{cells}</tr>")
    table = (
        f'<table class="roles"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )
    undone = _undone_rows(roles)
    listed = (
        [
            f"<b>Duties {UNDONE}</b> <span class=muted>(counted as misses)</span>"
            '<ul class="ev">' + "".join(f"<li>{_e(t)}</li>" for t in undone) + "</ul>"
        ]
        if undone
        else []
    )
    return [_muted(_roles_note(columns)), table, *listed]


def _html_group(g: dict | None) -> str:
    if g is None:
        return '<td class="muted">-</td>'
    credit = f'<b class="{_tone(100 * g["credit"])}">{_e(g["credit_text"])}</b>'
    return f"<td>{credit}<br><span class=muted>{_e(g['text'])}</span></td>"


def _html_objective(o: dict) -> list[str]:
    rows = [
        [
            _e(m["label"]),
            _e(_agency_cell(m)),
            _e(_value_cell(m)),
            _e(m["target_text"]),
            (f"{_badge(m['rating'])} " if m["rating"] else "") + _e(m["rating_text"]),
            _e(m["credit_text"]),
        ]
        for m in o["measures"]
    ]
    unobserved = (
        [f'<p class="unobserved">{_e(o["rating_text"])}. {_e(_UNRATED)}</p>']
        if o["rating"] is None
        else []
    )
    return [
        f"<h3>{_badge(o['rating'])} {_e(o['id'])}: {_e(o['title'])}</h3>",
        *unobserved,
        _muted(f"{o['core_capability']}.{_tasks(o)}"),
        _html_table(_MEASURE_HEADER, rows, {2, 3, 5}),
        "<b>Strengths</b>" + _html_findings(o["strengths"], "None observed."),
        "<b>Areas for improvement</b>" + _html_findings(o["areas_for_improvement"], "None."),
    ]


def _html_baseline(rows: list[dict]) -> list[str]:
    cells = [
        [_e(a), _e(b), _e(c), _e(d), f"<span class={_verdict_css(w)}>{_e(w)}</span>"]
        for a, b, c, d, w in _baseline_rows(rows)
    ]
    header = ["measure", "this run", "baseline", "change", "better"]
    return [
        _muted(_BASELINE_NOTE),
        _html_table(header, cells, {1, 2, 3}),
    ]


def _verdict_css(verdict: str) -> str:
    css = {"this run": "better-run", "baseline": "better-baseline"}
    return css.get(verdict, "muted" if verdict.startswith(NOT_COMPARABLE) else "same")


def _html_figures(figures: dict) -> list[str]:
    out = []
    for caption, png in figures.items():
        if png is None:
            out.append(_muted(f"{caption}: nothing recorded in this log."))
            continue
        image = f'<img alt="{_e(caption)}" src="data:image/png;base64,{png}">'
        out.append(f"<figure>{image}<figcaption>{_e(caption)}</figcaption></figure>")
    return out


# An agency id heading one of a responsible text's items ("police 2, fbi_jttf 1 (of 3
# units)", "police, fire"): where ``findings`` puts the agencies it holds responsible.
# An id in a responsible text: "police 2, fire 1 (...)", or co-first knowers "ems and police".
_RESPONSIBLE_ID = re.compile(r"(?:^|(?<=, )|(?<= and ))([\w-]+)(?= \d|,|$| and )")


def _named_agencies(responsible: str, scenario: Scenario) -> str:
    """A responsible text with each agency named beside its id, as the evaluator knows it.

    The JSON keeps the ids (``responsible``); a reader of the plan knows "Harbor Fire
    Department", and the id beside it matches the rest of the report.
    """
    names = scenario.agency_names()
    return _RESPONSIBLE_ID.sub(lambda match: agency_named(match.group(1), names), responsible)


def _plan_rows(doc: dict) -> list[list[object]]:
    keys = ("capability", "issue", "corrective_action", "responsible_named", "start", "completion")
    return [[p["objective"] or "-", *(p[k] for k in keys)] for p in doc["improvement_plan"]]


_PLAN_HEADER = [
    "objective",
    "capability",
    "issue",
    "corrective action",
    "responsible",
    "start",
    "completion",
]


def _html_orders(roles: list[dict]) -> list[str]:
    rows = _order_rows(roles)
    if not rows:
        return [_muted(_NO_TRAINEE)]
    cells = [
        [(f"<b>{_e(c)}</b>" if r[1].startswith("all types") else _e(c)) for c in r] for r in rows
    ]
    return [_muted(_ORDERS_NOTE), _html_table(_ORDERS_HEADER, cells, {2, 3})]


_ORDERS_NOTE = (
    "Commands the trainee gave for each played role, as the engine accepted or rejected "
    "them; the automated players' commands are not counted."
)


_OPERATIONS_HEADER = ["operation", "type", "lead", "place", "window", "registered", "outcome"]
_CONFLICTS_HEADER = ["conflict", "operations", "lead agencies", "found", "resolved"]


def _operations_note(ops: dict) -> str:
    return (
        f"Measured against {ops['standard']}: every operation entered before it starts, "
        f"every conflict (two events within {ops['radius_m']:g} m and overlapping in time) "
        "acted on by both lead agencies, and no blue-on-blue confrontation. Service: "
        f"{ops['service']}."
    )


def _operation_rows(ops: dict) -> list[list[object]]:
    return [
        [
            f"{r['operation']}: {r['title']}",
            r["type"].replace("_", " "),
            r["lead"],
            r["node"],
            f"T+{format_offset(r['start'])} to T+{format_offset(r['end'])}",
            "never"
            if r["registered"] is None
            else f"T+{format_offset(r['registered'])}"
            + ("" if r["registered_before_start"] else " (late)"),
            r["outcome"],
        ]
        for r in ops["operations"]
    ]


def _conflict_rows(ops: dict) -> list[list[object]]:
    return [
        [
            c["conflict"],
            ", ".join(c["operations"]),
            ", ".join(c["agencies"]),
            f"T+{format_offset(c['t'])}",
            "not resolved"
            if c["resolved"] is None
            else f"T+{format_offset(c['resolved'])} ({c['how']})",
        ]
        for c in ops["conflicts"]
    ]


def _operations_measure_rows(ops: dict) -> list[list[object]]:
    return [[m["measure"], m["text"], _met(m["met"])] for m in ops["measures"]]


def _md_operations(ops: dict) -> list[str]:
    lines = ["## Operations and event deconfliction", "", _operations_note(ops), ""]
    lines += _md_table(["measure", "value", "met"], _operations_measure_rows(ops))
    lines += _md_table(_OPERATIONS_HEADER, _operation_rows(ops))
    conflicts = _conflict_rows(ops)
    if conflicts:
        lines += _md_table(_CONFLICTS_HEADER, conflicts)
    return lines + _md_findings(ops["findings"]) + [""]


def _html_operations(ops: dict) -> list[str]:
    parts = [
        _muted(_operations_note(ops)),
        _table(["measure", "value", "met"], _operations_measure_rows(ops)),
        _table(_OPERATIONS_HEADER, _operation_rows(ops)),
    ]
    conflicts = _conflict_rows(ops)
    if conflicts:
        parts.append(_table(_CONFLICTS_HEADER, conflicts))
    return [*parts, _html_findings(ops["findings"], "No findings.")]


_FACTS_HEADER = ["fact", "level", "owner", "cleared", "needed by", "held by"]


def _intelligence_note(intel: dict) -> str:
    return (
        f"Measured against {intel['standard']}: each fact reaches the partners that need "
        "it in time (withholding leaves them exposed) and nobody its level does not allow "
        "(an over-share can burn a source or alert a target)."
    )


def _fact_rows(intel: dict) -> list[list[object]]:
    return [
        [
            f["fact"],
            f"{f['level'].replace('_', ' ')} ({f['tlp']})",
            f["owner"],
            ", ".join(f["recipients"]) or "-",
            ", ".join(f["needed_by"]) or "-",
            ", ".join(f["holders"]) or "nobody",
        ]
        for f in intel["facts"]
    ]


_COMBINED_HEADER = ["combined", "by", "fact", "from", "analysis began", "then told"]


def _combined_rows(intel: dict) -> list[list[object]]:
    """Each fact an analyst combined (a fusion centre's work) and who got it after."""
    return [
        [
            f"T+{format_offset(c['t'])}",
            c["by"],
            c["fact"],
            ", ".join(c["sources"]),
            f"T+{format_offset(c['began'])}",
            ", ".join(
                f"{g['agency']} T+{format_offset(g['t'])}"
                + (f" (from {g['from']})" if g["from"] else "")
                for g in c["got"]
            )
            or "nobody",
        ]
        for c in intel["combined"]
    ]


def _md_intelligence(intel: dict) -> list[str]:
    lines = ["## Intelligence handling", "", _intelligence_note(intel), ""]
    lines += _md_table(["measure", "value", "met"], _operations_measure_rows(intel))
    if intel["facts"]:
        lines += _md_table(_FACTS_HEADER, _fact_rows(intel))
    if intel["combined"]:
        lines += ["Facts combined by analysts (fusion):", ""]
        lines += _md_table(_COMBINED_HEADER, _combined_rows(intel))
    return lines + _md_findings(intel["findings"]) + [""]


def _html_intelligence(intel: dict) -> list[str]:
    parts = [
        _muted(_intelligence_note(intel)),
        _table(["measure", "value", "met"], _operations_measure_rows(intel)),
    ]
    if intel["facts"]:
        parts.append(_table(_FACTS_HEADER, _fact_rows(intel)))
    if intel["combined"]:
        parts += [_muted("Facts combined by analysts (fusion):")]
        parts.append(_table(_COMBINED_HEADER, _combined_rows(intel)))
    return [*parts, _html_findings(intel["findings"], "No findings.")]


def _html_sections(doc: dict) -> list[tuple[str, list[str]]]:
    """The report's sections in order (title, HTML parts); optional ones only when present."""
    objectives = [part for o in doc["objectives"] for part in _html_objective(o)]
    plan = _plan_rows(doc)
    notes = [[f"T+{n['time']}", n["text"]] for n in doc["notes"]]  # see .notes in _CSS
    sections = [
        ("Overall score", _html_score(doc["score"])),
        ("Scores by role", _html_roles(doc["roles"])),
        (
            "Exercise overview",
            [_table(None, _overview_rows(doc))],
        ),
        ("Exercise conduct", _html_conduct(doc)),
        ("Analysis of core capabilities", _html_capabilities(doc)),
        ("Objectives: strengths and areas for improvement", objectives),
        (
            "Response standards",
            [
                _muted(_STANDARDS_NOTE),
                _html_findings(doc["standards"], "No response intervals measured."),
                _table(_INTERVAL_HEADER, _interval_rows(doc), {2, 3, 4, 5, 6}),
            ],
        ),
        ("Outcomes", [_table(["outcome", "count"], _outcome_rows(doc["outcomes"]), {1})]),
        (
            "Coordination",
            [
                _muted(_COORDINATION_NOTE),
                _table(["measure", "value"], _coordination_rows(doc["coordination"]), {1}),
            ],
        ),
    ]
    if doc.get("operations"):
        sections.append(("Operations and event deconfliction", _html_operations(doc["operations"])))
    if doc.get("intelligence"):
        sections.append(("Intelligence handling", _html_intelligence(doc["intelligence"])))
    sections += [
        ("Trainee's orders", _html_orders(doc["trainee_orders"])),
    ]
    if doc.get("community"):
        at = 1 + next(i for i, (title, _) in enumerate(sections) if title == "Outcomes")
        sections.insert(at, ("Community", [_table(["measure", "value"], doc["community"])]))
    if doc.get("hoaxes"):
        at = 1 + next(i for i, (title, _) in enumerate(sections) if title == "Outcomes")
        sections.insert(at, ("Hoax calls", [_table(_HOAX_HEADER, doc["hoaxes"])]))
    note = [_muted(doc["baseline_note"])] if doc["baseline_note"] else []
    if doc["baseline"] is not None:
        sections.append(("Baseline comparison", [*note, *_html_baseline(doc["baseline"])]))
    elif note:
        sections.append(("Baseline comparison", note))
    elif doc["elsewhere"] and doc["overview"].get("roles"):
        sections.append(("Baseline comparison", [_muted(doc["elsewhere"])]))
    sections += [
        (
            "Evaluator notes",
            [f'<div class="notes">{_table(["time", "note"], notes)}</div>']
            if notes
            else [_muted(doc["elsewhere"] or "No notes.")],
        ),
        ("Improvement plan", [_table(_PLAN_HEADER, plan) if plan else _muted("None.")]),
    ]
    if doc.get("figures"):
        sections.append(("Figures", _html_figures(doc["figures"])))
    return sections


def page(doc: dict) -> str:
    """The report as one self-contained HTML page, its sections numbered in order."""
    parts = [
        f"<h1>{_e(doc['title'])}</h1>",
        _muted(_byline(doc)),
    ]
    for number, (title, body) in enumerate(_html_sections(doc), start=1):
        parts += [f"<h2>{number}. {_e(title)}</h2>", *body]
    title = _e(doc["title"])
    head = f'<head><meta charset="utf-8"><title>{title}</title><style>{_CSS}</style></head>'
    body = "\n".join(parts)
    return f'<!DOCTYPE html>\n<html lang="en">{head}<body>\n{body}\n</body></html>\n'
