"""Analysis: facts held together that give an agency another (a fusion centre's work).

An agency that holds every source fact of a combination rule learns what they give
together, after the analysis time. It watches ``fact.learned``: the moment an agency
allowed to analyse a rule (by id or kind) holds all its facts, the analysis starts;
``minutes`` later it logs ``intelligence.combined`` and the agency learns the fact
with ``via="analysis"`` (through ``Awareness.learn``, so handling rules, CAD entries
and the rest follow as for any fact). Each agency makes each analysis once; one that
already knows the result (its crew found it) has nothing to combine. What the fact is
worth is the truth now, or, for an incident that has not begun, what the scenario says
it will be: an analyst can warn of the hazard in a car before the car is found.
"""

from simulator.engine.awareness import Awareness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.events import Event
from simulator.scenario.check import incidents as scenario_incidents
from simulator.scenario.combination import Combination
from simulator.scenario.facts import fact_key, incident_of


class Analysis:
    """The scenario's combination rules, applied as analysts come to hold the facts."""

    def __init__(
        self, kernel: Kernel, roster: Roster, incidents: Incidents, awareness: Awareness
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        self.awareness = awareness
        self.rules = list(roster.scenario.intelligence.combine)
        self._by_fact: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for key in rule.facts:
                self._by_fact.setdefault(key, []).append(index)
        self._begun: set[tuple[int, str]] = set()  # (rule, agency) analyses under way or done
        self._foreseen = {
            fact_key("hazard", spec.id, h.id): h.kind.value
            for _, _, spec in scenario_incidents(roster.scenario)
            for h in spec.hazards
        }

    @property
    def active(self) -> bool:
        """Whether the scenario has any combination rule (else nothing is watched)."""
        return bool(self.rules)

    def learned(self, event: Event) -> None:
        """A watcher of ``fact.learned``: start each analysis the agency can now make."""
        agency = event.agency or ""
        kind = self.roster.agency(agency).kind.value
        knows = self.awareness.knowledge.knows
        for index in self._by_fact.get(event.data["fact"], ()):
            rule = self.rules[index]
            if (index, agency) in self._begun or not rule.analyses(agency, kind):
                continue
            if knows(agency, rule.gives) or not all(knows(agency, k) for k in rule.facts):
                continue
            self._begun.add((index, agency))
            self.kernel.at(rule.minutes * 60.0, self._combine, rule, agency, self.kernel.now)

    def _combine(self, rule: Combination, agency: str, began: float) -> None:
        if self.awareness.knowledge.knows(agency, rule.gives):
            return  # found out meanwhile: nothing left to combine
        self.kernel.emit(
            "intelligence.combined",
            agency=agency,
            incident=incident_of(rule.gives),
            fact=rule.gives,
            sources=list(rule.facts),
            began=began,
            description=rule.description,
        )
        self.awareness.learn(agency, rule.gives, self.value(rule.gives), "analysis", by=agency)

    def value(self, key: str) -> object:
        """What the fact is worth now; a hazard of an incident yet to begin, what it will be.

        Other topics of an incident yet to begin are worth nothing (None) until it does.
        """
        truth = self.incidents.truth(key)
        return self._foreseen.get(key) if truth is None else truth
