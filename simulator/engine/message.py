"""A message and the route it takes: what is said, to whom, and by which path.

The spoken length of a message sets its airtime; the path it takes has a SAFECOM
interoperability level, logged so review can see how agencies actually talked.
"""

from dataclasses import dataclass, field
from typing import Any

# SAFECOM interoperability continuum level of each path (phone, data, own: not radio
# interoperability, so no level).
LEVEL: dict[str, int | None] = {
    "own": None,
    "data": None,
    "phone": None,
    "bridge": None,
    "command_post": 1,
    "talkaround": 2,
    "talkgroup": 3,
    "patch": 4,
    "shared": 6,
}

# Spoken length of each kind of message, in words, before its facts.
WORDS = {
    "sitrep": 30,
    "share": 12,
    "resource_request": 20,
    "mutual_aid_request": 25,
    "assignment": 15,
    "ack": 4,
}
WORDS_PER_FACT = 8


@dataclass(eq=False)
class Message:
    """One message, from an agency (or one of its units) to an agency or a channel."""

    id: str
    type: str
    sender: str
    to: str | None
    unit: str | None = None
    incident: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    channel: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def words(self) -> int:
        """Spoken length; sets the airtime on a voice channel."""
        base = WORDS.get(self.type, 10) + len(self.text.split())
        return base + WORDS_PER_FACT * len(self.facts)


@dataclass(frozen=True)
class Route:
    """How a message will travel."""

    channel: str
    path: str

    @property
    def level(self) -> int | None:
        """SAFECOM continuum level, or None when not a radio interoperability path."""
        return LEVEL[self.path]
