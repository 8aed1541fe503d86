"""Idle capable units: free at the station while an incident their agency knew needed them.

A unit counts once per incident when it stayed free for ``IDLE_GRACE_S`` or more while
that incident, open in its agency's CAD, had fewer units of a capability it offers
assigned than it required.

Units of one agency that offer the same capabilities are alike here: an incident
either wants all of them or none. So the sweep keeps, per such class, the incidents
that want it and since when, and per unit since when it is free. A (unit, incident)
spell is idle from the later of the two until either ends, so opening spells costs
nothing and closing one costs one addition: a city day's 20,000 state changes cost
the spells they end, not every open need times every free unit. Each spell starts
and ends at the same event as a full recount finds it, so the seconds are the same
sums of the same differences.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.ledger import Ledger
from simulator.review.stats import Sample, cite
from simulator.scenario.model import Scenario

# A dispatcher gets this long to use a free capable unit before it counts as left idle.
IDLE_GRACE_S = 120.0
NOTHING: frozenset[str] = frozenset()


def idle_units(scenario: Scenario, events: Sequence[Event]) -> list[Sample]:
    """Units left available at the station while an incident their agency knew needed them."""
    return _IdleSweep(scenario).run(events)


class _IdleSweep:
    """Time each (unit, incident) pair idle while needed, one class of alike units at once.

    ``short[i]`` are the capabilities incident ``i`` has fewer units of assigned than it
    requires and ``seen[i]`` the agencies it needs whose CAD has it open. An incident
    wants a class while it is open, seen by the class's agency and short of a
    capability the class offers (``wanted[k]``: incident -> since when).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.fleet = fleet = Ledger(scenario, frozenset({"available"}))  # idle at the station
        alike: dict[tuple[str, frozenset[str]], int] = {}  # (agency, offers) -> class
        self.class_of = {
            u: alike.setdefault((fleet.agency[u], fleet.provides[u]), len(alike))
            for u in sorted(fleet.provides)
        }
        self.offers = [caps for _, caps in alike]
        self.classes: dict[str, list[int]] = defaultdict(list)  # agency -> its classes
        for k, (agency, _) in enumerate(alike):
            self.classes[agency].append(k)
        self.free: list[set[str]] = [set() for _ in alike]
        self.free_since: dict[str, float] = {}
        for unit in fleet.provides:
            if fleet.status[unit] in fleet.free_statuses:
                self.free[self.class_of[unit]].add(unit)
                self.free_since[unit] = 0.0
        self.wanted: list[dict[str, float]] = [{} for _ in alike]
        self.requires: dict[str, dict[str, int]] = {}
        self.agencies: dict[str, set[str]] = {}
        self.known: dict[str, dict[str, Event]] = defaultdict(dict)
        self.short: dict[str, set[str]] = {}
        self.seen: dict[str, set[str]] = {}
        self.idle: dict[tuple[str, str], float] = defaultdict(float)

    def run(self, events: Iterable[Event]) -> list[Sample]:
        handlers: dict[str, Callable[[Event], None] | None] = {
            "incident.started": self._started,
            "incident.escalated": self._escalated,
            "incident.resolved": self._resolved,
            "cad.opened": self._opened,
        }
        last = 0.0
        for e in events:
            last = e.t
            kind = e.kind
            if kind not in handlers:
                handlers[kind] = self._unit_event if kind.startswith("unit.") else None
            handler = handlers[kind]
            if handler is not None:
                handler(e)
        for k, wanted in enumerate(self.wanted):
            for unit in self.free[k]:
                self._end(unit, wanted, last)
        return self._samples()

    def _samples(self) -> list[Sample]:
        out = []
        long = [(pair, s) for pair, s in self.idle.items() if s >= IDLE_GRACE_S]
        for (unit, incident), seconds in sorted(long):
            agency = self.fleet.agency[unit]
            opened = self.known[incident][agency]
            note = f"free {round(seconds)} s"
            out.append(Sample(round(seconds, 1), incident, agency, unit, (cite(opened),), note))
        return out

    # -- reading the log -----------------------------------------------------------------

    def _started(self, e: Event) -> None:
        started = payload(e)
        self.requires[e.incident] = dict(started.requires)
        self.agencies[e.incident] = set(started.agencies)
        self._refresh(e.incident, e.t)

    def _escalated(self, e: Event) -> None:
        self.requires[e.incident] = dict(payload(e).requires)
        self._refresh(e.incident, e.t)

    def _resolved(self, e: Event) -> None:
        if self.requires.pop(e.incident, None) is not None:
            self._refresh(e.incident, e.t)

    def _opened(self, e: Event) -> None:
        known = self.known[e.incident]
        if e.agency not in known:
            known[e.agency] = e
            self._refresh(e.incident, e.t)

    def _unit_event(self, e: Event) -> None:
        if self.fleet.knows(e.unit) and "prev" in e.data:
            self._unit(e.unit, e.kind.removeprefix("unit."), e.incident, e.t)

    def _unit(self, unit: str, status: str, incident: str | None, t: float) -> None:
        """A unit's new status: its own spells end or begin, and what it left or joined moves."""
        fleet = self.fleet
        was_free = fleet.status[unit] in fleet.free_statuses
        was_at = fleet.assigned_to[unit]
        if not fleet.unit(unit, status, incident):
            return
        is_free = fleet.status[unit] in fleet.free_statuses
        k = self.class_of[unit]
        if was_free and not is_free:
            self._end(unit, self.wanted[k], t)
            self.free[k].discard(unit)
        now_at = fleet.assigned_to[unit]
        if was_at != now_at:
            for at in (was_at, now_at):
                if at is not None and at in self.requires:
                    self._refresh(at, t)
        if is_free and not was_free:
            self.free[k].add(unit)
            self.free_since[unit] = t

    def _refresh(self, incident: str, t: float) -> None:
        """Recount an incident's shortfall and who sees it; start or end its wants."""
        requires = self.requires.get(incident)
        before_short = self.short.get(incident, NOTHING)
        before_seen = self.seen.get(incident, NOTHING)
        if requires is None:
            short, seen = NOTHING, NOTHING
            self.short.pop(incident, None)
            self.seen.pop(incident, None)
        else:
            assigned = self.fleet.assigned
            short = {c for c, n in requires.items() if assigned[(incident, c)] < n}
            seen = self.agencies.get(incident, NOTHING) & self.known[incident].keys()
            self.short[incident], self.seen[incident] = short, seen
        if short == before_short and seen == before_seen:
            return  # a unit came or went and the incident is as short as it was
        for agency in before_seen | seen:
            for k in self.classes.get(agency, ()):
                wants = agency in seen and not short.isdisjoint(self.offers[k])
                wanted = self.wanted[k]
                if wants and incident not in wanted:
                    wanted[incident] = t
                elif not wants and incident in wanted:
                    since = wanted.pop(incident)
                    for unit in self.free[k]:
                        self._add(unit, incident, t - max(since, self.free_since[unit]))

    def _end(self, unit: str, wanted: dict[str, float], t: float) -> None:
        """A free unit's spells with every incident wanting its class end at ``t``."""
        free_since = self.free_since[unit]
        for incident, since in wanted.items():
            self._add(unit, incident, t - max(since, free_since))

    def _add(self, unit: str, incident: str, seconds: float) -> None:
        if seconds:  # a spell that began this instant adds nothing
            self.idle[(unit, incident)] += seconds
