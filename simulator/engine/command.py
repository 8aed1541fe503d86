"""Incident command: command posts, unified command, span of control, tasking clashes.

Doctrine (NIMS/ICS): one incident command post per incident; under unified command the
agencies share objectives, a tactical channel and what they learn; a supervisor
handles 3 to 7 units, 5 optimal. Without unified command, tasking from agencies on the
same scene can clash or repeat, and each clash costs the unit time.
"""

from typing import Protocol

from simulator.engine.awareness import Awareness
from simulator.engine.incident import Incident, needs
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.engine.routing import Routing
from simulator.engine.unit import Unit
from simulator.events import Event
from simulator.scenario.facts import incident_of
from simulator.scenario.vocabulary import Capability, UnitStatus


class Work(Protocol):
    """What command needs of the scene: a crew starting work, the work rate re-planned."""

    def arrive(self, unit: Unit, incident: Incident) -> None:
        """A unit begins work on scene."""

    def update_work(self, incident: Incident) -> None:
        """Settle progress so far and reschedule completion at the new rate."""


class Command:
    """Command posts, staging areas, unified command and span of control."""

    def __init__(
        self, kernel: Kernel, roster: Roster, awareness: Awareness, routing: Routing
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.routing = routing
        self.scene: Work  # the scene is built on command: see ``connect``
        self.posts: dict[str, tuple[str, str]] = {}  # incident -> (agency, unit)
        # staging area -> node: the scenario's, then those opened during the exercise
        self.staging = {
            a.id: roster.atlas.locate(a.location) for a in roster.scenario.staging_areas
        }
        self.unified: dict[str, list[str]] = {}  # incident -> agencies
        self._draw = self.kernel.streams.get("coordination")
        self._joining: dict[str, int] = {}

    def connect(self, scene: Work) -> None:
        """The scene, built after command, which command sends crews to and re-plans."""
        self.scene = scene

    # -- command post and unified command --------------------------------------------

    def present(self, incident: Incident) -> list[str]:
        """Units at the scene: working there, or held outside at its perimeter.

        ICS puts the command post outside the hazard area: a commander waiting at the
        perimeter (held, or for a precondition) commands from there.
        """
        units = self.roster.units
        outside = [
            u
            for u in sorted(incident.assigned - incident.on_scene)
            if units[u].status == UnitStatus.STAGED and units[u].staging is None
        ]
        return sorted(incident.on_scene) + outside

    def commanders(self, incident: Incident) -> set[str]:
        """Agencies with a command-capable unit at the scene (see ``present``)."""
        units = self.roster.units
        return {units[u].agency for u in self.present(incident) if units[u].can(Capability.COMMAND)}

    def on_scene_agencies(self, incident: Incident) -> set[str]:
        """Agencies with any unit working on scene."""
        return {self.roster.units[u].agency for u in incident.on_scene}

    def establish_post(self, agency: str, unit: Unit, incident: Incident) -> None:
        """An incident command post at the scene, set up by a command unit."""
        self.posts[incident.id] = (agency, unit.id)
        x, y = self.roster.atlas.roads.xy[incident.node]
        self.kernel.emit(
            "command_post.established",
            agency=agency,
            unit=unit.id,
            incident=incident.id,
            node=self.roster.node_id(incident.node),
            x=round(float(x), 1),
            y=round(float(y), 1),
        )

    def open_staging(self, area: str, node: int, agency: str) -> None:
        """A staging area set up during the exercise."""
        self.staging[area] = node
        x, y = self.roster.atlas.roads.xy[node]
        self.kernel.emit(
            "staging.opened",
            agency=agency,
            staging=area,
            node=self.roster.node_id(node),
            x=round(float(x), 1),
            y=round(float(y), 1),
        )

    def unify_problem(self, incident: Incident) -> str:
        """Why unified command cannot be established now, or ""."""
        if incident.id in self.unified:
            return "unified command is already established"
        if incident.id not in self.posts:
            return "set up a command post at the incident first"
        commanders = self.commanders(incident)
        if len(commanders) < 2:
            return "needs command units of at least two agencies at the scene"
        # Assisting (mutual-aid) agencies work under the host's command, not beside it.
        responsible = self.on_scene_agencies(incident) & set(incident.agencies)
        missing = sorted(responsible - commanders)
        if missing:
            return f"no command unit at the scene for {', '.join(missing)}"
        return ""

    def unify(self, incident: Incident) -> None:
        """Establish unified command: a shared channel, and every fact pooled."""
        agencies = sorted(self.commanders(incident))
        self.unified[incident.id] = agencies
        channel = self.routing.open_post(incident.id, agencies)
        self.kernel.emit(
            "unified_command.established",
            incident=incident.id,
            agencies=agencies,
            channel=channel,
        )
        for agency in agencies:
            for key, value in self.awareness.knowledge.about(agency, incident.id).items():
                self.on_learned(agency, key, value)
        self.scene.update_work(incident)

    def learned(self, event: Event) -> None:
        """A fact learnt reaches the agency's partners at a post (``fact.learned``)."""
        self.on_learned(event.agency or "", event.data["fact"], event.data["value"])

    def on_learned(self, agency: str, key: str, value: object) -> None:
        """Under unified command, what one agency learns reaches the others at the post."""
        incident = incident_of(key)
        agencies = self.unified.get(incident or "")
        if not agencies or agency not in agencies:
            return
        delay = self.roster.scenario.communications.command_post_seconds
        for other in agencies:
            if other != agency and self.awareness.knowledge.value(other, key) != value:
                self.kernel.at(delay, self._pool, agency, other, key)

    def _pool(self, source: str, other: str, key: str) -> None:
        """Pass on the source's value as it is now, unless the other holds a newer one."""
        facts = self.awareness.knowledge.facts
        held, theirs = facts[source][key], facts[other].get(key)
        if theirs is None or (theirs.value != held.value and theirs.t < held.t):
            self.awareness.learn(other, key, held.value, "command_post", by=source)

    # -- span of control -------------------------------------------------------------

    def span_factor(self, incident: Incident) -> tuple[float, int, int]:
        """Work-rate multiplier from span of control, with supervisors and units.

        Each agency supervises its own units unless unified command pools them. With
        no command unit, the first officer on scene supervises (one implicit supervisor).
        """
        units = self.roster.units
        limit = self.roster.scenario.settings.span_of_control
        groups: dict[str, list[Unit]] = {}
        pooled = incident.id in self.unified
        for unit_id in sorted(incident.on_scene):
            unit = units[unit_id]
            groups.setdefault("all" if pooled else unit.agency, []).append(unit)
        factor, supervisors, workers = 1.0, 0, 0
        for members in groups.values():
            bosses = sum(1 for u in members if u.can(Capability.COMMAND))
            crews = len(members) - bosses
            supervisors += bosses
            workers += crews
            if crews:
                factor = min(factor, max(bosses, 1) * limit / crews)
        return min(1.0, factor), supervisors, workers

    # -- tasking without unified command ---------------------------------------------

    def clash(self, unit: Unit, incident: Incident) -> tuple[str, str] | None:
        """A duplicated or conflicting assignment for an arriving unit, if any.

        Returns (kind, other agency). Only without unified command and with another
        agency already working the scene.
        """
        if incident.id in self.unified:
            return None
        units = self.roster.units
        others = sorted(self.on_scene_agencies(incident) - {unit.agency})
        if not others:
            return None
        wanted = needs(self.roster.units, incident)
        useful = sorted(c for c in wanted if unit.can(c) and c != Capability.COMMAND)
        if useful and all(wanted[c][2] >= wanted[c][0] for c in useful):
            covering = next(
                (
                    units[u].agency
                    for u in sorted(incident.on_scene)
                    if units[u].agency != unit.agency and any(units[u].can(c) for c in useful)
                ),
                None,
            )
            if covering:
                return "duplicated", covering
        if self._draw.random() < self.roster.scenario.settings.conflict_probability:
            return "conflicted", others[0]
        return None

    def delay_join(self, unit: Unit, incident: Incident, kind: str, other: str) -> None:
        """Log a clash; the unit starts work only after sorting it out."""
        cost = self.roster.scenario.settings.conflict_seconds
        token = self._joining.get(unit.id, 0) + 1
        self._joining[unit.id] = token
        self.kernel.emit(
            f"assignment.{kind}",
            agency=unit.agency,
            unit=unit.id,
            incident=incident.id,
            with_agency=other,
            cost=cost,
        )
        self.kernel.at(cost, self._join, unit, incident, token, cost)

    def _join(self, unit: Unit, incident: Incident, token: int, waited: float) -> None:
        if self._joining.get(unit.id) != token or unit.incident != incident.id:
            return
        if incident.resolved or unit.id in incident.on_scene:
            return
        if unit.status == UnitStatus.ON_SCENE:
            self.kernel.emit(
                "assignment.sorted",
                agency=unit.agency,
                unit=unit.id,
                incident=incident.id,
                waited=waited,
            )
            self.scene.arrive(unit, incident)
