"""Automated police post traffic control where congestion blocks the way to a scene."""

from itertools import pairwise

import pytest
from conftest import agency, closure, exercise, incident, kinds, scenario_dict, unit
from test_traffic import jam

from simulator.players import attach_players
from simulator.players.traffic import REFUSED_RETRY_S

# Players act when events arrive: a radio check at 11 minutes is one.
CHECK = {"seq": 20, "time": 660, "type": "information", "to": ["police"], "description": "check"}


def run(profile: str, *rows: dict, units: list[dict] | None = None, needs: dict | None = None):
    scene = incident(requires=needs or {"patrol": 1})
    data = scenario_dict(msel=[scene, jam(minutes=50), CHECK, *rows], duration="01:30")
    data["units"][0] = unit("P1", "police", ["patrol"], "PS")
    data["units"] += (
        units if units is not None else [unit("T1", "police", ["traffic_control"], "PS")]
    )
    ex = exercise(data)
    agencies = sorted(ex.engine.cads)
    attach_players(ex, agencies, dict.fromkeys(agencies, profile))
    ex.advance(ex.end)
    return ex


def posted(ex) -> list:
    return [
        e for e in kinds(ex, "command.accepted") if e.data["command"]["type"] == "traffic_point"
    ]


def test_sop_posts_a_spare_traffic_unit_after_ten_minutes_and_lifts_it_when_traffic_clears():
    ex = run("sop")
    (order, lift) = posted(ex)
    assert order.data["command"]["unit"] == "T1" and order.data["command"]["road"] == "Main Street"
    opened = kinds(ex, "cad.opened")[0].t
    assert order.t == pytest.approx(660.0) and order.t - opened >= 600.0
    assert lift.data["command"]["release"] is True and lift.t == pytest.approx(3000.0)
    assert kinds(ex, "traffic.point_set") and kinds(ex, "traffic.point_released")


def test_the_expert_posts_at_once_and_on_every_street_near_the_scene():
    east = jam(seq=10, roads=("East Lane",))
    ex = run(
        "expert", east, units=[unit(f"T{i}", "police", ["traffic_control"], "PS") for i in (1, 2)]
    )
    orders = [e for e in posted(ex) if not e.data["command"].get("release")]
    assert {e.data["command"]["road"] for e in orders} == {"Main Street", "East Lane"}
    assert orders[0].t == kinds(ex, "cad.opened")[0].t


def test_poor_never_posts_and_nobody_posts_a_unit_the_scene_needs():
    assert posted(run("poor")) == []
    # T1, the one traffic unit, is what the scene itself needs.
    ex = run("expert", needs={"patrol": 1, "traffic_control": 1})
    assert posted(ex) == [] and kinds(ex, "unit.on_scene", unit="T1")


def test_a_point_refused_because_another_agency_holds_the_street_is_not_asked_again_at_once():
    """Two police agencies, one jam: the one refused waits before asking again.

    It asked on every batch, and each refusal was a new batch: the clock never moved
    and the log grew without end.
    """
    second = incident("INC2", seq=2, calls={"count": 1, "agency": "sheriff"})
    second["to"] = ["sheriff"]
    data = scenario_dict(
        msel=[incident(), second, jam(to=["police", "sheriff"], minutes=50), CHECK],
        duration="01:30",
    )
    data["agencies"].append(agency("sheriff", "police"))
    data["stations"].append({"id": "SS", "agency": "sheriff", "location": "S"})
    data["units"][0] = unit("P1", "police", ["patrol"], "PS")
    data["units"] += [
        unit("T1", "police", ["traffic_control"], "PS"),
        unit("D1", "sheriff", ["patrol"], "SS"),
        unit("D2", "sheriff", ["traffic_control"], "SS"),
    ]
    ex = exercise(data)
    attach_players(ex, ["police", "sheriff"], {"police": "expert", "sheriff": "expert"})
    ex.advance(ex.end)
    assert ex.ended
    refused = [
        e for e in kinds(ex, "command.rejected") if e.data["command"]["type"] == "traffic_point"
    ]
    assert refused and {e.data["command"]["unit"] for e in refused} <= {"T1", "D2"}
    times = [e.t for e in refused]
    assert all(b - a >= REFUSED_RETRY_S for a, b in pairwise(times))


def test_a_street_no_traffic_unit_can_reach_does_not_stop_the_posts_at_the_others():
    # Hospital Road, closed, is jammed beside INC1 at H, which nobody can reach; Main
    # Street is jammed beside INC2 at I. T1 cannot post the first, so it posts the second.
    cut = {**closure(1, 0, roads=["Hospital Road"]), "to": ["police"]}
    rows = [cut, incident("INC1", at="H", seq=2), incident("INC2", seq=3, time=30)]
    jams = jam(minutes=50, roads=("Hospital Road", "Main Street"))
    data = scenario_dict(msel=[*rows, jams, CHECK], duration="01:30")
    data["units"][0] = unit("P1", "police", ["patrol"], "PS")
    data["units"].append(unit("T1", "police", ["traffic_control"], "PS"))
    ex = exercise(data)
    agencies = sorted(ex.engine.cads)
    attach_players(ex, agencies, dict.fromkeys(agencies, "expert"))
    ex.advance(ex.end)
    (order, _) = posted(ex)
    assert order.data["command"]["road"] == "Main Street"
    assert order.t == kinds(ex, "cad.opened")[-1].t  # at once, when INC2 is known
