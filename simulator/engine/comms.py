"""The communications plant: channels, their queues, patches and faults.

A voice channel is a simpy ``Resource`` (one transmission at a time, the rest queue).
Dispatchers patch channels at their consoles (SAFECOM level 4); fault injects take
radio sites, CADs and phone lines down or load a channel with background traffic.
How a message picks its path is ``routing.py``; how it is carried, ``carrier.py``.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import simpy

from simulator.engine.kernel import Kernel
from simulator.engine.radio import Coverage
from simulator.scenario.comms import Channel
from simulator.scenario.model import Scenario
from simulator.scenario.msel import Fault
from simulator.scenario.plan import default_plan, members, radio_system
from simulator.world.atlas import Atlas

BURST_SECONDS = 8.0  # mean length of one background transmission on a congested channel


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
    """Every channel, patch and fault."""

    def __init__(self, kernel: Kernel, scenario: Scenario, atlas: Atlas) -> None:
        self.kernel = kernel
        self.settings = scenario.communications
        systems, channels = default_plan(scenario)
        self.coverage = Coverage(systems, atlas)
        self.lines: dict[str, Line] = {
            c.id: Line(c, members(scenario, c), simpy.Resource(kernel.env, capacity=c.capacity))
            for c in sorted(channels, key=lambda c: c.id)
        }
        agencies = sorted(a.id for a in scenario.agencies)
        self.system = {a: radio_system(scenario, a) for a in agencies}
        self.patches: dict[tuple[str, str], str] = {}  # channel pair -> agency holding it
        self._patch_token: dict[tuple[str, str], int] = {}  # the request a timer belongs to
        self.live: set[tuple[str, str]] = set()  # patches carrying traffic
        self.cad_down: set[str] = set()
        self.virtuals: set[str] = set()  # channels the exercise made (talk-around, posts)
        self.avoid: set[tuple[str, str]] = set()  # (sender, channel) known to be failing
        self._faults: Counter[tuple[str, str]] = Counter()  # (kind, target) -> active injects

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
            resource = simpy.Resource(self.kernel.env, capacity=capacity)
            self.lines[ident] = Line(spec, frozenset(joined), resource)
            self.virtuals.add(ident)
        return ident

    # -- patches and faults ----------------------------------------------------------

    def patch(self, agency: str, a: str, b: str) -> None:
        """A dispatcher joins two channels at a console (SAFECOM level 4)."""
        pair = tuple(sorted((a, b)))
        self.patches[pair] = agency  # the console is held from the request on
        self._patch_token[pair] = token = self._patch_token.get(pair, 0) + 1
        self.kernel.emit("patch.requested", agency=agency, channels=list(pair))
        self.kernel.at(self.settings.patch_seconds, self._patched_up, agency, pair, token)

    def _patched_up(self, agency: str, pair: tuple[str, str], token: int) -> None:
        # A patch released and asked for again goes live on the new request's timer only.
        if self.patches.get(pair) == agency and self._patch_token[pair] == token:
            self.live.add(pair)
            self.kernel.emit("patch.established", agency=agency, channels=list(pair))

    def unpatch(self, agency: str, a: str, b: str) -> None:
        """Release a patch and its console."""
        pair = tuple(sorted((a, b)))
        self.patches.pop(pair, None)
        self.live.discard(pair)
        self.kernel.emit("patch.released", agency=agency, channels=list(pair))

    def consoles_used(self, agency: str) -> int:
        """Consoles an agency's patches occupy."""
        return sum(1 for holder in self.patches.values() if holder == agency)

    def congest(self, channel: str, load: float, seq: int) -> Iterator[Any]:
        """Background traffic taking ``load`` of a channel's airtime while inject ``seq`` lasts."""
        env = self.kernel.env
        line = self.lines[channel]
        stream = self.kernel.streams.get(f"congestion:{channel}")
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
                self.kernel.env.process(self.congest(row.target, row.load, row.seq))
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
            self.avoid = {pair for pair in self.avoid if pair[1] != target}
