"""Open the exercise database: WAL, schema migrations, and a clear error for a wrong file.

The database is the record of every exercise; run directories are an export. Writes
are transactions in WAL mode, so a process killed mid-run loses at most the batch it
was writing; on open, runs whose recording process is gone are marked incomplete.
"""

import functools
import hashlib
import json
import os
import shlex
import socket
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TypeVar

from simulator.events import Event
from simulator.payloads import check
from simulator.store import rows
from simulator.store.rows import Note, RunInfo
from simulator.store.schema import APPLICATION_ID, VERSION, migrate

ENV = "SIMULATOR_DB"
# An event as stored: (seq, t, kind, its JSON line).
EventRow = tuple[int, float, str, str]
APP = "jointops-simulator"
_T = TypeVar("_T")


_RUN_ID_MAX = 2**63 - 1  # SQLite's largest integer

# The highest run id any table names (0 for none): runs, events, commands and scores look
# it up on their keys; notes and baselines are short.
_LAST_RUN = (
    "SELECT max(coalesce((SELECT max(id) FROM runs), 0), "
    "coalesce((SELECT max(run) FROM events), 0), coalesce((SELECT max(run) FROM commands), 0), "
    "coalesce((SELECT max(run) FROM scores), 0), coalesce((SELECT max(run) FROM notes), 0), "
    "coalesce((SELECT max(run) FROM baselines), 0), "
    "coalesce((SELECT max(run) FROM controller_actions), 0))"
)


class StoreError(Exception):
    """The database cannot be used; the message names the file and says why."""


def default_path() -> Path:
    """``$SIMULATOR_DB``, else ``<user data dir>/jointops-simulator/exercises.sqlite``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    from platformdirs import user_data_path

    return user_data_path(APP) / "exercises.sqlite"


def database_files(path: Path) -> list[Path]:
    """A database and the files SQLite keeps beside it while it writes (all records)."""
    return [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]


def now() -> str:
    """Wall-clock time for records (the store's job, never the engine's)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The exercise database."""

    def __init__(self, path: Path, db: sqlite3.Connection, *, readonly: bool = False):
        self.path = path
        self.db = db
        self.readonly = readonly
        # Read-only: runs 'running' whose process is gone, shown as incomplete.
        self._gone: set[int] = set()

    @classmethod
    def open(cls, path: Path | None = None, *, readonly: bool = False) -> "Store":
        """Open the database: for writing (created and upgraded if needed), or read-only.

        Reading commands (``history``, ``report``) open it read-only, so a database on
        a read-only medium, one the user may not write or one on a full disk can still
        be read: nothing is written, and runs left 'running' by a process that is gone
        are shown as incomplete without being marked so. A writing open makes sure it
        can write before any run starts.

        Raises:
            StoreError: not an SQLite file, another application's database, damaged,
                from a newer version of the simulator, or (writing) not writable.
        """
        path = Path(path) if path is not None else default_path()
        try:
            folder = path.is_dir()
        except OSError as exc:  # a name too long for the file system
            raise StoreError(f"{path}: cannot open: {exc.strerror or exc}") from None
        if folder:
            raise StoreError(f"{path}: not a simulator database (a directory)")
        if readonly:
            return cls._open_readonly(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file stands where a folder on the path should be
            blocker = next(p for p in path.parents if p.exists())
            raise StoreError(f"{path}: cannot write: {blocker} is a file, not a folder") from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot write: {exc.strerror or exc}") from None
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
            _check(path, db)
            write_ahead(db)
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrate(db)
            _whole(path, db)
            db.execute("BEGIN IMMEDIATE")  # proves the file can be written, now
            db.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            raise StoreError(_reason(path, exc)) from None
        store = cls(path, db)
        store.mark_abandoned()
        return store

    @classmethod
    def _open_readonly(cls, path: Path) -> "Store":
        if not path.is_file():
            raise StoreError(f"{path}: no database here (nothing has been recorded yet)")
        try:
            db = connect_readonly(path)
            _check(path, db)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(_reason(path, exc)) from None
        if not (version or tables):  # an empty file: reading must not make it a database
            db.close()
            raise StoreError(f"{path}: not a simulator database (an empty file)")
        if version < VERSION:
            # An older schema is read through the current one: upgrade it first, once.
            db.close()
            try:
                cls.open(path).close()
            except StoreError as exc:
                raise StoreError(
                    f"{exc}; its schema (version {version}) must be upgraded once by a "
                    "command that can write it (run) before it can be read"
                ) from None
            return cls._open_readonly(path)
        try:
            _whole(path, db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(_reason(path, exc)) from None
        store = cls(path, db, readonly=True)
        store._gone = set(store._abandoned())
        return store

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is kept, or none of it.

        Raises:
            StoreError: the database cannot be written (a full disk, a read-only file).
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(_reason(self.path, exc, writing=True)) from None
        try:
            yield self.db
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise StoreError(_reason(self.path, exc, writing=True)) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    # -- runs ------------------------------------------------------------------------

    def start_run(
        self,
        *,
        scenario_id: str,
        scenario_title: str,
        scenario_name: str,
        scenario_text: str,
        scenario_sha256: str,
        seed: int,
        until: float,
        automated: list[str],
        roles: list[str] | None = None,
        trainee: str | None = None,
        purpose: str = "exercise",
        players: str = "",
    ) -> int:
        """Create a run marked running by this process; returns its id.

        ``players``: the automated players' profiles, as ``players_label`` words them.

        The id is past every run any row names, not only past the runs that remain: a
        run deleted by hand (with foreign keys off, as the ``sqlite3`` shell has them)
        can leave its events behind, and a new run given its id would collide with
        them at its first event and stop.
        """
        with self.transaction() as db:
            (last,) = db.execute(_LAST_RUN).fetchone()
            if not isinstance(last, int):  # a row edited by hand to name a run by text
                raise StoreError(f"{self.path}: a row names run {last!r}, not a run number")
            if last >= _RUN_ID_MAX:
                raise StoreError(f"{self.path}: no run number is left after {last}")
            cursor = db.execute(
                "INSERT INTO runs (id, purpose, trainee, roles, automated, scenario_id, "
                "scenario_title, scenario_sha256, scenario_name, scenario_text, seed, until, "
                "started, status, host, pid, players) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'running',?,?,?)",
                (
                    last + 1,
                    purpose,
                    trainee,
                    json.dumps(sorted(roles or [])),
                    json.dumps(sorted(automated)),
                    scenario_id,
                    scenario_title,
                    scenario_sha256,
                    scenario_name,
                    scenario_text,
                    seed,
                    until,
                    now(),
                    socket.gethostname(),
                    os.getpid(),
                    players,
                ),
            )
            return int(cursor.lastrowid)

    def append(
        self, run: int, events: Sequence[EventRow], commands: Sequence[tuple[int, dict]]
    ) -> None:
        """Add a batch of events (as ``event_row``s) and numbered commands to a run."""
        with self.transaction() as db:
            _insert_batch(db, run, events, commands)

    def finish_run(
        self,
        run: int,
        *,
        complete: bool,
        events_sha256: str,
        scores: dict,
        events: Sequence[EventRow] = (),
        commands: Sequence[tuple[int, dict]] = (),
        actions: Sequence[dict] = (),
        stopped_by: str = "",
    ) -> None:
        """Write a run's last events and commands, its status, hash and scores together.

        One transaction, so a process killed while finishing leaves the run 'running'
        (incomplete on the next open), never 'complete' without its scores. ``actions``:
        a served run's controller actions (``controller.jsonl``), kept for its report;
        ``stopped_by``: who ended a ``play`` session early ("trainee", "interrupted", "failed").
        """
        with self.transaction() as db:
            _insert_batch(db, run, events, commands)
            db.executemany(
                "INSERT INTO controller_actions (run, n, t, json) VALUES (?,?,?,?)",
                [
                    (run, n, a["t"], json.dumps(a, sort_keys=True))
                    for n, a in enumerate(actions, start=1)
                ],
            )
            db.execute(
                "UPDATE runs SET status = ?, ended = ?, events_sha256 = ?, stopped_by = ? "
                "WHERE id = ?",
                ("complete" if complete else "incomplete", now(), events_sha256, stopped_by, run),
            )
            _insert_scores(db, run, scores)

    def set_players(
        self, run: int, *, roles: list[str], automated: list[str], players: str
    ) -> None:
        """Say again who played a run, its trainee's roles and automated partners.

        A served run learns only as seats join which of them automated players filled
        (``join --bot``): those are no trainee's roles.
        """
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET roles = ?, automated = ?, players = ? WHERE id = ?",
                (json.dumps(sorted(roles)), json.dumps(sorted(automated)), players, run),
            )

    def mark_abandoned(self) -> list[int]:
        """Runs still 'running' whose process on this host is gone become incomplete."""
        dead = self._abandoned()
        if dead:
            with self.transaction() as db:
                db.executemany(
                    "UPDATE runs SET status = 'incomplete', ended = ? WHERE id = ?",
                    [(now(), run) for run in dead],
                )
        return dead

    def mark_incomplete(self, run: int) -> None:
        """Mark a run incomplete after its recording failed part-way."""
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET status = 'incomplete', ended = ? WHERE id = ? "
                "AND status = 'running'",
                (now(), run),
            )

    def _abandoned(self) -> list[int]:
        host = socket.gethostname()
        rows = self.db.execute("SELECT id, host, pid FROM runs WHERE status = 'running'").fetchall()
        return [run for run, where, pid in rows if where == host and not _alive(pid)]

    def run(self, run: int) -> RunInfo:
        """One run's row.

        Raises:
            StoreError: no such run.
        """
        row = self.db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: run {run}: no such run")
        return self._info(row)

    def runs(
        self, *, purpose: str | None = "exercise", damaged: list[str] | None = None
    ) -> list[RunInfo]:
        """Runs oldest first, of one purpose (None: every one).

        Trainees' exercises by default: baselines and rehearsals are no one's record.
        A damaged row raises ``StoreError``, or, given a ``damaged`` list, is left out
        and its reason added there, so one bad row does not hide every other run.
        ``history`` picks a trainee's or a scenario's runs itself (names in any case).
        """
        sql = f"SELECT {_RUN_COLUMNS} FROM runs WHERE (? IS NULL OR purpose = ?)"
        found = []
        for row in self.db.execute(sql + " ORDER BY started, id", [purpose, purpose]):
            try:
                found.append(self._info(row))
            except StoreError as exc:
                if damaged is None:
                    raise
                damaged.append(str(exc))
        return found

    def _info(self, row: tuple) -> RunInfo:
        info = self._checked(row[0], rows.run_info, row)
        if info.id in self._gone:
            return replace(info, status="incomplete")
        return info

    def _checked(self, run: object, read: Callable[..., _T], *args: object) -> _T:
        """``read(*args)``, a damaged value named by file and run as a StoreError."""
        try:
            return read(*args)
        except ValueError as exc:
            raise StoreError(f"{self.path}: run {run}: {exc}") from None

    def scenario_text(self, run: RunInfo) -> tuple[str, str]:
        """The scenario file name and text recorded with a run.

        The text must be the scenario the run hashed (edited in the database, it would
        grade the run by other objectives), and the name a plain file name (the text is
        written under it to a scratch folder to be loaded).

        Raises:
            StoreError: the name is no plain file name, or the text is not the run's.
        """
        where = f"{self.path}: run {run.id}"
        name, text = self.db.execute(
            "SELECT scenario_name, scenario_text FROM runs WHERE id = ?", (run.id,)
        ).fetchone()
        if not (isinstance(name, str) and _plain_name(name)):
            raise StoreError(f"{where}: scenario_name: {name!r} is not a plain file name")
        if not isinstance(text, str) or run.scenario_sha256 not in _text_hashes(text):
            raise StoreError(
                f"{where}: scenario_text: not the scenario the run recorded "
                f"(its sha256 is not {run.scenario_sha256}; a run recorded before the "
                "text kept its line ends, from a file mixing them, cannot be checked)"
            )
        return name, text

    def events(self, run: int) -> list[Event]:
        """A run's events in order.

        Raises:
            StoreError: a stored line is not the event stored under its number.
        """
        found = self.db.execute("SELECT seq, json FROM events WHERE run = ? ORDER BY seq", (run,))
        return [self._checked(run, rows.event, seq, text) for seq, text in found]

    def played(self, run: RunInfo) -> float:
        """How far a run was played: its length, or less if it ended before (its last event).

        A trainee's End, a Ctrl+C or a controller's stop ends a run before the length
        it was started for; its last event (``exercise.ended``) says where.
        """
        (last,) = self.db.execute("SELECT MAX(t) FROM events WHERE run = ?", (run.id,)).fetchone()
        if type(last) not in (int, float):  # no events yet (or a damaged one: checked later)
            return run.until
        return min(run.until, float(last))

    def check_events(self, run: RunInfo, events: list[Event]) -> None:
        """Refuse a run's events that are not what the run recorded.

        The run's row counts its events and, once finished, holds their sha256: rows
        deleted, added or edited since must not be graded as the run.

        Raises:
            StoreError: the count or the sha256 differs from the run's row.
        """
        where = f"{self.path}: run {run.id}: events"
        if len(events) != run.events or [e.seq for e in events] != list(range(1, run.events + 1)):
            raise StoreError(f"{where}: {len(events)} stored, but the run recorded {run.events}")
        try:
            check(events)  # with no hash (a run cut short), its rows may hold anything
        except ValueError as exc:
            raise StoreError(f"{where}: {exc}") from None
        if events and events[-1].t > run.until:  # its baseline would be played that short
            raise StoreError(
                f"{self.path}: run {run.id}: until: {run.until} is before the run's last "
                f"event (at {events[-1].t})"
            )
        if run.events_sha256 is None:
            return
        digest = hashlib.sha256()
        for event in events:
            digest.update((event.to_json() + "\n").encode("utf-8"))
        if digest.hexdigest() != run.events_sha256:
            raise StoreError(
                f"{where}: sha256 {digest.hexdigest()} is not the {run.events_sha256} the "
                "run recorded: the events were changed after the run"
            )

    def check_agencies(self, run: RunInfo, known: Collection[str]) -> None:
        """Refuse a run whose roles or automated players are not its scenario's agencies.

        Raises:
            StoreError: a name that is no agency of ``known``, named by file, run and field.
        """
        self._checked(run.id, rows.agencies, run, known)

    def commands(self, run: int) -> list[dict]:
        """A run's commands in the order given."""
        found = self.db.execute("SELECT n, json FROM commands WHERE run = ? ORDER BY n", (run,))
        return [self._checked(run, rows.command, n, text) for n, text in found]

    def controller_actions(self, run: int) -> list[dict]:
        """A served run's controller actions in order (none for any other run).

        Raises:
            StoreError: a stored action is not one (edited or damaged).
        """
        found = self.db.execute(
            "SELECT n, json FROM controller_actions WHERE run = ? ORDER BY n", (run,)
        )
        return [
            self._checked(run, rows.controller_action, f"controller_actions: {n}", text)
            for n, text in found
        ]

    # -- scores, notes, baselines ----------------------------------------------------

    def scores(self, run: int) -> dict | None:
        """A run's stored scores, if any."""
        row = self.db.execute("SELECT json FROM scores WHERE run = ?", (run,)).fetchone()
        return None if row is None else self._checked(run, rows.scores, row[0])

    def overall(self, run: int) -> float | None:
        """A run's stored overall score, if any: the column, which must be the scores'.

        The trend reads the column and the runs table the scores; edited apart, the
        two would tell an evaluator different things.
        """
        row = self.db.execute("SELECT overall, json FROM scores WHERE run = ?", (run,)).fetchone()
        if row is None:
            return None
        value = self._checked(run, rows.overall, row[0])
        stored = self._checked(run, rows.scores, row[1]).get("overall")
        if value != stored:
            raise StoreError(
                f"{self.path}: run {run}: overall: {value!r} is not the scores' {stored!r}"
            )
        return value

    def add_note(self, run: int, t: float, text: str) -> None:
        """Attach an evaluator's note at exercise time ``t`` to a run."""
        self.run(run)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO notes (run, t, text, created) VALUES (?,?,?,?)", (run, t, text, now())
            )

    def notes(self, run: int) -> list[Note]:
        """A run's notes in exercise-time order."""
        found = self.db.execute(
            "SELECT t, text, created FROM notes WHERE run = ? ORDER BY t, id", (run,)
        )
        return [self._checked(run, rows.note, row) for row in found]

    def baseline(self, scenario_sha256: str, seed: int, until: float, code: str) -> int | None:
        """The automated-players run cached for a scenario, seed and length, if any.

        Only one the same program (``code``, its fingerprint) played: another's players
        may have played differently.
        """
        row = self.db.execute(
            "SELECT b.run FROM baselines b JOIN runs r ON r.id = b.run "
            "WHERE b.scenario_sha256 = ? AND b.seed = ? AND b.until = ? AND b.code = ? "
            "AND r.status = 'complete'",
            (scenario_sha256, seed, until, code),
        ).fetchone()
        return None if row is None else int(row[0])

    def set_baseline(
        self, scenario_sha256: str, seed: int, until: float, run: int, code: str
    ) -> None:
        """Cache a baseline run, played by the program ``code`` fingerprints."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO baselines (scenario_sha256, seed, until, run, code) "
                "VALUES (?,?,?,?,?)",
                (scenario_sha256, seed, until, run, code),
            )


def _plain_name(name: str) -> bool:
    """A file name with no folder in it (nothing to write outside the scratch folder).

    A backslash is a character of a name here, as the file system takes it.
    """
    separators = {"/", "\0", os.sep, *([os.altsep] if os.altsep else [])}
    if name in ("", ".", "..") or set(name) & separators:
        return False
    return PurePath(name).name == name


def _text_hashes(text: str) -> set[str]:
    """The sha256 of a file holding ``text``: as stored, or with Windows line ends.

    Runs recorded before the text kept its line ends have them stored as plain ones.
    """
    try:
        files = (text.encode("utf-8"), text.replace("\n", "\r\n").encode("utf-8"))
    except UnicodeEncodeError:
        return set()
    return {hashlib.sha256(data).hexdigest() for data in files}


_RUN_COLUMNS = (
    "id, purpose, trainee, roles, automated, scenario_id, scenario_title, scenario_sha256, "
    "scenario_name, seed, until, started, ended, status, events, events_sha256, players, "
    "stopped_by"
)


def event_row(event: Event, line: str) -> EventRow:
    """An event as the database stores it, with the JSON line the log already made."""
    return event.seq, event.t, event.kind, line


def _insert_batch(
    db: sqlite3.Connection,
    run: int,
    events: Sequence[EventRow],
    commands: Sequence[tuple[int, dict]],
) -> None:
    db.executemany(
        "INSERT INTO events (run, seq, t, kind, json) VALUES (?,?,?,?,?)",
        [(run, *row) for row in events],
    )
    db.executemany(
        "INSERT INTO commands (run, n, t, source, json) VALUES (?,?,?,?,?)",
        [(run, n, c["t"], c.get("source", ""), json.dumps(c, sort_keys=True)) for n, c in commands],
    )
    db.execute("UPDATE runs SET events = events + ? WHERE id = ?", (len(events), run))


def _insert_scores(db: sqlite3.Connection, run: int, scores: dict) -> None:
    db.execute(
        "INSERT OR REPLACE INTO scores (run, overall, json) VALUES (?,?,?)",
        (run, scores.get("overall"), json.dumps(scores, sort_keys=True)),
    )


def _check(path: Path, db: sqlite3.Connection) -> None:
    """Refuse a file that is not ours: foreign application, newer schema, or damaged.

    The three readings are one statement, so one snapshot: read apart, another run
    creating the same new database could commit its schema between them, and its
    tables, seen without its application id, read as another application's file.
    """
    app, version, tables = db.execute(
        "SELECT (SELECT application_id FROM pragma_application_id), "
        "(SELECT user_version FROM pragma_user_version), "
        "(SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    if app != APPLICATION_ID and (tables or version):
        raise StoreError(f"{path}: not a simulator database (another application's SQLite file)")
    if version > VERSION:
        raise StoreError(
            f"{path}: schema version {version} is newer than this simulator's ({VERSION}); "
            "upgrade the simulator"
        )
    if tables:
        found = [row[0] for row in db.execute(f"PRAGMA quick_check({_DAMAGE_SHOWN})")]
        if found != ["ok"]:
            raise StoreError(_damaged(path, _damage(found)))


# SQLite's own cap on the problems quick_check lists: enough to judge the damage by.
_DAMAGE_SHOWN = 10
# The heading quick_check puts before its list; it says nothing here.
_HEADING = "*** in database main ***"


def _damage(found: list[str]) -> str:
    """quick_check's whole list of problems, on one line."""
    lines = (line for row in found for line in row.splitlines())
    return "; ".join(line for line in lines if line.strip() and line != _HEADING)


def _damaged(path: Path, detail: str) -> str:
    """``FILE: damaged: detail`` and how to recover: the runs are ours, only the file broke.

    Calling it "not a simulator database" sent trainers looking for another file,
    while what they need is to save what the damaged one still holds.
    """
    where = shlex.quote(str(path))
    new = shlex.quote(str(path.with_name(f"{path.stem}-recovered{path.suffix}")))
    return (
        f"{path}: the simulator database is damaged (a corrupt file): {detail}. "
        f"Save the runs it still holds into a new file with: run_sim.py recover --db {where} "
        f"--out {new}  (then use --db {new}), or restore a backup of {path}"
    )


def _ours(path: Path) -> bool:
    """Whether the file's SQLite header carries our application id (read as bytes).

    The header outlives damage further into the file, so a database SQLite calls
    malformed can still be told ours, damaged, from another application's.
    """
    try:
        with path.open("rb") as file:
            header = file.read(_HEADER_BYTES)
    except OSError:
        return False
    return header.startswith(_MAGIC) and header[68:72] == APPLICATION_ID.to_bytes(4, "big")


_MAGIC = b"SQLite format 3\x00"
_HEADER_BYTES = 100


def _whole(path: Path, db: sqlite3.Connection) -> None:
    """Refuse a database missing a table or column of the current schema.

    Found at once rather than by the first write that needs it: a run would otherwise
    stop part-way, its exercise cut short, when it first logged its events.
    """
    have = _layout(db)
    for table, columns in sorted(_schema().items()):
        if table not in have:
            raise StoreError(f"{path}: a damaged simulator database (no table {table})")
        gone = sorted(columns - have[table])
        if gone:
            raise StoreError(
                f"{path}: a damaged simulator database (table {table} has no column {gone[0]})"
            )


@functools.cache
def _schema() -> dict[str, frozenset[str]]:
    """The current schema's tables and their columns."""
    with closing(sqlite3.connect(":memory:")) as db:
        migrate(db)
        return _layout(db)


def _layout(db: sqlite3.Connection) -> dict[str, frozenset[str]]:
    names = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {
        name: frozenset(row[1] for row in db.execute(f"PRAGMA table_info({name!r})"))
        for (name,) in names
        if not name.startswith("sqlite_")
    }


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that never writes: ``mode=ro``, else ``immutable=1``.

    A read-only connection to a WAL database still needs its shared-memory file, which
    a read-only directory cannot hold; there nobody can be writing, so the file is
    read as immutable.
    """
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=10.0)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)


def write_ahead(db: sqlite3.Connection, patience: float = 10.0) -> None:
    """Put the database in WAL mode, waiting out another process that holds it a moment.

    SQLite refuses a journal-mode change that meets another connection's lock with
    "database is locked" at once, without the busy timeout: two trainees' runs opening
    one new database together (a classroom) raced here, and one was refused. A mode
    already WAL is left as it is.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY")
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _reason(path: Path, exc: sqlite3.Error, *, writing: bool = False) -> str:
    """``FILE: reason`` for an SQLite error: cannot open, busy, damaged, unwritable, not ours."""
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith("SQLITE_CANTOPEN"):
        return f"{path}: cannot open the database: {exc}"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"{path}: the database is busy (another run is writing); try again: {exc}"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) and _ours(path):
        return _damaged(path, str(exc))
    if writing or name.startswith(("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR")):
        return f"{path}: cannot write the database: {exc}"
    return f"{path}: not a simulator database ({exc})"


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:  # a row edited by hand: no process of ours
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True
