"""The trainee can answer (issue 12, item 4): reply, write, request, open a staging area.

Driven with posted pygame events under the dummy driver: a click on a log line picks
it, Enter opens the reply, typed text arrives as ``TEXTINPUT``, Enter sends and Esc
cancels. Every message goes through ``Exercise.submit`` as a ``SendMessage``; a
staging area as an ``OpenStaging`` under an id the option shows first.
"""

import pygame
import pytest
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from conftest import incident
from view_helpers import click, exercise_of, frames, key, start

from simulator.commands import SendMessage
from simulator.view.app import App
from simulator.view.compose import Compose
from simulator.view.console import Console
from simulator.view.draft import Draft, Recipient

FIRE_CALL = incident(
    incident_type="structure_fire",
    requires={"fire_suppression": 1, "als": 1},
    calls={"count": 1, "agency": "fire"},
)


def type_text(app: App, text: str) -> None:
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
    app.frame(0.0)


def press(app: App, code: int) -> None:
    key(code)
    app.frame(0.0)


def trainee_commands(console: Console) -> list[dict]:
    return [c["command"] for c in exercise_of(console).commands if c["source"] == "trainee"]


def overlay(app: App) -> Compose:
    screen = app.stack[-1]
    assert isinstance(screen, Compose)
    return screen


def line_on_screen(console: Console, n: int) -> tuple[int, int]:
    """Where log line ``n`` is drawn (the log must have been drawn since)."""
    for rect, hit in console.log._hits:
        if hit == ("line", n):
            return rect.move(console.log.rect.topleft).center
    raise AssertionError(f"log line {n} is not on screen")


def choose_recipient(app: App, label: str) -> None:
    """Down until the overlay's recipient reads ``label``."""
    compose = overlay(app)
    for _ in compose.draft.recipients:
        if compose.draft.recipients[compose.at].label == label:
            return
        press(app, pygame.K_DOWN)
    raise AssertionError(f"no recipient {label!r}")


def test_a_reply_goes_to_the_agency_that_sent_the_message_with_the_typed_text(app):
    console = start(app, ("fire",))
    ex = exercise_of(console)
    # Police (not played here) radio the fire dispatcher.
    said = SendMessage(agency="police", to="fire", text="gunman seen at the north door")
    assert ex.submit(said, source="controller").accepted
    frames(app, 60)
    (heard,) = [e for e in console.log.entries if e.reply is not None]
    assert heard.text.startswith("Police told you: gunman seen at the north door (msg #1")
    assert heard.inbox and heard.reply.to == "police" and heard.reply.agency == "fire"
    click(line_on_screen(console, heard.n))
    app.frame(0.0)
    assert console.log.reply() == heard.reply
    press(app, pygame.K_RETURN)  # Enter answers the message picked
    compose = overlay(app)
    assert compose.draft.title == "Reply to Police (msg #1)"
    assert [r.label for r in compose.draft.recipients] == ["Police"]
    type_text(app, "Copy, staging engines ")
    type_text(app, "on Main Street")
    press(app, pygame.K_RETURN)
    assert app.stack[-1] is console  # sent: the overlay closed
    assert trainee_commands(console) == [
        {
            "agency": "fire",
            "type": "message",
            "to": "police",
            "kind": "sitrep",
            "text": "Copy, staging engines on Main Street",
        }
    ]
    assert ex.log.of_kind("command.accepted")[-1].data["source"] == "trainee"
    assert console.toast[0] == "Done: Message to Police sent"
    assert any(
        e.text == "Message to Police: \u201cCopy, staging engines on Main Street\u201d"
        for e in console.log.entries
    )
    frames(app, 60)
    assert any(e.text.startswith("Your msg #2 reached Police") for e in console.log.entries)


def test_the_reply_button_answers_the_picked_line_and_is_dead_without_one(app):
    console = start(app, ("fire",))
    press(app, pygame.K_RETURN)  # nothing picked: Enter does nothing
    assert app.stack[-1] is console
    reply = next(rect for rect, hit in console.log._hits if hit == ("button", "reply"))
    click(reply.move(console.log.rect.topleft).center)
    app.frame(0.0)
    assert app.stack[-1] is console
    assert console.toast[0] == "Nothing to reply to: click a message in the log first."


def test_a_free_text_message_to_an_agency_then_onto_a_channel(app):
    console = start(app, ("fire",))
    key(pygame.K_m)
    # SDL sends the "m" as text too, in the same frame: it must not be typed.
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="m"))
    app.frame(0.0)
    compose = overlay(app)
    assert compose.text == ""
    labels = [r.label for r in compose.draft.recipients]
    # Every other agency by name, then each channel fire is on.
    assert labels == [
        "Ems",
        "Police",
        "channel cad-link (CAD-to-CAD link)",
        "channel dispatch-phone (Dispatch centre phone lines)",
        "channel fire-dispatch (Fire dispatch)",
    ]
    choose_recipient(app, "Police")
    type_text(app, "Hydrant 12 is out of order")
    press(app, pygame.K_RETURN)
    press(app, pygame.K_m)
    choose_recipient(app, "channel fire-dispatch (Fire dispatch)")
    press(app, pygame.K_TAB)  # the kind: information -> resource request -> tasking
    press(app, pygame.K_TAB)
    type_text(app, "All units switch to TAC 2")
    press(app, pygame.K_RETURN)
    assert trainee_commands(console) == [
        {
            "agency": "fire",
            "type": "message",
            "to": "police",
            "kind": "sitrep",
            "text": "Hydrant 12 is out of order",
        },
        {
            "agency": "fire",
            "type": "message",
            "channel": "fire-dispatch",
            "kind": "assignment",
            "text": "All units switch to TAC 2",
        },
    ]
    results = exercise_of(console).log.of_kind("command.accepted", "command.rejected")
    assert [e.kind for e in results] == ["command.accepted"] * 2


def test_typing_is_text_not_shortcuts_and_esc_cancels(app):
    console = start(app, ("fire",))
    frames(app, 70)  # the fire CAD holds INC1
    press(app, pygame.K_m)
    for code, char in ((pygame.K_a, "a"), (pygame.K_n, "n"), (pygame.K_SPACE, " ")):
        key(code, char)  # the key and its character, as SDL sends both
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=char))
    app.frame(0.0)
    compose = overlay(app)
    assert compose.text == "an "
    assert console.selection.incident is None and not console.pace.paused
    press(app, pygame.K_BACKSPACE)
    assert compose.text == "an"
    type_text(app, "x" * 600)
    assert len(compose.text) == 500 and compose.problem == "At most 500 characters."
    now = console.exercise.now
    frames(app, 30)
    assert console.exercise.now == now  # the clock waits while the trainee writes
    press(app, pygame.K_ESCAPE)
    assert app.stack[-1] is console
    assert trainee_commands(console) == []


def test_an_empty_or_refused_message_is_not_sent_and_the_text_is_kept(app):
    console = start(app, ("fire",))
    wrong = Recipient("fire", None, "police-dispatch", "police's channel")
    draft = Draft("Test", (wrong,))
    app.push(Compose(app, console.exercise, draft, console._send))
    press(app, pygame.K_RETURN)
    compose = overlay(app)
    assert compose.problem == "Type the message first."
    type_text(app, "hello")
    press(app, pygame.K_RETURN)
    assert compose.problem == "Cannot send: fire is not on channel police-dispatch"
    assert app.stack[-1] is compose and compose.text == "hello"
    assert trainee_commands(console) == []


def test_a_resource_request_about_the_selected_incident(app):
    console = start(app, ("fire",), msel=[FIRE_CALL])
    frames(app, 70)
    press(app, pygame.K_n)  # select INC1
    (request,) = [o for o in console.options if o.kind == "request"]
    assert request.label == "Request resources for INC1..." and request.enabled
    press(app, getattr(pygame, f"K_{console.options.index(request) + 1}"))
    compose = overlay(app)
    assert compose.draft.title == "Resource request for INC1"
    # EMS answers the ALS need: it is asked first; fire's own need is not asked for.
    assert compose.draft.recipients[0].label == "Ems"
    assert compose.text == "Need at INC1: 1 als. "
    type_text(app, "Send a medic to Main Street")
    press(app, pygame.K_RETURN)
    assert trainee_commands(console)[-1] == {
        "agency": "fire",
        "type": "message",
        "to": "ems",
        "kind": "resource_request",
        "incident": "INC1",
        "text": "Need at INC1: 1 als. Send a medic to Main Street",
    }
    frames(app, 60)
    texts = [e.text for e in console.log.entries]
    assert any(t.startswith("Your msg #") and "reached Ems" in t for t in texts)
    # The engine acknowledges a resource request: EMS's ack is heard.
    assert any(t.startswith("Ems acknowledged your request at INC1 (msg #") for t in texts)


def test_a_resource_request_names_what_the_trainees_own_free_units_cannot_meet(app):
    """Playing fire and EMS, "Need at MCI-01: " said nothing of 22 transports short: the
    needs of agencies played were left out, even with none of their units free."""
    call = incident(
        incident_type="structure_fire",
        requires={"fire_suppression": 3, "als": 1},
        calls={"count": 1, "agency": "fire"},
    )
    console = start(app, ("fire", "ems"), msel=[call])
    frames(app, 70)
    press(app, pygame.K_n)  # select INC1
    (request,) = [o for o in console.options if o.kind == "request"]
    # F1 is fire's one engine, free: 2 more to ask for; EMS's free M1 meets the ALS need.
    assert request.draft.text == "Need at INC1: 2 fire suppression. "


def test_opening_a_staging_area_where_the_map_was_clicked(app):
    console = start(app, ("fire",))
    ex = exercise_of(console)
    # On West Lane, nearer D1 than S, as the trainee sees it.
    click(console.camera.to_screen(0, 700))
    app.frame(0.0)
    assert console.selection.point is not None
    (here,) = [o for o in console.options if o.kind == "staging"]
    assert here.label == "Open staging area STG-1 here (at D1)"
    press(app, getattr(pygame, f"K_{console.options.index(here) + 1}"))
    accepted = ex.log.of_kind("command.accepted")[-1]
    assert accepted.data["command"]["type"] == "staging_area"
    assert accepted.data["command"]["id"] == "STG-1"
    assert ex.staging_areas()["STG-1"][0] == "D1"
    assert console.toast[0] == "Done: Open staging area STG-1 here (at D1)"
    assert any(e.text == "Staging area STG-1 opened at D1 by you" for e in console.log.entries)
    assert [s[0] for s in console.snapshot.staging] == ["STG-1"]  # drawn on the map
    (again,) = [o for o in console.options if o.kind == "staging"]
    assert again.label.startswith("Open staging area STG-2 here")
    # The new area is offered to units like a planned one.
    press(app, pygame.K_ESCAPE)
    f1 = next(u for u in console.snapshot.units if u.id == "F1")
    click(console.camera.to_screen(f1.x, f1.y))
    app.frame(0.0)
    assert console.selection.units == ["F1"]
    labels = [o.label for o in console.options if o.kind == "stage"]
    assert "Send to staging: STG-1" in labels


def test_opening_a_staging_area_near_the_selected_incident(app):
    console = start(app, ("fire",), msel=[FIRE_CALL])
    frames(app, 70)
    click(console.camera.to_screen(0, 700))  # a point first: choosing the incident drops it
    app.frame(0.0)
    press(app, pygame.K_n)
    assert console.selection.point is None
    (near,) = [o for o in console.options if o.kind == "staging"]
    # No node lies 300-600 m from I: of those 1000 m away, M is on the way from S.
    assert near.label == "Open staging area STG-1 near INC1 (1000 m, at M)"
    press(app, getattr(pygame, f"K_{console.options.index(near) + 1}"))
    accepted = exercise_of(console).log.of_kind("command.accepted")[-1]
    assert accepted.data["command"] == {
        "type": "staging_area",
        "agency": "fire",
        "id": "STG-1",
        "node": "M",
    }
    frames(app, 2)
    (opened,) = [o for o in console.options if o.kind == "staging"]  # not a second one at M
    assert opened.done and not opened.enabled


@pytest.mark.parametrize("text", ["\u200c", "\u200b\u200d", "\ufeff", "\u202e", "null\x00here"])
def test_a_message_of_only_zero_width_characters_is_drawn_and_sent(app, text):
    console = start(app, ("fire",))
    frames(app, 2)
    press(app, pygame.K_m)
    type_text(app, text)  # drawn in the message box (SDL_ttf refuses to draw it alone)
    type_text(app, "x" * 97 + " " + text + " " + "y" * 140)  # a log line break at it
    press(app, pygame.K_RETURN)
    frames(app, 3)  # the log shows the sent message
    assert app.stack[-1] is console
    (sent,) = trainee_commands(console)
    assert sent["type"] == "message" and text in sent["text"]
