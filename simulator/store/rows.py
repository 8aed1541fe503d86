"""Rows read back from the exercise database, each field checked before use.

The database is a file on disk that a person, a script or a failing disk can change.
A row that no longer holds what the store wrote must be refused by name (which run,
which field), never half-read into a traceback or a report built on a wrong value.
Each reader here raises ``ValueError("field: reason")``; the store adds file and run.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulator.events import Event, read_json
from simulator.scenario.limits import MAX_SECONDS


@dataclass(frozen=True)
class RunInfo:
    """One recorded run's row."""

    id: int
    purpose: str
    trainee: str | None
    roles: list[str]
    automated: list[str]
    scenario_id: str
    scenario_title: str
    scenario_sha256: str
    scenario_name: str
    seed: int
    until: float
    started: str
    ended: str | None
    status: str
    events: int
    events_sha256: str | None
    players: str  # the automated players' profiles (``players_label``); "" not known
    stopped_by: str  # who ended a play session early: "trainee", "interrupted", "failed"; or ""


@dataclass(frozen=True)
class Note:
    """An evaluator's time-stamped note on a run."""

    t: float
    text: str
    created: str


def _text(value: object) -> bool:
    return isinstance(value, str)


def _maybe_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _whole(value: object) -> bool:
    return type(value) is int and value >= 0


def _seconds(value: object) -> bool:
    """An exercise time: no exercise runs past 30 days (a note at 1e300 s is damage)."""
    return type(value) in (int, float) and 0 <= value <= MAX_SECONDS


def _names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def timestamp(value: object) -> bool:
    """An ISO 8601 time, as records write it: reports date the run and its plan by it."""
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def optional_timestamp(value: object) -> bool:
    """No time at all (a run not yet ended), or an ISO 8601 one."""
    return value is None or timestamp(value)


# RunInfo's fields in column order, each with the check its value must pass (roles and
# automated are checked after their JSON is decoded).
_RUN_FIELDS = (
    ("id", _whole),
    ("purpose", _text),
    ("trainee", _maybe_text),
    ("roles", _names),
    ("automated", _names),
    ("scenario_id", _text),
    ("scenario_title", _text),
    ("scenario_sha256", _text),
    ("scenario_name", _text),
    ("seed", _whole),
    ("until", _seconds),
    ("started", timestamp),
    ("ended", optional_timestamp),
    ("status", _text),
    ("events", _whole),
    ("events_sha256", _maybe_text),
    ("players", _text),
    ("stopped_by", _text),
)


def run_info(row: tuple) -> RunInfo:
    """A ``runs`` row (columns in RunInfo's order) as a RunInfo.

    Raises:
        ValueError: ``field: reason`` for the first field that is not what was written.
    """
    values = list(row)
    for i, name in ((3, "roles"), (4, "automated")):
        values[i] = _json(name, values[i])
    for (name, ok), value in zip(_RUN_FIELDS, values, strict=True):
        if not ok(value):
            raise ValueError(f"{name}: {value!r} is not {_EXPECTED.get(name, f'a valid {name}')}")
    return RunInfo(*values)


# What a field must hold, where "a valid <field>" would not say it.
_EXPECTED = {
    "started": "a timestamp (ISO 8601)",
    "ended": "a timestamp (ISO 8601)",
}


def agencies(run: RunInfo, known: Collection[str]) -> None:
    """Check that a run's roles and automated players are agencies of its scenario.

    A role no agency has would be reported as played by the trainee, and its
    baseline played for nobody; one both played and automated is no record a run wrote.

    Raises:
        ValueError: ``field: reason`` for the first name that is not the scenario's.
    """
    for name, played in (("roles", run.roles), ("automated", run.automated)):
        unknown = sorted(set(played) - set(known))
        if unknown:
            raise ValueError(
                f"{name}: {', '.join(map(repr, unknown))} is no agency of the run's scenario "
                f"(its agencies: {', '.join(sorted(known))})"
            )
    both = sorted(set(run.roles) & set(run.automated))
    if both:
        raise ValueError(f"roles: {', '.join(map(repr, both))} is also listed as automated")


def event(seq: int, text: str) -> Event:
    """A stored event line, which must still be the event stored under ``seq``."""
    try:
        found = Event.from_json(text)
    except ValueError as exc:
        raise ValueError(f"events: seq {seq}: {exc}") from None
    if found.seq != seq:
        raise ValueError(f"events: seq {seq}: the line holds event {found.seq}")
    return found


def scores(text: str) -> dict[str, Any]:
    """A run's stored scores (the JSON ``review.score`` gave)."""
    found = _json("scores", text)
    if not isinstance(found, dict):
        raise ValueError("scores: not a JSON object")
    objectives = found.get("objectives", [])
    if not isinstance(objectives, list):
        raise ValueError("scores: objectives: not a list")
    for n, objective in enumerate(objectives):
        if not isinstance(objective, dict) or "rating" not in objective:
            raise ValueError(f"scores: objectives[{n}]: not an objective with its rating")
        rating = objective["rating"]
        if rating is not None and not isinstance(rating, str):
            raise ValueError(f"scores: objectives[{n}]: rating: {rating!r} is not a rating")
    overall(found.get("overall"))
    if not isinstance(found.get("complete", True), bool):
        raise ValueError(f"scores: complete: {found['complete']!r} is not true or false")
    return found


def overall(value: object) -> float | None:
    """A run's stored overall score, if any."""
    if value is not None and not (type(value) in (int, float) and 0 <= value <= 100):
        raise ValueError(f"overall: {value!r} is not a score from 0 to 100")
    return value


def command(n: int, text: str) -> dict[str, Any]:
    """A stored command record, as the run gave it."""
    found = _json(f"commands: {n}", text)
    if not isinstance(found, dict):
        raise ValueError(f"commands: {n}: not a JSON object")
    return found


def controller_action(name: str, text: object) -> dict[str, Any]:
    """A controller's action as ``controller.jsonl`` holds it: its time and action.

    The report words the end of the exercise from the ``end`` action's ``reason``, so
    each field it reads is checked.

    Raises:
        ValueError: ``NAME: field: reason`` for the first field that is wrong.
    """
    found = _json(name, text)
    if not isinstance(found, dict):
        raise ValueError(f"{name}: not a JSON object")
    checks = (
        ("t", _seconds(found.get("t")), "expected seconds from the start"),
        ("action", _text(found.get("action")), "expected an action such as 'pause' or 'end'"),
        ("reason", _maybe_text(found.get("reason")), "expected text"),
    )
    for field, ok, expected in checks:
        if not ok:
            raise ValueError(f"{name}: {field}: {expected}, got {found.get(field)!r}")
    return found


def note(row: tuple) -> Note:
    """A stored note: its exercise time, text and when it was written."""
    t, text, created = row
    if not (_seconds(t) and _text(text) and _text(created)):
        raise ValueError(f"notes: {row!r} is not a note (time, text, written)")
    return Note(t, text, created)


def _json(name: str, text: object) -> Any:
    if not isinstance(text, str):
        raise ValueError(f"{name}: {text!r} is not JSON text")
    try:
        return read_json(text)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
