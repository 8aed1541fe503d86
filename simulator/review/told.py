"""Who knew a critical fact first, and who was told it: one reading for every measure.

Two measures ask whether a fact reached the agencies needing it: the fact-sharing
latency (``coordination.py``) and each role's share duty (``roles.py``). Both read the
log here, so they agree on two questions.

**Which learnings are being told.** NIMS information management aims at a common
operating picture held before responders need it, and the HSEEP EEG rates a target
met only with added safety risk no better than M. A hazard an agency's crews walk
into reaches that agency by ``unit.harmed``, and their sitrep after it
(``fact.learned`` via ``unit``) is the harm reported, not the warning that should
have prevented it: it does not count as the fact reaching that agency, nor takes away
the duty of an agency that knew. That holds only where another agency knew it before:
a hazard nobody knew of is discovered by the crew it hurts, who could have been warned
by no one, and their report counts as told (their agency then owes it to the others).
A crew's own size-up that finds a hazard before it hurts anyone (a hazmat unit
recognising the chemical) is discovery, and counts as told. A tell by another agency,
even after the harm, is a tell, timed as any other: the harm itself is the safety
measure's (``unsafe_entries``, each role's safety).

**Who knew first.** Every agency that knew the fact at the earliest instant, on its
own (a call, an inject, its crews: not from another agency at that same instant), is
a first knower: an inject to police and the DEA at once makes both owe the share,
whichever the log lists first.
"""

from collections import defaultdict

from simulator.events import Event
from simulator.payloads import payload
from simulator.scenario.facts import FactKey

# The events ``Learnings.apply`` reads.
READS = ("fact.learned", "unit.harmed")


class Learnings:
    """Every agency's first learning of each fact, and its first that counts as told."""

    def __init__(self) -> None:
        self.first: dict[str, dict[str, Event]] = defaultdict(dict)
        self.told: dict[str, dict[str, Event]] = defaultdict(dict)
        # (incident, agency) -> each kind of hazard that harmed its responders there, and
        # when it first did
        self._harmed: dict[tuple[str | None, str | None], dict[str, float]] = defaultdict(dict)

    def apply(self, e: Event) -> None:
        """Read one event (in log order: a harm counts against the learnings after it)."""
        if e.kind == "unit.harmed":
            self._harmed[(e.incident, e.agency)].setdefault(payload(e).hazard, e.t)
        elif e.kind == "fact.learned":
            fact = payload(e).fact
            if not (self.by_harm(e) and self._known_elsewhere(fact, e)):
                self.told[fact].setdefault(e.agency, e)
            self.first[fact].setdefault(e.agency, e)

    def by_harm(self, e: Event) -> bool:
        """Whether a ``fact.learned`` is its crews reporting a hazard that already hurt them.

        A crew's report of a hazard carries the hazard's kind, as ``unit.harmed`` does.
        """
        learned = payload(e)
        return (
            learned.via == "unit"
            and FactKey.parse(learned.fact).topic == "hazard"
            and learned.value in self._harmed.get((e.incident, e.agency), ())
        )

    def _known_elsewhere(self, fact: str, e: Event) -> bool:
        """Whether another agency knew ``fact`` before it harmed ``e``'s crews.

        Only then could someone have warned them: one who learned it between the harm
        and the crew's report (a sitrep takes its time on the radio) could not.
        """
        harmed = self._harmed[(e.incident, e.agency)][payload(e).value]
        return any(a != e.agency and x.t < harmed for a, x in self.first.get(fact, {}).items())

    def harmed_into(self, fact: str) -> dict[str, Event]:
        """The agencies that learned a fact only by its harm: their first learning."""
        first, told = self.first.get(fact, {}), self.told.get(fact, {})
        return {a: e for a, e in first.items() if a not in told}

    def first_knowers(self, fact: str) -> list[Event]:
        """The learnings of every agency that knew the fact first, at the same instant.

        A learning at that instant from another agency (a command post pools facts at
        once) is being told, not knowing first. In agency order, not log order.
        """
        first = self.first.get(fact, {})
        if not first:
            return []
        earliest = min(e.t for e in first.values())
        return sorted(
            (e for a, e in first.items() if e.t == earliest and payload(e).source in (None, a)),
            key=lambda e: str(e.agency),
        )
