"""Handling levels on facts, read from the log (a pure function).

Measured against the Traffic Light Protocol (FIRST TLP 2.0) and law-enforcement
practice: each fact with a handling rule reaches the partners that need it within its
``needed_within`` (withholding leaves them exposed), and never an agency its level does
not allow (an over-share can burn a source or alert a target). The duties
(``roles.py``, group ``handle``):

- the owner: each partner needing the fact knows it within ``needed_within`` of the
  owner learning it (a partner that knew first is a duty done at once); the duty's
  value is how late beyond that, so its target is 0 s;
- the sharer: each over-share is a duty missed.

Where the scenario has combination rules (a fusion centre's analysis), the report also
lists each fact an analyst combined: who, from what, when, and who got it after.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from simulator.events import Event
from simulator.payloads import IntelligenceCombined, IntelligenceOvershared, payload
from simulator.review.stats import Sample, cite
from simulator.scenario.intelligence import TLP, Handling
from simulator.scenario.model import Scenario

STANDARD = "handling levels (FIRST TLP 2.0; law-enforcement sensitive; need to know)"


@dataclass
class IntelligenceLog:
    """When each agency first learnt each handled fact, and every over-share and leak."""

    rules: dict[str, Handling]
    gives: frozenset[str] = frozenset()  # facts combination rules give
    learned: dict[str, dict[str, Event]] = field(default_factory=dict)  # fact -> agency -> event
    overshared: list[Event] = field(default_factory=list)
    compromised: list[Event] = field(default_factory=list)
    combined: list[Event] = field(default_factory=list)
    end: float = 0.0

    def apply(self, e: Event) -> None:
        """Take one event into account (any kind; the others are ignored)."""
        self.end = max(self.end, e.t)
        if e.kind == "fact.learned":
            fact = payload(e).fact
            if fact in self.rules or fact in self.gives:
                self.learned.setdefault(fact, {}).setdefault(str(e.agency), e)
        elif e.kind == "intelligence.combined":
            self.combined.append(e)
        elif e.kind == "intelligence.overshared":
            self.overshared.append(e)
        elif e.kind == "intelligence.compromised":
            self.compromised.append(e)

    def withheld(self, agency: str) -> list[Sample]:
        """The owner's duty: each partner needing a fact it holds, told in time."""
        out = []
        for fact, rule in self.rules.items():
            learned = self.learned.get(fact, {})
            first = learned.get(agency)
            if rule.owner != agency or first is None:
                continue
            for partner in rule.needed_by:
                out.append(self._told(rule, first, learned.get(partner), partner))
        return out

    def _told(self, rule: Handling, first: Event, got: Event | None, partner: str) -> Sample:
        """How late (beyond ``needed_within``) a partner knew the owner's fact."""
        note = f"{rule.fact} to {partner}"
        agency = str(first.agency)
        if got is None:
            value = round(max(0.0, self.end - first.t - rule.needed_within), 3)
            missed = f"{note}: never told"
            return Sample(value, first.incident, agency, None, (cite(first),), missed, True)
        value = round(max(0.0, got.t - first.t - rule.needed_within), 3)
        return Sample(value, first.incident, agency, None, (cite(first), cite(got)), note)

    def overshares(self, agency: str) -> list[Sample]:
        """The sharer's misses: each fact it shared beyond its handling level."""
        return [
            Sample(
                0.0,
                e.incident,
                agency,
                None,
                (cite(e),),
                _overshare_text(payload(e)),
                True,
            )
            for e in self.overshared
            if e.agency == agency
        ]

    def fusion(self) -> list[dict]:
        """Each combination made: who combined what, when, and who got it after."""
        out = []
        for e in self.combined:
            combined: IntelligenceCombined = payload(e)
            after = self.learned.get(combined.fact, {})
            got = sorted(
                (g for a, g in after.items() if a != e.agency and g.seq > e.seq),
                key=lambda g: g.seq,
            )
            out.append(
                {
                    "t": e.t,
                    "by": e.agency,
                    "fact": combined.fact,
                    "sources": list(combined.sources),
                    "began": combined.began,
                    "description": combined.description,
                    "got": [{"agency": g.agency, "t": g.t, "from": payload(g).source} for g in got],
                }
            )
        return out


def read(scenario: Scenario, events: Iterable[Event]) -> IntelligenceLog:
    """The intelligence log of a run."""
    intelligence = scenario.intelligence
    log = IntelligenceLog(
        {r.fact: r for r in intelligence.handling},
        frozenset(r.gives for r in intelligence.combine),
    )
    for e in events:
        log.apply(e)
    return log


def summary(scenario: Scenario, events: Iterable[Event]) -> dict | None:
    """The report's intelligence section as plain data, or None without its rules."""
    if not scenario.intelligence.handling and not scenario.intelligence.combine:
        return None
    log = read(scenario, events)
    owners = sorted({r.owner for r in log.rules.values()})
    duties = [s for owner in owners for s in log.withheld(owner)]
    in_time = [s for s in duties if not s.censored and s.value == 0]
    return {
        "standard": STANDARD,
        "facts": [
            {
                "fact": rule.fact,
                "level": rule.level.value,
                "tlp": TLP[rule.level],
                "owner": rule.owner,
                "recipients": list(rule.recipients),
                "needed_by": list(rule.needed_by),
                "holders": sorted(log.learned.get(rule.fact, {})),
            }
            for rule in log.rules.values()
        ],
        "measures": [
            {
                "measure": "needed facts reaching partners in time",
                "text": f"{len(in_time)} of {len(duties)}" if duties else "none arose",
                "met": None if not duties else len(in_time) == len(duties),
            },
            {
                "measure": "facts shared beyond their handling level",
                "text": str(len(log.overshared)),
                "met": not log.overshared,
            },
            {
                "measure": "sources burnt or targets alerted",
                "text": str(len(log.compromised)),
                "met": not log.compromised,
            },
        ],
        "overshared": [
            {"t": e.t, "by": e.agency, "fact": payload(e).fact, "to": payload(e).to}
            for e in log.overshared
        ],
        "combined": log.fusion(),
    }


def _overshare_text(shared: IntelligenceOvershared) -> str:
    return f"{shared.fact} ({shared.level}) shared with {shared.to}"
