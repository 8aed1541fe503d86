"""Two exercises recording into one database at once: both kept whole, neither refused.

A classroom runs several trainees' exercises on one machine and one exercise database
(WAL mode, a busy timeout): writers take turns, and each run's events, status and
scores come out as if it had run alone.
"""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from conftest import SCENARIOS

from simulator.store.database import write_ahead

ROOT = Path(__file__).resolve().parent.parent


def run(db: Path, out: Path, seed: int) -> subprocess.Popen:
    env = {**os.environ, "SIMULATOR_PURPOSE": "rehearsal", "SDL_VIDEODRIVER": "dummy"}
    args = [
        sys.executable,
        str(ROOT / "run_sim.py"),
        "run",
        str(SCENARIOS / "riverton_night_shift.yaml"),
    ]
    args += ["--seed", str(seed), "--db", str(db), "--out", str(out)]
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_runs_writing_one_database_at_once_are_both_recorded_whole(tmp_path):
    db = tmp_path / "exercises.sqlite"
    procs = [run(db, tmp_path / f"run{seed}", seed) for seed in (1, 2)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "overall score" in out
    for seed in (1, 2):
        manifest = json.loads((tmp_path / f"run{seed}" / "run.json").read_text())
        events = (tmp_path / f"run{seed}" / "events.jsonl").read_text().splitlines()
        assert manifest["complete"] and len(events) == manifest["events"]
    with closing(sqlite3.connect(db)) as con:
        rows = con.execute("SELECT seed, status FROM runs ORDER BY seed").fetchall()
        counts = con.execute("SELECT run, COUNT(*) FROM events GROUP BY run").fetchall()
    assert rows == [(1, "complete"), (2, "complete")]
    assert sorted(n for _, n in counts) == sorted(
        json.loads((tmp_path / f"run{s}" / "run.json").read_text())["events"] for s in (1, 2)
    )


class _Held:
    """A connection whose journal-mode change meets another's lock ``times`` times."""

    def __init__(self, db: sqlite3.Connection, refusal: sqlite3.OperationalError, times: int):
        self.db, self.refusal, self.times, self.asked = db, refusal, times, 0

    def execute(self, sql: str):
        if sql == "PRAGMA journal_mode = WAL":
            self.asked += 1
            if self.asked <= self.times:
                raise self.refusal
        return self.db.execute(sql)


def _refusal(path: Path) -> sqlite3.OperationalError:
    """SQLite's own answer to a journal-mode change while another connection holds a lock."""
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN EXCLUSIVE")
        with closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as other:
            try:
                other.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as exc:
                holder.execute("ROLLBACK")
                return exc
    raise AssertionError("the lock did not refuse the change")


def test_a_journal_mode_change_refused_at_once_is_tried_again(tmp_path):
    """SQLite refuses it without its busy timeout: a second run opening the file failed."""
    refusal = _refusal(tmp_path / "held.sqlite")
    assert refusal.sqlite_errorname.startswith("SQLITE_BUSY")
    with closing(sqlite3.connect(tmp_path / "x.sqlite", isolation_level=None)) as db:
        held = _Held(db, refusal, times=3)
        write_ahead(held)
        assert held.asked == 4
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other = sqlite3.connect(tmp_path / "y.sqlite", isolation_level=None)
    with closing(other) as db, pytest.raises(sqlite3.OperationalError):
        write_ahead(_Held(db, refusal, times=10**9), patience=0.0)  # gives up in the end
