"""The automated player's operations desk: deconfliction by procedure, by profile.

Doctrine (RISSafe / Case Explorer / SAFETNet practice): every warrant, buy, surveillance
or arrest is entered in event deconfliction before it starts, and a conflict notice is
answered at once by calling the other agency's contact. How each profile plays it:

- ``idle`` and ``poor``: never register, never answer a notice (no desk at all);
- ``sop``: registers each operation it leads when its briefing begins, and acknowledges
  conflict notices as they come;
- ``expert``: registers each operation as soon as it is planned (the exercise start),
  well before its briefing, and acknowledges conflict notices at once.

A notice acknowledged by one side only still spoils both operations at entry, so a
lead whose partner has not called back (``sop`` within 5 minutes, ``expert`` within 2,
never later than a minute before its officers go out to staging, never before the other lead has had
the service's call and half a minute to answer) postpones its operation until the
other's window has closed, or calls it off once it is too late to postpone.

It acts only on its own agency's events, through its own viewpoint, like a trainee.
"""

import math
from dataclasses import dataclass

from simulator.commands import Deconflict, RegisterOperation
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.payloads import payload
from simulator.viewpoint import Viewpoint

# When each profile registers an operation: the event that prompts it.
REGISTERS_ON = {"sop": "briefing", "expert": "planned"}
# Seconds each profile waits for the other lead to call back about a conflict.
CALLBACK_S = {"sop": 300.0, "expert": 120.0}
# The latest a lead acts on an unanswered notice: this long before its officers go out.
BEFORE_STAGING_S = 60.0
# The earliest: this long after the service has called the other lead too.
GRACE_S = 30.0


@dataclass
class Pending:
    """A conflict we acknowledged that the other lead has not answered yet."""

    operation: str
    other_end: float
    due: float


class OperationsDesk:
    """Registers the agency's planned operations and answers conflict notices."""

    def __init__(self, exercise: Exercise, agency: str, style: str) -> None:
        self.agency = agency
        self.style = style
        self.desk = Viewpoint(exercise, agency, f"player:{agency}")
        plan = exercise.scenario.operations.planned
        # Entered before the exercise began: the lead knows, and does not enter it again.
        self._registered = {op.id for op in plan if op.registered}
        # Our own operations' windows as planned (postponements move them).
        self._start = {op.id: op.phases.briefing for op in plan if op.lead == agency}
        self._staging = {op.id: op.phases.staging for op in plan if op.lead == agency}
        self._entry = {op.id: op.phases.entry for op in plan if op.lead == agency}
        self._pending: dict[str, Pending] = {}
        service = exercise.scenario.operations.deconfliction
        self._notice_s = service.notice_seconds if service else 0.0
        self.desk.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """Register and acknowledge on this agency's own operation events."""
        when = REGISTERS_ON[self.style]
        for event in events:
            kind = event.kind
            if kind == "deconfliction.resolved":
                self._pending.pop(payload(event).conflict, None)
            if event.agency != self.agency:
                continue
            if kind == "operation.registered":
                self._registered.add(payload(event).operation)
            elif self._prompts(event, when):
                self._register(payload(event).operation)
            elif kind == "deconfliction.notice":
                self._answer(event)
            elif kind == "operation.adjusted":
                moved = payload(event)
                self._start[moved.operation] = float(moved.start)
                self._staging[moved.operation] = float(moved.phases["staging"])
                self._entry[moved.operation] = float(moved.phases["entry"])
        if self._pending:
            self._act_on_silence()

    def _answer(self, notice: Event) -> None:
        """Call the other lead back, and wait for them (for a while) to do the same."""
        told = payload(notice)
        conflict, operation = told.conflict, told.operation
        result = self.desk.submit(Deconflict(agency=self.agency, conflict=conflict))
        if result.accepted:
            now = self.desk.now
            staging = self._staging[operation]
            due = min(now + CALLBACK_S[self.style], staging - BEFORE_STAGING_S)
            due = max(due, now + self._notice_s + GRACE_S)
            self._pending[conflict] = Pending(operation, float(told.window[1]), due)

    def _act_on_silence(self) -> None:
        """Postpone past the other operation (or cancel, too late) when nobody called back."""
        now = self.desk.now
        for conflict, pending in sorted(self._pending.items()):
            if now < pending.due:
                continue
            del self._pending[conflict]
            late = pending.other_end - self._start[pending.operation]
            minutes = math.ceil(late / 60.0) + 1
            postpone = Deconflict(
                agency=self.agency, conflict=conflict, action="postpone", minutes=minutes
            )
            if now < self._entry[pending.operation] and self.desk.submit(postpone).accepted:
                continue
            self.desk.submit(Deconflict(agency=self.agency, conflict=conflict, action="cancel"))

    @staticmethod
    def _prompts(event: Event, when: str) -> bool:
        """Whether the event is the moment this profile registers its operation."""
        if event.kind == "operation.planned":
            return when == "planned"
        return event.kind == "operation.phase" and payload(event).phase == when

    def _register(self, operation: str) -> None:
        if operation in self._registered:
            return
        self._registered.add(operation)
        self.desk.submit(RegisterOperation(agency=self.agency, operation=operation))


def attach_operations(exercise: Exercise, profiles: dict[str, str]) -> list[OperationsDesk]:
    """A desk for each automated agency that leads an operation and registers by profile.

    In id order; a scenario without planned operations gets none (its log is untouched).
    """
    leads = {op.lead for op in exercise.scenario.operations.planned}
    return [
        OperationsDesk(exercise, agency, style)
        for agency, style in sorted(profiles.items())
        if agency in leads and style in REGISTERS_ON
    ]
