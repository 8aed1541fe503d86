"""The end screen counts the trainee's own commands, not the automated players' too."""

import pygame
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from conftest import SCENARIOS
from view_helpers import exercise_of, key, rendered, run_to, start_file

from simulator.commands import Dispatch, SetService
from simulator.view.ending import Ending


def test_the_end_screen_counts_the_trainees_commands_and_labels_the_players_apart(app, monkeypatch):
    console = start_file(app, ("police",), SCENARIOS / "small_town_collision.yaml")
    seat = console.session.exercise
    assert seat.submit(SetService(agency="police", unit="P2", in_service=False)).accepted
    assert not seat.submit(Dispatch(agency="police", incident="NOPE", units=["P1"])).accepted
    run_to(app, console, 1800)
    key(pygame.K_q, mod=pygame.KMOD_CTRL)
    app.frame(0.0)
    assert isinstance(app.stack[-1], Ending)
    drawn = rendered(app, monkeypatch)
    orders = [e for e in exercise_of(console).log.events if e.kind.startswith("command.")]
    players = [e for e in orders if e.data["source"].startswith("player:")]
    rejected = sum(e.kind == "command.rejected" for e in players)
    assert players  # the automated players gave theirs meanwhile
    at = drawn.index("Your commands accepted / rejected")
    assert drawn[at + 1] == "1 / 1"
    at = drawn.index("Automated players' commands")
    assert drawn[at + 1] == f"{len(players) - rejected} accepted, {rejected} rejected"


def test_the_controllers_and_other_seats_commands_are_nobodys_on_a_trainees_screen():
    from simulator.events import Event
    from simulator.review.summary import Orders, orders_by_giver

    def order(kind: str, agency: str, source: str) -> Event:
        data = {"source": source, "command": {}}
        return Event(1, 0.0, kind, agency, data=data | ({"reason": "no"} if "rej" in kind else {}))

    events = [
        order("command.accepted", "police", "seat:police"),
        order("command.rejected", "police", "trainee"),
        order("command.accepted", "fire", "seat:fire"),  # another trainee's seat
        order("command.accepted", "police", "controller"),
        order("command.rejected", "fire", "player:fire"),
    ]
    assert orders_by_giver(events, ("police",)) == (Orders(1, 1), Orders(0, 1))


def test_networked_bots_are_automated_and_the_controllers_own_orders_are_its_own():
    from simulator.events import Event
    from simulator.review.summary import Orders, orders_by_giver

    def order(kind: str, agency: str, source: str) -> Event:
        data = {"source": source, "command": {}}
        return Event(1, 0.0, kind, agency, data=data | ({"reason": "no"} if "rej" in kind else {}))

    events = [
        order("command.accepted", "police", "bot:police"),  # join --bot: an automated player
        order("command.accepted", "fire", "seat:fire"),  # a trainee's seat
        order("command.accepted", "police", "controller"),
        order("command.rejected", "police", "controller"),
        order("command.accepted", "ems", "player:ems"),
    ]
    every = ("ems", "fire", "police")
    # A trainee seat playing police: the bot's order is no more its own than fire's.
    assert orders_by_giver(events, ("police",)) == (Orders(0, 0), Orders(2, 0))
    # The controller's screen: its roles are every agency, its own orders its own only.
    assert orders_by_giver(events, every, "controller") == (Orders(1, 1), Orders(2, 0))


def test_the_end_screen_names_the_trainees_agency_that_reached_no_incident(app, monkeypatch):
    """Its response line was left out, so an idle role read as having nothing to answer."""
    console = start_file(app, ("police",), SCENARIOS / "small_town_collision.yaml")
    run_to(app, console, 1800)
    key(pygame.K_q, mod=pygame.KMOD_CTRL)
    app.frame(0.0)
    drawn = rendered(app, monkeypatch)
    name = next(a.name for a in exercise_of(console).scenario.agencies if a.id == "police")
    at = drawn.index(f"Response, {name}")
    assert drawn[at + 1] == "needed at 1 incident, reached none"


def test_the_end_screen_says_why_a_role_had_no_duty(app, monkeypatch):
    """A bare "no duty arose" read as a clean sheet where fire was never told of the crash.

    ``run``, ``serve`` and the report gave the reason; the end screen kept the score alone.
    """
    console = start_file(app, ("police", "fire"), SCENARIOS / "small_town_collision.yaml")
    run_to(app, console, 1800)
    key(pygame.K_q, mod=pygame.KMOD_CTRL)
    app.frame(0.0)
    drawn = rendered(app, monkeypatch)
    names = exercise_of(console).scenario.agency_names()
    line = (
        f"Your role, {names['fire']}: no duty arose: never told of 1 incident needing it, "
        f"known to {names['police']} (police)"  # by name, as the report says it
    )
    assert line in drawn


def _networked_end(app, monkeypatch, console, seat, recorded: dict | None):
    """The end screen of ``seat`` (a networked one), as its server's ``recorded`` says."""
    from dataclasses import replace

    from simulator.view.session import Remote, Verdict

    run = (recorded or {}).get("run")
    lines = (
        f"Recorded by the server at host:8792 as run {run}; the scores are the server's.",
        f"After-action report: ask the controller (on the server: run_sim.py report {run}).",
    )
    roles = {a.id: 40.0 for a in seat.scenario.agencies}
    told = Verdict(40.0, True, 1800.0, roles, ())
    console.session.exercise.finish("stopped by the controller")
    session = replace(console.session, exercise=seat, remote=lambda: Remote(lines, told))
    app.push(Ending(app, session))
    return rendered(app, monkeypatch)


def test_a_networked_seat_leaves_out_the_automated_players_it_never_heard(app, monkeypatch):
    """A seat's end screen said "Automated players' commands 0 accepted, 0 rejected" for a
    run whose commands.jsonl had ~50: it counted only what the seat heard."""
    console = start_file(app, ("police",), SCENARIOS / "small_town_collision.yaml")
    run_to(app, console, 1800)
    drawn = _networked_end(app, monkeypatch, console, console.session.exercise, {"run": 3})
    assert "Your commands accepted / rejected" in drawn
    assert "Automated players' commands" not in drawn
    assert "After-action report: ask the controller (on the server: run_sim.py report 3)." in drawn


class _Desk:
    """A local seat dressed as the controller's desk (its mirror's seat, seats, run)."""

    seat = "controller"
    run = 15
    recorded = {"run": 15}
    seats = {
        "controller": {"agencies": []},
        "police": {"agencies": ["police"]},
    }

    def __init__(self, terminal):
        self._terminal = terminal

    def __getattr__(self, name):
        return getattr(self._terminal, name)


def test_the_controllers_end_screen_is_the_controllers_not_a_trainees(app, monkeypatch):
    """It read "Your role, Ashford EMS: 0 / 100" for all nine agencies, "Your commands"
    for its injects and "After-action report: ask the controller"."""
    from simulator.commands import AddInject

    console = start_file(app, ("police",), SCENARIOS / "small_town_collision.yaml")
    desk = _Desk(console.session.exercise)
    names = desk.scenario.agency_names()
    inject = AddInject(to=["police"], text="Diesel in the river")
    assert exercise_of(console).submit(inject, source="controller").accepted
    run_to(app, console, 1800)
    console.session.roles = tuple(names)  # the desk plays every agency
    drawn = _networked_end(app, monkeypatch, console, desk, _Desk.recorded)
    assert not [line for line in drawn if line.startswith("Your ")]
    at = drawn.index("The controller's commands accepted / rejected")
    assert drawn[at + 1] == "1 / 0"
    assert "Automated players' commands" not in drawn
    assert [line for line in drawn if line.startswith("Seat ")] == [
        f"Seat police, {names['police']}: 40 / 100"
    ]
    assert not [line for line in drawn if "ask the controller" in line]
    assert "After-action report: run_sim.py report 15 on the server." in drawn
