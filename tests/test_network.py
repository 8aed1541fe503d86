"""Networked exercises over real loopback sockets: a server thread, clients in the test.

Each test serves the small-town scenario on a free port; clients are the real ones
(``Link``, the bot seat) or a raw WebSocket for messages no client would send.
"""

import argparse
import asyncio
import base64
import json
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from simulator.cli import main
from simulator.cli_network import Served, _print_joins, host_exercise, prepare
from simulator.commands import SetService
from simulator.network.bot import play_seat, sit
from simulator.network.host import Host
from simulator.network.link import Link, LinkError
from simulator.network.protocol import MAX_CLIENT_MESSAGE, VERSION, ProtocolError, decode
from simulator.network.roles import Hearing, Seat
from simulator.network.tokens import new_tokens

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "scenarios" / "small_town_collision.yaml"


@dataclass
class Server:
    """A running server: its URL, tokens and the host (read only after ``wait``)."""

    thread: threading.Thread
    ready: threading.Event = field(default_factory=threading.Event)
    url: str = ""
    served: Served | None = None
    host: Host | None = None
    loop: asyncio.AbstractEventLoop | None = None
    failure: BaseException | None = None

    @property
    def tokens(self) -> dict[str, str]:
        return self.served.tokens

    def call(self, fn, *args) -> None:
        """Run ``fn(*args)`` in the server's loop (its state belongs to that thread)."""
        self.loop.call_soon_threadsafe(fn, *args)

    def stop(self, complete: bool = False) -> None:
        self.call(self.host.stop, complete, "interrupted")

    def wait(self, timeout: float = 60.0) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the server did not stop"
        if self.failure is not None:
            raise self.failure


def start_server(
    tmp: Path, *, seats: list[str], speed: float, until: float | None, scenario: Path = SMALL
) -> Server:
    """Serve a scenario (small town unless named) on a free loopback port, once it listens."""
    args = argparse.Namespace(
        scenario=str(scenario),
        seed=0,
        seats=seats,
        until=until,
        out=tmp / "run",
        tokens=None,
        db=tmp / "db.sqlite",
        speed=speed,
        host="127.0.0.1",
        port=0,
    )
    server = Server(threading.Thread(daemon=True, target=lambda: None))

    def ready(host: Host, port: int) -> None:
        server.host, server.loop = host, asyncio.get_running_loop()
        server.url = f"ws://127.0.0.1:{port}"
        server.ready.set()

    def run() -> None:
        # The database belongs to the thread that opens it: prepare here, not in the test.
        try:
            server.served = prepare(args)
            host_exercise(server.served, ready)
        except BaseException as exc:
            server.failure = exc
            server.ready.set()

    server.thread = threading.Thread(target=run, daemon=True)
    server.thread.start()
    assert server.ready.wait(30), "the server did not start"
    if server.failure is not None:
        raise server.failure
    return server


@pytest.fixture(autouse=True)
def _rehearsal(monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")


def _raw(url: str, token: str):
    """A raw connection past its hello, with the welcome read."""
    ws = connect(url, max_size=None).__enter__()  # websockets 17: entered, as it asks
    ws.send(json.dumps({"type": "hello", "version": VERSION, "token": token}))
    assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
    return ws


def _answer(ws, ident: int) -> dict:
    """The first message answering request ``ident`` (updates skipped)."""
    while True:
        message = json.loads(ws.recv(timeout=10))
        if message.get("id") == ident and message["type"] != "update":
            return message


def _answers_then_stops(ws, server: "Server", ident: int) -> None:
    """The connection still answers a ping (the first answer to it); then all is shut."""
    ws.send(json.dumps({"type": "ping", "id": ident}))
    assert _answer(ws, ident)["type"] == "pong"
    ws.close()
    server.stop()
    server.wait()


def test_three_bot_seats_finish_and_the_run_replays_scored_per_seat(tmp_path, capsys):
    server = start_server(tmp_path, seats=["police", "fire", "ems"], speed=2000, until=3600)
    mirrors, threads = {}, []
    for seat in ("police", "fire", "ems"):

        def play(seat=seat):
            mirrors[seat] = play_seat(server.url, server.tokens[seat], "sop")

        threads.append(threading.Thread(target=play))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    server.wait()
    assert sorted(mirrors) == ["ceremony"] * 0 + ["ems", "fire", "police"]
    assert [(m.ended, m.reason) for m in mirrors.values()] == [(True, "stopped at 01:00:00")] * 3
    run = tmp_path / "run"
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["complete"] is True
    # Every seat was a bot's: automated partners with their profile, no trainee's role.
    assert manifest["automated"] == ["county_fire", "ems", "fire", "police"]
    assert manifest["bots"] == {"ems": "sop", "fire": "sop", "police": "sop"}
    assert manifest["roles"] == []
    assert manifest["seats"] == {"police": ["police"], "fire": ["fire"], "ems": ["ems"]}
    rows = [json.loads(line) for line in (run / "commands.jsonl").read_text().splitlines()]
    sources = {r["source"] for r in rows}
    assert {"bot:police", "bot:fire", "bot:ems"} <= sources
    assert all(r["source"] != "player:police" for r in rows)
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out
    scores = server.served.recording.scores
    assert {"police", "fire", "ems"} <= set(scores.roles)


def test_a_seat_hears_only_its_agency_and_commands_only_its_agency(tmp_path):
    server = start_server(tmp_path, seats=["police", "fire", "ems"], speed=2000, until=3600)
    seats = {s: sit(server.url, server.tokens[s]) for s in ("fire", "ems")}
    # Police takes the calls and, playing poor, never shares: what it learns, fire must not.
    police = threading.Thread(target=play_seat, args=(server.url, server.tokens["police"], "poor"))
    police.start()
    fire = seats["fire"].mirror
    pictures = []  # (time, facts the fire seat holds) after every batch it heard
    fire.subscribe(lambda batch: pictures.append((fire.now, set(fire.knowledge("fire")))))
    order = SetService(agency="police", unit="P1", in_service=False)
    assert "cannot command police" in fire.check(order)
    result = fire.submit(order)
    assert not result.accepted and "cannot command police" in result.reason
    threads = [
        threading.Thread(
            target=play_seat,
            args=(server.url, server.tokens[s], "sop"),
            kwargs={"seated": seats[s]},
        )
        for s in seats
    ]
    for thread in threads:
        thread.start()
    for thread in [*threads, police]:
        thread.join(60)
    server.wait()
    log = server.served.exercise.log.events
    heard = fire.log.events
    assert heard, "the fire seat heard nothing"
    truth = {e.seq: e for e in log}
    # What the seat heard is the server's own record, event for event (an inject without
    # the controller's script).
    shown = Hearing(Seat("fire", ("fire",))).shown
    assert all(shown(truth[e.seq]) == e for e in heard)
    assert not {e.kind for e in heard} & {"incident.started", "fact.critical"}
    assert all(e.agency == "fire" for e in heard if e.kind == "fact.learned")
    # Police knew facts fire never learnt or learnt later; at no point did the fire
    # seat hold a fact before fire learnt it in the engine.
    learnt: dict[str, float] = {}
    for e in log:
        if e.kind == "fact.learned" and e.agency == "fire":
            learnt.setdefault(e.data["fact"], e.t)
    police_first = [
        e
        for e in log
        if e.kind == "fact.learned"
        and e.agency == "police"
        and learnt.get(e.data["fact"], 1e9) > e.t
    ]
    assert police_first, "police knew nothing before fire: the test proves nothing"
    assert pictures
    for now, keys in pictures:
        assert all(learnt[k] <= now for k in keys)
    assert fire.knowledge("police") == {}
    # Traffic: fire's own, or addressed to fire.
    traffic = [e for e in heard if e.kind.startswith("message.")]
    assert traffic
    assert all("fire" in (e.agency, e.data.get("to"), e.data.get("source")) for e in traffic)
    # And fire hears how its own messages fared, though they are logged against their
    # recipients (the server looks the sender up by the message).
    sent = {e.data["message"] for e in log if e.kind == "message.queued" and e.agency == "fire"}
    fates = {
        e.seq
        for e in log
        if e.kind in ("message.delivered", "message.lost")
        and e.data["message"] in sent
        and e.agency != "fire"
        and e.t <= 3000
    }
    assert fates, "fire's messages reached no other agency: the test proves nothing"
    assert fates <= {e.seq for e in heard}


def test_wrong_and_reused_tokens_are_refused(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    with pytest.raises(LinkError) as wrong:
        Link(server.url, "not-a-token")
    assert wrong.value.code == "bad_token"
    first = Link(server.url, server.tokens["police"])
    with pytest.raises(LinkError) as reused:
        Link(server.url, server.tokens["police"])
    assert reused.value.code == "token_in_use"
    first.close()
    server.stop()
    server.wait()


def test_a_message_that_is_not_json_is_answered_with_the_whole_reason_and_its_place():
    with pytest.raises(ProtocolError) as refused:
        decode('{"type": "ping", "id": 1,\n "x": "unterminated')
    assert refused.value.code == "bad_json"
    assert str(refused.value).endswith(
        "not valid JSON: Unterminated string starting at line 2, column 7"
    )


def test_malformed_messages_get_errors_and_the_server_carries_on(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    ws = _raw(server.url, server.tokens["police"])
    bad = [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('{"type": "launch"}', "bad_type"),
        ('{"type": "command", "id": 1, "command": "dispatch"}', "bad_message"),
        (
            '{"type": "command", "id": 2, "command": {"type": "dispatch", "agency": 7}}',
            "bad_command",
        ),
        ('{"type": "control", "id": 3, "action": "pause"}', "not_controller"),
        ('{"type": "ping", "id": NaN}', "bad_json"),
        ("x" * (MAX_CLIENT_MESSAGE + 1), "too_big"),
        ("[" * 100_000 + "]" * 100_000, "too_big"),
        ("[" * 30_000 + "]" * 30_000, "bad_json"),
    ]
    for text, code in bad:
        ws.send(text)
        while (message := json.loads(ws.recv(timeout=10)))["type"] != "error":
            pass
        assert message["code"] == code, text[:60]
    ws.send(b"\x00\x01")
    while (message := json.loads(ws.recv(timeout=10)))["type"] != "error":
        pass
    assert message["code"] == "binary"
    ws.send(json.dumps({"type": "ping", "id": 9}))
    assert _answer(ws, 9)["type"] == "pong"
    ws.close()
    # A frame too big to read whole closes that connection, and only that one.
    huge = _raw(server.url, server.tokens["controller"])
    huge.send("x" * (5 * MAX_CLIENT_MESSAGE))
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            huge.recv(timeout=10)
    assert closed.value.rcvd.code == 1009
    _answers_then_stops(_raw(server.url, server.tokens["police"]), server, 10)


def test_a_flood_is_rate_limited(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    ws = _raw(server.url, server.tokens["police"])
    for i in range(400):
        ws.send(json.dumps({"type": "ping", "id": i}))
    answers = []  # one answer a ping: a pong, or an error saying to slow down
    while len(answers) < 400:
        message = json.loads(ws.recv(timeout=10))
        if message["type"] in ("pong", "error"):
            answers.append(message.get("code", "pong"))
    assert answers[:150] == ["pong"] * 150
    assert set(answers[150:]) == {"pong", "rate_limited"}
    assert answers.count("rate_limited") >= 100
    ws.close()
    server.stop()
    server.wait()


def test_a_dropped_seat_rejoins_and_gets_what_it_missed(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1500, until=3600)
    seated = sit(server.url, server.tokens["police"])
    mirror = seated.mirror
    while mirror.last_seq == 0 or mirror.now < 300:
        message = seated.link.receive(10)
        assert message is not None
        mirror.feed(message)
    seated.link.close()  # the trainee's network drops
    before = mirror.last_seq
    play_seat(server.url, server.tokens["police"], "idle", seated=seated)  # rejoins
    server.wait()
    seqs = [e.seq for e in mirror.log.events]
    assert seqs == sorted(set(seqs)), "an event came twice or out of order"
    assert mirror.last_seq > before and mirror.ended
    truth = [e.seq for e in server.host.places["police"].heard]
    assert seqs == truth, "the rejoined seat's log is not what it would have heard"
    assert server.host.seats()["police"]["joins"] == 2


def test_the_controller_pauses_sets_speed_and_ends_and_each_action_is_recorded(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    controller = Link(server.url, server.tokens["controller"])
    assert controller.welcome["controller"] is True
    assert (
        controller.request({"type": "control", "action": "on_drop", "on_drop": "pause"})["type"]
        == "done"
    )
    police = Link(server.url, server.tokens["police"])
    police.close()  # a trainee drops: the controller chose to pause then
    while True:
        message = controller.receive(10)
        seat = message.get("state", {}).get("seats", {}).get("police", {})
        if seat.get("joins") == 1 and not seat["connected"]:
            break
    assert message["paused"] is True
    answer = controller.request({"type": "control", "action": "speed", "speed": 120})
    assert answer["type"] == "done"
    assert controller.request({"type": "control", "action": "resume"})["type"] == "done"
    assert (
        controller.request({"type": "control", "action": "end", "reason": "drill over"})["action"]
        == "end"
    )
    server.wait()
    run = tmp_path / "run"
    actions = [json.loads(line) for line in (run / "controller.jsonl").read_text().splitlines()]
    assert [a["action"] for a in actions] == ["on_drop", "speed", "resume", "end"]
    assert actions[-1]["reason"] == "drill over"
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["complete"] is True and manifest["connections"]["police"] == 1


def test_shutting_the_server_down_records_the_run_incomplete(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=600, until=None)
    seated = sit(server.url, server.tokens["police"])
    while seated.mirror.now < 120:
        seated.mirror.feed(seated.link.receive(10) or {})
    server.stop(complete=False)
    server.wait()
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["complete"] is False
    lines = (tmp_path / "run" / "events.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["data"]["reason"] == "interrupted"
    assert len(lines) == manifest["events"]


def test_serve_refuses_bad_arguments_cleanly(tmp_path, capsys):
    assert main(["serve", str(SMALL), "--seats", "police,navy", "--out", str(tmp_path / "r")]) == 2
    assert "--seats: unknown agency 'navy'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["serve", str(SMALL), "--speed", "nan"])
    assert exc.value.code == 2
    assert main(["join", "ws://127.0.0.1:1", "--token", "x", "--bot", "sop"]) == 2
    assert "cannot connect" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["bad address", "port in use"])
def test_a_server_that_cannot_listen_records_nothing(tmp_path, capsys, where):
    out, db = tmp_path / "r", tmp_path / "runs.sqlite"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        host, port = ("999.1.1.1", "0") if where == "bad address" else taken.getsockname()
        argv = ["serve", str(SMALL), "--host", host, "--port", str(port)]
        assert main([*argv, "--out", str(out), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    if where == "bad address":
        assert err.startswith("--host: '999.1.1.1' is no address of this machine nor a name")
    else:
        assert err.startswith(f"--host/--port: cannot listen on {host}:{port}: Address")
    assert not out.exists() and not db.exists()


def test_the_control_command_pauses_and_reports_the_seats(tmp_path, capsys):
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=None)
    police = Link(server.url, server.tokens["police"])
    token = server.tokens["controller"]
    assert main(["control", server.url, "--token", token, "pause"]) == 0
    out = capsys.readouterr().out
    assert "paused" in out
    assert re.search(r"police\s+connected", out) and re.search(r"fire\s+never joined", out)
    assert main(["control", server.url, "--token", server.tokens["fire"], "status"]) == 2
    assert "not the controller's" in capsys.readouterr().err
    assert main(["control", server.url, "--token", token, "speed", "fast"]) == 2
    assert main(["control", server.url, "--token", token, "end", "drill over"]) == 0
    police.close()
    server.wait()
    actions = (tmp_path / "run" / "controller.jsonl").read_text()
    assert '"action":"pause"' in actions and '"reason":"drill over"' in actions


def test_control_status_tells_a_seat_that_dropped_from_one_never_joined(tmp_path, capsys):
    """Both read "not connected": a trainer could not tell whom to chase up."""
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=None)
    token = server.tokens["controller"]
    assert main(["control", server.url, "--token", token, "pause"]) == 0  # the clock stays
    Link(server.url, server.tokens["police"]).close()  # police joins, then drops
    controller = Link(server.url, token)
    while True:  # until the server has seen the drop
        seat = controller.receive(10).get("state", {}).get("seats", {}).get("police", {})
        if seat.get("joins") == 1 and not seat["connected"]:
            break
    controller.close()
    capsys.readouterr()
    assert main(["control", server.url, "--token", token, "status"]) == 0
    out = capsys.readouterr().out
    now = re.match(r"T\+(\S+), paused", out).group(1)
    assert re.search(rf"police\s+dropped at T\+{now}\s+last action", out), out
    assert re.search(r"fire\s+never joined\s+last action", out), out
    assert main(["control", server.url, "--token", token, "end"]) == 0
    server.wait()


def test_join_opens_the_map_view_of_the_seat(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    server = start_server(tmp_path, seats=["police"], speed=600, until=None)
    shot = tmp_path / "police.png"
    token = server.tokens["police"]
    assert (
        main(["join", server.url, "--token", token, "--screenshot", str(shot), "--frames", "3"])
        == 0
    )
    assert "Joined as seat police" in capsys.readouterr().out
    assert shot.stat().st_size > 10_000
    server.stop()
    server.wait()


def test_a_seat_window_rejoins_a_dropped_link_and_says_when_it_cannot(tmp_path, monkeypatch):
    """The window reads its link every frame whatever screen is up; a drop is rejoined
    one try a frame when due (the window never waits), and a seat that cannot rejoin
    says so on the map and refuses orders instead of crashing."""
    import simulator.view.play as view_play
    from simulator.network import window

    server = start_server(tmp_path, seats=["police"], speed=600, until=None)
    token = server.tokens["police"]
    seated = sit(server.url, token)
    order = SetService(agency="police", unit="P1", in_service=False)
    seen = {}
    now = [0.0]
    monkeypatch.setattr(window, "monotonic", lambda: now[0])

    def fake_play(scenario, start, roles, *, background, **options):
        seen["running"] = options["running"]  # a seat joins a served exercise
        trouble = start(("police",)).trouble
        first = seated.link
        first.close()  # the network drops, under the briefing or any overlay
        background()
        seen["rejoined"] = seated.link is not first and seated.mirror.check(order) == ""
        seen["clear"] = trouble()
        tries = []
        monkeypatch.setattr(
            window, "reconnect", lambda *a: tries.append(now[0]) or _raise(LinkError("gone"))
        )
        seated.link.close()  # again, and now the server cannot be reached
        background()  # the first try, at once
        seen["retrying"] = trouble()
        background()  # not due yet: no try, no wait
        seen["order"] = seated.mirror.submit(order)
        for _ in range(20):  # the clock moves on; each try falls due in turn
            now[0] += 20.0
            background()
        seen["tries"], seen["lost"] = len(tries), trouble()

    monkeypatch.setattr(view_play, "play", fake_play)
    window.watch(seated, server.url, token, size=(1280, 720))
    assert seen["running"] and seen["rejoined"] and seen["clear"] == ""
    assert seen["retrying"] == "Connection to the server lost: rejoining (try 2 of 7)"
    assert not seen["order"].accepted
    assert seen["order"].reason.startswith("not sent: connection to the server lost")
    assert seen["tries"] == 7
    assert seen["lost"].startswith("Connection to the server lost (gone). The exercise goes on")
    server.stop()
    server.wait()


def _raise(exc: Exception) -> None:
    raise exc


def test_join_tokens_never_look_like_an_option():
    """``--token -abc`` would be read as an option: no token may start with '-'."""
    tokens = new_tokens([f"seat{n}" for n in range(2000)])
    assert all(t.isalnum() and len(t) >= 32 for t in tokens.values())
    assert len(set(tokens.values())) == len(tokens)


# -- a careless or hostile client (sweep findings) ------------------------------------


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": ["ping"]}, "bad_type"),
        ({"type": {"a": 1}}, "bad_type"),
        ({"type": "control", "id": 1, "action": {}}, "bad_message"),
        ({"type": "control", "id": 1, "action": ["pause"]}, "bad_message"),
    ],
)
def test_a_type_or_action_of_the_wrong_kind_is_refused_and_the_seat_stays(tmp_path, message, code):
    server = start_server(tmp_path, seats=["police"], speed=1, until=600)
    ws = _raw(server.url, server.tokens["police"])
    ws.send(json.dumps(message))
    while (answer := json.loads(ws.recv(timeout=10)))["type"] != "error":
        pass
    assert answer["code"] == code
    _answers_then_stops(ws, server, 2)


def test_a_control_message_carries_nothing_into_the_record_but_its_own_field(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1, until=600)
    ws = _raw(server.url, server.tokens["controller"])
    ws.send(json.dumps({"type": "control", "id": 4, "action": "pause", "t": -5, "after": 9}))
    answer = _answer(ws, 4)
    assert answer["type"] == "error" and answer["message"].startswith("after: unknown field")
    ws.send(json.dumps({"type": "control", "id": 5, "action": "speed", "speed": 2}))
    assert _answer(ws, 5)["type"] == "done"
    ws.close()
    server.stop()
    server.wait()
    rows = [json.loads(x) for x in (tmp_path / "run" / "controller.jsonl").read_text().splitlines()]
    assert [row["action"] for row in rows] == ["speed"] and rows[0]["t"] >= 0


def test_a_connection_dropped_for_not_reading_can_no_longer_act_for_its_seat(tmp_path, monkeypatch):
    import simulator.network.host as host_module

    server = start_server(tmp_path, seats=["police"], speed=1, until=600)
    stale = _raw(server.url, server.tokens["police"])
    monkeypatch.setattr(host_module, "QUEUE_LIMIT", -1)  # its next answer drops it
    stale.send(json.dumps({"type": "ping", "id": 1}))
    deadline = 50
    while server.host.places["police"].queue is not None and deadline:
        threading.Event().wait(0.1)
        deadline -= 1
    monkeypatch.setattr(host_module, "QUEUE_LIMIT", 10_000)
    fresh = _raw(server.url, server.tokens["police"])
    order = {"type": "message", "agency": "police", "to": "fire", "text": "from the stale one"}
    with pytest.raises(ConnectionClosed):
        for _ in range(20):  # the stale socket is closed on its next message
            stale.send(json.dumps({"type": "command", "id": 7, "command": order}))
            stale.recv(timeout=1)
    _answers_then_stops(fresh, server, 8)  # no answer meant for the stale one came first
    assert not [c for c in server.served.exercise.commands if c["source"] == "seat:police"]


INJECT = ["control", "ws://127.0.0.1:1", "--token", "x", "inject", "--to", "fire"]


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["control", "ws://127.0.0.1:1", "--token", "x", "speed", "nan"], "expected a number"),
        (["control", "ws://127.0.0.1:1", "--token", "x", "speed", "inf"], "expected a number"),
        (["control", "ws://127.0.0.1:1", "--token", "x", "speed", "1_0"], "speed: expected a"),
        (["control", "ws://127.0.0.1:1", "--token", "x", "speed", "\uff12"], "in the digits 0-9"),
        (["control", "ws://127.0.0.1:1", "--token", "x", "release", "²"], "the inject's seq"),
        (
            ["control", "ws://127.0.0.1:1", "--token", "x", "speed", "0"],
            "control speed: must be more than 0 and at most 600, got '0'",
        ),
        (
            ["control", "ws://127.0.0.1:1", "--token", "x", "speed", "601"],
            "control speed: must be more than 0 and at most 600, got '601'",
        ),
        (
            [*INJECT, "--fact", "garbage", "a text"],
            "control inject: --fact: expected incident:INC, casualties:INC, hazard:INC/HAZARD, "
            "condition:INC/CONDITION or closure:ROAD, got 'garbage'",
        ),
        (
            [*INJECT, "--fact", "hazard:INC1", "a text"],
            "control inject: --fact: expected incident:INC",
        ),
        (["control", "ws://127.0.0.1:1", "--token", "x", "end", "r" * 1001], "over 1000"),
        (["join", "ws://127.0.0.1:99999", "--token", "x", "--bot", "sop"], "bad URL"),
        (["join", "ws://[zz]:1", "--token", "x", "--bot", "sop"], "bad URL"),
        (["control", "ws://127.0.0.1:abc", "--token", "x", "pause"], "bad URL"),
    ],
)
def test_a_controller_or_seat_given_a_bad_value_or_url_exits_2(argv, problem, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err


def test_a_tokens_file_already_there_is_made_the_owners_alone(tmp_path):
    from simulator.network.tokens import write_tokens

    path = tmp_path / "tokens.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_tokens(path, {"police": "secret"})
    assert path.stat().st_mode & 0o777 == 0o600


def _silent_seat(url: str, token: str) -> socket.socket:
    """A seat whose network went quiet after its hello: it never reads or answers pings."""
    host, port = url.removeprefix("ws://").split(":")
    sock = socket.create_connection((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    sock.sendall(request.encode())
    assert b" 101 " in sock.recv(4096)
    payload = json.dumps({"type": "hello", "version": VERSION, "token": token}).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(bytes([0x81, 0x80 | 126]) + len(payload).to_bytes(2, "big") + mask + masked)
    return sock


def test_a_seat_whose_network_went_silent_is_freed_for_its_rejoin(tmp_path, monkeypatch):
    import simulator.network.host as host_module

    monkeypatch.setattr(host_module, "KEEPALIVE_S", 0.5)
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    silent = _silent_seat(server.url, server.tokens["police"])
    with pytest.raises(LinkError, match="already connected"):
        for _ in range(50):  # until the server has seated the silent one
            Link(server.url, server.tokens["police"]).close()
            threading.Event().wait(0.05)
    back = None
    for _ in range(100):  # freed after about two keepalive periods
        try:
            back = Link(server.url, server.tokens["police"])
            break
        except LinkError:
            threading.Event().wait(0.1)
    assert back is not None and back.welcome["seat"] == "police"
    back.close()
    silent.close()
    server.stop()
    server.wait()


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_a_server_on_every_interface_prints_join_commands_other_machines_can_use(host):
    served = _served(host)
    console = Console(record=True, width=200)
    _print_joins(console, served, 8765)
    text = console.export_text()
    name = socket.gethostname()
    assert f"join ws://{name}:8765 --token t0k3n" in text
    assert "0.0.0.0:8765 --token" not in text and "[::]:8765 --token" not in text
    assert f"Listening on {host}:8765, beyond this machine" in text


def test_the_join_commands_name_the_interpreter_that_started_the_server(tmp_path, monkeypatch):
    """A bare "python" pasted outside the venv failed with ModuleNotFoundError."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.executable", str(tmp_path / ".venv" / "bin" / "python"))
    monkeypatch.setattr("sys.argv", ["run_sim.py", "serve", "town.yaml"])
    console = Console(record=True, width=200)
    _print_joins(console, _served("127.0.0.1"), 8765)
    text = console.export_text()
    assert "police       .venv/bin/python run_sim.py join ws://127.0.0.1:8765 --token t0k3n" in text
    monkeypatch.setattr("sys.executable", "/usr/bin/python3")  # outside: its whole path
    console = Console(record=True, width=200)
    _print_joins(console, _served("127.0.0.1"), 8765)
    assert "/usr/bin/python3 run_sim.py join ws://127.0.0.1:8765" in console.export_text()


def _served(host: str) -> SimpleNamespace:
    """What ``_print_joins`` reads of a served exercise: one police seat."""
    return SimpleNamespace(
        host=host,
        scenario=SimpleNamespace(metadata=SimpleNamespace(title="Drill")),
        tokens_file=Path("tokens.json"),
        seats=[Seat("police", ("police",))],
        tokens={"police": "t0k3n"},
    )


def test_control_with_a_trainees_token_takes_no_seat_and_pauses_nothing(tmp_path, capsys):
    """It was refused, yet counted as the seat joining and dropping (pausing everyone)."""
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=None)
    token = server.tokens["controller"]
    assert main(["control", server.url, "--token", token, "on-drop", "pause"]) == 0
    capsys.readouterr()
    assert main(["control", server.url, "--token", server.tokens["fire"], "status"]) == 2
    captured = capsys.readouterr()
    assert "control: this token is a trainee's seat, not the controller's" in captured.err
    assert "Traceback" not in captured.err
    assert main(["control", server.url, "--token", token, "status"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"running at 1x", out), out
    assert re.search(r"fire\s+never joined", out), out
    # The seat is free: its trainee joins as ever.
    Link(server.url, server.tokens["fire"]).close()
    assert main(["control", server.url, "--token", token, "end"]) == 0
    server.wait()
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["connections"]["fire"] == 1


def test_a_hello_asking_for_the_controller_with_a_trainees_token_is_refused(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    with pytest.raises(LinkError, match="not the controller's") as refused:
        Link(server.url, server.tokens["police"], controller=True)
    assert refused.value.code == "not_controller"
    controller = Link(server.url, server.tokens["controller"], controller=True)
    assert controller.welcome["controller"]
    assert controller.request({"type": "control", "action": "end"})["type"] == "done"
    controller.close()
    server.wait()
    assert server.host.seats()["police"]["joins"] == 0
