"""Commands: every rejection gives a reason, is logged, and changes nothing."""

from collections.abc import Callable

import pydantic
import pytest
from conftest import (
    CAD_OPENS,
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

from simulator.commands import (
    COMMAND,
    CloseRoad,
    CommandBase,
    Declare,
    Dispatch,
    OpenRoad,
    Recall,
    RequestMutualAid,
    SetService,
    Stage,
    Transport,
)
from simulator.exercise import Exercise


def snapshot(ex: Exercise):
    """Everything a command could change."""
    engine = ex.engine
    units = {
        u.id: (
            u.status,
            u.incident,
            u.staging,
            u.hospital,
            u.node,
            u.goal,
            id(u.trip),
            tuple(u.patients),
        )
        for u in engine.units.values()
    }
    incidents = {
        i.id: (
            frozenset(i.assigned),
            frozenset(i.on_scene),
            tuple(g.state for g in i.gates),
            i.resolved,
            dict(i.requires),
        )
        for i in engine.incidents.values()
    }
    cads = {
        a: {k: (v.closed, dict(v.aid)) for k, v in cad.entries.items()}
        for a, cad in engine.cads.items()
    }
    return units, incidents, cads, frozenset(engine.atlas.roads.closed)


def world() -> dict:
    """Police, fire (with a neighbour for mutual aid), EMS, a staging area, two hospitals."""
    data = scenario_dict(
        msel=[incident(requires={"patrol": 1}, casualties={"delayed": 1})],
        staging_areas=[{"id": "STG", "location": "D1"}],
        hospitals=[{"id": "H1", "location": "H"}, {"id": "H2", "location": "D2"}],
    )
    data["units"].append(unit("P2", "police", ["patrol"], "PS", status="out_of_service"))
    data["agencies"].append(
        {"id": "county", "name": "County", "kind": "fire", "jurisdiction": "County"}
    )
    data["stations"].append({"id": "CS", "agency": "county", "location": "H"})
    data["units"].append(unit("C1", "county", ["fire_suppression"], "CS"))
    return data


def fresh() -> Exercise:
    return exercise(world())


def known() -> Exercise:
    """Police and EMS CADs hold INC1 (police share it over the CAD link: 76.03 s)."""
    ex = fresh()
    open_cad(ex, "ems")
    return ex


def p1_on_scene() -> Exercise:
    ex = known()
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: status(ex, "P1") == "on_scene")
    return ex


def m1_transporting() -> Exercise:
    ex = known()
    assert ex.submit(Dispatch(agency="ems", incident="INC1", units=["M1"])).accepted
    run_until(ex, lambda: status(ex, "M1") == "transporting")
    return ex


def road_closed() -> Exercise:
    ex = known()
    assert ex.submit(CloseRoad(agency="police", road="Main Street")).accepted
    assert ex.submit(CloseRoad(agency="police", road="East Lane")).accepted
    return ex


REJECTIONS: list[tuple[str, Callable[[], Exercise], CommandBase, str]] = [
    # dispatch
    (
        "unknown agency",
        known,
        Dispatch(agency="sheriff", incident="INC1", units=["P1"]),
        "unknown agency 'sheriff'",
    ),
    (
        "incident not yet in the CAD",
        fresh,
        Dispatch(agency="police", incident="INC1", units=["P1"]),
        "incident 'INC1' is not in police's CAD",
    ),
    (
        "unknown incident",
        known,
        Dispatch(agency="police", incident="NOPE", units=["P1"]),
        "incident 'NOPE' is not in police's CAD",
    ),
    (
        "incident only another agency knows",
        known,
        Dispatch(agency="fire", incident="INC1", units=["F1"]),
        "incident 'INC1' is not in fire's CAD",
    ),
    (
        "unknown unit",
        known,
        Dispatch(agency="police", incident="INC1", units=["P9"]),
        "unknown unit 'P9'",
    ),
    (
        "another agency's unit",
        known,
        Dispatch(agency="police", incident="INC1", units=["M1"]),
        "unit M1 belongs to ems, not police",
    ),
    (
        "unit listed twice",
        known,
        Dispatch(agency="police", incident="INC1", units=["P1", "P1"]),
        "a unit is listed twice",
    ),
    (
        "out-of-service unit (and the good unit is not sent either)",
        known,
        Dispatch(agency="police", incident="INC1", units=["P1", "P2"]),
        "unit P2 is out_of_service and cannot be dispatched",
    ),
    (
        "unit already assigned there",
        p1_on_scene,
        Dispatch(agency="police", incident="INC1", units=["P1"]),
        "unit P1 is already assigned to INC1",
    ),
    (
        "transporting unit",
        m1_transporting,
        Dispatch(agency="ems", incident="INC1", units=["M1"]),
        "unit M1 is transporting and cannot be dispatched",
    ),
    (
        "no open road",
        road_closed,
        Dispatch(agency="police", incident="INC1", units=["P1"]),
        "no open road from unit P1 to INC1",
    ),
    # recall
    (
        "recall an available unit",
        known,
        Recall(agency="police", units=["P1"]),
        "unit P1 is available; there is nothing to recall",
    ),
    (
        "recall another agency's unit",
        p1_on_scene,
        Recall(agency="ems", units=["P1"]),
        "unit P1 belongs to police, not ems",
    ),
    (
        "recall a transporting unit",
        m1_transporting,
        Recall(agency="ems", units=["M1"]),
        "unit M1 is transporting; there is nothing to recall",
    ),
    # stage
    (
        "unknown staging area",
        known,
        Stage(agency="police", units=["P1"], staging="CARPARK"),
        "unknown staging area 'CARPARK'",
    ),
    (
        "stage an out-of-service unit",
        known,
        Stage(agency="police", units=["P2"], staging="STG"),
        "unit P2 is out_of_service and cannot be moved",
    ),
    # declare
    (
        "declare an unknown condition",
        p1_on_scene,
        Declare(agency="police", incident="INC1", condition="scene_secure"),
        "INC1 has no condition 'scene_secure' (it has: none)",
    ),
    (
        "declare on an incident not in the CAD",
        known,
        Declare(agency="fire", incident="INC1", condition="x"),
        "incident 'INC1' is not in fire's CAD",
    ),
    # transport
    (
        "unknown hospital",
        known,
        Transport(agency="ems", unit="M1", hospital="ST_NOWHERE"),
        "unknown hospital 'ST_NOWHERE'",
    ),
    (
        "unit that cannot transport",
        known,
        Transport(agency="police", unit="P1", hospital="H1"),
        "unit P1 cannot transport patients",
    ),
    (
        "transport with another agency's unit",
        known,
        Transport(agency="police", unit="M1", hospital="H1"),
        "unit M1 belongs to ems, not police",
    ),
    (
        "unit already transporting there",
        m1_transporting,
        Transport(agency="ems", unit="M1", hospital="H1"),
        "unit M1 is already transporting to H1",
    ),
    # mutual aid
    (
        "aid from an unknown agency",
        known,
        RequestMutualAid(agency="police", to="state", incident="INC1", capability="patrol"),
        "unknown agency or jurisdiction 'state'",
    ),
    (
        "aid from itself",
        known,
        RequestMutualAid(agency="police", to="police", incident="INC1", capability="patrol"),
        "an agency cannot ask itself for mutual aid",
    ),
    (
        "aid from an agency without the capability",
        known,
        RequestMutualAid(agency="police", to="county", incident="INC1", capability="patrol"),
        "county has no unit with patrol",
    ),
    (
        "aid for an incident not in the CAD",
        fresh,
        RequestMutualAid(
            agency="fire", to="county", incident="INC1", capability="fire_suppression"
        ),
        "incident 'INC1' is not in fire's CAD",
    ),
    # roads
    (
        "close an unknown road",
        known,
        CloseRoad(agency="police", road="Nowhere Street"),
        "no road named 'Nowhere Street'",
    ),
    (
        "close between nodes no road joins",
        known,
        CloseRoad(agency="police", between=("S", "I")),
        "no road joins S and I",
    ),
    (
        "close with neither a name nor nodes",
        known,
        CloseRoad(agency="police"),
        "name a road, or the two nodes it joins, but not both",
    ),
    (
        "close with both a name and nodes",
        known,
        CloseRoad(agency="police", road="Main Street", between=("S", "M")),
        "name a road, or the two nodes it joins, but not both",
    ),
    (
        "close a road already closed",
        road_closed,
        CloseRoad(agency="police", between=("S", "M")),
        "that road is already closed",
    ),
    (
        "open a road that is not closed",
        known,
        OpenRoad(agency="police", road="Back Road"),
        "that road is not closed",
    ),
    # service
    (
        "unit already in service",
        known,
        SetService(agency="police", unit="P1", in_service=True),
        "unit P1 is already in service",
    ),
    (
        "unit already out of service",
        known,
        SetService(agency="police", unit="P2", in_service=False),
        "unit P2 is already out of service",
    ),
    (
        "service for an unknown unit",
        known,
        SetService(agency="police", unit="Q1", in_service=False),
        "unknown unit 'Q1'",
    ),
]


@pytest.mark.parametrize(
    ("setup", "command", "reason"),
    [r[1:] for r in REJECTIONS],
    ids=[r[0] for r in REJECTIONS],
)
def test_rejection_changes_nothing_and_is_logged(setup, command, reason):
    ex = setup()
    before = snapshot(ex)
    logged = len(ex.log.events)
    result = ex.submit(command, source="tester")
    assert not result.accepted
    assert result.reason == reason
    assert snapshot(ex) == before
    # Exactly one event: the rejection, with the reason and the command as given.
    assert ex.log.events[logged:] == [result.event]
    event = result.event
    assert event.kind == "command.rejected"
    assert event.agency == command.agency
    assert event.data["reason"] == reason
    assert event.data["source"] == "tester"
    assert event.data["command"]["type"] == command.type
    assert ex.commands[-1]["command"] == event.data["command"]


def test_accepted_command_is_logged_before_its_effects():
    ex = known()
    result = ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert result.accepted and result.reason == ""
    assert result.event.kind == "command.accepted"
    dispatched = first(ex, "unit.dispatched", unit="P1")
    assert dispatched.seq == result.event.seq + 1
    assert ex.commands[-1] == {
        "t": pytest.approx(CAD_OPENS + 20, abs=0.1),
        "after": result.event.seq - 1,
        "ticks": ex.ticks,
        "source": "trainee",
        "command": {"agency": "police", "type": "dispatch", "incident": "INC1", "units": ["P1"]},
    }


def test_close_road_by_name_closes_every_segment_both_ways():
    ex = known()
    assert ex.submit(CloseRoad(agency="police", road="main street")).accepted
    closed = first(ex, "road.closed")
    assert closed.data["by"] == "police"
    assert closed.data["names"] == ["Main Street"]
    assert sorted(map(tuple, closed.data["edges"])) == [
        ("I", "M"),
        ("M", "I"),
        ("M", "S"),
        ("S", "M"),
    ]
    assert ex.submit(OpenRoad(agency="police", between=("M", "I"))).accepted
    opened = first(ex, "road.opened")
    assert sorted(map(tuple, opened.data["edges"])) == [("I", "M"), ("M", "I")]


def test_mutual_aid_request_reaches_another_jurisdiction_by_phone():
    ex = known()
    t0 = ex.now
    result = ex.submit(
        RequestMutualAid(
            agency="police", to="county", incident="INC1", capability="fire_suppression", count=2
        )
    )
    assert result.accepted
    requested = first(ex, "mutual_aid.requested")
    assert requested.data == {"to": "county", "capability": "fire_suppression", "count": 2}
    assert not ex.knows("county", "INC1")
    ex.advance(t0 + 120)
    # County (another jurisdiction) is not on the home CAD link, so the request goes by
    # phone: 20 s to dial and answer, then the words at 2.5 a second.
    queued = first(ex, "message.queued", type="mutual_aid_request")
    assert queued.data["channel"] == "dispatch-phone" and queued.data["path"] == "phone"
    received = first(ex, "mutual_aid.received")
    assert received.t == pytest.approx(t0 + 20 + queued.data["words"] / 2.5)
    assert received.agency == "county"
    assert received.data["source"] == "police"
    opened = first(ex, "cad.opened", agency="county")
    assert opened.data["via"] == "mutual_aid"
    (entry,) = ex.cad("county")
    assert entry.aid == {"fire_suppression": 2}
    assert ex.submit(Dispatch(agency="county", incident="INC1", units=["C1"])).accepted


def aid_on_its_way() -> Exercise:
    """County's C1 drives to INC1 on police's mutual-aid request."""
    ex = known()
    aid = RequestMutualAid(
        agency="police", to="county", incident="INC1", capability="fire_suppression"
    )
    assert ex.submit(aid).accepted
    run_until(ex, lambda: ex.knows("county", "INC1"))
    assert ex.submit(Dispatch(agency="county", incident="INC1", units=["C1"])).accepted
    return ex


def test_the_host_holds_aid_units_at_its_perimeter_and_sends_them_in():
    """NIMS: resources sent on a mutual-aid request work under the host's command."""
    ex = aid_on_its_way()
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["C1"], hold=True)).accepted
    run_until(ex, lambda: status(ex, "C1") == "staged")
    staged = first(ex, "unit.staged", unit="C1")
    assert (staged.data["at"], staged.data["reason"]) == ("perimeter", "held by dispatch")
    ex.advance(ex.now + 300)
    assert status(ex, "C1") == "staged" and not kinds(ex, "unit.on_scene", unit="C1")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["C1"])).accepted
    run_until(ex, lambda: status(ex, "C1") == "on_scene")
    assert ex.engine.units["C1"].agency == "county"  # still the partner's unit


@pytest.mark.parametrize(
    ("who", "hold", "reason"),
    [
        ("ems", True, "unit C1 belongs to county, not ems"),  # ems did not ask for it
        ("police", False, "unit C1 is not held at INC1's perimeter"),
    ],
)
def test_only_the_host_orders_aid_units_and_only_to_hold_or_send_in(who, hold, reason):
    ex = aid_on_its_way()
    before = snapshot(ex)
    result = ex.submit(Dispatch(agency=who, incident="INC1", units=["C1"], hold=hold))
    assert not result.accepted and reason in result.reason
    assert snapshot(ex) == before


def test_an_aid_unit_already_at_the_scene_cannot_be_held():
    ex = aid_on_its_way()
    run_until(ex, lambda: status(ex, "C1") == "on_scene")
    held = ex.submit(Dispatch(agency="police", incident="INC1", units=["C1"], hold=True))
    assert not held.accepted and "only a unit on its way can be held" in held.reason


def test_an_aid_unit_not_yet_sent_is_not_the_hosts_to_order():
    ex = known()
    aid = RequestMutualAid(
        agency="police", to="county", incident="INC1", capability="fire_suppression"
    )
    assert ex.submit(aid).accepted
    run_until(ex, lambda: ex.knows("county", "INC1"))
    held = ex.submit(Dispatch(agency="police", incident="INC1", units=["C1"], hold=True))
    assert not held.accepted and held.reason == "unit C1 belongs to county, not police"
    assert status(ex, "C1") == "available"


def test_transport_command_sets_the_hospital_for_the_next_trip():
    ex = known()
    assert ex.submit(Transport(agency="ems", unit="M1", hospital="H2")).accepted
    assert ex.engine.units["M1"].hospital == "H2"
    assert status(ex, "M1") == "available"


def test_commands_are_validated_as_data():
    with pytest.raises(pydantic.ValidationError):
        Dispatch(agency="police", incident="INC1", units=[])
    with pytest.raises(pydantic.ValidationError):
        RequestMutualAid(agency="police", to="x", incident="INC1", capability="flying")
    with pytest.raises(pydantic.ValidationError):
        COMMAND.validate_python({"type": "dispatch", "agency": "police", "incident": "I"})
    command = COMMAND.validate_python({"type": "recall", "agency": "police", "units": ["P1"]})
    assert command == Recall(agency="police", units=["P1"])


def test_stage_moves_a_committed_unit_off_its_incident():
    ex = p1_on_scene()
    assert ex.submit(Stage(agency="police", units=["P1"], staging="STG")).accepted
    assert ex.engine.units["P1"].incident is None
    assert "P1" not in ex.engine.incidents["INC1"].assigned
    ex.advance(ex.end)
    assert kinds(ex, "unit.staged", unit="P1")[-1].data["at"] == "STG"


def test_closing_a_road_closed_unknown_to_the_agency_is_done_and_teaches_it():
    # Police closed Main Street and told no one. Refusing fire's order would tell fire
    # (and any trainee the view greys the order out for) of a closure nobody reported;
    # fire's crew finds the barriers up instead, and fire learns the closure.
    ex = road_closed()
    key = "closure:Main Street"
    assert ex.check(CloseRoad(agency="fire", road="Main Street")) == ""
    closed = frozenset(ex.engine.atlas.roads.closed)
    before = len(ex.log)
    assert ex.submit(CloseRoad(agency="fire", road="Main Street")).accepted
    assert frozenset(ex.engine.atlas.roads.closed) == closed
    fresh_events = ex.log.events[before:]
    assert not [e for e in fresh_events if e.kind == "road.closed"]
    learnt = [e for e in fresh_events if e.kind == "fact.learned"]
    assert [(e.agency, e.data["fact"], e.data["value"], e.data["via"]) for e in learnt] == [
        ("fire", key, True, "own")
    ]
    # Now fire knows: the same order is refused, as it is for police, who closed it.
    for agency in ("fire", "police"):
        assert ex.check(CloseRoad(agency=agency, road="Main Street")) == (
            "that road is already closed"
        )


def test_opening_a_road_the_agency_thinks_closed_teaches_it_that_it_is_open():
    ex = road_closed()
    assert ex.submit(CloseRoad(agency="fire", road="Main Street")).accepted  # fire learns
    assert ex.submit(OpenRoad(agency="police", road="Main Street")).accepted  # fire untold
    assert ex.check(OpenRoad(agency="fire", road="Main Street")) == ""
    before = len(ex.log)
    assert ex.submit(OpenRoad(agency="fire", road="Main Street")).accepted
    assert "road.opened" not in {e.kind for e in ex.log.events[before:]}
    assert ex.engine.knowledge.value("fire", "closure:Main Street") is False
    assert ex.check(OpenRoad(agency="fire", road="Main Street")) == "that road is not closed"


def test_an_order_that_would_teach_nothing_is_refused_on_a_partly_closed_street():
    # Police closed one stretch of Main Street, so it holds the street closed, which it
    # is. Opening the other, open stretch would change nothing and teach nothing: it
    # is refused, as before, and not accepted as an empty finding again and again.
    ex = known()
    assert ex.submit(CloseRoad(agency="police", between=("S", "M"))).accepted
    for agency in ("police", "fire"):
        if agency == "fire":  # fire learns the street is closed by finding it so
            assert ex.submit(CloseRoad(agency="fire", between=("S", "M"))).accepted
        result = ex.submit(OpenRoad(agency=agency, between=("M", "I")))
        assert (result.accepted, result.reason) == (False, "that road is not closed")
