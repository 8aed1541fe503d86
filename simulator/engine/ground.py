"""Orders about the ground: roads closed and opened, staging areas, command posts."""

from simulator.commands import CloseRoad, CommandPost, OpenRoad, OpenStaging, UnifiedCommand
from simulator.engine.awareness import Awareness
from simulator.engine.closures import Closures
from simulator.engine.command import Command
from simulator.engine.incidents import Incidents
from simulator.engine.orders import Handlers
from simulator.engine.roster import Roster
from simulator.engine.verdict import Verdict, known_incident, own_units
from simulator.scenario.vocabulary import Capability
from simulator.world.atlas import SNAP_LIMIT_M


class Ground:
    """Where agencies work: the roads, the staging areas and the command post."""

    def __init__(
        self,
        roster: Roster,
        incidents: Incidents,
        awareness: Awareness,
        closures: Closures,
        command: Command,
    ) -> None:
        self.roster = roster
        self.incidents = incidents
        self.awareness = awareness
        self.closures = closures
        self.command = command

    def orders(self) -> Handlers:
        """The command handlers of this desk."""
        return {
            CloseRoad: self._close,
            OpenRoad: self._open,
            CommandPost: self._command_post,
            UnifiedCommand: self._unified,
            OpenStaging: self._open_staging,
        }

    def _close(self, command: CloseRoad) -> Verdict:
        edges, reason = self.roster.atlas.road_edges(command.road, command.between)
        if reason:
            return reason, None
        if not set(edges) - self.roster.atlas.roads.closed:
            return self._found(edges, command.agency, "that road is already closed")
        return "", lambda: self.closures.close(
            edges, by=command.agency, told=[command.agency], via="own"
        )

    def _open(self, command: OpenRoad) -> Verdict:
        edges, reason = self.roster.atlas.road_edges(command.road, command.between)
        if reason:
            return reason, None
        if not set(edges) & self.roster.atlas.roads.closed:
            return self._found(edges, command.agency, "that road is not closed")
        return "", lambda: self.closures.reopen(
            edges, by=command.agency, told=[command.agency], via="own"
        )

    def _found(self, edges: list[int], agency: str, reason: str) -> Verdict:
        """An order to make a road as it already is: refused, unless the agency is unaware.

        Refused, it would tell the dispatcher (and, through the view greying it out,
        anyone merely looking) how a street stands that nobody reported: so where the
        agency holds a street to be otherwise, the crew goes and finds it, and the
        agency learns. A road with no street name is a fact no one holds, so that
        refusal stays.
        """
        if not self.closures.untold(edges, agency):
            return reason, None
        return "", lambda: self.closures.found(edges, agency)

    def _command_post(self, command: CommandPost) -> Verdict:
        incident, reason = known_incident(
            self.incidents, self.awareness, command.agency, command.incident
        )
        if reason:
            return reason, None
        units, reason = own_units(self.roster, command.agency, [command.unit])
        if reason:
            return reason, None
        unit = units[0]
        if not unit.can(Capability.COMMAND):
            return f"unit {unit.id} is not a command unit", None
        if unit.id not in self.command.present(incident):
            return f"unit {unit.id} is not at {incident.id} (on scene or at its perimeter)", None
        if incident.id in self.command.posts:
            holder = self.command.posts[incident.id][0]
            return f"{incident.id} already has a command post (set up by {holder})", None
        return "", lambda: self.command.establish_post(command.agency, unit, incident)

    def _unified(self, command: UnifiedCommand) -> Verdict:
        incident, reason = known_incident(
            self.incidents, self.awareness, command.agency, command.incident
        )
        if reason:
            return reason, None
        if command.agency not in self.command.commanders(incident):
            return f"{command.agency} has no command unit at {incident.id}", None
        reason = self.command.unify_problem(incident)
        if reason:
            return reason, None
        return "", lambda: self.command.unify(incident)

    def _open_staging(self, command: OpenStaging) -> Verdict:
        if command.id in self.command.staging:
            return f"staging area {command.id!r} already exists", None
        roads = self.roster.atlas.roads
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
        return "", lambda: self.command.open_staging(command.id, node, command.agency)
