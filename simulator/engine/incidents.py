"""Incidents as ground truth: they start, draw in agencies, and resolve.

Starting one logs ``incident.started``; its watchers carry on, in order: the facts it
makes critical (here), its patients and work on scene, its 911 calls. Resolving one
logs ``incident.resolved``; its watchers close CAD entries and send its crews home.
"""

from simulator.engine.incident import Incident
from simulator.engine.kernel import Kernel
from simulator.engine.state import State
from simulator.events import Event
from simulator.scenario.check import responsible_agency
from simulator.scenario.facts import fact_key
from simulator.scenario.incident import CasualtyModel, IncidentSpec
from simulator.scenario.vocabulary import Capability


class Incidents:
    """Creates incidents, tracks who they involve, and closes them."""

    def __init__(self, kernel: Kernel, state: State) -> None:
        self.kernel = kernel
        self.state = state

    def start(self, spec: IncidentSpec, parent: str | None = None) -> Incident:
        """Something happens: create the ground truth and log it."""
        state = self.state
        scenario = state.scenario
        node = state.atlas.locate(spec.location)
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
        incident.work_complete = incident.work_total == 0
        state.incidents[spec.id] = incident
        x, y = state.atlas.roads.xy[node]
        self.kernel.emit(
            "incident.started",
            incident=spec.id,
            title=spec.title,
            type=spec.incident_type.value,
            priority=spec.priority,
            node=state.node_id(node),
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
        self.critical(self.state.incidents[event.incident or ""])

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
        base = self.state.scenario.settings.casualties
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
