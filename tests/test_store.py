"""The exercise database: schema and migrations, records, crash safety, wrong files."""

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from conftest import ROOT, LogBuilder

from simulator import fingerprint
from simulator.cli import main
from simulator.scenario.timing import format_offset
from simulator.store import database, schema
from simulator.store.database import Store, StoreError, event_row
from simulator.store.schema import APPLICATION_ID, VERSION, migrate

SMALL = ROOT / "scenarios" / "small_town_collision.yaml"


def start(store: Store, **kw) -> int:
    fields = {
        "scenario_id": "s",
        "scenario_title": "S",
        "scenario_name": "s.yaml",
        "scenario_text": "metadata: {}",
        "scenario_sha256": "abc",
        "seed": 1,
        "until": 3600.0,
        "automated": ["fire"],
        **kw,
    }
    return store.start_run(**fields)


def test_a_new_database_is_wal_versioned_and_marked_as_ours(tmp_path):
    store = Store.open(tmp_path / "new" / "x.sqlite")
    db = store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_events_commands_scores_and_notes_round_trip(tmp_path):
    store = Store.open(tmp_path / "x.sqlite")
    run = start(store, trainee="Ana", roles=["police"])
    log = LogBuilder().add(0, "exercise.started").add(5.5, "unit.dispatched", "police", "P1", "I1")
    rows = [event_row(e, e.to_json()) for e in log.events]
    store.append(run, rows[:1], [])
    command = (1, {"t": 5.5, "source": "trainee", "command": {"type": "x"}})
    scores = {"overall": 80.0, "objectives": []}
    store.finish_run(
        run,
        complete=True,
        events_sha256="h",
        scores=scores,
        events=rows[1:],
        commands=[command],
    )
    store.add_note(run, 600, "late")
    store.add_note(run, 60, "early")
    info = store.run(run)
    assert (info.status, info.events, info.trainee, info.roles) == (
        "complete",
        2,
        "Ana",
        ["police"],
    )
    assert store.events(run) == log.events
    assert store.commands(run)[0]["source"] == "trainee"
    assert store.overall(run) == 80.0 and store.scores(run) == scores
    assert [n.text for n in store.notes(run)] == ["early", "late"]
    assert [r.id for r in store.runs() if r.trainee == "Ana"] == [run]


def test_two_processes_creating_one_new_database_at_once_both_open_it(tmp_path):
    """Both read version 0; the second to get the write lock must not migrate again.

    (Seen as "table runs already exists" when two classroom runs start together.)
    """
    path = tmp_path / "new.sqlite"
    first = sqlite3.connect(path, isolation_level=None)
    second = sqlite3.connect(path, isolation_level=None)
    stale = second.execute("PRAGMA user_version").fetchone()[0]
    migrate(first)
    schema._apply(second, stale, VERSION)  # what ``migrate`` does after its stale read
    assert second.execute("PRAGMA user_version").fetchone()[0] == VERSION
    first.close()
    second.close()
    Store.open(path).close()


def test_an_older_schema_is_migrated_and_keeps_its_runs(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, upto=1)
    db.execute(
        "INSERT INTO runs (scenario_id, scenario_title, scenario_sha256, scenario_name, "
        "scenario_text, seed, until, started, status, host, pid) "
        "VALUES ('s', 'S', 'h', 's.yaml', '', 1, 60, '2026-01-01', 'complete', 'h', 1)"
    )
    db.close()
    store = Store.open(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION == 7
    assert [(r.scenario_id, r.players) for r in store.runs()] == [("s", "")]  # not known
    assert store.run(1).stopped_by == ""  # migration 7: not known for runs recorded before
    assert store.baseline("h", 1, 60, "") is None  # the table migration 2 added
    assert store.controller_actions(1) == []  # migration 6: none recorded before


def older(path, version: int, runs: int = 1) -> Store:
    """A database of schema ``version`` holding ``runs`` runs, opened (so upgraded) now."""
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, upto=version)
    for _ in range(runs):
        db.execute(
            "INSERT INTO runs (scenario_id, scenario_title, scenario_sha256, scenario_name, "
            "scenario_text, seed, until, started, status, host, pid) "
            "VALUES ('s', 'S', 'h', 's.yaml', '', 1, 60, '2026-01-01', 'running', 'h', 1)"
        )
    db.close()
    return Store.open(path)


def test_version_5_gains_the_controller_actions_and_keeps_its_runs(tmp_path):
    """Migration 6 adds the controller's actions; a served run's are kept and read back."""
    store = older(tmp_path / "v5.sqlite", 5)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert [r.id for r in store.runs()] == [1]
    actions = [{"t": 5.0, "action": "pause"}, {"t": 30.0, "action": "end", "reason": "over"}]
    store.finish_run(1, complete=True, events_sha256="x", scores={}, actions=actions)
    assert store.controller_actions(1) == actions
    store.db.execute("UPDATE controller_actions SET json = '{\"t\": -1}' WHERE n = 1")
    with pytest.raises(StoreError, match=r"run 1: controller_actions: 1: t: expected seconds"):
        store.controller_actions(1)


def test_version_6_gains_who_stopped_a_run_and_a_finish_records_it(tmp_path):
    """Migration 7: a play session its trainee ended says so, as its run.json does."""
    store = older(tmp_path / "v6.sqlite", 6, runs=2)
    store.finish_run(1, complete=True, events_sha256="x", scores={}, stopped_by="trainee")
    store.finish_run(2, complete=True, events_sha256="x", scores={})
    assert [r.stopped_by for r in store.runs()] == ["trainee", ""]


_RUN_COLUMNS_V2 = (
    "id, purpose, trainee, roles, automated, scenario_id, scenario_title, scenario_sha256, "
    "scenario_name, scenario_text, seed, until, started, ended, status, host, pid, events, "
    "events_sha256"
)


def test_version_2_rebuilt_for_rehearsals_keeps_every_row_id_index_and_reference(tmp_path):
    path = tmp_path / "v2.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db, upto=2)
    for ident, purpose, trainee in ((3, "exercise", "Ana"), (7, "baseline", None)):
        db.execute(
            "INSERT INTO runs (id, purpose, trainee, roles, automated, scenario_id, "
            "scenario_title, scenario_sha256, scenario_name, scenario_text, seed, until, "
            "started, ended, status, host, pid, events, events_sha256) VALUES "
            "(?, ?, ?, '[\"police\"]', '[\"fire\"]', 's', 'S', 'h', 's.yaml', 'x: 1', 4, 60, "
            "'2026-01-01T10:00:00', '2026-01-01T10:05:00', 'complete', 'h', 1, 1, 'e')",
            (ident, purpose, trainee),
        )
        db.execute("INSERT INTO events VALUES (?, 1, 0.0, 'exercise.started', '{}')", (ident,))
        db.execute("INSERT INTO commands VALUES (?, 1, 5.0, 'trainee', '{}')", (ident,))
        db.execute("INSERT INTO scores VALUES (?, 50.0, '{\"overall\": 50.0}')", (ident,))
        db.execute("INSERT INTO notes (run, t, text, created) VALUES (?, 1, 'n', 'c')", (ident,))
    db.execute("INSERT INTO baselines VALUES ('h', 4, 60, 7)")
    tables = ("runs", "events", "commands", "scores", "notes", "baselines")
    before = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    db.close()

    store = Store.open(path)
    db = store.db
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    columns = {"baselines": "scenario_sha256, seed, until, run"}  # 4 added its code
    columns["runs"] = _RUN_COLUMNS_V2  # 5 added the players
    after = {
        t: db.execute(f"SELECT {columns.get(t, '*')} FROM {t} ORDER BY 1").fetchall()
        for t in tables
    }
    assert after == before
    assert db.execute("SELECT code FROM baselines").fetchall() == [("",)]
    indexes = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'"
    )
    assert {name for (name,) in indexes} == {"runs_by_trainee", "runs_by_scenario"}
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.run(start(store, purpose="rehearsal")).purpose == "rehearsal"
    with pytest.raises(sqlite3.IntegrityError):
        start(store, purpose="drill")
    with store.transaction():
        db.execute("DELETE FROM runs WHERE id = 3")  # children still refer to the new table
    assert store.events(3) == [] and store.scores(3) is None and store.notes(3) == []
    assert store.baseline("h", 4, 60, "") == 7
    assert store.baseline("h", 4, 60, "another program") is None


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this simulator"):
        Store.open(path)


@pytest.mark.parametrize("kind", ["garbage", "foreign"])
def test_a_wrong_file_gives_a_clear_error_and_exit_2(tmp_path, capsys, kind):
    path = tmp_path / "wrong.db"
    if kind == "garbage":
        path.write_bytes(b"this is not a database at all\n" * 200)
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        db.commit()
        db.close()
    with pytest.raises(StoreError, match="not a simulator database"):
        Store.open(path)
    for argv in (["history", "--db", str(path)], ["report", "1", "--db", str(path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"{path}: not a simulator database" in err
        assert "Traceback" not in err


def test_a_failure_while_finishing_never_leaves_a_run_complete_without_scores(
    tmp_path, monkeypatch, capsys
):
    def disk_gone(*args):
        raise sqlite3.OperationalError("disk I/O error")

    db = tmp_path / "x.sqlite"
    monkeypatch.setattr(database, "_insert_scores", disk_gone)
    code = main(["run", str(SMALL), "--db", str(db), "--out", str(tmp_path / "a"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"{db}: cannot write the database: disk I/O error" in err
    assert f"it is kept in full in {tmp_path / 'a'}" in err
    store = Store.open(db)
    run = store.run(1)
    assert (run.status, run.events_sha256) == ("incomplete", None)  # marked after the failure
    assert store.scores(1) is None
    assert run.events == len(store.events(1)) > 0  # committed before scoring


def test_a_run_whose_marking_failed_too_is_marked_once_its_process_is_gone(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "x.sqlite")
    run = start(store)
    assert Store.open(store.path).run(run).status == "running"  # this process is alive
    monkeypatch.setattr(database, "_alive", lambda pid: False)  # the process has died
    assert Store.open(store.path, readonly=True).run(run).status == "incomplete"  # shown so
    assert Store.open(store.path).run(run).status == "incomplete"  # and marked so


def test_running_runs_of_live_processes_are_left_alone(tmp_path):
    path = tmp_path / "x.sqlite"
    run = start(Store.open(path))
    assert Store.open(path).run(run).status == "running"  # this process is alive


RECORD_AND_HANG = r"""
import hashlib
import sys
from pathlib import Path
from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.scenario import load
from simulator.store.database import Store
from simulator.store.recorder import Recorder

path = Path(sys.argv[2])
scenario = load(path)
store = Store.open(Path(sys.argv[1]))
exercise = Exercise(scenario, seed=2)
attach_players(exercise, [a.id for a in scenario.agencies])
run = store.start_run(scenario_id=scenario.metadata.id, scenario_title="t", scenario_name=path.name,
    scenario_text=path.read_text(),
    scenario_sha256=hashlib.sha256(path.read_bytes()).hexdigest(), seed=2,
    until=scenario.metadata.duration,
    automated=[a.id for a in scenario.agencies])
recorder = Recorder(store, run, exercise.log, exercise.commands)
exercise.subscribe(recorder.on_events)
exercise.advance(1800)
recorder.flush()
print(run, len(exercise.log.events), flush=True)
sys.stdin.read()  # the test kills us here, mid-run
"""


def killed_run(db) -> tuple[int, int]:
    """Record a run into ``db`` in another process, and kill it mid-way (SIGKILL).

    Returns the run's id and the events it had written.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", RECORD_AND_HANG, str(db), str(SMALL)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        run, written = (int(x) for x in proc.stdout.readline().split())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return run, written


def test_a_note_past_where_a_killed_runs_record_ends_is_refused(tmp_path, capsys):
    db = tmp_path / "x.sqlite"
    run, _ = killed_run(db)
    with closing(Store.open(db, readonly=True)) as store:
        ends = max(e.t for e in store.events(run))
    assert ends < 2700  # killed near T+00:30
    argv = ["note", str(run), "--db", str(db), "--at"]
    assert main([*argv, "00:45", "radio traffic"]) == 2
    err = capsys.readouterr().err
    assert f"the run is incomplete and its record ends at T+{format_offset(ends)}" in err
    assert "Traceback" not in err
    assert main([*argv, "00:20", "radio traffic"]) == 0  # within what it recorded


def test_a_run_killed_mid_way_is_kept_and_marked_incomplete(tmp_path):
    db = tmp_path / "x.sqlite"
    assert main(["run", str(SMALL), "--db", str(db), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    run, written = killed_run(db)
    store = Store.open(db)
    partial = store.run(run)
    assert partial.status == "incomplete" and partial.ended is not None
    events = store.events(run)
    assert len(events) == partial.events == written > 0
    assert [e.seq for e in events] == list(range(1, written + 1))
    first = store.run(1)
    assert first.status == "complete"
    text = "".join(e.to_json() + "\n" for e in store.events(1))
    assert hashlib.sha256(text.encode()).hexdigest() == first.events_sha256


def test_history_scores_a_killed_run_from_what_it_recorded(tmp_path, capsys):
    """A trainee's run cut off by a kill still shows a (pro-rated) score in history."""
    db = tmp_path / "x.sqlite"
    run, _ = killed_run(db)
    assert Store.open(db, readonly=True).scores(run) is None  # nothing finished it
    assert main(["history", "--db", str(db), "--all"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.strip("│ ").startswith(f"{run} "))
    assert "incomplete" in row
    assert re.search(r"\d+\.\d\*", row), row  # a score, marked pro-rated
    assert "process killed" in out.replace("\n", " ").replace("│", "")


def test_the_database_keeps_the_very_lines_of_the_event_log(tmp_path):
    """Each event is serialised once: events.jsonl and the database hold the same text."""
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    assert main(["run", str(SMALL), "--db", str(db), "--out", str(out), "--quiet"]) == 0
    lines = (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
    with closing(sqlite3.connect(db)) as con:
        stored = [j for (j,) in con.execute("SELECT json FROM events ORDER BY seq")]
    assert stored == lines and len(lines) > 100


def test_the_code_fingerprint_moves_with_any_module_of_the_package(tmp_path, monkeypatch):
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "core.py").write_text("SPEED = 1\n")
    (tmp_path / "notes.txt").write_text("not code")
    monkeypatch.setattr(fingerprint, "_PACKAGE", tmp_path)

    def fresh() -> str:
        fingerprint.code_fingerprint.cache_clear()
        return fingerprint.code_fingerprint()

    first = fresh()
    (tmp_path / "notes.txt").write_text("still not code")
    assert fresh() == first
    (tmp_path / "engine" / "core.py").write_text("SPEED = 2\n")
    assert fresh() != first
    fingerprint.code_fingerprint.cache_clear()
