"""The controller's map view over loopback: its desk runs the clock and the script.

The view is driven with posted keys and clicks (dummy SDL driver); each desk action is
a request answered before the frame ends, so the server's state is checked right after.
"""

import contextlib

import pygame
import pytest
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from test_network import start_server
from view_helpers import click, key, rendered

from simulator.network.bot import sit
from simulator.network.link import LinkError
from simulator.view.app import App
from simulator.view.briefing import Briefing
from simulator.view.confirm import Confirm
from simulator.view.controller import Desk, InjectEntry, controller_desk
from simulator.view.ending import Ending
from simulator.view.session import Session


@pytest.fixture(autouse=True)
def _rehearsal(monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")


def _ctrl(code: int) -> None:
    key(code, mod=pygame.KMOD_CTRL)


def test_the_controllers_desk_pauses_paces_holds_releases_injects_and_ends(tmp_path, monkeypatch):
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=None)
    seated = sit(server.url, server.tokens["controller"])
    mirror = seated.mirror

    def take(timeout: float) -> None:
        """What has arrived (as the window's pump does; the end closes the link)."""
        with contextlib.suppress(LinkError):
            while (message := seated.link.receive(timeout)) is not None:
                mirror.feed(message)
                timeout = 0

    def pump() -> None:
        take(0)
        mirror.deliver()

    def until(done) -> None:
        """Frames until ``done()``, waiting on the connection (not the clock) between."""
        for _ in range(100):
            app.frame(1 / 60)
            if done():
                return
            take(0.2)
        raise AssertionError("the view never got there")

    mirror.pump = pump
    app = App((1280, 720))
    app.decorate = controller_desk
    start = lambda roles: Session(mirror, roles, None, lambda s: None)  # noqa: E731
    app.push(Briefing(app, mirror.scenario, start, mirror.agencies, 1))
    key(pygame.K_RETURN)
    until(lambda: bool(mirror.injects))
    desk = app.stack[-1]
    assert isinstance(desk, Desk)
    host = server.host
    engine = server.served.exercise.engine

    key(pygame.K_SPACE)  # pause for everyone, and back
    app.frame(1 / 60)
    assert host.control.paused and desk.said == "Paused for everyone"
    key(pygame.K_SPACE)
    key(pygame.K_RIGHTBRACKET)
    app.frame(1 / 60)
    assert not host.control.paused and host.control.speed == 2.0

    click(desk.rows[2].center)  # pick MSEL 2 (the bridge closes at 00:10) and hold it
    _ctrl(pygame.K_h)
    app.frame(1 / 60)
    assert engine.script.held == {2} and desk.said == "Holding inject 2"
    # HSEEP's MSEL columns for the row picked: what it serves, by objective and capability.
    assert "Serves: no objective named" in rendered(app, monkeypatch)
    click(desk.rows[1].center)
    capability = "On-scene Security, Protection, and Law Enforcement"
    assert f"Serves: OBJ1 ({capability})" in rendered(app, monkeypatch)
    click(desk.rows[2].center)
    _ctrl(pygame.K_h)
    app.frame(1 / 60)
    assert desk.said == "Rejected: MSEL inject 2 is already held"
    until(lambda: any(r["seq"] == 2 and r["status"] == "held" for r in mirror.injects))

    _ctrl(pygame.K_i)  # an ad-hoc inject to fire only
    app.frame(1 / 60)
    entry = app.stack[-1]
    assert isinstance(entry, InjectEntry)
    key(pygame.K_RETURN)
    app.frame(1 / 60)
    assert entry.problem == "Tick at least one recipient (Tab)."
    for _ in range(entry.agencies.index("fire")):
        key(pygame.K_DOWN)
    key(pygame.K_TAB)
    for letter in "Diesel in the river":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=letter))
    app.frame(1 / 60)
    assert entry.chosen == {"fire"} and entry.text == "Diesel in the river"
    key(pygame.K_RETURN)
    app.frame(1 / 60)
    assert app.stack[-1] is desk and desk.said == "Inject sent"
    log = server.served.exercise.log
    received = [(e.agency, e.data["text"]) for e in log.of_kind("information.received")]
    assert received == [("fire", "Diesel in the river")]

    click(desk.buttons["release"].center)  # MSEL 2 is still the one picked: out now
    app.frame(1 / 60)
    assert desk.said == "Released inject 2"
    assert 2 in engine.script.released and not engine.script.held
    until(lambda: any(r["seq"] == 2 and r["status"] == "released" for r in mirror.injects))
    app.frame(1 / 60)
    shot = tmp_path / "controller_view.png"
    app.screenshot(shot)
    assert shot.stat().st_size > 10_000

    # Seats: neither trainee seat has joined; a drop will pause everyone once chosen.
    assert {n: s["connected"] for n, s in mirror.seats.items() if n != "controller"} == {
        "fire": False,
        "police": False,
    }
    click(desk.buttons["drop"].center)
    app.frame(1 / 60)
    assert (
        host.control.on_drop == "pause" and desk.said == "A seat that drops now pauses the exercise"
    )
    until(lambda: mirror.on_drop == "pause")

    key(pygame.K_F2)  # the panel folds away from the map, and comes back with a click
    app.frame(1 / 60)
    assert not desk.shown and not desk.rows
    click(desk.buttons["desk"].center)
    app.frame(1 / 60)
    assert desk.shown and desk.rows

    _ctrl(pygame.K_q)  # end, for everyone, after a question
    app.frame(1 / 60)
    assert isinstance(app.stack[-1], Confirm)
    key(pygame.K_RETURN)
    until(lambda: isinstance(app.stack[-1], Ending))
    seated.link.close()
    server.wait()
    assert server.served.exercise.ended and host.complete
    pygame.display.quit()
