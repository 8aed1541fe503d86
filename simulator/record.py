"""Run directories: the event log, commands, seed and scenario of one run, together.

The event log is written as the run goes, so a run that is interrupted keeps every
event up to that point; ``run.json`` says whether the run completed.
"""

import hashlib
import itertools
import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from simulator import __version__
from simulator.scenario.limits import MAX_COMMAND_FILE_BYTES, MAX_PROBLEMS, clipped, shown

EVENTS = "events.jsonl"
# Source prefix of the automated players' commands (``player:police``).
PLAYER = "player:"
COMMANDS = "commands.jsonl"
MANIFEST = "run.json"
SUMMARY = "summary.json"


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


@dataclass
class RunRecord:
    """An open run directory being written."""

    directory: Path
    events: TextIO

    @classmethod
    def create(cls, directory: Path, scenario_file: Path) -> "RunRecord":
        """Open a run directory: copy the scenario and start the event log."""
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(scenario_file, directory / f"scenario{scenario_file.suffix or '.yaml'}")
        events = (directory / EVENTS).open("w", encoding="utf-8", newline="\n")
        return cls(directory, events)

    def close(
        self,
        *,
        manifest: dict,
        commands: list[dict],
        summary: dict | None,
    ) -> None:
        """Write commands, summary and the manifest; close the event log."""
        self.events.close()
        with (self.directory / COMMANDS).open("w", encoding="utf-8", newline="\n") as out:
            for row in commands:
                out.write(json.dumps(row, separators=(",", ":"), sort_keys=True) + "\n")
        if summary is not None:
            (self.directory / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n")
        manifest = {"simulator_version": __version__, **manifest}
        (self.directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def read_manifest(directory: Path) -> dict:
    """The manifest of a run directory.

    Raises:
        ValueError: the directory is not a run directory or the manifest is damaged.
    """
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: not a run directory (no {MANIFEST})") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the run manifest: {exc}") from None
    if not isinstance(data, dict) or "seed" not in data:
        raise ValueError(f"{path}: seed: missing from the run manifest")
    return data


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
    path: Path, *, players: bool = False, place: PlaceCheck | None = None
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
    run's map is not known here).

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
        found = _read_line(line, players, place)
        if isinstance(found, TimedCommand):
            out.append((number, found))
        else:
            problems += [clipped(f"{path}: line {number}: {reason}") for reason in found]
    out.sort(key=lambda item: item[1].t)
    problems += _positions_out_of_order(path, out)
    if problems:
        raise ValueError("\n".join(_at_most(problems, path)))
    return [command for _, command in out]


def _read_line(line: str, players: bool, place: PlaceCheck | None) -> TimedCommand | list[str]:
    """One line's command, or the reasons it cannot be one (``field: what is wrong``)."""
    from pydantic import ValidationError

    from simulator.commands import COMMAND
    from simulator.scenario.document import DocumentError, parse_json

    try:
        row = parse_json(line)
        if not isinstance(row, dict):
            raise TypeError("expected an object")
        t = _seconds(row["t"])
        after, ticks = _position(row)
        source = _source(row.get("source", "trainee"), players)
        command = COMMAND.validate_python(row["command"])
        _check_place(command, place)
    except ValidationError as exc:
        return [
            f"{'.'.join(['command', *(str(p) for p in error['loc'])])}: {error['msg']}"
            for error in exc.errors(include_url=False)
        ]
    except KeyError as exc:
        return [f"{exc.args[0]}: required field is missing"]
    except (DocumentError, TypeError, ValueError) as exc:
        return [str(exc).replace("not valid JSON (line 1)", "not valid JSON")]
    return TimedCommand(t, source, command, after, ticks)


def _check_place(command: object, place: PlaceCheck | None) -> None:
    x, y = getattr(command, "x", None), getattr(command, "y", None)
    if place is None or x is None or y is None:
        return
    reason = place(x, y)
    if reason:
        raise ValueError(f"command: {reason}")


def _at_most(problems: list[str], path: Path) -> list[str]:
    # A file of a million bad lines must not print a million lines.
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], f"{path}: {rest} more problems not shown"]


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
    """The first event at which a recorded log and its replay part."""

    seq: int
    kind: str
    recorded: str | None
    replayed: str | None

    def lines(self, width: int = 100) -> list[str]:
        """What to print: the event, then both lines cut around where they differ."""
        recorded, replayed = _shown(self.recorded, self.replayed, width)
        return [
            f"first difference at event {self.seq} ({self.kind}):",
            f"  recorded: {recorded if self.recorded is not None else self._missing()}",
            f"  replayed: {replayed if self.replayed is not None else self._missing()}",
        ]

    def _missing(self) -> str:
        return f"(nothing: the log ends after event {self.seq - 1})"


def first_difference(recorded: Path, replayed: Path) -> Difference | None:
    """The first line where two event logs differ, or None when they are identical.

    Read line by line, so a damaged file (cut short, bytes changed, not UTF-8) still
    says where it parts from the replay rather than only that it does.
    """
    with recorded.open("rb") as ours, replayed.open("rb") as theirs:
        for seq, (a, b) in enumerate(itertools.zip_longest(ours, theirs), start=1):
            if a != b:
                return Difference(seq, _kind(b) or _kind(a) or "unreadable", _line(a), _line(b))
    return None


def _kind(line: bytes | None) -> str | None:
    try:
        kind = json.loads(line)["kind"]
    except (TypeError, ValueError, KeyError):
        return None
    return kind if isinstance(kind, str) else None


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
