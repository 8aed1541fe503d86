"""Planned operations and event deconfliction, read from the log (a pure function).

Measured against event-deconfliction practice (RISSafe, Case Explorer, SAFETNet, linked
by the Partner Deconfliction Interface): every operation entered before it starts, every
conflict notice acted on by both lead agencies, and no officers meeting another agency's
operation unannounced ("blue-on-blue"). The lead agency's duties (``roles.py``):

- register: each operation it leads, entered by its start (lateness against 0 s);
- answer: each conflict notice it received, acted on (acknowledge, postpone, cancel) or
  resolved otherwise within the service's ``acknowledge_seconds``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.stats import Sample, cite
from simulator.scenario.model import Scenario

STANDARD = "event deconfliction (RISSafe / Case Explorer / SAFETNet practice)"
# Events this module reads; everything else is skipped at once.
KINDS = frozenset(
    {
        "operation.planned",
        "operation.registered",
        "operation.compromised",
        "operation.blue_on_blue",
        "operation.cancelled",
        "operation.ended",
        "deconfliction.conflict",
        "deconfliction.notice",
        "deconfliction.acknowledged",
        "deconfliction.resolved",
    }
)


@dataclass
class OperationsLog:
    """What the log says of each operation and conflict, kept in log order."""

    planned: dict[str, Event] = field(default_factory=dict)
    registered: dict[str, Event] = field(default_factory=dict)
    outcome: dict[str, Event] = field(default_factory=dict)  # compromised/cancelled/ended
    notices: list[Event] = field(default_factory=list)
    answered: dict[tuple[str, str], Event] = field(default_factory=dict)  # (conflict, agency)
    conflicts: dict[str, Event] = field(default_factory=dict)
    resolved: dict[str, Event] = field(default_factory=dict)
    clashes: list[Event] = field(default_factory=list)
    end: float = 0.0

    def apply(self, e: Event) -> None:
        """Take one event into account (any kind; the others are ignored)."""
        self.end = max(self.end, e.t)
        if e.kind not in KINDS:
            return
        kind, data = e.kind, payload(e)
        if kind == "operation.planned":
            self.planned[data.operation] = e
        elif kind == "operation.registered":
            self.registered.setdefault(data.operation, e)
        elif kind in ("operation.compromised", "operation.cancelled", "operation.ended"):
            self.outcome.setdefault(data.operation, e)
        elif kind == "operation.blue_on_blue":
            self.clashes.append(e)
        elif kind == "deconfliction.conflict":
            self.conflicts[data.conflict] = e
        elif kind == "deconfliction.notice":
            self.notices.append(e)
        elif kind == "deconfliction.acknowledged":
            self.answered.setdefault((data.conflict, str(e.agency)), e)
        elif kind == "deconfliction.resolved":
            self.resolved.setdefault(data.conflict, e)

    # -- duties ------------------------------------------------------------------------

    def register_duties(self, agency: str) -> list[Sample]:
        """Each operation the agency leads: how late it was registered (0: by its start)."""
        out = []
        for operation, planned in self.planned.items():
            if planned.agency != agency:
                continue
            start = float(payload(planned).start)
            done = self.registered.get(operation)
            if done is None:
                value = round(max(0.0, self.end - start), 3)
                note = f"{operation} never registered"
                out.append(Sample(value, None, agency, None, (cite(planned),), note, True))
                continue
            late = round(max(0.0, done.t - start), 3)
            note = f"{operation} registered" + (" late" if late else " before its start")
            out.append(Sample(late, None, agency, None, (cite(planned), cite(done)), note))
        return out

    def answer_duties(self, agency: str) -> list[Sample]:
        """Each conflict notice the agency received: until it acted, or it was resolved."""
        out = []
        for notice in self.notices:
            if notice.agency != agency:
                continue
            conflict = str(payload(notice).conflict)
            done = [
                e
                for e in (self.answered.get((conflict, agency)), self.resolved.get(conflict))
                if e is not None
            ]
            if not done:
                value = round(self.end - notice.t, 3)
                note = f"{conflict} notice never acted on"
                out.append(Sample(value, None, agency, None, (cite(notice),), note, True))
                continue
            finish = min(done, key=lambda e: e.seq)
            value = round(max(0.0, finish.t - notice.t), 3)
            note = f"{conflict} notice acted on"
            out.append(Sample(value, None, agency, None, (cite(notice), cite(finish)), note))
        return out


def read(events: Iterable[Event]) -> OperationsLog:
    """The operations log of a run."""
    log = OperationsLog()
    for e in events:
        log.apply(e)
    return log


def summary(scenario: Scenario, events: Iterable[Event]) -> dict | None:
    """The report's operations section as plain data, or None without planned operations."""
    plan = scenario.operations
    if not plan.planned or plan.deconfliction is None:
        return None
    log = read(events)
    rows = [_row(op, log) for op in sorted(log.planned)]
    on_time = sum(1 for r in rows if r["registered_before_start"])
    conflicts = sorted(log.conflicts)
    resolved = [c for c in conflicts if c in log.resolved]
    return {
        "standard": STANDARD,
        "service": plan.deconfliction.agency,
        "radius_m": plan.deconfliction.radius_m,
        "operations": rows,
        "measures": [
            _measure("operations registered before their start", on_time, len(rows)),
            _measure("conflicts resolved", len(resolved), len(conflicts)),
            {
                "measure": "blue-on-blue confrontations",
                "value": len(log.clashes),
                "text": str(len(log.clashes)),
                "met": not log.clashes,
            },
        ],
        "conflicts": [_conflict(c, log) for c in conflicts],
        "clashes": [
            {"t": e.t, "incident": e.incident, "operations": payload(e).operations}
            for e in log.clashes
        ],
    }


def _measure(name: str, done: int, of: int) -> dict:
    return {
        "measure": name,
        "value": done,
        "of": of,
        "text": f"{done} of {of}" if of else "none arose",
        "met": None if not of else done == of,
    }


def _row(operation: str, log: OperationsLog) -> dict:
    planned = log.planned[operation]
    plan = payload(planned)
    registered = log.registered.get(operation)
    outcome = log.outcome.get(operation)
    return {
        "operation": operation,
        "title": plan.title,
        "type": plan.type,
        "lead": planned.agency,
        "node": plan.node,
        "start": plan.start,
        "end": plan.end,
        "registered": None if registered is None else registered.t,
        "registered_before_start": registered is not None and payload(registered).before_start,
        "outcome": "under way at the end" if outcome is None else outcome.kind.split(".")[1],
    }


def _conflict(conflict: str, log: OperationsLog) -> dict:
    found = log.conflicts[conflict]
    resolved = log.resolved.get(conflict)
    return {
        "conflict": conflict,
        "t": found.t,
        "operations": payload(found).operations,
        "agencies": payload(found).agencies,
        "resolved": None if resolved is None else resolved.t,
        "how": None if resolved is None else payload(resolved).how,
    }
