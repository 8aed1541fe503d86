"""The fusion centre's desk, and the reports that feed it, for automated players.

Doctrine (US DOJ/DHS Fusion Center Guidelines; the Nationwide SAR Initiative):
agencies report what they find that an analyst could link to the fusion centre; the
centre receives, combines (``intelligence.combine`` rules, applied by the engine's
``analysis.py``) and disseminates to the agencies that need the result, within each
fact's handling level: never to an agency the level does not allow, need-to-know
only to the owner's cleared recipients. How each profile plays it:

- ``idle`` and ``poor``: never report, never disseminate (no desk at all);
- ``sop``: reports a combinable fact its own people found, and passes on what the
  centre combined or received for partners, ``DELAY_S["sop"]`` after learning it;
- ``expert``: both at once.

Each desk acts only on its own agency's events, through its own viewpoint and its
orders (``Share``), like a trainee. A share that is lost is sent again by the agency's
dispatcher (``SopPlayer`` tracks every share its agency sends).
"""

from simulator.commands import Share
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.payloads import FactLearned, payload
from simulator.scenario.facts import FactKey
from simulator.scenario.model import Scenario
from simulator.viewpoint import Viewpoint

# Seconds from learning a fact to sending it on, by profile (the others never do).
DELAY_S = {"sop": 180.0, "expert": 0.0}
# How a fact reached an agency when someone else found it (not the agency's own find).
RECEIVED = frozenset({"message", "command_post", "analysis"})


def permitted(scenario: Scenario, fact: str, agency: str) -> bool:
    """Whether the fact's handling level lets the agency hold it (no rule: anyone may)."""
    rule = scenario.intelligence.rule(fact)
    return rule is None or rule.permits(agency, scenario.agency(agency).kind)


class Outbox:
    """Facts to share, each to one agency, once, when due."""

    def __init__(self, desk: Viewpoint, delay: float) -> None:
        self.desk = desk
        self.delay = delay
        self._due: list[tuple[float, str, str]] = []  # (time, to, fact)
        self._posted: set[tuple[str, str]] = set()

    def post(self, to: str, fact: str) -> None:
        """Share a fact with an agency after the delay, unless posted to it before."""
        if to == self.desk.agency or (to, fact) in self._posted:
            return
        self._posted.add((to, fact))
        self._due.append((self.desk.now + self.delay, to, fact))

    def send_due(self) -> None:
        """Send what is due: one share per agency, its facts in sorted order."""
        now = self.desk.now
        due = sorted((to, fact) for t, to, fact in self._due if t <= now)
        if not due:
            return
        self._due = [item for item in self._due if item[0] > now]
        for to in sorted({to for to, _ in due}):
            facts = [fact for other, fact in due if other == to]
            self.desk.submit(Share(agency=self.desk.agency, to=to, facts=facts))


class Reporter:
    """Reports each fact its agency found that an analyst elsewhere could combine."""

    def __init__(self, exercise: Exercise, agency: str, delay: float) -> None:
        self.agency = agency
        self.desk = Viewpoint(exercise, agency, f"player:{agency}")
        self.outbox = Outbox(self.desk, delay)
        self.analysts = analysts_of_facts(exercise.scenario, exclude=agency)
        self.desk.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """Post each combinable fact our people found to the analysts; send what is due."""
        for event in events:
            if event.kind != "fact.learned" or event.agency != self.agency:
                continue
            learnt = payload(event)
            fact = learnt.fact
            if learnt.via in RECEIVED or fact not in self.analysts:
                continue
            for analyst in self.analysts[fact]:
                if permitted(self.desk.scenario, fact, analyst):
                    self.outbox.post(analyst, fact)
        self.outbox.send_due()


class FusionDesk:
    """The fusion centre: passes on what it combines, and what it receives for partners.

    A combined fact goes to the partners its handling rule says need it, the agencies
    that reported its sources and those working its incident (as our CAD shows it); a
    received fact with a handling rule, to the partners that rule says need it. Each
    only where its level allows.
    """

    def __init__(self, exercise: Exercise, agency: str, delay: float) -> None:
        self.agency = agency
        self.desk = Viewpoint(exercise, agency, f"player:{agency}")
        self.outbox = Outbox(self.desk, delay)
        self._reporters: dict[str, set[str]] = {}  # fact -> agencies that sent it to us
        self._sources: dict[str, list[str]] = {}  # combined fact -> its source facts
        self.desk.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """Take in reports and analyses of our agency; send what is due."""
        for event in events:
            if event.agency != self.agency:
                continue
            if event.kind == "intelligence.combined":
                combined = payload(event)
                self._sources[combined.fact] = list(combined.sources)
            elif event.kind == "fact.learned":
                self._learned(payload(event))
        self.outbox.send_due()

    def _learned(self, learnt: FactLearned) -> None:
        fact, via = learnt.fact, learnt.via
        if via == "message" and learnt.source:
            self._reporters.setdefault(fact, set()).add(learnt.source)
        if via not in ("message", "analysis"):
            return
        for to in self.needing(fact, via == "analysis"):
            if to != learnt.source and permitted(self.desk.scenario, fact, to):
                self.outbox.post(to, fact)

    def needing(self, fact: str, combined: bool) -> list[str]:
        """The agencies that need a fact we received, or combined (see the class)."""
        rule = self.desk.scenario.intelligence.rule(fact)
        out = set(rule.needed_by if rule else ())
        if combined:
            for source in self._sources.get(fact, ()):
                out |= self._reporters.get(source, set())
            about = FactKey.parse(fact).incident
            view = None if about is None else self.desk.cad_incident(about)
            out |= {n.responsible for n in view.needs} if view else set()
        return sorted(out - {self.agency, ""})


def analysts_of_facts(scenario: Scenario, exclude: str = "") -> dict[str, list[str]]:
    """Per source fact of a combination rule, the agencies that can analyse it."""
    out: dict[str, set[str]] = {}
    for rule in scenario.intelligence.combine:
        able = {a.id for a in scenario.agencies if rule.analyses(a.id, a.kind.value)}
        for fact in rule.facts:
            out.setdefault(fact, set()).update(able - {exclude})
    return {fact: sorted(agencies) for fact, agencies in out.items() if agencies}


def attach_fusion(exercise: Exercise, profiles: dict[str, str]) -> list[Reporter | FusionDesk]:
    """Desks for the automated agencies whose profile reports, in id order.

    Each gets a reporter, and each that can analyse a fusion desk too; a scenario
    without combination rules gets none (its log is untouched).
    """
    scenario = exercise.scenario
    if not scenario.intelligence.combine:
        return []
    analysts = {a for agencies in analysts_of_facts(scenario).values() for a in agencies}
    out: list[Reporter | FusionDesk] = []
    for agency, style in sorted(profiles.items()):
        delay = DELAY_S.get(style)
        if delay is None:
            continue
        out.append(Reporter(exercise, agency, delay))
        if agency in analysts:
            out.append(FusionDesk(exercise, agency, delay))
    return out
