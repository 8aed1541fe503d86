"""Planned operations, deconfliction and handling levels in the map view (issue 14).

Eastfield Warrant Day: the police warrant OP-WARRANT (overt, EMS taking part) and the
DEA's covert surveillance OP-UC-WATCH 230 m away overlap; the DEA's word that the men at
the laundromat are its agents (hazard:BUY-1/agents) is need to know, cleared for the
police and the sheriff only. The other agencies are played by SOP bots.
"""

from pathlib import Path

import pygame
import pytest
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from view_helpers import exercise_of, key, pixel, run_to, start_file

from simulator.view.confirm import Confirm
from simulator.view.handling import TLP_COLOUR
from simulator.view.palette import SKY_BLUE

EASTFIELD = Path(__file__).resolve().parent.parent / "scenarios" / "eastfield_warrant_day.yaml"


def of_kind(console, kind: str) -> list:
    return [o for o in console.options if o.kind == kind]


def choose(app, console, option) -> None:
    """Press the option's number key (it must be among the nine shown)."""
    index = console.options.index(option)
    assert index < 9, [o.label for o in console.options]
    key(getattr(pygame, f"K_{index + 1}"))
    app.frame(0.0)


def trainee(console, kind: str) -> list[dict]:
    rows = exercise_of(console).commands
    return [c["command"] for c in rows if c["source"] == "trainee" and c["command"]["type"] == kind]


def test_register_and_answer_a_conflict_notice_from_the_panel(app):
    console = start_file(app, ("eastfield_pd",), EASTFIELD)
    run_to(app, console, 5)
    (register,) = of_kind(console, "register")
    assert register.enabled and register.label.startswith("Register OP-WARRANT")
    choose(app, console, register)
    assert trainee(console, "register_operation") == [
        {"agency": "eastfield_pd", "type": "register_operation", "operation": "OP-WARRANT"}
    ]
    (register,) = of_kind(console, "register")
    assert register.done and not register.enabled
    run_to(app, console, 190)  # the DEA registers at 00:02; the watch centre calls at 00:03
    answers = of_kind(console, "deconflict")
    assert [o.label for o in answers] == [
        "Acknowledge DC1: OP-WARRANT vs DEA Eastfield Resident Office Task Force's OP-UC-WATCH",
        "Postpone OP-WARRANT 15 min (DC1)",
        "Cancel OP-WARRANT (DC1)",
    ]
    assert all(o.enabled for o in answers)
    choose(app, console, answers[0])
    [resolved] = exercise_of(console).log.of_kind("deconfliction.resolved")
    assert resolved.data["how"] == "coordinated"
    done, *others = of_kind(console, "deconflict")  # the answer in its place
    assert done.done and done.reason == "coordinated"
    assert [(o.enabled, o.reason) for o in others] == [(False, "no longer possible")] * 2
    # The log told the trainee of the notice, in the inbox, in words.
    notice = [e for e in console.log.entries if e.kind == "deconfliction.notice"]
    assert len(notice) == 1 and notice[0].inbox and notice[0].alert
    assert "conflict DC1, your OP-WARRANT overlaps" in notice[0].text
    assert "deconfliction." not in notice[0].text


def test_an_answer_the_engine_would_refuse_is_greyed_with_its_reason(app):
    console = start_file(app, ("eastfield_pd",), EASTFIELD)
    run_to(app, console, 5)
    choose(app, console, of_kind(console, "register")[0])
    # Past OP-WARRANT's entry (00:05) with the notice unanswered: both operations are
    # compromised, and the engine refuses every answer.
    run_to(app, console, 310)
    answers = of_kind(console, "deconflict")
    assert len(answers) == 3
    assert {(o.enabled, o.reason) for o in answers} == {
        (False, "operation OP-WARRANT is compromised")
    }
    (register,) = of_kind(console, "register")  # over: it stays in its place, done
    assert register.done and not register.enabled


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("eastfield_pd", {"OP-WARRANT"}),
        ("dea", {"OP-WARRANT", "OP-BUY", "OP-UC-WATCH"}),
        ("eastfield_ems", {"OP-WARRANT"}),  # taking part
        ("eastfield_fire", {"OP-WARRANT"}),  # overt: on everyone's map
    ],
)
def test_covert_operations_are_shown_only_to_the_agencies_taking_part(app, role, seen):
    console = start_file(app, (role,), EASTFIELD)
    run_to(app, console, 5)
    assert {op.id for op in console.snapshot.operations} == seen
    labels = [name for name, _ in console.markers.labels]
    assert {
        op for op in ("OP-WARRANT", "OP-BUY", "OP-UC-WATCH") if any(op in n for n in labels)
    } <= seen
    assert any("OP-WARRANT" in n for n in labels)


def test_an_operation_is_on_the_map_with_its_ring_window_and_phase(app):
    console = start_file(app, ("eastfield_pd",), EASTFIELD)
    run_to(app, console, 200)
    [op] = console.snapshot.operations
    camera = console.camera
    camera.scale *= 4
    camera.cx, camera.cy = op.x + 60, op.y  # the station's cars stay clear of the badge
    app.frame(0.0)
    cx, cy = camera.to_screen(op.x, op.y)
    half = max(6, console.markers.sizes(camera)[0] // 2 + 2)  # the badge's radius
    inside = round(0.55 * half)  # between its cross-hair's ring and its edge
    assert pixel(app.surface, (cx + inside, cy - inside)) == SKY_BLUE  # the lead's colour
    radius = round(500 * camera.scale)
    assert pixel(app.surface, (cx + radius, cy)) == SKY_BLUE  # the watch centre's ring
    [label] = [name for name, _ in console.markers.labels if name.startswith("OP-WARRANT")]
    assert "00:00-00:50" in label and label.endswith("staging NOT REGISTERED")


def test_a_caveated_fact_carries_its_badge_and_an_over_share_asks_first(app):
    console = start_file(app, ("dea",), EASTFIELD)
    run_to(app, console, 2200)  # the DEA cover team has been seen; the DEA knows BUY-1
    badges = [e for e in console.log.entries if e.badge]
    assert badges and {e.badge for e in badges} == {"TLP:RED NTK"}
    [line] = [e for e in badges if e.kind == "intelligence.caveat"]
    assert line.text.startswith("hazard at BUY-1: agents is need to know (TLP:RED)")
    app.frame(0.0)
    log = console.rects["log"]
    drawn = pygame.surfarray.array3d(app.surface.subsurface(log)).reshape(-1, 3)
    assert (drawn == TLP_COLOUR["TLP:RED"]).all(axis=1).any()  # the badge's red edge
    console.selection.choose_incident("BUY-1")
    console._refresh_selection()
    shares = {o.commands[0].to: o for o in of_kind(console, "share")}
    assert not shares["eastfield_pd"].warning  # cleared by the DEA
    fire = shares["eastfield_fire"]
    assert fire.enabled and "over-shares TLP:RED NTK" in fire.label
    assert "hazard at BUY-1: agents [TLP:RED NTK" in fire.warning
    choose(app, console, fire)
    assert isinstance(app.stack[-1], Confirm)
    key(pygame.K_ESCAPE)  # "Do not share"
    app.frame(0.0)
    assert not [c for c in trainee(console, "share") if c["to"] == "eastfield_fire"]
    choose(app, console, fire)
    key(pygame.K_RETURN)  # "Share anyway"
    app.frame(0.0)
    assert [c["to"] for c in trainee(console, "share")] == ["eastfield_fire"]
    run_to(app, console, 2300)
    [over] = exercise_of(console).log.of_kind("intelligence.overshared")
    assert (over.agency, over.data["to"]) == ("dea", "eastfield_fire")
