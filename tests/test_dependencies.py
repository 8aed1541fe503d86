"""Preconditions: EMS waits until police have secured and declared the scene.

Timeline on the default map (see conftest): the police CAD opens at 56 s and P1 is on
scene at 286 s, so securing for 3 minutes makes the scene ready at 466 s. Police share
the incident over the CAD-to-CAD link (20 s latency), so EMS hear of it at 76.03 s;
M1 (20 s turnout) reaches I 220 s later. EMS go in only once police tell them the
scene is secure.
"""

import pytest
from conftest import (
    build,
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

from simulator.commands import Declare, Dispatch, Recall, Share
from simulator.exercise import Exercise
from simulator.scenario import ScenarioError

P_ON_SCENE = 286.0
READY = P_ON_SCENE + 180
EMS_TOLD = 76.028
LINK = 20.0  # CAD-to-CAD latency; a share's airtime adds a few milliseconds
M_ARRIVES = EMS_TOLD + 20 + 200


def secure(requires=None, **overrides):
    gate = {
        "id": "scene_secure",
        "name": "scene secure",
        "capability": "patrol",
        "minutes": 3,
        "blocks_agencies": ["ems"],
        **overrides,
    }
    return incident(
        requires=requires or {"patrol": 1},
        casualties={"delayed": 1},
        preconditions=[gate],
        work_minutes=30,
    )


def declare(ex, agency="police"):
    """Declare the scene secure and, if accepted, tell EMS (as police dispatch would)."""
    result = ex.submit(Declare(agency=agency, incident="INC1", condition="scene_secure"))
    if result.accepted and agency != "ems":
        tell(ex, agency, "ems")
    return result


def start(data=None, **kw) -> Exercise:
    """Police and EMS both dispatched as soon as their CADs hold the incident."""
    ex = exercise(data if data is not None else scenario_dict(msel=[secure(**kw)]))
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    open_cad(ex, "ems")
    assert ex.now == pytest.approx(EMS_TOLD)
    assert ex.submit(Dispatch(agency="ems", incident="INC1", units=["M1"])).accepted
    return ex


def test_ems_arriving_before_the_scene_is_secure_waits_at_the_perimeter():
    ex = start()
    ex.advance(400)
    staged = first(ex, "unit.staged", unit="M1")
    assert staged.t == pytest.approx(M_ARRIVES)
    assert staged.data["at"] == "perimeter"
    assert staged.data["reason"] == "waiting for scene secure"
    assert status(ex, "M1") == "staged"
    assert "M1" not in ex.engine.incidents["INC1"].on_scene
    assert not kinds(ex, "patient.treatment_started")
    # The police are not held back by their own precondition.
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(P_ON_SCENE)


def test_declare_is_rejected_before_police_are_on_scene():
    ex = start()
    result = declare(ex)
    assert not result.accepted
    assert result.reason == "no patrol unit of police is on scene to confirm scene secure"
    assert first(ex, "command.rejected").data["reason"] == result.reason


def test_declare_is_rejected_while_the_police_are_still_working():
    ex = start()
    ex.advance(P_ON_SCENE + 60)
    started = first(ex, "incident.precondition_started")
    assert started.t == pytest.approx(P_ON_SCENE) and started.unit == "P1"
    result = declare(ex)
    assert not result.accepted
    assert result.reason == "scene secure is not yet confirmed by the units on scene"
    assert ex.engine.incidents["INC1"].gate("scene_secure").state == "working"


def test_declare_is_accepted_once_ready_and_releases_the_staged_unit():
    ex = start()
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_ready")))
    ready = first(ex, "incident.precondition_ready")
    assert ready.t == pytest.approx(READY)
    assert ready.agency == "police"
    assert status(ex, "M1") == "staged"  # ready is not enough: it must be declared
    result = declare(ex)
    assert result.accepted
    met = first(ex, "incident.precondition_met")
    assert met.agency == "police" and met.seq > result.event.seq
    # Met is not enough either: EMS go in when the word reaches them.
    assert status(ex, "M1") == "staged"
    run_until(ex, lambda: status(ex, "M1") == "on_scene")
    on_scene = kinds(ex, "unit.on_scene", unit="M1")[-1]
    assert on_scene.t == pytest.approx(READY + LINK, abs=0.1)
    assert on_scene.data["released"] is True
    told = first(ex, "fact.learned", agency="ems", fact="condition:INC1/scene_secure")
    assert told.t == on_scene.t and told.data["via"] == "message"


def test_declare_twice_is_rejected():
    ex = start()
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_ready")))
    assert declare(ex).accepted
    again = declare(ex)
    assert not again.accepted
    assert again.reason == "scene secure is already declared"


def test_only_the_agency_with_the_capability_can_declare():
    ex = start()
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_ready")))
    result = declare(ex, agency="ems")
    assert not result.accepted
    assert result.reason == "no patrol unit of ems is on scene to confirm scene secure"


def test_blocked_units_wait_at_a_staging_area_within_reach():
    # D1 is 2.2 km from the scene: inside the 3 km staging radius.
    data = scenario_dict(msel=[secure()], staging_areas=[{"id": "STG", "location": "D1"}])
    ex = start(data)
    ex.advance(READY)
    en_route = first(ex, "unit.en_route", unit="M1")
    assert en_route.data["staging"] == "STG" and en_route.data["to"] == "D1"
    staged = first(ex, "unit.staged", unit="M1")
    assert staged.data["at"] == "STG"
    assert staged.t == pytest.approx(EMS_TOLD + 20 + 100)
    assert declare(ex).accepted
    run_until(ex, lambda: status(ex, "M1") == "en_route")
    released = kinds(ex, "unit.en_route", unit="M1")[-1]
    assert released.data["released"] == "STG" and released.data["to"] == "I"
    ex.advance(ex.end)
    # D1 -> I is 300 s either way round.
    assert first(ex, "unit.on_scene", unit="M1").t == pytest.approx(READY + LINK + 300, abs=0.1)


def test_staging_area_too_far_away_is_not_used():
    nodes = scenario_dict()["map"]["nodes"] + [{"id": "FARAWAY", "x": -2000, "y": 0}]
    edges = scenario_dict()["map"]["edges"] + [{"from": "S", "to": "FARAWAY", "speed_kmh": 36}]
    data = scenario_dict(
        msel=[secure()],
        nodes=nodes,
        edges=edges,
        staging_areas=[{"id": "STG", "location": "FARAWAY"}],
    )
    ex = start(data)
    ex.advance(400)
    assert first(ex, "unit.staged", unit="M1").data["at"] == "perimeter"


def test_units_dispatched_after_the_declaration_go_straight_in():
    ex = exercise(scenario_dict(msel=[secure()]))
    open_cad(ex, "police")
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_ready")))
    assert declare(ex).accepted
    run_until(ex, lambda: ex.knows("ems", "INC1"))
    t0 = ex.now
    assert ex.submit(Dispatch(agency="ems", incident="INC1", units=["M1"])).accepted
    ex.advance(ex.end)
    assert not kinds(ex, "unit.staged")
    assert first(ex, "unit.on_scene", unit="M1").t == pytest.approx(t0 + 220)


def test_precondition_without_declaration_is_met_when_the_work_is_done():
    ex = start(declare=False)
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_met")))
    met = first(ex, "incident.precondition_met")
    assert met.t == pytest.approx(READY) and met.agency is None
    assert not kinds(ex, "incident.precondition_ready")
    # The police on scene know; EMS at the perimeter hear it face to face a while later
    # (retry_seconds) and radio their own dispatch, which then sends them in.
    assert first(ex, "fact.learned", agency="police", fact="condition:INC1/scene_secure")
    ex.advance(READY + 119)
    assert status(ex, "M1") == "staged"
    ex.advance(ex.end)
    told = first(ex, "fact.learned", agency="ems", fact="condition:INC1/scene_secure")
    assert told.data["via"] == "unit" and told.unit == "M1"
    assert told.t > READY + 120
    assert kinds(ex, "unit.on_scene", unit="M1")[0].t == pytest.approx(told.t)


def test_blocks_capabilities_holds_back_units_of_any_agency():
    gate = secure({"patrol": 1, "rescue": 1}, blocks_agencies=[], blocks_capabilities=["rescue"])
    data = scenario_dict(msel=[gate])
    ex = exercise(data)
    open_cad(ex, "police")
    open_cad(ex, "fire")
    open_cad(ex, "ems")
    assert ex.submit(Dispatch(agency="fire", incident="INC1", units=["F1"])).accepted
    assert ex.submit(Dispatch(agency="ems", incident="INC1", units=["M1"])).accepted
    ex.advance(600)
    assert status(ex, "F1") == "staged"  # rescue is held back
    assert first(ex, "unit.on_scene", unit="M1")  # EMS are not
    assert first(ex, "unit.staged", unit="F1").data["reason"] == "waiting for scene secure"


def test_police_leaving_interrupts_the_precondition_work():
    ex = start()
    ex.advance(P_ON_SCENE + 60)
    assert ex.submit(Recall(agency="police", units=["P1"])).accepted
    interrupted = first(ex, "incident.precondition_interrupted")
    assert interrupted.t == pytest.approx(P_ON_SCENE + 60)
    assert ex.engine.incidents["INC1"].gate("scene_secure").state == "pending"
    ex.advance(READY + 60)
    assert not kinds(ex, "incident.precondition_ready")
    # A second patrol car starts the work again from the beginning.
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    ex.advance(ex.end)
    restarts = kinds(ex, "incident.precondition_started")
    assert len(restarts) == 2
    assert first(ex, "incident.precondition_ready").t == pytest.approx(restarts[1].t + 180)


def test_a_second_patrol_unit_keeps_the_work_going():
    units = scenario_dict()["units"] + [unit("P2", "police", ["patrol"], "PS")]
    ex = exercise(scenario_dict(msel=[secure()], units=units))
    open_cad(ex, "police")
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1", "P2"]))
    ex.advance(P_ON_SCENE + 60)
    ex.submit(Recall(agency="police", units=["P1"]))
    ex.advance(ex.end)
    assert not kinds(ex, "incident.precondition_interrupted")
    assert first(ex, "incident.precondition_ready").t == pytest.approx(READY)


# -- blocks_agencies by kind ------------------------------------------------------------


def ems_renamed() -> dict:
    """EMS agency id 'medics' (kind ems); the precondition blocks by kind 'ems'."""
    data = scenario_dict(msel=[secure()])
    data["agencies"][2]["id"] = "medics"
    data["stations"][2]["agency"] = "medics"
    data["units"][2]["agency"] = "medics"
    return data


def test_blocks_agencies_accepts_an_agency_kind():
    build(ems_renamed())


def test_engine_blocks_by_agency_kind():
    ex = exercise(ems_renamed())
    open_cad(ex, "police")
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    open_cad(ex, "medics")
    ex.submit(Dispatch(agency="medics", incident="INC1", units=["M1"]))
    ex.advance(400)
    assert status(ex, "M1") == "staged"


def test_blocks_agencies_with_an_unknown_id_is_reported():
    data = scenario_dict(msel=[secure(blocks_agencies=["paramedics"])])
    with pytest.raises(ScenarioError) as info:
        build(data)
    paths = [p.path for p in info.value.problems]
    assert paths == ["msel.0.incident.preconditions.0.blocks_agencies.0"]


# -- what a met precondition makes safe ---------------------------------------------------


def secured_scene(hazard: dict) -> Exercise:
    """Police (who can size up structures) secure a scene; fire hears only of the incident."""
    units = [
        unit("P1", "police", ["patrol", "rescue"], "PS"),
        unit("F1", "fire", ["fire_suppression"], "FS"),
    ]
    row = secure(requires={"patrol": 1, "fire_suppression": 1})
    row["incident"]["hazards"] = [hazard]
    row["incident"].pop("casualties")
    ex = exercise(scenario_dict(msel=[row], units=units))
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    run_until(ex, lambda: first_or_none(ex, "incident.precondition_ready") is not None)
    assert ex.submit(Declare(agency="police", incident="INC1", condition="scene_secure")).accepted
    share = Share(agency="police", to="fire", incident="INC1", facts=["incident:INC1"])
    assert ex.submit(share, source="test").accepted
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    assert ex.submit(Dispatch(agency="fire", incident="INC1", units=["F1"])).accepted
    run_until(ex, lambda: status(ex, "F1") not in ("dispatched", "en_route"))
    return ex


def first_or_none(ex, kind):
    return next(iter(ex.log.of_kind(kind)), None)


def test_police_securing_a_scene_do_not_make_a_structure_safe_for_fire_crews_not_told():
    ex = secured_scene({"id": "rig", "kind": "structural"})
    assert not kinds(ex, "unit.harmed", unit="P1")  # police can size up the rig (rescue)
    harmed = first(ex, "unit.harmed", unit="F1")
    assert harmed.data["hazard"] == "structural"


def test_a_scene_secured_by_police_is_safe_from_the_armed_suspect():
    ex = secured_scene({"id": "gun", "kind": "armed_suspect", "reported": True})
    assert not kinds(ex, "unit.harmed")
    assert status(ex, "F1") == "on_scene"


def held_at_staging() -> Exercise:
    """M1 dispatched held to a blocked scene waits at STG, 2.2 km out (Level I staging)."""
    data = scenario_dict(msel=[secure()], staging_areas=[{"id": "STG", "location": "D1"}])
    ex = exercise(data)
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    open_cad(ex, "ems")
    held = Dispatch(agency="ems", incident="INC1", units=["M1"], hold=True)
    assert ex.submit(held).accepted
    run_until(ex, lambda: status(ex, "M1") == "staged")
    assert first(ex, "unit.staged", unit="M1").data["at"] == "STG"
    return ex


def test_a_crew_held_at_a_staging_area_goes_in_when_ordered_after_the_scene_is_secure():
    ex = held_at_staging()
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_ready")))
    assert declare(ex).accepted
    ex.advance(READY + 2 * LINK)
    assert status(ex, "M1") == "staged"  # held by its dispatcher: the word is not enough
    ordered = ex.now
    assert ex.submit(Dispatch(agency="ems", incident="INC1", units=["M1"])).accepted
    released = kinds(ex, "unit.en_route", unit="M1")[-1]
    assert released.t == pytest.approx(ordered)
    assert released.data["released"] == "STG" and released.data["to"] == "I"
    ex.advance(ex.end)
    assert first(ex, "unit.on_scene", unit="M1").t == pytest.approx(ordered + 300, abs=0.1)


def test_a_crew_held_at_a_staging_area_ordered_in_early_goes_when_the_word_comes():
    ex = held_at_staging()
    assert ex.submit(Dispatch(agency="ems", incident="INC1", units=["M1"])).accepted
    assert status(ex, "M1") == "staged"  # the scene is not yet secure, and dispatch hears so
    told = kinds(ex, "unit.staged", unit="M1")[-1]
    assert (told.t, told.data["at"], told.data["reason"]) == (
        ex.now,
        "STG",
        "waiting for scene secure",
    )
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_ready")))
    assert declare(ex).accepted
    ex.advance(ex.end)
    on_scene = first(ex, "unit.on_scene", unit="M1")
    assert on_scene.t == pytest.approx(READY + LINK + 300, abs=0.1)


def test_a_crew_released_from_staging_with_every_road_closed_waits_there_until_one_reopens():
    # At 300 s Main Street and East Lane close, cutting I off; they reopen at 1200 s.
    cut = {"roads": ["Main Street", "East Lane"]}
    data = scenario_dict(
        msel=[
            secure(),
            closure(2, 300, **cut),
            closure(3, 1200, action="open", **cut),
            closure(4, 600, roads=["Hospital Road"]),  # another road, closed and reopened
            closure(5, 900, roads=["Hospital Road"], action="open"),
        ],
        staging_areas=[{"id": "STG", "location": "D1"}],
    )
    ex = start(data)
    run_until(ex, lambda: bool(kinds(ex, "incident.precondition_ready")))
    assert declare(ex).accepted
    ex.advance(1199)
    waiting = kinds(ex, "unit.staged", unit="M1")[-1]
    assert waiting.t == pytest.approx(READY + LINK, abs=0.1)
    assert waiting.data["at"] == "STG" and waiting.data["reason"] == "no open road to the incident"
    assert [e.t for e in kinds(ex, "unit.no_route", unit="M1")] == [waiting.t]  # said once
    assert not kinds(ex, "unit.en_route", unit="M1")[1:]  # only the drive to STG
    assert status(ex, "M1") == "staged"
    ex.advance(ex.end)
    released = kinds(ex, "unit.en_route", unit="M1")[-1]
    assert released.t == pytest.approx(1200) and released.data["released"] == "STG"
    assert first(ex, "unit.on_scene", unit="M1").t == pytest.approx(1200 + 300, abs=0.1)
