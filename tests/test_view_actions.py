"""The selection panel offers only what the engine would accept (issue 12, item 3).

Options are checked with ``Exercise.check`` before they are offered: refused ones are
greyed out with the engine's reason, done ones are marked, and a command post is never
listed for a unit that cannot set one up. Patches can be released; the End button asks
before it ends the exercise.
"""

import pygame
import pytest
import view_helpers  # sets the dummy driver before pygame starts
from conftest import SCENARIOS, agency, incident, unit
from view_helpers import at, click, exercise_of, frames, key, pixel, run_to, start

from simulator.view.app import App
from simulator.view.confirm import Confirm
from simulator.view.console import Console
from simulator.view.ending import Ending
from simulator.view.palette import BLUISH_GREEN

UNITS = [
    unit("P1", "police", ["patrol", "traffic_control"], "PS"),
    unit("F1", "fire", ["fire_suppression", "rescue"], "FS"),
    unit("C1", "fire", ["command"], "FS", type="battalion chief"),
    unit("M1", "ems", ["als", "bls", "transport"], "ES"),
]
FIRE_CALL = incident(
    incident_type="structure_fire",
    requires={"fire_suppression": 1, "command": 1},
    responsible={"command": "fire"},
    calls={"count": 1, "agency": "fire"},
)


def select(app: App, console: Console, *units: str, incident: bool = False) -> None:
    """Esc, click each unit on the map (adding with shift), then N for the incident.

    N selects the board's next incident (the only one here) even where a unit on scene
    covers its icon on the map.
    """
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    for n, name in enumerate(units):
        click(at(console, name), mod=pygame.KMOD_SHIFT if n else 0)
    if incident:
        key(pygame.K_n)
    app.frame(0.0)


def press(app: App, console: Console, kind: str, label: str = "") -> None:
    """Press the number key of the first option of ``kind`` (whose label starts so)."""
    index = next(
        n for n, o in enumerate(console.options) if o.kind == kind and o.label.startswith(label)
    )
    assert index < 9
    key(getattr(pygame, f"K_{index + 1}"))
    app.frame(0.0)


def of_kind(console: Console, kind: str) -> list:
    return [o for o in console.options if o.kind == kind]


def trainee_commands(console: Console) -> list[dict]:
    return [c["command"] for c in exercise_of(console).commands if c["source"] == "trainee"]


def fire_with_chief(app: App) -> Console:
    """A fire trainee at a structure fire, its chief C1 at a station apart from F1."""
    stations = [
        {"id": "PS", "agency": "police", "location": "S"},
        {"id": "FS", "agency": "fire", "location": "S"},
        {"id": "FC", "agency": "fire", "location": "M"},  # C1 apart from F1 on the map
        {"id": "ES", "agency": "ems", "location": "S"},
    ]
    units = [*UNITS[:2], unit("C1", "fire", ["command"], "FC"), UNITS[3]]
    return start(app, ("fire",), units=units, stations=stations, msel=[FIRE_CALL])


def test_a_command_post_is_offered_only_for_a_command_unit_and_only_when_possible(app):
    console = fire_with_chief(app)
    frames(app, 70)
    select(app, console, "F1", incident=True)
    assert console.selection.key() == (("F1",), "INC1", None, None)
    assert of_kind(console, "command_post") == []  # an engine cannot set up a post
    select(app, console, "C1", incident=True)
    (post,) = of_kind(console, "command_post")
    assert (
        not post.enabled and post.reason == "unit C1 is not at INC1 (on scene or at its perimeter)"
    )
    (unified,) = of_kind(console, "unified_command")
    assert not unified.enabled and unified.reason == "set up a command post at the incident first"
    key(pygame.K_a)  # send C1
    app.frame(0.0)
    ex = exercise_of(console)
    while ex.engine.units["C1"].status.value != "on_scene":
        app.frame(1 / 60)
    frames(app, 40)  # the list follows the exercise without a click
    (post,) = of_kind(console, "command_post")
    assert post.enabled
    press(app, console, "command_post")
    assert ex.command_post("INC1") == ("fire", "C1")
    (post,) = of_kind(console, "command_post")
    assert post.done and not post.enabled and post.label == "Command post at C1"
    (unified,) = of_kind(console, "unified_command")
    assert not unified.enabled and unified.reason == ex.unify_problem("INC1")


def test_assign_is_done_not_offered_again_for_a_unit_already_assigned(app):
    console = start(app, ("police",))
    frames(app, 70)
    select(app, console, "P1", incident=True)
    key(pygame.K_a)
    app.frame(0.0)
    assert trainee_commands(console)[-1]["type"] == "dispatch"
    select(app, console, "P1", incident=True)
    (assign,) = of_kind(console, "assign")
    # Done, not refused: "Assign BC1 to MCI-01 - unit BC1 is already assigned to MCI-01"
    # read as an action that could not be given, and sorted among those that might be.
    assert not assign.enabled and assign.done
    assert assign.reason == "already assigned"
    assert console.options[-1] == assign
    key(pygame.K_a)  # right click or A: explained, nothing submitted
    app.frame(0.0)
    assert console.toast[0] == "Assign P1 to INC1: already assigned"
    assert len(trainee_commands(console)) == 1
    assert not exercise_of(console).log.of_kind("command.rejected")


def test_a_done_share_is_marked_and_offered_again_only_with_news(app):
    gas = incident(hazards=[{"id": "gas", "kind": "chemical", "detected_by": ["patrol"]}])
    console = start(app, ("police",), msel=[gas])
    frames(app, 70)
    select(app, console, incident=True)
    press(app, console, "share", "Share INC1 with Ems")
    assert trainee_commands(console)[-1] == {
        "agency": "police",
        "type": "share",
        "to": "ems",
        "incident": "INC1",
        "facts": [],
    }
    (done,) = [o for o in of_kind(console, "share") if "Ems" in o.label]
    assert done.done and not done.enabled
    assert done.label == "Shared INC1 with Ems"
    assert done.reason.endswith("nothing new since")
    index = console.options.index(done)
    app.frame(0.0)
    panel = console.rects["selection"]
    ticks = [
        (x, y)
        for x in range(panel.x, panel.x + 60)
        for y in range(panel.y, panel.bottom)
        if pixel(app.surface, (x, y)) == BLUISH_GREEN
    ]
    assert ticks, "the done row carries a check mark"
    key(getattr(pygame, f"K_{index + 1}"))  # choosing it again sends nothing
    app.frame(0.0)
    assert [c["type"] for c in trainee_commands(console)].count("share") == 1
    # P1 on scene finds the gas: now there is something new to tell EMS.
    select(app, console, "P1", incident=True)
    key(pygame.K_a)
    app.frame(0.0)
    while "hazard:INC1/gas" not in console.exercise.knowledge("police"):
        app.frame(1 / 60)
    select(app, console, incident=True)
    (update,) = [o for o in of_kind(console, "share") if "Ems" in o.label]
    assert update.enabled and update.label == "Share update: INC1 to Ems (1 new)"


def county_aid(app: App, requires: dict[str, int], **call: object) -> Console:
    """Fire played, with a county partner that has one fire engine; INC1 selected."""
    agencies = [
        agency("police", "police"),
        agency("fire", "fire", mutual_aid=["county"]),
        agency("ems", "ems"),
        agency("county", "fire"),
    ]
    stations = [
        {"id": "PS", "agency": "police", "location": "S"},
        {"id": "FS", "agency": "fire", "location": "S"},
        {"id": "ES", "agency": "ems", "location": "S"},
        {"id": "CS", "agency": "county", "location": "D1"},
    ]
    units = [*UNITS, unit("CF1", "county", ["fire_suppression"], "CS")]
    call = incident(
        incident_type="structure_fire",
        requires=requires,
        calls={"count": 1, "agency": "fire"},
        **call,
    )
    console = start(app, ("fire",), agencies=agencies, stations=stations, units=units, msel=[call])
    frames(app, 70)
    select(app, console, incident=True)
    return console


def test_a_mutual_aid_request_is_marked_once_made(app):
    console = county_aid(app, {"fire_suppression": 2})
    (aid,) = of_kind(console, "aid")
    assert aid.enabled and aid.label == "Mutual aid: 2 fire suppression from County"
    press(app, console, "aid")
    (aid,) = of_kind(console, "aid")
    assert aid.done and not aid.enabled
    assert aid.label == "Mutual aid: fire suppression from County requested"


def test_mutual_aid_is_not_offered_for_what_the_partner_has_no_unit_for(app):
    """ "Mutual aid: 1 command from Calder County Fire" took a numbered row and could only
    be refused: the county has no command unit."""
    console = county_aid(
        app, {"fire_suppression": 2, "command": 1}, responsible={"command": "fire"}
    )
    assert [o.label for o in of_kind(console, "aid")] == [
        "Mutual aid: 2 fire suppression from County"
    ]


def test_releasing_a_patch_frees_the_console(app):
    console = start(app, ("police",))  # one patch console (the default)
    app.frame(0.0)
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    labels = [o.label for o in console.options]
    assert labels == [
        "Patch Ems dispatch to Police dispatch",  # the channels by name, not by id
        "Patch Fire dispatch to Police dispatch",
    ]
    key(pygame.K_1)
    app.frame(0.0)
    ex = exercise_of(console)
    assert ex.engine.network.consoles_used("police") == 1
    (release,) = of_kind(console, "release")
    assert release.enabled and release.label == "Release patch Ems dispatch + Police dispatch"
    patched, other = of_kind(console, "patch")  # each keeps its number; the pair is done
    assert patched.done and patched.label == "Patch Ems dispatch to Police dispatch"
    assert not other.enabled
    assert other.reason == "all 1 of Police's patch consoles are in use"  # by name, not id
    press(app, console, "release")
    assert trainee_commands(console)[-1] == {
        "agency": "police",
        "type": "patch",
        "channels": ["ems-dispatch", "police-dispatch"],
        "release": True,
    }
    assert ex.log.of_kind("patch.released")[-1].data["channels"] == [
        "ems-dispatch",
        "police-dispatch",
    ]
    assert ex.engine.network.consoles_used("police") == 0
    (released,) = of_kind(console, "release")  # kept in its place, done
    assert released.done and not released.enabled
    assert all(o.enabled for o in of_kind(console, "patch"))  # both pairs offered again
    frames(app, 300)  # past patch_seconds: a released patch never goes live
    assert not ex.log.of_kind("patch.established")


def end_button(console: Console) -> tuple[int, int]:
    return next(rect.center for rect, action, _ in console.buttons if action == "end")


def test_the_end_button_asks_before_ending(app):
    console = start(app, ("police",))
    frames(app, 5)
    ex = exercise_of(console)
    click(end_button(console))
    app.frame(0.0)
    assert isinstance(app.stack[-1], Confirm) and not ex.ended
    t = ex.now
    frames(app, 30)  # the clock stops while the question is up
    assert ex.now == t and not ex.ended
    key(pygame.K_ESCAPE)  # no: back to the exercise
    app.frame(0.0)
    assert app.stack[-1] is console and not ex.ended
    click(end_button(console))
    app.frame(0.0)
    click(app.stack[-1].buttons["cancel"].center)  # the "No" button
    app.frame(0.0)
    assert app.stack[-1] is console and not ex.ended
    click(end_button(console))
    app.frame(0.0)
    key(pygame.K_y)  # yes
    app.frame(0.0)
    assert isinstance(app.stack[-1], Ending)
    assert ex.ended and console.session.closed


@pytest.mark.parametrize("answer", ["enter", "yes button"])
def test_enter_or_the_yes_button_also_ends(app, answer):
    console = start(app, ("police",))
    click(end_button(console))
    app.frame(0.0)
    if answer == "enter":
        key(pygame.K_RETURN)
    else:
        click(app.stack[-1].buttons["confirm"].center)
    app.frame(0.0)
    assert isinstance(app.stack[-1], Ending) and console.exercise.ended


def test_crews_held_at_the_perimeter_and_sent_in_from_the_panel(app):
    """Level I staging from the map view: hold P1 outside INC1, then send it in."""
    console = start(app, ("police",))
    frames(app, 70)
    select(app, console, "P1", incident=True)
    (hold,) = of_kind(console, "perimeter")
    assert hold.enabled and hold.label == "Hold P1 at the INC1 perimeter"
    press(app, console, "perimeter", "Hold")
    assert trainee_commands(console)[-1] == {
        "agency": "police",
        "type": "dispatch",
        "incident": "INC1",
        "units": ["P1"],
        "hold": True,
    }
    ex = exercise_of(console)
    while ex.engine.units["P1"].status.value != "staged":
        app.frame(1 / 60)
    frames(app, 30)
    assert ex.engine.units["P1"].status.value == "staged"  # it waits for the word
    select(app, console, "P1", incident=True)
    (send,) = of_kind(console, "perimeter")
    assert send.enabled and send.label == "Send P1 in to INC1"
    press(app, console, "perimeter", "Send")
    app.frame(0.0)
    assert ex.engine.units["P1"].status.value == "on_scene"


def test_an_ems_trainee_plans_where_each_category_of_patients_goes(app):
    hospitals = [
        {"id": "NEAR", "name": "Near General", "location": "H", "beds": {"immediate": 2}},
        {"id": "FAR", "name": "Far Regional", "location": "D1", "beds": {"immediate": 4}},
    ]
    call = incident(
        requires={},
        casualties={"immediate": 2},
        calls={"count": 1, "agency": "ems"},
    )
    console = start(app, ("ems",), units=UNITS, hospitals=hospitals, msel=[call])
    frames(app, 70)
    select(app, console, incident=True)
    labels = [o.label for o in of_kind(console, "destination")]
    assert labels[0].startswith("Immediate patients to Near General (0/2 beds")
    assert any(label.startswith("Delayed patients to Far Regional (0/8 beds") for label in labels)
    [far] = [o for o in of_kind(console, "destination") if "Immediate patients to Far" in o.label]
    assert far.enabled
    press(app, console, "destination", "Immediate patients to Far")
    [plan] = [c for c in trainee_commands(console) if c["type"] == "destination"]
    assert (plan["triage"], plan["hospital"], plan["incident"]) == ("immediate", "FAR", "INC1")
    frames(app, 2)
    assert any("immediate patients to go to Far Regional" in e.text for e in console.log.entries)
    select(app, console, incident=True)
    [far] = [o for o in of_kind(console, "destination") if "Immediate patients to Far" in o.label]
    assert far.done and not far.enabled  # the plan stands
    [near] = [o for o in of_kind(console, "destination") if "Immediate patients to Near" in o.label]
    assert near.enabled and not near.done  # naming another replaces it


def test_a_category_the_nearest_hospitals_are_full_for_is_offered_the_nearest_with_beds(app):
    """Harbor District at T+00:42: the three nearest were full, Calder County Regional had
    immediate beds and was never offered; the scenario asks to spread across all four."""
    beds = {"immediate": 0, "delayed": 2}  # no trauma bay: full for immediate patients
    hospitals = [
        {"id": "A", "name": "Alpha", "location": "H", "beds": beds},  # 100 s from I
        {"id": "B", "name": "Bravo", "location": "M", "beds": beds},  # 100 s
        {"id": "C", "name": "Charlie", "location": "D2", "beds": beds},  # 100 s
        {"id": "D", "name": "Delta", "location": "D1", "beds": {"immediate": 2}},  # 300 s
        {"id": "E", "name": "Echo", "location": "S", "beds": {"immediate": 2}},  # 200 s
    ]
    call = incident(requires={}, casualties={"immediate": 2}, calls={"count": 1, "agency": "ems"})
    console = start(app, ("ems",), units=UNITS, hospitals=hospitals, msel=[call])
    frames(app, 70)
    select(app, console, incident=True)
    plans = [o.label.split(" (")[0] for o in of_kind(console, "destination")]
    near = ["to Alpha", "to Bravo", "to Charlie"]
    assert plans == [f"Immediate patients {h}" for h in [*near, "to Echo"]] + [
        f"Delayed patients {h}"
        for h in near  # they have delayed beds: nothing more
    ]


def test_the_hospital_named_now_stays_offered_once_full():
    """Else a new selection would hide the plan standing, with nothing to say it stands."""
    from simulator.exercise import HospitalView
    from simulator.scenario.vocabulary import Triage
    from simulator.view.transport_actions import _offered

    imm = Triage.IMMEDIATE
    full, free = {imm: 2}, {imm: 1}
    by_road = [HospitalView(h, 0, {imm: 2}, full) for h in "ABCE"]
    by_road.append(HospitalView("D", 0, {imm: 2}, free))
    assert [h.id for h in _offered(by_road, imm, None)] == ["A", "B", "C", "D"]
    assert [h.id for h in _offered(by_road, imm, "E")] == ["A", "B", "C", "D", "E"]
    assert [h.id for h in _offered(by_road, imm, "B")] == ["A", "B", "C", "D"]


def test_the_action_under_the_pointer_is_shown_in_full(app, monkeypatch):
    from view_helpers import rendered, start_file

    console = start_file(app, ("ems",), "scenarios/harbor_district_mci.yaml")
    run_to(app, console, 900)
    key(pygame.K_n)  # MCI-01
    app.frame(0.0)
    index, label = next(
        (n, o.label) for n, o in enumerate(console.options) if o.label.startswith("Immediate")
    )
    assert label.endswith("min)")  # the beds and minutes come last: what a cut line hides
    console.panel.scroll_by(index)
    assert label not in " ".join(rendered(app, monkeypatch))
    panel = console.rects["selection"]
    row = next(
        (panel.centerx, y)
        for y in range(panel.top, panel.bottom)
        if console.panel.hit((panel.centerx, y)) == index
    )
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=row, rel=(1, 1), buttons=(0, 0, 0))
    )
    assert label in " ".join(rendered(app, monkeypatch))


def _assign_p1_to_inc1(app, console) -> None:
    """Once the police CAD opens INC1 (at 56 s): click P1, then INC1, and press A."""
    frames(app, 70)
    click(at(console, "P1"))
    app.frame(0.0)
    click(at(console, "INC1"))
    key(pygame.K_a)
    app.frame(0.0)


def test_a_refusal_says_a_units_status_in_plain_words(app):
    from simulator.commands import SetService

    console = start(app, ("police",))
    console.exercise.submit(SetService(agency="police", unit="P1", in_service=False))
    _assign_p1_to_inc1(app, console)
    assign = next(o for o in console.options if o.kind == "assign")
    assert "out_of_service" in assign.reason  # the engine's own words
    assert "unit P1 is out of service and cannot be dispatched" in console.toast[0]
    assert "out_of_service" not in console.toast[0]


def test_a_resolved_incident_leaves_the_selection(app):
    console = start(app, ("police",))
    _assign_p1_to_inc1(app, console)
    assert console.selection.incident == "INC1"
    run_to(app, console, 1600)  # P1 has cleared the collision
    assert exercise_of(console).log.of_kind("incident.resolved")
    assert console.selection.incident is None and console.selection.units == ["P1"]
    assert "INC1" not in console.panel.summary


def test_recall_with_nothing_selected_asks_only_for_units(app):
    console = start(app, ("police",))
    key(pygame.K_r)
    app.frame(0.0)
    assert console.toast[0] == "Nothing to recall: select units first."
    key(pygame.K_a)
    app.frame(0.0)
    assert console.toast[0] == "Nothing to assign: select units and an incident first."


def test_a_ready_precondition_is_offered_for_declaring_in_words(app):
    gate = {
        "id": "scene_secure",
        "name": "scene secure",
        "capability": "patrol",
        "minutes": 1,
        "blocks_agencies": ["ems"],
    }
    call = incident(requires={"patrol": 1}, casualties={"delayed": 1}, preconditions=[gate])
    console = start(app, ("police",), units=UNITS, msel=[call])
    assert console.playing == "Playing: Police"  # the agency's name, not its id
    frames(app, 70)
    select(app, console, "P1", incident=True)
    press(app, console, "assign")
    run_to(app, console, 600.0)  # P1 on scene at 286 s, the scene secure a minute later
    select(app, console, incident=True)
    (declare,) = of_kind(console, "declare")
    assert declare.label == "Declare: scene secure"
    press(app, console, "declare")
    assert trainee_commands(console)[-1]["type"] == "declare"


def test_a_condition_is_declared_and_logged_by_its_name_not_its_id(app):
    gate = {"id": "cleared", "name": "device cleared", "capability": "patrol", "minutes": 1}
    call = incident(requires={"patrol": 1}, preconditions=[gate])
    console = start(app, ("police",), units=UNITS, msel=[call])
    frames(app, 70)
    select(app, console, "P1", incident=True)
    press(app, console, "assign")
    run_to(app, console, 600.0)
    select(app, console, incident=True)
    (declare,) = of_kind(console, "declare")
    assert declare.label == "Declare: device cleared"
    press(app, console, "declare")
    run_to(app, console, 610.0)
    said = [e.text for e in console.log.entries]
    assert "INC1: ready to declare device cleared" in said
    assert "INC1: device cleared declared" in said


def test_each_action_keeps_its_number_after_another_is_taken(app):
    """Quick presses must not land on the wrong action: after Assign (it is done, and
    the hold at the perimeter no longer applies), "Share INC1 with Town EMS" was 7, then 6."""
    from pathlib import Path

    from view_helpers import start_file

    path = Path(__file__).parent.parent / "scenarios" / "small_town_collision.yaml"
    console = start_file(app, ("police",), path)
    run_to(app, console, 200.0)
    console.selection.units[:] = ["P1", "SGT1"]  # at the station, in a ring round it
    key(pygame.K_n)
    app.frame(0.0)
    before = [o.label for o in console.options]
    share = before.index("Share INC1 with Town EMS")
    assign = next(n for n, o in enumerate(console.options) if o.kind == "assign")
    key(getattr(pygame, f"K_{assign + 1}"))
    app.frame(0.0)
    run_to(app, console, 201.0)  # the list follows the exercise too
    after = [o.label for o in console.options]
    done = console.options[assign]
    assert not done.enabled and done.done  # done: marked in its place, not refused
    assert done.reason == "already assigned" and "already assigned" not in done.label
    assert [a for n, a in enumerate(after[: len(before)]) if n != assign] == [
        b for n, b in enumerate(before) if n != assign
    ]
    key(getattr(pygame, f"K_{share + 1}"))  # the same number still shares with ems
    app.frame(0.0)
    assert trainee_commands(console)[-1] == {
        "agency": "police",
        "type": "share",
        "to": "ems",
        "incident": "INC1",
        "facts": [],
    }


def test_a_hold_the_trainee_chose_against_says_so_in_its_place(app):
    """After Assign, "Hold ... at the perimeter - no longer possible" read as a fault."""
    console = small_town(app)
    console.selection.units[:] = ["P1", "SGT1"]
    console._refresh_selection()
    hold = next(n for n, o in enumerate(console.options) if o.key == "hold")
    press(app, console, "assign")
    run_to(app, console, 201.0)
    kept = console.options[hold]
    assert kept.key == "hold" and not kept.enabled and not kept.done
    assert kept.reason == "superseded by your order"


def small_town(app: App) -> Console:
    """Police played in the small town, INC1 in its CAD and selected (N)."""
    from pathlib import Path

    from view_helpers import start_file

    path = Path(__file__).parent.parent / "scenarios" / "small_town_collision.yaml"
    console = start_file(app, ("police",), path)
    run_to(app, console, 200.0)
    key(pygame.K_n)
    app.frame(0.0)
    return console


def test_a_refused_action_shows_its_whole_reason_on_two_rows(app, monkeypatch):
    """It was cut: "Establish unified command - set up a command post at the incident fi..."."""
    from view_helpers import rendered

    console = small_town(app)
    (unified,) = of_kind(console, "unified_command")
    assert not unified.enabled
    whole = f"{unified.label} - {unified.reason}"
    assert console.panel.text.font(console.panel.text.small).size(whole)[0] > 330
    console.panel.dirty = True  # drawn again this frame, not from its cache
    words = rendered(app, monkeypatch)
    at = next(n for n, w in enumerate(words) if w.startswith("Establish unified command"))
    assert f"{words[at]} {words[at + 1]}" == whole


def test_a_number_with_no_action_says_so(app):
    console = small_town(app)
    count = len(console.options)
    assert count < 9
    key(pygame.K_9)
    app.frame(0.0)
    assert console.toast[0] == f"Nothing at 9: the panel shows 1 to {count} here."
    assert not trainee_commands(console)
    # Nothing was cut: a list grown before the next drawing keeps all nine numbers.
    assert console.panel.room == 9


def test_a_number_key_never_gives_an_action_the_short_panel_does_not_show():
    """At 960x600 the panel draws eight rows: 9 gave the ninth action, unseen."""
    app = App((960, 600))
    try:
        warehouse = SCENARIOS / "warehouse_chemical_outage.yaml"
        console = view_helpers.start_file(app, ("ashford_pd", "ashford_fire"), warehouse)
        run_to(app, console, 1800)  # the warehouse fire is on the board
        click(at(console, "WHSE-1"))
        app.frame(0.0)
        hidden = len(console.options) - console.panel.room
        assert hidden > 0, "more actions than the short panel has room for"
        number = console.panel.room + 1
        key(getattr(pygame, f"K_{number}"))
        app.frame(0.0)
        shown = f"1 to {console.panel.room}"
        assert console.toast[0] == (
            f"Nothing at {number}: the panel shows {shown} here; scroll the wheel for the rest."
        )
        assert not trainee_commands(console)
        key(getattr(pygame, f"K_{console.panel.room}"))  # the last row shown still works
        app.frame(0.0)
        assert not console.toast[0].startswith("Nothing at")
    finally:
        pygame.display.quit()


def test_a_click_on_the_log_keeps_the_numbers_and_the_scroll(app):
    """Picking a log line to reply to sorted the list again and scrolled it to the top:
    the number that had set up a command post now recalled the incident commander."""
    console = small_town(app)
    console.selection.units[:] = ["P1", "SGT1"]
    console._refresh_selection()  # as a shift-click on each in their ring would
    press(app, console, "assign")  # done: it stays in its place, a new list sorts it last
    console.panel.scroll_by(1)
    app.frame(0.0)
    before = [o.label for o in console.options]
    log = console.log
    lines = [rect for rect, hit in log._hits if hit[0] == "line"]
    tabs = [rect for rect, hit in log._hits if hit == ("tab", "all")]
    for rect in (*tabs, lines[-1]):
        click(rect.move(log.rect.topleft).center)
        app.frame(0.0)
        assert console.panel.scroll == 1
        assert [o.label for o in console.options] == before
    assert log.picked_entry() is not None  # the click did pick the line
    click(at(console, "INC1"))  # the map selects anew
    app.frame(0.0)
    assert console.panel.scroll == 0


def test_numbers_read_off_a_short_panel_work_as_the_rows_above_are_done():
    """Meridian: 7 and 8 shared PKG-1, their rows grew a line for when, and 9 (the update
    to OEM, read with the others) gave "Nothing at 9: the panel shows 1 to 8 here"."""
    app = App((960, 600))
    try:
        console = small_town(app)
        console.selection.units[:] = ["P1", "SGT1"]
        console._refresh_selection()
        app.frame(0.0)
        room = console.panel.room
        shares = [n + 1 for n, o in enumerate(console.options[:room]) if o.kind == "share"]
        assert shares[-1] == room and len(shares) == 3, "the shares are the last rows shown"
        for number in shares:
            key(getattr(pygame, f"K_{number}"))
            app.frame(1 / 60)  # drawn between the keys: the done rows take their room
            assert not console.toast[0].startswith("Nothing at"), console.toast[0]
        to = [c["to"] for c in trainee_commands(console) if c["type"] == "share"]
        assert to == ["county_fire", "ems", "fire"]
        assert console.panel.room == room
        assert all(console.options[n - 1].done for n in shares)
        console.panel.scroll_by(0)  # a scroll: the rows take their own height again
        app.frame(0.0)
        assert console.panel.room < room
    finally:
        pygame.display.quit()


def test_assign_is_done_for_units_held_at_the_perimeter(app):
    """Meridian: "Assign P1, P2, P3... to PKG-1" stayed offered once they were held there."""
    console = start(app, ("police",))
    frames(app, 70)
    select(app, console, "P1", incident=True)
    press(app, console, "perimeter", "Hold")
    ex = exercise_of(console)
    while ex.engine.units["P1"].status.value != "staged":
        app.frame(1 / 60)
    select(app, console, "P1", incident=True)
    (assign,) = of_kind(console, "assign")
    assert not assign.enabled and assign.done
    assert assign.reason == "already assigned"
    (send,) = of_kind(console, "perimeter")
    assert send.enabled and send.label == "Send P1 in to INC1"
    key(pygame.K_a)
    app.frame(0.0)
    assert console.toast[0] == "Assign P1 to INC1: already assigned"
    assert ex.engine.units["P1"].status.value == "staged"


def test_a_commander_held_outside_sets_the_command_post_up_at_the_perimeter(app):
    """ICS: the command post stands outside the hazard area. Meridian: LT-1, held at the
    PKG-1 perimeter, was refused "Command post at LT-1 - not working on scene"."""
    console = fire_with_chief(app)
    frames(app, 70)
    select(app, console, "C1", incident=True)
    (hold,) = of_kind(console, "perimeter")
    assert hold.enabled and hold.label == "Hold C1 at the INC1 perimeter"
    press(app, console, "perimeter", "Hold")
    ex = exercise_of(console)
    while ex.engine.units["C1"].status.value != "staged":
        app.frame(1 / 60)
    select(app, console, "C1", incident=True)
    (post,) = of_kind(console, "command_post")
    assert post.enabled, post.reason
    press(app, console, "command_post")
    assert ex.engine.command.posts["INC1"] == ("fire", "C1")
    assert ex.engine.units["C1"].status.value == "staged"  # it commands from outside


def test_the_host_holds_a_partners_mutual_aid_unit_and_sends_it_in(app):
    """NIMS: aid sent on police's request comes under police at INC1 (Meridian's SP unit)."""
    from simulator.commands import Dispatch, RequestMutualAid

    console = start(
        app,
        ("police",),
        agencies=[
            agency("police", "police", turnout_seconds=30),
            agency("fire", "fire"),
            agency("ems", "ems"),
            agency("county", "fire", jurisdiction="County"),
        ],
        stations=[
            {"id": "PS", "agency": "police", "location": "S"},
            {"id": "FS", "agency": "fire", "location": "S"},
            {"id": "ES", "agency": "ems", "location": "S"},
            {"id": "CS", "agency": "county", "location": "H"},
        ],
        units=[*UNITS, unit("E9", "county", ["rescue"], "CS")],
    )
    frames(app, 70)
    ex = exercise_of(console)
    seen = lambda: {u.id for u in console.exercise.units()}  # noqa: E731
    aid = RequestMutualAid(agency="police", to="county", incident="INC1", capability="rescue")
    assert ex.submit(aid, source="trainee").accepted
    while not ex.knows("county", "INC1"):
        app.frame(1 / 60)
    assert "E9" not in seen()  # another agency's unit at its station
    assert ex.submit(Dispatch(agency="county", incident="INC1", units=["E9"])).accepted
    assert "E9" in seen()  # county tells police what it sends
    select(app, console, incident=True)
    (hold,) = [o for o in console.options if o.key == "aid hold"]
    assert hold.enabled and hold.label == "Hold E9 (mutual aid) at the INC1 perimeter"
    press(app, console, "perimeter", "Hold E9")
    assert trainee_commands(console)[-1]["units"] == ["E9"]
    assert ex.engine.units["E9"].agency == "county"
    while ex.engine.units["E9"].status.value != "staged":
        app.frame(1 / 60)
    frames(app, 30)
    assert ex.engine.units["E9"].status.value == "staged"  # held for police's word
    select(app, console, incident=True)
    press(app, console, "perimeter", "Send E9 (mutual aid) in")
    assert ex.engine.units["E9"].status.value == "on_scene"
