"""The database schema as an ordered list of migrations, tracked in ``PRAGMA user_version``.

Append a migration to change the schema; never edit one that has shipped. Opening a
database applies the missing ones in a single transaction.
"""

import sqlite3

# "JOPS": marks the file as ours, so another application's SQLite file is refused.
APPLICATION_ID = 0x4A4F5053

MIGRATIONS: tuple[str, ...] = (
    # 1: runs and everything recorded about them.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        purpose TEXT NOT NULL DEFAULT 'exercise' CHECK (purpose IN ('exercise', 'baseline')),
        trainee TEXT,
        roles TEXT NOT NULL DEFAULT '[]',
        automated TEXT NOT NULL DEFAULT '[]',
        scenario_id TEXT NOT NULL,
        scenario_title TEXT NOT NULL,
        scenario_sha256 TEXT NOT NULL,
        scenario_name TEXT NOT NULL,
        scenario_text TEXT NOT NULL,
        seed INTEGER NOT NULL,
        until REAL NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        events INTEGER NOT NULL DEFAULT 0,
        events_sha256 TEXT
    );
    CREATE TABLE events (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        t REAL NOT NULL,
        kind TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (run, seq)
    ) WITHOUT ROWID;
    CREATE TABLE commands (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        t REAL NOT NULL,
        source TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (run, n)
    ) WITHOUT ROWID;
    CREATE TABLE scores (
        run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        overall REAL,
        json TEXT NOT NULL
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        t REAL NOT NULL,
        text TEXT NOT NULL,
        created TEXT NOT NULL
    );
    """,
    # 2: baselines cached per (scenario hash, seed, length), and indexes for history.
    """
    CREATE TABLE baselines (
        scenario_sha256 TEXT NOT NULL,
        seed INTEGER NOT NULL,
        until REAL NOT NULL,
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        PRIMARY KEY (scenario_sha256, seed, until)
    );
    CREATE INDEX runs_by_trainee ON runs (trainee, started);
    CREATE INDEX runs_by_scenario ON runs (scenario_id, started);
    """,
    # 3: purpose 'rehearsal' (screenshots, tests), kept out of history. SQLite cannot
    # alter a CHECK constraint, so the runs table is rebuilt with every row (same ids)
    # and its indexes; ``migrate`` turns foreign keys off so that nothing cascades.
    """
    CREATE TABLE runs_new (
        id INTEGER PRIMARY KEY,
        purpose TEXT NOT NULL DEFAULT 'exercise'
            CHECK (purpose IN ('exercise', 'baseline', 'rehearsal')),
        trainee TEXT,
        roles TEXT NOT NULL DEFAULT '[]',
        automated TEXT NOT NULL DEFAULT '[]',
        scenario_id TEXT NOT NULL,
        scenario_title TEXT NOT NULL,
        scenario_sha256 TEXT NOT NULL,
        scenario_name TEXT NOT NULL,
        scenario_text TEXT NOT NULL,
        seed INTEGER NOT NULL,
        until REAL NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        events INTEGER NOT NULL DEFAULT 0,
        events_sha256 TEXT
    );
    INSERT INTO runs_new (id, purpose, trainee, roles, automated, scenario_id, scenario_title,
        scenario_sha256, scenario_name, scenario_text, seed, until, started, ended, status,
        host, pid, events, events_sha256)
    SELECT id, purpose, trainee, roles, automated, scenario_id, scenario_title,
        scenario_sha256, scenario_name, scenario_text, seed, until, started, ended, status,
        host, pid, events, events_sha256 FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_new RENAME TO runs;
    CREATE INDEX runs_by_trainee ON runs (trainee, started);
    CREATE INDEX runs_by_scenario ON runs (scenario_id, started);
    """,
    # 4: a baseline is cached for the program that played it (``fingerprint.py``): one
    # cached before (code '') is played again by the program asking, and replaced.
    """
    ALTER TABLE baselines ADD COLUMN code TEXT NOT NULL DEFAULT '';
    """,
    # 5: the automated players' profiles (``players``: "sop", or "fire=expert,police=sop"),
    # so a trainee's trend never mixes runs beside partners of another skill. '' for
    # runs recorded before: not known.
    """
    ALTER TABLE runs ADD COLUMN players TEXT NOT NULL DEFAULT '';
    """,
    # 6: a served run's controller actions (its ``controller.jsonl``: pause, speed, end
    # and the reason given), so a report from the database says how the exercise was
    # conducted and who ended it. Runs recorded before have none.
    """
    CREATE TABLE controller_actions (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        t REAL NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (run, n)
    ) WITHOUT ROWID;
    """,
    # 7: who ended a run before its time, where the log cannot say: 'trainee' for a
    # ``play`` session the trainee ended (its log reads "stopped at", as --until's
    # does). '' for every other run, and for runs recorded before: not known.
    """
    ALTER TABLE runs ADD COLUMN stopped_by TEXT NOT NULL DEFAULT '';
    """,
)

VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, upto: int = VERSION) -> None:
    """Apply the migrations a database lacks (up to ``upto``), in one transaction.

    Foreign keys are off meanwhile: a migration that rebuilds a table others refer to
    drops the old one, which would otherwise delete their rows (ON DELETE CASCADE).
    ``PRAGMA foreign_key_check`` then proves every reference still holds. The
    connection must be in autocommit mode (``isolation_level=None``), since the pragma
    has no effect inside a transaction.
    """
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current >= upto:
        return
    foreign_keys = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        _apply(db, current, upto)
    finally:
        db.execute(f"PRAGMA foreign_keys = {foreign_keys}")


def _apply(db: sqlite3.Connection, current: int, upto: int) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        # Another process opening the same new database may have upgraded it while we
        # waited for the write lock: the version read under the lock is the one to trust.
        current = max(current, db.execute("PRAGMA user_version").fetchone()[0])
        for number in range(current + 1, upto + 1):
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    db.execute(statement)
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise sqlite3.IntegrityError(f"references broken by the upgrade: {broken[:3]}")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {upto}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
