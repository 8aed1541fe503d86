"""The engine: builds the kernel, the roster and the subsystems, and wires them.

Each subsystem owns its state and is given only the collaborators it uses. Where one
only reacts to what another did, it watches the typed event instead of being called:
the watchers are registered here, in one place, because their order is the order of
the side effects of one event. Commands reach the engine through ``orders``; injects
through the MSEL ``script``.
"""

from typing import Any

from simulator.engine.analysis import Analysis
from simulator.engine.awareness import Awareness
from simulator.engine.carrier import Carrier
from simulator.engine.closures import Closures
from simulator.engine.command import Command
from simulator.engine.comms import Network
from simulator.engine.community import Community
from simulator.engine.congestion import STATUS_KINDS, Congestion
from simulator.engine.control import Control
from simulator.engine.crews import Crews
from simulator.engine.ground import Ground
from simulator.engine.hazards import Hazards
from simulator.engine.hoaxes import Hoaxes
from simulator.engine.incident import Incident
from simulator.engine.incidents import Incidents
from simulator.engine.intelligence import Intelligence
from simulator.engine.kernel import Kernel
from simulator.engine.movement import Movement
from simulator.engine.mutual_aid import MutualAid
from simulator.engine.operations import Operations
from simulator.engine.orders import Orders
from simulator.engine.outages import Outages
from simulator.engine.roster import Roster
from simulator.engine.routing import Routing
from simulator.engine.scene import Scene
from simulator.engine.script import Script
from simulator.engine.signals import Signals
from simulator.engine.switchboard import Switchboard
from simulator.engine.tasking import Tasking
from simulator.engine.traffic import Traffic
from simulator.engine.transport import Transport
from simulator.engine.unit import Unit
from simulator.events import Event, EventLog
from simulator.scenario.agency import Agency
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability, UnitStatus
from simulator.world.atlas import Atlas


class Engine:
    """One exercise's kernel, roster and subsystems, wired together."""

    def __init__(self, scenario: Scenario, atlas: Atlas, seed: int, log: EventLog):
        self.scenario, self.atlas, self.log, self.seed = scenario, atlas, log, seed
        self.kernel = kernel = Kernel(seed, log)
        self.roster = roster = Roster(scenario, atlas)
        self.env, self.streams = kernel.env, kernel.streams
        self.units = roster.units
        self._build(kernel, roster)
        # The facade's reads of what the subsystems own.
        self.incidents, self.hospitals = self.lifecycle.view, self.transport.hospitals
        self.cads, self.knowledge = self.awareness.cads, self.awareness.knowledge
        self.staging = self.command.staging
        self._wire(kernel)
        desks = (self.tasking, self.signals, self.ground, self.control)
        subsystems = (self.operations, self.community, self.hoaxes, self.congestion)
        self.orders = Orders(roster, [d.orders() for d in desks + subsystems])

    def _build(self, kernel: Kernel, roster: Roster) -> None:
        """Every subsystem, each on the ones it uses (those it calls back are connected)."""
        self.lifecycle = lifecycle = Incidents(kernel, roster)
        self.awareness = awareness = Awareness(kernel, roster, lifecycle)
        self.movement = Movement(kernel, roster)
        self.network = Network(kernel, self.scenario, self.atlas)
        self.routing = Routing(kernel, roster, self.network, self.movement)
        self.carrier = Carrier(kernel, self.network, self.routing)
        self.traffic = Traffic(kernel, roster, self.carrier, awareness)
        self.aid = MutualAid(kernel, roster, lifecycle, awareness, self.traffic)
        self.crews = Crews(kernel, roster, lifecycle, awareness, self.movement, self.traffic)
        self.command = Command(kernel, roster, awareness, self.routing)
        self.scene = Scene(kernel, roster, awareness, lifecycle, self.crews, self.command)
        self.hazards = Hazards(
            kernel, roster, awareness, lifecycle, self.traffic, self.crews, self.scene
        )
        self.transport = Transport(kernel, roster, lifecycle, self.movement, self.crews, self.scene)
        self.crews.connect(self.scene, self.hazards, self.command)
        self.command.connect(self.scene)
        self.scene.connect(self.transport.carry)
        self.outages = Outages(kernel, roster, lifecycle, self.network)
        self.congestion = Congestion(kernel, roster, self.movement, self.crews)
        self.hoaxes = Hoaxes(kernel, roster, awareness, lifecycle, self.scene, self.outages)
        self.switchboard = Switchboard(
            kernel, roster, lifecycle, awareness, self.network, self.hoaxes
        )
        self.closures = Closures(kernel, roster, lifecycle, awareness, self.movement, self.crews)
        self.operations = Operations(kernel, roster, awareness, lifecycle)
        self.intelligence = Intelligence(kernel, roster, awareness, lifecycle)
        self.analysis = Analysis(kernel, roster, lifecycle, awareness)
        self.community = Community(kernel, roster, self.awareness, self.lifecycle, self.switchboard)
        self.script = Script(
            kernel,
            roster,
            self.awareness,
            self.lifecycle,
            self.outages,
            self.congestion,
            self.crews,
            self.closures,
            self.scene,
            self.community,
        )
        self._build_orders(kernel, roster)

    def _build_orders(self, kernel: Kernel, roster: Roster) -> None:
        """The command handlers, grouped by what they give orders about."""
        incidents, awareness = self.lifecycle, self.awareness
        self.tasking = Tasking(
            roster,
            incidents,
            awareness,
            self.command,
            self.movement,
            self.crews,
            self.scene,
            self.transport,
        )
        self.signals = Signals(roster, incidents, awareness, self.network, self.traffic, self.aid)
        self.ground = Ground(roster, incidents, awareness, self.closures, self.command)
        self.control = Control(kernel, roster, self.lifecycle, self.script)

    def _wire(self, kernel: Kernel) -> None:
        """Who reacts to which event, in the order they react.

        The public and the hoax check see events first; then, for each event, its
        consequences in the order they were once called in.
        """
        if self.community.spec is not None:
            kernel.watch(self.community.observe)  # the public sees every event
        if self.hoaxes.possible:
            kernel.watch(self.hoaxes.observe, "unit.on_scene")
        if self.outages.restorable:
            kernel.watch(self.outages.observe, "incident.work_completed")
        kernel.watch(self.congestion.watch, *STATUS_KINDS)  # a posted unit given other work
        kernel.watch(self.lifecycle.started, "incident.started")
        kernel.watch(self.scene.started, "incident.started")
        kernel.watch(self.switchboard.started, "incident.started")
        kernel.watch(self.awareness.learned, "fact.learned")
        kernel.watch(self.scene.learned, "fact.learned")
        kernel.watch(self.command.learned, "fact.learned")
        kernel.watch(self.intelligence.learned, "fact.learned")
        if self.analysis.active:
            kernel.watch(self.analysis.learned, "fact.learned")
        kernel.watch(self.awareness.resolved, "incident.resolved")
        kernel.watch(self.crews.resolved, "incident.resolved")
        kernel.watch(self.traffic.delivered, "message.delivered")
        kernel.watch(self.traffic.lost, "message.lost")
        kernel.watch(self.transport.no_route, "unit.no_route")  # a transport cut off diverts
        kernel.watch(self.transport.road_opened, "road.opened")  # or goes once it can
        self.traffic.answer("mutual_aid_request", self.aid.answer)

    # -- the facade's reads and hands --------------------------------------------------

    def emit(self, kind: str, **fields: Any) -> Event:
        """Log an event through the kernel (its watchers hear it)."""
        return self.kernel.emit(kind, **fields)

    def learn(self, agency: str, key: str, value: object, via: str, **more: Any) -> bool:
        """An agency learns a fact; False if it knew already (see ``Awareness.learn``)."""
        return self.awareness.learn(agency, key, value, via, **more)

    def send(self, kind: str, sender: str, to: str | None, **more: Any) -> str:
        """Put a message on the air (see ``Traffic.send``); returns its id."""
        return self.traffic.send(kind, sender, to, **more)

    def truth(self, key: str) -> object:
        """The ground-truth value of a fact now."""
        return self.lifecycle.truth(key)

    def responsible(self, incident: Incident, capability: Capability) -> str:
        """The agency that answers a capability at an incident."""
        return self.roster.responsible(incident, capability)

    def node_id(self, node: int) -> str:
        """The scenario's id of a road node."""
        return self.roster.node_id(node)

    def fleet(self, agency: str) -> list[Unit]:
        """An agency's units in id order."""
        return self.roster.fleet(agency)

    def agency_specs(self) -> list[Agency]:
        """Every agency, sorted by id."""
        return self.roster.agency_specs()

    def sorted_units(self) -> list[Unit]:
        """Units in id order."""
        return self.roster.sorted_units()

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
