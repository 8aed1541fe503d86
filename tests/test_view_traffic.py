"""The view offers traffic points on a road, shows those standing, and logs traffic."""

import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from conftest import incident, kinds, run_until, scenario_dict, unit
from test_traffic import jam, world
from view_helpers import exercise_of, pixel, run_to, start_with

from simulator.commands import TrafficPoint
from simulator.network.roles import Hearing, Seat
from simulator.terminal import Terminal
from simulator.view.option import Context
from simulator.view.palette import CONGESTED
from simulator.view.picture import Picture
from simulator.view.sentences import sentence
from simulator.view.traffic_actions import traffic_options
from simulator.view.words import Names


def main_street(ex) -> int:
    roads = ex.atlas.roads
    return roads.edge_of[(roads.index["S"], roads.index["M"])]


def police_picture(ex) -> Picture:
    """What the police dispatcher's terminal shows of ``ex``."""
    return Picture(Terminal(ex, ("police",)), ["police"])


def options(ex, picture: Picture) -> list:
    ctx = Context(picture.exercise, picture.snapshot(force=True), ("police",))
    return traffic_options(ctx, main_street(ex))


def test_a_road_offers_the_nearest_free_traffic_unit_then_its_release():
    ex = world(jam(), late=True)
    picture = police_picture(ex)
    (post,) = options(ex, picture)
    assert post.enabled and post.label == "Traffic point (open to responders): Main Street by T1"
    assert ex.submit(post.commands[0]).accepted
    run_until(ex, lambda: kinds(ex, "traffic.point_set"))
    snap = picture.snapshot(force=True)
    (point,) = snap.control_points
    assert (point.unit, point.road, point.x, point.y) == ("T1", "Main Street", 1000.0, 0.0)
    assert snap.congested == ("Main Street",)
    (release,) = options(ex, picture)  # T1 is no longer free: only its release
    assert release.label == "Release traffic point: Main Street (T1)" and release.enabled
    assert ex.submit(release.commands[0]).accepted
    assert picture.snapshot(force=True).control_points == ()


def test_traffic_events_read_as_a_dispatcher_would_write_them():
    ex = world(jam(minutes=30), late=True)
    ex.submit(options(ex, police_picture(ex))[0].commands[0])
    ex.advance(1800.0)
    names = Names(ex.scenario, ["police"])
    lines = [sentence(e, names) for e in ex.log.events if e.kind.startswith("traffic.")]
    assert lines == [
        "Traffic jams Main Street: 10% of normal speed",
        "T1 holds a traffic point on Main Street: closed to the public",
        "Traffic clears on Main Street",
    ]
    accepted = kinds(ex, "command.accepted")[0]
    assert sentence(accepted, names) == "T1 on its way to a traffic point on Main Street"


def test_every_seat_hears_the_traffic_news_and_the_points():
    ex = world(jam(), late=True)
    ex.submit(options(ex, police_picture(ex))[0].commands[0])
    run_until(ex, lambda: kinds(ex, "traffic.point_set"))
    fire = Hearing(Seat("fire", ("fire",)))
    heard = [e.kind for e in ex.log.events if e.kind.startswith("traffic.") and fire.hears(e, None)]
    assert heard == ["traffic.congested", "traffic.point_set"]


def test_a_standing_traffic_point_is_drawn_and_named_on_the_map(app):
    data = scenario_dict(msel=[incident(time=3600), jam()])
    data["units"].append(unit("T1", "police", ["traffic_control"], "PS"))
    console = start_with(app, ("police",), data)
    ex = exercise_of(console)
    assert ex.submit(TrafficPoint(agency="police", unit="T1", road="Main Street")).accepted
    run_to(app, console, 1500.0)
    assert kinds(ex, "traffic.point_set")
    console.camera.cx, console.camera.cy = 1000.0, 0.0
    console.camera.zoom(4.0)
    app.frame(0.0)
    assert "TCP Main Street (T1)" in [text for text, _ in console.markers.labels]


def test_congested_streets_are_drawn_orange_until_the_traffic_clears(app):
    data = scenario_dict(msel=[incident(time=7000), jam(minutes=30, time=300)])
    console = start_with(app, ("police",), data)
    ex = exercise_of(console)
    roads = ex.atlas.roads
    mid = (roads.xy[roads.index["S"]] + roads.xy[roads.index["M"]]) / 2
    console.camera.cx, console.camera.cy = float(mid[0]), float(mid[1])
    console.camera.zoom(4.0)
    at = console.camera.to_screen(float(mid[0]), float(mid[1]))
    run_to(app, console, 60.0)
    assert pixel(app.surface, at) != CONGESTED  # before the jam
    run_to(app, console, 600.0)
    assert console.snapshot.congested == ("Main Street",)
    assert pixel(app.surface, at) == CONGESTED
    run_to(app, console, 2700.0)
    assert pixel(app.surface, at) != CONGESTED  # cleared 30 minutes after it began


def test_a_jam_on_unnamed_roads_is_drawn_on_just_those_roads(app):
    data = scenario_dict(msel=[incident(time=7000), jam(minutes=30, time=300, roads=())])
    data["msel"][1]["edges"] = [["D2", "I"]]  # East Lane, named by its nodes only
    console = start_with(app, ("police",), data)
    roads = console.exercise.atlas.roads
    here = (roads.xy[roads.index["D2"]] + roads.xy[roads.index["I"]]) / 2
    there = (roads.xy[roads.index["S"]] + roads.xy[roads.index["M"]]) / 2
    console.camera.zoom(4.0)
    run_to(app, console, 600.0)
    assert console.snapshot.congested_roads == (("D2", "I"), ("I", "D2"))  # both ways
    for point, jammed in ((here, True), (there, False)):
        console.camera.cx, console.camera.cy = float(point[0]), float(point[1])
        app.frame(0.0)
        at = console.camera.to_screen(float(point[0]), float(point[1]))
        assert (pixel(app.surface, at) == CONGESTED) is jammed
