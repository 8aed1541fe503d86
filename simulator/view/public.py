"""The public's mood for the top bar: community trust and the rumours going round.

Read from the event log as it grows (``community.started``, ``trust.changed``,
``rumour.*``), so it works the same over the network (every seat hears the public's
events); empty when the scenario models no public.
"""

from simulator.events import Event
from simulator.payloads import payload

# What the bar says of a rumour in each state its events mark.
_STATES = {
    "rumour.started": "spreading",
    "rumour.noticed": "spreading",
    "rumour.countered": "answered",
    "rumour.crowd": "crowd!",
    "rumour.faded": "faded",
}


class PublicMood:
    """Trust and each rumour's state, updated from the events not yet read."""

    def __init__(self) -> None:
        self.seen = 0
        self.trust: float | None = None
        self.rumours: dict[str, str] = {}

    def update(self, events: list[Event]) -> None:
        """Read the events logged since the last update."""
        for event in events[self.seen :]:
            if event.kind in ("community.started", "trust.changed"):
                self.trust = float(payload(event).trust)
            elif event.kind == "rumour.spread":  # what a seat not told of it sees
                spread = payload(event)
                state = "answered" if spread.answered else "spreading"
                self.rumours.setdefault(spread.rumour, state)
            elif event.kind in _STATES:
                rumour = payload(event).rumour
                if self.rumours.get(rumour) != "crowd!" or event.kind == "rumour.countered":
                    self.rumours[rumour] = _STATES[event.kind]
        self.seen = len(events)

    def line(self) -> str:
        """``Trust 55/100 | R1 spreading``, or "" without a public."""
        if self.trust is None:
            return ""
        parts = [f"Trust {self.trust:.0f}/100"]
        parts += [f"{r} {state}" for r, state in sorted(self.rumours.items())]
        return " | ".join(parts)
