"""The map reads like a city map: water, bridges, districts, names that never overlap.

Riverton at T+01:00 is the case the trainees complained about: Bridge 2 is closed under
the BRIDGE-01 collision, and WHSE-01, its battalion chief and its command post crowd one
corner of the warehouse district.
"""

import itertools
import re

import numpy as np
import pygame
import pytest
import view_helpers
from conftest import SCENARIOS, build, scenario_dict, unit

from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.scenario import load
from simulator.scenario.roadmap import GeneratedMap
from simulator.terminal import Terminal
from simulator.view.app import App
from simulator.view.camera import Camera
from simulator.view.console import Console
from simulator.view.layers import LOCAL, MAJOR, RoadLayer
from simulator.view.markers import FAN_MAX, crowd_reach, incident_reach, pile_rect, unit_px
from simulator.view.placement import Placer, _around
from simulator.view.placenames import LANDMARK_PX, PlaceNames
from simulator.view.session import Session
from simulator.world import build_atlas
from simulator.world.geography import District, Geography, Street, survey


@pytest.fixture(scope="module")
def riverton() -> Exercise:
    """Riverton an hour in, every agency on its automated player."""
    scenario = load(SCENARIOS / "riverton_night_shift.yaml")
    exercise = Exercise(scenario, seed=1)
    attach_players(exercise, [a.id for a in scenario.agencies])
    exercise.advance(3600)
    return exercise


def console_on(app: App, exercise: Exercise) -> Console:
    """A paused controller's console on ``exercise``, one frame drawn."""
    roles = tuple(sorted(a.id for a in exercise.scenario.agencies))
    console = Console(app, Session(Terminal(exercise, roles), roles))
    console.pace.toggle()
    app.push(console)
    app.frame(0.0)
    return console


def overlaps(rects: list[pygame.Rect]) -> list[tuple[pygame.Rect, pygame.Rect]]:
    return [(a, b) for a, b in itertools.combinations(rects, 2) if a.colliderect(b)]


def test_the_generated_city_has_its_river_bridges_and_districts(riverton):
    roads = riverton.atlas.roads
    spec = riverton.scenario.map
    assert isinstance(spec, GeneratedMap)
    geography = survey(roads, spec)
    assert len(geography.water) == 1
    river = geography.water[0]
    bridges = [s for s in geography.streets if s.bridge]
    assert [s.name for s in bridges] == ["Bridge 1", "Bridge 2", "Bridge 3"]
    for bridge in bridges:  # each bridge spans the water
        (run,) = bridge.runs
        ys = sorted(roads.xy[run][:, 1])
        assert ys[0] < river[:, 1].min() and ys[-1] > river[:, 1].max()
    assert {d.name for d in geography.districts} == set(spec.districts)
    street = next(s for s in geography.streets if s.name == "6th Street")
    assert street.arterial and len(street.runs) == 1 and len(street.runs[0]) == spec.columns


def test_a_hand_drawn_map_has_the_water_and_districts_its_author_drew():
    """The small town's mill pond under the Mill Bridge, and its two districts."""
    scenario = load(SCENARIOS / "small_town_collision.yaml")
    atlas = build_atlas(scenario)
    geography = survey(atlas.roads, scenario.map)
    (pond,) = geography.water
    assert pond.shape == (8, 2)
    (bridge,) = [s for s in geography.streets if s.bridge]
    ys = sorted(atlas.roads.xy[bridge.runs[0]][:, 1])
    assert ys[0] < pond[:, 1].min() and ys[-1] > pond[:, 1].max()
    assert [d.name for d in geography.districts] == ["Northside", "Town Centre"]


def test_surveying_the_map_changes_nothing_the_engine_uses():
    scenario = load(SCENARIOS / "harbor_district_mci.yaml")
    roads = build_atlas(scenario).roads
    before = (roads.seconds.copy(), roads.src.copy(), roads.dst.copy(), list(roads.names))
    edges = {(u, v): dict(d) for u, v, d in roads.graph.edges(data=True)}
    survey(roads, scenario.map)
    assert (roads.seconds == before[0]).all() and (roads.src == before[1]).all()
    assert (roads.dst == before[2]).all() and roads.names == before[3]
    assert {(u, v): dict(d) for u, v, d in roads.graph.edges(data=True)} == edges


def test_minor_streets_are_left_out_of_a_large_city_seen_whole(app):
    data = scenario_dict(nodes=[], edges=[])
    data["map"] = {"kind": "generated", "seed": 3, "columns": 90, "rows": 90, "block_m": 200}
    data["stations"] = [
        {"id": s, "agency": a, "location": "r0c0"}
        for s, a in (("PS", "police"), ("FS", "fire"), ("ES", "ems"))
    ]
    data["hospitals"][0]["location"] = "r89c89"
    data["msel"][0]["incident"]["location"] = "r45c45"
    atlas = build_atlas(build(data))
    layer = RoadLayer(atlas, app.text)
    camera = Camera(width=900, height=560)
    camera.fit(atlas.roads.xy)
    layer.draw(app.surface, camera)
    assert LOCAL not in layer.drawn and layer.drawn[MAJOR] > 0  # arterials only
    camera.zoom(4)
    layer.draw(app.surface, camera)
    assert layer.drawn[LOCAL] > 0  # close in, every street


def test_the_base_map_is_drawn_again_for_an_incident_only_when_a_name_moves(riverton, app):
    """Its names keep off incidents, but a new incident far from any name costs no redraw."""
    layer = RoadLayer(riverton.atlas, app.text)
    camera = Camera(width=900, height=560)
    camera.fit(riverton.atlas.roads.xy)
    layer.draw(app.surface, camera)
    builds, shown = layer.builds, layer.names_shown
    far = camera.to_world(camera.left + 5, camera.top + 5)  # the corner, off the city
    layer.draw(app.surface, camera, marks=(far,))
    assert layer.builds == builds  # nothing named there: the same picture
    name, before = next((n, r) for n, r in layer.names.placed if n.isupper())  # a district
    ox, oy = layer._origin  # the world point at the map surface's top-left
    at = (ox + before.centerx / camera.scale, oy + before.centery / camera.scale)
    layer.draw(app.surface, camera, marks=(far, at))  # an incident on its name
    assert layer.builds == builds + 1
    assert dict(layer.names.placed)[name] != before  # it moved
    layer.draw(app.surface, camera, marks=(far,))  # the incident closed: it goes back
    assert layer.builds == builds + 2 and layer.names_shown == shown


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("zoom", [0, 4, 8])
def test_labels_on_the_map_never_overlap(riverton, size, zoom):
    app = App(size)
    try:
        console = console_on(app, riverton)
        warehouse = next(i for i in console.snapshot.incidents if i.id == "WHSE-01")
        console.camera.cx, console.camera.cy = warehouse.x, warehouse.y
        console.camera.zoom(zoom)
        app.frame(0.0)
        labels = console.markers.labels
        if zoom == 0:  # the whole city: every incident named, command posts marked
            assert {"WHSE-01  ICP", "BRIDGE-01  ICP"} <= {name for name, _ in labels}
        assert overlaps([rect for _, rect in labels]) == []
        names = console.roads.names.placed
        assert overlaps([rect for _, rect in names]) == []
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("zoom", [0, 3, 6])
def test_the_closed_bridge_shows_above_the_collision_on_it(riverton, app, zoom):
    console = console_on(app, riverton)
    assert riverton.atlas.roads.closed  # Bridge 2 is shut at 00:53
    collision = next(i for i in console.snapshot.incidents if i.id == "BRIDGE-01")
    console.camera.cx, console.camera.cy = collision.x, collision.y
    console.camera.zoom(zoom)
    app.frame(0.0)
    signs, badges = console.markers.signs, console.markers.badges
    assert signs and badges
    assert [s for s in signs if s.collidelist(badges) >= 0] == []
    labels = [rect for _, rect in console.markers.labels]
    assert [s for s in signs if s.collidelist(labels) >= 0] == []
    for sign in signs:  # drawn last: the white bar of the no-entry sign is on top
        assert view_helpers.pixel(app.surface, sign.center) == (255, 255, 255)


def test_the_roster_says_how_many_units_are_out_of_sight(riverton, app):
    console = console_on(app, riverton)
    roster = console.roster
    assert len(roster.shown()) > 20
    more = re.match(r"\+(\d+) more below", roster.hint)
    assert more and 0 < int(more.group(1)) < len(roster.shown())
    console.roster.scroll_by(3)
    app.frame(0.0)
    assert "3 above" in roster.hint


def test_a_crowd_too_big_to_fan_out_is_one_stack_and_a_click_selects_it(app):
    crowd = [unit(f"P{n}", "police", ["patrol"], "PS") for n in range(FAN_MAX + 4)]
    console = view_helpers.start(app, ("police",), units=crowd)
    snap = console.snapshot
    placed = console.markers.placed(console.camera, snap.units)
    ((pile, members),) = console.markers.stacks
    assert len(members) == len(crowd) and {placed[u.id] for u in members} == {pile}
    view_helpers.click(pile)
    app.frame(0.0)
    assert sorted(console.selection.units) == sorted(u["id"] for u in crowd)


def test_a_label_at_the_maps_edge_stays_on_the_map():
    """An operation's cross-hair at the left edge of a small window lost its id off it."""
    area = pygame.Rect(0, 40, 700, 500)
    placer = Placer(area)
    edge = pygame.Rect(2, 300, 12, 12)
    label = placer.place("OP-UC-WATCH 00:00-00:50 staging NOT REGISTERED", (320, 14), edge, True)
    assert label is not None and area.contains(label)
    corner = placer.place("MCI-01", (60, 14), pygame.Rect(690, 42, 10, 10), must=True)
    assert corner is not None and area.contains(corner)


def test_a_label_keeps_off_a_street_name_where_it_can():
    placer = Placer()
    icon = pygame.Rect(100, 100, 20, 20)
    below = pygame.Rect(80, 122, 60, 14)  # where the label would go first
    placer.name(below.inflate(40, 4))  # "16th Street" on the base map, just there
    label = placer.place("REUNIFY-01  ICP", (60, 14), icon, must=True)
    assert label is not None and not label.colliderect(below.inflate(40, 4))


def test_a_label_that_need_not_show_is_left_out_rather_than_cover_a_bridges_name():
    """A TCP's label sat on 'Bridge 2', the name the closure beside it is about."""
    icon = pygame.Rect(100, 100, 20, 20)
    crowded = Placer()
    crowded.name(pygame.Rect(0, 0, 400, 400))  # names all around the icon
    assert crowded.place("TCP 16th Street (P5)", (90, 14), icon) is None
    assert crowded.labels == []
    assert crowded.place("BRIDGE-01", (60, 14), icon, must=True) is not None  # still shown
    beside = Placer()  # a name only under the icon: the label goes above instead
    beside.name(pygame.Rect(60, 122, 100, 14))
    above = beside.place("TCP 16th Street (P5)", (90, 14), icon)
    assert above is not None and above.bottom <= icon.top


def test_a_label_that_must_show_covers_a_name_or_a_unit_before_a_hospitals_cross():
    """At 960x600 REUNIFY-01's 'ICP' label was drawn over Harbor Community Hospital's cross."""
    icon = pygame.Rect(100, 100, 20, 20)
    size = (80, 14)
    spots = _around(size, icon)
    placer = Placer()
    placer.facility(spots[0].inflate(-60, 0))  # the hospital, under the first place tried
    for spot in spots[1:]:
        placer.block(spot.inflate(-70, 0))  # units on every other side
    placer.name(spots[2])  # and a street's name at one of them
    label = placer.place("REUNIFY-01  ICP", size, icon, must=True)
    assert label is not None and label.collidelist(placer.facilities) < 0
    assert label == spots[1]  # the first covering nothing but a unit, not the name
    nothing = Placer()  # hospitals all round: it still shows, over the one it must
    for spot in spots:
        nothing.facility(spot.inflate(-60, 0))
    assert nothing.place("REUNIFY-01  ICP", size, icon, must=True) == spots[0]
    assert nothing.place("Harbor Community", size, icon) is None  # an optional one is not


@pytest.mark.parametrize("zoom", [0, 4])
def test_the_map_labels_keep_off_the_street_names_drawn(riverton, zoom):
    """Incident and post labels were drawn over the very street names they stand on."""
    app = App((1280, 720))
    try:
        console = console_on(app, riverton)
        console.camera.zoom(zoom)
        app.frame(0.0)
        names = list(console.roads.names_shown)
        assert names, "the base map names streets at this zoom"
        labels = [rect for _, rect in console.markers.labels]
        covered = [label for label in labels if label.collidelist(names) >= 0]
        assert len(covered) <= len(labels) // 10
    finally:
        pygame.display.quit()


def test_a_hospitals_cross_is_not_under_an_incidents_label_in_a_small_window():
    """At 960x600, REUNIFY-01's 'ICP' label covered Harbor Community Hospital's cross."""
    scenario = load(SCENARIOS / "harbor_district_mci.yaml")
    exercise = Exercise(scenario, seed=1)
    attach_players(exercise, [a.id for a in scenario.agencies])
    exercise.advance(3600)
    app = App((960, 600))
    try:
        console = console_on(app, exercise)
        markers = console.markers
        incidents = {i.id for i in console.snapshot.incidents}
        shown = [(n, r) for n, r in markers.labels if n.split()[0] in incidents]
        assert any(n == "REUNIFY-01  ICP" for n, _ in shown)
        assert [n for n, r in shown if r.collidelist(markers.facilities) >= 0] == []
    finally:
        pygame.display.quit()


def test_a_label_that_must_show_moves_aside_and_one_that_need_not_is_left_out():
    placer = Placer()
    icon = pygame.Rect(100, 100, 20, 20)
    first = placer.place("WHSE-01", (60, 14), icon, must=True)
    second = placer.place("BC1", (30, 14), icon, must=True)
    assert first and second and not first.colliderect(second)
    placer.block(pygame.Rect(0, 0, 400, 400))  # icons everywhere around
    assert placer.place("E3", (30, 14), icon) is None
    assert placer.place("ICP", (30, 14), icon, must=True) is not None
    assert overlaps([rect for _, rect in placer.labels]) == []


def test_a_district_name_keeps_off_a_station_at_its_centre(app):
    """The small town's NORTHSIDE was drawn under the Mill car park's icon."""
    district = District("Northside", 500.0, 100.0, (0.0, 100.0, 1000.0, 100.0))
    geography = Geography((), (), (district,), (0.0, 0.0, 1000.0, 1000.0))
    surface = pygame.Surface((1000, 1000))
    centred = PlaceNames(geography, np.zeros((0, 2)), app.text)
    centred.draw(surface, np.zeros(2), 1.0, 0.0)
    ((_, rect),) = centred.placed
    assert rect.center == (500, 100)  # nothing there: the centre
    names = PlaceNames(geography, np.zeros((0, 2)), app.text, np.array([[500.0, 100.0]]))
    names.draw(surface, np.zeros(2), 1.0, 0.0)
    ((name, rect),) = names.placed
    assert name == "NORTHSIDE" and rect.centerx == 500
    assert not rect.inflate(2 * LANDMARK_PX, 2 * LANDMARK_PX).collidepoint(500, 100)
    assert abs(rect.centery - 100) <= 3 * rect.height  # still by its district


def test_place_and_bridge_names_keep_off_an_incident_but_are_not_lost_to_one(app):
    """WHSE-1's marker covered IRONWORKS, and BRIDGE-01's the 'B' of 'Bridge 2'."""
    district = District("Ironworks", 500.0, 100.0, (0.0, 100.0, 1000.0, 100.0))
    xy = np.array([[300.0, 480.0], [300.0, 520.0]])  # a short deck across a river
    bridge = Street("Bridge 2", False, True, (np.arange(2),))
    geography = Geography((bridge,), (), (district,), (0.0, 0.0, 1000.0, 1000.0))
    surface = pygame.Surface((1000, 1000))
    names = PlaceNames(geography, xy, app.text)
    names.draw(surface, np.zeros(2), 1.0, 10.0)
    plain = dict(names.placed)
    incidents = np.array([[500.0, 100.0], [310.0, 500.0]])  # on both names' first places
    names.draw(surface, np.zeros(2), 1.0, 10.0, incidents)
    moved = dict(names.placed)
    half = incident_reach(app.text, 1.0)  # the markers, with their count badges
    markers = [pygame.Rect(x - half, y - half, 2 * half, 2 * half) for x, y in incidents]
    assert set(moved) == {"IRONWORKS", "Bridge 2"}
    assert [rect for rect in moved.values() if rect.collidelist(markers) >= 0] == []
    assert plain["IRONWORKS"].colliderect(markers[0]) and plain["Bridge 2"].colliderect(markers[1])
    assert abs(moved["IRONWORKS"].centery - 100) <= 3 * moved["IRONWORKS"].height
    assert moved["Bridge 2"].centery == plain["Bridge 2"].centery  # still level with it
    boxed = np.array(
        [[500.0 + dx, 100.0 + dy] for dx in range(-500, 501, 20) for dy in (-60, 0, 60)]
    )
    names.draw(surface, np.zeros(2), 1.0, 10.0, boxed)  # nowhere clear: covered, not lost
    assert "IRONWORKS" in dict(names.placed)


def test_a_stack_goes_to_the_side_of_its_spot_free_of_a_name(app):
    """A stack's count tag sat on 'Bridge 2': it always went up and left of its spot."""
    crowd = [unit(f"P{n}", "police", ["patrol"], "PS") for n in range(FAN_MAX + 4)]
    console = view_helpers.start(app, ("police",), units=crowd)
    markers, camera = console.markers, console.camera
    ((first, _),) = markers.stacks
    app.frame(0.0)
    ((pile, members),) = markers.stacks
    assert pile == first  # no name there: up and left of the station, as before
    size = markers.sizes(camera)[0]
    name = pile_rect(app.text, size, pile, len(members))
    console.roads.names_shown = (name,)  # a base-map name just there
    app.frame(0.0)
    ((moved, _),) = markers.stacks
    assert moved != pile and not pile_rect(app.text, size, moved, len(members)).colliderect(name)
    placed = markers.placed(camera, console.snapshot.units)
    assert {placed[u.id] for u in members} == {moved}  # a click there still selects them
    view_helpers.click(moved)
    app.frame(0.0)
    assert sorted(console.selection.units) == sorted(u["id"] for u in crowd)


def test_a_district_of_one_intersection_is_named_clear_of_its_neighbours(app):
    """A hand-drawn map's districts at single intersections were never named."""
    one = District("Westside", 100.0, 100.0, (100.0, 100.0, 100.0, 100.0))
    column = District("Canal South", 100.0, 800.0, (100.0, 600.0, 100.0, 1000.0))
    near = District("Dock", 100.0, 130.0, (100.0, 130.0, 100.0, 130.0))
    surface = pygame.Surface((1000, 1000))

    def placed(*districts: District) -> dict[str, pygame.Rect]:
        geography = Geography((), (), districts, (0.0, 0.0, 1000.0, 1000.0))
        names = PlaceNames(geography, np.zeros((0, 2)), app.text)
        names.draw(surface, np.zeros(2), 1.0, 0.0)
        return dict(names.placed)

    shown = placed(one, column)
    assert set(shown) == {"WESTSIDE", "CANAL SOUTH"}
    assert not shown["WESTSIDE"].colliderect(shown["CANAL SOUTH"])
    # 30 m from another district's centre there is no room for either name.
    assert placed(one, near) == {}


def _main_street(names: int = 11) -> tuple[Geography, np.ndarray]:
    """One arterial, west to east along y = 500, a node every 100 m."""
    xy = np.array([[100.0 * k, 500.0] for k in range(names)])
    street = Street("Main Street", True, False, (np.arange(names),))
    return Geography((street,), (), (), (0.0, 0.0, 1000.0, 1000.0)), xy


def test_a_street_name_slides_along_its_street_clear_of_a_station_and_its_parked_units(app):
    """Street names were drawn under station plates and the ring of units parked there."""
    geography, xy = _main_street()
    surface = pygame.Surface((1000, 1000))
    alone = PlaceNames(geography, xy, app.text)
    alone.draw(surface, np.zeros(2), 1.0, 100.0)
    ((_, first), *_) = alone.placed
    station = np.array([first.center], float)  # just where the name went
    names = PlaceNames(geography, xy, app.text, station, np.array([3]))
    names.draw(surface, np.zeros(2), 1.0, 100.0)
    assert names.placed, "the name is still shown, further along"
    half = crowd_reach(3, unit_px(app.text.base, 1.0))
    ring = pygame.Rect(first.centerx - half, first.centery - half, 2 * half, 2 * half)
    assert [rect for _, rect in names.placed if rect.colliderect(ring)] == []


def test_a_district_name_keeps_off_a_bridge_deck(app):
    """The small town's NORTHSIDE was crossed by the Mill Bridge deck."""
    xy = np.array([[500.0, 0.0], [500.0, 400.0]])
    bridge = Street("Mill Bridge", False, True, (np.arange(2),))
    district = District("Northside", 500.0, 100.0, (0.0, 0.0, 1000.0, 200.0))
    geography = Geography((bridge,), (), (district,), (0.0, 0.0, 1000.0, 1000.0))
    names = PlaceNames(geography, xy, app.text)
    names.draw(pygame.Surface((1000, 1000)), np.zeros(2), 1.0, 1.0)
    rect = dict(names.placed)["NORTHSIDE"]
    assert not rect.clipline((500, 0), (500, 400))
    assert rect.left >= 0 and rect.right <= 1000 and abs(rect.centery - 100) <= 3 * rect.height


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (960, 600)])
@pytest.mark.parametrize("scenario", ["warehouse_chemical_outage", "small_town_collision"])
def test_no_name_on_the_base_map_lies_under_a_station_or_its_units(scenario, size):
    app = App(size)
    try:
        path = SCENARIOS / f"{scenario}.yaml"
        role = load(path).agencies[0].id
        console = view_helpers.start_file(app, (role,), path)
        markers, camera = console.markers, console.camera
        unit = markers.sizes(camera)[0]
        placed = markers.placed(camera, console.snapshot.units)
        spots = [*placed.values(), *(camera.to_screen(x, y) for _, x, y in markers.stations)]
        icons = [pygame.Rect(x - unit // 2, y - unit // 2, unit, unit) for x, y in spots]
        assert [n for n in console.roads.names_shown if n.collidelist(icons) >= 0] == []
        assert console.roads.names_shown, "the map names its streets and districts"
    finally:
        pygame.display.quit()
