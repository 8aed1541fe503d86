"""Exercise time: scenario files write HH:MM[:SS]; the engine counts seconds."""

import math
import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from simulator.scenario.limits import MAX_SECONDS, shown

# The digits 0-9 only: ``\d`` also matches other scripts' digits (full-width ones).
_CLOCK = re.compile(r"^([0-9]{1,3}):([0-5][0-9])(?::([0-5][0-9]))?$")
# A clock time with more hours than ``_CLOCK`` takes: over the limit, not misshapen.
_LONG_CLOCK = re.compile(r"^0*[1-9][0-9]{3,}:[0-5][0-9](?::[0-5][0-9])?$")


def parse_offset(value: object) -> float:
    """Turn ``"HH:MM"``, ``"HH:MM:SS"`` or a number of seconds into seconds.

    A time is finite and at most 30 days (``MAX_SECONDS``): NaN released an inject at
    T+0 and an infinite or 1e300 s exercise never ended, so neither reaches the engine.

    Raises:
        ValueError: the text is not a time of that form, or it is negative, not finite
            or longer than 30 days.

    """
    if isinstance(value, bool):
        raise ValueError("expected HH:MM or seconds, got a boolean")
    if isinstance(value, int | float):
        return _checked(value)
    if isinstance(value, str):
        match = _CLOCK.match(value.strip())
        if match:
            hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
            return _checked(hours * 3600 + minutes * 60 + seconds)
        if _LONG_CLOCK.match(value.strip()):
            # "9999:00" is a time, too long: "expected HH:MM" sent the author to its form.
            raise ValueError(_TOO_LONG)
        # Text is a clock time only: "90" could mean minutes as well as seconds.
        digits = "" if value.isascii() else " in the digits 0-9"
        raise ValueError(f"expected HH:MM or HH:MM:SS{digits}, got {shown(value)}")
    raise ValueError(f"expected HH:MM, HH:MM:SS or seconds, got {shown(value)}")


def _checked(seconds: int | float) -> float:
    """Seconds as a float, if finite and from zero to ``MAX_SECONDS``."""
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise ValueError("time must be a finite number of seconds, not NaN or infinity")
    if seconds < 0:
        raise ValueError("time must not be negative")
    if seconds > MAX_SECONDS:
        raise ValueError(_TOO_LONG)
    return float(seconds)


def format_offset(seconds: float) -> str:
    """Render seconds as ``HH:MM:SS`` for reports and messages."""
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


_TOO_LONG = f"time must be at most {format_offset(MAX_SECONDS)} ({MAX_SECONDS:.0f} s, 30 days)"


# A scenario time field: written as HH:MM[:SS] or seconds, held as float seconds.
Offset = Annotated[
    float,
    BeforeValidator(parse_offset),
    PlainSerializer(format_offset, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _CLOCK.pattern},
                {"type": "number", "minimum": 0, "maximum": MAX_SECONDS},
            ],
            "description": "Exercise time: HH:MM, HH:MM:SS or seconds from the start",
        }
    ),
]
