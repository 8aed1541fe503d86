"""A trainee passes a road closure on from the map view, and the report credits it.

The review charges an agency for a critical fact it knew first and never passed on (a
road closure among them); the automated players pass one on with a ``Share`` naming
``closure:<street>``, and the panel offers the trainee the same command.
"""

from pathlib import Path

import pygame
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from view_helpers import click, exercise_of, key, run_to, start_file

from simulator.review.roles import role_scores
from simulator.view.app import App
from simulator.view.console import Console

SMALL_TOWN = Path(__file__).parent.parent / "scenarios" / "small_town_collision.yaml"
FACT = "closure:Mill Bridge"


def choose(app: App, console: Console, label: str) -> None:
    """Press the number of the option whose label is ``label``."""
    index = next(n for n, o in enumerate(console.options) if o.label == label)
    assert index < 9 and console.options[index].enabled
    key(getattr(pygame, f"K_{index + 1}"))
    app.frame(0.0)


def select_bridge(app: App, console: Console) -> None:
    """Click the Mill Bridge on the map, off the incident on its middle."""
    key(pygame.K_ESCAPE)
    click(console.camera.to_screen(800.0, 150.0))
    app.frame(0.0)
    assert console.panel.summary == "Road: Mill Bridge"


def closed_by_police(app: App) -> Console:
    """Police, played, closes the Mill Bridge from the panel before anyone else knows."""
    console = start_file(app, ("police",), SMALL_TOWN)
    run_to(app, console, 60.0)
    select_bridge(app, console)
    choose(app, console, "Close road: Mill Bridge (B-E)")
    run_to(app, console, 61.0)
    return console


def shares(console: Console) -> list[dict]:
    """The trainee's shares the engine accepted."""
    return [
        e.data["command"]
        for e in exercise_of(console).log.events
        if e.kind == "command.accepted"
        and e.data["source"] == "trainee"
        and e.data["command"]["type"] == "share"
    ]


def test_a_closed_road_offers_its_closure_to_each_agency_and_the_report_credits_it(app):
    console = closed_by_police(app)
    select_bridge(app, console)
    labels = [o.label for o in console.options]
    assert "Share closure of Mill Bridge with Town EMS" in labels
    assert "Share closure of Mill Bridge with Town Fire Rescue" in labels
    choose(app, console, "Share closure of Mill Bridge with Town EMS")
    assert shares(console) == [
        {"agency": "police", "type": "share", "to": "ems", "facts": [FACT]}
    ]  # as the automated players give it: the fact named, no incident
    assert "Sharing Mill Bridge closure with Town EMS" in [e.text for e in console.log.entries]
    (done,) = [o for o in console.options if o.label.endswith("of Mill Bridge with Town EMS")]
    assert done.done and done.label == "Shared closure of Mill Bridge with Town EMS"
    ex = exercise_of(console)
    ex.advance(ex.scenario.metadata.duration)
    police = role_scores(ex.scenario, ex.log.events)["police"]
    (share,) = [g for g in police.groups if g.name == "share"]
    to_ems = [d for d in share.duties if "Mill Bridge closure" in d.note and "ems" in d.note]
    assert [(d.note, d.censored) for d in to_ems] == [("the Mill Bridge closure to ems", False)]


def test_with_nothing_selected_every_untold_closure_is_shared_at_once(app):
    console = closed_by_police(app)
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    choose(app, console, "Share closures with every agency (1 new)")
    told = sorted(c["to"] for c in shares(console))
    assert told == ["county_fire", "ems", "fire"]
    assert all(c["facts"] == [FACT] for c in shares(console))
    (done,) = [o for o in console.options if o.kind == "closure"]
    assert done.done and done.label == "Closures shared: Mill Bridge"
    notice = console.toast[0].split("\n")  # one line per agency told, saying what
    assert "Town Police: shared Mill Bridge closure with County Fire" in notice
    assert not any("None" in line for line in notice)


def test_the_round_up_counts_a_reopening_as_such_not_as_a_new_closure(app):
    console = closed_by_police(app)
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    choose(app, console, "Share closures with every agency (1 new)")
    run_to(app, console, 300.0)
    select_bridge(app, console)
    choose(app, console, "Open road: Mill Bridge (B-E)")
    run_to(app, console, 301.0)
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    choose(app, console, "Share closures with every agency (1 reopened)")
    assert (
        sorted(c["to"] for c in shares(console)) == ["county_fire"] * 2 + ["ems"] * 2 + ["fire"] * 2
    )
    # Said as a reopening, in the notice, the log and the done row, not as a closure.
    notice = console.toast[0].split("\n")
    assert "Town Police: shared Mill Bridge reopening with County Fire" in notice
    said = [e.text for e in console.log.entries]
    assert "Sharing Mill Bridge reopening with County Fire" in said
    assert "Sharing Mill Bridge closure with County Fire" in said  # the first round-up
    (done,) = [o for o in console.options if o.kind == "closure"]
    assert done.done and done.label == "Closures shared: Mill Bridge (reopened)"
