"""The append-only event stream: every state change, as plain JSON-ready records."""

import hashlib
import json
import json.encoder
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from simulator.scenario.limits import json_problem

# The exercise controller: the source of its commands in the log, and the agency its
# inject commands name (it may command any agency; no trainee may give its commands).
CONTROLLER = "controller"
# One encoder for every line (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _line_encoder() -> Callable[[dict[str, Any]], str]:
    """``_ENCODER.encode`` without what it repeats per call (a new C encoder each time).

    The same C encoder ``encode`` builds, made once (no circular check: events hold
    plain data); the pure-Python encoder where the C one is missing.
    """
    make = json.encoder.c_make_encoder
    if make is None:
        return _ENCODER.encode
    chunks = make(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda data: "".join(chunks(data, 0))


_ENCODE = _line_encoder()


def read_json(text: str, *, one_line: bool = False) -> object:
    """JSON text read back, or a ValueError whose reason a person can act on.

    A record edited by hand or damaged on disk may hold anything: JSON nested deeper
    than Python recurses, or a number too long to read, is refused like broken JSON.
    ``one_line``: the text is a line the caller names, so an error gives its column.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(json_problem(exc, one_line=one_line)) from None
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply to read") from None
    except ValueError:  # a number of thousands of digits
        raise ValueError("not valid JSON: a number too long to read") from None


@dataclass(frozen=True, slots=True)
class Event:
    """One state change: when, what kind, who and which things, and plain data."""

    seq: int
    t: float
    kind: str
    agency: str | None = None
    unit: str | None = None
    incident: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """One compact JSON line; the key order is fixed so logs compare byte for byte."""
        return _ENCODE(
            {
                "seq": self.seq,
                "t": self.t,
                "kind": self.kind,
                "agency": self.agency,
                "unit": self.unit,
                "incident": self.incident,
                "data": self.data,
            }
        )

    @classmethod
    def from_json(cls, line: str) -> "Event":
        """Read back a line written by ``to_json``.

        Raises:
            ValueError: the line is not an event record, with the reason (a log edited
                or cut short by hand must be refused, not half-read).
        """
        raw = read_json(line, one_line=True)
        if not isinstance(raw, dict):
            raise ValueError("not an event record (expected a JSON object)")
        for name, ok in _RECORD_FIELDS:
            if not ok(raw.get(name)):
                raise ValueError(f"{name}: {raw.get(name)!r} is not a valid {name}")
        return cls(
            seq=raw["seq"],
            t=raw["t"],
            kind=raw["kind"],
            agency=raw.get("agency"),
            unit=raw.get("unit"),
            incident=raw.get("incident"),
            data=raw.get("data") or {},
        )


def _whole(value: object) -> bool:
    return type(value) is int and value > 0


def _time(value: object) -> bool:
    return type(value) in (int, float) and math.isfinite(value) and value >= 0


def _name(value: object) -> bool:
    return value is None or isinstance(value, str)


# Each field of an event record and the check its value must pass.
_RECORD_FIELDS: tuple[tuple[str, Callable[[object], bool]], ...] = (
    ("seq", _whole),
    ("t", _time),
    ("kind", lambda v: isinstance(v, str) and bool(v)),
    ("agency", _name),
    ("unit", _name),
    ("incident", _name),
    ("data", lambda v: v is None or isinstance(v, dict)),
)


class EventLog:
    """Events in order, with a running SHA-256 of their JSON Lines form.

    A sink (an open text file) receives lines as they are flushed, so a run that dies
    keeps everything flushed before.
    """

    def __init__(self, sink: TextIO | None = None):
        self.events: list[Event] = []
        self._sink = sink
        self._hash = hashlib.sha256()
        self._hashed = 0
        self._readers: list[Callable[[list[Event], list[str]], None]] = []
        self._clock, self._stamp = math.nan, math.nan  # the last time stamped, rounded

    @property
    def flushed(self) -> int:
        """How many events have been hashed (and written to the sink) so far."""
        return self._hashed

    def read_lines(self, reader: Callable[[list[Event], list[str]], None]) -> None:
        """Also hand each flush's events and their JSON lines to ``reader``.

        Each event is serialised once, when flushed, for the hash, the sink and every
        reader alike (the exercise database stores the same line).
        """
        self._readers.append(reader)

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self):
        return iter(self.events)

    def emit(
        self,
        t: float,
        kind: str,
        *,
        agency: str | None = None,
        unit: str | None = None,
        incident: str | None = None,
        **data: Any,
    ) -> Event:
        """Append an event stamped with the next sequence number."""
        return self.record(t, kind, {"agency": agency, "unit": unit, "incident": incident, **data})

    def record(self, t: float, kind: str, fields: dict[str, Any]) -> Event:
        """``emit`` with the fields in one dict, which becomes the event's data.

        ``agency``, ``unit`` and ``incident`` are taken out of it (absent is None); the
        rest keeps its order. The kernel logs every event this way: one dict an event.
        """
        # Most events share their instant with the one before. The clock starts as the
        # int 0, logged as 0; the same instant reached by a timeout is 0.0, logged so.
        if t != self._clock or type(t) is not type(self._clock):
            self._clock, self._stamp = t, round(t, 3)
        events = self.events
        event = Event(
            len(events) + 1,
            self._stamp,
            kind,
            fields.pop("agency", None),
            fields.pop("unit", None),
            fields.pop("incident", None),
            fields,
        )
        events.append(event)
        return event

    def flush(self) -> None:
        """Hash (and write to the sink) every event not yet flushed."""
        pending = self.events[self._hashed :]
        if not pending:
            return
        lines = [event.to_json() for event in pending]
        text = "".join(line + "\n" for line in lines)
        self._hash.update(text.encode("utf-8"))
        if self._sink is not None:
            self._sink.write(text)
            self._sink.flush()
        self._hashed = len(self.events)
        for reader in self._readers:
            reader(pending, lines)

    def sha256(self) -> str:
        """SHA-256 of the JSON Lines text of every event so far."""
        self.flush()
        return self._hash.hexdigest()

    def of_kind(self, *kinds: str) -> list[Event]:
        """Events of the given kinds, in order."""
        wanted = set(kinds)
        return [e for e in self.events if e.kind in wanted]


def read_events(lines: Iterable[str]) -> list[Event]:
    """Parse a whole log's JSON Lines back into events (blank lines skipped).

    Raises:
        ValueError: a line is not an event record, or not the next event (a line
            repeated, dropped or renumbered by hand), named by its line number.
    """
    events: list[Event] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = Event.from_json(line)
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
        if event.seq != len(events) + 1:
            raise ValueError(f"line {number}: seq {event.seq}: the log's event {len(events) + 1}")
        events.append(event)
    return events
