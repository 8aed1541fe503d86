"""Handling levels on facts: who may hold them, and what an over-share sets off.

A fact with a handling rule is caveated where it came from the owner: the owner's
own copy, an inject's, and any copy passed on by message or command post from a
caveated holder (``intelligence.caveat``: what a records system prints on the
document). An agency that finds the same thing out for itself (its own crew, a 911
call) holds an uncaveated copy of its own: police who walk into armed men may warn
EMS of armed men without burning the DEA's undercover. A caveated copy shared by
message to an agency the level does not allow is over-shared
(``intelligence.overshared``, the sharer as ``agency``); the first over-share of a
fact with ``if_leaked`` compromises it after ``after`` seconds
(``intelligence.compromised``) and starts the leak's incident, if any (the target
alerted, a source threatened). Facts relayed by a unified command post are not counted
as over-shared: the owner sits in that command.

Withholding has its consequences through the engine's knowledge rules (a partner not
told of a hazard walks into it) and is scored from the log (``review/intelligence.py``).
A scenario without handling rules logs nothing here.
"""

from simulator.engine.awareness import Awareness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.events import Event
from simulator.scenario.facts import fact_key, incident_of
from simulator.scenario.intelligence import TLP, Handling


class Intelligence:
    """The scenario's handling rules, applied as facts are learnt."""

    def __init__(
        self, kernel: Kernel, roster: Roster, awareness: Awareness, incidents: Incidents
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        self.rules = {rule.fact: rule for rule in self.roster.scenario.intelligence.handling}
        self._caveated: dict[str, set[str]] = {key: set() for key in self.rules}  # holders
        self._leaked: set[str] = set()

    def learned(self, event: Event) -> None:
        """A watcher of ``fact.learned``: see ``on_learned``."""
        data = event.data
        self.on_learned(event.agency or "", data["fact"], data["via"], data["source"])

    def on_learned(self, agency: str, key: str, via: str, by: str | None) -> None:
        """An agency learnt a fact: log its caveat; a message beyond its level over-shares."""
        rule = self.rules.get(key)
        if rule is None:
            return
        holders = self._caveated[key]
        passed_on = via in ("message", "command_post") and by in holders
        if not (agency == rule.owner or via == "inject" or passed_on):
            return  # found out for itself: its own copy carries no caveat
        holders.add(agency)
        allowed = rule.permits(agency, self.roster.agency(agency).kind)
        self.kernel.emit(
            "intelligence.caveat",
            agency=agency,
            incident=incident_of(key),
            fact=key,
            level=rule.level.value,
            tlp=TLP[rule.level],
            owner=rule.owner,
            permitted=allowed,
        )
        if allowed or via != "message" or not passed_on:
            return
        self.kernel.emit(
            "intelligence.overshared",
            agency=by,
            incident=incident_of(key),
            fact=key,
            to=agency,
            level=rule.level.value,
            owner=rule.owner,
        )
        if rule.if_leaked is not None and key not in self._leaked:
            self._leaked.add(key)
            self.kernel.at(rule.if_leaked.after, self._leak, rule)

    def _leak(self, rule: Handling) -> None:
        leak = rule.if_leaked
        spec = leak.incident if leak else None
        self.kernel.emit(
            "intelligence.compromised",
            agency=rule.owner,
            incident=incident_of(rule.fact),
            fact=rule.fact,
            description=leak.description if leak else "",
            leak_incident=spec.id if spec else None,
        )
        if spec is None:
            return
        incident = self.incidents.start(spec)
        key = fact_key("incident", incident.id)
        self.awareness.learn(rule.owner, key, self.incidents.truth(key), "own")
