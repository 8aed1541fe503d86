"""The controller's desk fits its window, whatever its size, and hides nothing silently.

QA found at 1920x1080 the "On drop" button sticking out of the panel and the key hints
cut ("F2 hide" gone); at 960x600 the panel hid most of the map and showed 7 of the 19
MSEL rows with no word of the others. The warehouse scenario (19 injects, 9 seats) is
the case; the desk reads a stand-in for the controller's mirror.
"""

import pygame
import pytest
import view_helpers
from conftest import SCENARIOS
from view_helpers import key, rendered, start_file

from simulator.network.state import inject_state
from simulator.view.app import App
from simulator.view.controller import Desk
from simulator.view.input import Intent

SIZES = [(1920, 1080), (1280, 720), (960, 600)]
MOST_OF_THE_MAP = 0.45  # the share of the map's area the panel may cover
KEYS = ("Space pause", "[ ] speed", "Ctrl+R release", "Ctrl+H hold", "Ctrl+I inject", "F2 hide")


class Script:
    """What the desk reads of the controller's exercise (a ``Mirror``), held still."""

    def __init__(self, exercise, seats: dict[str, dict]):
        self.injects = inject_state(exercise)
        self.seats = seats
        self.on_drop = "continue"
        self.speed = 60.0
        self.paused = False

    def control(self, action: str, **fields) -> str:
        return ""

    def check(self, command) -> str:
        return ""


class Recording(pygame.Surface):
    """A surface that keeps the rectangle of everything blitted on it (unclipped)."""

    def __init__(self, size: tuple[int, int]):
        super().__init__(size)
        self.blitted: list[pygame.Rect] = []

    def blit(self, source, dest, area=None, special_flags=0):
        at = dest.topleft if isinstance(dest, pygame.Rect) else dest
        self.blitted.append(pygame.Rect(at, source.get_size()))
        return super().blit(source, dest, area, special_flags)


def seat(connected: bool = False, joins: int = 0) -> dict:
    return {
        "agencies": [],
        "connected": connected,
        "joins": joins,
        "last_action": "",
        "last_at": None,
    }


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def desk(request, monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")
    app = App(request.param)
    try:
        console = start_file(app, ("ashford_ems",), SCENARIOS / "warehouse_chemical_outage.yaml")
        exercise = view_helpers.exercise_of(console)
        seats = {a.id: seat() for a in exercise.scenario.agencies}
        seats["county_ems"] = seat(joins=1)  # dropped: the one seat that needs the trainer
        seats["county_ems"]["dropped_at"] = 754.0
        seats["controller"] = seat(connected=True, joins=1)
        desk = Desk(app, console)
        desk.exercise = Script(exercise, seats)
        app.stack[-1:] = [desk]
        app.frame(0.0)
        yield desk
    finally:
        pygame.display.quit()


def test_every_button_row_and_line_of_the_desk_lies_inside_its_panel_and_the_window(desk):
    canvas = Recording(desk.app.size)
    desk._panel(canvas)
    box = desk.box
    assert canvas.get_rect().contains(box) and desk.console.rects["map"].contains(box)
    assert box.width * box.height <= MOST_OF_THE_MAP * desk.console.rects["map"].width * (
        desk.console.rects["map"].height
    )
    inside = box.inflate(-4, -4)  # not on the panel's border either
    assert [b for b in desk.buttons.values() if not inside.contains(b)] == []
    assert [r for r in desk.rows.values() if not inside.contains(r)] == []
    assert [r for r in canvas.blitted if not inside.contains(r)] == []


def test_every_key_hint_is_shown_whole(desk, monkeypatch):
    drawn = " / ".join(rendered(desk.app, monkeypatch))
    assert [hint for hint in KEYS if hint not in drawn] == []
    assert any(s.startswith("On drop: ") for s in drawn.split(" / "))


def test_the_msel_rows_not_shown_are_counted_and_reached_with_the_keys(desk, monkeypatch):
    total = len(desk.exercise.injects)
    assert total == 19
    for _ in range(total):
        listed = len(desk.rows)
        counted = _counted(rendered(desk.app, monkeypatch))
        assert listed + counted == total
        key(pygame.K_PAGEDOWN)
        desk.app.frame(0.0)
    last = desk.exercise.injects[-1]["seq"]  # the list is in time order, not seq's
    assert last in desk.rows and desk.current()["seq"] == last


def test_seats_without_room_are_counted_and_the_dropped_one_is_listed_first(desk, monkeypatch):
    words = rendered(desk.app, monkeypatch)
    heading = next(w for w in words if w.startswith("Seats: "))
    assert "8 not joined, " not in heading and "1 dropped, 8 not joined" in heading
    listed = [w for w in words if w.endswith("; no action yet")]
    assert listed and listed[0].startswith("county_ems: dropped at T+00:12;")
    if len(listed) < 9:
        assert heading.endswith(f"({9 - len(listed)} not listed)")


def test_the_wheel_over_the_desk_picks_rows_and_leaves_the_map_where_it_is(desk):
    scale = desk.console.camera.scale
    picked = desk.current()["seq"]
    desk.handle(Intent("wheel", pos=desk.box.center, delta=(0.0, -2.0)))  # two notches down
    assert desk.current()["seq"] == picked + 2 and desk.console.camera.scale == scale


def _counted(words: list[str]) -> int:
    """The rows the list's last line says are above and below it."""
    line = next((w for w in words if "(PgDn)" in w or "(PgUp)" in w), "")
    return sum(int(part.split()[0]) for part in line.split("   ") if part)
