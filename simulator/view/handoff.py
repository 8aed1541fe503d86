"""Dispatches waiting for an incident to reach the dispatching agency's CAD.

A trainee at a joint console plays several agencies. When they send units of one
agency to an incident only another of their agencies holds, the console shares the
incident from the agency that holds it (a ``Share`` command, as the dispatcher would),
and the dispatch waits here until the share arrives and the incident opens in the
other CAD. The engine's model decides how long that takes and whether it arrives: a
CAD link takes seconds, jammed phones lose the message. Every order still goes through
``Exercise.submit``, so a replay gives it at the same point.
"""

from dataclasses import dataclass

from simulator.commands import Dispatch
from simulator.events import Event
from simulator.exercise import Result
from simulator.payloads import payload
from simulator.terminal import SeatView
from simulator.view.words import LOST, Names


@dataclass
class Handoff:
    """One waiting dispatch and the share that must reach its agency's CAD first."""

    dispatch: Dispatch
    sender: str  # the trainee's agency that shared the incident
    read: int  # log position up to which this hand-off's events were read
    message: str = ""  # the share's message id, once it is queued

    def label(self, names: Names) -> str:
        """What is waiting, for the trainee (agencies by name, as the rest of the view)."""
        d = self.dispatch
        return f"{', '.join(d.units)} to {d.incident} ({names.agency(d.agency)})"


@dataclass(frozen=True)
class Outcome:
    """What became of a hand-off: dispatched, rejected, or dropped with a reason."""

    handoff: Handoff
    result: Result | None  # None when the dispatch was never given
    reason: str = ""

    def line(self, names: Names) -> str:
        """One line for the trainee's notice."""
        d = self.handoff.dispatch
        agency = names.agency(d.agency)
        if self.result is not None and self.result.accepted:
            return f"{agency}: dispatched {', '.join(d.units)} to {d.incident}"
        reason = self.result.reason if self.result is not None else self.reason
        why = names.reason(reason)
        return f"Rejected ({agency}): {', '.join(d.units)} to {d.incident}: {why}"


class Handoffs:
    """The waiting dispatches of one console, given as soon as their CAD holds the call."""

    def __init__(self, exercise: SeatView, names: Names):
        self.exercise = exercise
        self.names = names  # agencies by name in the reasons a dispatch was dropped
        self.waiting: list[Handoff] = []

    def add(self, dispatch: Dispatch, sender: str, since: int) -> Handoff:
        """Wait for ``dispatch.incident`` to open in ``dispatch.agency``'s CAD.

        Args:
            dispatch: the order to give once the CAD holds the incident.
            sender: the agency that shared the incident.
            since: the log length when the share was given (its message follows).
        """
        handoff = Handoff(dispatch, sender, since)
        self.waiting.append(handoff)
        return handoff

    def cancel(self, units: set[str]) -> list[Handoff]:
        """Drop waiting dispatches of these units: a newer order replaces them."""
        dropped = [h for h in self.waiting if units & set(h.dispatch.units)]
        self.waiting = [h for h in self.waiting if h not in dropped]
        return dropped

    def poll(self) -> list[Outcome]:
        """Give every dispatch whose CAD now holds its incident; drop the hopeless ones."""
        out = []
        for handoff in list(self.waiting):
            outcome = self._step(handoff)
            if outcome is not None:
                self.waiting.remove(handoff)
                out.append(outcome)
        return out

    def _step(self, handoff: Handoff) -> Outcome | None:
        exercise, d = self.exercise, handoff.dispatch
        if exercise.knows(d.agency, d.incident):
            return Outcome(handoff, exercise.submit(d, source="trainee"))
        if exercise.ended:
            return Outcome(handoff, None, "the exercise has ended")
        events = exercise.log.events
        fresh, handoff.read = events[handoff.read :], len(events)
        for event in fresh:
            reason = self._fate(handoff, event)
            if reason:
                return Outcome(handoff, None, reason)
        return None

    def _fate(self, handoff: Handoff, event: Event) -> str:
        """Why the share will never open the CAD (lost, or arrived in vain), or ""."""
        d, kind = handoff.dispatch, event.kind
        if not handoff.message:
            if (
                kind == "message.queued"
                and event.agency == handoff.sender
                and event.incident == d.incident
                and (queued := payload(event)).type == "share"
                and queued.to == d.agency
            ):
                handoff.message = queued.message
            return ""
        if kind not in ("message.lost", "message.delivered"):
            return ""
        outcome = payload(event)
        if outcome.message != handoff.message:
            return ""
        names = self.names
        if kind == "message.lost":
            why = LOST.get(outcome.reason, outcome.reason)
            return f"the share from {names.agency(handoff.sender)} was lost ({why})"
        if not self.exercise.knows(d.agency, d.incident):
            return f"the share arrived but {d.incident} did not open in {names.whose(d.agency)} CAD"
        return ""
