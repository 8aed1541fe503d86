"""Planned operations, conflict notices and caveats, as the trainee's agencies know them.

The engine tells each lead of its own operations (``operation.*`` under the lead), the
watch centre's conflicts (``deconfliction.*``) and caveated facts
(``intelligence.caveat``) as events; ``Book`` follows them from the log, so the view
reads the same thing locally and over the network (where a seat hears exactly these).
What it shows: a covert operation only to the agencies taking part, an overt one to
everyone (it is on the map like a road closure); notices to the lead told.

The orders on them are offered by ``op_actions.py``.
"""

from dataclasses import dataclass, replace

from simulator.events import Event
from simulator.payloads import declaring, payload
from simulator.scenario.timing import format_offset
from simulator.view.handling import Caveat

# States after which nothing more happens to an operation.
OVER = frozenset({"cancelled", "compromised", "ended"})
# Operation kinds about one operation (``operation``); a blue-on-blue names two.
ONE_OPERATION = declaring("operation", "operation.")
# Operation and deconfliction kinds that name the agencies taking part (``agencies``).
NAMING_AGENCIES = declaring("agencies", "operation.", "deconfliction.")
PHASE_WORDS = {
    "briefing": "briefing",
    "staging": "staging",
    "entry": "entry",
    "secure": "secure",
    "hand_over": "hand-over",
}


@dataclass(frozen=True)
class Operation:
    """A planned operation on the map: where, when, which phase, registered or not."""

    id: str
    title: str
    type: str
    lead: str
    agencies: tuple[str, ...]
    x: float
    y: float
    start: float
    end: float
    covert: bool
    phase: str | None = None
    state: str = "planned"  # planned, active, cancelled, compromised, ended
    registered: float | None = None

    @property
    def window(self) -> str:
        """Its time window in hours and minutes, "00:00-00:50"."""
        return f"{_hm(self.start)}-{_hm(self.end)}"

    @property
    def status(self) -> str:
        """Its phase, or what became of it ("compromised")."""
        if self.state in OVER:
            return self.state
        return PHASE_WORDS.get(self.phase or "", "planned")


def _hm(t: float) -> str:
    """Exercise time as hours and minutes ("01:05"): operations are planned to the minute."""
    return format_offset(t)[:-3]


@dataclass(frozen=True)
class Notice:
    """A conflict notice the watch centre gave one of the trainee's agencies."""

    conflict: str
    agency: str
    operation: str
    other: str
    other_agency: str
    answered: str | None = None  # acknowledge, postpone or cancel
    resolved: str | None = None  # coordinated, separated or cancelled


class Book:
    """Operations, notices and caveats of the trainee's agencies, followed from the log."""

    def __init__(self, agencies: tuple[str, ...]):
        self.agencies = frozenset(agencies)
        self.operations: dict[str, Operation] = {}
        self.notices: dict[tuple[str, str], Notice] = {}
        self.caveats: dict[tuple[str, str], Caveat] = {}
        self.conflicts: set[str] = set()  # conflicts a played agency is party to
        self.read = 0  # events of the log read so far

    def follow(self, log: list[Event]) -> None:
        """Read the events logged since the last call."""
        for event in log[self.read :]:
            self.take(event)
        self.read = len(log)

    def take(self, event: Event) -> None:
        """Apply one event (any kind; the ones not about operations are ignored)."""
        kind = event.kind
        if kind == "operation.planned":
            self._planned(event)
        elif kind in ONE_OPERATION:
            self._update(kind, event)
        elif kind == "deconfliction.conflict":
            conflict = payload(event)
            if self.agencies.intersection(conflict.agencies):
                self.conflicts.add(conflict.conflict)
        elif kind == "deconfliction.notice" and event.agency in self.agencies:
            told = payload(event)
            self.conflicts.add(told.conflict)
            key = (told.conflict, event.agency)
            self.notices[key] = Notice(*key, told.operation, told.other, told.other_agency)
        elif kind == "deconfliction.acknowledged":
            acted = payload(event)
            key = (acted.conflict, str(event.agency))
            if key in self.notices:
                self.notices[key] = replace(self.notices[key], answered=acted.action)
        elif kind == "deconfliction.resolved":
            settled = payload(event)
            for key, notice in self.notices.items():
                if notice.conflict == settled.conflict:
                    self.notices[key] = replace(notice, resolved=settled.how)
        elif kind == "intelligence.caveat" and event.agency in self.agencies:
            held = payload(event)
            caveat = Caveat(
                event.agency, held.fact, held.level, held.tlp, held.owner, held.permitted
            )
            self.caveats[(caveat.agency, caveat.fact)] = caveat

    def _planned(self, event: Event) -> None:
        planned, lead = payload(event), event.agency
        agencies = tuple(planned.agencies)
        ours = lead in self.agencies or self.agencies.intersection(agencies)
        if planned.covert and not ours:
            return  # a covert operation is known only to the agencies taking part
        self.operations[planned.operation] = Operation(
            planned.operation,
            planned.title,
            planned.type,
            str(lead),
            agencies,
            float(planned.x),
            float(planned.y),
            float(planned.start),
            float(planned.end),
            bool(planned.covert),
        )

    def _update(self, kind: str, event: Event) -> None:
        """Move a known operation on (registered, phase, postponed, over); others are skipped."""
        moved = payload(event)
        op = self.operations.get(moved.operation)
        if op is None:
            return
        step = kind.partition(".")[2]
        if step == "registered":
            op = replace(op, registered=event.t)
        elif step == "phase":
            op = replace(op, phase=moved.phase, state="active")
        elif step == "adjusted":
            op = replace(op, start=float(moved.start), end=float(moved.end))
        elif step in OVER:
            op = replace(op, state=step)
        self.operations[op.id] = op

    def knows(self, event: Event) -> bool:
        """Whether the trainee hears of an operation, deconfliction or handling event."""
        kind, ours = event.kind, event.agency in self.agencies
        if kind == "deconfliction.notice":
            return ours  # the other lead's notice is for the other lead
        if not kind.startswith(("operation.", "deconfliction.")):
            return kind.startswith("intelligence.") and ours
        about = payload(event)
        if ours or (kind in NAMING_AGENCIES and self.agencies.intersection(about.agencies)):
            return True
        if kind.startswith("operation."):
            return kind in ONE_OPERATION and about.operation in self.operations
        return any(n.conflict == about.conflict for n in self.notices.values())
