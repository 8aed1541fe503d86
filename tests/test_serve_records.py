"""What a served exercise records, and what each seat is told of it.

A trainee's window learns from the server what it recorded (its run number and the
seat's scores); a seat filled by ``join --bot`` is recorded as an automated partner;
a server killed outright leaves a run directory ``report`` still reads.
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pygame
import pytest
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from test_network import SMALL, start_server
from view_helpers import key, rendered

from simulator.cli import main
from simulator.commands import SetService, command_json
from simulator.network.bot import sit
from simulator.network.link import Link, LinkError
from simulator.review.summary import summarise
from simulator.store.database import RunInfo, Store
from simulator.view.app import App
from simulator.view.briefing import Briefing
from simulator.view.ending import Ending

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _rehearsal(monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")


@pytest.mark.parametrize("how", ["controller ends it", "server stopped (SIGTERM)"])
def test_a_seats_end_screen_says_what_the_server_recorded_and_scored(tmp_path, monkeypatch, how):
    import simulator.view.play as view_play
    from simulator.network import window

    server = start_server(tmp_path, seats=["police"], speed=600, until=None)
    token = server.tokens["police"]
    seated = sit(server.url, token)
    shown: list[str] = []

    def fake_play(scenario, start, roles, *, background, **options):
        """``play``'s window, driven: the map until T+15:00, the end, the end screen."""
        app = App((1280, 720))
        app.background = background
        app.push(Briefing(app, scenario, start, roles, 1, running=True))
        key(pygame.K_RETURN)
        while seated.mirror.now < 900:  # a quarter of an hour in: duties have fallen due
            app.frame(1 / 60)
            message = seated.link.receive(0.2)
            if message is not None:
                seated.mirror.feed(message)
        if how == "controller ends it":
            controller = Link(server.url, server.tokens["controller"])
            controller.request({"type": "control", "action": "end", "reason": "drill over"})
            controller.close()
        else:
            server.stop(complete=False)  # what the SIGTERM handler does
        server.wait()  # every message is sent before the server's thread ends
        for _ in range(5):
            app.frame(1 / 60)
        assert isinstance(app.stack[-1], Ending)
        shown.extend(rendered(app, monkeypatch))

    monkeypatch.setattr(view_play, "play", fake_play)
    window.watch(seated, server.url, token, size=(1280, 720))
    pygame.display.quit()

    recording = server.served.recording
    scores = recording.scores
    port = server.url.rsplit(":", 1)[1]
    status = "" if how == "controller ends it" else " (incomplete)"
    assert not any("not recorded" in line for line in shown)
    kept, report = shown[-3:-1]  # the record's lines, above "Esc or Enter closes..."
    assert kept == (
        f"Recorded by the server at 127.0.0.1:{port} as run {recording.run}{status}; "
        "the scores are the server's."
    )
    assert report == (
        f"After-action report: ask the controller (on the server: run_sim.py report "
        f"{recording.run})."
    )
    overall = "not rated" if scores.overall is None else f"{scores.overall:.0f} / 100"
    assert any(line.startswith(f"Overall score (the server's): {overall}") for line in shown)
    police = scores.roles["police"].score
    assert f"Your role, Town Police: {police:.0f} / 100" in shown
    # The run's headline numbers are the server's, not the few events the seat heard.
    whole = summarise(server.served.exercise.log.events)
    assert whole.incidents > 0 and whole.calls > 0
    assert f"{whole.incidents} ({whole.resolved} resolved, {whole.escalated} escalated)" in shown
    assert str(whole.calls) in shown and not any("your seat heard" in w for w in shown)


def test_a_seat_told_nothing_at_the_end_says_the_server_keeps_the_record():
    from simulator.network.window import recorded

    class Told:  # a seat whose server said its run number at the welcome, then went away
        recorded, run, left = None, 7, False

    told = recorded(Told(), "ws://10.0.0.5:8765")
    assert told.summary is None  # the end screen says its counts are the seat's own
    lines = told.lines
    assert lines == (
        "Recorded by the server at 10.0.0.5:8765 as run 7, not on this machine.",
        "Your score: ask the controller (on the server: run_sim.py report 7).",
    )
    Told.run = None  # an older server, which does not say
    assert recorded(Told(), "ws://10.0.0.5:8765").lines[0] == (
        "Recorded by the server at 10.0.0.5:8765, not on this machine."
    )


def test_a_bot_seat_is_recorded_as_an_automated_partner_not_the_trainee(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "300")  # history's rows whole
    server = start_server(tmp_path, seats=["police", "fire"], speed=2000, until=1800)
    fire = sit(server.url, server.tokens["fire"])  # the trainee, who joins and watches
    argv = ["join", server.url, "--token", server.tokens["police"], "--bot", "poor"]
    bot = threading.Thread(target=main, args=(argv,))
    bot.start()
    bot.join(60)
    fire.link.close()
    server.wait()
    run = tmp_path / "run"
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["roles"] == ["fire"]
    assert manifest["automated"] == ["county_fire", "ems", "police"]
    assert manifest["players"] == {"county_fire": "sop", "ems": "sop", "police": "poor"}
    assert manifest["bots"] == {"police": "poor"}
    given = [json.loads(line) for line in (run / "commands.jsonl").read_text().splitlines()]
    assert {r["source"] for r in given if r["command"]["agency"] == "police"} == {"bot:police"}
    capsys.readouterr()

    assert main(["report", str(run), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["overview"]["roles"] == ["fire"]
    assert "police" in doc["overview"]["automated"]
    assert [row["role"] for row in doc["trainee_orders"]] == ["fire"]  # not the bot's

    db = tmp_path / "db.sqlite"
    assert main(["history", "--db", str(db), "--all"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if re.match(r"\W*1\s", line))
    assert " fire " in row and "county_fire=sop,ems=sop,police=poor" in row
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out


def test_the_controllers_token_cannot_be_a_bot(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=1, until=None)
    with pytest.raises(LinkError, match="bot: the controller's seat is no player's"):
        Link(server.url, server.tokens["controller"], bot="sop")
    server.stop()
    server.wait()


def test_a_server_killed_outright_leaves_a_run_directory_report_reads(tmp_path, capsys):
    run, db = tmp_path / "run", tmp_path / "db.sqlite"
    argv = [sys.executable, str(ROOT / "run_sim.py"), "serve", str(SMALL), "--seats", "police"]
    argv += ["--port", "0", "--out", str(run), "--db", str(db)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SIMULATOR_PURPOSE": "rehearsal"}
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env)
    try:
        url = next(re.search(r"at (ws://\S+);", line) for line in server.stdout).group(1)
        tokens = json.loads((run / "tokens.json").read_text())
        police = Link(url, tokens["police"])
        order = SetService(agency="police", unit="P1", in_service=False)
        answer = police.request({"type": "command", "command": command_json(order)})
        assert answer["accepted"]  # answered after the order was written down
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        server.stdout.close()

    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "running" and manifest["complete"] is False
    assert manifest["seats"] == {"police": ["police"]} and manifest["roles"] == ["police"]
    [given] = [json.loads(line) for line in (run / "commands.jsonl").read_text().splitlines()]
    assert given["source"] == "seat:police" and given["command"]["unit"] == "P1"

    assert main(["report", str(run), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["overview"]["record"] == "incomplete"
    assert doc["trainee_orders"][0]["orders"] == 1
    assert main(["replay", str(run)]) == 2
    err = capsys.readouterr().err
    assert "status: running: the run never finished writing its record" in err

    (run / "run.json").unlink()
    assert main(["report", str(run)]) == 2
    err = capsys.readouterr().err
    assert f"{run / 'run.json'}: missing" in err
    assert "`run_sim.py history --all` lists the runs recorded there" in err
    assert "`run_sim.py report N` reports one" in err


def test_a_controller_log_that_cannot_be_written_still_closes_the_record(tmp_path):
    server = start_server(tmp_path, seats=["police"], speed=2000, until=600)
    (tmp_path / "run" / "controller.jsonl").mkdir()  # where the file must go: a disk fault
    server.wait()
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest.get("status") != "running"  # the final manifest, not the provisional one
    assert manifest["complete"] is False  # its record lacks the controller's actions
    assert "summary.json" in {p.name for p in (tmp_path / "run").iterdir()}
    store = Store.open(tmp_path / "db.sqlite", readonly=True)
    try:
        status = store.run(1).status
    finally:
        store.close()
    assert status == "incomplete"  # the database agrees with the directory


def test_a_bot_seat_is_recorded_as_automated_as_soon_as_it_joins(tmp_path):
    """A server killed outright never records its end: who sits where is said at once."""
    server = start_server(tmp_path, seats=["police", "fire"], speed=1, until=None)
    manifest_file, db = tmp_path / "run" / "run.json", tmp_path / "db.sqlite"

    def recorded() -> tuple[dict, RunInfo]:
        store = Store.open(db, readonly=True)
        try:
            (run,) = store.runs(purpose=None)
        finally:
            store.close()
        return json.loads(manifest_file.read_text()), run

    bot = sit(server.url, server.tokens["police"], bot="poor")
    manifest, run = recorded()
    assert manifest["status"] == "running"
    assert manifest["roles"] == ["fire"] and manifest["bots"] == {"police": "poor"}
    assert manifest["players"]["police"] == "poor"
    assert run.roles == ["fire"] and "police" in run.automated and "police=poor" in run.players
    bot.link.close()
    server.stop(complete=False)
    server.wait()


def test_a_seat_a_person_takes_after_a_bot_is_the_trainees_again():
    from simulator.cli_records import Recording
    from simulator.scenario import load

    recording = Recording(None, load(SMALL), SMALL, 0, 600.0, ["police", "fire"], None)
    recording.automate({"police": "poor"})
    assert recording.roles == ["fire"] and recording.profiles["police"] == "poor"
    recording.automate({})  # the bot left and a person sat down: the seat is a trainee's
    assert recording.roles == ["police", "fire"] and "police" not in recording.automated
    assert "police" not in (recording.profiles or {})


def test_a_seats_end_screen_hears_why_its_role_had_no_duty():
    """The server said "no duty arose" alone: a seat never told of the crash read a clean sheet."""
    from simulator.network.window import recorded

    why = "never told of 1 incident needing it (police knew)"

    class Told:  # the server's ``recorded`` message for a fire seat
        run, left, now = 3, False, 600.0
        recorded = {
            "run": 3,
            "status": "complete",
            "roles": {"fire": None},
            "untold": {"fire": why},
        }

    assert recorded(Told(), "ws://10.0.0.5:8765").verdict.untold == {"fire": why}
