"""Orders for units: dispatch, recall, stage, declare, transport, destinations, service.

Each handler checks the whole command against the state and returns a reason or the
change to apply (see ``verdict.py``).
"""

import numpy as np

from simulator.commands import (
    Declare,
    Destination,
    Dispatch,
    Recall,
    SetService,
    Stage,
    Transport,
)
from simulator.engine.assist import Assist
from simulator.engine.awareness import Awareness
from simulator.engine.command import Command
from simulator.engine.crews import Crews
from simulator.engine.incident import Incident, Readiness
from simulator.engine.incidents import Incidents
from simulator.engine.movement import Movement
from simulator.engine.orders import Handlers
from simulator.engine.roster import Roster
from simulator.engine.scene import Scene
from simulator.engine.transport import Transport as Transports
from simulator.engine.unit import Unit
from simulator.engine.verdict import ORDERABLE, Verdict, known_incident, own_units
from simulator.scenario.vocabulary import Capability, Triage, UnitStatus


class Tasking:
    """A dispatcher's orders to its own units.

    At its own incident, also to the partners' units sent on its mutual-aid request
    (``assist.py``).
    """

    def __init__(
        self,
        roster: Roster,
        incidents: Incidents,
        awareness: Awareness,
        command: Command,
        movement: Movement,
        crews: Crews,
        scene: Scene,
        transport: Transports,
    ) -> None:
        self.roster = roster
        self.command = command
        self.incidents = incidents
        self.awareness = awareness
        self.movement = movement
        self.crews = crews
        self.scene = scene
        self.transport = transport
        self.assist = Assist(roster, awareness, crews)

    def orders(self) -> Handlers:
        """The command handlers of this desk."""
        return {
            Dispatch: self._dispatch,
            Recall: self._recall,
            Stage: self._stage,
            Declare: self._declare,
            Transport: self._transport,
            Destination: self._destination,
            SetService: self._service,
        }

    def _dispatch(self, command: Dispatch) -> Verdict:
        incident, reason = known_incident(
            self.incidents, self.awareness, command.agency, command.incident
        )
        if reason:
            return reason, None
        if self.assist.assisting(command.agency, incident, command.units):
            return self.assist.order(command, incident)
        units, reason = own_units(self.roster, command.agency, command.units)
        if reason:
            return reason, None
        hold = bool(command.hold)
        for unit in units:
            if unit.status not in ORDERABLE:
                return f"unit {unit.id} is {unit.status.value} and cannot be dispatched", None
            if unit.incident == incident.id and (hold or not unit.held):
                return f"unit {unit.id} is already assigned to {incident.id}", None
            if not self._reaches(unit, incident.node):
                return f"no open road from unit {unit.id} to {incident.id}", None
        return "", lambda: [self._send(unit, incident, hold) for unit in units]

    def _reaches(self, unit: Unit, target: int) -> bool:
        """Whether an open road leads from where the unit can next turn to ``target``."""
        node, _ = self.movement.origin(unit)
        return bool(np.isfinite(self.roster.atlas.roads.seconds_to(target)[node]))

    def _send(self, unit: Unit, incident: Incident, hold: bool) -> None:
        """Dispatch a unit, or order one held at this incident's perimeter in."""
        if unit.incident == incident.id:
            self.crews.order_in(unit, incident)
        else:
            self.crews.dispatch(unit, incident, hold=hold)

    def _recall(self, command: Recall) -> Verdict:
        units, reason = own_units(self.roster, command.agency, command.units)
        if reason:
            return reason, None
        for unit in units:
            if unit.status not in ORDERABLE - {UnitStatus.AVAILABLE, UnitStatus.RETURNING}:
                return f"unit {unit.id} is {unit.status.value}; there is nothing to recall", None
        return "", lambda: [self.crews.send_home(unit, reason="recalled") for unit in units]

    def _stage(self, command: Stage) -> Verdict:
        if command.staging not in self.command.staging:
            return f"unknown staging area {command.staging!r}", None
        units, reason = own_units(self.roster, command.agency, command.units)
        if reason:
            return reason, None
        for unit in units:
            if unit.status not in ORDERABLE:
                return f"unit {unit.id} is {unit.status.value} and cannot be moved", None
            if not self._reaches(unit, self.command.staging[command.staging]):
                return f"no open road from unit {unit.id} to {command.staging}", None
        return "", lambda: [self.crews.stage(unit, command.staging) for unit in units]

    def _declare(self, command: Declare) -> Verdict:
        incident, reason = known_incident(
            self.incidents, self.awareness, command.agency, command.incident
        )
        if reason:
            return reason, None
        gate = incident.gate(command.condition)
        if gate is None:
            names = ", ".join(g.spec.id for g in incident.gates) or "none"
            return f"{incident.id} has no condition {command.condition!r} (it has: {names})", None
        if gate.state == Readiness.MET:
            return f"{gate.spec.name} is already declared", None
        units = self.roster.units
        present = [
            u
            for u in sorted(incident.on_scene)
            if units[u].agency == command.agency and units[u].can(gate.spec.capability)
        ]
        if not present:
            return (
                f"no {gate.spec.capability.value} unit of {command.agency} is on scene "
                f"to confirm {gate.spec.name}"
            ), None
        if gate.state != Readiness.READY:
            return f"{gate.spec.name} is not yet confirmed by the units on scene", None
        return "", lambda: self.scene.meet(incident, gate, by=command.agency)

    def _transport(self, command: Transport) -> Verdict:
        units, reason = own_units(self.roster, command.agency, [command.unit])
        if reason:
            return reason, None
        unit = units[0]
        hospital = self.transport.hospitals.get(command.hospital)
        if hospital is None:
            return f"unknown hospital {command.hospital!r}", None
        if not unit.can(Capability.TRANSPORT):
            return f"unit {unit.id} cannot transport patients", None
        if unit.status in (UnitStatus.OUT_OF_SERVICE, UnitStatus.AT_HOSPITAL):
            return f"unit {unit.id} is {unit.status.value}", None
        if unit.status != UnitStatus.TRANSPORTING:
            return "", lambda: self.transport.order(unit, hospital.id)
        # Under way with patients: a diversion, if a road leads there.
        if unit.hospital == hospital.id:
            return f"unit {unit.id} is already transporting to {unit.hospital}", None
        if not self._reaches(unit, hospital.node):
            return f"no open road from unit {unit.id} to {hospital.id}", None
        return "", lambda: self.transport.redirect(unit, hospital)

    def _destination(self, command: Destination) -> Verdict:
        incident, reason = known_incident(
            self.incidents, self.awareness, command.agency, command.incident
        )
        if reason:
            return reason, None
        if command.hospital not in self.transport.hospitals:
            return f"unknown hospital {command.hospital!r}", None
        triage = Triage(command.triage)
        return "", lambda: self.transport.plan(
            incident.id, command.agency, triage, command.hospital
        )

    def _service(self, command: SetService) -> Verdict:
        units, reason = own_units(self.roster, command.agency, [command.unit])
        if reason:
            return reason, None
        unit = units[0]
        out = unit.status == UnitStatus.OUT_OF_SERVICE
        pending = unit.id in self.crews.pending_out_of_service
        if command.in_service and not (out or pending):
            return f"unit {unit.id} is already in service", None
        if not command.in_service and out:
            return f"unit {unit.id} is already out of service", None
        if not command.in_service and pending:
            return f"unit {unit.id} already goes out of service after its hand-over", None
        reason = f"ordered by {command.agency}"
        return "", lambda: self.crews.set_service(unit, command.in_service, reason)
