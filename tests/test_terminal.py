"""A trainee's terminal on a local exercise sees what their agencies know, nothing more."""

import pytest
from conftest import (
    SCENARIOS,
    build,
    closure,
    exercise,
    incident,
    open_cad,
    run_until,
    scenario_dict,
)

from simulator.build import build_exercise
from simulator.commands import CloseRoad, Dispatch, OpenRoad, SendMessage, Share
from simulator.events import CONTROLLER
from simulator.exercise import Exercise
from simulator.network.mirror import Mirror
from simulator.network.protocol import event_json
from simulator.network.state import seat_state
from simulator.scenario import load
from simulator.scenario.vocabulary import Capability
from simulator.terminal import Terminal
from simulator.view.session import Session
from simulator.world import build_atlas

# Ground truth: never in a trainee's log, whichever agencies they play.
GROUND_TRUTH = {"incident.started", "fact.critical"}


def fault(seq: int, kind: str, target: str, to: list[str]) -> dict:
    return {
        "seq": seq,
        "time": 10,
        "type": "fault",
        "fault": kind,
        "target": target,
        "minutes": 1,
        "to": to,
        "description": f"{target} {kind} down",
    }


def test_a_session_refuses_the_exercise_itself():
    ex = exercise()
    with pytest.raises(TypeError, match="Terminal"):
        Session(ex, ("police",))
    assert Session(Terminal(ex, ("police",)), ("police",)).exercise.agencies == ("police",)


def test_a_terminal_names_only_agencies_of_the_scenario():
    with pytest.raises(ValueError, match="coast_guard"):
        Terminal(exercise(), ("police", "coast_guard"))


def test_another_agencys_cad_knowledge_and_orders_are_closed_to_the_trainee():
    ex = exercise()
    terminal = Terminal(ex, ("fire",))
    open_cad(ex, "police")
    assert ex.knows("police", "INC1") and ex.cad("police") and ex.knowledge("police")
    assert not terminal.knows("police", "INC1")
    assert terminal.cad("police") == [] and terminal.cad_incident("police", "INC1") is None
    assert terminal.knowledge("police") == {} and terminal.facts("police", "INC1") == {}
    assert terminal.free_units("police") == [] and terminal.cad_entry("police", "INC1") is None
    order = Dispatch(agency="police", incident="INC1", units=["P1"])
    assert terminal.check(order) == "the trainee does not play police"
    result = terminal.submit(order)
    assert not result.accepted and result.reason == "the trainee does not play police"
    assert not ex.log.of_kind("command.accepted", "command.rejected")  # nothing reached it


def test_own_agency_reads_are_the_exercises():
    ex = exercise()
    terminal = Terminal(ex, ("police",))
    open_cad(ex, "police")
    assert terminal.knows("police", "INC1")
    assert terminal.cad("police") == ex.cad("police")
    assert terminal.knowledge("police") == ex.knowledge("police")
    assert terminal.free_units("police") == ["P1"]
    assert terminal.nearest(["F1", "P1"], "INC1", 2) == ["P1"]  # F1: no estimate
    assert terminal.eta("P1", "INC1") == ex.eta("P1", "INC1")
    assert terminal.eta("F1", "INC1") == float("inf")
    assert terminal.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    assert terminal.committed("police", "INC1", Capability.PATROL) == 1


def test_units_are_the_ones_the_trainees_agencies_see():
    data = scenario_dict(msel=[incident(requires={"patrol": 1, "fire_suppression": 1})])
    ex = Exercise(build(data), seed=0)
    terminal = Terminal(ex, ("police",))
    assert {u.id for u in terminal.units()} == {"P1"}  # others' units at their stations
    open_cad(ex, "police")
    open_cad(ex, "fire")
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]), source="test")
    ex.submit(Dispatch(agency="fire", incident="INC1", units=["F1"]), source="test")
    run_until(ex, lambda: {u.status.value for u in ex.units() if u.incident} == {"on_scene"})
    assert {u.id for u in terminal.units()} == {"P1", "F1"}  # F1 works beside P1
    assert [u.id for u in terminal.units("fire")] == ["F1"]
    assert terminal.units() == ex.visible_units(["police"])


def test_the_log_holds_what_the_seat_hears_and_no_ground_truth():
    scenario = load(SCENARIOS / "riverton_night_shift.yaml")
    others = [a.id for a in scenario.agencies if a.id != "fire"]
    ex = build_exercise(scenario, 0, automated=others)
    terminal = Terminal(ex, ("fire",))
    ex.advance(2 * 3600)
    heard = list(terminal.log.events)
    assert heard and not {e.kind for e in heard} & GROUND_TRUTH
    assert {e.kind for e in ex.log.events} & GROUND_TRUTH  # there was some to hide
    assert len(heard) < len(ex.log.events)
    assert [e.seq for e in heard] == sorted(e.seq for e in heard)
    ours = [e.seq for e in ex.log.events if e.agency == "fire"]
    assert set(ours) <= {e.seq for e in heard}  # every event of its own
    ex.advance(3 * 3600)
    assert len(terminal.log.events) > len(heard)  # it follows the exercise


def test_the_whole_record_is_read_only_after_the_end():
    ex = exercise()
    terminal = Terminal(ex, ("police",))
    ex.advance(600)
    with pytest.raises(RuntimeError, match="ended"):
        terminal.run_events()
    terminal.finish("stopped")
    assert terminal.run_events() == ex.log.events
    assert terminal.run_events()[-1].kind == "exercise.ended"


def test_a_message_to_the_trainee_is_heard_with_its_words_and_others_are_not():
    ex = exercise()
    terminal = Terminal(ex, ("fire",))
    ex.submit(SendMessage(agency="police", to="fire", text="gunman at the north door"), "x")
    ex.submit(SendMessage(agency="police", to="ems", text="stage on Main Street"), "x")
    ex.advance(300)
    heard = terminal.log.events
    queued = [e for e in heard if e.kind == "message.queued"]
    assert [e.data["text"] for e in queued] == ["gunman at the north door"]
    delivered = [e for e in heard if e.kind == "message.delivered"]
    assert [e.data["message"] for e in delivered] == [queued[0].data["message"]]


def test_a_closure_is_heard_by_the_agency_that_closed_the_road():
    ex = exercise()
    police, fire = Terminal(ex, ("police",)), Terminal(ex, ("fire",))
    assert ex.submit(CloseRoad(agency="police", road="Back Road"), "x").accepted
    ex.advance(10)
    assert [e.data["names"] for e in police.log.of_kind("road.closed")] == [["Back Road"]]
    assert fire.log.of_kind("road.closed") == []


def test_faults_are_heard_by_the_agency_whose_system_fails_and_radio_faults_by_all():
    msel = [incident(), fault(2, "cad", "fire", ["police"])]
    msel.append(fault(3, "congestion", "fire-dispatch", ["fire"]))
    ex = exercise(msel=msel)
    police, fire = Terminal(ex, ("police",)), Terminal(ex, ("fire",))
    ex.advance(200)
    heard = {
        t: [(e.kind, e.data["fault"]) for e in t.log if e.kind.startswith("fault.")]
        for t in (police, fire)
    }
    assert ("fault.started", "cad") in heard[fire] and ("fault.ended", "cad") in heard[fire]
    assert all(f != "cad" for _, f in heard[police])
    assert ("fault.started", "congestion") in heard[police]
    assert ("fault.started", "congestion") in heard[fire]


def test_command_at_an_incident_is_read_only_where_the_trainee_holds_it():
    ex = exercise()
    fire = Terminal(ex, ("fire",))
    open_cad(ex, "police")
    assert fire.unify_problem("INC1") == "not known to this seat"
    assert fire.command_post("INC1") is None and fire.unified("INC1") == []
    assert fire.supervision("INC1") == (0, 0) and fire.drive_seconds("INC1", 0) == float("inf")
    open_cad(ex, "fire")
    assert fire.unify_problem("INC1") == ex.unify_problem("INC1")
    assert fire.drive_seconds("INC1", 0) == ex.drive_seconds("INC1", 0)


def back_road(ex: Exercise) -> set[int]:
    return set(ex.atlas.roads.edges_named("Back Road"))


def test_the_map_shows_the_closures_the_trainee_knows_not_the_ground_truth():
    # The controller closes Back Road and tells police only; fire finds out nothing.
    ex = exercise(msel=[incident(), closure(2, 30, roads=["Back Road"])])
    police, fire = Terminal(ex, ("police",)), Terminal(ex, ("fire",))
    assert police.closed_roads() == frozenset()
    ex.advance(60)
    assert back_road(ex) <= ex.atlas.roads.closed
    assert police.closed_roads() == back_road(ex)
    assert fire.closed_roads() == frozenset()


def test_an_agency_knows_its_own_closure_edge_by_edge_and_its_reopening():
    ex = exercise()
    police, fire = Terminal(ex, ("police",)), Terminal(ex, ("fire",))
    roads = ex.atlas.roads
    between = ("D1", "D2")
    one = {roads.edge_of[(roads.index["D1"], roads.index["D2"])]}
    one.add(roads.edge_of[(roads.index["D2"], roads.index["D1"])])
    assert police.submit(CloseRoad(agency="police", between=between)).accepted
    ex.advance(5)
    assert police.closed_roads() == one and fire.closed_roads() == frozenset()
    assert police.submit(OpenRoad(agency="police", between=between)).accepted
    ex.advance(10)
    assert police.closed_roads() == frozenset()


def main_street(ex: Exercise, a: str, b: str) -> set[int]:
    roads = ex.atlas.roads
    ia, ib = roads.index[a], roads.index[b]
    return {roads.edge_of[(ia, ib)], roads.edge_of[(ib, ia)]}


def test_an_inject_closure_known_edge_by_edge_beside_an_own_one():
    # Police close S-M themselves; then the controller closes M-I and tells police. The
    # street fact does not change (Main Street was already closed somewhere), but the
    # inject's closure is heard, edge by edge.
    msel = [incident(), closure(2, 60, edges=[["M", "I"]])]
    ex = exercise(msel=msel)
    police = Terminal(ex, ("police",))
    assert police.submit(CloseRoad(agency="police", between=("S", "M"))).accepted
    ex.advance(120)
    both = main_street(ex, "S", "M") | main_street(ex, "M", "I")
    assert police.closed_roads() == both


def test_a_reopening_the_trainee_is_told_of_clears_their_own_closure():
    msel = [incident(), closure(2, 60, roads=["Back Road"], action="open")]
    ex = exercise(msel=msel)
    police = Terminal(ex, ("police",))
    assert police.submit(CloseRoad(agency="police", road="Back Road")).accepted
    ex.advance(10)
    assert police.closed_roads() == back_road(ex)
    ex.advance(120)
    assert police.closed_roads() == frozenset()


def test_reopening_one_edge_of_a_street_closed_elsewhere_shows_only_the_rest():
    msel = [incident(), closure(2, 30, edges=[["M", "I"]])]
    ex = exercise(msel=msel)
    police = Terminal(ex, ("police",))
    ex.advance(60)
    assert police.submit(CloseRoad(agency="police", between=("S", "M"))).accepted
    ex.advance(70)
    assert police.submit(OpenRoad(agency="police", between=("S", "M"))).accepted
    ex.advance(80)
    assert police.closed_roads() == main_street(ex, "M", "I")


def test_a_closure_shared_by_a_partner_is_known_street_by_street():
    msel = [incident(), closure(2, 30, edges=[["D1", "D2"]])]  # police told
    ex = exercise(msel=msel)
    fire = Terminal(ex, ("fire",))
    ex.advance(60)
    assert fire.closed_roads() == frozenset()
    share = Share(agency="police", to="fire", incident=None, facts=["closure:Back Road"])
    assert ex.submit(share, source="x").accepted
    ex.advance(400)
    assert fire.closed_roads() == back_road(ex)


def test_arrivals_are_estimated_on_the_briefed_map_as_a_networked_seat_does():
    # Main Street closed, police told, fire not: fire's estimates ignore the closure,
    # as its networked seat's would (the client's map has no closures).
    msel = [incident(), closure(2, 10, roads=["Main Street"])]
    ex = exercise(msel=msel)
    open_cad(ex, "fire")
    ex.advance(ex.now + 1)
    fire, briefed = Terminal(ex, ("fire",)), build_atlas(ex.scenario)
    assert main_street(ex, "S", "M") <= ex.atlas.roads.closed
    roads = briefed.roads
    node = ex.cad_incident("fire", "INC1").node
    station = roads.index["S"]
    expected = 60.0 + float(roads.seconds_to(node)[station])  # turnout, then the drive
    assert fire.eta("F1", "INC1") == pytest.approx(expected)
    assert fire.eta("F1", "INC1") < ex.eta("F1", "INC1")  # the exercise knows the closure
    assert fire.drive_seconds("INC1", station) == pytest.approx(
        float(roads.seconds_to(station)[node])
    )


def test_a_terminal_and_a_networked_seat_answer_alike():
    msel = [incident(requires={"patrol": 1, "fire_suppression": 1})]
    msel.append(closure(2, 10, roads=["Back Road"]))
    ex = exercise(msel=msel)
    open_cad(ex, "police")
    ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"]), source="x")
    ex.advance(ex.now + 300)
    terminal = Terminal(ex, ("police",))
    heard = [event_json(e) for e in terminal.log.events]
    welcome = {"seat": "police", "agencies": ["police"], "end": ex.end, "now": ex.now}
    welcome |= {"speed": 1.0, "paused": False}
    mirror = Mirror(welcome, ex.scenario, build_atlas(ex.scenario), dict)
    mirror.feed({"now": ex.now, "state": seat_state(ex, ("police",)), "events": heard})
    for agency in ("police", "fire"):
        assert terminal.cad(agency) == mirror.cad(agency)
        assert terminal.knowledge(agency) == mirror.knowledge(agency)
        assert terminal.free_units(agency) == mirror.free_units(agency)
        assert terminal.knows(agency, "INC1") == mirror.knows(agency, "INC1")
    assert terminal.units() == mirror.units()
    for unit in ("P1", "F1"):
        assert terminal.eta(unit, "INC1") == pytest.approx(mirror.eta(unit, "INC1"))
    assert terminal.nearest(["P1", "F1"], "INC1", 2) == mirror.nearest(["P1", "F1"], "INC1", 2)
    assert terminal.drive_seconds("INC1", 0) == pytest.approx(mirror.drive_seconds("INC1", 0))
    for read in ("command_post", "unified", "unify_problem", "supervision"):
        assert getattr(terminal, read)("INC1") == getattr(mirror, read)("INC1"), read
    assert terminal.commanders_on_scene("police", "INC1") == mirror.commanders_on_scene(
        "police", "INC1"
    )
    assert terminal.closed_roads() == mirror.closed_roads() == back_road(ex)
    assert [e.seq for e in terminal.log] == [e.seq for e in mirror.log]


def test_phone_lines_down_are_heard_by_every_seat():
    ex = exercise(msel=[incident(), fault(2, "phone", "dispatch-phone", ["fire"])])
    ex.advance(100)
    for agency in ("police", "fire", "ems"):
        kinds = [e.kind for e in Terminal(ex, (agency,)).log if e.kind.startswith("fault.")]
        assert kinds[:1] == ["fault.started"], agency


def test_an_own_closure_is_kept_edge_by_edge_not_street_wide():
    # Closing one edge of Main Street teaches police the street fact too (some edge of
    # Main Street is closed); the map still shows only the edge they closed.
    ex = exercise()
    police = Terminal(ex, ("police",))
    ex.advance(12.3456789)
    assert police.submit(CloseRoad(agency="police", between=("S", "M"))).accepted
    ex.advance(20)
    assert police.knowledge("police")["closure:Main Street"].t == pytest.approx(12.3456789)
    assert police.closed_roads() == main_street(ex, "S", "M")


def test_a_partial_inject_closure_is_known_edge_by_edge_not_street_wide():
    # The inject closes one edge of Main Street; police are also taught the street fact
    # at that instant, which says less than the closure they heard.
    ex = exercise(msel=[incident(), closure(2, 30, edges=[["M", "I"]])])
    police = Terminal(ex, ("police",))
    ex.advance(60)
    assert police.knowledge("police")["closure:Main Street"].value is True
    assert police.closed_roads() == main_street(ex, "M", "I")


def seat_mirror(ex: Exercise, agency: str, atlas) -> Mirror:
    terminal = Terminal(ex, (agency,))
    welcome = {"seat": agency, "agencies": [agency], "end": ex.end, "now": ex.now}
    welcome |= {"speed": 1.0, "paused": False}
    mirror = Mirror(welcome, ex.scenario, atlas, dict)
    heard = [event_json(e) for e in terminal.log.events]
    mirror.feed({"now": ex.now, "state": seat_state(ex, (agency,)), "events": heard})
    return mirror


def test_a_networked_seat_ranks_units_around_the_closures_it_knows_of():
    # Main Street is closed between M and I, and police are told: their bot seat's
    # estimates take the detour by Back Road, as the engine's do.
    msel = [incident(requires={"patrol": 1, "fire_suppression": 1})]
    msel.append(closure(2, 10, edges=[["M", "I"], ["I", "M"]]))
    ex = exercise(msel=msel)
    open_cad(ex, "police")
    open_cad(ex, "fire")
    ex.advance(60)
    police = seat_mirror(ex, "police", build_atlas(ex.scenario))
    assert police.closed_roads() == main_street(ex, "M", "I")
    detour = ex.eta("P1", "INC1")
    assert police.eta("P1", "INC1") == pytest.approx(detour)
    assert police.drive_seconds("INC1", 0) == pytest.approx(ex.drive_seconds("INC1", 0))
    # Fire were not told: theirs still runs down Main Street, and the network the
    # seat shares with the exercise here keeps its real closures.
    fire = seat_mirror(ex, "fire", ex.atlas)
    direct = fire.eta("F1", "INC1")
    assert direct < ex.eta("F1", "INC1")
    assert ex.atlas.roads.closed == main_street(ex, "M", "I")
    assert ex.eta("F1", "INC1") > direct


def test_a_networked_seat_leaves_out_a_unit_cut_off_by_a_closure_it_knows_of():
    msel = [incident(requires={"patrol": 1})]
    msel.append(closure(2, 10, edges=[["M", "I"], ["I", "M"], ["D2", "I"], ["I", "D2"]]))
    ex = exercise(msel=msel)
    open_cad(ex, "police")
    ex.advance(60)
    police = seat_mirror(ex, "police", build_atlas(ex.scenario))
    assert police.eta("P1", "INC1") == float("inf")
    assert police.nearest(["P1"], "INC1", 1) == [] == ex.nearest(["P1"], "INC1", 1)


def test_a_trainee_s_terminal_estimates_around_the_closures_they_know_of():
    msel = [incident(), closure(2, 600, edges=[["M", "I"], ["I", "M"]])]
    ex = exercise(msel=msel)
    open_cad(ex, "police")
    police = Terminal(ex, ("police",))
    direct = police.eta("P1", "INC1")  # before the closure
    ex.advance(660)
    detour = police.eta("P1", "INC1")
    assert detour == pytest.approx(ex.eta("P1", "INC1")) and detour > direct


@pytest.mark.parametrize(
    ("seat", "banner"),
    [("police", "PAUSED by the exercise controller"), (CONTROLLER, "PAUSED for everyone")],
)
def test_a_networked_seat_is_told_who_paused_and_only_the_controller_resumes(app, seat, banner):
    """A trainee's seat read 'space resumes' when only the controller's desk can."""
    from simulator.view.console import Console

    ex = exercise()
    ex.advance(60)
    welcome = {"seat": seat, "agencies": ["police"], "end": ex.end, "now": ex.now}
    welcome |= {"speed": 1.0, "paused": True}
    mirror = Mirror(welcome, ex.scenario, build_atlas(ex.scenario), dict)
    console = Console(app, Session(mirror, ("police",)))
    assert console._paused().startswith(banner)
