"""Incidents as ground truth: they start, draw in agencies, and resolve.

Starting one logs ``incident.started``; its watchers carry on, in order: the facts it
makes critical (here), its patients and work on scene, its 911 calls. Resolving one
logs ``incident.resolved``; its watchers close CAD entries and send its crews home.
The incidents are this subsystem's: the others read them through it, as a mapping
by id, and it answers what is true of them (``truth``).
"""

from collections.abc import Iterator, Mapping
from types import MappingProxyType

from simulator.engine.incident import Incident, Readiness
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.events import Event
from simulator.scenario.check import responsible_agency
from simulator.scenario.facts import FactKey, fact_key
from simulator.scenario.incident import CasualtyModel, IncidentSpec
from simulator.scenario.vocabulary import Capability


class Incidents(Mapping[str, Incident]):
    """Creates incidents, tracks who they involve, and closes them; read by id."""

    def __init__(self, kernel: Kernel, roster: Roster) -> None:
        self.kernel = kernel
        self.roster = roster
        self._by_id: dict[str, Incident] = {}
        self.view = MappingProxyType(self._by_id)  # for clients: a read-only dict, as fast

    def __getitem__(self, incident_id: str) -> Incident:
        return self._by_id[incident_id]

    def get(self, incident_id: str, default: Incident | None = None) -> Incident | None:  # type: ignore[override]
        """The incident, or ``default`` if none has that id (faster than Mapping's)."""
        return self._by_id.get(incident_id, default)

    def __contains__(self, incident_id: object) -> bool:
        return incident_id in self._by_id

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    # A subsystem, not a value: equal only to itself, however many incidents it holds.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def start(self, spec: IncidentSpec, parent: str | None = None) -> Incident:
        """Something happens: create the ground truth and log it."""
        roster = self.roster
        scenario = roster.scenario
        node = roster.atlas.locate(spec.location)
        involved = {responsible_agency(scenario, spec, c) for c in spec.requires}
        involved |= {responsible_agency(scenario, spec, g.capability) for g in spec.preconditions}
        living = spec.casualties.immediate + spec.casualties.delayed + spec.casualties.minor
        if living:
            involved.add(responsible_agency(scenario, spec, Capability.TRANSPORT))
        lead = (
            spec.lead
            or spec.calls.agency
            or next((responsible_agency(scenario, spec, c) for c in spec.requires), None)
            or responsible_agency(scenario, spec, Capability.TRANSPORT)
        )
        involved.add(lead)
        involved.discard("")
        incident = Incident(
            spec=spec,
            node=node,
            started=self.kernel.now,
            lead=lead,
            agencies=sorted(involved),
            casualty_model=self._casualty_model(spec),
        )
        # Needing no units, there is no work; needing units for no time (work_minutes 0),
        # the work is done the moment they are all on scene ("show up and clear").
        incident.work_complete = not incident.requires
        self._by_id[spec.id] = incident
        x, y = roster.atlas.roads.xy[node]
        self.kernel.emit(
            "incident.started",
            incident=spec.id,
            title=spec.title,
            type=spec.incident_type.value,
            priority=spec.priority,
            node=roster.node_id(node),
            x=round(float(x), 1),
            y=round(float(y), 1),
            lead=lead,
            agencies=incident.agencies,
            requires={c.value: n for c, n in sorted(spec.requires.items())},
            hazards=[h.id for h in spec.hazards],
            preconditions=[g.id for g in spec.preconditions],
            parent=parent,
        )
        return incident

    def started(self, event: Event) -> None:
        """A new incident's critical facts (a watcher of ``incident.started``)."""
        self.critical(self._by_id[event.incident or ""])

    def critical(self, incident: Incident) -> None:
        """Log which agencies need to know of the incident and its hazards."""
        for key in [fact_key("incident", incident.id)] + [
            fact_key("hazard", incident.id, h.id) for h in incident.spec.hazards
        ]:
            self.kernel.emit(
                "fact.critical", incident=incident.id, fact=key, needed_by=incident.agencies
            )

    def _casualty_model(self, spec: IncidentSpec) -> CasualtyModel:
        # An incident's casualty_model overrides only the fields it sets.
        base = self.roster.scenario.settings.casualties
        if spec.casualty_model is None:
            return base
        return base.model_copy(update=spec.casualty_model.model_dump(exclude_unset=True))

    def involve(self, incident: Incident, agencies: set[str]) -> None:
        """Add agencies an escalated incident now needs; someone has to tell them."""
        new = sorted(agencies - set(incident.agencies) - {""})
        if not new:
            return
        incident.agencies = sorted(set(incident.agencies) | set(new))
        self.critical(incident)

    def resolve(self, incident: Incident) -> None:
        """Close the incident; its watchers close CAD entries and send its crews home."""
        incident.resolved = True
        incident.work_token += 1
        incident.unmet_token += 1
        self.kernel.emit(
            "incident.resolved",
            incident=incident.id,
            duration=round(self.kernel.now - incident.started, 3),
            escalations=incident.escalations,
        )

    def truth(self, key: str) -> object:
        """The ground-truth value of a fact now (what an agency learning it is told)."""
        fact = FactKey.parse(key)
        topic, part = fact.topic, fact.part
        if topic == "closure":
            roads = self.roster.atlas.roads
            return any(k in roads.closed for k in roads.edges_named(fact.subject))
        incident = self._by_id.get(fact.subject)
        if incident is None:
            return None
        if topic == "incident":
            return {
                "type": incident.spec.incident_type.value,
                "priority": incident.spec.priority,
                "node": self.roster.node_id(incident.node),
            }
        if topic == "casualties":
            return len(incident.patients)
        if topic == "hazard":
            hazard = next((h for h in incident.spec.hazards if h.id == part), None)
            return hazard.kind.value if hazard else None
        gate = incident.gate(part)
        return "met" if gate and gate.state == Readiness.MET else "pending"
