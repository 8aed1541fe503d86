"""Fog of war and the message log, against hand-made comms events (comms-contract.md)."""

import pygame
import view_helpers  # noqa: F401
from conftest import build, complete, open_cad, scenario_dict

from simulator.events import Event
from simulator.exercise import Exercise
from simulator.terminal import Terminal
from simulator.view.clock import MAX_STEP_S, Pace
from simulator.view.log import Log, channel_of
from simulator.view.picture import Picture, addressed_to, heard
from simulator.view.text import Text

POLICE = frozenset({"police"})


def message(kind: str, agency: str, **data) -> Event:
    return Event(seq=1, t=60.0, kind=kind, agency=agency, data=complete(kind, data))


def test_radio_traffic_is_heard_only_by_its_agencies():
    never = lambda incident: False  # noqa: E731
    delivered = message("message.delivered", "police", message="M1", channel="TAC-1")
    other = message("message.delivered", "fire", message="M2", channel="FIRE-1")
    assert heard(delivered, POLICE, never) and addressed_to(delivered, POLICE)
    assert not heard(other, POLICE, never)
    to = complete("inject.released", {"to": ["police", "fbi"]})
    inject = Event(seq=2, t=5.0, kind="inject.released", data=to)
    assert heard(inject, POLICE, never) and addressed_to(inject, POLICE)
    lost = message("message.lost", "police", message="M3", channel="TAC-1", reason="noise")
    assert heard(lost, POLICE, never) and not addressed_to(lost, POLICE)


def test_log_files_lines_by_channel_with_an_inbox():
    pygame.font.init()
    log = Log(Text(720), POLICE)
    log.add(
        [
            message("message.delivered", "police", message="M1", channel="TAC-1"),
            message("command.rejected", "police", command={"type": "dispatch"}, reason="no"),
        ]
    )
    assert log.tabs() == ["all", "inbox", "TAC-1", "orders"]
    assert log.unread == 1
    log.choose("inbox")
    assert [e.channel for e in log.shown()] == ["TAC-1"] and log.unread == 0
    assert channel_of(message("cad.opened", "police")) == "CAD"


def test_the_picture_uses_the_comms_api_when_the_engine_has_it():
    class Shared(Exercise):
        def visible_units(self, agencies):
            return self.units()  # everybody's units are "shared" in this stub

        def knowledge(self, agency):
            return {"hazard:INC1": "chemical"}

    ex = Shared(build(scenario_dict()), seed=0)
    picture = Picture(Terminal(ex, ("police",)), ["police"])
    snap = picture.snapshot(force=True)
    assert {u.agency for u in snap.units} == {"police", "fire", "ems"}
    assert snap.facts == {"hazard:INC1": "chemical"}


def test_without_the_comms_api_only_own_units_and_cad_incidents():
    ex = Exercise(build(scenario_dict()), seed=0)
    picture = Picture(Terminal(ex, ("fire",)), ["fire"])
    assert {u.agency for u in picture.snapshot(force=True).units} == {"fire"}
    open_cad(ex, "police")
    assert picture.snapshot(force=True).incidents == ()  # fire has not been told
    news = picture.news()
    assert all(e.agency != "police" or e.kind == "inject.released" for e in news)


def test_pace_caps_a_slow_frame_and_pauses():
    pace = Pace(speed=60)
    assert pace.target(10.0, 0.5) == 40.0
    assert pace.target(10.0, 30.0) == 10.0 + MAX_STEP_S
    pace.toggle()
    assert pace.target(10.0, 1.0) == 10.0
    pace.step(-1)
    assert pace.speed == 16 and pace.paused  # a new speed waits out the pause


def test_the_board_line_puts_short_needs_first_and_counts_what_does_not_fit():
    """A mass-casualty line has more needs than room: the short one must stay in view."""
    from simulator.exercise import Need
    from simulator.scenario.vocabulary import Capability
    from simulator.view.board import GAP, need_labels

    def need(capability: str, assigned: int, required: int) -> Need:
        return Need(Capability(capability), required, assigned, assigned, "ems")

    needs = [
        need("command", 1, 1),
        need("fire_suppression", 4, 4),
        need("als", 2, 2),
        need("transport", 0, 38),
        need("bls", 3, 3),
    ]
    width_of = lambda s: 8 * len(s)  # noqa: E731  (8 px a character)
    everything = need_labels(needs, 10_000, width_of)
    assert [label for label, _ in everything] == [
        "transport 0/38",
        "command 1/1",
        "fire suppression 4/4",
        "als 2/2",
        "bls 3/3",
    ]
    assert [short for _, short in everything] == [True, False, False, False, False]
    room = width_of("transport 0/38") + GAP + width_of("command 1/1") + GAP + width_of("+3 more")
    assert need_labels(needs, room, width_of) == [
        ("transport 0/38", True),
        ("command 1/1", False),
        ("+3 more", False),
    ]
    late = [need("als", 0, 2), *needs]
    room = width_of("als 0/2") + GAP + width_of("+5 more (1 short)")
    assert need_labels(late, room, width_of) == [("als 0/2", True), ("+5 more (1 short)", True)]


def test_a_joint_console_ages_an_incident_from_its_first_receipt():
    from simulator.commands import Share

    exercise = Exercise(build(scenario_dict()), seed=0)
    roles = ("ems", "police")  # ems first: its CAD is read first, and gets INC1 last
    picture = Picture(Terminal(exercise, roles), roles)
    exercise.advance(70)  # the police CAD opens INC1 at 56 s
    first = picture.snapshot(force=True).incidents[0].opened
    exercise.submit(Share(agency="police", to="ems", incident="INC1"), source="trainee")
    exercise.advance(200)
    assert exercise.knows("ems", "INC1")
    (incident,) = picture.snapshot(force=True).incidents
    assert incident.held_by == ("ems", "police") and incident.opened == first
