"""What the trainee's agencies have already done, so the action list can mark it done.

A share or a mutual-aid request cannot be undone and is not an error to repeat, so the
engine accepts it again; without a record the panel would offer it again as if new.
The ledger reads the event log (only what the trainee's own agencies did, which their
dispatchers know) from where it last stopped.
"""

from dataclasses import dataclass

from simulator.events import Event
from simulator.payloads import payload
from simulator.terminal import SeatView


@dataclass(frozen=True)
class Sent:
    """The last share of an incident to one agency: when, which message, and its fate."""

    t: float
    message: str
    lost: str = ""  # the reason, once the message is lost


class Ledger:
    """Shares sent, mutual aid asked for and destinations named by the trainee's agencies."""

    def __init__(self, exercise: SeatView, agencies: tuple[str, ...]):
        self.exercise = exercise
        self.agencies = frozenset(agencies)
        # (recipient, incident) -> the last share of it by any of the trainee's agencies.
        self.shares: dict[tuple[str, str], Sent] = {}
        # (recipient, fact) -> the last share naming that fact (a road closure).
        self.facts: dict[tuple[str, str], Sent] = {}
        # (agency, partner, incident, capability) -> when it was asked for.
        self.aid: dict[tuple[str, str, str, str], float] = {}
        # (agency, incident, triage) -> the hospital last named, and when.
        self.destinations: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._read = 0

    def update(self) -> None:
        """Read the events logged since the last call."""
        events = self.exercise.log.events
        for event in events[self._read :]:
            if event.agency in self.agencies:
                self._note(event)
        self._read = len(events)

    def _note(self, event: Event) -> None:
        kind = event.kind
        if kind == "command.accepted":
            command = payload(event).command
            # Marked at once: its message is queued only at the engine's next step.
            if command.get("type") == "share":
                self._shared(event.t, str(command.get("to")), command, "")
            elif command.get("type") == "destination":
                key = (str(command["agency"]), str(command["incident"]), str(command["triage"]))
                self.destinations[key] = (str(command["hospital"]), event.t)
        elif kind == "message.queued":
            queued = payload(event)
            if queued.type == "share":
                shared = {"incident": event.incident, "facts": queued.facts}
                self._shared(event.t, str(queued.to), shared, queued.message)
        elif kind == "message.lost":
            lost = payload(event)
            self._lost(lost.message, lost.reason)
        elif kind == "mutual_aid.requested" and event.incident:
            asked = payload(event)
            self.aid[(event.agency or "", asked.to, event.incident, asked.capability)] = event.t

    def _shared(self, t: float, to: str, command: dict, message: str) -> None:
        """Note a share: of an incident, or of the facts it names (marked at acceptance)."""
        if command.get("incident"):
            self.shares[(to, str(command["incident"]))] = Sent(t, message)
        for fact in command.get("facts") or ():
            self.facts[(to, str(fact))] = Sent(t, message)

    def _lost(self, message: str, reason: str) -> None:
        for book in (self.shares, self.facts):
            for key, sent in book.items():
                if sent.message == message:
                    book[key] = Sent(sent.t, sent.message, reason or "lost")

    def share(self, to: str, incident: str) -> Sent | None:
        """The last share of ``incident`` to ``to``, if any."""
        self.update()
        return self.shares.get((to, incident))

    def fact_shared(self, to: str, fact: str) -> Sent | None:
        """The last share naming ``fact`` to ``to``, if any."""
        self.update()
        return self.facts.get((to, fact))

    def destination(self, agency: str, incident: str, triage: str) -> tuple[str, float] | None:
        """The hospital ``agency`` last named for a category at ``incident``, and when."""
        self.update()
        return self.destinations.get((agency, incident, triage))

    def aid_asked(self, agency: str, partner: str, incident: str, capability: str) -> float | None:
        """When ``agency`` asked ``partner`` for ``capability`` at ``incident``, if it did."""
        self.update()
        return self.aid.get((agency, partner, incident, capability))
