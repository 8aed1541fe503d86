"""SIGTERM stops ``run`` as Ctrl+C does: recorded as stopped, summarised and compared.

A session manager, ``timeout`` or ``kill`` sends SIGTERM, not SIGINT; dying at once
left the run "running" with nothing printed, and a baseline half-played.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from simulator.store.database import Store

SMALL = ROOT / "scenarios" / "small_town_collision.yaml"
# Runs ``run`` until the chosen exercise (1: the trainee's, 2: its baseline) has played
# ten minutes, says so, and waits there for the signal: no race with the run's end.
CHILD = """
import signal, sys
from simulator.cli import main
from simulator.exercise import Exercise

which, seen, advance = int(sys.argv[1]), [], Exercise.advance

def advance_then_wait(self, until, **kwargs):
    advance(self, until, **kwargs)
    if self.now >= 600 and id(self) not in seen:
        seen.append(id(self))
        if len(seen) == which:
            print("waiting for the signal", flush=True)
            signal.pause()

Exercise.advance = advance_then_wait
sys.exit(main(sys.argv[2:]))
"""


def _terminated(which: int, db: Path, out: Path, argv: list[str] | None = None) -> tuple[int, str]:
    """``run`` (or ``argv``) as a trainee's exercise, sent SIGTERM in exercise ``which``.

    Returns the exit code and what was printed.
    """
    argv = argv or ["run", str(SMALL), "--roles", "police", "--trainee", "Ada"]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(which), *argv, "--db", str(db), "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "SDL_VIDEODRIVER": "dummy"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline() == "waiting for the signal\n"
        child.send_signal(signal.SIGTERM)
        printed, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert "Traceback" not in err
    return child.returncode, printed


def test_sigterm_during_a_run_records_it_stopped_and_compares_it(tmp_path):
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    code, printed = _terminated(1, db, out)
    assert code == 130
    assert "Interrupted: everything up to now is kept in the run directory." in printed
    assert "Automated-players baseline: " in printed
    assert "interrupted before it finished" not in printed
    assert json.loads((out / "run.json").read_text())["complete"] is False
    store = Store.open(db, readonly=True)
    try:
        assert store.run(1).status == "incomplete"
        assert store.run(2).purpose == "baseline" and store.run(2).status == "complete"
    finally:
        store.close()


def test_sigterm_during_the_baseline_keeps_the_run_and_says_the_report_plays_it(tmp_path):
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    code, printed = _terminated(2, db, out)
    assert code == 0  # the trainee's run was recorded whole before the baseline began
    assert "Automated-players baseline: interrupted before it finished; `report 1` plays it" in (
        printed
    )
    assert json.loads((out / "run.json").read_text())["complete"] is True
    store = Store.open(db, readonly=True)
    try:
        assert store.run(1).status == "complete"
        assert store.run(2).status == "incomplete"  # never cached: played again when asked
    finally:
        store.close()


def _played(which: int, tmp_path: Path) -> tuple[int, str, Path, Path]:
    """``play`` headless, sent SIGTERM in exercise ``which``: code, output, db, run dir."""
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    argv = ["play", str(SMALL), "--role", "police", "--speed", "60", "--frames", "900"]
    code, printed = _terminated(which, db, out, [*argv, "--screenshot", str(tmp_path / "m.png")])
    return code, printed, db, out


def test_sigterm_during_the_map_views_baseline_keeps_the_played_run(tmp_path):
    """``play`` plays its baseline after the window closes, where SIGTERM killed it."""
    code, _, db, _ = _played(2, tmp_path)
    assert code == 0
    store = Store.open(db, readonly=True)
    try:
        assert store.run(1).status == "complete" and store.scores(1) is not None
        assert store.run(2).purpose == "baseline" and store.run(2).status == "incomplete"
    finally:
        store.close()


def test_sigterm_during_the_map_view_records_the_run_interrupted(tmp_path):
    """SDL took SIGTERM for a window close: the run was recorded as the trainee's End."""
    code, printed, db, out = _played(1, tmp_path)
    assert code == 130
    assert f"Run directory: {out}" in printed
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["stopped_by"] == "interrupted" and manifest["complete"] is False
    store = Store.open(db, readonly=True)
    try:
        assert store.run(1).stopped_by == "interrupted" and store.run(1).status == "incomplete"
    finally:
        store.close()
