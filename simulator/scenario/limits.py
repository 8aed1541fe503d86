"""The bounds every input is held to, and how a bad value is shown in a message.

A mistyped or hostile file must end in a clear message, never a traceback, a hang or
a message too long to read. Each limit is far above anything a real exercise needs
(docs/reliability.md lists them with their reasons); this module imports nothing
heavy, so the command line can use it before pydantic loads.
"""

import json
import reprlib

# Files: bounds on what a reader must hold in memory and walk.
# A scenario: the bundled ones are under 30 KB; 2 MB holds a hand-drawn graph of some
# 16,000 intersections, and the slowest 2 MB of YAML is checked in under 10 s.
MAX_FILE_BYTES = 2 * 1024 * 1024
# A command file: JSON Lines read quickly; a run's own record must always replay.
MAX_COMMAND_FILE_BYTES = 50 * 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024  # a run's run.json holds a few settings
MAX_LOG_BYTES = 4 * 1024**3  # a week of a metro-sized day is about 2 GB of events
MAX_DEPTH = 100  # lists and mappings inside each other; the bundled files use 8
MAX_ALIAS_VALUES = 100_000  # values YAML aliases add when expanded
MAX_DIGITS = 100  # digits in one integer written in a file

# Numbers: every value finite, and within what a real exercise could use.
MAX_COORD_M = 1e7  # 10,000 km from the map's origin, either way
MAX_SECONDS = 30 * 24 * 3600.0  # the longest exercise time or delay: 30 days
MAX_MINUTES = MAX_SECONDS / 60
MIN_KMH, MAX_KMH = 1.0, 200.0  # road speed: 5e-324 km/h divided by zero
MAX_SEED = 2**63 - 1  # what SQLite and numpy hold in one integer

# Messages: a value is shown, never dumped.
SHOWN_CHARS = 80
MAX_MESSAGE_CHARS = 500
MAX_TEXT_CHARS = 20_000  # any text in a scenario: a briefing is a few pages at most
MAX_PROBLEMS = 100  # problems listed for one file; the count of the rest follows

_REPR = reprlib.Repr()
_REPR.maxstring = SHOWN_CHARS
_REPR.maxother = SHOWN_CHARS
_REPR.maxlevel = 2


def shown(value: object) -> str:
    """A value's repr for a message, at most ``SHOWN_CHARS`` long.

    ``reprlib`` stops early, so even a value built from a million aliases costs no
    more to show than a short one (a full ``repr`` made a 722 MB message line).
    """
    try:
        text = _REPR.repr(value)
    except ValueError:  # an integer past Python's 4,300-digit limit on repr
        text = f"<{type(value).__name__} too long to show>"
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 1] + "…"
    return text


def clipped(message: str) -> str:
    """A message on one line, cut to ``MAX_MESSAGE_CHARS``: one line per problem."""
    line = " ".join(message[:MAX_MESSAGE_CHARS].splitlines())
    if len(message) > MAX_MESSAGE_CHARS:
        line = line[:-1] + "…"
    return line


def json_problem(exc: json.JSONDecodeError, *, one_line: bool = False) -> str:
    """``not valid JSON: REASON at line L, column C``, json's whole reason and its place.

    ``exc.msg`` alone stops mid-sentence ("Unterminated string starting at", the place
    left off) and a line number alone does not find an error in one long line. With
    ``one_line`` the text is a line the caller already names (a JSON Lines record), so
    only the column is given.
    """
    reason = exc.msg.removesuffix(" at")
    where = f"column {exc.colno}" if one_line else f"line {exc.lineno}, column {exc.colno}"
    return f"not valid JSON: {reason} at {where}"
