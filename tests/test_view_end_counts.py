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
