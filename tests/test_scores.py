"""Each metric against a small hand-built event log whose answer is worked out by hand."""

import json
from collections import defaultdict

import pytest
from conftest import SCENARIOS, LogBuilder, agency, build, one_objective, scenario_dict, unit
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from simulator.build import build_exercise
from simulator.review.coordination import (
    IDLE_GRACE_S,
    SPAN_GRACE_S,
    between_agencies,
    coordination,
    fact_sharing,
    idle_units,
    span_breaches,
    unified_command,
)
from simulator.review.findings import _breakdown, _latency, _responsible, seconds_text
from simulator.review.intervals import response_intervals, standard_checks
from simulator.review.ledger import Ledger
from simulator.review.outcomes import outcome_score, outcomes
from simulator.review.queueing import waits
from simulator.review.rating import evaluate, overall, rate, rate_objective
from simulator.review.roles import role_scores
from simulator.review.score import score
from simulator.review.stats import Distribution, Sample
from simulator.review.summary import summarise
from simulator.scenario import load
from simulator.scenario.scoring import Measure, Objective, Rating


def values(samples):
    return sorted((s.agency or s.unit, s.value) for s in samples)


def response_log() -> LogBuilder:
    """Police answer a call and send P1; EMS, notified, send M1, which stages first.

    t=0 incident, call rings; 10 answered; 60 police CAD; 70 P1 dispatched; 100 P1 en
    route; 120 EMS CAD (notified); 150 M1 dispatched; 170 M1 en route; 300 P1 on scene;
    320 M1 staged; 400 M1 en route from staging; 450 M1 on scene, requirements met.
    """
    log = LogBuilder()
    log.add(
        0,
        "incident.started",
        incident="I1",
        priority=1,
        agencies=["ems", "police"],
        requires={"patrol": 1, "als": 1},
    )
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(10, "call.answered", "police", incident="I1", call="C1", wait=10.0)
    log.add(60, "cad.opened", "police", incident="I1", via="call")
    log.add(70, "unit.dispatched", "police", "P1", "I1", prev="available")
    log.add(100, "unit.en_route", "police", "P1", "I1", prev="dispatched", path=["S", "I"])
    log.add(120, "cad.opened", "ems", incident="I1", via="notification")
    log.add(150, "unit.dispatched", "ems", "M1", "I1", prev="available")
    log.add(170, "unit.en_route", "ems", "M1", "I1", prev="dispatched", path=["S", "I"])
    log.add(300, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(320, "unit.staged", "ems", "M1", "I1", prev="en_route", at="STG")
    log.add(400, "unit.en_route", "ems", "M1", "I1", prev="staged", path=["STG", "I"])
    log.add(450, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
    log.add(450, "incident.requirements_met", incident="I1")
    return log


def test_response_intervals_by_hand():
    intervals = response_intervals(response_log().events)
    assert values(intervals.of("call_answer")) == [("police", 10.0)]
    assert values(intervals.of("call_processing")) == [("ems", 30.0), ("police", 60.0)]
    assert values(intervals.of("turnout")) == [("ems", 20.0), ("police", 30.0)]
    travel = sorted((s.unit, s.value, s.note) for s in intervals.of("travel"))
    # One trip per dispatch: M1 had arrived when it staged; going in is no second trip.
    assert travel == [("M1", 150.0, "staged"), ("P1", 200.0, "first arrival")]
    # Staged for the incident is arrived (NFPA 1710): EMS at 320, not when it went in.
    assert values(intervals.of("first_on_scene")) == [("ems", 320.0), ("police", 300.0)]
    assert values(intervals.of("full_assignment_on_scene")) == [("ems", 280.0), ("police", 350.0)]


def test_travel_is_one_sample_per_dispatch_whatever_the_moves_after_it():
    """A crew released from staging gives no second, zero-length trip; a new dispatch does."""
    log = response_log()
    log.add(600, "unit.dispatched", "ems", "M1", "I1", prev="on_scene")
    log.add(620, "unit.en_route", "ems", "M1", "I1", prev="dispatched", path=["I", "J"])
    log.add(700, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
    trips = [(s.value, s.note) for s in response_intervals(log.events).of("travel", "ems")]
    assert trips == [(150.0, "staged"), (80.0, "")]


def test_every_interval_cites_the_events_it_spans():
    intervals = response_intervals(response_log().events)
    (processing,) = intervals.of("call_processing", "police")
    assert [(e.seq, e.kind) for e in processing.evidence] == [
        (3, "call.answered"),
        (5, "unit.dispatched"),
    ]


def test_standard_checks_use_the_scenario_targets_and_agency_kinds():
    scenario = build(scenario_dict())
    checks = {
        c.name: c for c in standard_checks(scenario, response_intervals(response_log().events))
    }
    assert checks["Call answered"].met is True and checks["Call answered"].within == 1.0
    assert checks["Police priority-1 call to on scene"].n == 1
    assert checks["Police priority-1 call to on scene"].met is True  # 300 s <= 315 s local default
    assert checks["EMS call to on scene"].met is True  # 450 s <= 539 s
    assert checks["Turnout, fire"].n == 0 and checks["Turnout, fire"].met is None
    stricter = scenario_dict()
    stricter["scoring"] = {"targets": {"police_p1_response_s": 240}}
    checks = {
        c.name: c
        for c in standard_checks(build(stricter), response_intervals(response_log().events))
    }
    assert checks["Police priority-1 call to on scene"].met is False
    assert checks["Police priority-1 call to on scene"].worst.incident == "I1"


def police_arrivals(*seconds: float) -> LogBuilder:
    """Priority-1 incidents, each with police on scene the given seconds after the call."""
    log = LogBuilder()
    for n, after in enumerate(seconds, start=1):
        incident, t = f"I{n}", 1000.0 * n
        log.add(t, "incident.started", incident=incident, priority=1, agencies=["police"])
        log.add(t, "call.received", "police", incident=incident, call=f"C{n}")
        log.add(t + after, "unit.on_scene", "police", f"P{n}", incident, prev="en_route")
    return log


def test_the_police_figure_is_judged_as_the_average_it_is():
    # Three quick arrivals and one slow: 75% within 5:15 (a 90% rule would fail), mean 5:00.
    scenario = build(scenario_dict())
    log = police_arrivals(200, 200, 200, 600)
    checks = {c.name: c for c in standard_checks(scenario, response_intervals(log.events))}
    police = checks["Police priority-1 call to on scene"]
    assert (police.average, police.within, police.mean, police.met) == (True, 0.75, 300.0, True)
    assert police.judged == 300.0
    slower = police_arrivals(300, 300, 300, 400)  # 75% within, mean 5:25: missed
    checks = {c.name: c for c in standard_checks(scenario, response_intervals(slower.events))}
    assert checks["Police priority-1 call to on scene"].met is False


def answered_calls(agency: str, waits: list[float], processing: float) -> LogBuilder:
    """Calls to ``agency``, each answered after its wait, a unit sent ``processing`` later."""
    log = LogBuilder()
    for n, wait in enumerate(waits, start=1):
        incident, t = f"I{n}", 1000.0 * n
        log.add(t, "incident.started", incident=incident, priority=2, agencies=[agency])
        log.add(t, "call.received", agency, incident=incident, call=f"C{n}")
        log.add(t + wait, "call.answered", agency, incident=incident, call=f"C{n}", wait=wait)
        log.add(t + wait + processing, "unit.dispatched", agency, "F1", incident, prev="available")
    return log


def test_the_other_call_standards_of_the_doctrine_are_judged():
    """NENA's 95% in 20 s, NFPA 1225's 10 s fire centre answer, NFPA 1710's 64 s alarm
    processing: listed by the doctrine, judged beside the first figures."""
    scenario = build(scenario_dict())
    log = answered_calls("fire", [8.0] * 18 + [12.0, 25.0], processing=62.0)
    checks = {c.name: c for c in standard_checks(scenario, response_intervals(log.events))}
    nena_95 = checks["Call answered, 95%"]
    assert (nena_95.required_share, nena_95.within, nena_95.met) == (0.95, 0.95, True)
    assert checks["Call answered"].met is True  # 95% within 15 s
    centre = checks["Call answered, fire communications centre"]
    assert (centre.n, centre.within, centre.met) == (20, 0.9, True)
    assert checks["Alarm processing, fire"].met is True  # 62 s against 64 s
    assert checks["Call processing"].met is False  # 62 s against 60 s
    slow = answered_calls("fire", [11.0] * 20, processing=70.0)
    checks = {c.name: c for c in standard_checks(scenario, response_intervals(slow.events))}
    assert checks["Call answered, fire communications centre"].met is False
    assert checks["Alarm processing, fire"].met is False
    police = answered_calls("police", [11.0] * 20, processing=70.0)  # no fire centre
    checks = {c.name: c for c in standard_checks(scenario, response_intervals(police.events))}
    assert checks["Call answered, fire communications centre"].met is None
    assert checks["Alarm processing, fire"].met is None
    # Fire told over the CAD link starts no alarm: call processing times it, NFPA 1710's
    # alarm processing does not.
    passed = LogBuilder()
    passed.add(0, "incident.started", incident="I1", priority=1, agencies=["police", "fire"])
    passed.add(60, "cad.opened", "fire", incident="I1", via="notification")
    passed.add(61, "unit.dispatched", "fire", "E1", "I1", prev="available")
    checks = {c.name: c for c in standard_checks(scenario, response_intervals(passed.events))}
    assert (checks["Call processing"].n, checks["Alarm processing, fire"].n) == (1, 0)


def test_a_percentile_target_and_the_standards_share_within_give_one_verdict():
    """24 of 27 answers in 12 s and 3 in 16 s: 89% within 15 s misses NENA's 90%, and so
    does the 90th percentile (an interpolated one said 13.6 s, met)."""
    waits = [12.0] * 24 + [16.0] * 3
    log = answered_calls("police", waits, processing=30.0)
    checks = {
        c.name: c for c in standard_checks(build(scenario_dict()), response_intervals(log.events))
    }
    measure = evaluate(Measure(metric="call_answer", target=15), timed(*waits))
    assert (checks["Call answered"].met, checks["Call answered"].at_share) == (False, 16.0)
    assert (measure.value, measure.met, measure.rating) == (16.0, False, "U")
    passing = evaluate(Measure(metric="call_answer", target=15), timed(*waits[:-1]))
    assert (passing.value, passing.met) == (12.0, True)  # 24 of 26: 92% within


def test_one_sample_reads_the_same_in_every_column():
    """The report once showed 2:20, 2:21, 2:21, 2:20 for one full assignment of 140.504 s."""
    one = Distribution.of([Sample(140.504)])
    assert (one.mean, one.p50, one.p90, one.max) == (140.5, 140.5, 140.5, 140.5)


# Interval values as the review makes them: seconds to the millisecond.
times = st.lists(
    st.integers(min_value=0, max_value=10_000_000).map(lambda ms: ms / 1000), min_size=1
)


@given(times)
def test_a_distributions_statistics_are_ordered_as_printed(values):
    """min <= mean <= max and median <= 90th percentile <= max, in seconds and in the
    whole seconds m:ss prints; equal samples read the same in every column."""
    d = Distribution.of([Sample(v) for v in values])
    low = round(min(values), 1)
    assert low <= d.p50 <= d.p90 <= d.max and low <= d.mean <= d.max
    whole = [round(x) for x in (low, d.p50, d.p90, d.max)]  # as seconds_text rounds
    assert whole == sorted(whole) and whole[0] <= round(d.mean) <= whole[-1]
    if len(set(values)) == 1:
        assert len({seconds_text(x) for x in (d.mean, d.p50, d.p90, d.max)}) == 1


def test_a_time_measure_can_be_judged_on_its_mean():
    samples = timed(200.0, 200.0, 200.0, 600.0)
    mean = evaluate(Measure(metric="first_on_scene", target=315, statistic="mean"), samples)
    p90 = evaluate(Measure(metric="first_on_scene", target=315), samples)
    assert (mean.statistic, mean.value, mean.met, mean.rating) == ("mean", 300.0, True, "S")
    assert (p90.statistic, p90.met) == ("p90", False)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"metric": "messages_lost", "statistic": "mean"}, "is not a time: it takes no statistic"),
        ({"metric": "messages_lost", "statistic": "percentile"}, "it takes no statistic"),
        (
            {"metric": "first_on_scene", "statistic": "mean", "percentile": 50},
            "a mean takes no percentile",
        ),
        ({"metric": "first_on_scene", "statistic": "median"}, "'percentile' or 'mean'"),
    ],
)
def test_a_measure_statistic_that_cannot_apply_is_refused(fields, error):
    with pytest.raises(ValidationError, match=error):
        Measure(target=300, **fields)


def test_outcomes_follow_each_patient_to_their_final_state():
    log = LogBuilder()
    log.add(
        0, "incident.started", incident="I1", title="Crash", type="traffic_collision", parent=None
    )
    log.add(0, "incident.casualties", incident="I1", immediate=2, delayed=1, minor=1, deceased=1)
    log.add(
        50, "incident.started", incident="I2", title="Spread", type="structure_fire", parent="I1"
    )
    log.add(100, "patient.died", incident="I1", patient="I1-P1", reason="untreated")
    log.add(
        200,
        "patient.delivered",
        "ems",
        "M1",
        "I1",
        patient="I1-P2",
        hospital="H1",
        triage="immediate",
    )
    log.add(210, "patient.released", "ems", "M1", "I1", patient="I1-P4")
    log.add(220, "incident.escalated", incident="I1", reason="MSEL 3")
    log.add(230, "incident.escalated", incident="I1", reason="unmet")
    log.add(240, "hospital.over_capacity", hospital="H1", triage="immediate")
    log.add(300, "incident.resolved", incident="I2")
    result = outcomes(log.events)
    assert (result.casualties, result.deceased, result.died_awaiting_care) == (5, 2, 1)
    assert (result.transported, result.treated, result.awaiting) == (1, 1, 1)
    assert (result.incidents, result.resolved, result.escalated, result.secondary) == (2, 1, 1, 1)
    assert result.hospital_over_capacity == 1
    assert [e.seq for e in result.deaths] == [4]
    first = result.incident_rows[0]
    assert (first.incident, first.escalations, first.awaiting) == ("I1", 2, 1)
    # The deaths measure counts the one who died during the exercise, not the one
    # dead when found.
    log.add(400, "exercise.ended", reason="duration reached")
    (objective,) = score(one_objective("casualties_deceased", 0), log.events).objectives
    (deaths,) = objective.measures
    assert (deaths.value, deaths.met, len(deaths.samples)) == (1.0, False, 1)


def test_an_incident_its_patients_deaths_closed_before_anyone_came_is_lost_not_resolved():
    log = LogBuilder()
    for incident in ("I1", "I2", "I3"):
        log.add(0, "incident.started", incident=incident, title="Collapse", agencies=["ems"])
        log.add(0, "incident.casualties", incident=incident, immediate=1, delayed=0, minor=0)
        log.add(0, "call.received", "ems", incident=incident, call=f"C-{incident}")
    log.add(300, "unit.on_scene", "ems", "M1", "I2", prev="en_route")
    log.add(600, "patient.died", incident="I1", patient="I1-P1", reason="untreated")
    log.add(600, "incident.resolved", incident="I1")  # nobody ever came
    log.add(700, "patient.died", incident="I3", patient="I3-P1", reason="untreated")
    log.add(900, "patient.died", incident="I2", patient="I2-P1", reason="untreated")
    log.add(900, "incident.resolved", incident="I2")  # worked, and lost the patient
    log.add(4000, "exercise.ended", reason="duration reached")  # I3 still open
    result = outcomes(log.events)
    assert [(r.incident, r.lost, r.answered) for r in result.incident_rows] == [
        ("I1", True, False),
        ("I2", False, True),
        ("I3", False, False),  # not closed at all: not lost, just unresolved
    ]
    assert result.resolved == 1 == summarise(log.events).resolved
    scored = outcome_score(result, end=4000.0, arrivals=1)
    assert scored.components["resolution"] == round(1 / 3, 4)
    assert scored.notes["resolution"] == (
        "1 of 3 incidents due were resolved; 1 incident closed by the deaths of patients no "
        "unit reached"
    )
    # Nobody reached I1 before it closed: the call-to-scene duty was owed and missed.
    missed = [s for s in response_intervals(log.events).of("first_on_scene") if s.censored]
    assert [(s.incident, s.note) for s in missed] == [
        ("I1", "not done before it closed"),
        ("I3", "not done by the end"),
    ]


def comms_log() -> LogBuilder:
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["fire", "police"], requires={})
    log.add(0, "incident.started", incident="I2", agencies=["fire", "police"], requires={})
    log.add(
        90, "fact.critical", incident="I1", fact="hazard:I1", needed_by=["ems", "fire", "police"]
    )
    log.add(100, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(100, "fact.learned", "police", "P1", "I1", fact="hazard:I1", via="unit", message=None)
    log.add(
        120,
        "message.queued",
        "police",
        "P1",
        "I1",
        message="M1",
        channel="ops",
        to="fire",
        facts=["hazard:I1"],
    )
    log.add(125, "message.sent", "police", message="M1", channel="ops", wait=5.0, airtime=10.0)
    log.add(160, "fact.learned", "fire", None, "I1", fact="hazard:I1", via="message", message="M1")
    log.add(190, "message.queued", "police", incident="I1", message="M2", channel="ops")
    log.add(205, "message.sent", "police", message="M2", channel="ops", wait=15.0, airtime=20.0)
    log.add(200, "unit.on_scene", "fire", "F1", "I1", prev="en_route")
    log.add(210, "unit.on_scene", "police", "P2", "I2", prev="en_route")
    log.add(250, "unit.on_scene", "fire", "F2", "I2", prev="en_route")
    log.add(260, "message.queued", "fire", incident="I1", message="M3", channel="fire-tac")
    log.add(261, "message.lost", "fire", message="M3", channel="fire-tac", reason="noise")
    log.add(
        300, "span.exceeded", "fire", incident="I1", supervisors=1, units=9, limit=7, factor=0.8
    )
    log.add(400, "assignment.duplicated", "fire", "F1", "I1", with_agency="police", cost=40.0)
    log.add(
        450, "unit.harmed", "fire", "F1", "I1", hazard="chemical", effect="crew_injured", count=1
    )
    log.add(
        500,
        "unified_command.established",
        incident="I1",
        agencies=["fire", "police"],
        channel="ops",
    )
    log.add(600, "span.restored", "fire", incident="I1")
    log.add(700, "incident.resolved", incident="I2")
    log.add(1000, "exercise.ended", reason="duration reached")
    return log


def test_coordination_metrics_from_comms_events():
    data = scenario_dict()
    data["units"] += [
        unit("SGT", "police", ["command"], "PS"),
        unit("BC", "fire", ["command"], "FS"),
    ]
    c = coordination(build(data), comms_log().events)
    assert c.comms_modelled and not c.facts_derived
    uc = {s.incident: (s.value, s.note) for s in c.unified_command}
    assert uc == {"I1": (300.0, ""), "I2": (450.0, "not established")}  # I2: 250 -> resolved 700
    # Without command units, unified command could never form at I2: not held against anyone.
    no_commanders = coordination(build(scenario_dict()), comms_log().events)
    assert {s.incident for s in no_commanders.unified_command} == {"I1"}
    (fact,) = c.facts
    assert (fact.first_known, fact.missing, fact.all_known) == (100.0, ("ems",), None)
    assert fact.latency == 900.0  # never known by EMS: counted to the end (1000 - 100)
    assert c.messages == 3 and c.lost_by_reason == {"noise": 1}
    ops = next(ch for ch in c.channels if ch.channel == "ops")
    assert (ops.sent, ops.airtime, ops.utilisation, ops.wait_mean, ops.wait_max) == (
        2,
        30.0,
        0.03,
        10.0,
        15.0,
    )
    assert ops.load[0] == pytest.approx(0.1)  # 30 s of airtime in the first 300 s bin
    tac = next(ch for ch in c.channels if ch.channel == "fire-tac")
    assert (tac.sent, tac.lost) == (0, 1)
    assert [s.value for s in c.span] == [300.0]
    assert [(s.unit, s.value, s.note) for s in c.duplicated] == [("F1", 40.0, "with police")]
    assert [s.unit for s in c.unsafe] == ["F1"]


def test_fact_fully_shared_has_latency_from_first_known_to_last_needed():
    log = LogBuilder()
    log.add(10, "fact.critical", incident="I1", fact="armed:I1", needed_by=["ems", "police"])
    log.add(40, "fact.learned", "police", fact="armed:I1", via="call")
    log.add(100, "fact.learned", "fire", fact="armed:I1", via="message")
    log.add(160, "fact.learned", "ems", fact="armed:I1", via="message")
    (fact,) = coordination(build(scenario_dict()), log.events).facts
    assert (fact.first_known, fact.all_known, fact.latency, fact.missing) == (
        40.0,
        160.0,
        120.0,
        (),
    )


def test_without_fact_events_incident_existence_is_learned_from_cad():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["fire", "police"], requires={})
    log.add(60, "cad.opened", "police", incident="I1", via="call")
    log.add(150, "cad.opened", "fire", incident="I1", via="notification")
    c = coordination(build(scenario_dict()), log.events)
    assert c.facts_derived and not c.comms_modelled
    assert [(f.fact, f.latency) for f in c.facts] == [("incident:I1", 90.0)]
    assert c.unified_command == ()


def idle_scenario():
    units = [
        unit("P1", "police", ["patrol"], "PS"),
        unit("P2", "police", ["patrol"], "PS"),
        unit("M1", "ems", ["als", "transport"], "ES"),
    ]
    return build(scenario_dict(units=units))


@pytest.mark.parametrize(("resolved", "counted"), [(400, True), (60 + IDLE_GRACE_S - 1, False)])
def test_capable_unit_left_idle_while_a_need_is_unmet(resolved, counted):
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["police"], requires={"patrol": 2})
    log.add(60, "cad.opened", "police", incident="I1", via="call")
    log.add(70, "unit.dispatched", "police", "P1", "I1", prev="available")
    log.add(resolved, "incident.resolved", incident="I1")
    idle = coordination(idle_scenario(), log.events).idle
    if counted:
        assert [(s.unit, s.incident, s.value) for s in idle] == [("P2", "I1", 340.0)]
        assert idle[0].evidence[0].kind == "cad.opened"
    else:
        assert idle == ()


def test_idle_respects_what_the_agency_knows_and_als_meets_bls():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["ems"], requires={"bls": 1})
    log.add(300, "cad.opened", "ems", incident="I1", via="call")
    log.add(1000, "incident.resolved", incident="I1")
    idle = coordination(idle_scenario(), log.events).idle
    assert [(s.unit, s.value) for s in idle] == [("M1", 700.0)]  # only once EMS knew


@pytest.mark.parametrize(
    ("score", "expected"),
    [(100.0, "P"), (99.9, "S"), (75.0, "S"), (74.9, "M"), (50.0, "M"), (49.9, "U"), (0.0, "U")],
)
def test_rating_bands(score, expected):
    """HSEEP's letters by the default bands: P 100, S from 75, M from 50, U below."""
    assert rate(score, Rating()) == expected


def test_scenario_thresholds_decide_the_rating():
    lenient = Rating(performed=0.6, some_challenges=0.4, major_challenges=0.2)
    assert rate(66.0, lenient) == "P"
    assert rate(30.0, lenient) == "M"
    odd = Rating(performed=0.955, some_challenges=0.7, major_challenges=0.35)
    assert (rate(95.5, odd), rate(95.4, odd), rate(35.0, odd)) == ("P", "S", "M")


def timed(*values: float, undone: float | None = None) -> list[Sample]:
    done = [Sample(value=v) for v in values]
    return done + ([Sample(value=undone, censored=True)] if undone is not None else [])


_LETTERS = "UMSP"  # worst first


def _measure(kind: str, target: int, value: int) -> object:
    """A measure judged on one value: a ceiling count, a floor count, or one time."""
    if kind == "time":
        target_s, taken = 60 * (target + 1), 30 * value
        return evaluate(Measure(metric="first_on_scene", target=target_s), timed(taken))
    at_most = kind == "ceiling"
    metric = "messages_lost" if at_most else "incidents_resolved"
    return evaluate(Measure(metric=metric, target=target, at_most=at_most), [], value=value)


measures = st.lists(
    st.builds(
        _measure,
        st.sampled_from(["time", "ceiling", "floor"]),
        st.integers(0, 10),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=6,
)
cut_rules = st.lists(st.integers(0, 100), min_size=3, max_size=3).map(
    lambda cuts: Rating(
        **dict(
            zip(
                ("major_challenges", "some_challenges", "performed"),
                (c / 100 for c in sorted(cuts)),
                strict=True,
            )
        )
    )
)


rules = st.one_of(st.just(Rating()), cut_rules)


@settings(max_examples=400, deadline=None)
@given(measures, measures, rules)
@example(  # QA's case: U at 66.7 (a third of its targets met) above M at 50 (half met)
    first=[_measure("time", 9, 2), _measure("ceiling", 0, 1), _measure("ceiling", 0, 1)],
    second=[_measure("time", 9, 2), _measure("floor", 5, 0)],
    rule=Rating(),
)
def test_a_higher_objective_score_never_has_a_worse_letter(first, second, rule):
    """The letter is the score's band: a U once showed 66.7 above an M at 50."""
    objective = Objective(id="A", title="a", core_capability="c", rating=rule)
    a, b = rate_objective(objective, first), rate_objective(objective, second)
    for o in (a, b):
        assert o.rating == rate(o.score, rule)
    if a.score > b.score:
        assert _LETTERS.index(a.rating) >= _LETTERS.index(b.rating), (a.score, b.score)
    if a.score == b.score:
        assert a.rating == b.rating


@pytest.mark.parametrize(
    ("samples", "rating", "past"),
    [
        (timed(*[100.0] * 10), "P", 0),  # every measurement within the target
        (timed(*[100.0] * 19, 500.0), "S", 1),  # p90 holds; one measurement past it
        (timed(*[100.0] * 19, undone=500.0), "M", 1),  # p90 holds; a duty never done
        (timed(*[100.0] * 5, *[500.0] * 5), "U", 5),  # not met
    ],
)
def test_each_target_is_rated_as_hseep_rates_it(samples, rating, past):
    result = evaluate(Measure(metric="first_on_scene", target=300), samples)
    assert (result.rating, result.past) == (rating, past)


@pytest.mark.parametrize(
    ("metric", "value", "rating"),
    [
        ("messages_lost", 0, "P"),  # none happened
        ("messages_lost", 2, "S"),  # some, within the ceiling
        ("messages_lost", 6, "U"),
        ("unsafe_entries", 1, "M"),  # within the ceiling, but responders were put at risk
        ("incidents_resolved", 3, "P"),  # a floor reached
    ],
)
def test_a_count_target_is_rated_by_what_it_let_pass(metric, value, rating):
    at_most = metric != "incidents_resolved"
    measure = Measure(metric=metric, target=5 if at_most else 3, at_most=at_most)
    assert evaluate(measure, [], value=value).rating == rating


def test_an_objective_with_a_challenged_target_is_never_performed_without_challenges():
    held = evaluate(Measure(metric="first_on_scene", target=300), timed(*[100.0] * 10))
    strained = evaluate(
        Measure(metric="first_on_scene", target=300, agency="ems"),
        timed(*[100.0] * 19, undone=500.0),
    )
    challenged = evaluate(
        Measure(metric="first_on_scene", target=300, agency="fire"),
        timed(*[100.0] * 19, 500.0),
    )
    assert (held.rating, challenged.rating, strained.rating) == ("P", "S", "M")
    objective = Objective(id="A", title="a", core_capability="c")
    # Every target met, one only with a duty undone: short of full credit, so not P.
    rated = rate_objective(objective, [held, challenged, strained])
    assert (rated.share_met, rated.score, rated.rating) == (1.0, 97.8, "S")
    assert rate_objective(objective, [held]).rating == "P"
    # Half the targets met, the other missed by far: the score's band, M.
    missed = evaluate(Measure(metric="messages_lost", target=0), [], value=3)
    rated = rate_objective(objective, [missed, challenged])
    assert (rated.share_met, rated.score, rated.rating) == (0.5, 61.7, "M")


def test_objective_rating_ignores_unobserved_measures_and_overall_is_weighted():
    ok = evaluate(Measure(metric="casualties_deceased", target=0), [], value=0)
    bad = evaluate(Measure(metric="incidents_escalated", target=0), [], value=2)
    # Nobody on a hazardous scene. (An unobserved work measure would set the clean death
    # count aside: see the test below.)
    unseen = evaluate(Measure(metric="unsafe_entries", target=0), [], value=None)
    assert (ok.met, bad.met, unseen.met) == (True, False, None)
    one = rate_objective(
        Objective(id="A", title="a", core_capability="c", weight=3), [ok, bad, unseen]
    )
    # Scored on graded credit (2 escalations against 0 earn 1/3), rated by that score.
    assert (one.share_met, one.rating, one.score) == (0.5, "M", 66.7)
    two = rate_objective(Objective(id="B", title="b", core_capability="c"), [ok])
    none = rate_objective(Objective(id="C", title="c", core_capability="c"), [unseen])
    assert none.rating is None and none.score is None
    total, breakdown = overall([one, two, none])
    assert total == 75.0  # (66.7 * 3 + 100 * 1) / 4
    assert [b["objective"] for b in breakdown] == ["A", "B"]
    assert sum(b["points"] for b in breakdown) == pytest.approx(total)


def test_a_clean_guard_count_beside_work_all_missed_is_set_aside():
    objective = Objective(id="UC", title="u", core_capability="Operational Coordination")
    late = evaluate(Measure(metric="unified_command_time", target=600), timed(900.0))
    prompt = evaluate(Measure(metric="unified_command_time", target=600), timed(300.0))
    clean = evaluate(Measure(metric="duplicate_assignments", target=0), [], value=0)
    clashed = evaluate(Measure(metric="duplicate_assignments", target=0), [], value=4)
    # Nobody dispatched, so nobody clashed: that cannot lift the objective above its
    # late work (75, S; with the clean count, 87.5).
    idle = rate_objective(objective, [late, clean])
    assert late.credit == 0.75
    assert (idle.rating, idle.share_met, idle.score) == ("S", 0.0, 75.0)
    assert idle.measures[1].set_aside and idle.measures[1].met is None
    # With the work done, the guard judges how cleanly it was done.
    worked = rate_objective(objective, [prompt, clean])
    assert (worked.rating, worked.share_met) == ("P", 1.0)
    assert not worked.measures[1].set_aside
    # A guard that was breached still counts against the objective; one within a ceiling
    # above zero saw clashes, so it is judged too.
    assert rate_objective(objective, [late, clashed]).measures[1].met is False
    allowed = evaluate(Measure(metric="duplicate_assignments", target=2), [], value=1)
    assert not rate_objective(objective, [late, allowed]).measures[1].set_aside
    # A guard alone is judged as it stands.
    assert rate_objective(objective, [clean]).rating == "P"


def test_counts_of_harm_beside_work_never_observed_are_set_aside():
    """Harbor's idle police: unified command never fell due, the escalation was scripted."""
    objective = Objective(id="OBJ5", title="u", core_capability="Operational Coordination")
    unseen = evaluate(Measure(metric="unified_command_time", target=900), [], value=None)
    scripted = evaluate(Measure(metric="incidents_escalated", target=1), [], value=1)
    clean = evaluate(Measure(metric="span_of_control_breaches", target=0), [], value=0)
    idle = rate_objective(objective, [unseen, scripted, clean])
    # Neither count shows the work was done: nothing is left to rate, so never P.
    assert (idle.rating, idle.score) == (None, None)
    assert [m.set_aside for m in idle.measures] == [False, True, True]
    # An escalation past its ceiling is harm done, judged even with no work observed.
    worse = evaluate(Measure(metric="incidents_escalated", target=1), [], value=3)
    rated = rate_objective(objective, [unseen, worse, clean])
    assert rated.score == 100 * worse.credit and rated.measures[1].met is False
    assert rated.measures[2].set_aside  # still: zero breaches show nobody acted
    # Work done on time: the counts judge how well it went.
    prompt = evaluate(Measure(metric="unified_command_time", target=900), timed(300.0))
    worked = rate_objective(objective, [prompt, scripted, clean])
    assert worked.rating == "P" and not any(m.set_aside for m in worked.measures)
    # Work all missed: a death count within its ceiling cannot lift the objective either.
    late = evaluate(Measure(metric="unified_command_time", target=900), timed(1350.0))
    alive = evaluate(Measure(metric="casualties_deceased", target=2), [], value=0)
    missed = rate_objective(objective, [late, alive])
    assert missed.score == 100 * late.credit and missed.measures[1].set_aside
    # With no work measure at all, the counts are judged as they stand.
    counts = rate_objective(objective, [scripted, clean])
    assert counts.score == 100.0 and not any(m.set_aside for m in counts.measures)


def test_percentile_measure_with_agency_and_at_least():
    data = scenario_dict()
    data["scoring"] = {
        "objectives": [
            {
                "id": "OBJ1",
                "title": "Fast police",
                "core_capability": "On-scene Security",
                "measures": [
                    {
                        "metric": "first_on_scene",
                        "target": 300,
                        "agency": "police",
                        "percentile": 50,
                    },
                    {"metric": "first_on_scene", "target": 300, "agency": "ems"},
                    {"metric": "incidents_resolved", "target": 1, "at_most": False},
                    {"metric": "unsafe_entries", "target": 0},
                ],
            }
        ]
    }
    log = response_log().add(450, "exercise.ended", reason="duration reached")
    result = score(build(data), log.events)
    (objective,) = result.objectives
    got = [(m.metric, m.agency, m.statistic, m.value, m.met) for m in objective.measures]
    assert got == [
        ("first_on_scene", "police", "p50", 300.0, True),
        ("first_on_scene", "ems", "p90", 320.0, False),
        ("incidents_resolved", None, "count", 0.0, False),
        ("unsafe_entries", None, "count", None, None),  # no comms events: not modelled
    ]
    # Credit: police 1, EMS 320 s against 300 s 1 - 20/600, nothing resolved 0.
    # Rated by that score's band: it read U beside 65.6 when rated on the share met.
    assert objective.rating == "M" and objective.score == pytest.approx(65.6)
    # Outcomes: nobody harmed (100); duties: both agencies in time (100).
    assert (result.outcome_score.score, result.duties_score) == (100.0, 100.0)
    assert result.overall == pytest.approx(0.35 * 65.6 + 0.3 * 100 + 0.35 * 100, abs=0.05)


def test_score_is_pure_and_json_serialisable():
    scenario = one_objective("fact_latency", 600)
    events = comms_log().events
    first = json.dumps(score(scenario, events).to_dict(), sort_keys=True)
    assert first == json.dumps(score(scenario, list(events)).to_dict(), sort_keys=True)
    assert json.loads(first)["objectives"][0]["measures"][0]["value"] == 900.0


def test_span_breaches_count_only_sustained_ones():
    """A moment over the span is no breach; one exceeded again at once goes on."""
    log = LogBuilder()
    log.add(100, "span.exceeded", incident="I1", supervisors=1, units=6, limit=5, factor=0.8)
    log.add(101, "span.restored", incident="I1")  # a supervisor arrived a second later
    log.add(500, "span.exceeded", incident="I1", supervisors=1, units=6, limit=5, factor=0.8)
    log.add(700, "span.restored", incident="I1")
    log.add(730, "span.exceeded", incident="I1", supervisors=1, units=6, limit=5, factor=0.8)
    log.add(900, "span.restored", incident="I1")  # 500-900 is one breach of 400 s
    log.add(2000, "span.exceeded", incident="I2", supervisors=0, units=7, limit=5, factor=0.7)
    log.add(2150, "span.exceeded", incident="I3", supervisors=0, units=7, limit=5, factor=0.7)
    breaches = span_breaches(log.events, end=2200.0)  # I3's 50 s at the end is too short
    assert [(s.incident, s.value) for s in breaches] == [("I1", 400.0), ("I2", 200.0)]
    assert breaches[1].note == "not restored"
    assert SPAN_GRACE_S > 1.0


def county_aid() -> LogBuilder:
    """EMS's incident I1, opened at 60 s; EMS asks the county, whose CAD opens at 90 s."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["ems"])
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(60, "cad.opened", "ems", incident="I1", via="notification")
    log.add(70, "mutual_aid.requested", "ems", incident="I1", to="county_ems", count=1)
    log.add(90, "cad.opened", "county_ems", incident="I1", via="mutual_aid")
    return log


def test_a_partner_sent_on_request_answers_the_askers_first_arrival():
    """EMS asked the county and never came itself: the county's arrival is EMS's too."""
    log = county_aid()
    log.add(400, "unit.on_scene", "county_ems", "CM1", "I1", prev="en_route")
    log.add(500, "unit.on_scene", "ems", "M1", "I1", prev="en_route")  # later: not first
    intervals = response_intervals(log.events)
    got = sorted((s.agency, s.value, s.unit, s.note) for s in intervals.of("first_on_scene"))
    # The county, which the incident did not need, is timed from being asked.
    assert got == [
        ("county_ems", 330.0, "CM1", "sent on request"),
        ("ems", 400.0, "CM1", "mutual aid from county_ems"),
    ]
    # The public's call-to-scene check takes one arrival per incident, from the call.
    data = scenario_dict()
    data["agencies"].append(agency("county_ems", "ems", jurisdiction="County"))
    checks = {c.name: c for c in standard_checks(build(data), intervals)}
    assert checks["EMS call to on scene"].values == (400.0,)


def test_an_agency_that_sent_nobody_misses_its_full_assignment_from_its_cad():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["fire", "police"])
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(40, "cad.opened", "fire", incident="I1", via="notification")
    log.add(1000, "exercise.ended", reason="duration reached")
    intervals = response_intervals(log.events)
    (fire,) = intervals.of("full_assignment_on_scene", "fire")
    assert (fire.value, fire.censored, fire.evidence[0].kind) == (960.0, True, "cad.opened")
    (police,) = intervals.of("full_assignment_on_scene", "police")
    assert (police.value, police.evidence[0].kind) == (1000.0, "call.received")  # never told
    log.add(1000, "incident.resolved", incident="I1")  # resolved without them: no duty missed
    assert response_intervals(log.events).of("full_assignment_on_scene") == []


def test_a_partner_that_knew_of_the_incident_is_timed_from_the_request_not_its_cad():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["ems"])
    log.add(0, "call.received", "ems", incident="I1", call="C1")
    log.add(65, "cad.opened", "county_ems", incident="I1", via="share")  # told early
    log.add(7000, "mutual_aid.requested", "ems", incident="I1", to="county_ems", count=1)
    log.add(7300, "unit.on_scene", "county_ems", "CM1", "I1", prev="en_route")
    (county,) = response_intervals(log.events).of("first_on_scene", "county_ems")
    assert (county.value, county.evidence[0].kind) == (300.0, "mutual_aid.requested")


def test_a_partners_arrival_is_broken_down_by_the_partner_units_own_turnout_and_travel():
    log = county_aid()
    log.add(100, "unit.dispatched", "county_ems", "CM1", "I1", prev="available")
    log.add(160, "unit.en_route", "county_ems", "CM1", "I1", prev="dispatched")
    log.add(400, "unit.on_scene", "county_ems", "CM1", "I1", prev="en_route")
    log.add(1000, "unit.dispatched", "ems", "M1", "I1", prev="available")  # its own, late
    intervals = response_intervals(log.events)
    (asked,) = [s for s in intervals.of("first_on_scene", "ems")]
    assert asked.unit == "CM1"
    # EMS's own processing (60 s to 1000 s) was not on the partner's way: waiting is.
    parts = _breakdown(asked, intervals, waits(build(scenario_dict()), log.events))
    assert parts == {
        "call processing": 0.0,
        "turnout": 60.0,
        "travel": 240.0,
        "waiting (notification, mutual aid, staging)": 100.0,
    }


def test_an_arrival_that_never_came_is_not_broken_down():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police", "ems"])
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(60, "cad.opened", "police", incident="I1", via="call")
    log.add(90, "unit.dispatched", "police", "P1", "I1", prev="available")
    log.add(135, "unit.en_route", "police", "P1", "I1", prev="dispatched")
    log.add(300, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(7200, "exercise.ended")
    intervals = response_intervals(log.events)
    (never,) = [s for s in intervals.of("first_on_scene", "ems")]
    assert never.censored and never.unit is None
    text, queued = _latency(
        "first_on_scene", [never], 1, intervals, waits(build(scenario_dict()), log.events), {}
    )
    assert "Of that" not in text and "turnout" not in text and not queued


def test_messages_between_agencies_are_counted_by_path_with_their_safecom_level():
    log = LogBuilder()
    log.add(10, "message.queued", "police", to="fire", path="patch", level=4)
    log.add(20, "message.queued", "police", to="fire", path="patch", level=4)
    log.add(30, "message.queued", "fire", to="ems", path="phone", level=None)
    log.add(40, "message.queued", "ems", to=None, path="own", level=None)  # onto a channel
    log.add(50, "message.queued", "ems", to="ems", path="own", level=None)  # its own crews
    log.add(60, "message.queued", "ems", to="police", path=None, level=None)  # no route
    assert between_agencies(log.events) == {
        "console patch (level 4)": 2,
        "no path": 1,
        "phone": 1,
    }


def warned_ahead(police_told_at: float, by: str = "fire") -> LogBuilder:
    """Fire learns of a hazard at I2 at 10 s; I2 starts at 100 s, needing police too."""
    log = LogBuilder()
    log.add(10, "fact.learned", "fire", fact="hazard:I2/gas", value=True, via="analysis")
    log.add(100, "incident.started", incident="I2", priority=2, agencies=["police", "fire"])
    log.add(100, "fact.critical", incident="I2", fact="hazard:I2/gas", needed_by=["police", "fire"])
    log.add(
        police_told_at,
        "fact.learned",
        "police",
        fact="hazard:I2/gas",
        value=True,
        via="message",
        source=by,
    )
    return log


@pytest.mark.parametrize(("told", "latency"), [(160.0, 60.0), (50.0, 0.0)])
def test_a_fact_known_before_its_incident_started_is_owed_from_the_start(told, latency):
    """A fusion centre's warning of what is coming: nobody could name its responders before."""
    events = warned_ahead(told).events
    (fact,) = fact_sharing(events, end=1000.0)
    assert fact.latency == latency
    scenario = build(scenario_dict())
    groups = role_scores(scenario, events)["fire"].groups
    (duty,) = next(g for g in groups if g.name == "share").duties
    assert duty.value == latency


@pytest.mark.parametrize(("told", "duties"), [(200.0, []), (500.0, [(400.0, True)])])
def test_a_fact_another_agency_passed_on_earns_the_first_to_know_nothing(told, duties):
    """Police hear of fire's hazard from EMS: in time, fire owed nothing; late, a miss."""
    events = warned_ahead(told, by="ems").events
    groups = role_scores(build(scenario_dict()), events)["fire"].groups
    share = [g for g in groups if g.name == "share"]
    got = [(d.value, d.censored) for g in share for d in g.duties]
    assert got == duties
    if duties:
        assert share[0].credit == 0.0
        note = "the gas hazard at I2 reached police late, and not from fire"
        assert share[0].duties[0].note == note


def test_nfpa_1710_first_engine_travel_is_the_first_engine_not_the_chiefs_car():
    scenario = build(
        scenario_dict(
            units=[
                unit("P1", "police", ["patrol"], "PS"),
                unit("BC", "fire", ["command"], "FS"),
                unit("HM", "fire", ["hazmat"], "FS"),
                unit("E1", "fire", ["fire_suppression"], "FS"),
                unit("E2", "fire", ["fire_suppression", "rescue"], "FS"),
                unit("M1", "ems", ["als", "transport"], "ES"),
            ]
        )
    )
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["fire"])
    for u, rolled, arrived in (("BC", 10, 100), ("HM", 20, 200), ("E1", 30, 330), ("E2", 40, 400)):
        log.add(rolled - 5, "unit.dispatched", "fire", u, "I1", prev="available")
        log.add(rolled, "unit.en_route", "fire", u, "I1", prev="dispatched")
        log.add(arrived, "unit.on_scene", "fire", u, "I1", prev="en_route")
    checks = {c.name: c for c in standard_checks(scenario, response_intervals(log.events))}
    (first,) = checks["Travel, first engine"].samples
    assert (first.unit, first.value) == ("E1", 300.0)


def test_unified_command_is_timed_from_the_second_agency_with_jurisdiction():
    """A partner sent on request assists under its host's command (NIMS): no clock."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police", "fire"])
    log.add(100, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(150, "unit.on_scene", "county_fire", "CF1", "I1", prev="en_route")
    log.add(400, "unit.on_scene", "fire", "F1", "I1", prev="en_route")
    log.add(500, "unified_command.established", incident="I1", agencies=["fire", "police"])
    log.add(0, "incident.started", incident="I2", priority=2, agencies=["police"])
    log.add(600, "unit.on_scene", "police", "P2", "I2", prev="en_route")
    log.add(650, "unit.on_scene", "county_fire", "CF2", "I2", prev="en_route")  # aid only
    log.add(700, "fact.critical", incident="I2", fact="incident:I2", needed_by=["police", "ems"])
    log.add(800, "unit.on_scene", "ems", "M1", "I2", prev="en_route")  # drawn in later
    log.add(830, "unified_command.established", incident="I2", agencies=["ems", "police"])
    got = [(s.incident, s.agency, s.value) for s in unified_command(log.events, 1000.0)]
    assert got == [("I1", "fire", 100.0), ("I2", "ems", 30.0)]


def _commander_log(commanders_at: dict[str, float], uc_at: float | None) -> LogBuilder:
    """Police first on scene, then fire; their commanders SGT and BC as ``commanders_at``."""
    arrivals = [(100.0, "police", "P1"), (200.0, "fire", "E1")]
    units = {"police": "SGT", "fire": "BC"}
    arrivals += [(t, who, units[who]) for who, t in commanders_at.items()]
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police", "fire"])
    for t, who, unit_id in sorted(arrivals):
        log.add(t, "unit.on_scene", who, unit_id, "I1", prev="en_route")
    if uc_at is not None:
        log.add(uc_at, "unified_command.established", incident="I1")
    return log


COMMANDERS = {"SGT": "police", "BC": "fire"}


@pytest.mark.parametrize(
    ("commanders_at", "uc_at", "held_up_by"),
    [
        ({"fire": 250.0}, None, "police"),  # police's sergeant never came
        ({}, None, "fire and police"),  # neither commander came: both
        ({"fire": 250.0, "police": 900.0}, 960.0, "police"),  # the sergeant came last
        ({"fire": 250.0, "police": 150.0}, 310.0, "fire"),  # the chief came last
        ({"fire": 210.0}, 1500.0, "police"),  # formed once police left: police held it up
    ],
)
def test_unified_command_names_the_agency_that_held_it_up(commanders_at, uc_at, held_up_by):
    """The improvement plan names whoever's commander never came, or came last.

    Fire arrived second: when police's sergeant never came, or came long after, police
    held unified command up, not fire. Unified command that formed only after police's
    crews left, its sergeant never there, was held up by police, not by fire's chief
    who came seconds after fire's first unit. With the sergeant there first, fire's
    chief came last.
    """
    log = _commander_log(commanders_at, uc_at)
    (sample,) = unified_command(log.events, 2000.0, COMMANDERS)
    assert sample.agency == held_up_by
    (unknown,) = unified_command(log.events, 2000.0)  # no commanders known: the second
    assert unknown.agency == "fire"


def test_a_commander_waiting_at_the_perimeter_has_come_for_unified_command():
    """ICS: a sergeant held outside commands from there; fire's chief came last."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police", "fire"])
    log.add(100, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(150, "unit.staged", "police", "SGT", "I1", prev="en_route", at="perimeter")
    log.add(160, "unit.staged", "fire", "BC", "I1", prev="en_route", at="STG1")  # not here
    log.add(200, "unit.on_scene", "fire", "E1", "I1", prev="en_route")
    log.add(300, "unit.staged", "fire", "BC", "I1", prev="staged", at="perimeter")
    log.add(310, "unified_command.established", incident="I1")
    (sample,) = unified_command(log.events, 2000.0, COMMANDERS)
    assert (sample.agency, sample.value) == ("fire", 110.0)


def test_the_ems_standard_counts_a_partners_arrival_for_the_asker_once():
    data = scenario_dict()
    data["agencies"].append({"id": "county_ems", "name": "County EMS", "kind": "ems"})
    log = county_aid()
    log.add(400, "unit.on_scene", "county_ems", "CM1", "I1", prev="en_route")
    intervals = response_intervals(log.events)
    assert len(intervals.of("first_on_scene")) == 2  # each agency's duty, in its role score
    checks = {c.name: c for c in standard_checks(build(data), intervals)}
    assert [(s.unit, s.value) for s in checks["EMS call to on scene"].samples] == [("CM1", 400.0)]


def brute_idle(scenario, events):
    """Idle capable units the slow way: every pair recomputed on every state change."""
    fleet = Ledger(scenario, frozenset({"available"}))
    requires, agencies, known = {}, {}, defaultdict(set)
    idle, since = defaultdict(float), {}
    last = 0.0
    for e in events:
        last = e.t
        if e.kind == "incident.started":
            requires[e.incident] = dict(e.data.get("requires", {}))
            agencies[e.incident] = set(e.data.get("agencies", []))
        elif e.kind == "incident.escalated" and "requires" in e.data:
            requires[e.incident] = dict(e.data["requires"])
        elif e.kind == "incident.resolved":
            requires.pop(e.incident, None)
        elif e.kind == "cad.opened":
            known[e.incident].add(e.agency)
        elif e.kind.startswith("unit.") and fleet.knows(e.unit) and "prev" in e.data:
            fleet.unit(e.unit, e.kind.removeprefix("unit."), e.incident)
        else:
            continue
        pairs = {
            (u, i)
            for i, needs in requires.items()
            for c, n in needs.items()
            if fleet.assigned[(i, c)] < n
            for a in agencies[i] & known[i]
            for u in fleet.free.get((a, c), ())
        }
        for pair in [p for p in since if p not in pairs]:
            idle[pair] += e.t - since.pop(pair)
        for pair in pairs:
            since.setdefault(pair, e.t)
    for pair in list(since):
        idle[pair] += last - since.pop(pair)
    return sorted((u, i, round(s, 1)) for (u, i), s in idle.items() if s >= IDLE_GRACE_S)


@pytest.mark.parametrize("name", ["riverton_night_shift.yaml", "harbor_district_mci.yaml"])
def test_idle_units_kept_incrementally_match_a_full_recount(name):
    """An idle police dispatcher leaves its cars free while its incidents need them."""
    scenario = load(SCENARIOS / name)
    exercise = build_exercise(scenario, 0, profiles={"police": "idle"})
    exercise.advance(scenario.metadata.duration)
    events = exercise.log.events
    fast = sorted((s.unit, s.incident, s.value) for s in idle_units(exercise.scenario, events))
    assert fast == brute_idle(exercise.scenario, events)
    assert fast, "the bundled scenario should leave some capable unit idle for a while"


def test_only_delivered_patients_count_as_reaching_a_crowded_department():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1")
    log.add(0, "incident.casualties", incident="I1", immediate=2)
    for patient in ("I1-P1", "I1-P2"):
        log.add(
            50,
            "hospital.crowded",
            incident="I1",
            hospital="H1",
            patient=patient,
            triage="immediate",
            in_use=2,
            beds=2,
        )
    log.add(
        90,
        "patient.delivered",
        "ems",
        "M1",
        "I1",
        patient="I1-P1",
        hospital="H1",
        triage="immediate",
    )
    result = outcomes(log.events)  # I1-P2 is still on the road at the end
    assert (result.transported, result.hospital_crowded) == (1, 1)


def test_a_diversion_gives_back_the_full_bed_at_the_first_hospital_not_the_crowded_next():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1")
    log.add(0, "incident.casualties", incident="I1", immediate=1)
    crowded = {"incident": "I1", "patient": "I1-P1", "triage": "immediate"}
    log.add(50, "hospital.over_capacity", incident="I1", hospital="H1", triage="immediate")
    log.add(50, "hospital.crowded", hospital="H1", in_use=3, beds=2, **crowded)
    log.add(50, "unit.transporting", "ems", "M1", hospital="H1", patients=["I1-P1"])
    log.add(70, "hospital.crowded", hospital="H2", in_use=2, beds=2, **crowded)
    transporting = {"hospital": "H2", "patients": ["I1-P1"], "diverted_from": "H1"}
    log.add(70, "unit.transporting", "ems", "M1", **transporting)
    delivered = {"patient": "I1-P1", "hospital": "H2", "triage": "immediate"}
    log.add(90, "patient.delivered", "ems", "M1", "I1", **delivered)
    result = outcomes(log.events)
    # Full at H1, which the crew turned away from; crowded, with a bed, at H2.
    assert (result.hospital_over_capacity, result.hospital_crowded) == (0, 1)


def test_outcome_note_counts_units_harmed_and_people_injured_in_words():
    """The safety line counts units (the score's count) and the people hurt in them."""
    import dataclasses

    from simulator.review.outcomes import outcome_score, outcomes

    none = outcomes([])
    one = dataclasses.replace(none, responders_harmed=1)
    crews = dataclasses.replace(none, responders_harmed=3, injured={"fire": 6})
    assert outcome_score(one, 3600.0, 1).notes["safety"] == "1 unit harmed"
    assert outcome_score(crews, 3600.0, 1).notes["safety"] == (
        "3 units harmed, 6 responders injured"
    )


def test_outcome_note_counts_incidents_due_in_words():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police"])
    log.add(7200, "exercise.ended")
    from simulator.review.outcomes import outcome_score, outcomes

    notes = outcome_score(outcomes(log.events), 7200.0, 1).notes
    assert notes["resolution"] == "0 of 1 incident due was resolved"


def test_a_duty_cut_off_by_the_incident_closing_says_so_not_by_the_end():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police"])
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(10, "call.answered", "police", incident="I1", call="C1", wait=10.0)
    log.add(60, "cad.opened", "police", incident="I1", via="call")
    log.add(1800, "incident.resolved", incident="I1")  # closed with nobody sent
    log.add(7200, "exercise.ended", reason="duration reached")
    groups = {g.name: g for g in role_scores(build(scenario_dict()), log.events)["police"].groups}
    (respond,) = groups["respond"].duties
    assert (respond.censored, respond.note, respond.value) == (
        True,
        "not done before it closed",
        1740.0,
    )


def test_a_case_several_agencies_share_counts_for_each_in_the_plan():
    """Unified command held up by EMS and police together: each is charged the case."""
    blamed = [Sample(1.0, "I1", "ems and police"), Sample(1.0, "I2", "ems")]
    cases = ("case", "cases")
    assert _responsible(blamed, cases, None, {}) == "ems 2, police 1 (of 2 cases)"
    assert _responsible(blamed[:1], cases, None, {}) == "ems and police"
    assert _responsible(blamed[1:], cases, None, {}) == "ems"


def test_a_tasking_clash_is_charged_to_both_agencies_whose_orders_crossed():
    """P5 got conflicting orders from EMS: police alone was charged with the clash."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police", "ems"])
    log.add(10, "unit.dispatched", "ems", "M1", "I1", prev="available")
    log.add(20, "unit.dispatched", "police", "P5", "I1", prev="available")
    log.add(50, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
    log.add(55, "command_post.established", "ems", "M1", "I1")  # communications modelled
    log.add(60, "unit.on_scene", "police", "P5", "I1", prev="en_route")
    log.add(60, "assignment.conflicted", "police", "P5", "I1", with_agency="ems", cost=120.0)
    log.add(1000, "exercise.ended", reason="duration reached")
    data = scenario_dict()
    (clash,) = coordination(build(data), log.events).conflicted
    assert clash.agency == "ems and police"
    # A measure of one agency's clashes counts one it shares.
    measure = {"metric": "duplicate_assignments", "target": 0, "agency": "ems"}
    objective = {"id": "O", "title": "t", "core_capability": "c", "measures": [measure]}
    data["scoring"] = {"objectives": [objective]}
    (objective,) = score(build(data), log.events).objectives
    assert objective.measures[0].value == 1
