"""Planned operations and event deconfliction (issue 14).

Two operations 0 m apart at node I: the city's warrant (entry at 00:05) and the feds'
surveillance (in position at 00:04, out from 00:03). The deconfliction service is the
regional intelligence centre ``ric``; a conflict notice reaches the other lead 60 s
after the submitter.
"""

import json
from typing import Any

import pytest
from conftest import (
    SCENARIOS,
    LogBuilder,
    agency,
    build,
    exercise,
    first,
    joint_data,
    kinds,
    unit,
)

from simulator.build import build_exercise
from simulator.cli import main
from simulator.commands import Deconflict, RegisterOperation
from simulator.exercise import Exercise
from simulator.review.deconfliction import summary
from simulator.review.findings import joint_findings
from simulator.review.report import RunMeta, build_report, render
from simulator.review.roles import DutyGroup, role_scores
from simulator.review.score import score
from simulator.scenario import load
from simulator.scenario.loader import ScenarioError
from simulator.scenario.timing import parse_offset

WARRANT_ENTRY = 300.0
WATCH_ENTRY = 240.0


def ops_data(**changes: Any) -> dict:
    """The default scenario with a federal agency, a watch centre and two operations."""
    data = joint_data(
        extra_agencies=(agency("ric", "police", jurisdiction="region"),),
        extra_units=(unit("M2", "ems", ["als", "bls", "transport"], "ES"),),
        msel=[],
    )
    warrant = {
        "id": "OP-W",
        "title": "Warrant",
        "type": "warrant_service",
        "lead": "police",
        "location": "I",
        "phases": {
            "briefing": "00:00",
            "staging": "00:03",
            "entry": "00:05",
            "secure": "00:15",
            "hand_over": "00:30",
        },
        "end": "00:40",
    }
    watch = {
        "id": "OP-S",
        "title": "Surveillance",
        "type": "surveillance",
        "lead": "feds",
        "location": "I",
        "phases": {
            "briefing": "00:02",
            "staging": "00:03",
            "entry": "00:04",
            "secure": "00:20",
            "hand_over": "00:30",
        },
        "end": "00:35",
        "covert": True,
    }
    data["operations"] = {
        "deconfliction": {"agency": "ric", "radius_m": 500, "notice_seconds": 60},
        "planned": [warrant, watch],
    }
    for key, value in changes.items():
        data["operations"][key] = value
    return data


def ops_exercise(**changes: Any) -> Exercise:
    return exercise(ops_data(**changes))


def register(ex: Exercise, agency_id: str, operation: str) -> None:
    result = ex.submit(RegisterOperation(agency=agency_id, operation=operation), source="test")
    assert result.accepted, result.reason


def acknowledge(ex: Exercise, agency_id: str, conflict: str = "DC1", **kw: Any) -> None:
    result = ex.submit(Deconflict(agency=agency_id, conflict=conflict, **kw), source="test")
    assert result.accepted, result.reason


def test_nothing_is_logged_for_a_scenario_without_operations():
    ex = exercise()
    ex.advance(ex.end)
    assert not [e for e in ex.log.events if e.kind.startswith(("operation.", "deconfliction."))]


def test_phases_follow_the_clock_and_each_lead_hears_its_own_plan():
    ex = ops_exercise()
    ex.advance(200.0)
    planned = kinds(ex, "operation.planned")
    assert [(e.agency, e.data["operation"]) for e in planned] == [
        ("feds", "OP-S"),
        ("police", "OP-W"),
    ]
    assert first(ex, "operation.phase", operation="OP-W", phase="staging").t == 180.0


def test_unregistered_overlap_is_a_blue_on_blue_confrontation_with_officers_hurt():
    ex = ops_exercise()
    ex.advance(WARRANT_ENTRY + 1)
    clash = first(ex, "operation.blue_on_blue")
    assert clash.t == WATCH_ENTRY  # the surveillance takes position beside the staged team
    assert clash.data["registered"] == [False, False]
    started = first(ex, "incident.started", incident=clash.incident)
    assert started.data["type"] == "shooting"
    hurt = first(ex, "incident.casualties", incident=clash.incident)
    assert (hurt.data["delayed"], hurt.data["minor"]) == (1, 1)
    assert {e.data["operation"] for e in kinds(ex, "operation.compromised")} == {"OP-S", "OP-W"}
    assert ex.knows("police", clash.incident) and ex.knows("feds", clash.incident)
    # A compromised operation goes no further.
    assert not [e for e in kinds(ex, "operation.phase") if e.data["phase"] == "secure"]


def test_one_side_registered_is_still_a_confrontation():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    ex.advance(WARRANT_ENTRY + 1)
    assert first(ex, "operation.blue_on_blue").data["registered"] == [False, True]
    assert not kinds(ex, "deconfliction.conflict")
    (clash,) = [f for f in joint_findings(ex.scenario, ex.log.events) if "Blue-on-blue" in f.title]
    assert clash.responsible == "feds"  # police registered; the feds' unregistered watch did not


def test_registered_overlap_notifies_the_submitter_at_once_and_the_other_lead_later():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    ex.advance(100.0)
    register(ex, "feds", "OP-S")
    conflict = first(ex, "deconfliction.conflict")
    assert conflict.data["operations"] == ["OP-S", "OP-W"]
    ex.advance(200.0)
    notices = {e.agency: e.t for e in kinds(ex, "deconfliction.notice")}
    assert notices == {"feds": 100.0, "police": 160.0}
    registered = first(ex, "operation.registered", operation="OP-S")
    assert registered.data["before_start"] is True and registered.data["lead_s"] == 20.0


def test_both_leads_acknowledging_resolves_the_conflict_and_nobody_meets_anybody():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    register(ex, "feds", "OP-S")
    acknowledge(ex, "feds")
    ex.advance(61.0)
    acknowledge(ex, "police")
    assert first(ex, "deconfliction.resolved").data["how"] == "coordinated"
    ex.advance(ex.end)
    assert not kinds(ex, "operation.blue_on_blue", "operation.compromised")
    assert len(kinds(ex, "operation.ended")) == 2


def test_a_notice_nobody_acts_on_compromises_both_operations_but_hurts_nobody():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    register(ex, "feds", "OP-S")
    acknowledge(ex, "feds")
    ex.advance(WARRANT_ENTRY + 1)
    assert not kinds(ex, "operation.blue_on_blue")
    spoilt = kinds(ex, "operation.compromised")
    assert {e.data["conflict"] for e in spoilt} == {"DC1"}
    assert not [e for e in kinds(ex, "incident.started")]


def test_postponing_past_the_other_operation_separates_them():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    register(ex, "feds", "OP-S")
    ex.advance(61.0)
    acknowledge(ex, "police", action="postpone", minutes=40)
    assert first(ex, "deconfliction.resolved").data["how"] == "separated"
    assert first(ex, "operation.adjusted").data["phases"]["entry"] == WARRANT_ENTRY + 2400
    ex.advance(ex.end)
    assert first(ex, "operation.phase", operation="OP-W", phase="entry").t == WARRANT_ENTRY + 2400
    assert not kinds(ex, "operation.blue_on_blue", "operation.compromised")


def test_cancelling_resolves_the_conflict_and_the_operation_never_enters():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    register(ex, "feds", "OP-S")
    acknowledge(ex, "feds", action="cancel")
    assert first(ex, "deconfliction.resolved").data["how"] == "cancelled"
    ex.advance(ex.end)
    assert not [e for e in kinds(ex, "operation.phase") if e.data["operation"] == "OP-S"][2:]
    assert not kinds(ex, "operation.blue_on_blue")


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (RegisterOperation(agency="feds", operation="OP-W"), "feds leads no operation 'OP-W'"),
        (RegisterOperation(agency="police", operation="OP-X"), "(it leads: OP-W)"),
        (Deconflict(agency="police", conflict="DC9"), "police has no conflict notice 'DC9'"),
        (Deconflict(agency="police", conflict="DC1", action="postpone"), "postpone needs minutes"),
    ],
)
def test_orders_the_service_cannot_carry_out_are_refused_with_a_reason(command, reason):
    ex = ops_exercise()
    register(ex, "feds", "OP-S")
    register(ex, "police", "OP-W")
    result = ex.submit(command, source="test")
    assert not result.accepted and reason in result.reason


def test_registering_twice_and_acknowledging_before_the_notice_are_refused():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    again = ex.submit(RegisterOperation(agency="police", operation="OP-W"))
    assert "already registered" in again.reason
    register(ex, "feds", "OP-S")
    early = ex.submit(Deconflict(agency="police", conflict="DC1"))
    assert "police has no conflict notice" in early.reason  # the watch centre has not called


def _played(profile: str) -> Exercise:
    scenario = build(ops_data())
    ex = build_exercise(scenario, 0, profiles=dict.fromkeys(["police", "feds"], profile))
    ex.advance(WARRANT_ENTRY + 1)
    return ex


def test_poor_players_never_register_and_meet_each_other():
    ex = _played("poor")
    assert not kinds(ex, "operation.registered")
    assert kinds(ex, "operation.blue_on_blue")


def test_sop_players_register_at_the_briefing_and_acknowledge_notices():
    ex = _played("sop")
    times = {e.data["operation"]: e.t for e in kinds(ex, "operation.registered")}
    assert times == {"OP-W": 0.0, "OP-S": 120.0}
    assert first(ex, "deconfliction.resolved").t == 180.0
    assert not kinds(ex, "operation.blue_on_blue", "operation.compromised")


def test_expert_players_register_as_soon_as_planned():
    ex = _played("expert")
    times = {e.data["operation"]: e.t for e in kinds(ex, "operation.registered")}
    assert times == {"OP-W": 0.0, "OP-S": 0.0}
    assert first(ex, "deconfliction.resolved").t == 60.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"deconfliction": {"agency": "nobody"}},
            "operations.deconfliction.agency: unknown agency",
        ),
        ({"deconfliction": None}, "planned operations need a deconfliction service"),
    ],
)
def test_scenario_problems_are_reported_by_field(change, message):
    with pytest.raises(ScenarioError) as caught:
        build(ops_data(**change))
    assert message in str(caught.value)


def test_an_operation_ending_before_its_hand_over_is_refused():
    data = ops_data()
    data["operations"]["planned"][0]["end"] = "00:20"
    with pytest.raises(ScenarioError) as caught:
        build(data)
    assert "end (00:20:00) is before hand_over (00:30:00)" in str(caught.value)


def test_an_operation_led_by_an_unknown_agency_is_refused():
    data = ops_data()
    data["operations"]["planned"][1]["lead"] = "dea"
    with pytest.raises(ScenarioError) as caught:
        build(data)
    assert "operations.planned.1.lead: unknown agency 'dea'" in str(caught.value)


# -- review: duties, the report's section -------------------------------------------


def _report(ex: Exercise, fmt: str) -> str:
    meta = RunMeta("r", None, [], ["police"], 0, "2026-01-01T00:00:00", None, "done", "h", None)
    events = ex.log.events
    return render(
        build_report(ex.scenario, events, score(ex.scenario, events), meta, [], None), fmt
    )


def _deconflict(ex: Exercise, agency_id: str) -> DutyGroup | None:
    role = role_scores(ex.scenario, ex.log.events)[agency_id]
    return next((g for g in role.groups if g.name == "deconflict"), None)


def test_a_blue_on_blue_harms_both_teams_in_outcomes_roles_and_safety_measures():
    data = ops_data()
    measure = {"metric": "unsafe_entries", "target": 0, "agency": "feds"}
    objective = {"id": "O", "title": "Safe", "core_capability": "c", "measures": [measure]}
    data["scoring"] = {"objectives": [objective]}
    ex = exercise(data)
    ex.advance(WARRANT_ENTRY + 1)  # before any unit reaches the confrontation
    card = score(ex.scenario, ex.log.events)
    assert card.outcomes.responders_harmed == 2
    (rated,) = card.objectives[0].measures
    assert (rated.value, rated.met) == (1, False)
    assert rated.samples[0].unit == "OP-S"
    # Safety is a duty of an agency that put units on scene; idle, it earns nothing.
    assert "safety" not in card.outcome_score.components
    assert all(g.name != "safety" for g in role_scores(ex.scenario, ex.log.events)["feds"].groups)
    clash = first(ex, "operation.blue_on_blue")
    arrived = [e for e in ex.log.events if e.t <= clash.t]
    log = LogBuilder()
    for e in arrived:
        log.add(e.t, e.kind, e.agency, e.unit, e.incident, **e.data)
    log.add(clash.t + 60, "unit.on_scene", "police", "P1", clash.incident, prev="en_route")
    safety = next(
        g for g in role_scores(ex.scenario, log.events)["police"].groups if g.name == "safety"
    )
    assert safety.missed == 1 and safety.credit == 0.5


def test_a_lead_that_never_registers_misses_its_deconfliction_duty():
    ex = ops_exercise()
    ex.advance(ex.end)
    group = _deconflict(ex, "police")
    assert group is not None and group.credit == 0.0 and group.missed == 1
    assert _deconflict(ex, "fire") is None  # leads no operation


def test_registering_before_the_start_and_answering_the_notice_earns_full_credit():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    register(ex, "feds", "OP-S")
    acknowledge(ex, "feds")
    ex.advance(61.0)
    acknowledge(ex, "police")
    ex.advance(ex.end)
    for agency_id in ("police", "feds"):
        group = _deconflict(ex, agency_id)
        assert group.credit == 1.0 and len(group.duties) == 2  # register + one notice


def test_a_late_registration_earns_no_credit_for_it():
    ex = ops_exercise()
    ex.advance(130.0)
    register(ex, "feds", "OP-S")  # its briefing was at 00:02
    ex.advance(ex.end)
    group = _deconflict(ex, "feds")
    assert group.credit == 0.0 and group.missed == 0


def test_the_report_has_an_operations_section_with_the_measures():
    ex = ops_exercise()
    ex.advance(ex.end)
    ops = summary(ex.scenario, ex.log.events)
    measures = {m["measure"]: m["text"] for m in ops["measures"]}
    assert measures == {
        "operations registered before their start": "0 of 2",
        "conflicts resolved": "none arose",
        "blue-on-blue confrontations": "1",
    }
    text = _report(ex, "md")
    assert "## Operations and event deconfliction" in text and "| Deconflict |" in text
    assert "Operations and event deconfliction" in _report(ex, "html")


def test_a_scenario_without_operations_reports_none_of_it():
    ex = exercise()
    ex.advance(ex.end)
    text = _report(ex, "md")
    assert "deconflict" not in text.lower()
    assert "operations" not in json.loads(_report(ex, "json"))


# -- Eastfield Warrant Day: the bundled scenario plays it end to end -----------------


def _eastfield(profile: str, until: str = "00:30") -> Exercise:
    scenario = load(SCENARIOS / "eastfield_warrant_day.yaml")
    agencies = [a.id for a in scenario.agencies]
    ex = build_exercise(scenario, 0, profiles=dict.fromkeys(agencies, profile))
    ex.advance(parse_offset(until))
    return ex


def test_eastfield_unregistered_surveillance_meets_the_warrant_team():
    ex = _eastfield("poor")
    clash = first(ex, "operation.blue_on_blue")
    assert clash.data["operations"] == ["OP-UC-WATCH", "OP-WARRANT"]
    assert first(ex, "incident.started", incident="BLUE-ON-BLUE-1").data["lead"] == "eastfield_pd"


@pytest.mark.parametrize("profile", ["sop", "expert"])
def test_eastfield_a_team_that_registers_and_deconflicts_avoids_it(profile):
    ex = _eastfield(profile)
    assert first(ex, "deconfliction.resolved").data["how"] == "coordinated"
    assert not kinds(ex, "operation.blue_on_blue", "operation.compromised")


def test_findings_name_the_unregistered_operations_and_the_confrontation():
    ex = ops_exercise()
    ex.advance(ex.end)
    titles = {f.title: f for f in joint_findings(ex.scenario, ex.log.events)}
    late = titles["2 operations not registered in event deconfliction before the briefing"]
    assert not late.strength and late.responsible == "feds, police"
    assert "Blue-on-blue confrontation: OP-S and OP-W" in titles
    plan = json.loads(_report(ex, "json"))["improvement_plan"]
    assert any("event deconfliction" in item["corrective_action"] for item in plan)


def test_a_deconflicted_run_is_a_strength():
    ex = ops_exercise()
    register(ex, "police", "OP-W")
    register(ex, "feds", "OP-S")
    acknowledge(ex, "feds")
    ex.advance(61.0)
    acknowledge(ex, "police")
    ex.advance(ex.end)
    [found] = joint_findings(ex.scenario, ex.log.events)
    assert found.strength and found.capability == "Operational Coordination"
    assert found.analysis == (
        "2 operations entered in event deconfliction in time; 1 conflict resolved; no blue-on-blue."
    )


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("      location: r14c3\n", "operations.planned.0.location"),
        ("          location: r16c15\n", "intelligence.handling.0.if_leaked.incident.location"),
    ],
)
def test_an_operation_or_a_leak_off_the_map_is_named_by_validate(tmp_path, capsys, line, field):
    text = (SCENARIOS / "eastfield_warrant_day.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "eastfield.yaml"  # the first such line is the one the field names
    bad.write_text(text.replace(line, line.replace(line.split(": ")[1].strip(), "r99c99"), 1))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}: ") and "Traceback" not in err
    assert f"{field}: unknown road node 'r99c99'" in err


def _against_a_silent_partner(profile: str) -> Exercise:
    """Our lead plays ``profile``; the feds registered before the start, then say nothing."""
    data = ops_data()
    data["operations"]["planned"][1]["registered"] = True
    ex = build_exercise(build(data), 0, automated=["police"], profiles={"police": profile})
    ex.advance(ex.end)
    return ex


@pytest.mark.parametrize(("profile", "waited"), [("sop", 120.0), ("expert", 120.0)])
def test_a_lead_whose_partner_never_calls_back_postpones_past_the_other_window(profile, waited):
    ex = _against_a_silent_partner(profile)
    notice = first(ex, "deconfliction.notice", operation="OP-W")
    moved = first(ex, "operation.adjusted", operation="OP-W")
    assert moved.t == pytest.approx(notice.t + waited)  # a minute before it would go out
    assert moved.data["start"] >= parse_offset("00:35")  # after the surveillance's window
    assert first(ex, "deconfliction.resolved").data["how"] == "separated"
    assert not kinds(ex, "operation.compromised", "operation.blue_on_blue")


def test_a_lead_that_only_acknowledges_a_silent_partner_is_compromised():
    ex = ops_exercise()
    register(ex, "feds", "OP-S")
    register(ex, "police", "OP-W")
    acknowledge(ex, "police")
    ex.advance(WARRANT_ENTRY + 1)
    assert kinds(ex, "operation.compromised")  # what the automated lead avoids above
