"""Helpers for the view tests: a dummy-driver window and posted input."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame


def key(code: int, unicode: str = "", mod: int = 0) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod, unicode=unicode))


def click(pos: tuple[int, int], button: int = 1, mod: int = 0) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button, mod=mod))


def pixel(surface: pygame.Surface, pos: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(surface.get_at(pos))[:3]


def rendered(app, monkeypatch) -> list[str]:
    """Every string the next frame renders, in order (the text cache is emptied first)."""
    drawn: list[str] = []
    render = app.text.render
    monkeypatch.setattr(
        app.text, "render", lambda s, *a, **k: drawn.append(s) or render(s, *a, **k)
    )
    app.text._cache.clear()
    app.frame(0.0)
    return drawn


def drag(start: tuple[int, int], end: tuple[int, int]) -> None:
    """Press at ``start``, move to ``end`` with the left button held, release."""
    rel = (end[0] - start[0], end[1] - start[1])
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=end, rel=rel, buttons=(1, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=end, button=1, mod=0))


def start_with(app, roles: tuple[str, ...], data: dict):
    """Open the briefing for ``data`` with ``roles`` at 60x, press Enter: the console."""
    from conftest import build

    from simulator.exercise import Exercise
    from simulator.terminal import Terminal
    from simulator.view.briefing import Briefing
    from simulator.view.console import Console
    from simulator.view.session import Session

    exercise = Exercise(build(data), seed=0)
    start = lambda r: Session(Terminal(exercise, r), r)  # noqa: E731
    app.push(Briefing(app, exercise.scenario, start, roles, 60))
    key(pygame.K_RETURN)
    app.frame(1 / 60)
    console = app.stack[-1]
    assert isinstance(console, Console)
    return console


def exercise_of(console):
    """The ``Exercise`` behind a console's terminal: what the tests check the engine did."""
    return console.session.exercise._exercise


def start(app, roles: tuple[str, ...], **scenario):
    """``start_with`` the default test scenario, with any section replaced."""
    from conftest import scenario_dict

    return start_with(app, roles, scenario_dict(**scenario))


def frames(app, n: int) -> None:
    """Run ``n`` frames of 1/60 s."""
    for _ in range(n):
        app.frame(1 / 60)


def at(console, thing: str) -> tuple[int, int]:
    """Screen position of a unit or an incident the trainee can see."""
    snap = console.snapshot
    found = next(x for x in (*snap.units, *snap.incidents) if x.id == thing)
    return console.camera.to_screen(found.x, found.y)


def start_file(app, roles: tuple[str, ...], path, seed: int = 0):
    """The console for a bundled scenario file, the other agencies played by SOP bots.

    As ``run_sim.py play`` sets it up (``build_exercise``), without the briefing.
    """
    from simulator.build import build_exercise
    from simulator.scenario import load
    from simulator.terminal import Terminal
    from simulator.view.console import Console
    from simulator.view.session import Session

    scenario = load(path)
    others = [a.id for a in scenario.agencies if a.id not in roles]
    exercise = build_exercise(scenario, seed, automated=others)
    console = Console(app, Session(Terminal(exercise, tuple(roles)), tuple(roles)), 60)
    app.push(console)
    app.frame(0.0)
    return console


def run_to(app, console, t: float) -> None:
    """Advance the exercise to ``t`` seconds, paused there: the panel and log follow."""
    console.exercise.advance(t)
    console.pace.paused = True
    app.frame(1 / 60)
    console._refresh_selection()  # as the panel does by itself every half second
    app.frame(0.0)
