"""Waiting for a free unit: the part of a dispatch delay no call-taker could have cut.

An agency's call-processing clock runs from its first answered call (else its CAD
entry) to its first dispatch. While every unit able to do what the dispatched unit did
was committed elsewhere, nothing could be sent: that time is queueing, whose remedy is
mutual aid or move-up cover, not dispatch drills. Time spent on a call the agency
answered and then transferred to another (a misrouted call) is transfer time. The rest
is call processing proper. Free is as a dispatcher sees it: available or returning.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.aid import FREE
from simulator.review.stats import Sample
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import meets

PROCESSING = "call processing"
TRANSFER = "transferring a misrouted call"
QUEUEING = "waiting for a free unit (queueing)"

Span = tuple[float, float]


@dataclass(frozen=True)
class Waits:
    """Per unit when it was free; per incident what it required; misrouted calls' spans."""

    free: dict[str, list[Span]]
    provides: dict[str, frozenset[str]]
    agency: dict[str, str]
    requires: dict[str, frozenset[str]]
    first_unit: dict[tuple[str, str], str]  # (incident, agency) -> its first unit sent
    transfers: dict[tuple[str, str], list[Span]]  # (incident, agency) -> answered..passed on

    def split(self, sample: Sample) -> dict[str, float]:
        """A done call-processing sample in parts: transfer, queueing, call processing.

        Parts with no time are left out; an aid-clocked or undone sample (not timed
        from one event to the next) stays whole, as call processing.
        """
        unit = self.first_unit.get((str(sample.incident), str(sample.agency)))
        ends = sample.evidence
        if sample.censored or unit is None or len(ends) != 2:
            return {PROCESSING: sample.value}
        start, end = ends[0].t, ends[1].t
        if abs(end - start - sample.value) > 1e-6:
            return {PROCESSING: sample.value}
        transfers = self.transfers.get((str(sample.incident), str(sample.agency)), [])
        free = [s for u in self._capable(unit, str(sample.incident)) for s in self.free[u]]
        cuts = sorted(
            {start, end, *(t for a, b in transfers + free for t in (a, b) if start < t < end)}
        )
        parts: dict[str, float] = defaultdict(float)
        for a, b in pairwise(cuts):
            mid = (a + b) / 2
            if any(x <= mid < y for x, y in transfers):
                parts[TRANSFER] += b - a
            elif not any(x <= mid < y for x, y in free):
                parts[QUEUEING] += b - a
            else:
                parts[PROCESSING] += b - a
        ordered = {k: round(parts[k], 3) for k in (TRANSFER, QUEUEING) if parts[k]}
        return {**ordered, PROCESSING: round(parts[PROCESSING], 3)}

    def _capable(self, unit: str, incident: str) -> list[str]:
        """The agency's units able to do what ``unit`` was sent to do at the incident.

        What it offers that the incident required, any of it (an engine will do where a
        quint went); where the incident listed none of it (an ambulance sent for its
        patients), everything it offers.
        """
        offers = self.provides[unit]
        needed = offers & self.requires.get(incident, frozenset())
        return [
            u
            for u, caps in self.provides.items()
            if self.agency[u] == self.agency[unit]
            and (bool(needed & caps) if needed else offers <= caps)
        ]


def waits(scenario: Scenario, events: Sequence[Event]) -> Waits:
    """Read the log once for every unit's free spans and every misrouted call."""
    units = scenario.units
    status = dict.fromkeys((u.id for u in units), "available")
    since = dict.fromkeys(status, 0.0)
    free: dict[str, list[Span]] = {u: [] for u in status}
    requires: dict[str, frozenset[str]] = {}
    first_unit: dict[tuple[str, str], str] = {}
    answered: dict[str, float] = {}
    transfers: dict[tuple[str, str], list[Span]] = defaultdict(list)
    end = 0.0
    for e in events:
        end = e.t
        kind = e.kind
        if kind in ("incident.started", "incident.escalated"):
            needs = frozenset(str(c) for c in payload(e).requires)
            requires[str(e.incident)] = requires.get(str(e.incident), frozenset()) | needs
        elif kind == "call.answered":
            answered.setdefault(str(e.data["call"]), e.t)
        elif kind == "call.transferred" and e.incident and e.agency:
            start = answered.get(str(e.data["call"]), e.t)
            transfers[(e.incident, e.agency)].append((start, e.t))
        elif kind.startswith("unit.") and e.unit in status and "prev" in e.data:
            now = kind.removeprefix("unit.")
            if kind == "unit.dispatched" and e.incident and e.agency:
                first_unit.setdefault((e.incident, e.agency), e.unit)
            was, is_ = status[e.unit] in FREE, now in FREE
            if was and not is_:
                free[e.unit].append((since[e.unit], e.t))
            elif is_ and not was:
                since[e.unit] = e.t
            status[e.unit] = now
    for unit, state in status.items():
        if state in FREE:
            free[unit].append((since[unit], end))
    return Waits(
        free,
        {u.id: frozenset(str(c) for c in meets(frozenset(u.capabilities))) for u in units},
        {u.id: u.agency for u in units},
        requires,
        first_unit,
        dict(transfers),
    )
