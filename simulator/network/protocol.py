"""The wire protocol: versioned JSON text messages, checked before anything acts on them.

Every message is one JSON object with a ``type``. A client's first message is ``hello``
with the protocol version and its token; after the server's ``welcome`` it may send
``command``, ``check``, ``control`` (the controller only) and ``ping``. Requests carry
an ``id`` the answer repeats. Anything else, or anything too big, gets an ``error``
and is otherwise ignored: a bad message never reaches the exercise. See docs/network.md.
"""

import json
import math
from typing import Any

from simulator.events import Event
from simulator.players.profile import PROFILES
from simulator.scenario.limits import json_problem

VERSION = 1
# A command is well under 2 KB; 64 KB leaves room and refuses a flood in one frame.
MAX_CLIENT_MESSAGE = 64 * 1024
MAX_ID = 2**53
CLIENT_TYPES = frozenset({"hello", "command", "check", "control", "ping"})
CONTROL_ACTIONS = frozenset({"pause", "resume", "speed", "end", "on_drop"})
ON_DROP = ("continue", "pause")
# The one field each control action may carry, besides its type, id and action.
_CONTROL_FIELD = {"speed": "speed", "on_drop": "on_drop", "end": "reason"}


class ProtocolError(Exception):
    """A message the server refuses: ``code`` for programs, the text for people."""

    def __init__(self, code: str, message: str, request: int | None = None):
        super().__init__(message)
        self.code = code
        self.request = request


def encode(message: dict[str, Any]) -> str:
    """One message as compact JSON text."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def error(code: str, message: str, request: int | None = None) -> dict[str, Any]:
    """An ``error`` message (``id`` set when it answers a request)."""
    out: dict[str, Any] = {"type": "error", "code": code, "message": message}
    if request is not None:
        out["id"] = request
    return out


def decode(raw: str | bytes) -> dict[str, Any]:
    """A client's message, checked for shape (not for meaning: the exercise judges that).

    Raises:
        ProtocolError: binary, too big, not JSON, not an object, an unknown type, or a
            field of the wrong type.
    """
    if isinstance(raw, bytes):
        raise ProtocolError("binary", "messages are JSON text, not binary frames")
    if len(raw) > MAX_CLIENT_MESSAGE:
        size = f"{len(raw)} characters (at most {MAX_CLIENT_MESSAGE})"
        raise ProtocolError("too_big", f"message of {size}")
    try:
        message = json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ProtocolError("bad_json", json_problem(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("bad_json", f"not valid JSON: {str(exc)[:120]}") from None
    if not isinstance(message, dict):
        raise ProtocolError("bad_message", "expected a JSON object")
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_TYPES:
        known = ", ".join(sorted(CLIENT_TYPES))
        raise ProtocolError("bad_type", f"type: expected one of {known}, got {str(kind)[:40]!r}")
    request = message.get("id")
    if request is not None and (type(request) is not int or not 0 <= request <= MAX_ID):
        raise ProtocolError("bad_message", "id: expected a whole number")
    _check_fields(kind, message, request)
    return message


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _check_fields(kind: str, message: dict[str, Any], request: int | None) -> None:
    if kind == "hello":
        if type(message.get("version")) is not int:
            raise ProtocolError("bad_message", "version: expected a whole number")
        if not isinstance(message.get("token"), str):
            raise ProtocolError("bad_message", "token: expected text")
        if message.get("controller") not in (None, True, False):
            raise ProtocolError("bad_message", "controller: expected true or false")
        bot = message.get("bot")
        if bot is not None and bot not in PROFILES:
            known = ", ".join(PROFILES)
            raise ProtocolError("bad_message", f"bot: expected a player profile ({known})")
    elif kind in ("command", "check"):
        if request is None:
            raise ProtocolError("bad_message", "id: required with a command")
        if not isinstance(message.get("command"), dict):
            raise ProtocolError("bad_message", "command: expected an object", request)
    elif kind == "control":
        _check_control(message, request)


def _check_control(message: dict[str, Any], request: int | None) -> None:
    action = message.get("action")
    if not isinstance(action, str) or action not in CONTROL_ACTIONS:
        known = ", ".join(sorted(CONTROL_ACTIONS))
        raise ProtocolError("bad_message", f"action: expected one of {known}", request)
    # What the controller's record keeps of it: nothing else may ride along.
    allowed = {"type", "id", "action", _CONTROL_FIELD.get(action)}
    unknown = sorted(set(message) - allowed)
    if unknown:
        raise ProtocolError("bad_message", f"{unknown[0]}: unknown field for {action}", request)
    if action == "speed":
        speed = message.get("speed")
        ok = isinstance(speed, int | float) and not isinstance(speed, bool)
        if not ok or not math.isfinite(speed) or not 0 < speed <= 600:
            raise ProtocolError(
                "bad_message", "speed: expected a number more than 0 and at most 600", request
            )
    if action == "on_drop" and message.get("on_drop") not in ON_DROP:
        known = ", ".join(ON_DROP)
        raise ProtocolError("bad_message", f"on_drop: expected one of {known}", request)
    if action == "end" and not isinstance(message.get("reason", ""), str):
        raise ProtocolError("bad_message", "reason: expected text", request)


def event_json(event: Event) -> dict[str, Any]:
    """An event as the plain record the log holds (``Event.to_json``'s fields)."""
    return {
        "seq": event.seq,
        "t": event.t,
        "kind": event.kind,
        "agency": event.agency,
        "unit": event.unit,
        "incident": event.incident,
        "data": event.data,
    }


def event_from(raw: dict[str, Any]) -> Event:
    """An event back from its record."""
    return Event(
        raw["seq"],
        raw["t"],
        raw["kind"],
        raw.get("agency"),
        raw.get("unit"),
        raw.get("incident"),
        raw.get("data") or {},
    )
