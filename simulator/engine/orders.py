"""Carrying out commands: check everything first, then change state, or change nothing.

Each handler checks a command against the current state and returns either the reason
it cannot be carried out, or the change to apply. The exercise logs the verdict first
and applies the change after, so a command's effects follow it in the log.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from pydantic import ValidationError

from simulator.commands import (
    AddInject,
    CloseRoad,
    CommandBase,
    CommandPost,
    ControllerCommand,
    Declare,
    Destination,
    Dispatch,
    HoldInject,
    OpenRoad,
    OpenStaging,
    Patch,
    Recall,
    ReleaseInject,
    RequestMutualAid,
    SendMessage,
    SetService,
    Share,
    Stage,
    Transport,
    UnifiedCommand,
)
from simulator.engine.incident import Incident, Readiness
from simulator.engine.knowledge import incident_of
from simulator.engine.unit import Unit
from simulator.scenario.check import fact_problem
from simulator.scenario.msel import InformationInject
from simulator.scenario.timing import format_offset
from simulator.scenario.vocabulary import Capability, Triage, UnitStatus
from simulator.world.atlas import SNAP_LIMIT_M

if TYPE_CHECKING:
    from simulator.engine.core import Engine

Change = Callable[[], object]
Verdict = tuple[str, Change | None]

# Statuses a unit can be pulled from by a dispatcher's explicit order.
_ORDERABLE = frozenset(
    {
        UnitStatus.AVAILABLE,
        UnitStatus.RETURNING,
        UnitStatus.DISPATCHED,
        UnitStatus.EN_ROUTE,
        UnitStatus.STAGED,
        UnitStatus.ON_SCENE,
    }
)


class Orders:
    """Validates and applies commands against the engine's state."""

    def __init__(self, engine: "Engine"):
        self.engine = engine
        self._handlers: dict[type, Callable[[CommandBase], Verdict]] = {
            Dispatch: self._dispatch,
            Recall: self._recall,
            Stage: self._stage,
            Declare: self._declare,
            Transport: self._transport,
            Destination: self._destination,
            RequestMutualAid: self._mutual_aid,
            CloseRoad: self._close,
            OpenRoad: self._open,
            SetService: self._service,
            SendMessage: self._message,
            Share: self._share,
            Patch: self._patch,
            CommandPost: self._command_post,
            UnifiedCommand: self._unified,
            OpenStaging: self._open_staging,
            ReleaseInject: self._release_inject,
            HoldInject: self._hold_inject,
            AddInject: self._add_inject,
        }
        self._handlers.update(engine.operations.orders())
        self._handlers.update(engine.community.orders())
        self._handlers.update(engine.hoaxes.orders())
        self._handlers.update(engine.traffic.orders())

    def check(self, command: CommandBase) -> Verdict:
        """The reason a command cannot be carried out, or the change that carries it out."""
        # A controller's command names no agency (its type fixes it as "controller").
        if command.agency not in self.engine.cads and not isinstance(command, ControllerCommand):
            return f"unknown agency {command.agency!r}", None
        return self._handlers[type(command)](command)

    # -- lookups that explain themselves --------------------------------------------

    def _own_units(self, agency: str, unit_ids: list[str]) -> tuple[list[Unit], str]:
        if len(set(unit_ids)) != len(unit_ids):
            return [], "a unit is listed twice"
        units = []
        for unit_id in unit_ids:
            unit = self.engine.units.get(unit_id)
            if unit is None:
                return [], f"unknown unit {unit_id!r}"
            if unit.agency != agency:
                return [], f"unit {unit_id} belongs to {unit.agency}, not {agency}"
            units.append(unit)
        return units, ""

    def _known_incident(self, agency: str, incident_id: str) -> tuple[Incident | None, str]:
        incident = self.engine.incidents.get(incident_id)
        if incident is None or not self.engine.cads[agency].knows(incident_id):
            return None, f"incident {incident_id!r} is not in {agency}'s CAD"
        if incident.resolved:
            return None, f"incident {incident_id} is already resolved"
        return incident, ""

    # -- handlers --------------------------------------------------------------------

    def _dispatch(self, command: Dispatch) -> Verdict:
        incident, reason = self._known_incident(command.agency, command.incident)
        if reason:
            return reason, None
        units, reason = self._own_units(command.agency, command.units)
        if reason:
            return reason, None
        reach = self.engine.atlas.roads.seconds_to(incident.node)
        hold = bool(command.hold)
        for unit in units:
            if unit.status not in _ORDERABLE:
                return f"unit {unit.id} is {unit.status.value} and cannot be dispatched", None
            if unit.incident == incident.id and (hold or not unit.held):
                return f"unit {unit.id} is already assigned to {incident.id}", None
            node, _ = self.engine.movement.origin(unit)
            if not np.isfinite(reach[node]):
                return f"no open road from unit {unit.id} to {incident.id}", None
        return "", lambda: [self._send(unit, incident, hold) for unit in units]

    def _send(self, unit: Unit, incident: Incident, hold: bool) -> None:
        """Dispatch a unit, or order one held at this incident's perimeter in."""
        if unit.incident == incident.id:
            self.engine.crews.order_in(unit, incident)
        else:
            self.engine.crews.dispatch(unit, incident, hold=hold)

    def _recall(self, command: Recall) -> Verdict:
        units, reason = self._own_units(command.agency, command.units)
        if reason:
            return reason, None
        for unit in units:
            if unit.status not in _ORDERABLE - {UnitStatus.AVAILABLE, UnitStatus.RETURNING}:
                return f"unit {unit.id} is {unit.status.value}; there is nothing to recall", None
        return "", lambda: [self.engine.crews.send_home(unit, reason="recalled") for unit in units]

    def _stage(self, command: Stage) -> Verdict:
        if command.staging not in self.engine.staging:
            return f"unknown staging area {command.staging!r}", None
        units, reason = self._own_units(command.agency, command.units)
        if reason:
            return reason, None
        for unit in units:
            if unit.status not in _ORDERABLE:
                return f"unit {unit.id} is {unit.status.value} and cannot be moved", None
        return "", lambda: [self.engine.crews.stage(unit, command.staging) for unit in units]

    def _declare(self, command: Declare) -> Verdict:
        incident, reason = self._known_incident(command.agency, command.incident)
        if reason:
            return reason, None
        gate = incident.gate(command.condition)
        if gate is None:
            names = ", ".join(g.spec.id for g in incident.gates) or "none"
            return f"{incident.id} has no condition {command.condition!r} (it has: {names})", None
        if gate.state == Readiness.MET:
            return f"{gate.spec.name} is already declared", None
        units = self.engine.units
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
        return "", lambda: self.engine.scene.meet(incident, gate, by=command.agency)

    def _transport(self, command: Transport) -> Verdict:
        units, reason = self._own_units(command.agency, [command.unit])
        if reason:
            return reason, None
        unit = units[0]
        hospital = self.engine.hospitals.get(command.hospital)
        if hospital is None:
            return f"unknown hospital {command.hospital!r}", None
        if not unit.can(Capability.TRANSPORT):
            return f"unit {unit.id} cannot transport patients", None
        if unit.status == UnitStatus.TRANSPORTING:
            return f"unit {unit.id} is already transporting to {unit.hospital}", None
        if unit.status in (UnitStatus.OUT_OF_SERVICE, UnitStatus.AT_HOSPITAL):
            return f"unit {unit.id} is {unit.status.value}", None
        return "", lambda: setattr(unit, "hospital", hospital.id)

    def _destination(self, command: Destination) -> Verdict:
        incident, reason = self._known_incident(command.agency, command.incident)
        if reason:
            return reason, None
        if command.hospital not in self.engine.hospitals:
            return f"unknown hospital {command.hospital!r}", None
        plan = self.engine.transport.destinations
        key = (incident.id, command.agency, Triage(command.triage))
        return "", lambda: plan.__setitem__(key, command.hospital)

    def _mutual_aid(self, command: RequestMutualAid) -> Verdict:
        engine = self.engine
        incident, reason = self._known_incident(command.agency, command.incident)
        if reason:
            return reason, None
        to = self._jurisdiction(command.to, command.capability)
        if to not in engine.cads:
            return f"unknown agency or jurisdiction {command.to!r}", None
        if to == command.agency:
            return "an agency cannot ask itself for mutual aid", None
        if not any(u.can(command.capability) for u in engine.fleet(to)):
            return f"{command.to} has no unit with {command.capability.value}", None
        return "", lambda: engine.aid.request(
            command.agency, to, incident, command.capability, command.count
        )

    def _jurisdiction(self, name: str, capability: Capability) -> str:
        """An agency id, or the agency of a named jurisdiction that has the capability."""
        engine = self.engine
        if name in engine.cads:
            return name
        for agency in engine.agency_specs():
            if agency.jurisdiction.casefold() == name.casefold() and any(
                u.can(capability) for u in engine.fleet(agency.id)
            ):
                return agency.id
        return name

    def _road_edges(self, command: CloseRoad | OpenRoad) -> tuple[list[int], str]:
        roads = self.engine.atlas.roads
        if (command.road is None) == (command.between is None):
            return [], "name a road, or the two nodes it joins, but not both"
        if command.road is not None:
            edges = roads.edges_named(command.road)
            return edges, "" if edges else f"no road named {command.road!r}"
        edges = roads.edges_between(*command.between)
        a, b = command.between
        return edges, "" if edges else f"no road joins {a} and {b}"

    def _close(self, command: CloseRoad) -> Verdict:
        edges, reason = self._road_edges(command)
        if reason:
            return reason, None
        if not set(edges) - self.engine.atlas.roads.closed:
            return "that road is already closed", None
        return "", lambda: self.engine.closures.close(
            edges, by=command.agency, told=[command.agency], via="own"
        )

    def _open(self, command: OpenRoad) -> Verdict:
        edges, reason = self._road_edges(command)
        if reason:
            return reason, None
        if not set(edges) & self.engine.atlas.roads.closed:
            return "that road is not closed", None
        return "", lambda: self.engine.closures.reopen(
            edges, by=command.agency, told=[command.agency], via="own"
        )

    def _service(self, command: SetService) -> Verdict:
        units, reason = self._own_units(command.agency, [command.unit])
        if reason:
            return reason, None
        unit = units[0]
        out = unit.status == UnitStatus.OUT_OF_SERVICE
        if command.in_service and not out:
            return f"unit {unit.id} is already in service", None
        if not command.in_service and out:
            return f"unit {unit.id} is already out of service", None
        reason = f"ordered by {command.agency}"
        return "", lambda: self.engine.crews.set_service(unit, command.in_service, reason)

    # -- communications and command --------------------------------------------------

    def _recipient(self, agency: str, to: str | None, channel: str | None) -> str:
        network = self.engine.network
        if to is not None and to not in self.engine.cads:
            return f"unknown agency {to!r}"
        if channel is not None:
            line = network.lines.get(channel)
            if line is None:
                return f"unknown channel {channel!r} (channels: {', '.join(sorted(network.lines))})"
            if agency not in line.members:
                return f"{agency} is not on channel {channel}"
        if to is None and channel is None:
            return "name an agency to send to, or a channel"
        return ""

    def _message(self, command: SendMessage) -> Verdict:
        reason = self._recipient(command.agency, command.to, command.channel)
        if reason:
            return reason, None
        if command.incident and not self.engine.cads[command.agency].knows(command.incident):
            return f"incident {command.incident!r} is not in {command.agency}'s CAD", None
        return "", lambda: self.engine.send(
            command.kind,
            command.agency,
            command.to,
            incident=command.incident,
            text=command.text,
            channel=command.channel,
        )

    def _share(self, command: Share) -> Verdict:
        engine = self.engine
        reason = self._recipient(command.agency, command.to, command.channel)
        if reason:
            return reason, None
        if command.to == command.agency:
            return "an agency cannot share with itself", None
        if command.incident and not engine.cads[command.agency].knows(command.incident):
            return f"incident {command.incident!r} is not in {command.agency}'s CAD", None
        if not command.incident and not command.facts:
            return "name an incident, or the facts to share", None
        held = engine.knowledge.facts[command.agency]
        for key in command.facts:
            if key not in held:
                return f"{command.agency} does not know {key!r}", None
            if command.incident and incident_of(key) not in (None, command.incident):
                return f"fact {key!r} is not about {command.incident}", None
        if command.facts:
            facts = {k: held[k].value for k in command.facts}
        else:
            facts = engine.knowledge.about(command.agency, command.incident)
        return "", lambda: engine.send(
            "share",
            command.agency,
            command.to,
            incident=command.incident or incident_of(command.facts[0]),
            facts=facts,
            channel=command.channel,
        )

    def _patch(self, command: Patch) -> Verdict:
        network = self.engine.network
        a, b = command.channels
        if a == b:
            return "a patch joins two different channels", None
        for channel in (a, b):
            line = network.lines.get(channel)
            if line is None:
                return f"unknown channel {channel!r}", None
            if not line.radio:
                return f"{channel} is not a radio channel; only radio channels patch", None
        pair = tuple(sorted((a, b)))
        if command.release:
            if network.patches.get(pair) != command.agency:
                return f"{command.agency} holds no patch of {a} and {b}", None
            return "", lambda: network.unpatch(command.agency, a, b)
        if not {a, b} & {c for c, ln in network.lines.items() if command.agency in ln.members}:
            return f"{command.agency} dispatch is on neither {a} nor {b}", None
        if pair in network.patches:
            return f"{a} and {b} are already patched", None
        consoles = self.engine.agency(command.agency).psap.consoles
        if network.consoles_used(command.agency) >= consoles:
            return f"all {consoles} of {command.agency}'s patch consoles are in use", None
        return "", lambda: network.patch(command.agency, a, b)

    def _command_post(self, command: CommandPost) -> Verdict:
        engine = self.engine
        incident, reason = self._known_incident(command.agency, command.incident)
        if reason:
            return reason, None
        units, reason = self._own_units(command.agency, [command.unit])
        if reason:
            return reason, None
        unit = units[0]
        if not unit.can(Capability.COMMAND):
            return f"unit {unit.id} is not a command unit", None
        if unit.id not in incident.on_scene:
            return f"unit {unit.id} is not working on scene at {incident.id}", None
        if incident.id in engine.command.posts:
            holder = engine.command.posts[incident.id][0]
            return f"{incident.id} already has a command post (set up by {holder})", None
        return "", lambda: engine.command.establish_post(command.agency, unit, incident)

    def _unified(self, command: UnifiedCommand) -> Verdict:
        engine = self.engine
        incident, reason = self._known_incident(command.agency, command.incident)
        if reason:
            return reason, None
        if command.agency not in engine.command.commanders(incident):
            return f"{command.agency} has no command unit on scene at {incident.id}", None
        reason = engine.command.unify_problem(incident)
        if reason:
            return reason, None
        return "", lambda: engine.command.unify(incident)

    def _open_staging(self, command: OpenStaging) -> Verdict:
        engine = self.engine
        if command.id in engine.staging:
            return f"staging area {command.id!r} already exists", None
        roads = engine.atlas.roads
        if command.node is not None:
            node = roads.index.get(command.node)
            if node is None:
                return f"unknown road node {command.node!r}", None
        elif command.x is not None and command.y is not None:
            node, metres = roads.nearest(command.x, command.y)
            if metres > SNAP_LIMIT_M:
                where = f"({command.x:g}, {command.y:g})"
                return f"{where} is off the map: {metres:.0f} m from the nearest road", None
        else:
            return "give a node, or both x and y", None
        return "", lambda: engine.open_staging(command.id, node, command.agency)

    # -- the controller's hand on the script -------------------------------------------

    def _msel_row(self, seq: int) -> tuple[object, str]:
        """The MSEL row ``seq``, or why the controller cannot act on it."""
        engine = self.engine
        if seq not in engine.script.msel:
            seqs = sorted(engine.script.msel)
            listed = f"{seqs[0]} to {seqs[-1]}" if seqs else "none"
            return None, f"no MSEL inject {seq} (this scenario's injects: {listed})"
        if seq in engine.script.released:
            at = format_offset(engine.script.released[seq])
            return None, f"MSEL inject {seq} was already released at T+{at}"
        return engine.script.msel[seq], ""

    def _release_inject(self, command: ReleaseInject) -> Verdict:
        _, reason = self._msel_row(command.seq)
        if reason:
            return reason, None
        return "", lambda: self.engine.script.release(command.seq)

    def _hold_inject(self, command: HoldInject) -> Verdict:
        _, reason = self._msel_row(command.seq)
        if reason:
            return reason, None
        if command.seq in self.engine.script.held:
            return f"MSEL inject {command.seq} is already held", None
        return "", lambda: self.engine.script.hold(command.seq)

    def _add_inject(self, command: AddInject) -> Verdict:
        engine = self.engine
        if len(set(command.to)) != len(command.to):
            return "an agency is listed twice", None
        for agency in command.to:
            if agency not in engine.cads:
                return f"unknown agency {agency!r} (agencies: {', '.join(engine.cads)})", None
        if command.incident is not None and command.incident not in engine.incidents:
            return f"incident {command.incident!r} has not started", None
        for key in command.facts:
            reason = fact_problem(engine.scenario, key)
            about = incident_of(key)
            if not reason and about is not None and about not in engine.incidents:
                reason = f"incident {about!r} has not started"
            if reason:
                return f"fact {key!r}: {reason}", None
        seq = max([0, *engine.script.msel, *engine.script.released]) + 1
        try:
            row = InformationInject(
                seq=seq,
                time=engine.env.now,
                type="information",
                source="controller",
                to=command.to,
                description=command.text,
                facts=command.facts,
            )
        except ValidationError as exc:
            return f"not an inject: {exc.errors(include_url=False)[0]['msg']}", None
        return "", lambda: engine.script.add(row, command.incident)
