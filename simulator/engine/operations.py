"""Planned operations as they play out, and the event-deconfliction service.

Each planned operation goes through its phases (briefing, staging, entry, secure,
hand-over) on the clock. Its lead agency registers it with the deconfliction service
(``RegisterOperation``); a registered operation that overlaps another registered one in
place (within ``radius_m``) and time is a conflict: the submitter learns at once, the
watch centre tells the other lead after ``notice_seconds`` (RISSafe / Case Explorer /
SAFETNet practice), and both act on it (``Deconflict``: acknowledge and coordinate,
postpone, or cancel).

At an operation's entry, another agency's officers in the field nearby meet it:

- both registered and the conflict resolved: nothing happens (they know of each other);
- both registered, conflict not acted on: both operations are compromised (each spoils
  the other's case), nobody is hurt: the watch centre did tell both;
- not both registered: a blue-on-blue confrontation. Officers are hurt (an incident
  with the scenario's casualties starts there) and both operations are compromised.

A scenario without planned operations has no ``Operations`` state and logs nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulator.commands import CommandBase, Deconflict, RegisterOperation
from simulator.engine.awareness import Awareness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.scenario.facts import fact_key
from simulator.scenario.operations import (
    PHASES,
    Deconfliction,
    PlannedOperation,
    confrontation_spec,
)
from simulator.scenario.timing import format_offset

Verdict = tuple[str, Callable[[], object] | None]
# Phases from which an operation's officers are out in the field.
_IN_FIELD = frozenset(PHASES[1:])
# Operation states after which nothing more happens to it.
_OVER = frozenset({"cancelled", "compromised", "ended"})


@dataclass
class LiveOperation:
    """A planned operation as it stands: registered or not, postponed, which phase."""

    spec: PlannedOperation
    node: int
    shift: float = 0.0  # seconds it was postponed by
    registered: float | None = None
    phase: str | None = None
    state: str = "planned"
    epoch: int = 0  # a postponement makes the old phase timers no-ops

    @property
    def id(self) -> str:
        """The operation's id."""
        return self.spec.id

    @property
    def lead(self) -> str:
        """Its lead agency."""
        return self.spec.lead

    def at(self, phase: str) -> float:
        """When a phase begins now (after any postponement)."""
        return getattr(self.spec.phases, phase) + self.shift

    @property
    def start(self) -> float:
        """The start of its window (its briefing)."""
        return self.at("briefing")

    @property
    def end(self) -> float:
        """The end of its window."""
        return self.spec.end + self.shift

    def in_field(self) -> bool:
        """Its officers are out (staging to the end) and it is still going."""
        return self.state == "active" and self.phase in _IN_FIELD


@dataclass
class Conflict:
    """Two registered operations that overlap in place and time."""

    id: str
    operations: tuple[str, str]
    leads: tuple[str, str]
    told: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    resolved: str | None = None


class Operations:
    """Every planned operation and the deconfliction service they register with."""

    def __init__(
        self, kernel: Kernel, roster: Roster, awareness: Awareness, incidents: Incidents
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        plan = self.roster.scenario.operations
        self.service: Deconfliction | None = plan.deconfliction
        self.live = {
            op.id: LiveOperation(op, self.roster.atlas.locate(op.location))
            for op in sorted(plan.planned, key=lambda op: op.id)
        }
        self.conflicts: dict[str, Conflict] = {}
        self._confrontations = 0

    def orders(self) -> dict[type, Callable[[CommandBase], Verdict]]:
        """The command handlers this subsystem answers (``orders.py`` registers them)."""
        return {RegisterOperation: self.check_register, Deconflict: self.check_deconflict}

    # -- the clock ---------------------------------------------------------------------

    def start(self) -> None:
        """Log the plan (each lead knows its own), register the pre-registered ones."""
        for op in self.live.values():
            x, y = self.roster.atlas.roads.xy[op.node]
            self.kernel.emit(
                "operation.planned",
                agency=op.lead,
                operation=op.id,
                title=op.spec.title,
                type=op.spec.type.value,
                agencies=list(op.spec.agencies),
                node=self.roster.node_id(op.node),
                x=round(float(x), 1),
                y=round(float(y), 1),
                start=op.start,
                end=op.end,
                phases={p: op.at(p) for p in PHASES},
                covert=op.spec.covert,
                requires=[c.value for c in op.spec.requires],
            )
        for op in self.live.values():
            if op.spec.registered:
                self.register(op, prior=True)
        for op in self.live.values():
            self._schedule(op)

    def _schedule(self, op: LiveOperation) -> None:
        """Time the phases still to come, and the end (again after a postponement)."""
        now = self.kernel.env.now
        done = PHASES.index(op.phase) if op.phase else -1
        for phase in PHASES[done + 1 :]:
            self.kernel.at(op.at(phase) - now, self._phase, op, phase, op.epoch)
        self.kernel.at(op.end - now, self._end, op, op.epoch)

    def _phase(self, op: LiveOperation, phase: str, epoch: int) -> None:
        if epoch != op.epoch or op.state in _OVER:
            return
        op.state, op.phase = "active", phase
        self.kernel.emit("operation.phase", agency=op.lead, operation=op.id, phase=phase)
        if phase == "entry":
            self._meet(op)

    def _end(self, op: LiveOperation, epoch: int) -> None:
        if epoch != op.epoch or op.state in _OVER:
            return
        op.state = "ended"
        self.kernel.emit("operation.ended", agency=op.lead, operation=op.id)

    # -- registration and conflicts ----------------------------------------------------

    def register(self, op: LiveOperation, prior: bool = False) -> None:
        """Enter the operation in deconfliction and check it against the others."""
        now = self.kernel.env.now
        op.registered = now
        self.kernel.emit(
            "operation.registered",
            agency=op.lead,
            operation=op.id,
            service=self.service.agency if self.service else None,
            before_start=now <= op.start,
            lead_s=round(op.start - now, 3),
            prior=prior,
        )
        for other in self.live.values():
            if other is op or other.registered is None or other.lead == op.lead:
                continue
            if other.state in _OVER or not self._overlap(op, other):
                continue
            self._conflict(op, other)

    def _overlap(self, a: LiveOperation, b: LiveOperation) -> bool:
        """Whether two operations match in place (within the radius) and time window."""
        if a.end <= b.start or b.end <= a.start:
            return False
        return self._distance(a, b) <= self.service.radius_m

    def _distance(self, a: LiveOperation, b: LiveOperation) -> float:
        xy = self.roster.atlas.roads.xy
        return float(np.hypot(*(np.asarray(xy[a.node]) - np.asarray(xy[b.node]))))

    def _conflict(self, submitted: LiveOperation, other: LiveOperation) -> None:
        conflict = Conflict(
            id=f"DC{len(self.conflicts) + 1}",
            operations=(submitted.id, other.id),
            leads=(submitted.lead, other.lead),
        )
        self.conflicts[conflict.id] = conflict
        self.kernel.emit(
            "deconfliction.conflict",
            agency=self.service.agency,
            conflict=conflict.id,
            operations=list(conflict.operations),
            agencies=list(conflict.leads),
            distance_m=round(self._distance(submitted, other), 1),
            window=[max(submitted.start, other.start), min(submitted.end, other.end)],
        )
        self._notify(conflict, submitted, other)  # the submitter learns at once
        self.kernel.at(self.service.notice_seconds, self._notify, conflict, other, submitted)

    def _notify(self, conflict: Conflict, op: LiveOperation, other: LiveOperation) -> None:
        if conflict.resolved is not None:
            return
        conflict.told.add(op.lead)
        self.kernel.emit(
            "deconfliction.notice",
            agency=op.lead,
            conflict=conflict.id,
            operation=op.id,
            other=other.id,
            other_agency=other.lead,
            node=self.roster.node_id(other.node),
            window=[other.start, other.end],
            service=self.service.agency,
        )

    def _resolve(self, conflict: Conflict, how: str) -> None:
        conflict.resolved = how
        self.kernel.emit(
            "deconfliction.resolved",
            agency=self.service.agency,
            conflict=conflict.id,
            operations=list(conflict.operations),
            agencies=list(conflict.leads),
            how=how,
        )

    def _between(self, a: LiveOperation, b: LiveOperation) -> Conflict | None:
        pair = {a.id, b.id}
        return next((c for c in self.conflicts.values() if set(c.operations) == pair), None)

    # -- entry: who meets whom ---------------------------------------------------------

    def _meet(self, op: LiveOperation) -> None:
        """At entry, another agency's officers in the field nearby meet this operation."""
        for other in self.live.values():
            if other is op or other.lead == op.lead or not other.in_field():
                continue
            if self._distance(op, other) > self.service.radius_m:
                continue
            conflict = self._between(op, other)
            if conflict is not None and conflict.resolved is not None:
                continue
            if conflict is None:
                self._blue_on_blue(op, other)
            for spoilt in (op, other):
                self._compromise(spoilt, other if spoilt is op else op, conflict)
            return

    def _compromise(self, op: LiveOperation, by: LiveOperation, conflict: Conflict | None) -> None:
        op.state = "compromised"
        reason = (
            "a conflict notice nobody acted on" if conflict else "an operation not deconflicted"
        )
        self.kernel.emit(
            "operation.compromised",
            agency=op.lead,
            operation=op.id,
            by=by.id,
            conflict=conflict.id if conflict else None,
            reason=reason,
        )

    def _blue_on_blue(self, op: LiveOperation, other: LiveOperation) -> None:
        """Officers of two agencies take each other for the suspects: officers hurt."""
        self._confrontations += 1
        spec = confrontation_spec(op.spec, other.spec, self._confrontations, self.service)
        self.kernel.emit(
            "operation.blue_on_blue",
            agency=op.lead,
            operations=[op.id, other.id],
            agencies=[op.lead, other.lead],
            registered=[op.registered is not None, other.registered is not None],
            incident=spec.id,
            node=self.roster.node_id(op.node),
        )
        incident = self.incidents.start(spec)
        key = fact_key("incident", incident.id)
        for agency in sorted({op.lead, other.lead}):
            self.awareness.learn(agency, key, self.incidents.truth(key), "own")

    # -- commands ----------------------------------------------------------------------

    def _own(self, agency: str, operation: str) -> tuple[LiveOperation | None, str]:
        op = self.live.get(operation)
        if op is None or op.lead != agency:
            led = sorted(o.id for o in self.live.values() if o.lead == agency)
            return None, f"{agency} leads no operation {operation!r} (it leads: " + (
                ", ".join(led) or "none"
            ) + ")"
        if op.state in _OVER:
            return None, f"operation {op.id} is {op.state}"
        return op, ""

    def check_register(self, command: RegisterOperation) -> Verdict:
        """Register an operation the agency leads, once."""
        if self.service is None:
            return "this exercise has no deconfliction service", None
        op, reason = self._own(command.agency, command.operation)
        if op is None:
            return reason, None
        if op.registered is not None:
            return f"operation {op.id} is already registered", None
        return "", lambda: self.register(op)

    def check_deconflict(self, command: Deconflict) -> Verdict:
        """Acknowledge, postpone or cancel in answer to a conflict notice."""
        conflict = self.conflicts.get(command.conflict)
        if conflict is None or command.agency not in conflict.told:
            return f"{command.agency} has no conflict notice {command.conflict!r}", None
        if conflict.resolved is not None:
            return f"conflict {conflict.id} is already resolved ({conflict.resolved})", None
        own = self.live[conflict.operations[conflict.leads.index(command.agency)]]
        if own.state in _OVER:
            return f"operation {own.id} is {own.state}", None
        if command.action == "acknowledge":
            if command.agency in conflict.acknowledged:
                return f"{command.agency} has already acknowledged {conflict.id}", None
            return "", lambda: self._acknowledge(conflict, command.agency, "acknowledge")
        if command.action == "cancel":
            return "", lambda: self._cancel(own, conflict)
        if command.minutes is None:
            return "postpone needs minutes", None
        if own.phase in ("entry", "secure", "hand_over"):
            return f"operation {own.id} is past entry; it can no longer be postponed", None
        return "", lambda: self._postpone(own, conflict, command.minutes * 60.0)

    def _acknowledge(self, conflict: Conflict, agency: str, action: str) -> None:
        conflict.acknowledged.add(agency)
        self.kernel.emit(
            "deconfliction.acknowledged", agency=agency, conflict=conflict.id, action=action
        )
        if action == "acknowledge" and conflict.acknowledged >= set(conflict.leads):
            self._resolve(conflict, "coordinated")

    def _cancel(self, op: LiveOperation, conflict: Conflict) -> None:
        self._acknowledge(conflict, op.lead, "cancel")
        op.state = "cancelled"
        op.epoch += 1
        self.kernel.emit("operation.cancelled", agency=op.lead, operation=op.id)
        for other in self.conflicts.values():
            if op.id in other.operations and other.resolved is None:
                self._resolve(other, "cancelled")

    def _postpone(self, op: LiveOperation, conflict: Conflict, seconds: float) -> None:
        """Move the operation later; a conflict it no longer overlaps is resolved."""
        self._acknowledge(conflict, op.lead, "postpone")
        op.shift += seconds
        op.epoch += 1
        self.kernel.emit(
            "operation.adjusted",
            agency=op.lead,
            operation=op.id,
            shift_s=round(op.shift, 3),
            start=op.start,
            end=op.end,
            phases={p: op.at(p) for p in PHASES},
            note=f"postponed {format_offset(seconds)}",
        )
        self._schedule(op)
        for other in self.conflicts.values():
            if op.id not in other.operations or other.resolved is not None:
                continue
            a, b = (self.live[i] for i in other.operations)
            if not self._overlap(a, b):
                self._resolve(other, "separated")
            elif other.acknowledged >= set(other.leads):
                self._resolve(other, "coordinated")
