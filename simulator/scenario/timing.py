"""Exercise time: scenario files write HH:MM[:SS]; the engine counts seconds."""

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")


def parse_offset(value: object) -> float:
    """Turn ``"HH:MM"``, ``"HH:MM:SS"`` or a number of seconds into seconds.

    Raises:
        ValueError: the text is not a time of that form, or it is negative.

    """
    if isinstance(value, bool):
        raise ValueError("expected HH:MM or seconds, got a boolean")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("time must not be negative")
        return float(value)
    if isinstance(value, str):
        match = _CLOCK.match(value.strip())
        if match:
            hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
            return float(hours * 3600 + minutes * 60 + seconds)
    raise ValueError(f"expected HH:MM, HH:MM:SS or seconds, got {value!r}")


def format_offset(seconds: float) -> str:
    """Render seconds as ``HH:MM:SS`` for reports and messages."""
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


# A scenario time field: written as HH:MM[:SS] or seconds, held as float seconds.
Offset = Annotated[
    float,
    BeforeValidator(parse_offset),
    PlainSerializer(format_offset, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _CLOCK.pattern},
                {"type": "number", "minimum": 0},
            ],
            "description": "Exercise time: HH:MM, HH:MM:SS or seconds from the start",
        }
    ),
]
