"""The key of a fact: what it is about, typed instead of parsed back out of a string.

Facts are logged and held under their text key (``incident:I3``, ``hazard:I3/chem``,
``condition:I3/secure``, ``casualties:I3``, ``closure:Bridge 2``); ``FactKey`` builds
that text and reads it back, so no module splits keys apart on its own.
"""

from dataclasses import dataclass

TOPICS = ("incident", "casualties", "hazard", "condition", "closure")


@dataclass(frozen=True, slots=True)
class FactKey:
    """A fact's topic, its subject (an incident id, or a road's name) and its part."""

    topic: str
    subject: str
    part: str = ""

    @classmethod
    def parse(cls, key: str) -> "FactKey":
        """Read a text key back (a road's name is kept whole)."""
        topic, _, subject = key.partition(":")
        if topic == "closure":
            return cls(topic, subject)
        subject, _, part = subject.partition("/")
        return cls(topic, subject, part)

    def __str__(self) -> str:
        return (
            f"{self.topic}:{self.subject}/{self.part}"
            if self.part
            else f"{self.topic}:{self.subject}"
        )

    @property
    def incident(self) -> str | None:
        """The incident the fact is about (None for a road fact)."""
        return None if self.topic == "closure" else self.subject

    def words(self) -> str:
        """The fact as a report names it: "news of incident I3", "the gas hazard at I3"."""
        part = self.part.replace("_", " ")
        named = {
            "incident": f"news of incident {self.subject}",
            "hazard": f"the {part} hazard at {self.subject}",
            "condition": f"{part} at {self.subject}",
            "casualties": f"the casualty count at {self.subject}",
            "closure": f"the {self.subject} closure",
        }
        return named.get(self.topic, str(self))


def fact_key(topic: str, subject: str, part: str | None = None) -> str:
    """The text key of a fact about ``subject`` (and a hazard or condition ``part``)."""
    return str(FactKey(topic, subject, part or ""))


def incident_of(key: str) -> str | None:
    """The incident a fact's text key is about, or None for a road fact."""
    return FactKey.parse(key).incident
