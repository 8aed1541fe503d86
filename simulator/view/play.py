"""Open the window and play: the view's entry point for ``run_sim.py play``.

Interactive when ``frames`` is None; otherwise scripted (no human): a fake wall clock
runs ``frames`` frames of 1/60 s, or fewer if the exercise ends first, and the last one
is saved as a screenshot.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pygame

from simulator.scenario.model import Scenario
from simulator.view.app import App, Screen, frame_clock
from simulator.view.briefing import Briefing
from simulator.view.input import Intent
from simulator.view.session import Session, Starter

SHOWS = ("briefing", "map", "help", "end")


class NoDisplay(Exception):
    """No window can be opened (no display, or SDL refused)."""


# SDL drivers that draw nowhere a person can see: a run with one of these and no display
# named is a headless machine (CI, a server), not a trainee waiting at a window.
_OFFSCREEN = frozenset({"dummy", "offscreen"})


def display_configured() -> bool:
    """Whether the environment names a display a person can see.

    X11 or Wayland, or an SDL driver that draws on screen; ``dummy`` and ``offscreen``
    alone mean nobody is watching.
    """
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return True
    driver = os.environ.get("SDL_VIDEODRIVER", "").strip().lower()
    return bool(driver) and driver not in _OFFSCREEN


def open_app(size: tuple[int, int], title: str) -> App:
    """The window, or ``NoDisplay`` with SDL's reason."""
    try:
        return App(size, title)
    except pygame.error as exc:
        raise NoDisplay(str(exc)) from None


def play(
    scenario: Scenario,
    start: Starter,
    roles: tuple[str, ...] = (),
    *,
    speed: int = 1,
    size: tuple[int, int] = (1280, 720),
    frames: int | None = None,
    screenshot: Path | None = None,
    show: str = "map",
    decorate: Callable[[App, Screen], Screen] | None = None,
    background: Callable[[], None] | None = None,
    running: bool = False,
) -> None:
    """Show the briefing, then the console; return when the window is closed.

    ``decorate`` wraps each screen put up (the controller's desk wraps the console);
    ``background`` runs every frame, whatever screen is up; ``running``: the exercise
    runs already (a served one, which seats join).
    """
    app = open_app(size, f"{scenario.metadata.title} - joint operations exercise")
    if decorate is not None:
        app.decorate = decorate
    if background is not None:
        app.background = background
    sessions: list[Session] = []

    def begin(chosen: tuple[str, ...]) -> Session:
        session = start(chosen)
        sessions.append(session)
        return session

    try:
        briefing = Briefing(app, scenario, begin, roles, speed, running=running)
        app.push(briefing)
        if frames is None:
            app.run()
            return
        if show != "briefing":
            briefing.begin()
        # The session closes when its exercise ends: the frame that did it drew the end.
        app.run(frames, frame_clock(), over=lambda: any(s.closed for s in sessions))
        if show in ("help", "end") and app.stack:
            app.stack[-1].handle(Intent(show))
            app.frame(0.0)
        if screenshot is not None:
            app.screenshot(screenshot)
    finally:
        pygame.display.quit()
