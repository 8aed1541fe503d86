"""Each agency's computer-aided dispatch (CAD): the incidents it knows of."""

from dataclasses import dataclass, field

from simulator.scenario.vocabulary import Capability


@dataclass(eq=False)
class CadEntry:
    """An incident as one agency's dispatch centre holds it."""

    incident: str
    opened: float
    via: str
    aid: dict[Capability, int] = field(default_factory=dict)
    asked_by: set[str] = field(default_factory=set)  # agencies whose aid request it answers
    closed: bool = False


@dataclass(eq=False)
class Cad:
    """One agency's CAD; the automated player acts on this and nothing else."""

    agency: str
    entries: dict[str, CadEntry] = field(default_factory=dict)

    def knows(self, incident: str) -> bool:
        """Whether this agency's CAD holds the incident."""
        return incident in self.entries

    def open_entries(self) -> list[CadEntry]:
        """Incidents still open, oldest first."""
        return [e for e in self.entries.values() if not e.closed]
