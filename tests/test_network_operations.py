"""Planned operations and deconfliction over the network: who hears what, seats that act.

Eastfield Warrant Day plans three operations: the police warrant (overt, EMS taking
part) and two covert DEA ones; the police warrant and the DEA surveillance overlap, so
registering both makes a conflict (DC1) that the Marlow watch centre logs under its own
agency and tells both leads of.
"""

import contextlib
import json
import threading
from pathlib import Path

import pygame
import pytest
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from test_network import start_server
from view_helpers import key

from simulator.build import build_exercise
from simulator.events import Event
from simulator.network.bot import play_seat, sit
from simulator.network.link import LinkError
from simulator.network.roles import Hearing, Seat
from simulator.scenario import load
from simulator.view.app import App
from simulator.view.console import Console
from simulator.view.session import Session

EASTFIELD = Path(__file__).resolve().parent.parent / "scenarios" / "eastfield_warrant_day.yaml"
PLAYED = ("eastfield_pd", "dea", "eastfield_ems", "eastfield_fire")


@pytest.fixture(scope="module")
def eastfield_log() -> list[Event]:
    """The first 20 minutes under SOP players: both leads register and acknowledge DC1."""
    exercise = build_exercise(load(EASTFIELD), 0)
    exercise.advance(1200)
    return exercise.log.events


def _heard(log: list[Event], agency: str) -> list[Event]:
    hearing = Hearing(Seat(agency, (agency,)))
    return [e for e in log if hearing.hears(e, None)]


def _planned(events: list[Event]) -> set[str]:
    return {e.data["operation"] for e in events if e.kind == "operation.planned"}


def test_a_lead_hears_its_conflicts_logged_under_the_watch_centre(eastfield_log):
    police = _heard(eastfield_log, "eastfield_pd")
    conflict = [e for e in police if e.kind.startswith("deconfliction.")]
    assert {e.agency for e in conflict} == {"marlow_ric", "eastfield_pd", "dea"}
    kinds = {e.kind for e in conflict}
    assert kinds == {
        "deconfliction.conflict",
        "deconfliction.notice",
        "deconfliction.acknowledged",
        "deconfliction.resolved",
    }
    # Its own notice, not the DEA's; the DEA's answer reaches it: it sees the matter closed.
    assert [e.agency for e in conflict if e.kind == "deconfliction.notice"] == ["eastfield_pd"]
    assert [e.agency for e in conflict if e.kind == "deconfliction.acknowledged"] == [
        "dea",
        "eastfield_pd",
    ]
    # The covert DEA operations stay with the DEA; the police hear their own.
    assert _planned(police) == {"OP-WARRANT"}
    assert {e.data["operation"] for e in police if e.kind == "operation.phase"} == {"OP-WARRANT"}


def test_covert_operations_reach_only_their_agencies_and_overt_ones_everyone(eastfield_log):
    heard = {agency: _heard(eastfield_log, agency) for agency in PLAYED}
    assert _planned(heard["dea"]) == {"OP-WARRANT", "OP-BUY", "OP-UC-WATCH"}
    assert _planned(heard["eastfield_ems"]) == {"OP-WARRANT"}  # taking part
    assert _planned(heard["eastfield_fire"]) == {"OP-WARRANT"}  # overt
    ems_phases = {e.data["phase"] for e in heard["eastfield_ems"] if e.kind == "operation.phase"}
    assert {"briefing", "staging", "entry"} <= ems_phases
    for agency in ("eastfield_ems", "eastfield_fire"):
        assert not [e for e in heard[agency] if e.kind.startswith("deconfliction.")]


@pytest.fixture(autouse=True)
def _rehearsal(monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")


def test_bot_seats_register_their_operations_and_answer_notices(tmp_path):
    server = start_server(
        tmp_path, seats=["eastfield_pd", "dea"], speed=200, until=600, scenario=EASTFIELD
    )
    threads = [
        threading.Thread(target=play_seat, args=(server.url, server.tokens[seat], "sop"))
        for seat in ("eastfield_pd", "dea")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    server.wait()
    rows = [json.loads(line) for line in (tmp_path / "run" / "commands.jsonl").open()]
    given = {(r["source"], r["command"]["type"]) for r in rows}
    for seat in ("eastfield_pd", "dea"):  # a bot's orders, recorded as an automated seat's
        assert (f"bot:{seat}", "register_operation") in given
        assert (f"bot:{seat}", "deconflict") in given
    log = server.served.exercise.log
    [resolved] = log.of_kind("deconfliction.resolved")
    assert resolved.data["how"] == "coordinated"
    assert not log.of_kind("operation.blue_on_blue")


def test_a_seats_map_view_registers_and_answers_over_the_network(tmp_path):
    server = start_server(
        tmp_path, seats=["eastfield_pd", "dea"], speed=60, until=None, scenario=EASTFIELD
    )
    dea = threading.Thread(target=play_seat, args=(server.url, server.tokens["dea"], "sop"))
    dea.start()
    seated = sit(server.url, server.tokens["eastfield_pd"])
    mirror = seated.mirror

    def pump() -> None:
        with contextlib.suppress(LinkError):
            while (message := seated.link.receive(0.05)) is not None:
                mirror.feed(message)
        mirror.deliver()

    mirror.pump = pump
    app = App((1280, 720))
    console = Console(app, Session(mirror, ("eastfield_pd",), None, lambda s: None), 1)
    app.push(console)

    def press(kind: str) -> None:
        """Frames until an enabled option of ``kind`` is offered, then its number key."""
        for _ in range(400):
            app.frame(1 / 60)
            console._refresh_selection()
            found = [n for n, o in enumerate(console.options) if o.kind == kind and o.enabled]
            if found:
                key(getattr(pygame, f"K_{found[0] + 1}"))
                app.frame(0.0)
                return
        raise AssertionError(f"no {kind} option came: {[o.label for o in console.options]}")

    try:
        press("register")
        assert {op.id for op in console.snapshot.operations} == {"OP-WARRANT"}
        press("deconflict")  # the first of the three: acknowledge
        log = server.served.exercise.log
        for _ in range(100):
            if log.of_kind("deconfliction.resolved"):
                break
            app.frame(1 / 60)
    finally:
        server.stop()
        server.wait()
        dea.join(30)
        pygame.display.quit()
    rows = [json.loads(line) for line in (tmp_path / "run" / "commands.jsonl").open()]
    mine = [r["command"] for r in rows if r["source"] == "seat:eastfield_pd"]
    assert [c["type"] for c in mine[:2]] == ["register_operation", "deconflict"]
    assert mine[1]["action"] == "acknowledge"
    [resolved] = log.of_kind("deconfliction.resolved")
    assert resolved.data["how"] == "coordinated"
