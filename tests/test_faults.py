"""Faults while recording: a full disk or a read-only place ends in a clean message.

Issue 11: an output directory on a full disk, or a database there, ended in a
traceback, and ``history`` could not even read a read-only database. Now each gives
``FILE: reason`` and exit 2, keeps everything already written and marks the run
incomplete. A full disk is simulated without root: the run directory's files through
a writer that fails with ENOSPC, the database through SQLite's ``max_page_count`` (the
same SQLITE_FULL error). Permission cases need a user that permissions bind: as root
they are skipped, and a forced ``mode=ro`` connection stands in for the read-only file.
"""

import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import SCENARIOS

from simulator import record
from simulator.cli import main
from simulator.store import database
from simulator.store.database import Store

SMALL = SCENARIOS / "small_town_collision.yaml"
RUN = ["run", str(SMALL), "--quiet", "--seed", "3"]
ROOT_USER = os.geteuid() == 0
needs_permissions = pytest.mark.skipif(ROOT_USER, reason="root ignores file permissions")


def events_in(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def one_clean_failure(code: int, err: str) -> list[str]:
    assert "Traceback" not in err
    assert code == 2, err
    return err.strip().splitlines()


# -- the run directory ---------------------------------------------------------------------


class FullDisk:
    """Files that take ``room`` more bytes between them, then fail as a full disk does."""

    def __init__(self, room: int, names: tuple[str, ...]):
        self.room = room
        self.names = names
        self.real = record._open_text

    def open(self, path: Path):
        if path.name.removesuffix(".part") not in self.names:
            return self.real(path)
        return _Filling(self.real(path), self)


class _Filling:
    def __init__(self, file, disk: FullDisk):
        self.file, self.disk = file, disk

    def write(self, text: str) -> int:
        if len(text) > self.disk.room:
            self.disk.room = 0  # full now, for every file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.disk.room -= len(text)
        return self.file.write(text)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.mark.parametrize("names", [("events.jsonl",), ("events.jsonl", "run.json")])
def test_a_full_disk_under_the_run_directory_stops_the_run_and_loses_nothing(
    tmp_path, monkeypatch, capsys, names
):
    disk = FullDisk(20_000, names)
    monkeypatch.setattr(record, "_open_text", disk.open)
    out, db = tmp_path / "run", tmp_path / "x.sqlite"
    code = main([*RUN, "--out", str(out), "--db", str(db)])
    lines = one_clean_failure(code, capsys.readouterr().err)
    assert lines[0] == f"{out / 'events.jsonl'}: cannot write: No space left on device"
    assert "the run stopped at T+" in lines[-1] and f"run 1 of {db}" in lines[-1]
    store = Store.open(db, readonly=True)
    run = store.run(1)
    assert run.status == "incomplete"  # not finished, and marked so
    stored = [json.loads(e.to_json()) for e in store.events(1)]
    written = events_in(out / "events.jsonl")
    assert 0 < len(written) < len(stored)
    assert stored[: len(written)] == written  # whatever reached the disk is in the database
    assert stored[-1]["kind"] == "exercise.ended"
    assert "cannot be written" in stored[-1]["data"]["reason"]
    if "run.json" in names:
        assert sorted(p.name for p in out.iterdir()) == [
            "commands.jsonl",
            "events.jsonl",
            "run.json",
            "scenario.yaml",
            "summary.json",
        ]
        # No manifest cut short: the one written as the run began, saying it never finished.
        manifest = json.loads((out / "run.json").read_text())
        assert manifest["status"] == "running" and manifest["complete"] is False
    else:
        assert json.loads((out / "run.json").read_text())["complete"] is False


def test_an_output_directory_that_cannot_be_made_is_refused_before_anything_runs(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    db = tmp_path / "x.sqlite"
    code = main([*RUN, "--out", str(blocker / "run"), "--db", str(db)])
    lines = one_clean_failure(code, capsys.readouterr().err)
    assert lines == [f"{blocker / 'run'}: cannot write the run directory: Not a directory"]
    assert Store.open(db).runs(purpose=None) == []  # no run recorded


@needs_permissions
def test_a_read_only_output_location_is_a_clean_error(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code = main([*RUN, "--out", str(locked / "run"), "--db", str(tmp_path / "x.sqlite")])
    finally:
        locked.chmod(0o755)
    lines = one_clean_failure(code, capsys.readouterr().err)
    assert lines == [f"{locked / 'run'}: cannot write the run directory: Permission denied"]
    assert not (locked / "run").exists()


# -- the database --------------------------------------------------------------------------


def limit_pages(monkeypatch, spare: int) -> None:
    """Writing connections may grow the database by ``spare`` pages: then SQLITE_FULL."""
    real = sqlite3.connect

    def connect(path, *args, **kwargs):
        db = real(path, *args, **kwargs)
        if not kwargs.get("uri"):
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {max(pages, 1) + spare}")
        return db

    monkeypatch.setattr(database.sqlite3, "connect", connect)


def test_a_full_disk_under_the_database_stops_the_run_cleanly(tmp_path, monkeypatch, capsys):
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    Store.open(db).close()  # the schema fits; the run's events will not
    limit_pages(monkeypatch, 3)
    code = main([*RUN, "--out", str(out), "--db", str(db)])
    lines = one_clean_failure(code, capsys.readouterr().err)
    assert lines[0] == f"{db}: cannot write the database: database or disk is full"
    assert lines[-1].endswith(f"its events up to then are kept in {out}")
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["complete"] is False
    written = events_in(out / "events.jsonl")
    assert written[-1]["kind"] == "exercise.ended"  # the file holds the run to its stop
    monkeypatch.undo()
    store = Store.open(db, readonly=True)  # and the database can still be read
    assert len(store.events(1)) < len(written)
    assert main(["history", "--db", str(db), "--all"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_read_only_database_given_to_run_is_refused_before_anything_runs(
    tmp_path, monkeypatch, capsys
):
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    Store.open(db).close()
    real = sqlite3.connect

    def read_only(path, *args, **kwargs):  # as a file the user may not write opens
        if kwargs.get("uri"):
            return real(path, *args, **kwargs)
        return real(f"{Path(path).resolve().as_uri()}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(database.sqlite3, "connect", read_only)
    code = main([*RUN, "--out", str(out), "--db", str(db)])
    lines = one_clean_failure(code, capsys.readouterr().err)
    assert lines == [f"{db}: cannot write the database: attempt to write a readonly database"]
    assert not out.exists()


@needs_permissions
def test_a_read_only_database_file_is_refused_by_run_and_read_by_history(tmp_path, capsys):
    db = tmp_path / "x.sqlite"
    assert main([*RUN, "--out", str(tmp_path / "a"), "--db", str(db)]) == 0
    capsys.readouterr()
    db.chmod(0o444)
    try:
        code = main([*RUN, "--out", str(tmp_path / "b"), "--db", str(db)])
        lines = one_clean_failure(code, capsys.readouterr().err)
        assert lines[0].startswith(f"{db}: cannot write the database")
        assert main(["history", "--db", str(db)]) == 0
        assert "complete" in capsys.readouterr().out
    finally:
        db.chmod(0o644)


@needs_permissions
def test_a_database_in_a_read_only_directory_can_be_read(tmp_path, capsys):
    place = tmp_path / "archive"
    place.mkdir()
    db = place / "x.sqlite"
    assert main([*RUN, "--out", str(tmp_path / "a"), "--db", str(db)]) == 0
    place.chmod(0o555)
    try:
        assert main(["history", "--db", str(db)]) == 0
        assert main(["report", "1", "--db", str(db), "--format", "json"]) == 0
    finally:
        place.chmod(0o755)
    assert "Traceback" not in capsys.readouterr().err


def test_reading_commands_never_write_the_database(tmp_path, monkeypatch, capsys):
    db = tmp_path / "x.sqlite"
    assert main([*RUN, "--out", str(tmp_path / "a"), "--db", str(db)]) == 0
    store = Store.open(db)
    dead = store.start_run(
        scenario_id="s",
        scenario_title="S",
        scenario_name="s.yaml",
        scenario_text="{}",
        scenario_sha256="h",
        seed=1,
        until=60.0,
        automated=[],
    )
    store.close()
    before = db.read_bytes()
    monkeypatch.setattr(database, "_alive", lambda pid: False)  # its process has died
    monkeypatch.setenv("COLUMNS", "300")
    capsys.readouterr()
    assert main(["history", "--db", str(db), "--all"]) == 0
    assert main(["report", "1", "--db", str(db), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "incomplete" in out  # the dead run is shown as what it is...
    assert db.read_bytes() == before  # ...without writing a byte
    raw = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    assert raw.execute("SELECT status FROM runs WHERE id = ?", (dead,)).fetchone() == ("running",)


def test_history_of_a_database_not_yet_made_says_so(tmp_path, capsys):
    db = tmp_path / "none.sqlite"
    assert main(["history", "--db", str(db)]) == 0
    assert "does not exist yet" in capsys.readouterr().out
    assert not db.exists()
    assert main(["report", "1", "--db", str(db)]) == 2
    assert "nothing has been recorded yet" in capsys.readouterr().err
