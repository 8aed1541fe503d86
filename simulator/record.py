"""Run directories: the event log, commands, seed and scenario of one run, together.

The event log is written as the run goes, so a run that is interrupted keeps every
event up to that point; ``run.json`` says whether the run completed.
"""

import hashlib
import itertools
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from simulator import __version__

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


def read_commands(path: Path, *, players: bool = False) -> list[TimedCommand]:
    """Read a JSON Lines command file (``{"t": s, "command": {...}}`` per line).

    A ``player:AGENCY`` source is allowed only with ``players``, for a run directory's
    own ``commands.jsonl``: there it marks what the automated players gave, which a
    replay leaves out because the players give it again. A command file claiming it
    would be given by the run and then dropped by its replay, so it is refused.

    Raises:
        ValueError: one line per problem, ``FILE: line N: field: what is wrong``.
    """
    from pydantic import ValidationError

    from simulator.commands import COMMAND

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the command file: {exc}") from None
    out, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}: line {number}"
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise TypeError("expected an object")
            t = _seconds(row["t"])
            if not math.isfinite(t) or t < 0:
                raise TypeError("t: must be a time in seconds, not negative")
            after, ticks = _position(row)
            source = _source(row.get("source", "trainee"), players)
            command = COMMAND.validate_python(row["command"])
        except (json.JSONDecodeError, TypeError, KeyError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                for error in exc.errors(include_url=False):
                    field = ".".join(["command", *(str(p) for p in error["loc"])])
                    problems.append(f"{where}: {field}: {error['msg']}")
            elif isinstance(exc, KeyError):
                problems.append(f"{where}: {exc.args[0]}: required field is missing")
            else:
                problems.append(f"{where}: {exc}")
            continue
        out.append((number, TimedCommand(t, source, command, after, ticks)))
    out.sort(key=lambda item: item[1].t)
    problems += _positions_out_of_order(path, out)
    if problems:
        raise ValueError("\n".join(problems))
    return [command for _, command in out]


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
        raise TypeError(f"source: expected a name such as 'trainee', got {value!r}")
    if value.startswith(PLAYER) and not players:
        raise TypeError(
            f"source: {value!r} is kept for the automated players' own commands, which a "
            "run gives itself; give this one as 'trainee' or 'controller'"
        )
    return value


def _seconds(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"t: expected a number of seconds, got {value!r}") from None


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
