"""The map viewport keeps to the map, and a larger window shows a larger city."""

import numpy as np
import pytest

from simulator.view.camera import EDGE_PX, Camera

CITY = np.array([[0.0, 0.0], [4000.0, 0.0], [0.0, 3000.0], [4000.0, 3000.0]])


def fitted(width: int = 800, height: int = 600) -> Camera:
    camera = Camera(width=width, height=height)
    camera.fit(CITY)
    return camera


def test_panning_never_takes_the_view_off_the_map():
    camera = fitted()
    camera.pan(1e6, -1e6)  # a wild drag to the right and up
    assert (camera.cx, camera.cy) == (0.0, 3000.0)  # held at the map's edge
    camera.pan(-1e7, 1e7)
    assert (camera.cx, camera.cy) == (4000.0, 0.0)


def test_zooming_out_about_a_corner_keeps_the_centre_on_the_map():
    camera = fitted()
    camera.zoom(-8, about=(0, 0))
    assert 0.0 <= camera.cx <= 4000.0 and 0.0 <= camera.cy <= 3000.0


def _inset(camera: Camera) -> float:
    """How near the fitted city's nearest corner comes to the viewport's edge, in pixels."""
    sx, sy = camera.to_screen_array(CITY).T
    right, bottom = camera.left + camera.width, camera.top + camera.height
    return min(sx.min() - camera.left, right - sx.max(), sy.min() - camera.top, bottom - sy.max())


@pytest.mark.parametrize("size", [(800, 600), (2400, 1800), (1280, 300)])
def test_a_fitted_city_leaves_room_at_every_edge_for_icons_and_names(size):
    camera = fitted(*size)
    # Icons fan out above a station and names sit under a place: none may be cut off.
    assert EDGE_PX - 1e-6 <= _inset(camera) <= EDGE_PX + 0.06 * max(size)


def test_a_larger_window_shows_a_larger_city_until_the_trainee_moves_the_view():
    camera = fitted()
    small = camera.scale
    camera.resize(0, 0, 2400, 1800)
    assert camera.scale > 2.5 * small  # still the whole city, bigger
    assert _inset(camera) >= EDGE_PX - 1e-6
    camera.zoom(1)
    zoomed = camera.scale
    camera.resize(0, 0, 800, 600)
    assert camera.scale == zoomed  # a chosen view is left alone


def test_units_at_one_station_fan_out_and_each_can_be_clicked():
    import pygame
    import view_helpers
    from conftest import unit

    from simulator.view.app import App

    units = [unit(f"P{n}", "police", ["patrol"], "PS") for n in range(1, 6)]
    app = App((1280, 720))
    try:
        console = view_helpers.start(app, ("police",), units=units)
        snap = console.snapshot
        placed = console.markers.placed(console.camera, snap.units)
        spots = {placed[f"P{n}"] for n in range(1, 6)}
        assert len(spots) == 5  # five cars at one station: five places on screen
        for n in range(1, 6):
            assert console.markers.unit_at(console.camera, snap.units, placed[f"P{n}"]) == f"P{n}"
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("steps", [3181, -3181, 10**9])
def test_a_wheel_of_any_size_zooms_to_the_end_of_the_range_and_no_further(steps):
    from simulator.view.camera import MAX_SCALE, MIN_SCALE

    camera = fitted()
    camera.zoom(steps, (400, 300))
    assert camera.scale == (MAX_SCALE if steps > 0 else MIN_SCALE)


def test_a_sideways_scroll_leaves_a_fitted_view_fitted():
    camera = fitted()
    camera.zoom(0, (400, 300))
    assert camera.fitted
