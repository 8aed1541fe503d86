"""A trainee playing several agencies at one console (issue 12, item 2).

Orders are split per agency; an agency whose CAD lacks the incident gets it shared by
the trainee's agency that holds it, and its dispatch waits for the share to arrive.
Road closures are credited to the agency the trainee picks.
"""

import pygame
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from conftest import incident, scenario_dict
from view_helpers import at, click, exercise_of, frames, key, start_with

from simulator.commands import Share
from simulator.view.app import App
from simulator.view.console import Console

# Fire and EMS stations apart (S and M) so their units are clicked apart on the map.
STATIONS = [
    {"id": "PS", "agency": "police", "location": "S"},
    {"id": "FS", "agency": "fire", "location": "S"},
    {"id": "ES", "agency": "ems", "location": "M"},
]
# A fire call that needs an ambulance too: only fire's CAD gets it.
FIRE_CALL = incident(
    incident_type="structure_fire",
    requires={"fire_suppression": 1, "als": 1},
    calls={"count": 1, "agency": "fire"},
)


def start(app: App, roles: tuple[str, ...], **scenario) -> Console:
    data = scenario_dict(stations=STATIONS, msel=[FIRE_CALL], **scenario)
    return start_with(app, roles, data)


def trainee_commands(console: Console) -> list[dict]:
    return [c for c in exercise_of(console).commands if c["source"] == "trainee"]


def select_fire_and_ems_units(app: App, console: Console) -> None:
    click(at(console, "F1"))
    click(at(console, "M1"), mod=pygame.KMOD_SHIFT)
    app.frame(0.0)
    assert console.selection.units == ["F1", "M1"]


def test_mixed_roles_dispatch_shares_first_then_dispatches_both_agencies(app):
    console = start(app, ("fire", "ems"))
    ex = exercise_of(console)
    frames(app, 70)  # fire's CAD opens at 56 s; EMS was never called
    assert ex.knows("fire", "INC1") and not ex.knows("ems", "INC1")
    select_fire_and_ems_units(app, console)
    click(at(console, "INC1"), button=3)  # right click: assign
    app.frame(0.0)
    given = [c["command"] for c in trainee_commands(console)]
    assert given == [
        {"agency": "fire", "type": "share", "to": "ems", "incident": "INC1", "facts": []},
        {"agency": "fire", "type": "dispatch", "incident": "INC1", "units": ["F1"]},
    ]
    toast = console.toast[0].split("\n")
    assert toast[0] == "Fire: shared INC1 with Ems"
    assert toast[1] == "Fire: dispatched F1 to INC1"
    assert toast[2] == "Waiting: M1 to INC1 (Ems) once Ems's CAD holds it"
    assert not any(line.startswith("Rejected") for line in toast)
    assert ex.engine.units["M1"].incident is None  # not yet: EMS's CAD lacks the call
    frames(app, 30)  # the CAD link takes 20 s
    assert ex.knows("ems", "INC1")
    last = trainee_commands(console)[-1]
    assert last["command"] == {
        "agency": "ems",
        "type": "dispatch",
        "incident": "INC1",
        "units": ["M1"],
    }
    assert ex.log.of_kind("command.accepted")[-1].data["command"] == last["command"]
    assert {ex.engine.units[u].incident for u in ("F1", "M1")} == {"INC1"}
    assert console.toast[0] == "Ems: dispatched M1 to INC1"
    assert not console.handoffs.waiting
    assert not ex.log.of_kind("command.rejected")


def test_a_new_order_for_a_waiting_unit_cancels_its_dispatch(app):
    console = start(app, ("fire", "ems"))
    frames(app, 70)
    select_fire_and_ems_units(app, console)
    click(at(console, "INC1"), button=3)
    app.frame(0.0)
    assert [h.dispatch.units for h in console.handoffs.waiting] == [["M1"]]
    click(at(console, "M1"))  # M1 alone: its own actions
    app.frame(0.0)
    service = next(n for n, o in enumerate(console.options) if o.kind == "service")
    key(getattr(pygame, f"K_{service + 1}"))  # take it out of service instead
    app.frame(0.0)
    assert not console.handoffs.waiting
    frames(app, 30)
    assert exercise_of(console).knows("ems", "INC1")
    assert all(
        c["command"]["type"] != "dispatch" or c["command"]["agency"] != "ems"
        for c in trainee_commands(console)
    )
    assert any("no longer waiting: M1" in e.text for e in console.log.entries)


def test_a_share_that_cannot_arrive_drops_the_dispatch_and_says_why(app):
    # Only police and fire have a line: fire's share to EMS has no path.
    lines = {"channels": [{"id": "pf-phone", "kind": "phone", "members": ["police", "fire"]}]}
    console = start(app, ("fire", "ems"), communications=lines)
    frames(app, 70)
    select_fire_and_ems_units(app, console)
    click(at(console, "INC1"), button=3)
    app.frame(0.0)
    frames(app, 2)
    assert not console.handoffs.waiting
    assert (
        "the share from Fire was lost (no channel or phone line reaches them)" in console.toast[0]
    )
    assert console.toast[0].startswith("Rejected (Ems): M1 to INC1")
    assert exercise_of(console).engine.units["M1"].incident is None
    assert exercise_of(console).engine.units["F1"].incident == "INC1"


def test_share_lists_the_trainees_own_agencies_that_lack_the_incident(app):
    console = start(app, ("fire", "ems"))
    frames(app, 70)
    click(at(console, "INC1"))
    app.frame(0.0)
    shares = {o.label: o for o in console.options if o.kind == "share"}
    assert set(shares) == {"Share INC1 with Ems (yours)", "Share INC1 with Police"}
    own = shares["Share INC1 with Ems (yours)"]
    assert own.enabled
    assert own.commands == (Share(agency="fire", to="ems", incident="INC1"),)
    key(getattr(pygame, f"K_{console.options.index(own) + 1}"))
    app.frame(0.0)
    frames(app, 30)  # once EMS holds it, there is nothing left to share with EMS
    click(at(console, "INC1"))
    app.frame(0.0)
    assert [o.label for o in console.options if o.kind == "share"] == ["Share INC1 with Police"]


def road_at(app: App, console: Console, edge: int) -> None:
    """Click the middle of a road edge on the map."""
    roads = console.exercise.atlas.roads
    a, b = roads.xy[roads.src[edge]], roads.xy[roads.dst[edge]]
    click(console.camera.to_screen((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
    app.frame(0.0)
    assert console.selection.road == edge


def test_road_closure_is_credited_to_the_agency_the_trainee_picks(app):
    console = start(app, ("ems", "police"))  # P1 does traffic control
    ex = exercise_of(console)
    roads = ex.atlas.roads
    back_road, east_lane = roads.edges_named("Back Road")[0], roads.edges_named("East Lane")[0]
    road_at(app, console, back_road)
    labels = [o.label for o in console.options if o.kind == "road"]
    # Traffic control is police work: police first, then every other agency played.
    assert labels == [
        "Close road: Back Road (D1-D2) (Police)",
        "Close road: Back Road (D1-D2) (Ems)",
    ]
    key(pygame.K_2)  # the trainee chooses EMS
    app.frame(0.0)
    assert ex.log.of_kind("road.closed")[-1].data["by"] == "ems"
    assert trainee_commands(console)[-1]["command"]["agency"] == "ems"
    assert console.toast[0] == "Done: Close road: Back Road (D1-D2) (Ems)"
    assert any(e.text == "Back Road closed by Ems" for e in console.log.entries)
    road_at(app, console, east_lane)
    key(pygame.K_1)
    app.frame(0.0)
    assert ex.log.of_kind("road.closed")[-1].data["by"] == "police"
    assert ex.knowledge("police").get("closure:East Lane") is not None
    assert ex.knowledge("ems").get("closure:East Lane") is None  # only the closer is told


def test_one_agency_played_keeps_short_road_labels(app):
    console = start(app, ("police",))
    road_at(app, console, console.exercise.atlas.roads.edges_named("Back Road")[0])
    assert [o.label for o in console.options if o.kind == "road"] == [
        "Close road: Back Road (D1-D2)"
    ]


# -- what the notice says was done -----------------------------------------------------


def test_an_assign_that_only_shares_says_shared_and_waiting_not_done(app):
    """EMS's unit alone to fire's call: the order is a share now and a dispatch later,
    and the notice said "Done: Assign M1 to INC1 (shares it with ems first)"."""
    console = start(app, ("fire", "ems"))
    frames(app, 70)
    click(at(console, "M1"))
    click(at(console, "INC1"), button=3)
    app.frame(0.0)
    assert console.options[0].label == "Assign M1 to INC1 (shares it with Ems first)"
    assert console.toast[0].split("\n") == [
        "Fire: shared INC1 with Ems",
        "Waiting: M1 to INC1 (Ems) once Ems's CAD holds it",
    ]
    frames(app, 30)
    assert console.toast[0] == "Ems: dispatched M1 to INC1"


def test_a_share_refused_says_the_waiting_dispatch_was_not_given(app):
    """The share fails at once (the engine refuses it): the dispatch that waited on it is
    not given, and the notice says so rather than leave it unsaid."""
    from simulator.commands import Dispatch
    from simulator.view.option import Option

    console = start(app, ("fire", "ems"))
    frames(app, 70)
    share = Share(agency="ems", to="fire", incident="INC1")  # EMS does not hold it
    later = Dispatch(agency="ems", incident="INC1", units=["M1"])
    console._give(Option("assign", "Assign M1 to INC1", (share,), deferred=(later,)))
    assert console.toast[0].split("\n") == [
        "Rejected (Ems): incident 'INC1' is not in Ems's CAD",
        "Not dispatched: M1 to INC1 (Ems): the share was refused",
    ]
    assert not console.handoffs.waiting


def test_holding_and_sending_in_crews_of_two_agencies_say_held_and_sent_in(app):
    console = start(app, ("fire", "ems"))
    ex = exercise_of(console)
    frames(app, 70)
    assert ex.submit(Share(agency="fire", to="ems", incident="INC1"), source="test").accepted
    frames(app, 30)
    select_fire_and_ems_units(app, console)
    click(at(console, "INC1"), mod=pygame.KMOD_SHIFT)
    console.selection.choose_incident("INC1")
    console._refresh_selection()
    hold = next(n for n, o in enumerate(console.options) if o.label.startswith("Hold"))
    key(pygame.K_1 + hold)
    app.frame(0.0)
    assert console.toast[0].split("\n") == [
        "Ems: held M1 at the INC1 perimeter",
        "Fire: held F1 at the INC1 perimeter",
    ]
    frames(app, 60 * 8)  # both reach the perimeter (200 s and 100 s at 60x)
    console._selected = None
    console._refresh_selection()
    send = next(n for n, o in enumerate(console.options) if o.label.startswith("Send F1"))
    console._choose(send)
    assert console.toast[0].split("\n") == [
        "Ems: sent M1 in to INC1",
        "Fire: sent F1 in to INC1",
    ]


def test_recalling_crews_of_two_agencies_says_recalled(app):
    console = start(app, ("fire", "ems"))
    frames(app, 70)
    select_fire_and_ems_units(app, console)
    click(at(console, "INC1"), button=3)
    app.frame(0.0)
    frames(app, 30)
    select_fire_and_ems_units(app, console)
    key(pygame.K_r)
    app.frame(0.0)
    assert console.toast[0].split("\n") == [
        "Ems: recalled M1 to station",
        "Fire: recalled F1 to station",
    ]


def test_staging_crews_of_two_agencies_says_sent_to_staging(app):
    console = start(app, ("fire", "ems"), staging_areas=[{"id": "STG-M", "location": "M"}])
    select_fire_and_ems_units(app, console)
    key(pygame.K_s)
    app.frame(0.0)
    assert console.toast[0].split("\n") == [
        "Ems: sent M1 to staging area STG-M",
        "Fire: sent F1 to staging area STG-M",
    ]
