"""The controller's script stays with the controller: a trainee's seat, over the network
or at the local keyboard, hears an inject without its expected action, objectives or the
controller's marks on it; the engine's log keeps them all.

The small-town scenario: MSEL 1 (00:02) is the collision's call to police, MSEL 2 (00:10)
closes the Mill Bridge to police, fire and EMS, both with an expected action.
"""

import pytest
from conftest import SCENARIOS
from test_network import start_server
from test_network_injects import _command, _until_ended

from simulator.build import build_exercise
from simulator.commands import AddInject, ReleaseInject
from simulator.network.link import Link
from simulator.scenario import load
from simulator.terminal import Terminal
from simulator.viewpoint import Viewpoint

SCRIPT = {"expected_action", "objectives", "by", "due", "adhoc"}


@pytest.fixture(autouse=True)
def _rehearsal(monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")


def _released(events: list[dict]) -> dict[int, dict]:
    return {e["data"]["seq"]: e["data"] for e in events if e["kind"] == "inject.released"}


def test_a_networked_seat_hears_an_inject_without_the_controllers_script(tmp_path):
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=900)
    controller = Link(server.url, server.tokens["controller"])
    police = Link(server.url, server.tokens["police"])
    assert _command(controller, {"type": "release_inject", "seq": 2})["accepted"]
    inject = {"type": "add_inject", "text": "Diesel in the river", "to": ["police"]}
    assert _command(controller, inject)["accepted"]
    controller.request({"type": "control", "action": "speed", "speed": 600})
    heard = _until_ended(police)
    police.close()
    _until_ended(controller)
    controller.close()
    server.wait()
    seat = _released(heard)
    assert sorted(seat) == [1, 2, 4]  # the call, the early release and the ad-hoc inject
    for data in seat.values():
        assert not SCRIPT & set(data), data
    assert seat[1]["description"].startswith("Two-vehicle collision")
    assert seat[4]["description"] == "Diesel in the river"
    # The engine's log, which the controller hears, is whole.
    logged = {e.data["seq"]: e.data for e in server.served.exercise.log.of_kind("inject.released")}
    assert logged[1]["expected_action"].startswith("Dispatch police")
    assert logged[1]["objectives"] == ["OBJ1"] and logged[2]["due"] == 600
    assert (logged[2]["by"], logged[4]["adhoc"]) == ("controller", True)


def test_a_local_seat_and_its_players_hear_an_inject_without_the_controllers_script():
    scenario = load(SCENARIOS / "small_town_collision.yaml")
    ex = build_exercise(scenario, 0, automated=["fire", "ems", "county_fire"])
    fed = []
    Viewpoint(ex, "police", "player:police").subscribe(fed.extend)
    seat = Terminal(ex, ("police",))
    ex.submit(ReleaseInject(seq=2), source="controller")
    ex.submit(AddInject(text="Diesel in the river", to=["police"]), source="controller")
    ex.advance(900)
    for events in (seat.log.events, fed):
        released = [e for e in events if e.kind == "inject.released"]
        assert sorted(e.data["seq"] for e in released) == [1, 2, 4]
        assert not any(SCRIPT & set(e.data) for e in released)
    assert all("expected_action" in e.data for e in ex.log.of_kind("inject.released"))


def test_a_networked_seats_log_tells_what_the_911_callers_said(tmp_path):
    """Its scenario has no MSEL, so the CAD line left out the callers' words."""
    from simulator.network.bot import sit
    from simulator.view.narrate import Narrator

    server = start_server(tmp_path, seats=["police"], speed=600, until=None)
    seated = sit(server.url, server.tokens["police"])
    mirror = seated.mirror
    assert mirror.scenario.msel == []
    while not any(e.kind == "cad.opened" for e in mirror.log.events):
        message = seated.link.receive(30)
        assert message is not None, "the call never reached police's CAD"
        mirror.feed(message)
    call = next(e for e in mirror.log.events if e.kind == "inject.released")
    assert call.incident == "INC1"
    lines = [
        entry.text for entry in Narrator(mirror.scenario, ("police",)).lines(mirror.log.events)
    ]
    opened = next(line for line in lines if "911 call for new incident INC1" in line)
    assert "Two-vehicle collision on the Mill Bridge, people trapped, fuel leaking." in opened
    seated.link.close()
    server.stop()
    server.wait()


@pytest.mark.parametrize(
    "command",
    [
        {"type": "release_inject", "agency": "police", "seq": 2},
        {"type": "hold_inject", "agency": "fire", "seq": "x"},
        {"type": "add_inject", "agency": "police", "text": "", "to": []},
    ],
)
def test_a_seat_giving_the_controllers_command_is_refused_whatever_it_names(tmp_path, command):
    """As docs/network.md says: not_controller, never bad_command's problems."""
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    police = Link(server.url, server.tokens["police"])
    for kind in ("command", "check"):
        answer = police.request({"type": kind, "command": command})
        assert (answer["type"], answer["code"]) == ("error", "not_controller"), answer
        assert answer["message"] == f"only the controller may give {command['type']}"
    police.close()
    server.stop()
    server.wait()
    assert not server.served.exercise.log.of_kind("command.accepted", "command.rejected")
