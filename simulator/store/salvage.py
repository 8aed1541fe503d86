"""Save what a damaged exercise database still holds, run by run, into a new one.

SQLite's own ``.recover`` is missing from some builds of its shell (Debian's 3.40
fails with "SQL logic error" even on a sound file) and ``.dump`` gives up at the
first damaged page; neither keeps the file ours. This reads every run the damaged file
still yields whole (its row, events, commands, scores, notes, cached baselines and a
served run's controller actions), checks its events against the run's own count and
sha256, and writes it, with its number, into a new database made by the current
schema (a file from an older version lacks some tables and columns: they stay empty).
A run any part of which cannot be read, whose rows the schema refuses (a damaged page
can yield a row twice), or whose events are not the ones it recorded, is left out and
named: a part-run would be graded as if it were the whole. A copy stopped part way
removes the new file, which would otherwise pass for the saved database.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from simulator.store.database import Store, StoreError, connect_readonly, database_files
from simulator.store.schema import VERSION

# The tables that hang off a run, each read whole per run, in key order.
_PARTS = (
    ("events", "seq"),
    ("commands", "n"),
    ("scores", "run"),
    ("notes", "id"),
    ("baselines", "seed, until"),
    ("controller_actions", "n"),
)
# Run numbers tried one past another after a damaged page, before giving up: a damaged
# page of the runs table hides the runs it held, and may hide those after it from a scan.
_PROBES = 10_000


@dataclass
class Salvage:
    """What was saved: the runs copied whole, and the runs left out with the reason."""

    saved: list[int] = field(default_factory=list)
    lost: dict[int, str] = field(default_factory=dict)
    unlisted: bool = False  # part of the runs table itself could not be read


def salvage(source: Path, target: Path) -> Salvage:
    """Copy every run ``source`` still holds whole into the new database ``target``.

    Raises:
        StoreError: ``target`` exists, or ``source`` is not an SQLite file at all.
    """
    if target.exists():
        raise StoreError(f"{target}: already exists; name a new file for what is saved")
    if not source.is_file():
        raise StoreError(f"{source}: no database here")
    try:
        old = connect_readonly(source)
        old.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{source}: not an SQLite file, nothing to save ({exc})") from None
    found = Salvage()
    with closing(old):
        version = old.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:  # its newer columns would be dropped: saved, yet lost
            raise StoreError(
                f"{source}: schema version {version} is newer than this simulator's "
                f"({VERSION}); save it with the simulator that wrote it"
            )
        ids = _run_ids(old, found)
        parts = _parts(old)
        new = Store.open(target)
        try:
            for run in ids:
                _copy(old, new, run, parts, found)
        except BaseException:  # kept, a part-copy would pass for the saved database
            new.close()
            for path in database_files(target):
                path.unlink(missing_ok=True)
            raise
        new.close()
    return found


def _run_ids(db: sqlite3.Connection, found: Salvage) -> list[int]:
    """Every run number the runs table still yields, stepping past damaged pages."""
    ids: list[int] = []
    after, misses = 0, 0
    while misses <= _PROBES:
        try:
            for (run,) in db.execute("SELECT id FROM runs WHERE id > ? ORDER BY id", (after,)):
                ids.append(run)
                after, misses = run, 0
            return ids
        except sqlite3.DatabaseError:
            found.unlisted = True
            after, misses = after + 1, misses + 1
    return ids


def _parts(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The tables hanging off a run that the file has (an older version lacks some)."""
    try:
        have = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:  # its list of tables is damaged: try them all
        return list(_PARTS)
    return [(table, order) for table, order in _PARTS if table in have]


def _copy(
    old: sqlite3.Connection, new: Store, run: int, tables: list[tuple[str, str]], found: Salvage
) -> None:
    """Copy one run whole, checked, or name why it was left out."""
    try:
        parts = {table: list(_rows(old, table, run, order)) for table, order in tables}
        head = list(_rows(old, "runs", run, "id"))
    except sqlite3.DatabaseError as exc:
        found.lost[run] = f"part of it cannot be read ({exc})"
        return
    try:
        with new.transaction() as db:
            for table, rows in [("runs", head), *parts.items()]:
                _insert(db, table, rows)
    except _Damaged as exc:  # the transaction rolled back: none of the run is kept
        found.lost[run] = str(exc)
        return
    try:
        info = new.run(run)
        new.check_events(info, new.events(run))
    except StoreError as exc:
        with new.transaction() as db:
            for table, _ in (*_PARTS, ("runs", "id")):
                db.execute(f"DELETE FROM {table} WHERE {_key(table)} = ?", (run,))
        found.lost[run] = str(exc).split(": ", 2)[-1]  # past "FILE: run N: "
        return
    found.saved.append(run)


def _key(table: str) -> str:
    return "id" if table == "runs" else "run"


def _rows(db: sqlite3.Connection, table: str, run: int, order: str) -> Iterator[dict]:
    """A run's rows of one table as column -> value (the old schema's columns)."""
    cursor = db.execute(f"SELECT * FROM {table} WHERE {_key(table)} = ? ORDER BY {order}", (run,))
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        yield dict(zip(names, row, strict=True))


class _Damaged(Exception):
    """A run's rows read back without an error yet break the schema's rules."""


def _insert(db: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    """Insert rows by the columns the new schema shares with them (newer ones default).

    Raises:
        _Damaged: a row the new schema refuses; a damaged page can yield one row twice
            (a duplicated key) or a value its column forbids, and the run is then not
            the one recorded.
    """
    have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
    for row in rows:
        names = [n for n in row if n in have]
        marks = ",".join("?" * len(names))
        try:
            db.execute(
                f"INSERT INTO {table} ({','.join(names)}) VALUES ({marks})",
                [row[n] for n in names],
            )
        except sqlite3.IntegrityError as exc:
            what = "a row is read twice" if "UNIQUE" in str(exc) else "a row breaks the schema"
            raise _Damaged(f"its {table} rows are damaged: {what} ({exc})") from None
