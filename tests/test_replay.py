"""Record -> replay round trips: what a run records is exactly what its replay does."""

import json
from pathlib import Path

from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "scenarios" / "small_town_collision.yaml"


def _orders(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _recorded(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "commands.jsonl").read_text().splitlines()]


def test_commands_after_until_are_neither_played_nor_recorded_and_the_run_replays(tmp_path, capsys):
    early = {"type": "close_road", "agency": "police", "road": "High Street"}
    late = {"type": "close_road", "agency": "fire", "road": "Main Street"}
    orders = _orders(
        tmp_path / "orders.jsonl",
        {"t": 600, "command": early},
        {"t": 3600, "command": late},
        {"t": 1801, "command": late},
    )
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders)]
    assert main([*args, "--out", str(run), "--quiet"]) == 0
    assert "Commands not played: 2" in capsys.readouterr().out
    trainee = [c for c in _recorded(run) if c["source"] == "trainee"]
    assert [(c["t"], c["command"]) for c in trainee] == [(600.0, early)]
    events = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    assert all(e["data"].get("command") != late for e in events)
    assert events[-1]["kind"] == "exercise.ended" and events[-1]["t"] == 1800.0
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out


def test_a_command_due_exactly_at_the_stop_is_played(tmp_path, capsys):
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders = _orders(tmp_path / "orders.jsonl", {"t": 1800, "command": command})
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders)]
    assert main([*args, "--out", str(run), "--quiet"]) == 0
    assert "not played" not in capsys.readouterr().out
    assert [c["t"] for c in _recorded(run) if c["source"] == "trainee"] == [1800.0]
    assert main(["replay", str(run)]) == 0
