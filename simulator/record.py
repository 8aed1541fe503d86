"""Run directories: the event log, commands, seed and scenario of one run, together.

The event log is written as the run goes, so a run that is interrupted keeps every
event up to that point; ``run.json`` says whether the run completed.
"""

import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import re
import shutil
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from simulator import __version__
from simulator.events import CONTROLLER, read_json
from simulator.players.profile import profile
from simulator.scenario.limits import (
    MAX_COMMAND_FILE_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_PROBLEMS,
    MAX_SEED,
    clipped,
    shown,
)
from simulator.scenario.problem import plain
from simulator.scenario.source import SourceError, read_text
from simulator.scenario.timing import format_offset
from simulator.store.rows import optional_timestamp

if TYPE_CHECKING:  # the model (pydantic) loads only when a run is read
    from simulator.events import EventLog
    from simulator.scenario.model import Scenario

EVENTS = "events.jsonl"
# Source prefix of the automated players' commands (``player:police``).
PLAYER = "player:"
COMMANDS = "commands.jsonl"
MANIFEST = "run.json"
SUMMARY = "summary.json"
CONTROLLER_LOG = "controller.jsonl"  # a served run's controller orders
# The manifest's ``status`` while the run goes on: one still saying so after the run is
# gone belongs to a run killed before it could finish its record.
RUNNING = "running"


def scenario_copy(directory: Path, scenario_file: Path) -> Path:
    """Where a run directory keeps its copy of the scenario file (its suffix kept)."""
    return directory / f"scenario{scenario_file.suffix or '.yaml'}"


def record_files(directory: Path, scenario_file: Path | None = None) -> list[Path]:
    """The files that are a run directory's record, which no output may replace.

    ``scenario_file``: the scenario a run about to start will copy there.
    """
    names = (EVENTS, COMMANDS, MANIFEST, SUMMARY, CONTROLLER_LOG)
    copies = sorted(directory.glob("scenario.*")) if directory.is_dir() else []
    if scenario_file is not None:
        copies.append(scenario_copy(directory, scenario_file))
    return [directory / name for name in names] + copies


def fresh_dir(parent: Path, name: str) -> Path:
    """A new directory under ``parent`` named ``name`` (or ``name-2``, ``name-3``...)."""
    candidate = parent / name
    n = 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{name}-{n}"
    candidate.mkdir(parents=True)
    return candidate


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _open_text(path: Path) -> TextIO:
    """A text file for writing, as every file of a run directory is written."""
    return path.open("w", encoding="utf-8", newline="\n")


class EventSink:
    """A file the run appends to (events, commands); a failed write is kept, not raised.

    The event log writes here from inside the engine: an ``OSError`` raised there (a
    full disk, a device gone) would leave the log's running hash ahead of the file.
    The first failure is kept in ``error`` and nothing more is written; whoever drives
    the run stops it (``RunRecord.failure``).
    """

    def __init__(self, path: Path):
        self.path = path
        self.error: OSError | None = None
        self._file = _open_text(path)

    def write(self, text: str) -> None:
        """Append text, unless a write has failed already."""
        if self.error is None:
            try:
                self._file.write(text)
            except OSError as exc:
                self.error = exc

    def flush(self) -> None:
        """Push buffered text to the file (where a full disk shows)."""
        if self.error is None:
            try:
                self._file.flush()
            except OSError as exc:
                self.error = exc

    def close(self) -> None:
        """Close the file; a failure to write what was buffered is kept too."""
        try:
            self._file.close()
        except OSError as exc:
            self.error = self.error or exc


@dataclass
class RunRecord:
    """An open run directory being written.

    A file that cannot be written (a full disk, a read-only location) never raises
    from here once the run has started: ``failure`` says what went wrong, the run's
    manifest says it is not complete, and what was written stays.
    """

    directory: Path
    events: EventSink
    commands: EventSink
    errors: list[str] = dataclasses.field(default_factory=list)
    given: int = 0  # commands appended to ``commands`` so far
    following: bool = False  # ``begin`` appends each command as it is given

    @classmethod
    def create(cls, directory: Path, scenario_file: Path) -> "RunRecord":
        """Open a run directory: copy the scenario and start the event log and commands.

        Raises:
            OSError: the directory or its first files cannot be written.
        """
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(scenario_file, scenario_copy(directory, scenario_file))
        events = EventSink(directory / EVENTS)
        return cls(directory, events, EventSink(directory / COMMANDS))

    @property
    def failure(self) -> str:
        """``FILE: cannot write: reason`` for the first file that failed, or ""."""
        for sink in (self.events, self.commands):
            if sink.error is not None:
                return _cannot_write(sink.path, sink.error)
        return self.errors[0] if self.errors else ""

    def begin(self, manifest: dict, log: "EventLog", commands: Sequence[dict]) -> None:
        """Write a provisional manifest (``status`` running) and follow the commands.

        Each command is appended to ``commands.jsonl`` once the event log is flushed
        after it (with its ``command.*`` event): a run killed outright (``kill -9``, a
        power cut) keeps a directory ``report`` reads as incomplete, commands and all.
        Called again (who plays changed: a networked seat taken by a bot), it writes the
        manifest again and goes on following.
        """
        self._write(MANIFEST, [_manifest_text({**manifest, "status": RUNNING, "complete": False})])
        if self.following:
            return
        self.following = True

        def append(events: object, lines: object) -> None:
            rows = commands[self.given :]
            if rows:
                self.given += len(rows)
                self.commands.write("".join(map(_command_line, rows)))
                self.commands.flush()

        log.read_lines(append)

    def close(
        self,
        *,
        manifest: dict,
        commands: list[dict],
        summary: dict | None,
    ) -> None:
        """Write commands, summary and the manifest; close the event log.

        Each file is tried even when one before it failed: a manifest saying the run is
        incomplete is worth writing whenever it fits.
        """
        self.events.close()
        self.commands.close()
        self._write(COMMANDS, map(_command_line, commands))
        if summary is not None:
            self._write(SUMMARY, [json.dumps(summary, indent=2) + "\n"])
        if self.failure:
            manifest = {**manifest, "complete": False}
        self._write(MANIFEST, [_manifest_text(manifest)])

    def write_rows(self, name: str, rows: Iterable[dict]) -> None:
        """Write a JSON-lines file of the run's (the controller's actions, say), whole.

        A failure is kept like any other (``failure``): the manifest is still written,
        saying the record is incomplete, rather than left as the provisional one.
        """
        self._write(name, map(_command_line, rows))

    def discard(self) -> None:
        """Remove what ``create`` wrote: the run never started."""
        self.events.close()
        self.commands.close()
        for path in self.directory.glob("scenario.*"):
            path.unlink(missing_ok=True)
        for path in (self.events.path, self.commands.path, self.directory / MANIFEST):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.directory.rmdir()

    def _write(self, name: str, parts: Iterable[str]) -> None:
        # Whole or not at all: a manifest cut short by a full disk would read as damaged.
        path = self.directory / name
        part = path.with_name(f"{name}.part")
        try:
            with _open_text(part) as out:
                for text in parts:
                    out.write(text)
            part.replace(path)
        except OSError as exc:
            self.errors.append(_cannot_write(path, exc))
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)


def _command_line(row: dict) -> str:
    return json.dumps(row, separators=(",", ":"), sort_keys=True) + "\n"


def _manifest_text(manifest: dict) -> str:
    return json.dumps({"simulator_version": __version__, **manifest}, indent=2) + "\n"


def _cannot_write(path: Path, exc: OSError) -> str:
    return f"{path}: cannot write: {exc.strerror or exc}"


_SHA256 = re.compile(r"[0-9a-f]{64}")


def read_manifest(directory: Path) -> dict:
    """The manifest of a run directory.

    Raises:
        ValueError: the directory is not a run directory or the manifest is damaged.
    """
    path = directory / MANIFEST
    if not path.exists() and not path.is_symlink():
        began = (directory / EVENTS).exists()
        started = " (its event log is there: a run began here)" if began else ""
        raise ValueError(
            f"{path}: missing, so {directory} is not a run directory{started}. A run stopped "
            "before it wrote its record may be in the exercise database: `run_sim.py history "
            "--all` lists the runs recorded there, `run_sim.py report N` reports one"
        )
    try:  # a pipe or a device in its place is refused, never read
        data = read_json(read_text(path, MAX_MANIFEST_BYTES))
    except SourceError as exc:
        raise ValueError(f"{path}: cannot read the run manifest: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{path}: cannot read the run manifest: {exc}") from None
    if not isinstance(data, dict) or "seed" not in data:
        raise ValueError(f"{path}: seed: missing from the run manifest")
    # What proves the copies unchanged; a run still running (or killed) has no log's yet.
    proofs = ("scenario_sha256",) if running(data) else ("scenario_sha256", "events_sha256")
    for field in proofs:
        digest = data.get(field)
        if not (isinstance(digest, str) and _SHA256.fullmatch(digest)):
            shown = "missing" if digest is None else f"{digest!r} is not a SHA-256"
            raise ValueError(f"{path}: {field}: {shown} in the run manifest")
    return data


def running(manifest: dict) -> bool:
    """Whether a manifest is the provisional one of a run that never finished its record."""
    return manifest.get("status") == RUNNING


class Settings(NamedTuple):
    """What a run manifest says the run was: enough to run it again."""

    seed: int
    until: float
    automated: list[str]
    profiles: dict[str, str]
    roles: list[str]  # the agencies the trainee played (none automated)
    # Automated agencies played from a networked seat (``join --bot``): agency ->
    # profile. Their orders are in the record; a replay gives them, it does not play them.
    bots: dict[str, str]


def manifest_settings(path: Path, manifest: dict, scenario: "Scenario") -> Settings:
    """The run's settings from its manifest, each field checked against the scenario.

    Replay re-runs from these and the report prints them, so a manifest edited by hand
    must be refused field by field rather than half-read.

    Raises:
        ValueError: ``FILE: field: reason`` for the first field that is wrong.
    """
    seed = manifest["seed"]
    until = manifest.get("until", scenario.metadata.duration)
    automated, profiles = manifest.get("automated", []), manifest.get("players", {})
    roles, bots = manifest.get("roles", []), manifest.get("bots", {})
    agencies = {a.id for a in scenario.agencies}
    checks = [
        (
            "seed",
            type(seed) is int and 0 <= seed <= MAX_SEED,
            f"expected a whole number from 0 to {MAX_SEED}",
        ),
        (
            "until",
            _is_number(until) and 0 <= until <= scenario.metadata.duration,
            "expected seconds from the start to the end of the exercise",
        ),
        (
            "automated",
            _all_text(automated) and set(automated) <= agencies,
            f"expected a list of the scenario's agencies ({', '.join(sorted(agencies))})",
        ),
        (
            "players",
            isinstance(profiles, dict)
            and set(profiles) <= agencies
            and all(_is_profile(p) for p in profiles.values()),
            "expected an object of agency: profile (idle, poor, sop or expert)",
        ),
        (
            "roles",
            _all_text(roles)
            and set(roles) <= agencies
            and not (_all_text(automated) and set(roles) & set(automated)),
            "expected a list of the scenario's agencies the trainee played, none of them automated",
        ),
        (
            "bots",
            isinstance(bots, dict)
            and _all_text(automated)
            and set(bots) <= set(automated)
            and all(_is_profile(p) for p in bots.values()),
            "expected an object of automated agency: profile (idle, poor, sop or expert)",
        ),
        *(
            (name, optional_timestamp(manifest.get(name)), "expected a timestamp (ISO 8601)")
            for name in ("started", "finished")
        ),
        ("complete", manifest.get("complete") in (None, True, False), "expected true or false"),
    ]
    for field, ok, reason in checks:
        if not ok:
            raise ValueError(f"{path}: {field}: {reason}")
    return Settings(seed, float(until), list(automated), dict(profiles), list(roles), dict(bots))


def _is_profile(name: object) -> bool:
    try:
        profile(name)
    except (ValueError, TypeError):
        return False
    return True


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _all_text(values: object) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


@dataclass(frozen=True)
class TimedCommand:
    """A command to submit at a simulation time, as a command file lists it.

    ``after`` and ``ticks``, when present, are where the command was given in a
    recorded run (``Exercise.submit``): a replay gives it at exactly that point, which
    the time alone cannot pin when several things happen at one instant.
    """

    t: float
    source: str
    command: object
    after: int | None = None
    ticks: int | None = None


# A place check for commands that name a point: the reason it is unusable, or "".
PlaceCheck = Callable[[float, float], str]


def read_commands(
    path: Path,
    *,
    players: bool = False,
    place: PlaceCheck | None = None,
    roles: Collection[str] = (),
    end: float | None = None,
) -> list[TimedCommand]:
    """Read a JSON Lines command file (``{"t": s, "command": {...}}`` per line).

    A ``player:AGENCY`` source is allowed only with ``players``, for a run directory's
    own ``commands.jsonl``: there it marks what the automated players gave, which a
    replay leaves out because the players give it again. A command file claiming it
    would be given by the run and then dropped by its replay, so it is refused.

    The file is read like a scenario (a regular file, here of at most 50 MB, UTF-8
    with or without a byte-order mark). A time is a finite number of seconds, never a
    boolean (``"t": true`` was once T+1), and every number in a command is finite.
    ``place``, when given, judges the point of a ``staging_area`` command by x/y (the
    run's map is not known here). ``roles``, when given, are the agencies the trainee
    plays: a command for any other agency is refused unless the controller gives it
    (``--roles police`` and an order to the automated fire agency was once accepted).
    ``end``, when given, is the exercise's length: a command due after it would never be
    given, and was once dropped without a word.

    Raises:
        ValueError: one line per problem, ``FILE: line N: field: what is wrong``.
    """
    from simulator.scenario.source import SourceError, read_text

    try:
        lines = read_text(path, MAX_COMMAND_FILE_BYTES).splitlines()
    except SourceError as exc:
        raise ValueError(f"{path}: cannot read the command file: {exc}") from None
    out, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        found = _read_line(line, players, place, roles)
        if isinstance(found, TimedCommand) and end is not None and found.t > end:
            late, length = format_offset(found.t), format_offset(end)
            found = [f"t: {late} is after the end of the exercise ({length})"]
        if isinstance(found, TimedCommand):
            out.append((number, found))
        else:
            problems += [clipped(f"{path}: line {number}: {reason}") for reason in found]
    out.sort(key=lambda item: item[1].t)
    problems += _positions_out_of_order(path, out)
    if problems:
        raise ValueError("\n".join(_at_most(problems, path)))
    return [command for _, command in out]


def _read_line(
    line: str, players: bool, place: PlaceCheck | None, roles: Collection[str]
) -> TimedCommand | list[str]:
    """One line's command, or the reasons it cannot be one (``field: what is wrong``)."""
    from pydantic import ValidationError

    from simulator.commands import COMMAND
    from simulator.scenario.document import DocumentError, parse_json

    try:
        row = parse_json(line, one_line=True)
        if not isinstance(row, dict):
            raise TypeError("expected an object")
        unknown = sorted(set(row) - _LINE_FIELDS)
        if unknown:  # a misspelt "source" would give a controller's order as the trainee's
            raise TypeError(
                f"{unknown[0]}: unknown field (fields: {', '.join(sorted(_LINE_FIELDS))})"
            )
        t = _seconds(row["t"])
        after, ticks = _position(row)
        source = _source(row.get("source", "trainee"), players)
        command = COMMAND.validate_python(row["command"])
        _check_place(command, place)
        _check_role(command, source, roles)
    except ValidationError as exc:
        return [
            f"{'.'.join(['command', *(str(p) for p in error['loc'])])}: {plain(error)}"
            for error in exc.errors(include_url=False)
        ]
    except KeyError as exc:
        return [f"{exc.args[0]}: required field is missing"]
    except (DocumentError, TypeError, ValueError) as exc:
        return [str(exc)]
    return TimedCommand(t, source, command, after, ticks)


def _check_place(command: object, place: PlaceCheck | None) -> None:
    x, y = getattr(command, "x", None), getattr(command, "y", None)
    if place is None or x is None or y is None:
        return
    reason = place(x, y)
    if reason:
        raise ValueError(f"command: {reason}")


def _check_role(command: object, source: str, roles: Collection[str]) -> None:
    agency = getattr(command, "agency", "")
    if roles and source != CONTROLLER and agency == CONTROLLER:
        raise ValueError(
            f"command.type: {shown(getattr(command, 'type', ''))} is the exercise "
            f"controller's, not a trainee's (give it with source {CONTROLLER!r})"
        )
    if roles and source != CONTROLLER and agency not in roles:
        played = ", ".join(sorted(roles))
        raise ValueError(
            f"command.agency: {shown(agency)} is played by the automated players in this run "
            f"(--roles {played}); a trainee commands only the agencies it plays: {played}"
        )


def _at_most(problems: list[str], path: Path) -> list[str]:
    # A file of a million bad lines must not print a million lines.
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], f"{path}: {rest} more problems not shown"]


# The fields of a command file's line (``Exercise.submit`` records them).
_LINE_FIELDS = frozenset({"t", "after", "ticks", "source", "command"})


def _position(row: dict) -> tuple[int | None, int | None]:
    # Both or neither: ``ticks`` places the command, ``after`` says what the log held.
    values = []
    for field in ("after", "ticks"):
        value = row.get(field)
        if value is not None and (type(value) is not int or value < 0):
            raise TypeError(f"{field}: must be a whole number, not negative")
        values.append(value)
    after, ticks = values
    if (after is None) != (ticks is None):
        given, missing = ("after", "ticks") if ticks is None else ("ticks", "after")
        raise TypeError(f"{missing}: required with {given}")
    return after, ticks


def _source(value: object, players: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"source: expected a name such as 'trainee', got {shown(value)}")
    if value.startswith(PLAYER) and not players:
        raise TypeError(
            f"source: {shown(value)} is kept for the automated players' own commands, which a "
            "run gives itself; give this one as 'trainee' or 'controller'"
        )
    return value


def _seconds(value: object) -> float:
    """A command's time: seconds from the start, finite and not negative.

    A boolean is refused though Python counts it a number (``"t": true`` was T+1).
    """
    if isinstance(value, bool):
        raise TypeError("t: expected a number of seconds, got a boolean")
    try:
        t = float(value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"t: expected a number of seconds, got {shown(value)}") from None
    if not math.isfinite(t):
        raise TypeError(f"t: must be a time in seconds, not {shown(value)}")
    if t < 0:
        raise TypeError("t: must be a time in seconds, not negative")
    return t


def _positions_out_of_order(path: Path, rows: list[tuple[int, TimedCommand]]) -> list[str]:
    # A recorded run never gives a command at an earlier point than the one before it;
    # a file that says so was edited, and no replay could honour it.
    problems, last = [], -1
    for number, command in rows:
        if command.ticks is None:
            continue
        if command.ticks < last:
            problems.append(
                f"{path}: line {number}: ticks: {command.ticks} is before the {last} of "
                "a command due no later"
            )
        last = max(last, command.ticks)
    return problems


@dataclass(frozen=True)
class Difference:
    """The first line (an event, or a command) at which a record and its replay part.

    ``other`` names the second side: the replay, or the record's own event log when a
    command line is not the order that log says the run was given.
    """

    seq: int
    kind: str
    recorded: str | None
    replayed: str | None
    noun: str = "event"
    holder: str = "log"
    other: str = "replayed"

    def lines(self, width: int = 100) -> list[str]:
        """What to print: the line, then both lines cut around where they differ."""
        recorded, replayed = _shown(self.recorded, self.replayed, width)
        pad = max(len("recorded"), len(self.other))
        return [
            f"first difference at {self.noun} {self.seq} ({self.kind}):",
            f"  {'recorded:':<{pad + 1}} "
            f"{recorded if self.recorded is not None else self._missing()}",
            f"  {self.other + ':':<{pad + 1}} "
            f"{replayed if self.replayed is not None else self._missing()}",
        ]

    def _missing(self) -> str:
        return f"(nothing: the {self.holder} ends after {self.noun} {self.seq - 1})"


def first_difference(recorded: Path, replayed: Path) -> Difference | None:
    """The first line where two event logs differ, or None when they are identical.

    Read line by line, so a damaged file (cut short, bytes changed, not UTF-8) still
    says where it parts from the replay rather than only that it does.
    """
    with recorded.open("rb") as ours, replayed.open("rb") as theirs:
        for seq, (a, b) in enumerate(itertools.zip_longest(ours, theirs), start=1):
            if a != b:
                # Named as the record has it: the record is what an evaluator is reading.
                return Difference(seq, _kind(a) or _kind(b) or "unreadable", _line(a), _line(b))
    return None


def first_command_difference(recorded: Path, replayed: Path, events: Path) -> Difference | None:
    """The first order where two command files differ, or None when they are the same.

    The automated players give their orders again in a replay: a line of theirs in the
    record that they did not give (edited, added or dropped) shows here, though the
    events, which the replay re-creates, match. The trainee's orders are given from the
    record's lines, so the replay repeats an edited one: each line is also checked
    against the order the record's event log (``events``) says was given where the
    line says (its ``after``). Lines are read as ``read_commands`` reads them (blank
    ones skipped) and named by their line in the record.
    """
    ours, theirs = _orders(recorded), [text for _, text in _orders(replayed)]
    given_at = _given_at(events)
    last = 0
    for at, (mine, given) in enumerate(itertools.zip_longest(ours, theirs)):
        number, text = mine if mine is not None else (last + 1, None)
        last = number
        if text is None or given is None or not _same_order(text, given):
            what = _parted(text, given, ours[at + 1 :], theirs[at + 1 :])
            return Difference(number, what, text, given, "line", "command file")
        logged = _logged(text, given_at)
        if logged is not None:
            what = _order(text) or "unreadable"
            return Difference(number, what, text, logged, "line", "command file", "event log")
    return None


def _parted(
    text: str | None, given: str | None, ours: list[tuple[int, str]], theirs: list[str]
) -> str:
    """How a record's command line parts from the replay's: edited, missing or extra.

    Named by both sides: the record's line alone named the untouched order after one
    dropped from it.
    """
    mine, replayed = _order(text) or "unreadable", _order(given) or "unreadable"
    if text is None:
        return f"the record ends; the replay gave {replayed}"
    if given is None:
        return f"{mine}, not given in the replay"
    if theirs and _same_order(text, theirs[0]):
        return f"the replay gave {replayed} here, missing from the record"
    if ours and _same_order(ours[0][1], given):
        return f"{mine}, not given in the replay"
    return mine if mine == replayed else f"recorded {mine}, replayed {replayed}"


def _given_at(events: Path) -> list[bytes]:
    """The record's event lines, by position (a command's ``after`` points into them)."""
    try:
        with events.open("rb") as log:
            return log.readlines()
    except OSError:  # the log's own check names it; the lines are then compared alone
        return []


def _logged(text: str | None, events: list[bytes]) -> str | None:
    """The order the event log says was given where ``text`` says, if it is another.

    Returned as the line would read with that order, so both cut to where they
    differ; None when they agree, or when either cannot say (an older record has no
    ``after``, a damaged line is the event comparison's to name).
    """
    try:
        row = json.loads(text)
        after = row["after"]
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            return None
        event = json.loads(events[after])
        source, command = event["data"]["source"], event["data"]["command"]
    except (TypeError, ValueError, KeyError, IndexError):
        return None
    if source == row.get("source") and command == row.get("command"):
        return None
    logged = {**row, "source": source, "command": command}
    return json.dumps(logged, sort_keys=True, separators=(",", ":"))


def _orders(path: Path) -> list[tuple[int, str]]:
    """A command file's lines that hold something, with their numbers."""
    lines = read_text(path, MAX_COMMAND_FILE_BYTES).splitlines()
    return [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]


def _same_order(recorded: str, replayed: str) -> bool:
    """Whether two command lines are one order; a record older than positions has none.

    Records made before ``after`` and ``ticks`` were kept replay by time alone, and
    wrote each order's time rounded to the millisecond.
    """
    if recorded == replayed:
        return True
    try:
        ours, theirs = json.loads(recorded), json.loads(replayed)
    except ValueError:
        return False
    if not (isinstance(ours, dict) and isinstance(theirs, dict)):
        return False
    if "after" not in ours and isinstance(theirs.get("t"), float):
        theirs = {k: v for k, v in theirs.items() if k not in _PLACES}
        theirs["t"] = round(theirs["t"], 3)
    return ours == theirs


# Where a command was given in its run (``TimedCommand``): absent from older records.
_PLACES = ("after", "ticks")


def _kind(line: bytes | None) -> str | None:
    try:
        kind = json.loads(line)["kind"]
    except (TypeError, ValueError, KeyError):
        return None
    return kind if isinstance(kind, str) else None


def _order(line: str | None) -> str | None:
    """A command line's source and order type (``player:fire dispatch``)."""
    try:
        row = json.loads(line)
        source, kind = row["source"], row["command"]["type"]
    except (TypeError, ValueError, KeyError):
        return None
    return f"{source} {kind}" if isinstance(source, str) and isinstance(kind, str) else None


def _line(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    text = raw.decode("utf-8", errors="replace")
    return text[:-1] if text.endswith("\n") else text + " [no newline at the end]"


def _shown(a: str | None, b: str | None, width: int) -> tuple[str, str]:
    # Both cut to the same window, starting a little before the first character that
    # differs: a changed byte deep in a long line must be visible.
    a, b = a or "", b or ""
    at, common = 0, min(len(a), len(b))
    while at < common and a[at] == b[at]:
        at += 1
    start = max(0, at - width // 4)

    def cut(text: str) -> str:
        part = text[start : start + width]
        return ("…" if start else "") + part + ("…" if start + width < len(text) else "")

    return cut(a), cut(b)
