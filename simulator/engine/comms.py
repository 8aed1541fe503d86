"""Messages over channels: routing by the SAFECOM continuum, queueing, airtime, loss.

A voice channel is a simpy ``Resource`` (one transmission at a time, the rest queue).
Each message is one process: queued -> (wait) -> airtime -> sent -> latency ->
delivered or lost. The path chosen and its SAFECOM interoperability level are logged
on the message, so review can see how agencies actually talked.
"""

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from simulator.engine.radio import Coverage
from simulator.scenario.comms import Channel
from simulator.scenario.msel import Fault
from simulator.scenario.plan import default_plan, members, radio_system

if TYPE_CHECKING:
    from simulator.engine.core import Engine

# SAFECOM interoperability continuum level of each path (phone, data, own: not radio
# interoperability, so no level).
LEVEL: dict[str, int | None] = {
    "own": None,
    "data": None,
    "phone": None,
    "bridge": None,
    "command_post": 1,
    "talkaround": 2,
    "talkgroup": 3,
    "patch": 4,
    "shared": 6,
}

# Spoken length of each kind of message, in words, before its facts.
WORDS = {
    "sitrep": 30,
    "share": 12,
    "resource_request": 20,
    "mutual_aid_request": 25,
    "assignment": 15,
    "ack": 4,
}
WORDS_PER_FACT = 8
BURST_SECONDS = 8.0  # mean length of one background transmission on a congested channel


@dataclass(eq=False)
class Message:
    """One message, from an agency (or one of its units) to an agency or a channel."""

    id: str
    type: str
    sender: str
    to: str | None
    unit: str | None = None
    incident: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    channel: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def words(self) -> int:
        """Spoken length; sets the airtime on a voice channel."""
        base = WORDS.get(self.type, 10) + len(self.text.split())
        return base + WORDS_PER_FACT * len(self.facts)


@dataclass(frozen=True)
class Route:
    """How a message will travel."""

    channel: str
    path: str

    @property
    def level(self) -> int | None:
        """SAFECOM continuum level, or None when not a radio interoperability path."""
        return LEVEL[self.path]


@dataclass(eq=False)
class Line:
    """A live channel: its definition, members, queue and faults."""

    spec: Channel
    members: frozenset[str]
    resource: simpy.Resource
    saturated: bool = False
    congestions: set[int] = field(default_factory=set)  # MSEL seqs of active congestion

    @property
    def congested(self) -> bool:
        """Whether background traffic is loading it now."""
        return bool(self.congestions)

    @property
    def faulty(self) -> bool:
        """Whether a fault inject is degrading it now."""
        return self.saturated or self.congested

    @property
    def radio(self) -> bool:
        """Whether it is a voice radio channel (coverage applies)."""
        return self.spec.medium == "radio"


class Network:
    """Every channel, patch and fault; routes and carries messages."""

    def __init__(self, engine: "Engine"):
        self.engine = engine
        scenario = engine.scenario
        self.settings = scenario.communications
        systems, channels = default_plan(scenario)
        self.coverage = Coverage(systems, engine.atlas)
        self.lines: dict[str, Line] = {
            c.id: Line(c, members(scenario, c), simpy.Resource(engine.env, capacity=c.capacity))
            for c in sorted(channels, key=lambda c: c.id)
        }
        self.system = {a.id: radio_system(scenario, a.id) for a in engine.agency_specs()}
        self.patches: dict[tuple[str, str], str] = {}  # channel pair -> agency holding it
        self._patch_token: dict[tuple[str, str], int] = {}  # the request a timer belongs to
        self.live: set[tuple[str, str]] = set()  # patches carrying traffic
        self.cad_down: set[str] = set()
        self.virtuals: set[str] = set()  # channels the exercise made (talk-around, posts)
        self._avoid: set[tuple[str, str]] = set()  # (sender, channel) known to be failing
        self._faults: Counter[tuple[str, str]] = Counter()  # (kind, target) -> active injects
        self._loss = engine.streams.get("comms_loss")
        self._count = 0

    # -- sending ---------------------------------------------------------------------

    def new_id(self) -> str:
        """A fresh message id, in send order."""
        self._count += 1
        return f"M{self._count}"

    def send(self, message: Message) -> None:
        """Route a message and start carrying it; every outcome is logged."""
        route, reason = self.route(message)
        self.engine.env.process(self._carry(message, route, reason))

    def _carry(self, message: Message, route: Route | None, reason: str) -> Iterator[Any]:
        engine = self.engine
        env = engine.env
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
        line = self.lines[route.channel]
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
        engine.emit(
            "message.delivered",
            agency=message.to,
            incident=message.incident,
            message=message.id,
            channel=route.channel,
            source=message.sender,
            latency=round(env.now - queued, 3),
            facts=sorted(message.facts),
        )
        engine.deliver(message)

    def _log(self, kind: str, message: Message, **data: Any) -> None:
        """A step of a message's life, logged against its sender."""
        self.engine.emit(
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
            self._avoid.add((message.sender, channel))
        self.engine.message_lost(message, reason)

    def _failure(self, message: Message, route: Route, line: Line) -> str:
        """Why a transmission fails as it starts, or ""."""
        if line.saturated:
            return "saturated"
        if route.path == "data" and (
            message.sender in self.cad_down or message.to in self.cad_down
        ):
            return "cad_down"
        if message.unit and line.radio and route.path not in ("talkaround", "command_post"):
            system = self.system[message.sender] if route.path in ("own", "patch") else None
            if not self._covered(message.unit, system or line.spec.system):
                return "no_coverage"
        return ""

    # -- routing ---------------------------------------------------------------------

    def route(self, message: Message) -> tuple[Route | None, str]:
        """The best path from sender to recipient, or None and why there is none."""
        if message.channel:
            return self._explicit(message)
        if message.to == message.sender:
            line = self.dispatch_line(message.sender)
            return Route(line, "own"), ""
        blocked = False
        for route in self._candidates(message):
            line = self.lines[route.channel]
            if message.unit and line.radio and route.path not in ("talkaround", "command_post"):
                system = self.system[message.sender] if route.path == "patch" else line.spec.system
                if not self._covered(message.unit, system):
                    blocked = True
                    continue
            return route, ""
        return None, "no_coverage" if blocked else "no_path"

    def _explicit(self, message: Message) -> tuple[Route | None, str]:
        line = self.lines.get(message.channel or "")
        if line is None:
            return None, "no_path"
        sender, to = message.sender, message.to
        if to is None or (sender in line.members and to in line.members):
            return Route(line.spec.id, self._path(line, sender, to)), ""
        if sender in line.members and self._patched(line.spec.id, to):
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
        both = [ln for ln in self.lines.values() if sender in ln.members and to in ln.members]
        usable = [ln for ln in both if (sender, ln.spec.id) not in self._avoid]
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
        for line in self.lines.values():
            if sender in line.members and line.radio and self._patched(line.spec.id, to):
                yield Route(line.spec.id, "patch")
        if message.unit is None:
            for line in usable:
                if line.spec.kind == "bridge" and line.spec.id not in self.virtuals:
                    yield Route(line.spec.id, "bridge")
        post = self.engine.command.post_line(message.incident, sender, to)
        if post:
            yield Route(post, "command_post")
        if message.unit and self._talkaround(message.unit, to):
            yield Route(self.talkaround_line(), "talkaround")

    def _cad_out(self, message: Message) -> bool:
        return message.sender in self.cad_down or message.to in self.cad_down

    def _patched(self, channel: str, to: str | None) -> bool:
        for a, b in sorted(self.live):
            other = b if a == channel else a if b == channel else None
            if other and to in self.lines[other].members:
                return True
        return False

    def _covered(self, unit_id: str, system: str | None) -> bool:
        if system is None:
            return True
        x, y = self.engine.position(unit_id)
        return self.coverage.covered(system, x, y)

    def _talkaround(self, unit_id: str, to: str | None) -> bool:
        if to is None:
            return False
        x, y = self.engine.position(unit_id)
        reach = self.settings.talkaround_m
        for other in self.engine.fleet(to):
            ox, oy = self.engine.position(other.id)
            if math.hypot(x - ox, y - oy) <= reach:
                return True
        return False

    def dispatch_line(self, agency: str) -> str:
        """The agency's own dispatch channel."""
        return next(
            line.spec.id
            for line in self.lines.values()
            if line.spec.kind == "dispatch" and agency in line.members
        )

    def talkaround_line(self) -> str:
        """The simplex channel units use directly, created on first use."""
        return self.virtual("talkaround", "Talk-around (simplex)", "tactical", capacity=20)

    def virtual(
        self,
        ident: str,
        name: str,
        kind: str,
        capacity: int,
        latency: float = 0.5,
        agencies: list[str] | None = None,
    ) -> str:
        """A channel the exercise creates (talk-around, a command post's liaison)."""
        if ident not in self.lines:
            joined = sorted(agencies) if agencies is not None else sorted(self.system)
            spec = Channel(
                id=ident,
                name=name,
                kind=kind,
                system=ident if kind == "tactical" else None,
                members=joined,
                capacity=capacity,
                latency_seconds=latency,
                loss_probability=0.0,
            )
            resource = simpy.Resource(self.engine.env, capacity=capacity)
            self.lines[ident] = Line(spec, frozenset(joined), resource)
            self.virtuals.add(ident)
        return ident

    # -- patches and faults ----------------------------------------------------------

    def patch(self, agency: str, a: str, b: str) -> None:
        """A dispatcher joins two channels at a console (SAFECOM level 4)."""
        pair = tuple(sorted((a, b)))
        self.patches[pair] = agency  # the console is held from the request on
        self._patch_token[pair] = token = self._patch_token.get(pair, 0) + 1
        self.engine.emit("patch.requested", agency=agency, channels=list(pair))
        self.engine.at(self.settings.patch_seconds, self._patched_up, agency, pair, token)

    def _patched_up(self, agency: str, pair: tuple[str, str], token: int) -> None:
        # A patch released and asked for again goes live on the new request's timer only.
        if self.patches.get(pair) == agency and self._patch_token[pair] == token:
            self.live.add(pair)
            self.engine.emit("patch.established", agency=agency, channels=list(pair))

    def unpatch(self, agency: str, a: str, b: str) -> None:
        """Release a patch and its console."""
        pair = tuple(sorted((a, b)))
        self.patches.pop(pair, None)
        self.live.discard(pair)
        self.engine.emit("patch.released", agency=agency, channels=list(pair))

    def consoles_used(self, agency: str) -> int:
        """Consoles an agency's patches occupy."""
        return sum(1 for holder in self.patches.values() if holder == agency)

    def congest(self, channel: str, load: float, seq: int) -> Iterator[Any]:
        """Background traffic taking ``load`` of a channel's airtime while inject ``seq`` lasts."""
        env = self.engine.env
        line = self.lines[channel]
        stream = self.engine.streams.get(f"congestion:{channel}")
        gap = BURST_SECONDS * (1.0 - load) / load
        while seq in line.congestions:
            yield env.timeout(float(stream.exponential(gap)))
            if seq not in line.congestions:
                return
            with line.resource.request() as request:
                yield request
                yield env.timeout(float(stream.exponential(BURST_SECONDS)))

    def set_fault(self, row: Fault, on: bool) -> None:
        """Apply (or clear) a fault inject's effect on sites, CADs or lines.

        Injects on one target may overlap: the target recovers only when the last of
        them ends (a CAD down from 0 to 10 minutes and from 5 to 35 is down until 35).
        """
        if row.fault == "congestion":
            line = self.lines[row.target]
            if on:
                line.congestions.add(row.seq)
                self.engine.env.process(self.congest(row.target, row.load, row.seq))
            else:
                line.congestions.discard(row.seq)
            self._cleared(row.target, line.congested)
            return
        key = (row.fault, row.target)
        self._faults[key] += 1 if on else -1
        active = self._faults[key] > 0
        if row.fault == "radio_site":
            (self.coverage.fail if active else self.coverage.restore)(row.target)
        elif row.fault == "cad":
            (self.cad_down.add if active else self.cad_down.discard)(row.target)
        else:
            self.lines[row.target].saturated = active
        self._cleared(row.target, active)

    def _cleared(self, target: str, active: bool) -> None:
        if not active:  # senders try the channel again once its faults have cleared
            self._avoid = {pair for pair in self._avoid if pair[1] != target}
