"""Traffic: congestion slows responders; a traffic control point lets them through.

The default map: Main Street S-M-I (200 s) and the detour S-D1-D2-I (400 s). A jam on
Main Street at a tenth of its speed (2,000 s) sends responders round the detour; a jam
on both leaves them crawling; a traffic point on Main Street gives them back 200 s.
"""

import pytest
from conftest import (
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

from simulator.commands import CloseRoad, Dispatch, Recall, TrafficPoint
from simulator.exercise import Exercise


def jam(seq: int = 9, roads: tuple[str, ...] = ("Main Street",), **row: object) -> dict:
    return {
        "seq": seq,
        "time": row.pop("time", 0),
        "type": "traffic",
        "to": ["police"],
        "description": "the stadium lets out",
        "roads": list(roads),
        "speed": row.pop("speed", 0.1),
        **row,
    }


def world(*rows: dict, late: bool = False) -> Exercise:
    """Police (P1 patrol, T1 traffic), EMS M1; the incident at I after an hour if ``late``."""
    data = scenario_dict(msel=[incident(time=3600 if late else 0), *rows])
    data["units"][0] = unit("P1", "police", ["patrol"], "PS")
    data["units"].append(unit("T1", "police", ["traffic_control"], "PS"))
    return exercise(data)


def eta(ex: Exercise, unit_id: str) -> float:
    return ex.engine.movement.eta(ex.engine.units[unit_id], ex.engine.incidents["INC1"].node)


def at_incident(ex: Exercise) -> None:
    run_until(ex, lambda: "INC1" in ex.engine.incidents)


def test_congestion_slows_responders_and_clears_on_time():
    ex = world(jam(roads=("Main Street", "East Lane"), minutes=30))
    at_incident(ex)
    congested = first(ex, "traffic.congested")
    assert congested.data["names"] == ["East Lane", "Main Street"]
    assert congested.data["until"] == 1800.0
    # Detour: 100 s + 200 s + 1,000 s (East Lane at a tenth); Main Street 2,000 s.
    assert eta(ex, "M1") == pytest.approx(1300.0)
    ex.advance(1800.0)
    assert first(ex, "traffic.cleared").data["seq"] == 9
    assert eta(ex, "M1") == pytest.approx(200.0)


def test_a_unit_driving_into_new_congestion_is_slowed_from_the_next_intersection():
    ex = world(jam(time=100))
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: kinds(ex, "traffic.congested"))
    # On its way to M (at 186 s), whence only Main Street goes on: 1,000 s at a tenth.
    assert first(ex, "unit.en_route", unit="P1").data["eta"] == pytest.approx(286.0)
    assert first(ex, "unit.rerouted", unit="P1").data["eta"] == pytest.approx(1186.0)


def test_a_traffic_point_lets_responders_through_at_full_speed():
    ex = world(jam(), late=True)
    ex.advance(10.0)
    assert ex.submit(TrafficPoint(agency="police", unit="T1", road="Main Street")).accepted
    assert first(ex, "unit.en_route", unit="T1").data["to"] == "M"
    assert "T1" not in ex.free_units("police")
    run_until(ex, lambda: kinds(ex, "traffic.point_set"))
    point = first(ex, "traffic.point_set", unit="T1")
    assert point.data["road"] == "Main Street" and point.data["congested"] == [9]
    assert status(ex, "T1") == "staged" and "T1" not in ex.free_units("police")
    at_incident(ex)
    assert eta(ex, "M1") == pytest.approx(200.0)
    # Released, the jam is back for responders and the officer drives home.
    assert ex.submit(TrafficPoint(agency="police", unit="T1", release=True)).accepted
    released = first(ex, "traffic.point_released", unit="T1")
    assert released.data["reason"] == "released" and released.data["held"] > 0
    assert status(ex, "T1") == "returning"
    assert eta(ex, "M1") == pytest.approx(400.0)


def test_a_public_closure_is_not_a_full_closure():
    ex = world(late=True)
    assert ex.submit(TrafficPoint(agency="police", unit="T1", road="Main Street")).accepted
    run_until(ex, lambda: kinds(ex, "traffic.point_set"))
    at_incident(ex)
    assert eta(ex, "M1") == pytest.approx(200.0)  # open to responders
    assert ex.submit(CloseRoad(agency="police", road="Main Street")).accepted
    assert eta(ex, "M1") == pytest.approx(400.0)  # closed to everyone


def test_a_posted_unit_given_other_work_leaves_its_point():
    ex = world(jam(), late=True)
    assert ex.submit(TrafficPoint(agency="police", unit="T1", road="Main Street")).accepted
    run_until(ex, lambda: kinds(ex, "traffic.point_set"))
    assert ex.submit(Recall(agency="police", units=["T1"])).accepted
    assert first(ex, "traffic.point_released", unit="T1").data["reason"] == "returning"
    assert not ex.engine.congestion.posts and "T1" in ex.free_units("police")
    at_incident(ex)
    assert eta(ex, "M1") == pytest.approx(400.0)


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (TrafficPoint(agency="police", unit="P1", road="Main Street"), "no traffic_control"),
        (TrafficPoint(agency="police", unit="T1", road="Nowhere"), "no road named 'Nowhere'"),
        (TrafficPoint(agency="police", unit="T1"), "name a road"),
        (TrafficPoint(agency="ems", unit="T1", road="Main Street"), "belongs to police"),
        (TrafficPoint(agency="police", unit="T1", release=True), "holds no traffic point"),
    ],
)
def test_traffic_point_rejections_say_why_and_change_nothing(command, reason):
    ex = world(jam())
    result = ex.submit(command)
    assert not result.accepted and reason in result.reason
    assert not ex.engine.congestion.posts and kinds(ex, "command.rejected")


def test_a_second_point_on_a_controlled_road_is_refused():
    data = scenario_dict(msel=[incident()])
    data["units"].append(unit("T1", "police", ["traffic_control"], "PS"))
    ex = exercise(data)
    assert ex.submit(TrafficPoint(agency="police", unit="T1", road="Main Street")).accepted
    again = ex.submit(TrafficPoint(agency="police", unit="P1", road="Main Street"))
    assert "already controls" in again.reason
    twice = ex.submit(TrafficPoint(agency="police", unit="T1", road="East Lane"))
    assert "already holds a traffic point on Main Street" in twice.reason


def test_a_point_named_in_any_case_holds_the_street_by_the_maps_name():
    ex = world(jam(), late=True)
    assert ex.submit(TrafficPoint(agency="police", unit="T1", road="main STREET")).accepted
    run_until(ex, lambda: kinds(ex, "traffic.point_set"))
    assert first(ex, "traffic.point_set").data["road"] == "Main Street"
