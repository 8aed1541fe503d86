"""A unit's life: dispatch, turnout, travel, scene, hospital, home; recalls and outages.

Default map (see conftest): every station at S, incident at I (200 s away by Main
Street, 400 s by the detour), hospital at H (100 s beyond I). Police turnout is 30 s,
EMS 20 s; the police CAD opens at 56 s.
"""

import pytest
from conftest import (
    CAD_OPENS,
    closure,
    exercise,
    first,
    incident,
    kinds,
    open_cad,
    run_until,
    scenario_dict,
    status,
    unit_statuses,
)

from simulator.commands import CloseRoad, Dispatch, OpenRoad, Recall, SetService, Stage
from simulator.scenario.vocabulary import UnitStatus

POLICE_TURNOUT = 30.0
EMS_TURNOUT = 20.0
S_TO_I = 200.0


def dispatch(ex, unit_id="P1", agency="police", incident_id="INC1"):
    result = ex.submit(Dispatch(agency=agency, incident=incident_id, units=[unit_id]))
    assert result.accepted, result.reason
    return result


def test_dispatch_goes_dispatched_en_route_on_scene_with_turnout():
    ex = exercise()
    t0 = open_cad(ex, "police")
    assert t0 == pytest.approx(CAD_OPENS)
    dispatch(ex)
    assert status(ex, "P1") == "dispatched"
    ex.advance(ex.end)
    dispatched = first(ex, "unit.dispatched", unit="P1")
    en_route = first(ex, "unit.en_route", unit="P1")
    on_scene = first(ex, "unit.on_scene", unit="P1")
    assert dispatched.t == pytest.approx(t0)
    assert dispatched.data["eta"] == pytest.approx(t0 + POLICE_TURNOUT + S_TO_I)
    assert en_route.t == pytest.approx(t0 + POLICE_TURNOUT)
    assert en_route.data["path"] == ["S", "M", "I"]
    assert on_scene.t == pytest.approx(t0 + POLICE_TURNOUT + S_TO_I)
    assert on_scene.incident == "INC1"
    assert unit_statuses(ex, "P1")[:3] == ["dispatched", "en_route", "on_scene"]


def test_turnout_defaults_by_discipline():
    data = scenario_dict()
    for agency in data["agencies"]:
        agency.pop("turnout_seconds")
    ex = exercise(data)
    t0 = open_cad(ex, "police")
    dispatch(ex)
    run_until(ex, lambda: status(ex, "P1") == "en_route")
    assert ex.now == pytest.approx(t0 + 45.0)  # police default


def test_turnout_does_not_apply_away_from_the_station():
    ex = exercise()
    t0 = open_cad(ex, "police")
    dispatch(ex)
    ex.advance(t0 + 100)  # en route, part-way to M
    ex.submit(Recall(agency="police", units=["P1"]))
    assert status(ex, "P1") == "returning"
    result = dispatch(ex)
    assert status(ex, "P1") == "en_route"  # no turnout: straight back on the road
    assert result.event.t == ex.now
    assert first(ex, "unit.dispatched", unit="P1", reassigned_from=None).t == pytest.approx(t0)
    assert kinds(ex, "unit.en_route", unit="P1")[-1].t == ex.now


def test_recall_while_en_route_goes_home_via_the_next_intersection():
    ex = exercise()
    t0 = open_cad(ex, "police")
    dispatch(ex)
    recall_at = t0 + POLICE_TURNOUT + 50  # half-way along S->M
    ex.advance(recall_at)
    result = ex.submit(Recall(agency="police", units=["P1"]))
    assert result.accepted
    returning = kinds(ex, "unit.returning", unit="P1")[-1]
    assert returning.data["reason"] == "recalled"
    assert returning.data["path"] == ["M", "S"]
    # It reaches M at 100 s into the trip and is back at S 100 s later.
    assert returning.data["eta"] == pytest.approx(t0 + POLICE_TURNOUT + 200)
    ex.advance(ex.end)
    available = first(ex, "unit.available", unit="P1", prev="returning")
    assert available.t == pytest.approx(t0 + POLICE_TURNOUT + 200)
    assert not kinds(ex, "unit.on_scene", unit="P1")
    assert ex.engine.incidents["INC1"].assigned == set()


def test_recall_during_turnout_cancels_the_response():
    ex = exercise()
    t0 = open_cad(ex, "police")
    dispatch(ex)
    ex.advance(t0 + 10)
    assert ex.submit(Recall(agency="police", units=["P1"])).accepted
    assert status(ex, "P1") == "available"
    ex.advance(t0 + 1000)
    assert not kinds(ex, "unit.en_route", unit="P1")
    assert status(ex, "P1") == "available"


def test_recall_from_scene_sends_the_unit_home():
    ex = exercise()
    t0 = open_cad(ex, "police")
    dispatch(ex)
    arrived = t0 + POLICE_TURNOUT + S_TO_I
    ex.advance(arrived + 60)
    assert status(ex, "P1") == "on_scene"
    assert ex.submit(Recall(agency="police", units=["P1"])).accepted
    assert "P1" not in ex.engine.incidents["INC1"].on_scene
    ex.advance(ex.end)
    assert first(ex, "unit.available", unit="P1").t == pytest.approx(arrived + 60 + S_TO_I)


def test_incident_resolution_sends_units_home():
    ex = exercise()
    t0 = open_cad(ex, "police")
    dispatch(ex)
    ex.advance(ex.end)
    arrived = t0 + POLICE_TURNOUT + S_TO_I
    resolved = first(ex, "incident.resolved", incident="INC1")
    assert resolved.t == pytest.approx(arrived + 20 * 60)  # default work_minutes
    returning = first(ex, "unit.returning", unit="P1")
    assert returning.t == resolved.t
    assert first(ex, "unit.available", unit="P1").t == pytest.approx(resolved.t + S_TO_I)
    assert status(ex, "P1") == "available"
    assert ex.engine.units["P1"].node == ex.engine.units["P1"].home


def test_transport_unit_goes_to_hospital_and_back():
    row = incident(requires={}, casualties={"delayed": 1}, calls={"count": 1, "agency": "ems"})
    ex = exercise(msel=[row])
    t0 = open_cad(ex, "ems")
    dispatch(ex, "M1", "ems")
    ex.advance(ex.end)
    on_scene = t0 + EMS_TURNOUT + S_TO_I
    treated = on_scene + 8 * 60  # treat_minutes_delayed
    assert unit_statuses(ex, "M1") == [
        "dispatched",
        "en_route",
        "on_scene",
        "transporting",
        "at_hospital",
        "returning",
        "available",
    ]
    assert first(ex, "unit.on_scene", unit="M1").t == pytest.approx(on_scene)
    transporting = first(ex, "unit.transporting", unit="M1")
    assert transporting.t == pytest.approx(treated)
    assert transporting.data["hospital"] == "H1"
    assert transporting.data["patients"] == ["INC1-P1"]
    assert transporting.data["path"] == ["I", "H"]
    at_hospital = first(ex, "unit.at_hospital", unit="M1")
    assert at_hospital.t == pytest.approx(treated + 100)
    delivered = first(ex, "patient.delivered", patient="INC1-P1")
    assert delivered.t == at_hospital.t and delivered.data["hospital"] == "H1"
    returning = first(ex, "unit.returning", unit="M1")
    assert returning.t == pytest.approx(at_hospital.t + 15 * 60)  # handover_minutes
    assert returning.data["path"] == ["H", "I", "M", "S"]
    assert first(ex, "unit.available", unit="M1").t == pytest.approx(returning.t + 300)


def test_unit_out_of_service_from_the_start():
    data = scenario_dict()
    data["units"][0]["status"] = "out_of_service"
    ex = exercise(data)
    event = first(ex, "unit.out_of_service", unit="P1")
    assert event.t == 0 and event.data["reason"] == "initial status"
    open_cad(ex, "police")
    result = ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert not result.accepted
    assert "out_of_service" in result.reason


def test_out_of_service_inject_takes_an_en_route_unit_home_and_back_in_service():
    rows = [
        incident(),
        {
            "seq": 2,
            "time": 150,
            "type": "resource_change",
            "unit": "P1",
            "change": "out_of_service",
            "description": "P1 breaks down",
        },
        {
            "seq": 3,
            "time": 1000,
            "type": "resource_change",
            "unit": "P1",
            "change": "in_service",
            "description": "P1 repaired",
        },
    ]
    ex = exercise(msel=rows)
    open_cad(ex, "police")
    dispatch(ex)  # en route from 86 s, reaches M at 186 s
    ex.advance(150)
    assert status(ex, "P1") == "out_of_service"
    oos = first(ex, "unit.out_of_service", unit="P1")
    assert oos.data["reason"] == "MSEL 2" and oos.data["prev"] == "en_route"
    assert ex.engine.incidents["INC1"].assigned == set()
    ex.advance(999)
    assert status(ex, "P1") == "out_of_service"
    unit = ex.engine.units["P1"]
    assert unit.trip is None and unit.node == unit.home  # drove home via M
    assert not kinds(ex, "unit.on_scene", unit="P1")
    ex.advance(1000)
    assert status(ex, "P1") == "available"
    assert first(ex, "unit.available", unit="P1").data["reason"] == "MSEL 3"


def test_set_service_command_round_trip():
    ex = exercise()
    assert ex.submit(SetService(agency="police", unit="P1", in_service=False)).accepted
    assert status(ex, "P1") == "out_of_service"
    assert first(ex, "unit.out_of_service", unit="P1").data["reason"] == "ordered by police"
    assert ex.submit(SetService(agency="police", unit="P1", in_service=True)).accepted
    assert status(ex, "P1") == "available"


def test_out_of_service_during_transport_waits_for_the_handover():
    row = incident(requires={}, casualties={"delayed": 1}, calls={"count": 1, "agency": "ems"})
    ex = exercise(msel=[row])
    open_cad(ex, "ems")
    dispatch(ex, "M1", "ems")
    run_until(ex, lambda: status(ex, "M1") == "transporting")
    assert ex.submit(SetService(agency="ems", unit="M1", in_service=False)).accepted
    assert status(ex, "M1") == "transporting"
    assert first(ex, "unit.out_of_service_pending", unit="M1")
    ex.advance(ex.end)
    assert first(ex, "patient.delivered", patient="INC1-P1")
    assert unit_statuses(ex, "M1")[-2:] == ["at_hospital", "out_of_service"]
    assert first(ex, "unit.out_of_service", unit="M1").data["reason"] == "ordered by ems"
    assert status(ex, "M1") == "out_of_service"
    assert len(kinds(ex, "unit.out_of_service_pending", unit="M1")) == 1
    unit = ex.engine.units["M1"]
    assert unit.trip is None and unit.node == unit.home  # drove home out of service


def transporting_m1() -> object:
    row = incident(requires={}, casualties={"delayed": 1}, calls={"count": 1, "agency": "ems"})
    ex = exercise(msel=[row])
    open_cad(ex, "ems")
    dispatch(ex, "M1", "ems")
    run_until(ex, lambda: status(ex, "M1") == "transporting")
    return ex


def test_back_in_service_before_the_handover_keeps_the_unit_in_service():
    ex = transporting_m1()
    assert ex.submit(SetService(agency="ems", unit="M1", in_service=False)).accepted
    again = ex.submit(SetService(agency="ems", unit="M1", in_service=False))
    assert again.reason == "unit M1 already goes out of service after its hand-over"
    assert ex.submit(SetService(agency="ems", unit="M1", in_service=True)).accepted
    cancelled = first(ex, "unit.out_of_service_cancelled", unit="M1")
    assert cancelled.data == {"reason": "ordered by ems"}
    ex.advance(ex.end)
    assert first(ex, "patient.delivered", patient="INC1-P1")
    assert not kinds(ex, "unit.out_of_service")
    assert status(ex, "M1") == "available"
    assert len(kinds(ex, "unit.out_of_service_pending", unit="M1")) == 1


def test_an_msel_return_to_service_cancels_a_pending_out_of_service():
    # M1 carries its patient from 756 s to 856 s: it breaks down at 780 s and is
    # repaired at 820 s, both before the hand-over.
    rows = [
        incident(requires={}, casualties={"delayed": 1}, calls={"count": 1, "agency": "ems"}),
        *(
            {"seq": seq, "time": t, "type": "resource_change", "unit": "M1", "change": change}
            | {"description": change}
            for seq, t, change in ((2, 780, "out_of_service"), (3, 820, "in_service"))
        ),
    ]
    ex = exercise(msel=rows)
    open_cad(ex, "ems")
    dispatch(ex, "M1", "ems")
    ex.advance(ex.end)
    transporting = first(ex, "unit.transporting", unit="M1")
    delivered = first(ex, "patient.delivered", patient="INC1-P1")
    assert transporting.t < 780 and delivered.t > 820
    assert first(ex, "unit.out_of_service_cancelled", unit="M1").data["reason"] == "MSEL 3"
    assert not kinds(ex, "unit.out_of_service") and status(ex, "M1") == "available"


def test_en_route_unit_is_rerouted_around_a_closure_and_still_arrives():
    rows = [incident(), closure(2, 120, edges=[["M", "I"]])]
    ex = exercise(msel=rows)
    open_cad(ex, "police")
    dispatch(ex)  # en route from 86 s: S->M (86-186) then M->I (186-286)
    ex.advance(ex.end)
    rerouted = first(ex, "unit.rerouted", unit="P1")
    assert rerouted.t == 120
    assert rerouted.incident == "INC1"
    # It cannot turn on the road it is on: from M it goes back by S and the detour.
    assert rerouted.data["path"] == ["M", "S", "D1", "D2", "I"]
    assert rerouted.data["eta"] == pytest.approx(186 + 500)
    on_scene = first(ex, "unit.on_scene", unit="P1")
    assert on_scene.t == pytest.approx(686)


def test_closure_behind_the_unit_does_not_reroute_it():
    rows = [incident(), closure(2, 250, edges=[["S", "M"]])]
    ex = exercise(msel=rows)
    open_cad(ex, "police")
    dispatch(ex)  # on M->I from 186 s
    ex.advance(ex.end)
    assert not kinds(ex, "unit.rerouted")
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(286)


def test_unit_stranded_by_closures_waits_and_continues_when_a_road_reopens():
    rows = [incident(), closure(2, 120, edges=[["M", "I"], ["S", "D1"]])]
    ex = exercise(msel=rows)
    open_cad(ex, "police")
    dispatch(ex)
    ex.advance(500)
    assert first(ex, "unit.no_route", unit="P1").t == 120
    assert status(ex, "P1") == "en_route"
    assert not kinds(ex, "unit.on_scene")
    assert ex.submit(OpenRoad(agency="police", between=("M", "I"))).accepted
    rerouted = kinds(ex, "unit.rerouted", unit="P1")[-1]
    assert rerouted.t == 500 and rerouted.data["path"] == ["M", "I"]
    ex.advance(ex.end)
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(600)


def test_no_route_at_the_end_of_turnout_releases_the_unit():
    rows = [incident(), closure(2, 70, edges=[["M", "I"], ["D2", "I"]])]
    ex = exercise(msel=rows)
    open_cad(ex, "police")
    dispatch(ex)  # turnout ends at 86 s, after the closure
    ex.advance(200)
    assert first(ex, "unit.no_route", unit="P1").t == pytest.approx(86)
    assert status(ex, "P1") == "available"
    assert first(ex, "unit.available", unit="P1").data["reason"] == "no open road to the incident"
    assert "P1" not in ex.engine.incidents["INC1"].assigned


def test_stage_pre_positions_and_dispatch_from_staging_has_no_turnout():
    data = scenario_dict(staging_areas=[{"id": "STG", "location": "D1"}])
    ex = exercise(data)
    assert ex.submit(Stage(agency="police", units=["P1"], staging="STG")).accepted
    assert status(ex, "P1") == "en_route"
    run_until(ex, lambda: status(ex, "P1") == "staged")
    staged = first(ex, "unit.staged", unit="P1")
    assert staged.t == pytest.approx(100) and staged.data["reason"] == "pre-positioned"
    assert ex.free_units("police") == ["P1"]
    t0 = open_cad(ex, "police")
    dispatch(ex)
    assert first(ex, "unit.en_route", unit="P1", to="I").t == t0  # D1->D2->I, no turnout
    ex.advance(ex.end)
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(t0 + 300)


def test_staging_where_no_open_road_leads_is_refused_and_the_unit_stays_free():
    data = scenario_dict(staging_areas=[{"id": "STG", "location": "D1"}])
    ex = exercise(data)
    for road in ("West Lane", "Back Road"):  # D1's only roads
        assert ex.submit(CloseRoad(agency="police", road=road)).accepted
    refused = ex.submit(Stage(agency="police", units=["P1"], staging="STG"))
    assert refused.reason == "no open road from unit P1 to STG"
    assert status(ex, "P1") == "available" and ex.free_units("police") == ["P1"]


def test_reassignment_moves_a_unit_between_incidents():
    rows = [incident(), incident("INC2", seq=2, at="H", time=0)]
    ex = exercise(msel=rows)
    run_until(ex, lambda: ex.knows("police", "INC1") and ex.knows("police", "INC2"))
    dispatch(ex, incident_id="INC1")
    ex.advance(300)
    assert status(ex, "P1") == "on_scene"
    dispatch(ex, incident_id="INC2")
    event = kinds(ex, "unit.dispatched", unit="P1")[-1]
    assert event.data["reassigned_from"] == "INC1"
    assert "P1" not in ex.engine.incidents["INC1"].on_scene
    assert ex.engine.units["P1"].incident == "INC2"
    ex.advance(ex.end)
    assert first(ex, "unit.on_scene", unit="P1", incident="INC2").t == pytest.approx(400)


def test_every_status_change_is_an_event_with_the_previous_status():
    ex = exercise()
    open_cad(ex, "police")
    dispatch(ex)
    ex.advance(ex.end)
    names = {f"unit.{s.value}" for s in UnitStatus}
    previous = "available"
    for event in ex.log.events:
        if event.unit == "P1" and event.kind in names:
            assert event.data["prev"] == previous
            previous = event.kind.removeprefix("unit.")
    assert previous == status(ex, "P1")


# -- a unit released while its station is cut off ---------------------------------------


def test_recall_when_the_station_is_cut_off_does_not_crash():
    ex = exercise()
    open_cad(ex, "police")
    dispatch(ex)
    ex.advance(300)
    assert status(ex, "P1") == "on_scene"
    ex.submit(CloseRoad(agency="police", between=("M", "I")))
    ex.submit(CloseRoad(agency="police", between=("D2", "I")))
    result = ex.submit(Recall(agency="police", units=["P1"]))
    if not result.accepted:
        assert status(ex, "P1") == "on_scene"
        assert "P1" in ex.engine.incidents["INC1"].on_scene
        return
    assert ex.engine.units["P1"].incident is None
    ex.submit(OpenRoad(agency="police", between=("M", "I")))
    ex.advance(ex.end)
    assert status(ex, "P1") == "available"


def test_incident_resolving_while_the_station_is_cut_off_does_not_crash():
    rows = [
        incident(work_minutes=5),
        closure(2, 300, edges=[["M", "I"], ["D2", "I"]]),
        closure(3, 1200, edges=[["M", "I"]], action="open"),
    ]
    ex = exercise(msel=rows)
    open_cad(ex, "police")
    dispatch(ex)  # on scene at 286 s, work done at 586 s, roads shut from 300 s
    ex.advance(ex.end)
    assert first(ex, "incident.resolved", incident="INC1").t == pytest.approx(586)
    available = first(ex, "unit.available", unit="P1")
    assert available.t >= 1200
    assert status(ex, "P1") == "available"


def test_eta_before_dispatch_matches_the_arrival():
    ex = exercise()
    t0 = open_cad(ex, "police")
    assert ex.eta("P1", "INC1") == pytest.approx(POLICE_TURNOUT + S_TO_I)
    dispatch(ex)
    ex.advance(t0 + 100)
    assert ex.eta("P1", "INC1") == pytest.approx(POLICE_TURNOUT + S_TO_I - 100)
    ex.advance(ex.end)
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(t0 + POLICE_TURNOUT + S_TO_I)


def test_unit_views_interpolate_positions():
    ex = exercise()
    t0 = open_cad(ex, "police")
    dispatch(ex)
    ex.advance(t0 + POLICE_TURNOUT + 150)  # half-way from M to I
    (view,) = ex.units("police")
    assert view.status == UnitStatus.EN_ROUTE and view.incident == "INC1"
    assert (view.x, view.y) == pytest.approx((1500.0, 0.0))
    assert {v.id for v in ex.units()} == {"P1", "F1", "M1"}


def test_closure_at_the_moment_a_unit_reaches_an_intersection_reroutes_it():
    from simulator.world.city import KMH

    edges = scenario_dict()["map"]["edges"]
    for edge in edges:  # make every road take exactly 100.0 s in floating point
        edge["length"] = 100 * (edge["speed_kmh"] * KMH)
    rows = [incident(), closure(2, 186, edges=[["M", "I"]])]
    ex = exercise(scenario_dict(edges=edges, msel=rows))
    open_cad(ex, "police")
    dispatch(ex)  # en route at 86 s; at M at exactly 186 s
    ex.advance(186)
    assert first(ex, "unit.rerouted", unit="P1").t == 186.0
    ex.advance(ex.end)
    assert first(ex, "unit.rerouted", unit="P1").data["path"] == ["M", "S", "D1", "D2", "I"]
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(186 + 4 * 100)
