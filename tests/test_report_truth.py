"""Reports tell the truth: every statement agrees with the event log it cites.

Each test builds a small log whose answer is worked out by hand and checks one claim
of the after-action report: counts say what they count, findings cite events that show
what they claim, the plan blames the agencies that did it, and comparisons and the
trainee's orders are stated as they happened.
"""

import json

from conftest import ROOT, SCENARIOS, LogBuilder, build, scenario_dict
from conftest import incident as msel_incident
from conftest import unit as fleet_unit

from simulator.cli import main
from simulator.events import Event, read_events
from simulator.review.compare import NOT_COMPARABLE, compare
from simulator.review.findings import CORRECTIVE, STANDARDS, findings
from simulator.review.queueing import waits
from simulator.review.report import RunMeta, _duties_text, build_report, render
from simulator.review.roles import DutyGroup, _merged
from simulator.review.score import score
from simulator.review.stats import Evidence, Sample
from simulator.scenario import Scenario
from simulator.scenario.loader import load


def scored_by(metric: str, target: float, *, at_most: bool = True) -> Scenario:
    """The default scenario scored by one objective with one measure."""
    data = scenario_dict()
    measure = {"metric": metric, "target": target, "at_most": at_most}
    data["scoring"] = {
        "objectives": [{"id": "O", "title": "t", "core_capability": "c", "measures": [measure]}]
    }
    return build(data)


def report(scenario: Scenario, log: LogBuilder, roles: tuple[str, ...] = ()) -> dict:
    meta = RunMeta(
        "r", None, list(roles), [], 0, "2026-01-01T00:00:00", None, "complete", "h", None
    )
    return build_report(scenario, log.events, score(scenario, log.events), meta, [], None)


def only_finding(doc: dict) -> dict:
    (objective,) = doc["objectives"]
    (finding,) = objective["strengths"] + objective["areas_for_improvement"]
    return finding


def cited(log: LogBuilder, finding: dict) -> list[Event]:
    by_seq = {e.seq: e for e in log.events}
    return [by_seq[e["seq"]] for e in finding["evidence"]]


def arrivals(delays: list[float]) -> LogBuilder:
    """One police incident per delay: called in, P1 on scene after the delay, resolved."""
    log = LogBuilder()
    for i, delay in enumerate(delays):
        t, incident = 10_000.0 * i, f"I{i}"
        log.add(t, "incident.started", incident=incident, priority=2, agencies=["police"])
        log.add(t, "call.received", "police", incident=incident, call=f"C{i}")
        log.add(t + 5, "call.answered", "police", incident=incident, call=f"C{i}", wait=5.0)
        log.add(t + 20, "cad.opened", "police", incident=incident, via="call")
        log.add(t + 30, "unit.dispatched", "police", "P1", incident, prev="available")
        log.add(t + 40, "unit.en_route", "police", "P1", incident, prev="dispatched")
        log.add(t + delay, "unit.on_scene", "police", "P1", incident, prev="en_route")
        log.add(t + delay + 60, "incident.resolved", incident=incident)
    return log


# a. A count is "none recorded" only when it is zero.


def transports(delivered: int) -> LogBuilder:
    log = LogBuilder().add(0, "exercise.started")
    log.add(0, "incident.started", incident="I1", agencies=["ems"], requires={"als": 1})
    log.add(0, "incident.casualties", incident="I1", immediate=2, delayed=0, minor=0, deceased=0)
    for n in range(delivered):
        log.add(900 + n, "patient.delivered", "ems", "M1", "I1", patient=f"I1-P{n}")
    return log.add(3600, "exercise.ended", reason="duration reached")


def test_a_nonzero_count_without_samples_is_stated_not_called_none_recorded():
    scenario = scored_by("casualties_transported", 2, at_most=False)
    met = only_finding(report(scenario, transports(2)))
    assert met["kind"] == "strength"
    assert met["analysis"] == "Target met: 2 counted over the whole log."
    log = transports(0)
    none = only_finding(report(scenario, log))
    # A shortfall cites the incidents behind it, not the log's first and last events.
    assert none["analysis"] == (
        "Target not met: none recorded during the exercise; patients who needed a hospital "
        "not all delivered at I1 (cited as they began)."
    )
    assert [(e.kind, e.incident) for e in cited(log, none)] == [("incident.started", "I1")]


def test_minor_patients_still_waiting_are_not_blamed_as_transports_missed():
    # I1: two immediate patients, one delivered: a transport missed. I2: two minor
    # patients never released, which is a care gap: no hospital was needed there.
    log = LogBuilder().add(0, "exercise.started")
    log.add(0, "incident.started", incident="I1", agencies=["ems"], requires={"als": 1})
    log.add(0, "incident.casualties", incident="I1", immediate=2, delayed=0, minor=0, deceased=0)
    log.add(0, "incident.started", incident="I2", agencies=["police"])
    log.add(0, "incident.casualties", incident="I2", immediate=0, delayed=0, minor=2, deceased=0)
    log.add(900, "patient.delivered", "ems", "M1", "I1", patient="I1-P0")
    log.add(3600, "exercise.ended", reason="duration reached")
    doc = report(scored_by("casualties_transported", 2, at_most=False), log)
    (item,) = [p for p in doc["improvement_plan"] if p["objective"] == "O"]
    assert item["responsible"].startswith("ems 1 ") and "police" not in item["responsible"]
    assert [(e.kind, e.incident) for e in cited(log, only_finding(doc))] == [
        ("incident.started", "I1")
    ]


def test_a_ceiling_on_incidents_resolved_missed_names_no_incident_left_open():
    # "At most 0 resolved" is missed by resolving one, while I2 stays open: nothing
    # fell short, so nothing is cited as left open.
    log = arrivals([300])
    log.add(20_000, "incident.started", incident="I2", priority=2, agencies=["police"])
    met = only_finding(report(scored_by("incidents_resolved", 0), log))
    assert met["analysis"] == "Target not met: 1 counted over the whole log."


# b. The plan holds responsible the agencies that did it, by their share of all cases.


SENDERS = ["ems", "fire", "ems", "police", "police", "police", "police"]
REASONS = ["noise", "no_coverage", "no_coverage", "no_coverage", "saturated", "noise", "noise"]


def lost_messages() -> LogBuilder:
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police", "fire"])
    for i, (sender, reason) in enumerate(zip(SENDERS, REASONS, strict=True)):
        common = {"incident": "I1", "message": f"M{i}", "channel": "c"}
        log.add(10 * i + 10, "message.queued", sender, type="sitrep", to="x", **common)
        log.add(10 * i + 11, "message.lost", sender, reason=reason, **common)
    return log


def test_plan_names_the_senders_of_lost_messages_ranked_by_share_of_all():
    doc = report(scored_by("messages_lost", 0), lost_messages())
    (item,) = doc["improvement_plan"]
    # The first three cited are ems, fire, ems; police sent four of the seven.
    assert item["responsible"] == "police 4, ems 2, fire 1 (of 7 messages lost)"
    assert only_finding(doc)["analysis"] == (
        "Target not met: 7 messages lost at I1; the first 3 are cited."
    )


def test_plan_names_one_agency_alone_when_it_did_every_case():
    doc = report(scored_by("first_on_scene", 300), arrivals([900, 600]))
    assert [p["responsible"] for p in doc["improvement_plan"]] == ["police"]


def untold_fire() -> LogBuilder:
    """Police knew of I1 and I2 and came at 200 s; it told fire of I2 only, and fire,
    told, never came either. The run ends at 3600 s."""
    log = LogBuilder().add(0, "exercise.started")
    for incident in ("I1", "I2"):
        fact = f"incident:{incident}"
        log.add(0, "incident.started", incident=incident, agencies=["fire", "police"])
        log.add(0, "fact.critical", incident=incident, fact=fact, needed_by=["fire", "police"])
        log.add(0, "call.received", "police", incident=incident, call=f"C{incident}")
        log.add(10, "fact.learned", "police", incident=incident, fact=fact, via="call")
        log.add(10, "cad.opened", "police", incident=incident, via="call")
        log.add(200, "unit.on_scene", "police", f"P{incident}", incident, prev="en_route")
    log.add(60, "fact.learned", "fire", incident="I2", fact="incident:I2", source="police")
    log.add(60, "cad.opened", "fire", incident="I2", via="notification")
    return log.add(3600, "exercise.ended", reason="duration reached")


def test_plan_charges_a_miss_by_an_agency_never_told_to_the_one_that_knew():
    doc = report(scored_by("first_on_scene", 300), untold_fire())
    (item,) = [p for p in doc["improvement_plan"] if p["objective"] == "O"]
    # Fire's miss at I2 is its own; at I1 nobody told it: police's share duty.
    assert item["responsible"] == "fire 1, police 1 (of 2 cases that missed the target)"
    assert item["corrective_action"] == (
        "Dispatch the closest capable unit earlier and move up units into uncovered "
        "districts. Fire (fire) was never told of I1: Police (police) to pass every incident "
        "at once to each agency it needs (CAD-to-CAD notification or a shared talkgroup)."
    )


def test_an_outcome_at_an_incident_an_agency_never_heard_of_is_the_tellers():
    log = untold_fire()
    log.add(0, "incident.casualties", incident="I1", immediate=1, delayed=0, minor=0, deceased=0)
    log.add(100, "patient.died", incident="I1", patient="I1-P0")
    doc = report(scored_by("casualties_deceased", 0), log)
    (item,) = [p for p in doc["improvement_plan"] if p["objective"] == "O"]
    assert item["responsible"].startswith("police 1 ") and "fire" not in item["responsible"]
    assert "Fire (fire) was never told of I1: Police (police) to pass" in item["corrective_action"]


def test_one_miss_measured_by_two_objectives_is_one_plan_row_naming_both():
    data = scenario_dict()
    measure = {"metric": "messages_lost", "target": 0, "at_most": True}
    data["scoring"] = {
        "objectives": [
            {"id": "O1", "title": "t", "core_capability": "Comms", "measures": [measure]},
            {"id": "O2", "title": "u", "core_capability": "Coordination", "measures": [measure]},
        ]
    }
    doc = report(build(data), lost_messages())
    (item,) = doc["improvement_plan"]
    assert (item["objective"], item["capability"]) == ("O1, O2", "Comms; Coordination")
    rated = [o["id"] for o in doc["objectives"] if o["areas_for_improvement"]]
    assert rated == ["O1", "O2"]  # still an area for improvement under each


# c. A latency area cites its worst case only, and names every incident that missed.


def test_latency_area_cites_only_events_of_the_worst_case_incident():
    log = arrivals([900, 600])
    area = only_finding(report(scored_by("first_on_scene", 300), log))
    assert area["kind"] == "area for improvement"
    assert {e.incident for e in cited(log, area)} == {"I0"}
    assert area["analysis"].startswith("Worst case 15:00 at I0, P1 of Police (police).")
    assert area["analysis"].endswith("2 of 2 missed the target, at I0, I1.")


def test_the_report_names_an_agency_where_it_showed_the_id_and_the_json_keeps_the_id():
    """The response intervals, a measure's agency and its title read "police" alone.

    An evaluator knows the Police, not the scenario's id; the id stays beside the name
    (the rest of the report cites events by it) and the JSON keeps it as the key.
    """
    data = scenario_dict()
    measure = {"metric": "first_on_scene", "agency": "police", "target": 300, "at_most": True}
    data["scoring"] = {
        "objectives": [{"id": "O", "title": "t", "core_capability": "c", "measures": [measure]}]
    }
    doc = report(build(data), arrivals([900, 600]))
    text = render(doc, "md")
    rows = {r["agency"]: r for r in doc["intervals"] if r["metric"] == "first_on_scene"}
    assert (rows["police"]["name"], rows["all"]["name"]) == ("Police", None)
    assert "| Call to first unit on scene | Police (police) | 2 | 12:30 |" in text
    assert "| Call to first unit on scene | all | 2 | 12:30 |" in text
    (m,) = doc["objectives"][0]["measures"]
    assert (m["agency"], m["name"]) == ("police", "Police")
    assert "| Call to first unit on scene | Police (police) | 15:00 (p90) |" in text
    area = only_finding(doc)
    assert area["title"].startswith("Call to first unit on scene, Police (police): 15:00 (p90)")
    assert area["analysis"].startswith("Worst case 15:00 at I0, P1 of Police (police).")
    assert doc["improvement_plan"][0]["responsible"] == "police"  # the id, for machines
    page = render(doc, "html")
    assert "<td>Police (police)</td>" in page and "<td>police</td>" not in page


# d. A strength cites a case that met the target; an area a case that missed it.


def late_facts() -> LogBuilder:
    """Ten facts fire knew first: police learned one after 900 s, the others after 60 s."""
    log = LogBuilder()
    for i in range(10):
        fact, t = f"hazard:I{i}/chem", 1000.0 * i
        log.add(t, "fact.critical", incident=f"I{i}", fact=fact, needed_by=["fire", "police"])
        log.add(t, "fact.learned", "fire", fact=fact, value="chem", via="own")
        log.add(t + (900 if i == 0 else 60), "fact.learned", "police", fact=fact, via="message")
    return log


def test_fact_latency_strength_cites_a_fact_shared_within_target():
    log = late_facts()
    strength = only_finding(report(scored_by("fact_latency", 300), log))
    assert strength["kind"] == "strength"
    assert strength["analysis"] == "Target met: 9 of 10 within target."
    facts = {e.data["fact"] for e in cited(log, strength)}
    assert len(facts) == 1 and "hazard:I0/chem" not in facts


def test_fact_latency_area_charges_the_agency_that_knew_first():
    doc = report(scored_by("fact_latency", 50), late_facts())
    assert doc["improvement_plan"][0]["responsible"] == "fire"


def test_standard_met_with_a_miss_cites_a_turnout_within_target():
    log = LogBuilder()
    for i in range(10):
        t, turnout = 1000.0 * i, 200 if i == 0 else 60
        log.add(t, "unit.dispatched", "fire", f"F{i}", "I1", prev="available")
        log.add(t + turnout, "unit.en_route", "fire", f"F{i}", "I1", prev="dispatched")
    doc = report(build(scenario_dict()), log)
    (turnout,) = [f for f in doc["standards"] if f["title"].startswith("Turnout, fire")]
    assert turnout["kind"] == "strength"
    dispatched, en_route = cited(log, turnout)
    assert dispatched.unit == en_route.unit != "F0"
    assert en_route.t - dispatched.t <= 80


def test_each_standard_cites_and_counts_the_samples_its_check_judged(tmp_path):
    out, scenario_file = tmp_path / "run", ROOT / "scenarios" / "harbor_district_mci.yaml"
    argv = ["run", str(scenario_file), "--seed", "0", "--quiet", "--out", str(out)]
    assert main([*argv, "--db", str(tmp_path / "x.db")]) == 0
    scenario = load(scenario_file)
    events = read_events((out / "events.jsonl").read_text().splitlines())
    scores = score(scenario, events)
    span = (Evidence(0, 0, "", ""),) * 2
    found = {f.capability + f.title: f for f in findings(scores, span, waits(scenario, events))}
    checked = [c for c in scores.checks if c.met is not None]
    assert {c.met for c in checked} == {True, False}  # the run shows both kinds of finding
    for check in checked:
        (finding,) = [
            f for k, f in found.items() if k.startswith(f"Response standards{check.name}:")
        ]
        by_evidence = {s.evidence: s for s in scores.intervals.of(STANDARDS[check.name])}
        assert (by_evidence[finding.evidence].value <= check.target) == check.met, check.name
        missed = sum(1 for v in check.values if v > check.target)
        assert check.met or f"{missed} of {check.n} missed the target" in finding.analysis


# e. The coordination table says the reasons for lost messages in words.


def test_lost_message_reasons_are_words_not_a_dict():
    text = render(report(scored_by("messages_lost", 0), lost_messages()), "md")
    assert "| Messages lost | 7 (no coverage 3, noise 3, saturated 1) |" in text
    coordination = text.split("## Coordination")[1].split("## Trainee")[0]
    assert "{" not in coordination and "'" not in coordination


def test_a_clean_count_cites_the_chances_it_had_not_the_exercise_span():
    log = LogBuilder().add(0, "exercise.started")
    for i in range(4):
        log.add(10 + i, "message.queued", "police", message=f"M{i}", channel="c")
    log.add(600, "exercise.ended", reason="duration reached")
    finding = only_finding(report(scored_by("messages_lost", 0), log))
    assert finding["analysis"] == (
        "Target met: none recorded, over 4 messages queued; the first 3 are cited."
    )
    assert [e.kind for e in cited(log, finding)] == ["message.queued"] * 3


# f. Units and harm events are counted and labelled apart, the same way everywhere.


def test_responders_harmed_are_people_not_vehicles():
    # Three engines walk into an unreported chemical, two firefighters hurt in each; a
    # police car is put out of service with nobody hurt.
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["police", "fire"], hazards=["chem"])
    log.add(60, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    for n in (1, 2, 3):
        log.add(60 + n, "unit.on_scene", "fire", f"F{n}", "I1", prev="en_route")
        harm = {"hazard": "chemical", "effect": "crew_injured", "count": 2}
        log.add(70 + n, "unit.harmed", "fire", f"F{n}", "I1", **harm)
    harm = {"hazard": "chemical", "effect": "out_of_service", "count": 1}
    log.add(80, "unit.harmed", "police", "P1", "I1", **harm)
    log.add(600, "exercise.ended", reason="duration reached")
    doc = report(scored_by("unsafe_entries", 0), log)
    (safety,) = [c for c in doc["score"]["outcome_components"] if c["component"] == "safety"]
    assert safety["note"] == "4 units harmed, 6 responders injured"
    said = {
        r["agency"]: g["text"] for r in doc["roles"] for g in r["groups"] if g["name"] == "safety"
    }
    assert said == {"fire": "3 units harmed, 6 responders injured", "police": "1 unit harmed"}
    assert "|   responders injured (people: each harmed crew's count) | 6 |" in render(doc, "md")


def test_units_harmed_and_harm_events_agree_across_the_report():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["police", "fire"], hazards=["chem"])
    log.add(1, "message.queued", "police", incident="I1", message="M1", channel="c")
    log.add(60, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(61, "unit.on_scene", "fire", "F1", "I1", prev="en_route")
    for t, agency, unit, hazard in ((62, "police", "P1", "chemical"), (63, "police", "P1", "fire")):
        log.add(t, "unit.harmed", agency, unit, "I1", hazard=hazard, effect="crew_injured", count=1)
    log.add(
        64, "unit.harmed", "fire", "F1", "I1", hazard="chemical", effect="crew_injured", count=1
    )
    # Within a ceiling of 2, yet responders were put at risk: HSEEP's M, an area for
    # improvement with an improvement-plan row, never a strength.
    doc = report(scored_by("unsafe_entries", 2), log)
    label = "Units harmed entering unsafe scenes or in a blue-on-blue (each once)"
    row = f"| {label} | all | 2 (count) | <= 2 | M: met, with responders put at risk |"
    assert row in render(doc, "md")
    (objective,) = doc["objectives"]
    assert objective["strengths"] == [] and len(objective["areas_for_improvement"]) == 1
    # P1, struck by two hazards at once, is one unit harmed everywhere: the measure, the
    # outcomes, its role and the improvement plan's responsible agencies.
    assert doc["improvement_plan"][0]["responsible"] == "fire 1, police 1 (of 2 units)"
    doc = report(scored_by("unsafe_entries", 0), log)
    text = render(doc, "md")
    assert f"| {label} | all | 2 (count) | <= 0 | U: not met |" in text
    outcomes_table = text.split("## Outcomes")[1].split("\n## ")[0]
    coordination = text.split("## Coordination")[1].split("\n## ")[0]
    for table in (outcomes_table, coordination):
        assert f"| {label} | 2 |" in table
    assert "|   harm events (unit.harmed; blue-on-blue, each team) | 3 |" in coordination
    # Each harm adds its injured to the scene's casualties: P1's two are two people.
    assert "|   responders injured (people: each harmed crew's count) | 3 |" in outcomes_table
    assert only_finding(doc)["analysis"] == ("Target not met: 2 units in 3 harm events at I1.")
    assert doc["improvement_plan"][0]["responsible"] == "fire 1, police 1 (of 2 units)"
    # The JSON keeps the ids; the plan's table names the agencies beside them.
    named = "Fire (fire) 1, Police (police) 1 (of 2 units)"
    assert doc["improvement_plan"][0]["responsible_named"] == named
    assert f"| {named} |" in text
    (safety,) = [c for c in doc["score"]["outcome_components"] if c["component"] == "safety"]
    assert safety["note"] == "2 units harmed, 3 responders injured"
    assert safety["credit"] == round(1 / 3, 4)  # 1 / (1 + units harmed), not harm events
    said = {
        r["agency"]: g["text"] for r in doc["roles"] for g in r["groups"] if g["name"] == "safety"
    }
    assert said == {
        "fire": "1 unit harmed, 1 responder injured",
        "police": "1 unit harmed, 2 responders injured",
    }


def test_an_outcome_shortfall_names_the_agencies_its_incidents_needed():
    log = LogBuilder()
    for i, needed in enumerate((["police", "fire"], ["police"], ["ems"])):
        log.add(600.0 * i, "incident.started", incident=f"I{i}", agencies=needed)
    log.add(1000, "incident.resolved", incident="I2")
    log.add(7200, "exercise.ended", reason="duration reached")
    doc = report(scored_by("incidents_resolved", 3, at_most=False), log)
    assert only_finding(doc)["kind"] == "area for improvement"
    assert doc["improvement_plan"][0]["responsible"] == (
        "police 2, fire 1 (of 2 incidents, each counted for every agency it needed)"
    )


def test_the_role_table_says_how_many_duties_were_late_and_how_many_never_done():
    log = arrivals([100, 5_000])  # the second arrival is far past any respond target
    log.add(20_000, "incident.started", incident="I9", priority=2, agencies=["police"])
    log.add(20_000, "call.received", "police", incident="I9", call="C9")
    log.add(20_020, "cad.opened", "police", incident="I9", via="call")
    log.add(30_000, "exercise.ended", reason="duration reached")
    doc = report(scored_by("first_on_scene", 300), log)
    (police,) = [r for r in doc["roles"] if r["agency"] == "police"]
    respond = next(g for g in police["groups"] if g["name"] == "respond")
    assert respond["text"] == "3 duties: 1 late, 1 not done"


def test_a_merged_duty_group_keeps_its_late_duties():
    """Local and mutual-aid responses are one group with two targets: each counts late."""
    local = DutyGroup("respond", 300.0, (Sample(900.0),), 0, 0.0, late=1)
    aid = DutyGroup("respond", 1800.0, (Sample(600.0), Sample(5.0, censored=True)), 1, 0.5)
    (merged,) = _merged([local, aid])
    assert (merged.target, merged.late, merged.missed) == (None, 1, 1)
    assert _duties_text(merged) == "3 duties: 1 late, 1 not done"


# g. A percentile over fewer observations is never called better.


def rows_of(run: LogBuilder, baseline: LogBuilder) -> dict:
    scenario = scored_by("first_on_scene", 300)
    rows = compare(score(scenario, run.events), score(scenario, baseline.events))
    return {r.label: r for r in rows}


def test_a_quicker_percentile_over_fewer_arrivals_is_not_comparable():
    rows = rows_of(arrivals([100]), arrivals([600] * 5))
    police = rows["First on scene, 90th percentile (police)"]
    assert (police.run, police.run_n, police.baseline, police.baseline_n) == (100, 1, 600, 5)
    assert police.better == NOT_COMPARABLE
    slower = rows_of(arrivals([600] * 5), arrivals([100]))["First on scene, 90th percentile"]
    assert slower.better == NOT_COMPARABLE  # the baseline's one quick arrival wins nothing
    fair = rows_of(arrivals([100] * 5), arrivals([600] * 5))["First on scene, 90th percentile"]
    assert fair.better == "run"


def test_an_agency_that_reached_nothing_is_compared_on_the_incidents_it_missed():
    idle = LogBuilder()
    for i in range(3):
        idle.add(10_000.0 * i, "incident.started", incident=f"I{i}", agencies=["police"])
        idle.add(10_000.0 * i, "call.received", "police", incident=f"I{i}", call=f"C{i}")
    idle.add(29_700.0, "incident.started", incident="LATE", agencies=["police"])
    idle.add(29_700.0, "call.received", "police", incident="LATE", call="CL")  # not yet due
    idle.add(30_000.0, "exercise.ended", reason="duration reached")
    rows = rows_of(idle, arrivals([600] * 3))
    assert rows["First on scene, 90th percentile (police)"].better == NOT_COMPARABLE
    missed = rows["Incidents needing it never reached (police)"]
    assert (missed.run, missed.baseline, missed.better) == (3, 0, "baseline")


def test_baseline_table_shows_the_observation_counts_and_why_not_comparable():
    scenario = scored_by("first_on_scene", 300)
    run, baseline = arrivals([100]), arrivals([600] * 5)
    comparison = compare(score(scenario, run.events), score(scenario, baseline.events))
    meta = RunMeta("r", "Ana", ["police"], [], 0, "2026", None, "complete", "h", None)
    doc = build_report(scenario, run.events, score(scenario, run.events), meta, [], comparison)
    text = render(doc, "md")
    assert (
        "| First on scene, 90th percentile: Police (police) | 1:40 (n=1) | 10:00 (n=5) | -8:20 "
        "| not comparable: fewer observations in this run (1 vs 5) |"
    ) in text
    assert "not comparable: fewer observations in this run (1 vs 5)" in render(doc, "html")


def test_fewer_messages_lost_from_fewer_messages_sent_is_not_better():
    scenario = scored_by("messages_lost", 0)
    quiet = LogBuilder().add(0, "message.queued", "police", message="M1", channel="c")
    rows = compare(score(scenario, quiet.events), score(scenario, lost_messages().events))
    lost = {r.label: r for r in rows}["Messages lost (n = messages queued)"]
    assert (lost.run, lost.run_n, lost.baseline, lost.baseline_n) == (0, 1, 7, 7)
    assert lost.better == NOT_COMPARABLE


# h. The trainee's own orders, per played role, zero included.


def orders() -> LogBuilder:
    dispatch = {"type": "dispatch", "agency": "police", "incident": "I1", "units": ["P1"]}
    share = {"type": "share", "agency": "police", "to": "fire", "incident": "I1"}
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police"])
    log.add(10, "command.accepted", "police", source="trainee", command=dispatch)
    log.add(11, "command.rejected", "police", source="trainee", command=dispatch, reason="busy")
    log.add(12, "command.accepted", "police", source="player:police", command=share)
    log.add(13, "command.accepted", "police", source="view", command=share)
    release = {"type": "release_inject", "agency": "controller", "seq": 2}
    log.add(14, "command.accepted", "controller", source="controller", command=release)
    return log


def test_trainee_orders_per_role_by_type_with_zero_for_a_role_without_orders():
    doc = report(build(scenario_dict()), orders(), roles=("police", "fire"))
    police, fire = json.loads(render(doc, "json"))["trainee_orders"]
    assert (police["role"], police["orders"], police["accepted"], police["rejected"]) == (
        "police",
        3,
        2,
        1,
    )
    assert police["by_type"] == [
        {"type": "dispatch", "accepted": 1, "rejected": 1, "reasons": {"busy": 1}},
        {"type": "share", "accepted": 1, "rejected": 0, "reasons": {}},
    ]
    assert (fire["role"], fire["orders"], fire["by_type"]) == ("fire", 0, [])
    text = render(doc, "md")
    assert "| Police (police) | all types: 3 orders | 2 | 1 |  |" in text
    assert "| Police (police) | dispatch | 1 | 1 | busy (1) |" in text
    assert "| Fire (fire) | all types: 0 orders | 0 | 0 |  |" in text
    page = render(doc, "html")
    assert "Trainee&#x27;s orders</h2>" in page and "all types: 0 orders" in page


def test_trainee_orders_outside_the_roles_are_shown_and_none_is_said_so():
    doc = report(build(scenario_dict()), orders())
    (police,) = doc["trainee_orders"]  # the controller's inject is no trainee's order
    assert (police["role"], police["played"], police["orders"]) == ("police", False, 3)
    automated = report(build(scenario_dict()), LogBuilder().add(0, "exercise.started"))
    assert automated["trainee_orders"] == []
    assert "No agency was played by a trainee" in render(automated, "md")


# h. The standards' verdicts are data in the JSON report, one entry per check, named.


def test_the_json_report_carries_each_standards_verdict_as_data():
    log = LogBuilder()
    for n, wait in enumerate([8.0] * 18 + [12.0, 25.0], start=1):
        incident, t = f"I{n}", 1000.0 * n
        log.add(t, "incident.started", incident=incident, priority=2, agencies=["fire"])
        log.add(t, "call.received", "fire", incident=incident, call=f"C{n}")
        log.add(t + wait, "call.answered", "fire", incident=incident, call=f"C{n}", wait=wait)
    doc = json.loads(render(report(scored_by("messages_lost", 0), log), "json"))
    checks = {c["name"]: c for c in doc["standard_checks"]}
    assert checks["Call answered, 95%"] == {
        "name": "Call answered, 95%",
        "standard": "NENA-STA-020.1-2020",
        "target": 20.0,
        "judged_on": "95% within",
        "required_share": 0.95,
        "n": 20,
        "within": 0.95,
        "percentile_at_share": 12.0,
        "mean": 9.05,
        "met": True,
    }
    police = checks["Police priority-1 call to on scene"]
    assert (police["judged_on"], police["n"], police["met"]) == ("mean", 0, None)
    text = render(report(scored_by("messages_lost", 0), log), "md")
    assert "police priority-1 (no national standard" in text.split("## Response standards")[1]
    # An objective naming no critical tasks says none, not "Critical tasks: ."
    assert "Core capability: c.\n" in text and "Critical tasks" not in text


# f. A duty undone at the end is a miss, even when the end came exactly at its target.


def test_an_undone_duty_timed_exactly_at_its_target_is_told_as_a_miss():
    # I0 reached in 100 s; I1 and I2 never reached, the run ending 300 s (the target)
    # after I2's call: the table says 2 not done, and so must the text under it.
    log = arrivals([100])
    for i, t in ((1, 19_000.0), (2, 20_000.0)):
        log.add(t, "incident.started", incident=f"I{i}", priority=2, agencies=["police"])
        log.add(t, "call.received", "police", incident=f"I{i}", call=f"C{i}")
    log.add(20_300, "exercise.ended", reason="duration reached")
    doc = report(scored_by("first_on_scene", 300), log)
    (measure,) = doc["objectives"][0]["measures"]
    assert measure["rating_text"] == "not met; 2 not done (counted as misses)"
    area = only_finding(doc)
    assert (
        "2 of 3 missed the target (2 not done, counted as misses), at I1, I2." in area["analysis"]
    )


def test_a_standard_never_counts_an_undone_duty_as_within_its_target():
    # Nine calls dispatched in 15 s, a tenth never: the run ends 60 s (the NFPA 1225
    # target) after it was answered. 90% within would meet the standard; 9 of 10 are.
    log = LogBuilder()
    for i in range(10):
        t, incident = 1000.0 * i, f"I{i}"
        log.add(t, "incident.started", incident=incident, priority=2, agencies=["police"])
        log.add(t, "call.received", "police", incident=incident, call=f"C{i}")
        log.add(t + 5, "call.answered", "police", incident=incident, call=f"C{i}", wait=5.0)
        log.add(t + 10, "cad.opened", "police", incident=incident, via="call")
        if i < 8:
            log.add(t + 20, "unit.dispatched", "police", f"P{i}", incident, prev="available")
        elif i == 8:
            log.add(t + 200, "unit.dispatched", "police", f"P{i}", incident, prev="available")
    log.add(9065, "exercise.ended", reason="duration reached")
    scores = score(build(scenario_dict()), log.events)
    (check,) = [c for c in scores.checks if c.name == "Call processing"]
    assert (check.n, check.within, check.met) == (10, 0.8, False)


# g. Waiting for a free unit is queueing, not slow call processing.


def queued_ambulance(freed_at: float | None) -> LogBuilder:
    """Both ambulances busy at I0 when EMS answers a misrouted call for I1 and transfers it.

    M1 comes free at 1000 s and is sent to I1 at once; with ``freed_at``, M2 was free
    (back at its station) from then on and EMS still waited for M1.
    """
    log = LogBuilder().add(0, "incident.started", incident="I0", priority=1, agencies=["ems"])
    for n in (1, 2):
        log.add(10, "unit.dispatched", "ems", f"M{n}", "I0", prev="available")
        log.add(60, "unit.on_scene", "ems", f"M{n}", "I0", prev="dispatched")
    log.add(100, "incident.started", incident="I1", priority=1, agencies=["police", "ems"])
    log.add(100, "call.received", "ems", incident="I1", call="C1")
    log.add(105, "call.answered", "ems", incident="I1", call="C1", wait=5.0)
    log.add(130, "cad.opened", "ems", incident="I1", via="notification")
    log.add(150, "call.transferred", "ems", incident="I1", call="C1", to="police")
    if freed_at is not None:
        log.add(freed_at, "unit.available", "ems", "M2", prev="returning")
    log.add(1000, "unit.returning", "ems", "M1", prev="on_scene")
    log.add(1000, "unit.dispatched", "ems", "M1", "I1", prev="returning")
    log.add(1000, "unit.en_route", "ems", "M1", "I1", prev="dispatched")
    log.add(1300, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
    return log.add(3000, "exercise.ended", reason="duration reached")


def two_ambulances(metric: str, target: float) -> Scenario:
    data = scenario_dict(
        units=[
            fleet_unit("P1", "police", ["patrol"], "PS"),
            fleet_unit("M1", "ems", ["als", "transport"], "ES"),
            fleet_unit("M2", "ems", ["als", "transport"], "ES"),
            fleet_unit("S1", "ems", ["command", "als"], "ES"),  # free, but carries nobody
        ]
    )
    measure = {"metric": metric, "target": target, "agency": "ems"}
    data["scoring"] = {
        "objectives": [{"id": "O", "title": "t", "core_capability": "c", "measures": [measure]}]
    }
    return build(data)


def test_waiting_for_a_free_ambulance_is_queueing_and_asks_for_mutual_aid():
    log = queued_ambulance(None)
    doc = report(two_ambulances("first_on_scene", 539), log)
    area = only_finding(doc)
    # 1200 s from the first call: 5 s before EMS answered, the 45 s transfer, 850 s with
    # both ambulances out, 300 s of travel.
    assert (
        "Of that: transferring a misrouted call 0:45, waiting for a free unit (queueing) "
        "14:10, call processing 0:00, turnout 0:00, travel 5:00, waiting (notification, "
        "mutual aid, staging) 0:05. The largest share is waiting for a free unit (queueing)."
    ) in area["analysis"]
    (item,) = [p for p in doc["improvement_plan"] if p["objective"] == "O"]
    assert item["corrective_action"] == CORRECTIVE["queueing"]
    # The call-processing standard says the same of its worst case.
    (processing,) = [p for p in doc["improvement_plan"] if p["issue"].startswith("Call proc")]
    assert processing["corrective_action"] == CORRECTIVE["queueing"]


def test_a_free_ambulance_left_at_the_station_is_call_processing():
    doc = report(two_ambulances("first_on_scene", 539), queued_ambulance(400.0))
    assert (
        "waiting for a free unit (queueing) 4:10, call processing 10:00"
        in only_finding(doc)["analysis"]
    )
    (item,) = [p for p in doc["improvement_plan"] if p["objective"] == "O"]
    assert item["corrective_action"] == CORRECTIVE["first_on_scene"]


def test_a_plan_gives_both_remedies_when_only_some_misses_queued():
    """One call waited for a free ambulance, another for a dispatcher with one free.

    The queueing remedy alone told the slow dispatcher to request mutual aid.
    """
    log = queued_ambulance(None)
    log.events.pop()  # the end, put back after a second incident
    log.add(1400, "unit.available", "ems", "M2", prev="returning")
    log.add(1500, "incident.started", incident="I2", priority=1, agencies=["ems"])
    log.add(1500, "call.received", "ems", incident="I2", call="C2")
    log.add(1505, "call.answered", "ems", incident="I2", call="C2", wait=5.0)
    log.add(1510, "cad.opened", "ems", incident="I2", via="call")
    log.add(1800, "unit.dispatched", "ems", "M2", "I2", prev="available")
    log.add(3000, "exercise.ended", reason="duration reached")
    doc = report(two_ambulances("first_on_scene", 539), log)
    (processing,) = [p for p in doc["improvement_plan"] if p["issue"].startswith("Call proc")]
    assert processing["corrective_action"] == (
        f"{CORRECTIVE['call_processing']} Where every capable unit was committed (I1): "
        "request mutual aid as soon as the last one is sent, and move up units (or a "
        "neighbour's) to cover the districts left empty."
    )


def test_co_first_knowers_in_the_plan_are_each_named():
    """'ems and police' (both knew first) kept its ids while the rest were named."""
    from simulator.review.report import _named_agencies
    from simulator.scenario import load

    harbor = load(SCENARIOS / "harbor_district_mci.yaml")
    assert _named_agencies("ems and police 2, fire 1 (of 3 cases)", harbor) == (
        "Bayport EMS (ems) and Bayport Police Department (police) 2, "
        "Bayport Fire Department (fire) 1 (of 3 cases)"
    )


def test_the_overview_lists_only_the_hazards_of_incidents_that_happened():
    """A run stopped at 00:22 listed the hazards of incidents due hours later."""
    gun = {"id": "gun", "kind": "armed_suspect"}
    gas = {"id": "gas", "kind": "chemical"}
    scenario = build(
        scenario_dict(
            msel=[
                msel_incident("EARLY", hazards=[gun]),
                msel_incident("LATE", time=3600, seq=2, hazards=[gas]),
            ]
        )
    )
    log = LogBuilder()
    log.add(0, "incident.started", incident="EARLY", priority=1, agencies=["police"])
    log.add(1320, "exercise.ended", reason="stopped at 00:22:00")
    assert report(scenario, log)["overview"]["hazards"] == ["EARLY: armed suspect"]
