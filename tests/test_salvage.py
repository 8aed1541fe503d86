"""``recover``: the runs a damaged database still holds are saved whole, the rest named.

A disk fault in the exercise database must not cost the trainees' other records, and
the advice the damaged-database message gives must work where the product runs.
"""

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import ROOT

from simulator.cli import main
from simulator.store import salvage as salvage_module
from simulator.store.database import Store, StoreError, database_files

SMALL = ROOT / "scenarios" / "small_town_collision.yaml"
PAGE = 4096


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """Four short runs in one database, checkpointed so every page is in the file."""
    db = tmp_path_factory.mktemp("salvage") / "runs.sqlite"
    for seed in (1, 2, 3, 4):
        argv = ["run", str(SMALL), "--until", "00:40", "--seed", str(seed), "--quiet"]
        assert main([*argv, "--out", str(db.parent / f"run{seed}"), "--db", str(db)]) == 0
    with closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def _pages(db: Path, table: str = "events") -> list[int]:
    """The page numbers holding a table's rows (the leaves of its b-tree)."""
    with closing(sqlite3.connect(db)) as con:
        try:
            found = con.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
            ).fetchall()
        except sqlite3.OperationalError:  # SQLite built without dbstat
            pytest.skip("this SQLite has no dbstat table to find the events' pages")
    return sorted(p for (p,) in found)


def _damaged_copy(tmp_path: Path, db: Path, page: int) -> Path:
    copy = tmp_path / "damaged.sqlite"
    data = bytearray(db.read_bytes())
    start = (page - 1) * PAGE
    data[start : start + PAGE] = random.Random(page).randbytes(PAGE)
    copy.write_bytes(bytes(data))
    return copy


def _runs(db: Path) -> dict[int, int]:
    """Run id -> its stored events' count, read through the product's own store."""
    store = Store.open(db, readonly=True)
    try:
        return {r.id: len(store.events(r.id)) for r in store.runs(purpose=None)}
    finally:
        store.close()


def test_a_sound_database_is_saved_whole_with_its_run_numbers(tmp_path, recorded, capsys):
    out = tmp_path / "saved.sqlite"
    assert main(["recover", "--db", str(recorded), "--out", str(out)]) == 0
    assert "Saved 4 of 4 runs" in capsys.readouterr().out
    assert _runs(out) == _runs(recorded)
    assert main(["report", "2", "--db", str(out), "--format", "json"]) == 0


def test_a_damaged_events_page_costs_only_the_runs_on_it(tmp_path, recorded, capsys):
    pages = _pages(recorded)
    damaged = _damaged_copy(tmp_path, recorded, pages[len(pages) // 2])
    before = damaged.read_bytes()
    assert main(["history", "--db", str(damaged)]) == 2  # refused as damaged, as before
    advice = capsys.readouterr().err
    out = tmp_path / "saved.sqlite"
    assert f"run_sim.py recover --db {damaged} --out " in advice
    assert main(["recover", "--db", str(damaged), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    saved, whole = _runs(out), _runs(recorded)
    lost = sorted(set(whole) - set(saved))
    assert 1 <= len(lost) < len(whole)
    assert f"Saved {len(saved)} of 4 runs" in printed
    for run in lost:
        assert f"run {run} left out: " in printed
    assert all(saved[run] == whole[run] for run in saved)  # each saved run whole
    assert damaged.read_bytes() == before  # the damaged file is only read
    assert main(["history", "--db", str(out)]) == 0


def test_nothing_saved_leaves_no_empty_database_behind(tmp_path, capsys):
    db = tmp_path / "one.sqlite"
    argv = ["run", str(SMALL), "--until", "00:40", "--quiet", "--out", str(tmp_path / "r")]
    assert main([*argv, "--db", str(db)]) == 0
    with closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damaged = _damaged_copy(tmp_path, db, _pages(db)[0])
    out = tmp_path / "saved.sqlite"
    assert main(["recover", "--db", str(damaged), "--out", str(out)]) == 2
    printed = capsys.readouterr().out
    assert "Saved 0 of 1 runs" in printed and "run 1 left out: " in printed
    assert "was not kept" in printed and not out.exists()


def test_recover_never_writes_over_an_existing_file(tmp_path, recorded, capsys):
    out = tmp_path / "taken.sqlite"
    out.write_text("a trainer's notes")
    assert main(["recover", "--db", str(recorded), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{out}: already exists") and "Traceback" not in err
    assert out.read_text() == "a trainer's notes"


def test_a_file_that_is_not_sqlite_is_refused_by_name(tmp_path, capsys):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database at all, just words " * 200)
    out = tmp_path / "saved.sqlite"
    assert main(["recover", "--db", str(bad), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"{bad}: not an SQLite file")
    assert not out.exists()


def test_a_run_missing_events_is_left_out_not_saved_as_a_part_run(tmp_path, recorded, capsys):
    edited = tmp_path / "edited.sqlite"
    edited.write_bytes(recorded.read_bytes())
    with closing(sqlite3.connect(edited)) as con:  # rows lost with no error SQLite sees
        con.execute("DELETE FROM events WHERE run = 3 AND seq > 20")
        con.commit()
    out = tmp_path / "saved.sqlite"
    assert main(["recover", "--db", str(edited), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Saved 3 of 4 runs" in printed
    assert "run 3 left out: events: 20 stored, but the run recorded" in printed
    assert sorted(_runs(out)) == [1, 2, 4]


def test_runs_past_a_damaged_page_of_the_list_of_runs_are_still_saved(tmp_path, recorded, capsys):
    damaged = _damaged_copy(tmp_path, recorded, _pages(recorded, "runs")[0])
    out = tmp_path / "saved.sqlite"
    code = main(["recover", "--db", str(damaged), "--out", str(out)])
    printed = capsys.readouterr().out
    assert "Part of the list of runs itself could not be read" in printed
    saved = _runs(out)
    assert code == 0 and 0 < len(saved) < 4
    assert 4 in saved  # the last run is found past the damaged first page
    assert f"Saved {len(saved)} of {len(saved)} runs" in printed  # the rest were never seen
    assert all(saved[run] == _runs(recorded)[run] for run in saved)


def test_a_served_runs_controller_actions_are_saved_with_it(tmp_path, recorded, capsys):
    served = tmp_path / "served.sqlite"
    served.write_bytes(recorded.read_bytes())
    action = '{"t": 600.0, "action": "end", "reason": "drill over"}'
    with closing(sqlite3.connect(served)) as con:
        con.execute("INSERT INTO controller_actions VALUES (2, 1, 600.0, ?)", (action,))
        con.commit()
    out = tmp_path / "saved.sqlite"
    assert main(["recover", "--db", str(served), "--out", str(out)]) == 0
    store = Store.open(out, readonly=True)
    try:
        assert store.controller_actions(2) == [
            {"t": 600.0, "action": "end", "reason": "drill over"}
        ]
    finally:
        store.close()


def test_a_database_from_an_older_version_is_saved_into_the_current_schema(tmp_path, recorded):
    older = tmp_path / "v5.sqlite"
    older.write_bytes(recorded.read_bytes())
    with closing(sqlite3.connect(older)) as con:  # version 5 had no controller actions
        con.execute("DROP TABLE controller_actions")
        con.execute("PRAGMA user_version = 5")
    out = tmp_path / "saved.sqlite"
    assert main(["recover", "--db", str(older), "--out", str(out)]) == 0
    assert _runs(out) == _runs(recorded)


def test_a_run_whose_rows_read_twice_is_left_out_and_the_rest_saved(tmp_path, recorded, capsys):
    doubled = tmp_path / "doubled.sqlite"
    doubled.write_bytes(recorded.read_bytes())
    with closing(sqlite3.connect(doubled)) as con:  # as a damaged page yields one row twice
        con.executescript(
            """
            ALTER TABLE events RENAME TO sound;
            CREATE TABLE events (run, seq, t, kind, json);
            INSERT INTO events SELECT * FROM sound;
            INSERT INTO events SELECT * FROM sound WHERE run = 3 AND seq = 5;
            DROP TABLE sound;
            """
        )
    out = tmp_path / "saved.sqlite"
    assert main(["recover", "--db", str(doubled), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Saved 3 of 4 runs" in printed
    assert "run 3 left out: its events rows are damaged: a row is read twice" in printed
    assert _runs(out) == {run: n for run, n in _runs(recorded).items() if run != 3}


def test_a_copy_stopped_part_way_leaves_no_file_behind(tmp_path, recorded, capsys, monkeypatch):
    out = tmp_path / "saved.sqlite"
    copy = salvage_module._copy

    def disk_full_at_run_2(old, new, run, parts, found):
        if run == 2:
            raise StoreError(f"{out}: cannot be written (database or disk is full)")
        copy(old, new, run, parts, found)

    monkeypatch.setattr(salvage_module, "_copy", disk_full_at_run_2)
    assert main(["recover", "--db", str(recorded), "--out", str(out)]) == 2
    assert "disk is full" in capsys.readouterr().err
    assert not any(path.exists() for path in database_files(out))  # run 1 alone is no save
