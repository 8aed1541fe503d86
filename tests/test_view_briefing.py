"""The briefing lists every agency with all it brings, whatever the window's size.

At 960x600 the resources of an agency were cut with an ellipsis, and a scenario with
more agencies than the column has room for lost the last ones under the prompt, with
nothing to say they were there.
"""

from collections import Counter

import pygame
import pytest
from conftest import agency, build, scenario_dict, unit
from view_helpers import key, rendered

from simulator.exercise import Exercise
from simulator.terminal import Terminal
from simulator.view.app import App
from simulator.view.briefing import Briefing, _resources
from simulator.view.session import Session

KINDS = ("police", "fire", "ems")
TYPES = ("heavy rescue company", "hazardous materials unit", "technical rope team", "patrol car")


def crowded() -> dict:
    """Fourteen agencies, each with a station and four kinds of unit (long lines)."""
    ids = ["police", "fire", "ems", *(f"mutual_aid_{n:02d}" for n in range(11))]
    agencies = [agency(a, KINDS[k % 3]) for k, a in enumerate(ids)]
    stations = [{"id": f"S-{a}", "agency": a, "location": "S"} for a in ids]
    units = [
        unit(f"{a}-{n}", a, ["patrol"], f"S-{a}", type=f"{kind} ({a})")
        for a in ids
        for n, kind in enumerate(TYPES)
    ]
    return scenario_dict(agencies=agencies, stations=stations, units=units)


@pytest.fixture
def small():
    app = App((960, 600))
    try:
        yield app
    finally:
        pygame.display.quit()


def open_briefing(app: App) -> Briefing:
    exercise = Exercise(build(crowded()), seed=0)
    start = lambda roles: Session(Terminal(exercise, roles), roles)  # noqa: E731
    briefing = Briefing(app, exercise.scenario, start)
    app.push(briefing)
    app.frame(0.0)
    return briefing


def test_each_agencys_stations_and_units_are_shown_whole(small, monkeypatch):
    briefing = open_briefing(small)
    words = rendered(small, monkeypatch)
    listed = [a for _, a in briefing.hits]
    assert listed
    scenario = briefing.scenario
    for agency_id in listed:
        fleet = Counter(u.type for u in scenario.units if u.agency == agency_id)
        whole = _resources(sum(s.agency == agency_id for s in scenario.stations), fleet)
        assert " ".join(w for w in words if w and w in whole) == whole


def test_agencies_without_room_are_counted_and_scroll_in_with_the_keys(small, monkeypatch):
    briefing = open_briefing(small)
    total = len(briefing.agencies)
    seen: set[str] = set()
    for _ in range(total):
        words = rendered(small, monkeypatch)
        listed = [a for _, a in briefing.hits]
        assert listed and len(listed) + _counted(words) == total
        prompt = small.surface.get_height() - 20 - small.text.large
        assert all(rect.bottom <= prompt for rect, _ in briefing.hits)
        seen |= set(listed)
        key(pygame.K_PAGEDOWN)
        small.frame(0.0)
    assert seen == set(briefing.agencies)
    key(pygame.K_PAGEUP)
    key(pygame.K_PAGEUP)
    for _ in range(total):
        key(pygame.K_PAGEUP)
    small.frame(0.0)
    assert briefing.hits[0][1] == "police"


def _counted(words: list[str]) -> int:
    """The agencies the list's last line says are above and below it."""
    line = next((w for w in words if "(PgDn)" in w or "(PgUp)" in w), "")
    return sum(int(part.split()[0]) for part in line.split("   ") if part)
