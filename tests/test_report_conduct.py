"""The report of a served exercise: how it was conducted and why it ended.

Real servers over loopback (``test_network``'s, and ``run_sim.py serve`` in a process
stopped by SIGTERM); the reports are read as an evaluator reads them, from the
database and from the run directory, in Markdown and HTML.
"""

import json
import re

import pytest
from test_network import SMALL, start_server

from simulator.cli import main
from simulator.network.link import Link
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
