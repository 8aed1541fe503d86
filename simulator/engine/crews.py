"""Crews through their assignments: dispatch, the drive, the perimeter, the scene, home.

A unit turns out (at its station), drives to the scene, waits at a staging area or the
perimeter while a precondition or its dispatcher holds it, sizes up the scene and goes
to work, and drives home when released; a closure nobody told its agency of stops it
at the barrier. Units also go out of and back into service.
"""

import itertools
import math
from collections.abc import Callable
from typing import Any, Protocol

from simulator.engine.awareness import Awareness
from simulator.engine.incident import Incident, Readiness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.movement import Movement
from simulator.engine.roster import Roster
from simulator.engine.traffic import Traffic
from simulator.engine.unit import Unit
from simulator.events import Event
from simulator.scenario.facts import fact_key
from simulator.scenario.vocabulary import UnitStatus

# A blocked unit waits at a declared staging area if one is this close to the scene.
STAGING_RADIUS_M = 3000.0


class Work(Protocol):
    """What crews need of the scene: starting and stopping work there."""

    def arrive(self, unit: Unit, incident: Incident) -> None:
        """A unit begins work on scene."""

    def leave(self, unit: Unit, incident: Incident) -> None:
        """A unit stops working the incident."""


class SizeUp(Protocol):
    """What crews need of hazards: sizing up a scene from inside and from outside."""

    def observe(self, unit: Unit, incident: Incident) -> bool:
        """Whether the unit may go to work after sizing up the scene."""

    def size_up_outside(self, unit: Unit, incident: Incident) -> None:
        """A crew at the perimeter reports what shows from the street."""


class Tasking(Protocol):
    """What crews need of incident command: clashes in tasking, and their cost."""

    def clash(self, unit: Unit, incident: Incident) -> tuple[str, str] | None:
        """A duplicated or conflicting assignment for an arriving unit, if any."""

    def delay_join(self, unit: Unit, incident: Incident, kind: str, other: str) -> None:
        """Log a clash; the unit starts work only after sorting it out."""


class Crews:
    """Every unit's status changes and the trips between them."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        incidents: Incidents,
        awareness: Awareness,
        movement: Movement,
        traffic: Traffic,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        self.movement = movement
        self.traffic = traffic
        self.pending_out_of_service: dict[str, str] = {}  # unit -> why, once handed over
        # Built on crews, so connected after them: see ``connect``.
        self.scene: Work
        self.hazards: SizeUp
        self.command: Tasking

    def connect(self, scene: Work, hazards: SizeUp, command: Tasking) -> None:
        """The scene, hazards and command, which crews arriving on scene go through."""
        self.scene, self.hazards, self.command = scene, hazards, command

    def resolved(self, event: Event) -> None:
        """Every crew still committed to a resolved incident goes home."""
        incident = self.incidents[event.incident or ""]
        for unit_id in sorted(incident.assigned):
            self.send_home(self.roster.units[unit_id])

    def set_status(self, unit: Unit, status: UnitStatus, **data: Any) -> None:
        """Change a unit's status and log the transition."""
        prev = unit.status
        unit.status = status
        self.kernel.emit(
            f"unit.{status.value}",
            agency=unit.agency,
            unit=unit.id,
            incident=unit.incident,
            prev=prev.value,
            **data,
        )

    def detach(self, unit: Unit) -> None:
        """Take a unit off whatever incident it is committed to."""
        if unit.incident is not None:
            incident = self.incidents[unit.incident]
            self.scene.leave(unit, incident)
            unit.incident = None
        unit.staging = None
        unit.held = False

    def dispatch(self, unit: Unit, incident: Incident, hold: bool = False) -> None:
        """Assign a unit; it turns out (if at its station) and drives to the scene.

        A held unit stops at the perimeter until ``order_in`` (Level I staging).
        """
        previous = unit.incident
        self.detach(unit)
        turnout = self.roster.agency(unit.agency).turnout if unit.at_home else 0.0
        unit.incident = incident.id
        unit.held = hold
        incident.assigned.add(unit.id)
        eta = float(self.movement.eta(unit, incident.node)) + turnout
        self.set_status(
            unit,
            UnitStatus.DISPATCHED,
            reassigned_from=previous,
            eta=round(self.kernel.env.now + eta, 3),
        )
        if turnout > 0:
            unit.epoch += 1
            self.kernel.at(turnout, self._roll, unit, incident, unit.epoch)
        else:
            self._roll(unit, incident, unit.epoch)

    def _roll(self, unit: Unit, incident: Incident, epoch: int) -> None:
        if unit.epoch != epoch or unit.incident != incident.id:
            return
        reason = self.awareness.blocked(unit, incident)
        area = self._staging_near(incident) if reason else None
        if area is not None:
            target, on_arrive = (
                self.command.staging[area],
                lambda u: self._at_staging(u, area, reason),
            )
        else:
            target, on_arrive = incident.node, self._at_scene
        barrier = self._unknown_closure(unit, target)
        if barrier is not None:
            node, name = barrier
            target, on_arrive = node, self.at_barrier(name, target, on_arrive)
        if not self.movement.send(unit, target, on_arrive):
            self.movement.hold(unit)
            self.detach(unit)
            self.set_status(unit, UnitStatus.AVAILABLE, reason="no open road to the incident")
            return
        self.set_status(
            unit,
            UnitStatus.EN_ROUTE,
            to=self.roster.node_id(target),
            staging=area,
            path=self.movement.path_ids(unit),
            eta=round(float(unit.trip.end), 3),
        )

    def _unknown_closure(self, unit: Unit, target: int) -> tuple[int, str] | None:
        """Where a unit's believed route hits a closure its agency was not told of."""
        roads = self.roster.atlas.roads
        unknown = {
            k
            for k in roads.closed
            if roads.names[k]
            and not self.awareness.knowledge.value(unit.agency, fact_key("closure", roads.names[k]))
        }
        if not unknown:
            return None
        origin, _ = self.movement.origin(unit)
        path = roads.believed_path(origin, target, unknown)
        for u, v in itertools.pairwise(path):
            edge = roads.edge_of[(u, v)]
            if edge in unknown:
                return (u, roads.names[edge]) if u != origin else None
        return None

    def at_barrier(
        self, name: str, target: int, on_arrive: Callable[[Unit], None]
    ) -> Callable[[Unit], None]:
        """What a unit does on reaching a closure it was not told of: report, reroute."""

        def arrived(unit: Unit) -> None:
            self.kernel.emit(
                "unit.blocked",
                agency=unit.agency,
                unit=unit.id,
                incident=unit.incident,
                road=name,
                reason="drove into a closure its agency did not know of",
            )
            self.traffic.report(unit, unit.incident, {fact_key("closure", name): True})
            if self.movement.send(unit, target, on_arrive):
                self.movement.rerouted(unit)

        return arrived

    def await_word(self, unit: Unit, incident: Incident) -> None:
        """A staged crew hears from the staging manager, in a while, what is already met.

        Without this a unit whose dispatch was never told would wait for ever.
        """
        met = {
            fact_key("condition", incident.id, g.spec.id): "met"
            for g in incident.gates
            if g.state == Readiness.MET
        }
        if met:
            delay = self.roster.scenario.communications.retry_seconds
            self.kernel.at(delay, self.traffic.report, unit, incident.id, met)

    def _staging_near(self, incident: Incident) -> str | None:
        xy = self.roster.atlas.roads.xy
        best, best_d = None, STAGING_RADIUS_M
        for area, node in sorted(self.command.staging.items()):
            d = math.dist(xy[node], xy[incident.node])
            if d <= best_d:
                best, best_d = area, d
        return best

    def _at_staging(self, unit: Unit, area: str, reason: str) -> None:
        unit.staging = area
        incident = self.incidents[unit.incident]
        if not self.awareness.blocked(unit, incident):
            self.proceed_from_staging(unit, incident)
            return
        self.set_status(unit, UnitStatus.STAGED, at=area, reason=f"waiting for {reason}")
        self.await_word(unit, incident)

    def _at_scene(self, unit: Unit) -> None:
        incident = self.incidents[unit.incident]
        if incident.resolved:
            self.send_home(unit)
            return
        if unit.held:
            unit.staging = None
            self.set_status(unit, UnitStatus.STAGED, at="perimeter", reason="held by dispatch")
            self.hazards.size_up_outside(unit, incident)
            return
        reason = self.awareness.blocked(unit, incident)
        if reason:
            unit.staging = None
            self.set_status(unit, UnitStatus.STAGED, at="perimeter", reason=f"waiting for {reason}")
            self.hazards.size_up_outside(unit, incident)
            self.await_word(unit, incident)
            return
        self.set_status(unit, UnitStatus.ON_SCENE)
        if self.hazards.observe(unit, incident):
            self._enter(unit, incident)

    def _enter(self, unit: Unit, incident: Incident) -> None:
        clash = self.command.clash(unit, incident)
        if clash:
            self.command.delay_join(unit, incident, *clash)
        else:
            self.scene.arrive(unit, incident)

    def order_in(self, unit: Unit, incident: Incident) -> None:
        """A held unit goes in (or, still on its way, will on arrival).

        A precondition still unmet keeps it waiting, as it would any crew: at the
        perimeter, or at its staging area until the word releases it with the others.
        """
        unit.held = False
        if unit.status != UnitStatus.STAGED:
            return
        reason = self.awareness.blocked(unit, incident)
        if not reason:
            self.proceed_from_staging(unit, incident)
            return
        # Its dispatcher hears why it still waits (released with the others on the word).
        at = unit.staging or "perimeter"
        self.set_status(unit, UnitStatus.STAGED, at=at, reason=f"waiting for {reason}")
        if unit.staging is None:
            self.await_word(unit, incident)

    def proceed_from_staging(self, unit: Unit, incident: Incident) -> None:
        """A staged unit whose precondition now holds moves in.

        From a staging area with every road to the scene closed, it stays staged there
        until one reopens (``after_reopening``).
        """
        if unit.staging is None:
            self.set_status(unit, UnitStatus.ON_SCENE, released=True)
            if self.hazards.observe(unit, incident):
                self._enter(unit, incident)
            return
        if not self.movement.send(unit, incident.node, self._at_scene):
            self.movement.hold(unit)
            reason = "no open road to the incident"
            self.set_status(unit, UnitStatus.STAGED, at=unit.staging, reason=reason)
            return
        area, unit.staging = unit.staging, None
        self.set_status(
            unit,
            UnitStatus.EN_ROUTE,
            to=self.roster.node_id(incident.node),
            released=area,
            path=self.movement.path_ids(unit),
            eta=round(float(unit.trip.end), 3),
        )

    def after_reopening(self) -> None:
        """Crews kept at a staging area only by closed roads go in once one reopens.

        One still cut off stays as it is, without saying so again at every reopening.
        """
        roads = self.roster.atlas.roads
        for unit in self.roster.sorted_units():
            if unit.status != UnitStatus.STAGED or unit.held or not unit.staging:
                continue
            incident = self.incidents.get(unit.incident or "")
            if incident is None or self.awareness.blocked(unit, incident):
                continue
            node, _ = self.movement.origin(unit)
            if math.isfinite(roads.seconds_to(incident.node)[node]):
                self.proceed_from_staging(unit, incident)

    def send_home(self, unit: Unit, reason: str = "") -> None:
        """Release a unit; it drives back to its station and is available on arrival."""
        released = unit.incident
        self.detach(unit)
        if unit.trip is None and unit.node == unit.home:
            self.movement.hold(unit)
            self.set_status(
                unit, UnitStatus.AVAILABLE, released_from=released, reason=reason or None
            )
            return
        self.movement.send(unit, unit.home, self._at_station)
        self.set_status(
            unit,
            UnitStatus.RETURNING,
            released_from=released,
            path=self.movement.path_ids(unit),
            eta=round(float(unit.trip.end), 3),
            reason=reason or None,
        )

    def _at_station(self, unit: Unit) -> None:
        if unit.status == UnitStatus.RETURNING:
            self.set_status(unit, UnitStatus.AVAILABLE)

    def stage(self, unit: Unit, area: str) -> None:
        """Pre-position a unit at a staging area, where it waits available."""
        self.detach(unit)
        self.movement.send(unit, self.command.staging[area], lambda u: self._parked(u, area))
        self.set_status(
            unit,
            UnitStatus.EN_ROUTE,
            to=self.roster.node_id(self.command.staging[area]),
            staging=area,
            path=self.movement.path_ids(unit),
            eta=round(float(unit.trip.end), 3),
        )

    def _parked(self, unit: Unit, area: str) -> None:
        unit.staging = area
        self.set_status(unit, UnitStatus.STAGED, at=area, reason="pre-positioned")

    def set_service(self, unit: Unit, in_service: bool, reason: str) -> None:
        """Out of service (home now, or after a hand-over under way), or back in service."""
        if in_service:
            if unit.status == UnitStatus.OUT_OF_SERVICE:
                self.set_status(unit, UnitStatus.AVAILABLE, reason=reason)
            elif self.pending_out_of_service.pop(unit.id, None) is not None:
                self.kernel.emit(
                    "unit.out_of_service_cancelled", agency=unit.agency, unit=unit.id, reason=reason
                )
            return
        if unit.status == UnitStatus.OUT_OF_SERVICE or unit.id in self.pending_out_of_service:
            return
        if unit.status in (UnitStatus.TRANSPORTING, UnitStatus.AT_HOSPITAL):
            self.pending_out_of_service[unit.id] = reason
            self.kernel.emit(
                "unit.out_of_service_pending", agency=unit.agency, unit=unit.id, reason=reason
            )
            return
        self.take_out_of_service(unit, reason)

    def take_out_of_service(self, unit: Unit, reason: str) -> None:
        """A unit leaves service now: off its incident, and home if it is away."""
        released = unit.incident
        self.detach(unit)
        self.set_status(unit, UnitStatus.OUT_OF_SERVICE, released_from=released, reason=reason)
        if unit.trip is not None or unit.node != unit.home:
            self.movement.send(unit, unit.home, lambda u: None)
        else:
            self.movement.hold(unit)
