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

from conftest import SCENARIOS

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
