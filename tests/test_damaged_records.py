"""A record changed after its run is refused by name, never graded as the run.

Evaluators read runs back with ``report`` and ``history``: from a run directory or from
the exercise database, either of which a person, a script or a disk can change. Each
damaged field gets a one-line message naming the file (and run) and the field, exit
code 2, no traceback; the runs that are whole are still listed.
"""

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from conftest import ROOT

from simulator.cli import check_output, main
from simulator.store.database import default_path

SMALL = ROOT / "scenarios" / "small_town_collision.yaml"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> tuple[Path, Path]:
    """Three short runs recorded into one database, the first also as a run directory."""
    where = tmp_path_factory.mktemp("recorded")
    db = where / "runs.sqlite"
    for seed in (1, 2, 3):
        out = where / f"run{seed}"
        argv = ["run", str(SMALL), "--until", "00:30", "--seed", str(seed), "--quiet"]
        assert main([*argv, "--out", str(out), "--db", str(db)]) == 0
    return where / "run1", db


def _copy(tmp_path: Path, run: Path) -> Path:
    copy = tmp_path / "run"
    copy.mkdir()
    for path in run.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    return copy


def _edit_manifest(run: Path, **fields: object) -> None:
    manifest = json.loads((run / "run.json").read_text())
    manifest.update(fields)
    (run / "run.json").write_text(json.dumps(manifest))


def _refused(argv: list[str], capsys) -> str:
    """What ``argv`` printed to stderr, having exited 2 without a traceback."""
    return _refusal(argv, capsys)[1]


def _refusal(argv: list[str], capsys) -> tuple[str, str]:
    capsys.readouterr()
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.out, captured.err


# -- run directories ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seed", "seven"),
        ("seed", -3),
        ("automated", 5),
        ("until", "x"),
        ("until", -5),
        ("started", 12),
        ("started", "garbage"),
        ("finished", "yesterday"),
        ("complete", "yes"),
    ],
)
def test_a_report_of_a_damaged_manifest_names_the_field(tmp_path, capsys, recorded, field, value):
    run = _copy(tmp_path, recorded[0])
    _edit_manifest(run, **{field: value})
    err = _refused(["report", str(run)], capsys)
    assert err.startswith(f"{run / 'run.json'}: {field}: expected")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"seed": ' + b"9" * 5000 + b"}", "a number too long"),
        (b"\xd9\x80\xff{}", "not UTF-8 text"),
    ],
)
@pytest.mark.parametrize("command", ["report", "replay"])
def test_an_unreadable_manifest_is_named_with_a_plain_reason(
    tmp_path, capsys, recorded, content, reason, command
):
    run = _copy(tmp_path, recorded[0])
    (run / "run.json").write_bytes(content)
    err = _refused([command, str(run)], capsys)
    assert err.startswith(f"{run / 'run.json'}: cannot read the run manifest: ")
    assert reason in err


def test_a_report_of_a_log_changed_after_the_run_is_refused(tmp_path, capsys, recorded):
    run = _copy(tmp_path, recorded[0])
    log = run / "events.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    event = json.loads(lines[39])
    event["t"] += 1
    lines[39] = json.dumps(event, separators=(",", ":")) + "\n"
    log.write_text("".join(lines))
    err = _refused(["report", str(run)], capsys)
    assert err.startswith(f"{log}: sha256 ") and "changed after the run" in err


def test_a_report_of_a_log_cut_short_is_refused(tmp_path, capsys, recorded):
    run = _copy(tmp_path, recorded[0])
    log = run / "events.jsonl"
    log.write_bytes(log.read_bytes()[: len(log.read_bytes()) // 2])
    assert "changed after the run" in _refused(["report", str(run)], capsys)


def test_a_bad_line_is_named_by_file_and_line_when_the_hash_was_made_to_match(
    tmp_path, capsys, recorded
):
    run = _copy(tmp_path, recorded[0])
    log = run / "events.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join([*lines[:2], "{not json\n", *lines[2:]]))
    _edit_manifest(run, events_sha256=hashlib.sha256(log.read_bytes()).hexdigest())
    err = _refused(["report", str(run)], capsys)
    reason = "not valid JSON: Expecting property name enclosed in double quotes at column 2"
    assert err.startswith(f"{log}: line 3: {reason}\n")


@pytest.mark.parametrize("command", ["report", "replay"])
def test_a_manifest_missing_a_comma_is_named_by_line_and_column(
    tmp_path, capsys, recorded, command
):
    run = _copy(tmp_path, recorded[0])
    manifest = run / "run.json"
    text = manifest.read_text()
    manifest.write_text(text.replace(",", "", 1))
    line = text[: text.index(",")].count("\n") + 2  # the comma ended the line before
    err = _refused([command, str(run)], capsys)
    reason = f"not valid JSON: Expecting ',' delimiter at line {line}, column 3"
    assert err == f"{manifest}: cannot read the run manifest: {reason}\n"


@pytest.mark.parametrize("field", ["scenario_sha256", "events_sha256"])
def test_a_manifest_without_a_hash_proves_nothing_and_is_refused(tmp_path, capsys, recorded, field):
    run = _copy(tmp_path, recorded[0])
    manifest = json.loads((run / "run.json").read_text())
    del manifest[field]
    (run / "run.json").write_text(json.dumps(manifest))
    for command in ("report", "replay"):
        err = _refused([command, str(run)], capsys)
        assert err.strip() == f"{run / 'run.json'}: {field}: missing in the run manifest"


def test_a_missing_log_is_named(tmp_path, capsys, recorded):
    run = _copy(tmp_path, recorded[0])
    (run / "events.jsonl").unlink()
    err = _refused(["report", str(run)], capsys)
    assert err.startswith(f"{run / 'events.jsonl'}: cannot read the event log")


def test_a_scenario_copy_changed_after_the_run_is_refused(tmp_path, capsys, recorded):
    """A report of the small-town log against another scenario would grade nonsense."""
    run = _copy(tmp_path, recorded[0])
    scenario = run / "scenario.yaml"
    scenario.write_text((ROOT / "scenarios" / "riverton_night_shift.yaml").read_text())
    err = _refused(["report", str(run)], capsys)
    assert err.startswith(f"{scenario}: sha256 ") and "changed after the run" in err


def test_a_damaged_scenario_copy_is_named_by_its_own_path(tmp_path, capsys, recorded):
    run = _copy(tmp_path, recorded[0])
    scenario = run / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("metadata:", "metadata:\n  bogus: 1", 1))
    _edit_manifest(run, scenario_sha256=hashlib.sha256(scenario.read_bytes()).hexdigest())
    err = _refused(["report", str(run)], capsys)
    assert err.startswith(f"{scenario}: metadata.bogus: unknown field")


@pytest.mark.parametrize("change", ["repeat", "drop", "renumber"])
def test_a_log_edited_with_its_hash_is_refused_at_the_line(tmp_path, capsys, recorded, change):
    run = _copy(tmp_path, recorded[0])
    lines = (run / "events.jsonl").read_text().splitlines(keepends=True)
    if change == "repeat":
        lines.insert(5, lines[4])
    elif change == "drop":
        del lines[4]
    else:
        lines[4] = lines[4].replace('"seq":5,', '"seq":50,', 1)
    text = "".join(lines).encode()
    (run / "events.jsonl").write_bytes(text)
    _edit_manifest(run, events_sha256=hashlib.sha256(text).hexdigest())
    err = _refused(["report", str(run)], capsys)
    where = {"repeat": "line 6: seq 5", "drop": "line 5: seq 6", "renumber": "line 5: seq 50"}
    assert err.startswith(f"{run / 'events.jsonl'}: {where[change]}: the log's event ")


def test_a_whole_run_directory_still_reports(tmp_path, capsys, recorded):
    capsys.readouterr()
    assert main(["report", str(recorded[0]), "--format", "md"]) == 0
    report = capsys.readouterr().out
    assert "## Coordination" in report and "Incident Command System (ICS)" in report


# -- the exercise database ------------------------------------------------------------------


def _damaged_db(tmp_path: Path, db: Path, *statements: str) -> Path:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(db.read_bytes())
    with sqlite3.connect(copy) as connection:
        for statement in statements:
            connection.execute(statement)
    return copy


@pytest.mark.parametrize(
    ("statement", "field"),
    [
        ("UPDATE scores SET json = '{bad' WHERE run = 2", "scores: not valid JSON"),
        ("UPDATE runs SET roles = '[bad' WHERE id = 2", "roles: not valid JSON"),
        ("UPDATE runs SET seed = 'abc' WHERE id = 2", "seed: 'abc' is not a valid seed"),
        ("UPDATE scores SET overall = 'high' WHERE run = 2", "overall: 'high' is not a score"),
        ("UPDATE scores SET overall = 250 WHERE run = 2", "overall: 250.0 is not a score from 0"),
        ("UPDATE scores SET overall = 42.42 WHERE run = 2", "overall: 42.42 is not the scores' "),
        ("UPDATE runs SET started = 'garbage' WHERE id = 2", "started: 'garbage' is not a time"),
    ],
)
def test_history_names_a_damaged_run_and_still_lists_the_others(
    tmp_path, capsys, recorded, statement, field
):
    db = _damaged_db(tmp_path, recorded[1], statement)
    out, err = _refusal(["history", "--db", str(db)], capsys)
    assert f"{db}: run 2: {field}" in err and "left out of the list" in err
    rows = [line.split("│")[1].strip() for line in out.splitlines() if line.count("│") > 5]
    assert "1" in rows and "3" in rows and "2" not in rows


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE events SET json = '{x' WHERE run = 2 AND seq = 7",
            "events: seq 7: not valid JSON",
        ),
        ("DELETE FROM events WHERE run = 2 AND seq > 100", "events: 100 stored, but the run"),
        (
            "UPDATE events SET json = replace(json, '\"t\":', '\"t\":1') "
            "WHERE run = 2 AND seq = 50",
            "changed after the run",
        ),
        ("UPDATE runs SET roles = '[bad' WHERE id = 2", "roles: not valid JSON"),
        ("UPDATE runs SET until = 0.5 WHERE id = 2", "until: 0.5 is before the run's last event"),
        (
            "UPDATE runs SET started = 'garbage' WHERE id = 2",
            "started: 'garbage' is not a timestamp (ISO 8601)",
        ),
        ("UPDATE runs SET ended = 'later' WHERE id = 2", "ended: 'later' is not a timestamp"),
        (
            "UPDATE runs SET roles = '[\"navy\"]' WHERE id = 2",
            "roles: 'navy' is no agency of the run's scenario (its agencies: county_fire, ems,",
        ),
        (
            'UPDATE runs SET automated = \'["ems", "navy"]\' WHERE id = 2',
            "automated: 'navy' is no agency of the run's scenario",
        ),
        ("UPDATE runs SET roles = '[\"ems\"]' WHERE id = 2", "roles: 'ems' is also listed as"),
        (
            "INSERT INTO notes (run, t, text, created) VALUES (2, 1e300, 'x', '2026-12-03')",
            "notes: (1e+300, 'x', '2026-12-03') is not a note",
        ),
    ],
)
def test_a_report_of_a_damaged_stored_run_is_refused(
    tmp_path, capsys, recorded, statement, problem
):
    db = _damaged_db(tmp_path, recorded[1], statement)
    err = _refused(["report", "2", "--db", str(db)], capsys)
    assert err.startswith(f"{db}: run 2: ") and problem in err
    capsys.readouterr()
    assert main(["report", "1", "--db", str(db), "--format", "md"]) == 0  # the rest still read


# -- conflicting or plain-seconds arguments ---------------------------------------------------


@pytest.mark.parametrize("flag", ["--until", "--at"])
def test_a_time_in_plain_digits_is_refused_without_promising_seconds(tmp_path, capsys, flag):
    # "90" could mean minutes as well as seconds: on the command line a time is a clock.
    argv = ["run", str(SMALL), "--until", "90", "--quiet", "--out", str(tmp_path / "run")]
    if flag == "--at":
        argv = ["note", "1", "--at", "90", "text"]
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's refusal of --until
        code = exited.code
    assert code == 2
    err = capsys.readouterr().err
    assert "expected HH:MM or HH:MM:SS, got '90'" in err and "seconds" not in err


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (
            ["--players", "police=idle,police=sop"],
            "--players: police is given twice (idle, then sop)",
        ),
        (
            ["--roles", "police", "--players", "police=expert"],
            "--players: police is played by the trainee (--roles), not automated",
        ),
    ],
)
def test_players_that_would_be_silently_ignored_are_refused(tmp_path, capsys, argv, problem):
    out = tmp_path / "run"
    err = _refused(["run", str(SMALL), "--until", "00:10", "--out", str(out), *argv], capsys)
    assert err.strip() == problem
    assert not out.exists()


# -- outputs that would replace a record -------------------------------------------------


@pytest.mark.parametrize("name", ["events.jsonl", "run.json", "scenario.yaml", "commands.jsonl"])
def test_a_report_is_never_written_over_the_run_it_reads(recorded, tmp_path, capsys, name):
    run = _copy(tmp_path, recorded[0])
    before = (run / name).read_bytes()
    err = _refused(["report", str(run), "--out", str(run / name)], capsys)
    assert f"--out: {run / name} would replace the record" in err
    assert (run / name).read_bytes() == before


def test_a_report_is_never_written_over_its_database(recorded, tmp_path, capsys):
    db = tmp_path / "copy.sqlite"
    db.write_bytes(recorded[1].read_bytes())
    err = _refused(["report", "1", "--db", str(db), "--out", str(db)], capsys)
    assert "would replace the record" in err
    assert main(["history", "--db", str(db)]) == 0  # still a database, runs and all


def test_a_report_beside_the_run_is_written(recorded, tmp_path, capsys):
    run = _copy(tmp_path, recorded[0])
    assert main(["report", str(run), "--out", str(run / "report.html")]) == 0
    assert (run / "report.html").read_text().lstrip().startswith("<!DOCTYPE html>")


def test_a_screenshot_that_cannot_be_saved_is_refused_before_the_exercise(tmp_path, capsys):
    out, folder = tmp_path / "played", tmp_path / "shots.png"
    folder.mkdir()
    argv = ["play", str(SMALL), "--role", "police", "--frames", "3", "--out", str(out)]
    err = _refused([*argv, "--screenshot", str(folder), "--db", str(tmp_path / "x.sqlite")], capsys)
    assert "--screenshot:" in err and "is a directory" in err
    assert not out.exists()  # nothing was played, nothing half-recorded


def _overwritten(path: Path, offset: int) -> bytes:
    """Write 2 KB of garbage at ``offset`` (a disk fault); the file's bytes after it."""
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(random.Random(offset).randbytes(2048))
    return path.read_bytes()


# Page 2 damaged is listed by SQLite's quick check; page 4, by an error it raises.
@pytest.mark.parametrize("offset", [4096, 12288])
@pytest.mark.parametrize(
    "argv", [["history"], ["report", "1"], ["note", "1", "--at", "00:05", "radio dead"]]
)
def test_a_damaged_database_page_is_called_damaged_with_the_whole_reason_and_a_recovery(
    tmp_path, capsys, recorded, offset, argv
):
    db = tmp_path / "copy.sqlite"
    db.write_bytes(recorded[1].read_bytes())
    damaged = _overwritten(db, offset)
    err = _refused([*argv, "--db", str(db)], capsys)
    assert err.startswith(f"{db}: the simulator database is damaged (a corrupt file): ")
    assert err.count("\n") == 1 and "..." not in err and "*** in database" not in err
    assert "not a simulator database" not in err
    assert f"run_sim.py recover --db {db} --out " in err and "restore a backup" in err
    assert db.read_bytes() == damaged  # nothing written into what may still be saved


def test_another_applications_damaged_database_is_not_called_ours(tmp_path, capsys):
    db = tmp_path / "photos.sqlite"
    with closing(sqlite3.connect(db)) as other:
        other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        other.executemany("INSERT INTO photos (name) VALUES (?)", [("x" * 500,)] * 100)
        other.commit()
    _overwritten(db, 4096)
    err = _refused(["history", "--db", str(db)], capsys)
    assert err.startswith(f"{db}: not a simulator database (")
    assert "damaged (a corrupt file)" not in err


def _damaged_copy(tmp_path: Path, db: Path, statement: str) -> Path:
    copy = tmp_path / "damaged.sqlite"
    with sqlite3.connect(copy) as target, sqlite3.connect(db) as source:
        source.backup(target)
        target.execute("PRAGMA foreign_keys = OFF")
        target.execute(statement)
    return copy


@pytest.mark.parametrize(
    ("statement", "argv"),
    [
        ("DROP TABLE runs", ["history"]),
        ("DROP TABLE notes", ["report", "1"]),
        ("DROP TABLE events", ["report", "1"]),
        ("DROP TABLE notes", ["note", "1", "--at", "00:05", "x"]),
    ],
)
def test_a_database_missing_a_table_is_named_not_a_traceback(
    tmp_path, capsys, recorded, statement, argv
):
    db = _damaged_copy(tmp_path, recorded[1], statement)
    err = _refused([*argv, "--db", str(db)], capsys)
    assert err.startswith(f"{db}: a damaged simulator database (no table ")


def test_a_run_into_a_database_missing_a_column_is_refused_before_it_starts(
    tmp_path, capsys, recorded
):
    db = _damaged_copy(tmp_path, recorded[1], "ALTER TABLE events DROP COLUMN json")
    out = tmp_path / "never"
    err = _refused(["run", str(SMALL), "--quiet", "--out", str(out), "--db", str(db)], capsys)
    assert "(table events has no column json)" in err
    assert not out.exists()


def test_a_run_number_too_large_for_the_database_is_refused(recorded, capsys):
    huge = "99999999999999999999999"
    err = _refused(["report", huge, "--db", str(recorded[1])], capsys)
    assert "is not a run number" in err
    with pytest.raises(SystemExit) as stop:
        main(["note", huge, "--at", "00:05", "x", "--db", str(recorded[1])])
    assert stop.value.code == 2
    assert "is not a run number" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["run", str(SMALL), "--quiet", "--out", "OUT/" + "a" * 300],
        ["history", "--db", "OUT/" + "a" * 300 + ".sqlite"],
        ["run", str(SMALL), "--quiet", "--out", "OUT/r", "--db", "OUT/" + "a" * 300 + ".sqlite"],
    ],
)
def test_a_path_the_file_system_refuses_is_named_not_a_traceback(tmp_path, capsys, argv):
    argv = [part.replace("OUT", str(tmp_path)) for part in argv]
    assert "File name too long" in _refused(argv, capsys)


def test_a_running_row_with_a_pid_that_is_no_number_is_shown_incomplete(tmp_path, recorded):
    statement = "UPDATE runs SET status = 'running', pid = 'x' WHERE id = 1"
    db = _damaged_copy(tmp_path, recorded[1], statement)
    assert main(["history", "--db", str(db)]) == 0
    assert main(["report", "1", "--db", str(db), "--out", str(tmp_path / "r.html")]) == 0


def test_a_run_directory_that_is_a_file_is_named_as_one(tmp_path, capsys):
    taken = tmp_path / "afile"
    taken.write_text("")
    err = _refused(["run", str(SMALL), "--quiet", "--out", str(taken)], capsys)
    assert err.strip() == f"--out: {taken} is a file; give a directory for the run"


def test_a_replay_without_its_log_names_the_file_plainly(tmp_path, capsys, recorded):
    run = _copy(tmp_path, recorded[0])
    (run / "events.jsonl").unlink()
    err = _refused(["replay", str(run)], capsys)
    assert err.strip() == f"{run / 'events.jsonl'}: cannot read the event log: file not found"


def test_outputs_in_folders_still_to_be_made_are_written(tmp_path, capsys):
    """The screenshot's and the tokens' writers make their folders: so may the user."""
    out, shot = tmp_path / "played", tmp_path / "shots" / "new" / "map.png"
    argv = ["play", str(SMALL), "--role", "police", "--frames", "3", "--out", str(out)]
    assert main([*argv, "--screenshot", str(shot), "--db", str(tmp_path / "x.sqlite")]) == 0
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_the_write_check_leaves_a_link_and_an_existing_file_as_they_are(tmp_path):
    link = tmp_path / "link.html"
    link.symlink_to(tmp_path / "target.html")
    kept = tmp_path / "kept.html"
    kept.write_text("mine")
    stamp = kept.stat().st_mtime_ns
    check_output("--out", link, [])
    check_output("--out", kept, [])
    check_output("--out", tmp_path / "new.html", [])
    assert link.is_symlink() and not (tmp_path / "target.html").exists()
    assert kept.read_text() == "mine" and kept.stat().st_mtime_ns == stamp
    assert not (tmp_path / "new.html").exists()


def test_a_scenario_copy_of_any_suffix_is_a_record(recorded, tmp_path, capsys):
    source = tmp_path / "town.YML"
    source.write_bytes(SMALL.read_bytes())
    run = tmp_path / "run"
    assert main(["run", str(source), "--until", "00:10", "--quiet", "--out", str(run)]) == 0
    err = _refused(["report", str(run), "--out", str(run / "scenario.YML")], capsys)
    assert "would replace the record" in err


def test_a_run_manifest_hashes_the_scenario_as_copied(recorded):
    run = recorded[0]
    manifest = json.loads((run / "run.json").read_text())
    assert (
        manifest["scenario_sha256"]
        == hashlib.sha256((run / "scenario.yaml").read_bytes()).hexdigest()
    )


@pytest.mark.parametrize("pid", [2**40, 0, -5])
def test_a_running_row_with_an_impossible_pid_is_shown_incomplete(tmp_path, recorded, pid):
    statement = f"UPDATE runs SET status = 'running', pid = {pid} WHERE id = 1"
    db = _damaged_copy(tmp_path, recorded[1], statement)
    assert main(["history", "--all", "--db", str(db)]) == 0


def test_a_run_number_in_other_digits_is_refused(recorded, capsys):
    err = _refused(["report", "²", "--db", str(recorded[1])], capsys)
    assert err.strip() == "RUN: '²' is neither a run number (1, 2, ...) nor a run directory"
    err = _refused(["report", "-1", "--db", str(recorded[1])], capsys)
    assert err.strip() == "RUN: '-1' is neither a run number (1, 2, ...) nor a run directory"


def test_a_database_under_a_file_names_the_file(tmp_path, capsys):
    (tmp_path / "afile").write_text("")
    db = tmp_path / "afile" / "x.sqlite"
    out = tmp_path / "never"
    err = _refused(["run", str(SMALL), "--quiet", "--out", str(out), "--db", str(db)], capsys)
    assert err.strip() == f"{db}: cannot write: {tmp_path / 'afile'} is a file, not a folder"
    assert not out.exists()


def test_a_run_deleted_by_hand_leaves_no_trap_for_the_next(tmp_path, capsys, recorded):
    # The sqlite3 shell has foreign keys off: deleting the last run leaves its events.
    db = _damaged_copy(tmp_path, recorded[1], "DELETE FROM runs WHERE id = 3")
    with sqlite3.connect(db) as con:
        left = con.execute("SELECT count(*) FROM events WHERE run = 3").fetchone()[0]
    assert left > 0
    argv = ["run", str(SMALL), "--until", "00:30", "--quiet", "--db", str(db)]
    assert main([*argv, "--out", str(tmp_path / "next")]) == 0
    assert "Recorded as run 4 " in capsys.readouterr().out
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM events WHERE run = 3").fetchone()[0] == left
        assert con.execute("SELECT status FROM runs WHERE id = 4").fetchone() == ("complete",)


def test_a_database_with_no_run_number_left_is_refused_before_the_run(tmp_path, capsys, recorded):
    db = _damaged_copy(tmp_path, recorded[1], f"UPDATE runs SET id = {2**63 - 1} WHERE id = 3")
    out = tmp_path / "never"
    err = _refused(["run", str(SMALL), "--quiet", "--out", str(out), "--db", str(db)], capsys)
    assert f"{db}: no run number is left after {2**63 - 1}" in err
    assert not out.exists()


def test_a_report_of_a_run_directory_is_never_written_over_the_default_database(
    recorded, tmp_path, capsys
):
    db = default_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(recorded[1].read_bytes())
    err = _refused(["report", str(_copy(tmp_path, recorded[0])), "--out", str(db)], capsys)
    assert f"--out: {db} would replace the record {db}" in err
    assert db.read_bytes() == recorded[1].read_bytes()


def test_a_seat_screenshot_is_never_written_over_the_default_database(recorded, tmp_path, capsys):
    db = default_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(recorded[1].read_bytes())
    shot = tmp_path / "shot.png"  # an image's name, but written through to the database
    shot.symlink_to(db)
    argv = ["join", "ws://127.0.0.1:1", "--token", "x", "--screenshot", str(shot)]
    assert f"--screenshot: {shot} would replace the record" in _refused(
        [*argv, "--frames", "3"], capsys
    )
    assert db.read_bytes() == recorded[1].read_bytes()


def test_a_row_naming_a_run_by_text_is_refused_before_the_run(tmp_path, capsys, recorded):
    db = _damaged_copy(
        tmp_path,
        recorded[1],
        "INSERT INTO notes (run, t, text, created) VALUES ('abc', 1, 'x', 'y')",
    )
    out = tmp_path / "never"
    err = _refused(["run", str(SMALL), "--quiet", "--out", str(out), "--db", str(db)], capsys)
    assert f"{db}: a row names run 'abc', not a run number" in err
    assert not out.exists()


@pytest.mark.parametrize("end", ["-wal", "-shm", "-journal"])
def test_a_report_is_never_written_over_the_files_sqlite_keeps_beside_the_database(
    recorded, tmp_path, capsys, end
):
    db = tmp_path / "copy.sqlite"
    db.write_bytes(recorded[1].read_bytes())
    beside = tmp_path / f"copy.sqlite{end}"
    err = _refused(["report", "1", "--db", str(db), "--out", str(beside)], capsys)
    assert f"--out: {beside} would replace the record" in err
    assert not beside.exists()


@pytest.mark.parametrize("name", ["events.jsonl", "run.json", "commands.jsonl"])
def test_an_output_named_into_another_runs_directory_is_refused(recorded, tmp_path, capsys, name):
    other = _copy(tmp_path, recorded[0])
    before = (other / name).read_bytes()
    shot = tmp_path / "shot.png"  # an image's name, but written through to the record
    shot.symlink_to(other / name)
    argv = ["join", "ws://127.0.0.1:1", "--token", "x", "--screenshot", str(shot)]
    assert "would replace the record" in _refused([*argv, "--frames", "3"], capsys)
    argv = ["serve", str(SMALL), "--out", str(tmp_path / "new"), "--tokens", str(other / name)]
    assert "would replace the record" in _refused(argv, capsys)
    assert (other / name).read_bytes() == before


def test_an_output_onto_any_database_is_refused(recorded, tmp_path, capsys):
    db = tmp_path / "elsewhere.bin"
    db.write_bytes(recorded[1].read_bytes())
    argv = ["serve", str(SMALL), "--out", str(tmp_path / "new"), "--tokens", str(db)]
    assert f"--tokens: {db} is a database" in _refused(argv, capsys)
    assert db.read_bytes() == recorded[1].read_bytes()


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_database_where_the_run_writes_its_log_is_refused(tmp_path, capsys, command):
    out = tmp_path / "run"
    argv = [command, str(SMALL), "--out", str(out), "--db", str(out / "events.jsonl")]
    assert "--db: " in _refused(argv, capsys)
    assert not (out / "events.jsonl").exists()


def test_serve_with_a_database_it_cannot_open_leaves_no_run_directory(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["serve", str(SMALL), "--out", str(out), "--db", str(tmp_path)]
    assert "not a simulator database" in _refused(argv, capsys)
    assert not out.exists()  # a second try with the same --out is not refused as taken


def test_serve_tokens_naming_the_run_directory_is_refused_by_option(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["serve", str(SMALL), "--out", str(out), "--tokens", str(out)]
    assert f"--tokens: {out} is the run directory" in _refused(argv, capsys)
    assert not out.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", str(SMALL), "--seats", ""],
        ["serve", str(SMALL), "--seats", ","],
        ["run", str(SMALL), "--roles", " , "],
    ],
)
def test_a_seat_or_role_list_naming_no_agency_is_refused(tmp_path, capsys, argv):
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--out", str(tmp_path / "never")])
    assert stop.value.code == 2
    assert "name at least one agency" in capsys.readouterr().err
    assert not (tmp_path / "never").exists()


# -- the evaluator path's sweep: records that must not write, mislead or be forged -------


@pytest.mark.parametrize("name", ["{victim}", "sub/x.yaml", "..", ""])
def test_a_stored_scenario_name_that_is_no_plain_file_name_is_refused(
    tmp_path, capsys, recorded, name
):
    """The report loads the stored scenario from a scratch file of that name: a path in it
    wrote the scenario's text over any file on disk."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    name = name.format(victim=victim)
    statement = f"UPDATE runs SET scenario_name = '{name}' WHERE id = 2"
    db = _damaged_db(tmp_path, recorded[1], statement)
    err = _refused(["report", "2", "--db", str(db), "--format", "md"], capsys)
    assert f"{db}: run 2: scenario_name: " in err
    assert victim.read_text() == "precious"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE runs SET scenario_text = replace(scenario_text, 'target: 600', 'target: 9') "
        "WHERE id = 2",
        "UPDATE runs SET scenario_text = X'FFFE00' WHERE id = 2",
    ],
)
def test_a_stored_scenario_edited_after_the_run_is_refused(tmp_path, capsys, recorded, statement):
    """Other objectives would grade the same events otherwise (history still shows the
    score the run was given)."""
    db = _damaged_db(tmp_path, recorded[1], statement)
    err = _refused(["report", "2", "--db", str(db), "--format", "md"], capsys)
    assert f"{db}: run 2: scenario_text: not the scenario the run recorded" in err


def test_a_scenario_with_windows_line_ends_reports_from_the_database(tmp_path, capsys):
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(SMALL.read_bytes().replace(b"\n", b"\r\n"))
    db = tmp_path / "db.sqlite"
    argv = ["run", str(crlf), "--until", "00:10", "--quiet", "--out", str(tmp_path / "r")]
    assert main([*argv, "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["report", "1", "--db", str(db), "--format", "md"]) == 0


def test_a_report_through_a_link_never_replaces_a_record(recorded, tmp_path, capsys):
    """The file written is where the link leads: another run's log, or a database."""
    other = _copy(tmp_path, recorded[0])
    before = (other / "events.jsonl").read_bytes()
    link = tmp_path / "out.html"
    link.symlink_to(other / "events.jsonl")
    argv = ["report", "1", "--db", str(recorded[1]), "--out", str(link)]
    assert "would replace the record" in _refused(argv, capsys)
    assert (other / "events.jsonl").read_bytes() == before
    db = tmp_path / "other.db"
    db.write_bytes(recorded[1].read_bytes())
    (tmp_path / "db.html").symlink_to(db)
    argv = ["report", "1", "--db", str(recorded[1]), "--out", str(tmp_path / "db.html")]
    assert "is a database" in _refused(argv, capsys)
    assert db.read_bytes() == recorded[1].read_bytes()


def test_a_damaged_cached_baseline_is_played_again_not_trusted(tmp_path, capsys):
    """A baseline cut short in the database read as 2.6 against the run's 36.1."""
    db = tmp_path / "db.sqlite"
    argv = ["run", str(SMALL), "--until", "00:40", "--roles", "police", "--seed", "5", "--quiet"]
    assert main([*argv, "--out", str(tmp_path / "r"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["report", "1", "--db", str(db), "--format", "json"]) == 0
    intact = json.loads(capsys.readouterr().out)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM events WHERE run = 2 AND seq > 20")
    assert main(["report", "1", "--db", str(db), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == intact


def test_replay_names_a_scenario_copy_changed_after_the_run(recorded, tmp_path, capsys):
    run = _copy(tmp_path, recorded[0])
    scenario = run / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("target: 600", "target: 100000"))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    assert "scenario_sha256" in capsys.readouterr().out


def test_a_trainee_name_or_path_in_rich_markup_is_shown_as_written(tmp_path, capsys):
    """'[/]' as a trainee crashed the run's last lines and then every ``history``."""
    where = tmp_path / "b[/]"
    db = where / "x.db"
    argv = ["run", str(SMALL), "--until", "00:10", "--quiet", "--trainee", "Ana [/]"]
    assert main([*argv, "--roles", "police", "--out", str(tmp_path / "r"), "--db", str(db)]) == 0
    assert str(db) in capsys.readouterr().out
    assert main(["history", "--db", str(db)]) == 0
    assert "[/]" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("scores", "problem"),
    [
        ('{"objectives": [1]}', "objectives[0]: not an objective"),
        ('{"objectives": 5}', "objectives: not a list"),
        ('{"objectives": [{"x": 1}]}', "objectives[0]: not an objective"),
        ('{"objectives": [{"rating": 5}]}', "objectives[0]: rating: 5 is not a rating"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_history_names_scores_of_the_wrong_shape(tmp_path, capsys, recorded, scores, problem):
    db = _damaged_db(tmp_path, recorded[1], f"UPDATE scores SET json = '{scores}' WHERE run = 2")
    err = _refused(["history", "--db", str(db)], capsys)
    assert f"{db}: run 2: scores: " in err and problem in err


def test_the_trend_leaves_out_runs_stopped_early(tmp_path, capsys):
    """A run stopped at 00:30 is complete as asked, but its pro-rated score is no trend."""
    db = tmp_path / "db.sqlite"
    for n, until in enumerate(("02:00", "00:30")):
        argv = ["run", str(SMALL), "--until", until, "--quiet", "--trainee", "Diaz"]
        assert main([*argv, "--out", str(tmp_path / f"r{n}"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["history", "--db", str(db)]) == 0
    trend = capsys.readouterr().out.split("Trend per trainee")[1]
    row = next(line for line in trend.splitlines() if "Diaz" in line)
    assert row.split("│")[5].strip() == "1"  # runs: only the whole one


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["run", str(SMALL), "--trainee", "bad\udcffname"], "--trainee: not"),
        (["history", "--scenario", "bad\udcffname"], "--scenario: not"),
        (["note", "1", "--at", "00:10", "bad\udcffname"], "TEXT: not"),
        (["run", "bad\udcffname.yaml"], "SCENARIO: the file's name is not"),
    ],
)
def test_words_that_are_not_utf8_are_refused_before_anything_is_made(tmp_path, capsys, argv, named):
    """The shell hands undecodable bytes over as they are: a run stopped on them left a
    half-made run directory that a second try was refused as not empty."""
    out = tmp_path / "run"
    extra = ["--out", str(out)] if argv[0] == "run" else []
    err = _refused([*argv, *extra, "--db", str(tmp_path / "db.sqlite")], capsys)
    assert err.strip().endswith(f"{named} UTF-8 text")
    assert not out.exists() and not (tmp_path / "db.sqlite").exists()


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["run", str(SMALL), "--trainee", "a\x1b[2Jb"], "--trainee"),
        (["note", "1", "--at", "00:10", "x\x1b[31m"], "TEXT"),
        (["history", "--trainee", "a\x07"], "--trainee"),
    ],
)
def test_words_with_control_characters_are_refused(tmp_path, capsys, argv, named):
    """An escape sequence in a name would clear the screen of every table that shows it."""
    out = tmp_path / "run"
    extra = ["--out", str(out)] if argv[0] == "run" else []
    err = _refused([*argv, *extra, "--db", str(tmp_path / "db.sqlite")], capsys)
    assert err.strip().endswith(f"{named}: holds a control character (an escape or similar)")
    assert not out.exists() and not (tmp_path / "db.sqlite").exists()


def test_a_note_may_run_over_several_lines(tmp_path, capsys):
    db = tmp_path / "db.sqlite"
    argv = ["run", str(SMALL), "--until", "00:05", "--quiet", "--db", str(db)]
    assert main([*argv, "--out", str(tmp_path / "r")]) == 0
    assert main(["note", "1", "--at", "00:01", "first line\nsecond line", "--db", str(db)]) == 0


def test_reading_commands_never_turn_a_file_into_a_database(tmp_path, capsys):
    """``history`` of an empty file made it a simulator database (with -wal, -shm);
    ``note`` with a mistyped --db made its folders and a database, then found no run."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"")
    for argv in (["history"], ["report", "1"], ["note", "1", "--at", "00:01", "x"]):
        assert "not a simulator database (an empty file)" in _refused(
            [*argv, "--db", str(notes)], capsys
        )
    assert notes.read_bytes() == b"" and sorted(tmp_path.iterdir()) == [notes]
    typo = tmp_path / "typo" / "sub" / "x.db"
    err = _refused(["note", "1", "--at", "00:01", "x", "--db", str(typo)], capsys)
    assert "no database here" in err and not (tmp_path / "typo").exists()


@pytest.mark.parametrize("name", ["run.json", "events.jsonl", "scenario.yaml"])
@pytest.mark.parametrize("command", ["report", "replay"])
def test_a_pipe_or_a_device_in_a_run_directory_is_refused_not_read(
    tmp_path, capsys, recorded, name, command
):
    """A pipe blocked the reader for ever; /dev/zero read until memory ran out."""
    for n, make in enumerate((os.mkfifo, lambda p: p.symlink_to("/dev/zero"))):
        run = tmp_path / f"{n}"
        run.mkdir()
        for path in recorded[0].iterdir():
            if path.name != name:
                (run / path.name).write_bytes(path.read_bytes())
        make(run / name)
        err = _refused([command, str(run)], capsys)
        assert str(run / name) in err and "not a regular file" in err


def _rehashed(run: Path, seq: int, change) -> None:
    """Edit one event of a run directory's log and write its hash again (a forgery)."""
    path = run / "events.jsonl"
    lines = path.read_text().splitlines()
    event = json.loads(lines[seq - 1])
    change(event)
    lines[seq - 1] = json.dumps(event, separators=(",", ":"))
    path.write_text("".join(f"{line}\n" for line in lines))
    _edit_manifest(run, events_sha256=hashlib.sha256(path.read_bytes()).hexdigest())


@pytest.mark.parametrize(
    ("seq", "change", "stored", "problem"),
    [
        (
            3,
            lambda e: e["data"].pop("title"),
            "json_remove(json, '$.data.title')",
            "event 3: incident.started: missing field 'title'",
        ),
        (
            1,
            lambda e: e.update(t=1e12),
            "json_set(json, '$.t', 1e12)",
            "event 1: t: 1000000000000.0 is past any exercise",
        ),
    ],
)
def test_an_event_no_run_could_log_is_refused_by_number(
    tmp_path, capsys, recorded, seq, change, stored, problem
):
    """Scoring stopped at a missing field; a time of a million days sized a chart past
    memory. Stored runs with no hash to check are read the same way."""
    run = _copy(tmp_path, recorded[0])
    _rehashed(run, seq, change)
    assert problem in _refused(["report", str(run)], capsys)
    db = _damaged_db(
        tmp_path,
        recorded[1],
        "UPDATE runs SET status = 'incomplete', events_sha256 = NULL WHERE id = 1",
        f"UPDATE events SET json = {stored} WHERE run = 1 AND seq = {seq}",
    )
    assert f"run 1: events: {problem}" in _refused(["report", "1", "--db", str(db)], capsys)


def test_a_report_of_a_run_directory_names_the_trainee_and_their_roles(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", str(SMALL), "--until", "00:20", "--quiet", "--roles", "police"]
    argv += ["--trainee", "A. Diaz", "--out", str(out), "--db", str(tmp_path / "db.sqlite")]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--format", "md"]) == 0
    text = capsys.readouterr().out
    assert "| trainee | A. Diaz |" in text and "| roles | Town Police (police) |" in text
    played = "run.json: roles: expected a list of the scenario's agencies the trainee played"
    # Not a list; an agency the scenario has not (was printed); one the players ran
    # (was printed as "your role"). Replay reads the same manifest and refuses alike.
    for roles in ("police", ["police", "nope"], ["police", "fire"]):
        _edit_manifest(out, roles=roles)
        assert played in _refused(["report", str(out)], capsys)
        assert played in _refused(["replay", str(out)], capsys)


@pytest.mark.parametrize("count", [-5, 999, "lots"])
def test_a_manifest_counting_other_events_is_refused(tmp_path, capsys, recorded, count):
    run = _copy(tmp_path, recorded[0])
    _edit_manifest(run, events=count)
    assert "run.json: events: " in _refused(["report", str(run)], capsys)


def test_a_path_through_a_folder_named_in_other_bytes_still_works(tmp_path):
    """Paths are the file system's to read, and printed as the shell gave them; only
    words (and a scenario's own file name, which is recorded) must be UTF-8."""
    folder = tmp_path.joinpath(os.fsdecode(b"caf\xe9"))
    folder.mkdir()
    scenario = folder / "small.yaml"
    scenario.write_bytes(SMALL.read_bytes())
    out = tmp_path / "run"
    for argv in (
        ["validate", scenario],
        ["run", scenario, "--until", "00:10", "--quiet", "--out", out, "--db", tmp_path / "db"],
    ):
        done = subprocess.run(
            [sys.executable, str(ROOT / "run_sim.py"), *map(os.fsencode, argv)],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert bytes(scenario) in done.stdout or b"overall score" in done.stdout


def test_a_backslash_in_a_scenarios_name_is_part_of_the_name(tmp_path, capsys):
    """On Linux it is an ordinary character: such a run reports, its baseline included."""
    scenario = tmp_path / "back\\slash.yaml"
    scenario.write_bytes(SMALL.read_bytes())
    argv = ["run", str(scenario), "--until", "00:10", "--quiet", "--roles", "police"]
    assert main([*argv, "--out", str(tmp_path / "r"), "--db", str(tmp_path / "db")]) == 0
    assert "baseline" in capsys.readouterr().out
    assert main(["report", "1", "--db", str(tmp_path / "db"), "--format", "md"]) == 0


def test_an_output_through_a_loop_of_links_is_refused_plainly(recorded, tmp_path, capsys):
    loop = tmp_path / "loop.html"
    loop.symlink_to(tmp_path / "other.html")
    (tmp_path / "other.html").symlink_to(loop)
    argv = ["report", "1", "--db", str(recorded[1]), "--out", str(loop)]
    assert f"--out: {loop}: cannot be written" in _refused(argv, capsys)


def test_history_says_there_is_no_trend_when_every_run_stopped_early(tmp_path, capsys):
    db = tmp_path / "db.sqlite"
    argv = ["run", str(SMALL), "--until", "00:10", "--quiet", "--trainee", "Diaz"]
    assert main([*argv, "--out", str(tmp_path / "r"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "No trend yet" in out and "Trend per trainee" not in out
