"""The engine: simpy time, the exercise's state, and the transitions between states.

Only ``Engine`` methods change state, and each change emits an event. Commands reach
it through ``simulator.engine.orders``; injects through the MSEL process.
"""

from collections.abc import Callable
from typing import Any

import simpy

from simulator.engine.cad import Cad, CadEntry
from simulator.engine.closures import Closures
from simulator.engine.command import Command
from simulator.engine.comms import Message, Network
from simulator.engine.community import Community
from simulator.engine.crews import Crews
from simulator.engine.hazards import Hazards
from simulator.engine.hoaxes import Hoaxes
from simulator.engine.hospital import Hospital
from simulator.engine.incident import Incident, Readiness
from simulator.engine.intelligence import Intelligence
from simulator.engine.knowledge import Knowledge, Known, fact_key, incident_of
from simulator.engine.movement import Movement
from simulator.engine.mutual_aid import MutualAid
from simulator.engine.operations import Operations
from simulator.engine.scene import Scene
from simulator.engine.script import Script
from simulator.engine.streams import Streams
from simulator.engine.switchboard import Switchboard
from simulator.engine.traffic import Traffic
from simulator.engine.transport import Transport
from simulator.engine.unit import Unit
from simulator.events import Event, EventLog
from simulator.scenario.agency import Agency
from simulator.scenario.check import responsible_agency
from simulator.scenario.incident import CasualtyModel, IncidentSpec
from simulator.scenario.model import Scenario
from simulator.scenario.msel import (
    Fault,
)
from simulator.scenario.vocabulary import (
    Capability,
    UnitStatus,
)
from simulator.world.atlas import Atlas


class Engine:
    """All live state of one exercise and the rules that change it."""

    def __init__(self, scenario: Scenario, atlas: Atlas, seed: int, log: EventLog):
        self.scenario = scenario
        self.atlas = atlas
        self.log = log
        self.seed = seed
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self._agencies = {a.id: a for a in sorted(scenario.agencies, key=lambda a: a.id)}
        self.cads = {a: Cad(a) for a in self._agencies}
        self.stations = {s.id: atlas.locate(s.location) for s in scenario.stations}
        self.staging = {s.id: atlas.locate(s.location) for s in scenario.staging_areas}
        self.hospitals = {
            h.id: Hospital(h, atlas.locate(h.location))
            for h in sorted(scenario.hospitals, key=lambda h: h.id)
        }
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
        self.knowledge = Knowledge(list(self._agencies))
        self.movement = Movement(self)
        self.scene = Scene(self)
        self.switchboard = Switchboard(self)
        self.network = Network(self)
        self.command = Command(self)
        self.script = Script(self)
        self.transport = Transport(self)
        self.closures = Closures(self)
        self.aid = MutualAid(self)
        self.hazards = Hazards(self)
        self.crews = Crews(self)
        self.operations = Operations(self)
        self.intelligence = Intelligence(self)
        self.watchers: list[Callable[[Event], None]] = []  # see ``emit``
        self.community = Community(self)
        self.hoaxes = Hoaxes(self)
        self.traffic = Traffic(self)

    # -- plumbing --------------------------------------------------------------------

    def emit(self, kind: str, **fields: Any) -> Event:
        """Record a state change at the current simulation time, then tell the watchers.

        The event is in the log before any watcher reacts to it; watchers (subsystems
        that react to what happened rather than being called) hear it in the order
        they registered.
        """
        event = self.log.emit(self.env.now, kind, **fields)
        for watch in self.watchers:
            watch(event)
        return event

    def at(self, delay: float, action: Callable[..., None], *args: Any) -> None:
        """Call ``action(*args)`` after ``delay`` seconds of simulation time."""
        event = self.env.timeout(max(0.0, delay))
        event.callbacks.append(lambda _event: action(*args))

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

    def position(self, unit_id: str) -> tuple[float, float]:
        """Where a unit is now."""
        return self.movement.position(self.units[unit_id], self.env.now)

    # -- start and injects -----------------------------------------------------------

    def start(self) -> None:
        """Log the starting state and schedule the MSEL."""
        meta = self.scenario.metadata
        self.emit(
            "exercise.started",
            scenario=meta.id,
            title=meta.title,
            seed=self.seed,
            duration=meta.duration,
            start_clock=meta.start,
        )
        for unit in self.sorted_units():
            if unit.status == UnitStatus.OUT_OF_SERVICE:
                self.emit(
                    "unit.out_of_service",
                    agency=unit.agency,
                    unit=unit.id,
                    prev=UnitStatus.AVAILABLE.value,
                    reason="initial status",
                )
        self.script.schedule()
        self.operations.start()
        self.community.start()

    # -- incidents -------------------------------------------------------------------

    def responsible(self, incident: Incident, capability: Capability) -> str:
        """The agency that answers a capability at an incident."""
        return responsible_agency(self.scenario, incident.spec, capability)

    def start_incident(self, spec: IncidentSpec, parent: str | None = None) -> Incident:
        """Something happens: create the ground truth and let the calls begin."""
        node = self.atlas.locate(spec.location)
        involved = {responsible_agency(self.scenario, spec, c) for c in spec.requires}
        involved |= {
            responsible_agency(self.scenario, spec, g.capability) for g in spec.preconditions
        }
        living = spec.casualties.immediate + spec.casualties.delayed + spec.casualties.minor
        if living:
            involved.add(responsible_agency(self.scenario, spec, Capability.TRANSPORT))
        lead = (
            spec.lead
            or spec.calls.agency
            or next((responsible_agency(self.scenario, spec, c) for c in spec.requires), None)
            or responsible_agency(self.scenario, spec, Capability.TRANSPORT)
        )
        involved.add(lead)
        involved.discard("")
        incident = Incident(
            spec=spec,
            node=node,
            started=self.env.now,
            lead=lead,
            agencies=sorted(involved),
            casualty_model=self._casualty_model(spec),
        )
        incident.work_complete = incident.work_total == 0
        self.incidents[spec.id] = incident
        x, y = self.atlas.roads.xy[node]
        self.emit(
            "incident.started",
            incident=spec.id,
            title=spec.title,
            type=spec.incident_type.value,
            priority=spec.priority,
            node=self.node_id(node),
            x=round(float(x), 1),
            y=round(float(y), 1),
            lead=lead,
            agencies=incident.agencies,
            requires={c.value: n for c, n in sorted(spec.requires.items())},
            hazards=[h.id for h in spec.hazards],
            preconditions=[g.id for g in spec.preconditions],
            parent=parent,
        )
        self.critical(incident)
        self.scene.add_patients(incident, spec.casualties)
        self.scene.update_work(incident)
        self.switchboard.place_calls(incident)
        return incident

    def critical(self, incident: Incident) -> None:
        """Log which agencies need to know of the incident and its hazards."""
        for key in [fact_key("incident", incident.id)] + [
            fact_key("hazard", incident.id, h.id) for h in incident.spec.hazards
        ]:
            self.emit("fact.critical", incident=incident.id, fact=key, needed_by=incident.agencies)

    def _casualty_model(self, spec: IncidentSpec) -> CasualtyModel:
        # An incident's casualty_model overrides only the fields it sets.
        base = self.scenario.settings.casualties
        if spec.casualty_model is None:
            return base
        return base.model_copy(update=spec.casualty_model.model_dump(exclude_unset=True))

    def open_cad(self, agency: str, incident: Incident, via: str, by: str | None = None) -> None:
        """An agency's dispatch centre learns of an incident."""
        cad = self.cads[agency]
        if cad.knows(incident.id):
            return
        cad.entries[incident.id] = CadEntry(
            incident.id, self.env.now, via, closed=incident.resolved
        )
        self.emit(
            "cad.opened",
            agency=agency,
            incident=incident.id,
            via=via,
            source=by,
            type=incident.spec.incident_type.value,
            priority=incident.spec.priority,
            node=self.node_id(incident.node),
        )

    def involve(self, incident: Incident, agencies: set[str]) -> None:
        """Add agencies an escalated incident now needs; someone has to tell them."""
        new = sorted(agencies - set(incident.agencies) - {""})
        if not new:
            return
        incident.agencies = sorted(set(incident.agencies) | set(new))
        self.critical(incident)

    # -- knowledge -------------------------------------------------------------------

    def truth(self, key: str) -> object:
        """The ground-truth value of a fact now."""
        topic, _, subject = key.partition(":")
        if topic == "closure":
            roads = self.atlas.roads
            return any(k in roads.closed for k in roads.edges_named(subject))
        incident = self.incidents.get(incident_of(key) or "")
        if incident is None:
            return None
        part = subject.partition("/")[2]
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
        if not self.knowledge.record(agency, key, Known(self.env.now, value, via, message)):
            return False
        incident_id = incident_of(key)
        self.emit(
            "fact.learned",
            agency=agency,
            unit=unit,
            incident=incident_id,
            fact=key,
            value=value,
            via=via,
            message=message,
            source=by,
        )
        topic = key.partition(":")[0]
        incident = self.incidents.get(incident_id or "")
        if topic == "incident" and incident is not None:
            cad_via = {"message": "notification", "command_post": "notification"}.get(via, via)
            self.open_cad(agency, incident, cad_via, by)
        elif topic == "condition" and incident is not None and value == "met":
            self.scene.release_staged(incident, agency)
        self.command.on_learned(agency, key, value)
        self.intelligence.on_learned(agency, key, via, by)
        return True

    def learn_from_call(self, agency: str, incident: Incident) -> None:
        """A processed 911 call: the incident, its casualties and any reported hazard."""
        self.learn(
            agency, fact_key("incident", incident.id), self.truth(f"incident:{incident.id}"), "call"
        )
        if incident.patients:
            self.learn(agency, fact_key("casualties", incident.id), len(incident.patients), "call")
        for hazard in incident.spec.hazards:
            if hazard.reported:
                self.learn(
                    agency, fact_key("hazard", incident.id, hazard.id), hazard.kind.value, "call"
                )

    # -- messages --------------------------------------------------------------------

    def send(
        self,
        kind: str,
        sender: str,
        to: str | None,
        *,
        unit: str | None = None,
        incident: str | None = None,
        facts: dict[str, object] | None = None,
        text: str = "",
        channel: str | None = None,
        payload: dict[str, object] | None = None,
    ) -> str:
        """Put a message on the air (or the wire); returns its id."""
        message = Message(
            id=self.network.new_id(),
            type=kind,
            sender=sender,
            to=to,
            unit=unit,
            incident=incident,
            facts=dict(facts or {}),
            text=text,
            channel=channel,
            payload=dict(payload or {}),
        )
        self.network.send(message)
        return message.id

    def deliver(self, message: Message) -> None:
        """A message arrived: its facts are learnt and its request acted on."""
        to = message.to
        if to is None:
            return
        incident = self.incidents.get(message.incident or "")
        if message.type == "mutual_aid_request" and incident is not None:
            self.aid.receive(
                to,
                incident,
                Capability(message.payload["capability"]),
                int(message.payload["count"]),
                message.sender,
            )
        report = message.type == "sitrep" and message.unit is not None and to == message.sender
        via, unit = ("unit", message.unit) if report else ("message", None)
        for key, value in sorted(message.facts.items()):
            self.learn(to, key, value, via, unit=unit, message=message.id, by=message.sender)
        if message.type in ("mutual_aid_request", "resource_request") and to != message.sender:
            self.send("ack", to, message.sender, incident=message.incident)

    def message_lost(self, message: Message, reason: str) -> None:
        """A field unit keeps trying a report that did not get through."""
        if message.type != "sitrep" or message.unit is None:
            return
        unit = self.units[message.unit]
        self.at(
            self.scenario.communications.retry_seconds,
            self._retry_report,
            unit,
            message,
        )

    def _retry_report(self, unit: Unit, message: Message) -> None:
        if unit.incident != message.incident or unit.status == UnitStatus.OUT_OF_SERVICE:
            return
        facts = {
            k: v for k, v in message.facts.items() if self.knowledge.value(unit.agency, k) != v
        }
        if facts:
            self.send(
                "sitrep",
                unit.agency,
                unit.agency,
                unit=unit.id,
                incident=message.incident,
                facts=facts,
            )

    def report(self, unit: Unit, incident_id: str | None, facts: dict[str, object]) -> None:
        """A unit radios what it has found to its own dispatch (what they lack)."""
        news = {k: v for k, v in facts.items() if self.knowledge.value(unit.agency, k) != v}
        if news:
            self.send(
                "sitrep", unit.agency, unit.agency, unit=unit.id, incident=incident_id, facts=news
            )

    def resolve(self, incident: Incident) -> None:
        """Close the incident and send every unit still committed to it home."""
        incident.resolved = True
        incident.work_token += 1
        incident.unmet_token += 1
        self.emit(
            "incident.resolved",
            incident=incident.id,
            duration=round(self.env.now - incident.started, 3),
            escalations=incident.escalations,
        )
        for cad in self.cads.values():
            entry = cad.entries.get(incident.id)
            if entry:
                entry.closed = True
        for unit_id in sorted(incident.assigned):
            self.crews.send_home(self.units[unit_id])

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

    # -- faults ----------------------------------------------------------------------

    def fault(self, row: Fault) -> None:
        """A communications failure begins (and ends, if the inject says when)."""
        self.network.set_fault(row, True)
        self.emit("fault.started", fault=row.fault, target=row.target, seq=row.seq)
        if row.minutes:
            self.at(row.minutes * 60.0, self._fault_over, row)

    def _fault_over(self, row: Fault) -> None:
        self.network.set_fault(row, False)
        self.emit("fault.ended", fault=row.fault, target=row.target, seq=row.seq)

    # -- incident command ------------------------------------------------------------

    def open_staging(self, area: str, node: int, agency: str) -> None:
        """A staging area set up during the exercise."""
        self.staging[area] = node
        x, y = self.atlas.roads.xy[node]
        self.emit(
            "staging.opened",
            agency=agency,
            staging=area,
            node=self.node_id(node),
            x=round(float(x), 1),
            y=round(float(y), 1),
        )
