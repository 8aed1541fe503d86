"""What each agency knows, how it learns it, and what not knowing costs.

Default map (conftest): police hear of INC1 by a call at 56 s; P1 (30 s turnout) drives
S-M-I in 200 s and F1 (60 s turnout) likewise. The CAD-to-CAD link delivers a share
20 s after it is sent (plus a few milliseconds of airtime).
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
    tell,
    unit,
)

from simulator.commands import Dispatch, Share
from simulator.engine.knowledge import Knowledge, Known
from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.scenario.facts import fact_key, incident_of

CHEM = {"id": "chem", "kind": "chemical", "harm": "crew_injured", "harm_count": 2}
HAZARD_KEY = "hazard:INC1/chem"


def learned(ex: Exercise, agency_id: str, fact: str):
    return first(ex, "fact.learned", agency=agency_id, fact=fact)


# -- the knowledge store ------------------------------------------------------------


def test_fact_keys_and_their_incident():
    assert fact_key("hazard", "INC1", "chem") == HAZARD_KEY
    assert fact_key("incident", "INC1") == "incident:INC1"
    assert incident_of("condition:INC1/secure") == "INC1"
    assert incident_of("closure:Main Street") is None


def test_gap_lists_what_others_hold_and_one_lacks():
    store = Knowledge(["fire", "police"])
    store.record("police", "incident:I3", Known(1.0, {"type": "fire"}, "call"))
    store.record("police", "hazard:I3/chem", Known(2.0, "chemical", "call"))
    store.record("fire", "casualties:I3", Known(3.0, 2, "unit"))
    store.record("fire", "closure:Bridge", Known(3.0, True, "inject"))
    assert store.gap("I3", ["police", "fire"]) == {
        "fire": ["hazard:I3/chem", "incident:I3"],
        "police": ["casualties:I3"],
    }
    assert not store.record("fire", "casualties:I3", Known(9.0, 2, "message"))
    assert store.record("fire", "casualties:I3", Known(9.0, 3, "message"))
    assert store.value("fire", "casualties:I3") == 3


# -- how facts spread ---------------------------------------------------------------


def test_a_call_teaches_the_call_taking_agency_only():
    msel = [incident(casualties={"minor": 2}, hazards=[{**CHEM, "reported": True}])]
    ex = exercise(scenario_dict(msel=msel))
    run_until(ex, lambda: ex.knows("police", "INC1"))
    assert {k: (v.t, v.via) for k, v in ex.knowledge("police").items()} == {
        "casualties:INC1": (CAD_OPENS, "call"),
        HAZARD_KEY: (CAD_OPENS, "call"),
        "incident:INC1": (CAD_OPENS, "call"),
    }
    assert ex.facts("police", "INC1")[HAZARD_KEY] == "chemical"
    assert ex.knowledge("fire") == {} and ex.knowledge("ems") == {}
    critical = [e.data["fact"] for e in kinds(ex, "fact.critical")]
    assert critical == ["incident:INC1", HAZARD_KEY]


def test_an_unreported_hazard_is_not_learnt_from_the_call():
    ex = exercise(scenario_dict(msel=[incident(hazards=[CHEM])]))
    run_until(ex, lambda: ex.knows("police", "INC1"))
    assert HAZARD_KEY not in ex.knowledge("police")


def test_a_share_teaches_the_recipient_via_message():
    ex = exercise(scenario_dict())
    run_until(ex, lambda: ex.knows("police", "INC1"))
    tell(ex, "police", "fire")
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    fact = learned(ex, "fire", "incident:INC1")
    delivered = first(ex, "message.delivered", agency="fire")
    assert fact.data["via"] == "message" and fact.data["source"] == "police"
    assert fact.data["message"] == delivered.data["message"]
    words = first(ex, "message.queued").data["words"]
    assert words == 12 + 8  # a share, plus one fact
    # The CAD-to-CAD link: no setup, 1000 words/s, 20 s latency.
    assert fact.t == delivered.t == pytest.approx(CAD_OPENS + words / 1000 + 20)
    assert first(ex, "cad.opened", agency="fire").data["via"] == "notification"


def test_an_information_inject_teaches_its_recipients():
    info = {
        "seq": 2,
        "time": 10,
        "type": "information",
        "to": ["fire", "ems"],
        "description": "Tanker leaking",
        "facts": [HAZARD_KEY],
    }
    ex = exercise(scenario_dict(msel=[incident(hazards=[CHEM]), info]))
    ex.advance(10)
    for who in ("ems", "fire"):
        fact = learned(ex, who, HAZARD_KEY)
        assert (fact.t, fact.data["via"], fact.data["value"]) == (10, "inject", "chemical")
    assert HAZARD_KEY not in ex.knowledge("police")


def unit_report_exercise() -> Exercise:
    # P1 (traffic_control) recognises the spill safely and radios it in.
    ex = exercise(scenario_dict(msel=[incident(hazards=[{"id": "spill", "kind": "traffic"}])]))
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: "hazard:INC1/spill" in ex.knowledge("police"))
    return ex


def test_a_units_report_reaches_its_own_dispatch():
    ex = unit_report_exercise()
    sitrep = first(ex, "message.queued", unit="P1")
    assert sitrep.data["type"] == "sitrep" and sitrep.data["facts"] == ["hazard:INC1/spill"]
    assert sitrep.data["to"] == "police" and sitrep.data["path"] == "own"
    fact = learned(ex, "police", "hazard:INC1/spill")
    assert fact.data["value"] == "traffic"
    assert fact.data["message"] == sitrep.data["message"]


def test_a_units_report_is_learnt_via_unit():
    ex = unit_report_exercise()
    fact = learned(ex, "police", "hazard:INC1/spill")
    assert fact.data["via"] == "unit"
    assert fact.unit == "P1"


SHARE_REJECTIONS = [
    (
        Share(agency="police", to="fire", incident="INC1", facts=["hazard:INC1/x"]),
        "police does not know 'hazard:INC1/x'",
    ),
    (Share(agency="police", to="nobody", incident="INC1"), "unknown agency 'nobody'"),
    (Share(agency="police", to="police", incident="INC1"), "an agency cannot share with itself"),
    (Share(agency="fire", to="police", incident="INC1"), "incident 'INC1' is not in fire's CAD"),
    (Share(agency="police", to="fire"), "name an incident, or the facts to share"),
    (
        Share(agency="police", to="fire", incident="INC1", channel="nope"),
        "unknown channel 'nope' (channels: cad-link, dispatch-phone, ems-dispatch, "
        "fire-dispatch, police-dispatch)",
    ),
    (
        Share(agency="police", to="fire", incident="INC1", channel="fire-dispatch"),
        "police is not on channel fire-dispatch",
    ),
]


@pytest.mark.parametrize(
    ("command", "reason"),
    SHARE_REJECTIONS,
    ids=[
        "unknown fact",
        "unknown agency",
        "itself",
        "not in CAD",
        "nothing",
        "unknown channel",
        "not a member",
    ],
)
def test_share_rejections(command, reason):
    ex = exercise(scenario_dict())
    run_until(ex, lambda: ex.knows("police", "INC1"))
    result = ex.submit(command)
    assert not result.accepted
    assert result.reason == reason
    assert first(ex, "command.rejected").data["reason"] == reason
    ex.advance(ex.now)
    assert not kinds(ex, "message.queued")


def test_share_of_named_facts_sends_only_those():
    ex = exercise(scenario_dict(msel=[incident(casualties={"minor": 1})]))
    run_until(ex, lambda: ex.knows("police", "INC1"))
    share = Share(agency="police", to="ems", facts=["casualties:INC1"])
    assert ex.submit(share).accepted
    run_until(ex, lambda: bool(kinds(ex, "message.delivered")))
    assert first(ex, "message.queued").incident == "INC1"
    assert ex.facts("ems", "INC1") == {"casualties:INC1": 1}
    assert not ex.knows("ems", "INC1")  # casualties alone do not open a CAD entry


# -- common operating picture -------------------------------------------------------


def test_picture_gap_closes_when_the_police_share():
    ex = exercise(scenario_dict(msel=[incident(casualties={"minor": 1})]))
    run_until(ex, lambda: ex.knows("police", "INC1"))
    assert ex.picture_gap("INC1", ["police", "fire"]) == {
        "fire": ["casualties:INC1", "incident:INC1"],
        "police": [],
    }
    tell(ex, "police", "fire")
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    assert ex.picture_gap("INC1", ["police", "fire"]) == {"fire": [], "police": []}


# -- hazards: what not knowing costs ------------------------------------------------


def hazard_exercise(hazard: dict, *, told: bool = False, units=None) -> Exercise:
    msel = [incident(hazards=[hazard], requires={"patrol": 1})]
    if told:
        msel.append(
            {
                "seq": 2,
                "time": 0,
                "type": "information",
                "to": ["police"],
                "description": "chemical leak",
                "facts": [HAZARD_KEY],
            }
        )
    ex = exercise(scenario_dict(msel=msel, units=units))
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: status(ex, "P1") != "en_route" and status(ex, "P1") != "dispatched")
    return ex


def test_a_unit_meeting_an_unknown_hazard_is_harmed_and_goes_out_of_service():
    ex = hazard_exercise(CHEM)
    harmed = first(ex, "unit.harmed")
    assert (harmed.t, harmed.agency, harmed.unit, harmed.incident) == (
        pytest.approx(CAD_OPENS + 230),
        "police",
        "P1",
        "INC1",
    )
    assert harmed.data == {"hazard": "chemical", "effect": "crew_injured", "count": 2}
    out = first(ex, "unit.out_of_service", unit="P1")
    assert out.t == harmed.t and out.seq > harmed.seq
    assert out.data["reason"] == "harmed by an unknown chemical hazard"
    casualties = kinds(ex, "incident.casualties")
    assert [(e.data["delayed"], e.t) for e in casualties] == [(2, harmed.t)]
    assert "ems" in ex.engine.incidents["INC1"].agencies
    assert "P1" not in ex.engine.incidents["INC1"].on_scene
    # It still reports what hurt it.
    assert first(ex, "message.queued", unit="P1").data["facts"] == [HAZARD_KEY]


def test_harm_out_of_service_adds_no_patients():
    ex = hazard_exercise({**CHEM, "harm": "out_of_service"})
    assert first(ex, "unit.harmed").data["effect"] == "out_of_service"
    assert status(ex, "P1") == "out_of_service"
    assert not kinds(ex, "incident.casualties")


def test_harm_casualties_adds_patients_and_the_unit_keeps_working():
    ex = hazard_exercise({**CHEM, "harm": "casualties", "harm_count": 3})
    assert first(ex, "unit.harmed").data["effect"] == "casualties"
    assert [e.data["immediate"] for e in kinds(ex, "incident.casualties")] == [3]
    assert status(ex, "P1") == "on_scene"
    assert "P1" in ex.engine.incidents["INC1"].on_scene


def test_an_agency_told_of_the_hazard_beforehand_is_not_harmed():
    ex = hazard_exercise(CHEM, told=True)
    assert not kinds(ex, "unit.harmed")
    assert status(ex, "P1") == "on_scene"
    assert "P1" in ex.engine.incidents["INC1"].on_scene


def test_a_hazmat_unit_detects_a_chemical_hazard_safely():
    units = [unit("P1", "police", ["patrol", "hazmat"], "PS")]
    ex = hazard_exercise(CHEM, units=units)
    assert not kinds(ex, "unit.harmed")
    assert status(ex, "P1") == "on_scene"
    assert first(ex, "message.queued", unit="P1").data["facts"] == [HAZARD_KEY]


def test_detected_by_overrides_the_default_detectors():
    units = [unit("P1", "police", ["patrol", "hazmat"], "PS")]
    ex = hazard_exercise({**CHEM, "detected_by": ["rescue"]}, units=units)
    assert first(ex, "unit.harmed").unit == "P1"


# -- closures: what not knowing costs -----------------------------------------------


@pytest.mark.parametrize("told", [True, False])
def test_a_closure_an_agency_was_not_told_of_costs_time(told):
    # M-I (Main Street) closes; the detour from M back to S and round is 500 s.
    row = closure(2, 0, edges=[["M", "I"]])
    row["to"] = ["police"] if told else []
    ex = exercise(scenario_dict(msel=[incident(), row]))
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: status(ex, "P1") == "on_scene")
    rolls = CAD_OPENS + 30
    on_scene = first(ex, "unit.on_scene", unit="P1")
    if told:
        assert first(ex, "unit.en_route").data["path"] == ["S", "D1", "D2", "I"]
        assert on_scene.t == pytest.approx(rolls + 400)
        assert not kinds(ex, "unit.blocked")
    else:
        assert first(ex, "unit.en_route").data["path"] == ["S", "M"]
        blocked = first(ex, "unit.blocked")
        assert (blocked.t, blocked.unit, blocked.data["road"]) == (
            pytest.approx(rolls + 100),
            "P1",
            "Main Street",
        )
        assert on_scene.t == pytest.approx(rolls + 100 + 500)
        report = first(ex, "message.queued", unit="P1")
        assert report.t == blocked.t and report.data["facts"] == ["closure:Main Street"]
        run_until(ex, lambda: "closure:Main Street" in ex.knowledge("police"))


@pytest.mark.parametrize("told", [True, False])
def test_a_closure_during_the_trip_is_met_at_the_barrier_unless_the_agency_was_told(told):
    # P1 rolls at 86 s: S->M until 186 s, then M->I. Main Street M-I closes at 120 s.
    row = closure(2, 120, edges=[["M", "I"]])
    row["to"] = ["police"] if told else []
    ex = exercise(scenario_dict(msel=[incident(), row]))
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: status(ex, "P1") == "on_scene")
    rerouted = first(ex, "unit.rerouted", unit="P1")
    assert rerouted.data["path"] == ["M", "S", "D1", "D2", "I"]
    if told:  # dispatch radios the crew: it turns off at the next intersection
        assert rerouted.t == 120 and not kinds(ex, "unit.blocked")
        return
    # Nobody told the crew: it drives on to the closure, is blocked and reports it.
    blocked = first(ex, "unit.blocked", unit="P1")
    assert blocked.t == pytest.approx(CAD_OPENS + 30 + 100) == rerouted.t
    assert blocked.data["road"] == "Main Street"
    report = first(ex, "message.queued", unit="P1")
    assert report.t == blocked.t and report.data["facts"] == ["closure:Main Street"]
    run_until(ex, lambda: "closure:Main Street" in ex.knowledge("police"))


# -- nobody told, nobody comes -------------------------------------------------------


FIRE_CALL_TO_POLICE = incident(requires={"fire_suppression": 1}, work_minutes=5)


def test_an_incident_nobody_shares_with_the_responsible_agency_goes_unattended():
    ex = exercise(scenario_dict(msel=[FIRE_CALL_TO_POLICE]))
    run_until(ex, lambda: ex.knows("police", "INC1"))
    result = ex.submit(Dispatch(agency="fire", incident="INC1", units=["F1"]))
    assert result.reason == "incident 'INC1' is not in fire's CAD"
    ex.advance(ex.end)
    assert not ex.knows("fire", "INC1")
    assert not kinds(ex, "unit.dispatched", "incident.resolved")


@pytest.mark.parametrize("forget", [0.0, 1.0])
def test_sop_players_share_unless_they_forget(forget):
    data = scenario_dict(msel=[FIRE_CALL_TO_POLICE], communications={"forget_probability": forget})
    ex = exercise(data)
    attach_players(ex, ["police", "fire", "ems"])
    ex.advance(ex.end)
    shares = [e for e in kinds(ex, "command.accepted") if e.data["command"]["type"] == "share"]
    if forget:
        assert not shares
        assert not ex.knows("fire", "INC1")
        assert not kinds(ex, "incident.resolved")
    else:
        assert shares[0].agency == "police" and shares[0].data["command"]["to"] == "fire"
        assert ex.knows("fire", "INC1")
        assert first(ex, "unit.dispatched").unit == "F1"
        assert kinds(ex, "incident.resolved")


# -- crews held at the perimeter (Level I staging) ----------------------------------


def held_exercise() -> Exercise:
    """INC1 hides a chemical only hazmat recognises; P1 (patrol) could walk into it."""
    data = scenario_dict(msel=[incident(hazards=[CHEM])])
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "INC1"))
    return ex


def test_a_unit_dispatched_to_hold_waits_at_the_perimeter_unharmed():
    ex = held_exercise()
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"], hold=True)).accepted
    run_until(ex, lambda: status(ex, "P1") == "staged")
    staged = first(ex, "unit.staged", unit="P1")
    assert (staged.incident, staged.data["at"]) == ("INC1", "perimeter")
    ex.advance(ex.now + 600)
    assert status(ex, "P1") == "staged"  # committed, outside, for as long as it is held
    assert not kinds(ex, "unit.harmed") and not kinds(ex, "unit.on_scene")
    again = ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"], hold=True))
    assert not again.accepted and "already assigned" in again.reason


def test_a_crew_held_at_the_perimeter_reports_what_shows_from_outside():
    """NFPA 1500 360-degree size-up: rescue sees a damaged structure without going in."""
    rig = {"id": "rig", "kind": "structural", "harm": "crew_injured"}
    data = scenario_dict(
        msel=[incident(hazards=[rig, CHEM], requires={"rescue": 1})],
        units=[unit("R1", "police", ["rescue", "hazmat"], "PS")],
    )
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "INC1"))
    ex.submit(Dispatch(agency="police", incident="INC1", units=["R1"], hold=True))
    run_until(ex, lambda: "hazard:INC1/rig" in ex.facts("police", "INC1"))
    assert status(ex, "R1") == "staged" and not kinds(ex, "unit.harmed")
    assert HAZARD_KEY not in ex.facts("police", "INC1")  # a chemical inside does not show


def test_a_crew_at_the_perimeter_reports_only_the_hazards_it_recognises():
    rig = {"id": "rig", "kind": "structural", "harm": "crew_injured"}
    ex = exercise(scenario_dict(msel=[incident(hazards=[rig])]))
    run_until(ex, lambda: ex.knows("police", "INC1"))
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"], hold=True))
    run_until(ex, lambda: status(ex, "P1") == "staged")
    ex.advance(ex.now + 300)
    assert "hazard:INC1/rig" not in ex.facts("police", "INC1")


def test_a_held_unit_goes_in_when_dispatched_again_and_knowledge_protects_it():
    ex = held_exercise()
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"], hold=True))
    run_until(ex, lambda: status(ex, "P1") == "staged")
    ex.engine.learn("police", HAZARD_KEY, "chemical", "message", by="fire")  # word arrives
    order_in = ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert order_in.accepted, order_in.reason
    on_scene = first(ex, "unit.on_scene", unit="P1")
    assert on_scene.data.get("released") is True and on_scene.t == pytest.approx(ex.now)
    assert not kinds(ex, "unit.harmed")
    twice = ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert not twice.accepted and "already assigned" in twice.reason


def test_a_held_unit_ordered_in_blind_is_harmed_as_any_crew_would_be():
    ex = held_exercise()
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"], hold=True))
    run_until(ex, lambda: status(ex, "P1") == "staged")
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert first(ex, "unit.harmed", unit="P1").data["hazard"] == "chemical"


def test_a_held_unit_ordered_in_on_its_way_goes_straight_in():
    ex = held_exercise()
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"], hold=True))
    ex.engine.learn("police", HAZARD_KEY, "chemical", "message", by="fire")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: status(ex, "P1") == "on_scene")
    assert not kinds(ex, "unit.staged") and not kinds(ex, "unit.harmed")


def test_fact_keys_are_built_and_read_back_by_one_type():
    from simulator.scenario.facts import FactKey

    for key in ("incident:I3", "hazard:I3/chem", "condition:I3/secure", "casualties:I3"):
        assert str(FactKey.parse(key)) == key
    assert FactKey.parse("hazard:I3/chem") == FactKey("hazard", "I3", "chem")
    # As a report names them, never as keys.
    assert [FactKey.parse(k).words() for k in ("incident:I3", "hazard:I3/armed_suspect")] == [
        "news of incident I3",
        "the armed suspect hazard at I3",
    ]
    assert FactKey.parse("closure:Bridge 2").words() == "the Bridge 2 closure"
    assert FactKey.parse("hazard:I3/chem").incident == "I3"
    road = FactKey.parse("closure:Mill Lane/Old Road")  # a road's name is kept whole
    assert (road.subject, road.part, road.incident) == ("Mill Lane/Old Road", "", None)
    assert str(road) == "closure:Mill Lane/Old Road"
