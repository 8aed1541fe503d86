"""Carrying messages: each is one process on its channel's queue.

queued -> (wait) -> airtime (``setup_seconds + words / words_per_second``) -> sent ->
latency -> delivered, or lost with a reason (noise, no coverage, no path, saturated
phone lines, a CAD that is down). Every step is logged against the sender; what a
delivery or a loss sets off is for the watchers of ``message.delivered`` and
``message.lost``.
"""

from collections.abc import Iterator
from typing import Any

from simulator.engine.comms import Line, Network
from simulator.engine.kernel import Kernel
from simulator.engine.message import Message, Route
from simulator.engine.routing import Routing


class Carrier:
    """Puts messages on the air (or the wire) along the route chosen for them."""

    def __init__(self, kernel: Kernel, network: Network, routing: Routing) -> None:
        self.kernel = kernel
        self.network = network
        self.routing = routing
        self._loss = kernel.streams.get("comms_loss")
        self._count = 0

    # -- sending ---------------------------------------------------------------------

    def new_id(self) -> str:
        """A fresh message id, in send order."""
        self._count += 1
        return f"M{self._count}"

    def send(self, message: Message) -> None:
        """Route a message and start carrying it; every outcome is logged."""
        route, reason = self.routing.route(message)
        self.kernel.env.process(self._carry(message, route, reason))

    def _carry(self, message: Message, route: Route | None, reason: str) -> Iterator[Any]:
        env = self.kernel.env
        queued = env.now
        self._log(
            "message.queued",
            message,
            type=message.type,
            to=message.to,
            channel=route.channel if route else message.channel,
            path=route.path if route else None,
            level=route.level if route else None,
            facts=sorted(message.facts),
            words=message.words,
            text=message.text or None,
        )
        if route is None:
            self._lost(message, message.channel, reason)
            return
        line = self.network.lines[route.channel]
        with line.resource.request() as request:
            yield request
            failure = self._failure(message, route, line)
            if failure:
                self._lost(message, route.channel, failure)
                return
            airtime = line.spec.setup_seconds + message.words / line.spec.words_per_second
            wait = env.now - queued
            yield env.timeout(airtime)
        self._log(
            "message.sent",
            message,
            channel=route.channel,
            wait=round(wait, 3),
            airtime=round(airtime, 3),
        )
        if line.spec.latency_seconds:
            yield env.timeout(line.spec.latency_seconds)
        if self._loss.random() < line.spec.loss_probability:
            self._lost(message, route.channel, "noise")
            return
        self.kernel.emit(
            "message.delivered",
            agency=message.to,
            incident=message.incident,
            message=message.id,
            channel=route.channel,
            source=message.sender,
            latency=round(env.now - queued, 3),
            facts=sorted(message.facts),
        )

    def _log(self, kind: str, message: Message, **data: Any) -> None:
        """A step of a message's life, logged against its sender."""
        self.kernel.emit(
            kind,
            agency=message.sender,
            unit=message.unit,
            incident=message.incident,
            message=message.id,
            **data,
        )

    def _lost(self, message: Message, channel: str | None, reason: str) -> None:
        self._log("message.lost", message, channel=channel, reason=reason)
        if reason == "saturated" and channel:
            self.network.avoid.add((message.sender, channel))

    def _failure(self, message: Message, route: Route, line: Line) -> str:
        """Why a transmission fails as it starts, or ""."""
        if line.saturated:
            return "saturated"
        if route.path == "patch" and not self.routing.patched(route.channel, message.to):
            return "no_path"  # the patch was released while the message waited
        if route.path == "data" and (
            message.sender in self.network.cad_down or message.to in self.network.cad_down
        ):
            return "cad_down"
        if message.unit and line.radio and route.path not in ("talkaround", "command_post"):
            system = self.network.system[message.sender] if route.path in ("own", "patch") else None
            if not self.routing.covered(message.unit, system or line.spec.system):
                return "no_coverage"
        return ""

    # -- routing ---------------------------------------------------------------------
