"""Mutual-aid waits: how long an agency asked for help sat on a request it could answer.

A neighbour asked for an ambulance when all of its ambulances are out cannot send one,
and once the asker has filled the need itself there is nothing left to send. Neither
is the neighbour's delay. So a mutual-aid duty's clock runs only while the agency had
a unit free (available or returning, as a dispatcher sees it) able to meet the
capability asked for, and the incident still had fewer units of it assigned than it
required. ``aid_clocks`` returns, per request, the seconds the clock ran before each
event of the log. Once the agency acts on it (dispatches to the incident, or asks
its own partners) the clock stops and time runs as for any duty: the response is the
clock's reading plus the time since it acted.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.ledger import Ledger
from simulator.scenario.model import Scenario

# Unit statuses from which a dispatcher can send a unit at once (the engine's FREE).
FREE = frozenset({"available", "returning"})


@dataclass
class Clock:
    """One mutual-aid request's clock: seconds it ran, and since when it runs now."""

    capability: str
    ran: float = 0.0
    since: float | None = None
    ever: bool = False  # whether it ever ran
    acted: float | None = None  # when the agency acted on the request

    def reading(self, t: float) -> float:
        """Seconds of the duty by time ``t``: the clock, then all time once it acted."""
        if self.acted is not None:
            return self.ran + max(0.0, t - self.acted)
        return self.ran + (t - self.since if self.since is not None else 0.0)


@dataclass
class AidClocks:
    """Clocks of every mutual-aid request, kept as the log is read in order."""

    scenario: Scenario
    clocks: dict[tuple[str, str], Clock] = field(default_factory=dict)
    running: set[tuple[str, str]] = field(default_factory=set)  # not yet acted on

    def __post_init__(self) -> None:
        self.fleet = Ledger(self.scenario, FREE)
        self.requires: dict[str, dict[str, int]] = {}

    def apply(self, e: Event) -> None:
        """Read one event (in log order) and restart or stop the clocks it affects."""
        kind = e.kind
        if kind in ("incident.started", "incident.escalated"):
            self.requires[str(e.incident)] = dict(payload(e).requires)
        elif kind == "incident.resolved":
            self.requires.pop(str(e.incident), None)
        elif kind == "mutual_aid.received" and e.incident and e.agency:
            key = (e.incident, e.agency)
            if key not in self.clocks:
                self.clocks[key] = Clock(payload(e).capability)
                self.running.add(key)
        elif kind == "mutual_aid.requested" and e.incident and e.agency:
            self._acted((e.incident, e.agency), e.t)
        elif kind.startswith("unit.") and self.fleet.knows(e.unit) and "prev" in e.data:
            changed = self.fleet.unit(str(e.unit), kind.removeprefix("unit."), e.incident)
            if kind == "unit.dispatched" and e.incident and e.agency:
                self._acted((e.incident, e.agency), e.t)
            if not changed:
                return  # no unit came free or left, no assignment moved: no clock changes
        else:
            return
        self._tick(e.t)

    def reading(self, incident: str, agency: str, t: float) -> float | None:
        """Seconds a request's clock ran by ``t`` (None: not a mutual-aid request)."""
        clock = self.clocks.get((incident, agency))
        return None if clock is None else clock.reading(t)

    def owed(self, incident: str, agency: str) -> bool:
        """Whether the request ever fell to the agency: it could answer it, or did."""
        clock = self.clocks.get((incident, agency))
        return clock is not None and (clock.ever or clock.acted is not None)

    def _acted(self, key: tuple[str, str], t: float) -> None:
        clock = self.clocks.get(key)
        if clock is None or key not in self.running:
            return
        self.running.discard(key)
        if clock.since is not None:
            clock.ran += t - clock.since
            clock.since = None
        clock.acted = t

    def _tick(self, t: float) -> None:
        # Clocks are independent, so their order does not matter; a stopped clock whose
        # incident is over can never restart.
        for incident, agency in self.running:
            clock = self.clocks[(incident, agency)]
            if clock.since is None and incident not in self.requires:
                continue
            runs = self._able(incident, agency, clock.capability)
            if runs and clock.since is None:
                clock.since, clock.ever = t, True
            elif not runs and clock.since is not None:
                clock.ran += t - clock.since
                clock.since = None

    def _able(self, incident: str, agency: str, capability: str) -> bool:
        required = self.requires.get(incident, {}).get(capability, 0)
        short = self.fleet.assigned[(incident, capability)] < required
        return short and bool(self.fleet.free[(agency, capability)])


def aid_clocks(scenario: Scenario, events: Sequence[Event]) -> AidClocks:
    """Every mutual-aid request's clock over a whole log (for tests and reports)."""
    clocks = AidClocks(scenario)
    for e in events:
        clocks.apply(e)
    return clocks
