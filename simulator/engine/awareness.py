"""How agencies come to know things: facts learnt, CAD entries opened and closed.

Each agency's knowledge and CAD are this subsystem's; ``learn`` is the only writer of
knowledge. It logs ``fact.learned``; what a fact sets
off (a CAD entry for an incident here; staged crews released, facts pooled at a
command post, handling caveats elsewhere) is for the watchers of that event.
"""

from simulator.engine.cad import Cad, CadEntry
from simulator.engine.incident import Incident, Readiness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.knowledge import Knowledge, Known
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.events import Event
from simulator.scenario.facts import FactKey, fact_key, incident_of
from simulator.scenario.vocabulary import Capability

# How a fact arrived -> how its incident's CAD entry says it was opened.
_CAD_VIA = {"message": "notification", "command_post": "notification"}


class Awareness:
    """Each agency's knowledge and CAD, as it learns."""

    def __init__(self, kernel: Kernel, roster: Roster, incidents: Incidents) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        agencies = roster.agency_ids()
        self.cads = {a: Cad(a) for a in agencies}
        self.knowledge = Knowledge(agencies)

    def learn(
        self,
        agency: str,
        key: str,
        value: object,
        via: str,
        unit: str | None = None,
        message: str | None = None,
        by: str | None = None,
    ) -> bool:
        """An agency learns a fact; its consequences follow. False if it knew already."""
        known = Known(self.kernel.now, value, via, message)
        if not self.knowledge.record(agency, key, known):
            return False
        self.kernel.emit(
            "fact.learned",
            agency=agency,
            unit=unit,
            incident=incident_of(key),
            fact=key,
            value=value,
            via=via,
            message=message,
            source=by,
        )
        return True

    def learn_from_call(self, agency: str, incident: Incident) -> None:
        """A processed 911 call: the incident, its casualties and any reported hazard."""
        truth = self.incidents.truth(fact_key("incident", incident.id))
        self.learn(agency, fact_key("incident", incident.id), truth, "call")
        if incident.patients:
            self.learn(agency, fact_key("casualties", incident.id), len(incident.patients), "call")
        for hazard in incident.spec.hazards:
            if hazard.reported:
                self.learn(
                    agency, fact_key("hazard", incident.id, hazard.id), hazard.kind.value, "call"
                )

    def learned(self, event: Event) -> None:
        """An agency that learns of an incident opens it in its CAD (``fact.learned``)."""
        if FactKey.parse(event.data["fact"]).topic != "incident":
            return
        incident = self.incidents.get(event.incident or "")
        if incident is not None:
            via = event.data["via"]
            self.open_cad(event.agency, incident, _CAD_VIA.get(via, via), event.data["source"])

    def open_cad(self, agency: str, incident: Incident, via: str, by: str | None = None) -> None:
        """An agency's dispatch centre learns of an incident."""
        cad = self.cads[agency]
        if cad.knows(incident.id):
            return
        cad.entries[incident.id] = CadEntry(
            incident.id, self.kernel.now, via, closed=incident.resolved
        )
        self.kernel.emit(
            "cad.opened",
            agency=agency,
            incident=incident.id,
            via=via,
            source=by,
            type=incident.spec.incident_type.value,
            priority=incident.spec.priority,
            node=self.roster.node_id(incident.node),
        )

    def note_aid(
        self, agency: str, incident_id: str, capability: Capability, count: int, by: str
    ) -> None:
        """A mutual-aid request's units (and who asked), noted in the agency's CAD."""
        entry = self.cads[agency].entries[incident_id]
        entry.aid[capability] = entry.aid.get(capability, 0) + count
        entry.asked_by.add(by)

    def resolved(self, event: Event) -> None:
        """A resolved incident closes in every CAD that holds it (``incident.resolved``)."""
        for cad in self.cads.values():
            entry = cad.entries.get(event.incident or "")
            if entry:
                entry.closed = True

    def blocked(self, unit: Unit, incident: Incident) -> str:
        """Why a unit must stay off scene, or "".

        A precondition holds a unit back until it is met *and* the unit's agency has
        been told so: nobody walks into a scene on a guess.
        """
        kind = self.roster.agency(unit.agency).kind.value
        for gate in incident.gates:
            if not gate.applies(unit, kind):
                continue
            if gate.state != Readiness.MET:
                return gate.spec.name
            if (
                self.knowledge.value(unit.agency, fact_key("condition", incident.id, gate.spec.id))
                != "met"
            ):
                return f"word that {gate.spec.name} is done"
        return ""
