"""The after-action report, laid out after the HSEEP AAR/IP, as JSON, Markdown or HTML.

``build_report`` turns a scored run into one plain document (the JSON format is that
document); the renderers lay it out. The HTML is a single self-contained file with the
plots embedded as PNG data and print CSS, so it reads in a browser and prints cleanly.
Every count says what it counts (units or events), and a trainee's own orders are
listed per played role, zero included, so an evaluator sees what the trainee did.
"""

import html
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from simulator.events import Event
from simulator.review.compare import NOT_COMPARABLE, Row
from simulator.review.findings import (
    LABELS,
    Finding,
    findings,
    improvement_plan,
    plural,
    seconds_text,
    value_text,
)
from simulator.review.rating import RATINGS
from simulator.review.score import Scores
from simulator.review.stats import Evidence, cite
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
) -> dict:
    """The whole report as plain data; with ``figures``, base64 PNG plots too."""
    span = (cite(events[0]), cite(events[-1])) if events else (Evidence(0, 0, "", ""),) * 2
    found = findings(scores, span, {a.id: a.kind.value for a in scenario.agencies})
    areas = [f for f in found if not f.strength]
    doc = {
        "title": f"{scenario.metadata.title}: After-Action Report / Improvement Plan",
        "overview": _overview(scenario, events, scores, meta),
        "score": {"overall": scores.overall, "breakdown": list(scores.breakdown)},
        "capabilities": [
            {
                "objective": o.id,
                "title": o.title,
                "core_capability": o.core_capability,
                "rating": o.rating,
                "rating_text": RATINGS.get(o.rating or "", "Not rated (nothing observed)"),
                "score": o.score,
            }
            for o in scores.objectives
        ],
        "objectives": [_objective(o, found) for o in scores.objectives],
        "standards": [_finding(f) for f in found if f.objective is None],
        "intervals": _intervals(scores),
        "outcomes": _outcomes(scores),
        "coordination": _coordination(scores),
        "trainee_orders": trainee_orders(events, meta.roles),
        "baseline": None if comparison is None else [asdict(r) for r in comparison],
        "notes": [{"t": t, "time": format_offset(t), "text": text} for t, text in notes],
        "improvement_plan": [asdict(p) for p in improvement_plan(areas, meta.plan_date)],
    }
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


def _overview(scenario: Scenario, events: list[Event], scores: Scores, meta: RunMeta) -> dict:
    meta_s = scenario.metadata
    started = [e for e in events if e.kind == "incident.started"]
    hazards = [
        f"{spec.id}: {h.kind.value.replace('_', ' ')}"
        for _, _, spec in incidents(scenario)
        for h in spec.hazards
    ]
    return {
        "exercise": meta_s.title,
        "scenario_id": meta_s.id,
        "run": meta.run,
        "status": meta.status,
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
        "threats": sorted({str(e.data.get("type", "")).replace("_", " ") for e in started}),
        "hazards": hazards,
        "organisations": [f"{a.name} ({a.kind.value})" for a in scenario.agencies],
        "scenario_sha256": meta.scenario_sha256,
        "events_sha256": meta.events_sha256,
        "events": len(events),
    }


def _evidence(e: Evidence) -> dict:
    return {"seq": e.seq, "t": e.t, "time": format_offset(e.t), "event": e.text}


def _finding(f: Finding) -> dict:
    return {
        "kind": "strength" if f.strength else "area for improvement",
        "objective": f.objective,
        "capability": f.capability,
        "metric": f.metric,
        "title": f.title,
        "analysis": f.analysis,
        "evidence": [_evidence(e) for e in f.evidence],
    }


def _objective(o: object, found: list[Finding]) -> dict:
    mine = [f for f in found if f.objective == o.id]
    return {
        "id": o.id,
        "title": o.title,
        "core_capability": o.core_capability,
        "critical_tasks": list(o.critical_tasks),
        "rating": o.rating,
        "score": o.score,
        "measures": [
            {
                "metric": m.metric,
                "label": LABELS[m.metric],
                "agency": m.agency,
                "statistic": m.statistic,
                "value": m.value,
                "value_text": value_text(m.metric, m.value),
                "target": m.target,
                "target_text": ("<= " if m.at_most else ">= ") + value_text(m.metric, m.target),
                "met": m.met,
            }
            for m in o.measures
        ],
        "strengths": [_finding(f) for f in mine if f.strength],
        "areas_for_improvement": [_finding(f) for f in mine if not f.strength],
    }


def _intervals(scores: Scores) -> list[dict]:
    rows = []
    for metric, by_agency in scores.distributions.items():
        for agency, d in by_agency.items():
            if d.n:
                rows.append(
                    {"metric": metric, "label": LABELS[metric], "agency": agency, **asdict(d)}
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
        "lost": len(c.lost),
        "lost_by_reason": c.lost_by_reason,
        "channels": [asdict(ch) for ch in c.channels],
        "duplicated": [_sample(s) for s in c.duplicated],
        "conflicted": [_sample(s) for s in c.conflicted],
        "unsafe": [_sample(s) for s in c.unsafe],
        "span": [_sample(s) for s in c.span],
        "idle": [_sample(s) for s in c.idle],
    }


def _sample(s: object) -> dict:
    return {
        "value": s.value,
        "incident": s.incident,
        "agency": s.agency,
        "unit": s.unit,
        "note": s.note,
        "evidence": [_evidence(e) for e in s.evidence],
    }


# Automated players sign their commands with this prefix and their agency id.
_PLAYER = "player:"
_ORDERS = ("command.accepted", "command.rejected")
_ORDERS_HEADER = ["role", "orders", "accepted", "rejected", "rejection reasons"]


def trainee_orders(events: list[Event], roles: list[str]) -> list[dict]:
    """The trainee's own orders per played role, accepted and rejected, by command type.

    An order is the trainee's when its source is not the automated player of its
    agency (``player:<agency>``). Every role is listed, one without orders as zero;
    an agency given trainee orders without being a listed role is listed too (marked
    not played), so no trainee order goes unreported.
    """
    mine = [
        e for e in events if e.kind in _ORDERS and e.data.get("source") != f"{_PLAYER}{e.agency}"
    ]
    extra = sorted({e.agency for e in mine if e.agency and e.agency not in roles})
    return [
        _role_orders(agency, agency in roles, [e for e in mine if e.agency == agency])
        for agency in [*roles, *extra]
    ]


def _role_orders(agency: str, played: bool, orders: list[Event]) -> dict:
    types: dict[str, dict] = {}
    for e in orders:
        name = str((e.data.get("command") or {}).get("type", "unknown"))
        row = types.setdefault(name, {"type": name, "accepted": 0, "rejected": 0, "reasons": {}})
        if e.kind == "command.accepted":
            row["accepted"] += 1
            continue
        row["rejected"] += 1
        reason = str(e.data.get("reason") or "no reason given")
        row["reasons"][reason] = row["reasons"].get(reason, 0) + 1
    by_type = [types[k] for k in sorted(types)]
    return {
        "role": agency,
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
            out.append(f"  - T+{e['time']} (event {e['seq']}): {e['event']}")
    return out


def markdown(doc: dict) -> str:
    """The report as Markdown."""
    ov = doc["overview"]
    lines = [f"# {doc['title']}", "", "## Exercise overview", ""]
    lines += _md_table(["item", "value"], [[k.replace("_", " "), _plain(v)] for k, v in ov.items()])
    overall = doc["score"]["overall"]
    lines += [
        "## Analysis of core capabilities",
        "",
        f"Overall score: **{_score(overall)}** / 100",
        "",
    ]
    lines += _md_table(
        ["objective", "core capability", "rating", "score"],
        [
            [
                f"{c['objective']}: {c['title']}",
                c["core_capability"],
                f"{c['rating'] or '-'} ({c['rating_text']})",
                _score(c["score"]),
            ]
            for c in doc["capabilities"]
        ],
    )
    for o in doc["objectives"]:
        lines += [f"### {o['id']}: {o['title']} - rating {o['rating'] or 'not rated'}", ""]
        lines += [
            f"Core capability: {o['core_capability']}. Critical tasks: "
            + "; ".join(o["critical_tasks"])
            + ".",
            "",
        ]
        lines += _md_table(
            ["measure", "agency", "value", "target", "met"],
            [
                [
                    m["label"],
                    m["agency"] or "all",
                    f"{m['value_text']} ({m['statistic']})",
                    m["target_text"],
                    _met(m["met"]),
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
        *_md_findings(doc["standards"]),
        "",
    ]
    lines += ["## Response intervals", "", *_md_table(_INTERVAL_HEADER, _interval_rows(doc))]
    lines += ["## Outcomes", "", *_md_table(["outcome", "count"], _outcome_rows(doc["outcomes"]))]
    lines += [
        "## Coordination",
        "",
        *_md_table(["measure", "value"], _coordination_rows(doc["coordination"])),
    ]
    lines += ["## Trainee's orders", ""]
    orders = _order_rows(doc["trainee_orders"])
    lines += _md_table(_ORDERS_HEADER, orders) if orders else [_NO_TRAINEE, ""]
    if doc["baseline"] is not None:
        lines += ["## Baseline comparison (automated players, same scenario and seed)", ""]
        lines += _md_table(
            ["measure", "this run", "baseline", "change", "better"], _baseline_rows(doc["baseline"])
        )
    lines += ["## Evaluator notes", ""]
    lines += [f"- T+{n['time']}: {n['text']}" for n in doc["notes"]] or ["- none"]
    lines += ["", "## Improvement plan", "", *_md_table(_PLAN_HEADER, _plan_rows(doc))]
    return "\n".join(lines) + "\n"


_INTERVAL_HEADER = ["interval", "agency", "n", "mean", "median", "90th pct", "max"]


def _interval_rows(doc: dict) -> list[list[object]]:
    stats = ("mean", "p50", "p90", "max")
    return [
        [r["label"], r["agency"], r["n"], *(_mmss(r[k]) for k in stats)] for r in doc["intervals"]
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
        ["Responder harm events (unit.harmed)", o["responders_harmed"]],
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
            "Unified command (incidents with 2+ agencies on scene)",
            len(uc) if c["comms_modelled"] else "not modelled",
        ],
        ["  not established", sum(1 for s in uc if s["note"])],
        ["Messages queued", c["messages"]],
        ["Messages lost", _lost_text(c["lost"], c["lost_by_reason"])],
        [
            "Duplicated / conflicting assignments",
            f"{len(c['duplicated'])} / {len(c['conflicted'])}",
        ],
        [LABELS["unsafe_entries"], len({s["unit"] for s in c["unsafe"] if s["unit"]})],
        ["  harm events (unit.harmed)", len(c["unsafe"])],
        ["Span-of-control breaches", len(c["span"])],
        ["Capable units left idle (>= 2 min)", len({s["unit"] for s in c["idle"]})],
    ]


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
        role = r["role"] if r["played"] else f"{r['role']} (not a listed role)"
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
th{background:#eef2f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.rating{display:inline-block;min-width:22px;text-align:center;font-weight:700;border-radius:4px;
padding:1px 6px;color:#fff}.P{background:#2e7d32}.S{background:#9e9d24}.M{background:#ef6c00}
.U{background:#c62828}.none{background:#888}.no{color:#c62828;font-weight:600}.yes{color:#2e7d32}
.score{font-size:40px;font-weight:700;color:#1f3b63}.muted{color:#666;font-size:13px}
ul.findings{padding-left:18px}ul.findings li{margin-bottom:6px}
ul.ev{font-size:12px;color:#444;margin:2px 0 0;padding-left:16px}
figure{margin:10px 0 18px;break-inside:avoid}figure img{max-width:100%;border:1px solid #dde}
figcaption{font-size:13px;color:#444}
.better-run{color:#2e7d32;font-weight:600}.better-baseline{color:#c62828;font-weight:600}
@media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}
table,figure,li{break-inside:avoid}a{color:inherit;text-decoration:none}
@page{size:A4;margin:16mm}}
"""


def _e(v: object) -> str:
    return html.escape("-" if v is None else str(v))


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
    return _html_table(header, [[_e(v) for v in row] for row in rows], numeric)


def _badge(rating: str | None) -> str:
    return f'<span class="rating {rating or "none"}">{_e(rating or "-")}</span>'


def _muted(text: str) -> str:
    return f'<p class="muted">{_e(text)}</p>'


def _html_findings(items: list[dict], empty: str) -> str:
    if not items:
        return _muted(empty)
    out = []
    for f in items:
        ev = "".join(
            f"<li>T+{_e(e['time'])} &middot; event {e['seq']} &middot; {_e(e['event'])}</li>"
            for e in f["evidence"]
        )
        out.append(f"<li><b>{_e(f['title'])}.</b> {_e(f['analysis'])}<ul class=ev>{ev}</ul></li>")
    return '<ul class="findings">' + "".join(out) + "</ul>"


_RATING_NOTE = (
    "P: performed without challenges; S: some challenges; M: major challenges; U: unable to "
    "be performed (HSEEP). Ratings follow the share of each objective's measures met, by the "
    "thresholds the scenario states."
)
_STANDARDS_NOTE = (
    "NENA-STA-020.1-2020 (call answer), NFPA 1225 (call processing), NFPA 1710 (turnout, "
    "travel); targets from the scenario, defaults from the standards. A standard is met when "
    "90% of measurements are within target."
)
_BASELINE_NOTE = "The same scenario and seed played by automated players only, scored the same way."


def _html_capabilities(doc: dict) -> list[str]:
    overall = _e(_score(doc["score"]["overall"]))
    rows = [
        [
            _e(f"{c['objective']}: {c['title']}"),
            _e(c["core_capability"]),
            f"{_badge(c['rating'])} {_e(c['rating_text'])}",
            _e(_score(c["score"])),
        ]
        for c in doc["capabilities"]
    ]
    return [
        f'<p><span class="score">{overall}</span> / 100 overall <span class="muted">'
        "(objectives, outcomes and each agency's own duties, as the scenario weighs them)"
        "</span></p>",
        _html_table(["objective", "core capability", "rating", "score"], rows, {3}),
        _muted(_RATING_NOTE),
    ]


def _html_objective(o: dict) -> list[str]:
    met_class = {True: "yes", False: "no", None: "muted"}
    rows = [
        [
            _e(m["label"]),
            _e(m["agency"] or "all"),
            _e(f"{m['value_text']} ({m['statistic']})"),
            _e(m["target_text"]),
            f"<span class={met_class[m['met']]}>{_e(_met(m['met']))}</span>",
        ]
        for m in o["measures"]
    ]
    tasks = "; ".join(o["critical_tasks"])
    return [
        f"<h3>{_badge(o['rating'])} {_e(o['id'])}: {_e(o['title'])}</h3>",
        _muted(f"{o['core_capability']}. Critical tasks: {tasks}."),
        _html_table(["measure", "agency", "value", "target", "met"], rows, {2, 3}),
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


def _plan_rows(doc: dict) -> list[list[object]]:
    keys = ("capability", "issue", "corrective_action", "responsible", "start", "completion")
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


def _html_sections(doc: dict) -> list[tuple[str, list[str]]]:
    """The report's sections in order (title, HTML parts); optional ones only when present."""
    ov = doc["overview"]
    objectives = [part for o in doc["objectives"] for part in _html_objective(o)]
    plan = _plan_rows(doc)
    notes = [[f"T+{n['time']}", n["text"]] for n in doc["notes"]]
    sections = [
        (
            "Exercise overview",
            [_table(None, [[k.replace("_", " "), _plain(v)] for k, v in ov.items()])],
        ),
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
            [_table(["measure", "value"], _coordination_rows(doc["coordination"]), {1})],
        ),
        ("Trainee's orders", _html_orders(doc["trainee_orders"])),
    ]
    if doc["baseline"] is not None:
        sections.append(("Baseline comparison", _html_baseline(doc["baseline"])))
    sections += [
        ("Evaluator notes", [_table(["time", "note"], notes) if notes else _muted("No notes.")]),
        ("Improvement plan", [_table(_PLAN_HEADER, plan) if plan else _muted("None.")]),
    ]
    if doc.get("figures"):
        sections.append(("Figures", _html_figures(doc["figures"])))
    return sections


def page(doc: dict) -> str:
    """The report as one self-contained HTML page, its sections numbered in order."""
    ov = doc["overview"]
    parts = [
        f"<h1>{_e(doc['title'])}</h1>",
        _muted(f"Run {ov['run']} · {ov['status']} · seed {ov['seed']} · recorded {ov['started']}"),
    ]
    for number, (title, body) in enumerate(_html_sections(doc), start=1):
        parts += [f"<h2>{number}. {_e(title)}</h2>", *body]
    title = _e(doc["title"])
    head = f'<head><meta charset="utf-8"><title>{title}</title><style>{_CSS}</style></head>'
    body = "\n".join(parts)
    return f'<!DOCTYPE html>\n<html lang="en">{head}<body>\n{body}\n</body></html>\n'
