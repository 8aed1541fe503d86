"""What each agency knows: which facts, since when, and how it learnt them.

An agency learns from its own calls, its units on scene, messages and injects, and
from nothing else. Facts are keyed ``topic:subject`` (``incident:I3``,
``hazard:I3/chem``, ``condition:I3/secure``, ``casualties:I3``, ``closure:Bridge 2``).
"""

from dataclasses import dataclass
from typing import Any

from simulator.scenario.facts import incident_of


@dataclass(frozen=True)
class Known:
    """One fact as an agency holds it."""

    t: float
    value: Any
    via: str
    message: str | None = None


class Knowledge:
    """Every agency's facts; ``Awareness.learn`` is the only writer."""

    def __init__(self, agencies: list[str]):
        self.facts: dict[str, dict[str, Known]] = {a: {} for a in agencies}
        # Per agency, per incident, the keys it holds about it: ``about`` is asked on
        # every notification and share, and scanning all an agency's facts grew with
        # the square of the incidents.
        self._keys: dict[str, dict[str | None, set[str]]] = {a: {} for a in agencies}

    def knows(self, agency: str, key: str) -> bool:
        """Whether an agency holds a fact (with any value)."""
        return key in self.facts[agency]

    def value(self, agency: str, key: str) -> Any:
        """The value an agency holds for a fact, or None."""
        known = self.facts[agency].get(key)
        return None if known is None else known.value

    def record(self, agency: str, key: str, known: Known) -> bool:
        """Store a fact; False when the agency already held that value."""
        held = self.facts[agency].get(key)
        if held is not None and held.value == known.value:
            return False
        facts = self.facts[agency]
        if key not in facts:
            self._keys[agency].setdefault(incident_of(key), set()).add(key)
        facts[key] = known
        return True

    def about(self, agency: str, incident: str) -> dict[str, Any]:
        """The facts an agency holds about one incident, by key in sorted order."""
        facts = self.facts[agency]
        return {key: facts[key].value for key in sorted(self._keys[agency].get(incident, ()))}

    def gap(self, incident: str, agencies: list[str]) -> dict[str, list[str]]:
        """Per agency, the incident facts some other agency holds and it does not.

        This is the common-operating-picture difference the issue asks to measure.
        """
        held = {a: set(self.about(a, incident)) for a in agencies}
        union = set().union(*held.values()) if held else set()
        return {a: sorted(union - held[a]) for a in sorted(agencies)}
