"""The report of a served exercise: how it was conducted, why it ended, its baseline.

Real servers over loopback (``test_network``'s, and ``run_sim.py serve`` in a process
stopped by SIGTERM); the reports are read as an evaluator reads them, from the
database and from the run directory, in Markdown and HTML.
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys

import pytest
from test_network import ROOT, SMALL, start_server

from simulator.cli import main
from simulator.network.link import Link
from simulator.review import conduct
from simulator.scenario import load
from simulator.store.database import Store


@pytest.fixture(autouse=True)
def _rehearsal(monkeypatch):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")


def report(capsys, run: str, *options: str) -> str:
    capsys.readouterr()
    assert main(["report", run, *options]) == 0
    return capsys.readouterr().out


def section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : None if end < 0 else end]


def _command(link: Link, command: dict) -> dict:
    answer = link.request({"type": "command", "command": command})
    assert answer["type"] == "result" and answer["accepted"], answer
    return answer


@pytest.fixture(scope="module")
def conducted(tmp_path_factory):
    """A served run: MSEL 2 held, MSEL 3 released early, an ad-hoc inject, then ended."""
    tmp = tmp_path_factory.mktemp("conduct")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIMULATOR_PURPOSE", "rehearsal")
        server = start_server(tmp, seats=["police"], speed=1, until=None)
        controller = Link(server.url, server.tokens["controller"])
        _command(controller, {"type": "hold_inject", "seq": 2})
        _command(controller, {"type": "release_inject", "seq": 3})
        _command(
            controller, {"type": "add_inject", "text": "Diesel | in *the* river", "to": ["fire"]}
        )
        ended = controller.request({"type": "control", "action": "end", "reason": "drill over"})
        assert ended["type"] == "done"
        controller.close()
        server.wait()
    return tmp


def test_the_report_lists_the_controllers_departures_from_the_msel(conducted, capsys):
    db = str(conducted / "db.sqlite")
    for source, options in (("1", ("--db", db)), (str(conducted / "run"), ())):
        text = report(capsys, source, *options, "--format", "md")
        part = section(text, "Exercise conduct")
        rows = [line for line in part.splitlines() if line.startswith("| T+")]
        what = [row.split(" | ")[1] for row in rows]
        assert what[0] == "Held" and what[2:] == ["Ad-hoc inject", "Exercise ended"], source
        assert what[1].startswith("Released early (due T+01:30:00, 01:")  # given near T+0
        assert "MSEL row 2 (road closure), due T+00:10:00" in rows[0]
        assert "MSEL row 3 (road closure) to police: The Mill Bridge reopens." in rows[1]
        assert r"inject 4 to fire: Diesel \| in \*the\* river" in rows[2]  # typed, not markup
        assert rows[3].endswith("| ended by the exercise controller: drill over |")
        assert "ran as scripted" not in part
        # The header line says why it stopped in the same words.
        assert "(ended by the exercise controller: drill over) · seed 0" in text.splitlines()[2]
        page = report(capsys, source, *options, "--format", "html")
        assert re.search(r"<h2>\d+\. Exercise conduct</h2>", page)
        assert "<td>Ad-hoc inject</td><td>inject 4 to fire: Diesel | in *the* river</td>" in page


def test_the_controllers_actions_are_kept_in_the_database(conducted):
    """The report from the database reads them there: the run directory may be gone."""
    actions = Store.open(conducted / "db.sqlite").controller_actions(1)
    assert [a["action"] for a in actions] == ["end"] and actions[0]["reason"] == "drill over"
    logged = (conducted / "run" / "controller.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in logged] == actions


def test_a_run_played_as_scripted_says_so(tmp_path, capsys):
    db = tmp_path / "x.sqlite"
    argv = ["run", str(SMALL), "--db", str(db), "--quiet", "--until", "00:30"]
    assert main([*argv, "--out", str(tmp_path / "run")]) == 0
    part = section(report(capsys, "1", "--db", str(db), "--format", "md"), "Exercise conduct")
    assert part.splitlines()[2] == (
        "The exercise ran as scripted: no MSEL row was held, released out of time or added."
    )
    assert "| T+00:30:00 | Exercise ended | as --until asked |" in part


def test_a_bad_controller_log_in_a_run_directory_is_named(conducted, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    for path in (conducted / "run").iterdir():
        (run / path.name).write_bytes(path.read_bytes())
    (run / "controller.jsonl").write_text('{"t": 1, "action": "end", "reason": 5}\n')
    assert main(["report", str(run), "--format", "md"]) == 2
    err = capsys.readouterr().err
    assert f"{run / 'controller.jsonl'}: line 1: reason: expected text, got 5" in err
    assert "Traceback" not in err


# -- a served run stopped by SIGTERM keeps its baseline ---------------------------------


def test_a_served_run_stopped_by_sigterm_is_compared_with_its_baseline(tmp_path, capsys):
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    argv = [sys.executable, "run_sim.py", "serve", str(SMALL), "--seats", "police"]
    argv += ["--port", "0", "--speed", "600", "--out", str(out), "--db", str(db)]
    env = {**os.environ, "SIMULATOR_PURPOSE": "rehearsal"}
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        url = token = None
        while token is None:
            line = server.stdout.readline()
            assert line, "the server stopped before it listed its seats"
            url = url or (re.search(r"at (ws://\S+);", line) or [None, None])[1]
            if line.split()[:1] == ["controller"]:
                token = line.split()[-1]
        controller = Link(url, token)
        while (controller.receive(10) or {}).get("now", 0) < 600:
            pass  # the exercise runs ten minutes in
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 130
    assert Store.open(db).run(1).status == "incomplete"
    text = report(capsys, "1", "--db", str(db), "--format", "md")
    stopped = re.search(r"incomplete run, stopped at (T\+\d\d:\d\d(:\d\d)?) ", text)[1]
    part = section(text, "Baseline comparison (automated players, same scenario and seed)")
    assert (
        f"The automated players were played to {stopped}, where this run stopped, and are "
        "compared over that stretch." in part
    )
    assert "| Overall score (0-100) |" in part
    conduct = section(text, "Exercise conduct")
    assert "ran as scripted" not in conduct  # it stopped at 00:10 of 02:00
    assert "No MSEL row was held, released out of time or added; the exercise did" in conduct
    ended = conduct.strip().splitlines()[-1]
    assert ended.endswith(
        "| Exercise ended | interrupted: the run or its server was stopped by Ctrl+C or SIGTERM |"
    )


def test_a_record_cut_short_says_why_it_has_no_baseline(tmp_path, capsys):
    """A log without the exercise's end (a process killed) has no stretch known whole."""
    db = tmp_path / "x.sqlite"
    argv = ["run", str(SMALL), "--db", str(db), "--quiet", "--roles", "police"]
    assert main([*argv, "--until", "00:20", "--out", str(tmp_path / "run")]) == 0
    with sqlite3.connect(db) as con:  # as a process killed before its last batch leaves it
        con.execute("DELETE FROM events WHERE run = 1 AND kind = 'exercise.ended'")
        con.execute(
            "UPDATE runs SET status = 'incomplete', events_sha256 = NULL, "
            "events = (SELECT count(*) FROM events WHERE run = 1) WHERE id = 1"
        )
    text = report(capsys, "1", "--db", str(db), "--format", "md")
    part = section(text, "Baseline comparison (automated players, same scenario and seed)")
    assert "No baseline: run 1's record ends without the exercise's end" in part
    assert "| measure |" not in part


def test_a_run_stopped_by_until_reads_the_same_from_its_directory_and_the_database(
    tmp_path, capsys
):
    directory, db = tmp_path / "run", tmp_path / "db.sqlite"
    argv = ["run", str(SMALL), "--until", "00:30", "--roles", "police", "--quiet"]
    assert main([*argv, "--out", str(directory), "--db", str(db)]) == 0
    from_directory = report(capsys, str(directory), "--format", "md")
    from_database = report(capsys, "1", "--db", str(db), "--format", "md")
    for text in (from_directory, from_database):
        assert "stopped at T+00:30 of 02:00 (as --until asked)" in text
        assert "The exercise ran as scripted" in section(text, "Exercise conduct")
        assert "does not tell" not in text


def test_a_play_ended_by_the_trainee_says_so_from_its_directory(tmp_path, capsys):
    directory = tmp_path / "run"
    assert main(["run", str(SMALL), "--until", "00:30", "--quiet", "--out", str(directory)]) == 0
    manifest = json.loads((directory / "run.json").read_text())
    manifest["stopped_by"] = "trainee"  # what ``play`` writes when the trainee ends early
    (directory / "run.json").write_text(json.dumps(manifest))
    text = report(capsys, str(directory), "--format", "md")
    assert "(ended by the trainee (End or Ctrl+Q))" in text
    assert "as --until asked" not in text and "does not tell" not in text
    assert "or the exercise controller" not in text


@pytest.mark.parametrize(
    ("ended", "until", "stopped_by", "reason"),
    [
        ("stopped at 00:10:00", 7200.0, "trainee", conduct.BY_TRAINEE),
        ("stopped at 00:10:00", 7200.0, "failed", conduct.VIEW_FAILED),
        ("interrupted", 7200.0, "interrupted", conduct.INTERRUPTED),
        ("interrupted", 7200.0, "", conduct.INTERRUPTED),  # ``run``'s, which says no more
        ("stopped at 00:10:00", 600.0, "until", conduct.AS_ASKED),
        ("stopped at 00:10:00", 7200.0, "", conduct.ENDED_EARLY),  # a database's, before
        ("stopped at 00:10:00", None, "", conduct.UNTOLD),  # a run directory's, before
    ],
)
def test_each_stopped_by_reads_as_who_stopped_the_run(ended, until, stopped_by, reason):
    """A crash or Ctrl+C in the map view read as "ended by the trainee (End or Ctrl+Q)"."""
    scenario = load(SMALL)
    assert conduct.stop_reason(scenario, ended, 600.0, until, (), stopped_by) == reason
