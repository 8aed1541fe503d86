"""Routing: the path a message takes, by the SAFECOM continuum.

Own dispatch channel; from a dispatch centre the CAD-to-CAD data link, then phone; a
shared system, an interoperability talkgroup, a console patch, the EOC bridge, the
unified command post's liaison, and between field units talk-around. A field unit
outside every serving site's radius cannot use that system.
"""

import math
from collections.abc import Iterator

from simulator.engine.comms import Line, Network
from simulator.engine.kernel import Kernel
from simulator.engine.message import Message, Route
from simulator.engine.movement import Movement
from simulator.engine.roster import Roster


class Routing:
    """Chooses each message's path over the network as it stands now."""

    def __init__(self, kernel: Kernel, roster: Roster, network: Network, movement: Movement):
        self.kernel = kernel
        self.roster = roster
        self.network = network
        self.movement = movement
        self.posts: dict[str, list[str]] = {}  # incident -> agencies in unified command

    def open_post(self, incident: str, agencies: list[str]) -> str:
        """Unified command's liaison channel joins these agencies at the post."""
        self.posts[incident] = agencies
        return self.post_line(incident, agencies[0], agencies[1]) or ""

    def post_line(self, incident: str | None, sender: str, to: str | None) -> str | None:
        """The command post's liaison channel, if both agencies sit in unified command."""
        agencies = self.posts.get(incident or "")
        if not agencies or sender not in agencies or to not in agencies:
            return None
        settings = self.network.settings
        return self.network.virtual(
            f"cp-{incident}",
            f"Unified command post {incident}",
            "bridge",
            capacity=10,
            latency=settings.command_post_seconds,
            agencies=agencies,
        )

    def route(self, message: Message) -> tuple[Route | None, str]:
        """The best path from sender to recipient, or None and why there is none."""
        if message.channel:
            return self._explicit(message)
        if message.to == message.sender:
            line = self.network.dispatch_line(message.sender)
            return Route(line, "own"), ""
        blocked = False
        for route in self._candidates(message):
            line = self.network.lines[route.channel]
            if message.unit and line.radio and route.path not in ("talkaround", "command_post"):
                system = (
                    self.network.system[message.sender]
                    if route.path == "patch"
                    else line.spec.system
                )
                if not self.covered(message.unit, system):
                    blocked = True
                    continue
            return route, ""
        return None, "no_coverage" if blocked else "no_path"

    def _explicit(self, message: Message) -> tuple[Route | None, str]:
        line = self.network.lines.get(message.channel or "")
        if line is None:
            return None, "no_path"
        sender, to = message.sender, message.to
        if to is None or (sender in line.members and to in line.members):
            return Route(line.spec.id, self._path(line, sender, to)), ""
        if sender in line.members and self.patched(line.spec.id, to):
            return Route(line.spec.id, "patch"), ""
        return None, "no_path"

    def _path(self, line: Line, sender: str, to: str | None) -> str:
        kind = line.spec.kind
        if kind in ("phone", "data", "bridge"):
            return kind
        if to in (None, sender):
            return "own"
        if kind == "interop":
            return "talkgroup"
        return "shared"

    def _candidates(self, message: Message) -> Iterator[Route]:
        sender, to = message.sender, message.to
        both = [
            ln for ln in self.network.lines.values() if sender in ln.members and to in ln.members
        ]
        usable = [ln for ln in both if (sender, ln.spec.id) not in self.network.avoid]
        if message.unit is None:
            for kind in ("data", "phone"):
                for line in usable:
                    if line.spec.kind == kind and not (kind == "data" and self._cad_out(message)):
                        yield Route(line.spec.id, kind)
        for kind, path in (
            ("dispatch", "shared"),
            ("tactical", "shared"),
            ("interop", "talkgroup"),
        ):
            for line in usable:
                if line.spec.kind == kind:
                    yield Route(line.spec.id, path)
        for line in self.network.lines.values():
            if sender in line.members and line.radio and self.patched(line.spec.id, to):
                yield Route(line.spec.id, "patch")
        if message.unit is None:
            for line in usable:
                if line.spec.kind == "bridge" and line.spec.id not in self.network.virtuals:
                    yield Route(line.spec.id, "bridge")
        post = self.post_line(message.incident, sender, to)
        if post:
            yield Route(post, "command_post")
        if message.unit and self._talkaround(message.unit, to):
            yield Route(self.network.talkaround_line(), "talkaround")

    def _cad_out(self, message: Message) -> bool:
        return message.sender in self.network.cad_down or message.to in self.network.cad_down

    def patched(self, channel: str, to: str | None) -> bool:
        """Whether a live console patch joins ``channel`` to one ``to`` listens on."""
        for a, b in sorted(self.network.live):
            other = b if a == channel else a if b == channel else None
            if other and to in self.network.lines[other].members:
                return True
        return False

    def covered(self, unit_id: str, system: str | None) -> bool:
        """Whether a field unit is within reach of a serving site of that system."""
        if system is None:
            return True
        x, y = self._position(unit_id)
        return self.network.coverage.covered(system, x, y)

    def _talkaround(self, unit_id: str, to: str | None) -> bool:
        if to is None:
            return False
        x, y = self._position(unit_id)
        reach = self.network.settings.talkaround_m
        for other in self.roster.fleet(to):
            ox, oy = self._position(other.id)
            if math.hypot(x - ox, y - oy) <= reach:
                return True
        return False

    def _position(self, unit_id: str) -> tuple[float, float]:
        return self.movement.position(self.roster.units[unit_id], self.kernel.now)
