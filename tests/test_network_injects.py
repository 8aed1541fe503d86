"""The controller's injects over real loopback sockets: hold, release, ad-hoc, roles, replay.

The server of ``test_network`` (small-town scenario, a free port); MSEL 2 closes the Mill
Bridge at 00:10 and MSEL 3 reopens it at 01:30.
"""

import json
import re

import pytest
from test_network import start_server

from simulator.cli import main
from simulator.network.link import Link

RELEASE = {"type": "release_inject", "seq": 3}


@pytest.fixture(autouse=True)
def _rehearsal(monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")


def _command(link: Link, command: dict) -> dict:
    return link.request({"type": "command", "command": command})


def _until_ended(link: Link) -> list[dict]:
    """Every event the connection hears until the exercise ends."""
    heard: list[dict] = []
    link.on_message = lambda message: heard.extend(message.get("events", ()))
    while not any(e["kind"] == "exercise.ended" for e in heard):
        message = link.receive(30)
        assert message is not None, "the exercise did not end"
        heard.extend(message.get("events", ()))
    return heard


def test_the_controller_holds_releases_and_injects_and_the_run_replays(tmp_path, capsys):
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=1200)
    controller = Link(server.url, server.tokens["controller"])
    police = Link(server.url, server.tokens["police"])
    fire = Link(server.url, server.tokens["fire"])
    # A seat can neither give nor check the controller's commands, whatever it names.
    for kind in ("command", "check"):
        for command in (RELEASE, {"type": "hold_inject", "agency": "controller", "seq": 2}):
            answer = police.request({"type": kind, "command": command})
            assert (answer["type"], answer["code"]) == ("error", "not_controller")
    inject = {"type": "add_inject", "text": "Diesel in the river", "to": ["fire"]}
    assert _command(fire, inject)["code"] == "not_controller"
    held = _command(controller, {"type": "hold_inject", "seq": 2})
    assert held["type"] == "result" and held["accepted"], held
    early = _command(controller, RELEASE)
    assert early["accepted"] and early["event"]["data"]["source"] == "controller"
    bad = _command(controller, {"type": "release_inject", "seq": 42})
    assert not bad["accepted"]
    assert bad["reason"] == "no MSEL inject 42 (this scenario's injects: 1 to 3)"
    broken = _command(controller, {"type": "release_inject", "seq": "x"})
    assert broken["code"] == "bad_command" and "seq" in broken["message"]
    added = _command(controller, inject)
    assert added["accepted"], added
    assert (
        controller.request({"type": "control", "action": "speed", "speed": 600})["type"] == "done"
    )
    links = {"police": police, "fire": fire, "controller": controller}
    heard = {name: _until_ended(link) for name, link in links.items()}  # all read, then closed
    for link in links.values():
        link.close()
    server.wait()

    # The ad-hoc inject reached fire's seat, never police's; the hold kept MSEL 2 back.
    def informed(name: str) -> list[str]:
        return [e["data"]["text"] for e in heard[name] if e["kind"] == "information.received"]

    assert informed("fire") == ["Diesel in the river"]
    assert informed("police") == []
    assert not any(
        e["kind"] == "inject.released" and e["data"].get("adhoc") for e in heard["police"]
    )
    log = server.served.exercise.log
    assert [e.data["seq"] for e in log.of_kind("inject.held")] == [2]
    assert sorted(e.data["seq"] for e in log.of_kind("inject.released")) == [1, 3, 4]
    assert all(e["kind"] not in ("inject.on_hold", "inject.held") for e in heard["police"])
    run = tmp_path / "run"
    rows = [json.loads(line) for line in (run / "commands.jsonl").read_text().splitlines()]
    given = [r["command"]["type"] for r in rows if r["source"] == "controller"]
    assert given == ["hold_inject", "release_inject", "release_inject", "add_inject"]
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out


def test_only_the_controller_gets_the_msel_and_control_lists_it(tmp_path, capsys):
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=None)
    police = Link(server.url, server.tokens["police"])
    first = police.receive(10)
    assert first["type"] == "update" and "injects" not in first["state"]
    token = server.tokens["controller"]
    assert main(["control", server.url, "--token", token, "hold", "2"]) == 0
    out = capsys.readouterr().out
    assert "Holding MSEL inject 2" in out
    assert re.search(r"2\s+T\+00:10:00\s+held\s+road_closure", out)
    assert re.search(r"3\s+T\+01:30:00\s+due\s+road_closure", out)
    assert main(["control", server.url, "--token", token, "hold", "2"]) == 1
    assert "Rejected: MSEL inject 2 is already held" in capsys.readouterr().out
    assert main(["control", server.url, "--token", token, "release", "two"]) == 2
    assert "expected the inject's seq, got 'two'" in capsys.readouterr().err
    argv = ["control", server.url, "--token", token, "inject", "--to", "police,navy", "Hello"]
    assert main(argv) == 1
    assert "Rejected: unknown agency 'navy'" in capsys.readouterr().out
    argv = ["control", server.url, "--token", token, "inject", "--to", "police", "Road", "works"]
    assert main(argv) == 0
    assert "Inject sent to police" in capsys.readouterr().out
    argv = ["control", server.url, "--token", server.tokens["fire"], "release", "3"]
    assert main(argv) == 2
    assert "not the controller's" in capsys.readouterr().err
    assert main(["control", server.url, "--token", token, "release", "2"]) == 0
    assert re.search(r"2\s+T\+00:10:00\s+released at T\+", capsys.readouterr().out)
    assert main(["control", server.url, "--token", token, "end", "drill", "over"]) == 0
    _until_ended(police)  # read to the end: a link with unread messages is slow to close
    police.close()
    server.wait()
    texts = [e.data["text"] for e in server.served.exercise.log.of_kind("information.received")]
    assert texts == ["Road works"]
