"""The exercise's shared picture: ground truth and what each agency holds.

Agencies, units, incidents, staging areas, CADs and knowledge, with the reads every
subsystem needs (hospitals and their beds belong to ``transport``). Reads only: each
change belongs to the subsystem that makes it and is logged by it through the kernel.
"""

from simulator.engine.cad import Cad
from simulator.engine.incident import Incident, Readiness
from simulator.engine.knowledge import Knowledge
from simulator.engine.unit import Unit
from simulator.scenario.agency import Agency
from simulator.scenario.check import responsible_agency
from simulator.scenario.facts import FactKey, fact_key
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability, UnitStatus
from simulator.world.atlas import Atlas


class State:
    """Everything that exists in the exercise, and the reads that explain it."""

    def __init__(self, scenario: Scenario, atlas: Atlas) -> None:
        self.scenario = scenario
        self.atlas = atlas
        self._agencies = {a.id: a for a in sorted(scenario.agencies, key=lambda a: a.id)}
        self.cads = {a: Cad(a) for a in self._agencies}
        self.knowledge = Knowledge(list(self._agencies))
        self.stations = {s.id: atlas.locate(s.location) for s in scenario.stations}
        self.staging = {s.id: atlas.locate(s.location) for s in scenario.staging_areas}
        self.units = {
            spec.id: Unit(
                spec,
                home=self.stations[spec.station],
                node=self.stations[spec.station],
                status=UnitStatus(spec.status),
            )
            for spec in sorted(scenario.units, key=lambda u: u.id)
        }
        self._fleets: dict[str, list[Unit]] = {a: [] for a in self._agencies}
        for unit in self.units.values():
            self._fleets[unit.agency].append(unit)
        self.incidents: dict[str, Incident] = {}

    def agency(self, agency_id: str) -> Agency:
        """An agency's scenario definition."""
        return self._agencies[agency_id]

    def agency_specs(self) -> list[Agency]:
        """Every agency, sorted by id."""
        return list(self._agencies.values())

    def sorted_units(self) -> list[Unit]:
        """Units in id order (dict order is id order)."""
        return list(self.units.values())

    def fleet(self, agency: str) -> list[Unit]:
        """An agency's units in id order."""
        return self._fleets[agency]

    def node_id(self, node: int) -> str:
        """The scenario's id of a road node."""
        return self.atlas.roads.ids[node]

    def responsible(self, incident: Incident, capability: Capability) -> str:
        """The agency that answers a capability at an incident."""
        return responsible_agency(self.scenario, incident.spec, capability)

    def truth(self, key: str) -> object:
        """The ground-truth value of a fact now."""
        fact = FactKey.parse(key)
        topic, part = fact.topic, fact.part
        if topic == "closure":
            roads = self.atlas.roads
            return any(k in roads.closed for k in roads.edges_named(fact.subject))
        incident = self.incidents.get(fact.subject)
        if incident is None:
            return None
        if topic == "incident":
            return {
                "type": incident.spec.incident_type.value,
                "priority": incident.spec.priority,
                "node": self.node_id(incident.node),
            }
        if topic == "casualties":
            return len(incident.patients)
        if topic == "hazard":
            hazard = next((h for h in incident.spec.hazards if h.id == part), None)
            return hazard.kind.value if hazard else None
        gate = incident.gate(part)
        return "met" if gate and gate.state == Readiness.MET else "pending"

    def blocked(self, unit: Unit, incident: Incident) -> str:
        """Why a unit must stay off scene, or "".

        A precondition holds a unit back until it is met *and* the unit's agency has
        been told so: nobody walks into a scene on a guess.
        """
        kind = self.agency(unit.agency).kind.value
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
