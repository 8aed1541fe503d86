"""On scene: work rate, escalation, patients, hospitals and resolution.

Default map (see conftest): stations at S, incident at I (200 s from S), hospital H1 at
H (100 s beyond I). The police CAD opens at 56 s and P1 (30 s turnout) is on scene at
286 s; an EMS-called incident opens at 56 s and M1 (20 s turnout) is on scene at 276 s.
"""

import pytest
from conftest import (
    KMH_10MS,
    exercise,
    first,
    incident,
    kinds,
    open_cad,
    run_until,
    scenario_dict,
    status,
    unit,
)

from simulator.commands import CloseRoad, Destination, Dispatch, OpenRoad, Recall, Transport
from simulator.players.sop import attach_players
from simulator.review.outcomes import outcome_score, outcomes
from simulator.scenario.vocabulary import Triage

P_ON_SCENE = 286.0
M_ON_SCENE = 276.0


def dispatch(ex, agency, *units, incident_id="INC1"):
    result = ex.submit(Dispatch(agency=agency, incident=incident_id, units=list(units)))
    assert result.accepted, result.reason


def two_patrols(**spec):
    units = scenario_dict()["units"] + [unit("P2", "police", ["patrol"], "PS")]
    return scenario_dict(units=units, msel=[incident(**spec)])


def ems_incident(**spec):
    spec.setdefault("requires", {})
    return incident(calls={"count": 1, "agency": "ems"}, **spec)


# -- work -------------------------------------------------------------------------------


def test_work_completes_after_work_minutes_at_full_strength():
    ex = exercise(msel=[incident(work_minutes=10)])
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    ex.advance(ex.end)
    assert first(ex, "incident.requirements_met").t == pytest.approx(P_ON_SCENE)
    done = first(ex, "incident.work_completed")
    assert done.t == pytest.approx(P_ON_SCENE + 600)
    assert first(ex, "incident.resolved").t == done.t


def test_no_work_minutes_resolves_the_moment_every_unit_needed_is_on_scene():
    # "Show up and clear": two patrols needed for no time; the second is sent 100 s later.
    ex = exercise(two_patrols(requires={"patrol": 2}, work_minutes=0))
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    ex.advance(ex.now + 100)
    dispatch(ex, "police", "P2")
    ex.advance(ex.end)
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(P_ON_SCENE)
    resolved = first(ex, "incident.resolved")
    assert resolved.t == pytest.approx(P_ON_SCENE + 100) == first(ex, "unit.on_scene", unit="P2").t
    assert status(ex, "P1") == status(ex, "P2") == "available"


def test_work_is_half_as_fast_with_half_the_units():
    ex = exercise(two_patrols(requires={"patrol": 2}, work_minutes=10))
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    ex.advance(ex.end)
    assert not kinds(ex, "incident.requirements_met")
    assert first(ex, "incident.work_completed").t == pytest.approx(P_ON_SCENE + 1200)


def test_work_rate_changes_when_the_second_unit_arrives():
    ex = exercise(two_patrols(requires={"patrol": 2}, work_minutes=10))
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    ex.advance(386)
    dispatch(ex, "police", "P2")  # on scene at 386 + 30 + 200 = 616
    ex.advance(ex.end)
    assert first(ex, "incident.requirements_met").t == pytest.approx(616)
    # By 616 s half-rate work has done 165 of 600 s; the rest takes 435 s.
    assert first(ex, "incident.work_completed").t == pytest.approx(616 + 435)


def test_work_stops_while_a_required_unit_is_away():
    ex = exercise(msel=[incident(work_minutes=10)])
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    ex.advance(P_ON_SCENE + 100)
    assert ex.submit(Recall(agency="police", units=["P1"])).accepted
    ex.advance(1000)
    dispatch(ex, "police", "P1")  # at home again: 30 s turnout, 200 s travel
    ex.advance(ex.end)
    assert first(ex, "incident.work_completed").t == pytest.approx(1230 + 500)


def test_extra_units_do_not_work_faster_than_full_strength():
    ex = exercise(two_patrols(requires={"patrol": 1}, work_minutes=10))
    open_cad(ex, "police")
    dispatch(ex, "police", "P1", "P2")
    ex.advance(ex.end)
    assert first(ex, "incident.work_completed").t == pytest.approx(P_ON_SCENE + 600)


def test_an_als_unit_meets_a_bls_requirement():
    ex = exercise(msel=[ems_incident(requires={"bls": 1}, work_minutes=5)])
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert first(ex, "incident.work_completed").t == pytest.approx(M_ON_SCENE + 300)


# -- escalation -------------------------------------------------------------------------


def escalating(**spec):
    stages = [
        {"after": "00:05", "description": "fire spreads", "add_requires": {"fire_suppression": 1}},
        {"after": "00:10", "description": "more", "add_requires": {"rescue": 1}},
    ]
    return incident(escalation=stages, **spec)


def test_escalation_fires_after_the_unmet_time_and_adds_requirements():
    ex = exercise(msel=[escalating()])
    ex.advance(ex.end)
    first_stage, second_stage = kinds(ex, "incident.escalated")
    assert first_stage.t == pytest.approx(300)
    assert first_stage.data["reason"] == "requirements unmet for 5 min"
    assert first_stage.data["add_requires"] == {"fire_suppression": 1}
    assert first_stage.data["requires"] == {"fire_suppression": 1, "patrol": 1}
    assert second_stage.t == pytest.approx(300 + 600)
    assert second_stage.data["requires"] == {"fire_suppression": 1, "patrol": 1, "rescue": 1}
    assert ex.engine.incidents["INC1"].escalations == 2


def test_no_escalation_when_requirements_are_met_in_time():
    ex = exercise(msel=[escalating(work_minutes=30)])
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")  # on scene at 286 s, before the 300 s stage
    ex.advance(ex.end)
    assert not kinds(ex, "incident.escalated")


def test_escalation_clock_restarts_when_requirements_become_unmet_again():
    ex = exercise(msel=[escalating(work_minutes=60)])
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    ex.advance(1000)
    assert ex.submit(Recall(agency="police", units=["P1"])).accepted  # unmet from 1000 s
    ex.advance(ex.end)
    assert first(ex, "incident.escalated").t == pytest.approx(1000 + 300)


def test_escalation_inject_adds_needs_and_a_secondary_incident():
    secondary = {
        "id": "INC1-B",
        "location": "M",
        "incident_type": "structure_fire",
        "requires": {"fire_suppression": 1},
    }
    row = {
        "seq": 2,
        "time": 120,
        "type": "escalation",
        "incident": "INC1",
        "description": "controller escalates",
        "add_requires": {"rescue": 1},
        "secondary": secondary,
    }
    ex = exercise(msel=[incident(), row])
    ex.advance(200)
    event = first(ex, "incident.escalated")
    assert event.t == 120 and event.data["reason"] == "MSEL 2"
    assert event.data["secondary"] == "INC1-B"
    started = first(ex, "incident.started", incident="INC1-B")
    assert started.t == 120 and started.data["parent"] == "INC1"
    assert ex.engine.incidents["INC1"].requires == {"patrol": 1, "rescue": 1}


# -- patients ---------------------------------------------------------------------------


def test_untreated_immediate_patient_dies_after_the_survival_time():
    model = {"immediate_survival_minutes": 10}
    ex = exercise(msel=[ems_incident(casualties={"immediate": 1}, casualty_model=model)])
    ex.advance(ex.end)
    died = first(ex, "patient.died", patient="INC1-P1")
    assert died.t == pytest.approx(600) and died.data["reason"] == "untreated"
    assert first(ex, "incident.resolved").t == died.t  # nobody left to care for


def test_treatment_in_time_saves_the_patient():
    model = {"immediate_survival_minutes": 10}
    ex = exercise(msel=[ems_incident(casualties={"immediate": 1}, casualty_model=model)])
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    started = first(ex, "patient.treatment_started", patient="INC1-P1")
    assert started.t == pytest.approx(M_ON_SCENE) and started.data["triage"] == "immediate"
    assert not kinds(ex, "patient.died")
    assert first(ex, "patient.delivered", patient="INC1-P1").data["hospital"] == "H1"


def test_delayed_patient_deteriorates_to_immediate_then_dies():
    model = {"delayed_deterioration_minutes": 20, "immediate_survival_minutes": 10}
    ex = exercise(msel=[ems_incident(casualties={"delayed": 1}, casualty_model=model)])
    ex.advance(ex.end)
    worse = first(ex, "patient.deteriorated", patient="INC1-P1")
    assert worse.t == pytest.approx(1200) and worse.data["triage"] == "immediate"
    assert first(ex, "patient.died", patient="INC1-P1").t == pytest.approx(1800)


def test_minor_patients_do_not_deteriorate_and_are_released_on_scene():
    ex = exercise(msel=[ems_incident(casualties={"minor": 1})])
    ex.advance(3000)
    assert not kinds(ex, "patient.deteriorated", "patient.died")
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    released = first(ex, "patient.released", patient="INC1-P1")
    assert released.unit == "M1"
    assert not kinds(ex, "unit.transporting")
    assert first(ex, "incident.resolved").t == released.t


def test_scenario_casualty_model_applies_unless_the_incident_overrides():
    data = scenario_dict(msel=[ems_incident(casualties={"immediate": 1})])
    data["settings"]["casualties"] = {"immediate_survival_minutes": 7}
    ex = exercise(data)
    ex.advance(ex.end)
    assert first(ex, "patient.died").t == pytest.approx(420)


def test_sickest_patient_is_treated_first():
    ex = exercise(msel=[ems_incident(casualties={"minor": 1, "delayed": 1, "immediate": 1})])
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(M_ON_SCENE)
    event = first(ex, "patient.treatment_started")
    assert event.data["triage"] == "immediate"
    assert event.data["patient"] == "INC1-P1"  # patients are numbered immediate first


def test_interrupted_treatment_resumes_the_deterioration_clock_where_it_stopped():
    model = {"immediate_survival_minutes": 20, "treat_minutes_immediate": 30}
    ex = exercise(msel=[ems_incident(casualties={"immediate": 1}, casualty_model=model)])
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(M_ON_SCENE + 60)
    started = first(ex, "patient.treatment_started", patient="INC1-P1")
    assert ex.submit(Recall(agency="ems", units=["M1"])).accepted
    interrupted = first(ex, "patient.treatment_interrupted", patient="INC1-P1")
    assert interrupted.t == pytest.approx(M_ON_SCENE + 60)
    ex.advance(ex.end)
    # 20 minutes from the incident, less the time waited before care, after the stop:
    # care paused the clock; it did not wind it back to a fresh 20 minutes.
    left = 1200 - started.t
    assert first(ex, "patient.died").t == pytest.approx(interrupted.t + left)


def test_a_care_only_incident_resolves_once_its_last_patient_has_left():
    # A cardiac arrest needing one ALS crew for 15 minutes: the crew treats, loads and
    # leaves for hospital, taking the need with it. It used to stay open, "als 0/1".
    row = ems_incident(requires={"als": 1}, casualties={"immediate": 1}, work_minutes=15)
    ex = exercise(msel=[row])
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    leaving = first(ex, "unit.transporting", unit="M1")
    resolved = first(ex, "incident.resolved", incident="INC1")
    assert resolved.t == leaving.t
    assert first(ex, "incident.work_completed").t == leaving.t


def test_a_delivered_patient_frees_the_bed_after_the_emergency_department_stay():
    hospitals = [
        {"id": "H1", "location": "H", "beds": {"immediate": 1}, "bed_hours": {"immediate": 1}}
    ]
    ex = exercise(
        scenario_dict(hospitals=hospitals, msel=[ems_incident(casualties={"immediate": 1})])
    )
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    run_until(ex, lambda: bool(kinds(ex, "patient.delivered")))
    delivered = first(ex, "patient.delivered")
    hospital = ex.engine.hospitals["H1"]
    assert not hospital.has_room(Triage.IMMEDIATE)  # the one bed is taken
    ex.advance(delivered.t + 3600)
    freed = first(ex, "hospital.bed_freed")
    assert (freed.t, freed.data) == (
        pytest.approx(delivered.t + 3600),
        {"hospital": "H1", "triage": "immediate"},
    )
    assert hospital.has_room(Triage.IMMEDIATE)


def two_hospitals(near_immediate_beds: int, patients: int = 2) -> dict:
    hospitals = [
        {"id": "NEAR", "location": "H", "beds": {"immediate": near_immediate_beds}},
        {"id": "FAR", "location": "D1", "beds": {"immediate": 4}},
    ]
    units = scenario_dict()["units"] + [unit("M2", "ems", ["als", "transport"], "ES")]
    row = ems_incident(casualties={"immediate": patients})
    return scenario_dict(hospitals=hospitals, units=units, msel=[row])


def test_treated_patients_go_to_the_nearest_hospital_with_room():
    ex = exercise(two_hospitals(near_immediate_beds=1))
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1", "M2")
    ex.advance(ex.end)
    trips = {e.unit: e.data["hospital"] for e in kinds(ex, "unit.transporting")}
    assert trips == {"M1": "NEAR", "M2": "FAR"}
    far = first(ex, "unit.transporting", unit="M2")
    assert far.data["eta"] == pytest.approx(far.t + 300)
    assert not kinds(ex, "hospital.over_capacity")
    assert ex.engine.hospitals["NEAR"].used["immediate"] == 1
    assert ex.engine.hospitals["FAR"].used["immediate"] == 1


def test_every_hospital_full_goes_to_the_nearest_and_logs_over_capacity():
    data = two_hospitals(near_immediate_beds=0, patients=1)
    data["hospitals"][1]["beds"]["immediate"] = 0
    ex = exercise(data)
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "NEAR"
    over = first(ex, "hospital.over_capacity")
    assert over.data == {"hospital": "NEAR", "triage": "immediate"}


def test_transport_command_names_the_hospital():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    assert ex.submit(Transport(agency="ems", unit="M1", hospital="FAR")).accepted
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "FAR"
    assert first(ex, "patient.delivered").data["hospital"] == "FAR"


def plan(ex, hospital, triage="immediate"):
    command = Destination(agency="ems", incident="INC1", triage=triage, hospital=hospital)
    return ex.submit(command)


def test_destination_plan_sends_the_category_to_the_planned_hospital():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    assert plan(ex, "FAR").accepted
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "FAR"


def test_a_plan_for_another_category_leaves_the_crew_to_the_nearest():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    assert plan(ex, "FAR", triage="delayed").accepted
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "NEAR"


def test_a_hospital_named_for_the_unit_outranks_the_plan():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    assert plan(ex, "FAR").accepted
    dispatch(ex, "ems", "M1")
    assert ex.submit(Transport(agency="ems", unit="M1", hospital="NEAR")).accepted
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "NEAR"


def test_a_planned_hospital_with_no_bed_is_passed_over_when_the_crew_calls_ahead():
    data = two_hospitals(near_immediate_beds=4, patients=1)
    data["hospitals"][1]["beds"]["immediate"] = 0
    ex = exercise(data)
    open_cad(ex, "ems")
    assert plan(ex, "FAR").accepted
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "NEAR"
    assert not kinds(ex, "hospital.over_capacity")


def test_a_planned_hospital_no_open_road_reaches_is_passed_over():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    assert plan(ex, "FAR").accepted
    for road in ("West Lane", "Back Road"):  # FAR (at D1) cut off from everywhere
        assert ex.submit(CloseRoad(agency="police", road=road)).accepted
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "NEAR"
    assert first(ex, "patient.delivered").data["hospital"] == "NEAR"


def cut_off_far(ex) -> None:
    """Close D1's only roads: FAR can be reached from nowhere."""
    for road in ("West Lane", "Back Road"):
        assert ex.submit(CloseRoad(agency="police", road=road)).accepted


def test_the_nearest_hospital_with_room_is_passed_over_when_no_open_road_reaches_it():
    # NEAR is full and FAR cut off: the crew takes its patient to NEAR, over capacity,
    # rather than setting off for a hospital it cannot drive to.
    ex = exercise(two_hospitals(near_immediate_beds=0, patients=1))
    open_cad(ex, "ems")
    cut_off_far(ex)
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert first(ex, "unit.transporting", unit="M1").data["hospital"] == "NEAR"
    assert first(ex, "patient.delivered").data["hospital"] == "NEAR"
    assert first(ex, "hospital.over_capacity").data["hospital"] == "NEAR"
    assert not kinds(ex, "unit.no_route")


def split_hospital_road(data: dict) -> dict:
    """Hospital Road in two: I to HX, then Hospital Drive on to NEAR, its only road."""
    data["map"]["nodes"].append({"id": "HX", "x": 2500, "y": 0})
    data["map"]["edges"] = [e for e in data["map"]["edges"] if e["name"] != "Hospital Road"]
    data["map"]["edges"] += [
        {"from": "I", "to": "HX", "speed_kmh": KMH_10MS, "name": "Hospital Road"},
        {"from": "HX", "to": "H", "speed_kmh": KMH_10MS, "name": "Hospital Drive"},
    ]
    return data


def test_a_transport_cut_off_from_its_hospital_diverts_to_the_nearest_it_can_reach():
    ex = exercise(split_hospital_road(two_hospitals(near_immediate_beds=4, patients=1)))
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    run_until(ex, lambda: status(ex, "M1") == "transporting")
    left = ex.now
    ex.advance(left + 10)
    assert ex.submit(CloseRoad(agency="police", road="Hospital Drive")).accepted
    ex.advance(ex.end)
    first_leg, second_leg = kinds(ex, "unit.transporting", unit="M1")
    assert first_leg.data["hospital"] == "NEAR"
    # Nobody told EMS: the crew finds the barrier at HX, 500 m on, and turns from there.
    assert second_leg.t == pytest.approx(left + 50) == first(ex, "unit.blocked").t
    assert (second_leg.data["hospital"], second_leg.data["diverted_from"]) == ("FAR", "NEAR")
    # To HX and back to I (1,000 m), then 3,000 m to D1 (either way round), at 10 m/s.
    assert second_leg.data["eta"] == pytest.approx(left + 100 + 300, abs=0.1)
    delivered = first(ex, "patient.delivered")
    assert (delivered.t, delivered.data["hospital"]) == (pytest.approx(left + 400, abs=0.1), "FAR")
    # The bed held at NEAR was given back when the crew turned away.
    freed = first(ex, "hospital.bed_freed")
    assert (freed.t, freed.data["hospital"]) == (pytest.approx(left + 50), "NEAR")
    assert ex.engine.hospitals["NEAR"].used["immediate"] == 0


def test_a_diverted_patient_counts_at_the_hospital_taken_to_not_the_full_one_left():
    # NEAR has no bed and FAR is cut off: the crew leaves for NEAR, over capacity. FAR's
    # roads reopen, then NEAR's closes under the crew, who turn for FAR, with room.
    ex = exercise(split_hospital_road(two_hospitals(near_immediate_beds=0, patients=1)))
    open_cad(ex, "ems")
    cut_off_far(ex)
    dispatch(ex, "ems", "M1")
    run_until(ex, lambda: status(ex, "M1") == "transporting")
    for road in ("West Lane", "Back Road"):
        assert ex.submit(OpenRoad(agency="police", road=road)).accepted
    assert ex.submit(CloseRoad(agency="police", road="Hospital Drive")).accepted
    ex.advance(ex.end)
    assert [e.data["hospital"] for e in kinds(ex, "hospital.over_capacity")] == ["NEAR"]
    assert [e.data["hospital"] for e in kinds(ex, "hospital.crowded")] == ["NEAR"]
    assert kinds(ex, "unit.transporting", unit="M1")[-1].data["diverted_from"] == "NEAR"
    assert first(ex, "patient.delivered").data["hospital"] == "FAR"
    result = outcomes(ex.log.events)
    assert (result.transported, result.hospital_over_capacity, result.hospital_crowded) == (
        1,
        0,
        0,
    )
    assert outcome_score(result, ex.end, 1).components["distribution"] == 1.0


def test_a_transport_with_no_hospital_in_reach_goes_once_a_road_to_one_reopens():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    cut_off_far(ex)
    assert ex.submit(CloseRoad(agency="police", road="Hospital Road")).accepted
    dispatch(ex, "ems", "M1")
    run_until(ex, lambda: status(ex, "M1") == "transporting")
    ex.advance(ex.now + 60)
    assert ex.submit(OpenRoad(agency="police", road="Hospital Road")).accepted
    reopened = ex.now
    ex.advance(ex.end)
    leg = kinds(ex, "unit.transporting", unit="M1")[-1]
    assert (leg.t, leg.data["hospital"]) == (pytest.approx(reopened), "NEAR")
    delivered = first(ex, "patient.delivered")
    assert (delivered.t, delivered.data["hospital"]) == (pytest.approx(reopened + 100), "NEAR")


def test_a_dispatcher_can_divert_a_transport_under_way_where_a_road_leads():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    run_until(ex, lambda: status(ex, "M1") == "transporting")
    cut_off_far(ex)
    refused = ex.submit(Transport(agency="ems", unit="M1", hospital="FAR"))
    assert refused.reason == "no open road from unit M1 to FAR"
    for road in ("West Lane", "Back Road"):
        assert ex.submit(OpenRoad(agency="police", road=road)).accepted
    assert ex.submit(Transport(agency="ems", unit="M1", hospital="FAR")).accepted
    ex.advance(ex.end)
    assert kinds(ex, "unit.transporting", unit="M1")[-1].data["diverted_from"] == "NEAR"
    assert first(ex, "patient.delivered").data["hospital"] == "FAR"
    assert ex.engine.hospitals["NEAR"].used["immediate"] == 0


def test_a_destination_needs_a_known_incident_and_a_real_hospital():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    assert "not in ems's CAD" in plan(ex, "FAR").reason
    open_cad(ex, "ems")
    assert plan(ex, "NOWHERE").reason == "unknown hospital 'NOWHERE'"
    with pytest.raises(ValueError):
        plan(ex, "FAR", triage="minor")  # minor patients are released on scene


def handover_seconds(ex, unit_id="M1"):
    arrived = first(ex, "unit.at_hospital", unit=unit_id).t
    return first(ex, "unit.returning", unit=unit_id).t - arrived


def test_a_crowded_department_keeps_the_crew_waiting_to_offload():
    ex = exercise(two_hospitals(near_immediate_beds=1, patients=1))
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    crowded = first(ex, "hospital.crowded")
    assert crowded.data == {
        "hospital": "NEAR",
        "patient": "INC1-P1",
        "triage": "immediate",
        "in_use": 1,
        "beds": 1,
    }
    assert handover_seconds(ex) == pytest.approx((15 + 20) * 60)
    result = outcome_score(outcomes(ex.log.events), ex.end, 1)
    assert result.components["distribution"] == 0.0
    assert result.notes["distribution"].startswith("1 of 1 transported")


def test_a_department_with_beds_to_spare_hands_over_at_once():
    ex = exercise(two_hospitals(near_immediate_beds=4, patients=1))
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    assert not kinds(ex, "hospital.crowded")
    assert handover_seconds(ex) == pytest.approx(15 * 60)
    result = outcome_score(outcomes(ex.log.events), ex.end, 1)
    assert result.components["distribution"] == 1.0


def test_a_unit_with_room_for_two_leaves_with_both_treated_patients():
    row = ems_incident(casualties={"immediate": 1, "delayed": 1})
    data = scenario_dict(msel=[row])
    data["units"][2]["patient_capacity"] = 2
    data["units"].append(unit("B1", "ems", ["bls"], "ES"))  # treats, cannot transport
    ex = exercise(data)
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1", "B1")
    ex.advance(ex.end)
    # B1 finishes the delayed patient at +8 min, M1 the immediate one at +10 min.
    assert first(ex, "patient.treated", patient="INC1-P2").t == pytest.approx(M_ON_SCENE + 480)
    assert first(ex, "patient.treated", patient="INC1-P1").t == pytest.approx(M_ON_SCENE + 600)
    delivered = {e.data["patient"] for e in kinds(ex, "patient.delivered")}
    assert delivered == {"INC1-P1", "INC1-P2"}
    assert first(ex, "unit.transporting", unit="M1").t == pytest.approx(M_ON_SCENE + 600)
    assert first(ex, "incident.resolved")


def test_incident_resolves_when_work_is_done_and_patients_have_left():
    data = scenario_dict(msel=[incident(work_minutes=5, casualties={"delayed": 1})])
    ex = exercise(data)
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    work_done = first(ex, "incident.work_completed").t
    loaded = first(ex, "patient.loaded").t
    resolved = first(ex, "incident.resolved")
    assert resolved.t == pytest.approx(max(work_done, loaded))
    assert work_done < loaded  # the police finish first; the patient decides
    assert first(ex, "unit.returning", unit="P1").t == resolved.t
    assert status(ex, "P1") == "available" and status(ex, "M1") == "available"
    assert not any(
        e.closed is False for cad in ex.engine.cads.values() for e in cad.entries.values()
    )
    assert ex.cad("police") == [] and ex.cad("ems") == []


def test_dispatch_to_a_resolved_incident_is_rejected():
    ex = exercise(msel=[incident(work_minutes=1)])
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    run_until(ex, lambda: ex.engine.incidents["INC1"].resolved)
    result = ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert not result.accepted
    assert result.reason == "incident INC1 is already resolved"


def test_after_an_escalation_the_lead_dispatcher_tells_the_agencies_now_needed():
    stages = [
        {
            "after": "00:02",
            "description": "fuel ignites, a driver is hurt",
            "add_requires": {"fire_suppression": 1},
            "add_casualties": {"delayed": 1},
        }
    ]
    ex = exercise(
        scenario_dict(
            msel=[incident(escalation=stages, work_minutes=30)],
            communications={"forget_probability": 0},
        )
    )
    attach_players(ex, ["police"])
    ex.advance(100)
    assert ex.engine.incidents["INC1"].agencies == ["police"]
    assert not ex.knows("fire", "INC1")
    ex.advance(120 + 30)  # the escalation, then police share over the CAD link
    assert first(ex, "incident.escalated").t == pytest.approx(120)
    assert ex.knows("fire", "INC1")
    assert ex.knows("ems", "INC1")
    assert {"fire", "ems"} <= set(ex.engine.incidents["INC1"].agencies)


def test_escalation_inject_of_a_secondary_that_never_started_is_harmless():
    secondary = {
        "id": "INC2",
        "location": "M",
        "incident_type": "structure_fire",
        "requires": {"fire_suppression": 1},
    }
    stages = [{"after": "00:20", "description": "spreads", "secondary": secondary}]
    row = {
        "seq": 2,
        "time": "00:30",
        "type": "escalation",
        "incident": "INC2",
        "description": "the secondary fire grows",
        "add_requires": {"rescue": 1},
    }
    ex = exercise(msel=[incident(escalation=stages), row])
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")  # in time: the stage (and so INC2) never happens
    ex.advance(ex.end)
    assert "INC2" not in ex.engine.incidents
    assert not kinds(ex, "incident.escalated")
    released = [e for e in kinds(ex, "inject.released") if e.data["seq"] == 2]
    assert [e.t for e in released] == [1800]
    skipped = first(ex, "incident.escalation_skipped", incident="INC2")
    assert skipped.t == 1800 and "has not started" in skipped.data["reason"]


def test_incident_casualty_model_overrides_only_the_fields_it_sets():
    row = ems_incident(casualties={"immediate": 1}, casualty_model={"treat_minutes_immediate": 3})
    data = scenario_dict(msel=[row])
    data["settings"]["casualties"] = {"immediate_survival_minutes": 7}
    ex = exercise(data)
    ex.advance(ex.end)
    assert first(ex, "patient.died").t == pytest.approx(420)


def test_handover_time_comes_from_the_incident_casualty_model():
    row = ems_incident(casualties={"delayed": 1}, casualty_model={"handover_minutes": 5})
    ex = exercise(msel=[row])
    open_cad(ex, "ems")
    dispatch(ex, "ems", "M1")
    ex.advance(ex.end)
    at_hospital = first(ex, "unit.at_hospital", unit="M1")
    assert first(ex, "unit.returning", unit="M1").t == pytest.approx(at_hospital.t + 300)


def test_a_missing_command_unit_does_not_slow_the_work():
    data = scenario_dict(msel=[incident(requires={"patrol": 1, "command": 1}, work_minutes=10)])
    data["agencies"].append({"id": "oem", "name": "OEM", "kind": "emergency_management"})
    data["stations"].append({"id": "EOC", "agency": "oem", "location": "S"})
    data["units"].append(unit("CMD1", "oem", ["command"], "EOC"))
    ex = exercise(data)
    open_cad(ex, "police")
    dispatch(ex, "police", "P1")
    ex.advance(ex.end)
    assert first(ex, "incident.work_completed").t == pytest.approx(P_ON_SCENE + 600)
    assert not kinds(ex, "incident.requirements_met")  # command never arrived


def test_work_needs_someone_on_scene_even_when_only_command_is_required():
    row = incident(requires={"command": 1}, work_minutes=10, calls={"count": 1, "agency": "oem"})
    data = scenario_dict(msel=[row])
    data["agencies"].append({"id": "oem", "name": "OEM", "kind": "emergency_management"})
    data["stations"].append({"id": "EOC", "agency": "oem", "location": "S"})
    data["units"].append(unit("CMD1", "oem", ["command"], "EOC"))
    ex = exercise(data)
    ex.advance(ex.end)  # nobody is ever dispatched
    assert not kinds(ex, "incident.work_completed", "incident.resolved")
