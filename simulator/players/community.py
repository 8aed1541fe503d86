"""The automated player's public information officer (PIO), by profile.

Doctrine (NIMS): the PIO keeps the public informed; timely, accurate statements are the
counter to rumours on social media. The shared doctrine gives no times, so the desk
follows the common crisis-communication standard the scenario also scores against: a
first statement within the first hour of a major incident, updates at least hourly
(CDC CERC; ``community.first_statement_minutes`` and ``update_minutes``). How each
profile plays it:

- ``idle`` and ``poor``: never speak to the public (no desk at all);
- ``sop``: a first statement 45 minutes after its CAD opens a priority 1 incident,
  updates every 50 minutes while it has incidents open, and denies each rumour it
  notices 20 minutes after noticing it;
- ``expert``: the first statement after 15 minutes, updates every 40 minutes, each
  rumour denied 5 minutes after it is noticed.

It states no facts (only what it has confirmed, which the engine cannot tell it), so it
is never inaccurate about them. Its words are a PIO's: the agency by name, what it
responds to (the first priority 1 incident its CAD opened) and when the next update
comes; a denial does not repeat the claim, nor name the rumour by the exercise's id.
It acts only on its agency's events, through its own viewpoint, like a trainee; a delay
ends at the first event batch after it.
"""

from dataclasses import dataclass

from simulator.commands import PublicStatement
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.payloads import payload
from simulator.viewpoint import Viewpoint


@dataclass(frozen=True)
class Timing:
    """Seconds from a prompt to the statement it calls for."""

    first: float
    update: float
    rumour: float


TIMING = {
    "sop": Timing(first=45 * 60.0, update=50 * 60.0, rumour=20 * 60.0),
    "expert": Timing(first=15 * 60.0, update=40 * 60.0, rumour=5 * 60.0),
}


class PioDesk:
    """Speaks for the agency: a first statement, updates, and an answer to each rumour."""

    def __init__(self, exercise: Exercise, agency: str, style: str) -> None:
        self.agency = agency
        self.timing = TIMING[style]
        self.desk = Viewpoint(exercise, agency, f"player:{agency}")
        self._first_due: float | None = None
        self._major: str | None = None  # the priority 1 incident its first words are on
        self._last: float | None = None
        self._open: list[str] = []  # incidents its CAD opened, in order
        self._rumours: dict[str, float] = {}  # rumour -> when to answer it
        self.desk.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """Note prompts among the agency's events, then say what has fallen due."""
        for event in events:
            if event.agency == self.agency:
                self._note(event)
        self._act(self.desk.now)

    def _note(self, event: Event) -> None:
        now = self.desk.now
        if event.kind == "cad.opened":
            self._open.append(str(event.incident))
            if payload(event).priority == 1 and self._first_due is None:
                self._first_due = now + self.timing.first
                self._major = str(event.incident)
        elif event.kind == "rumour.noticed":
            self._rumours.setdefault(payload(event).rumour, now + self.timing.rumour)
        elif event.kind == "statement.issued":
            self._last = now

    def _act(self, now: float) -> None:
        for rumour, due in sorted(self._rumours.items()):
            if now >= due:
                del self._rumours[rumour]
                self._say(self._denial(), rumour)
        if self._last is None:
            if self._first_due is not None and now >= self._first_due:
                self._say(self._first())
        elif now >= self._last + self.timing.update and self._still_open():
            self._say(self._update())

    # -- the words ----------------------------------------------------------------------

    def _name(self) -> str:
        return self.desk.scenario.agency(self.agency).name

    def _what(self) -> str:
        """The major incident as the public would say it ("a suspicious package")."""
        entry = self.desk.cad_incident(self._major) if self._major else None
        if entry is None:
            return "an emergency"
        words = entry.type.replace("_", " ")
        return ("an " if words[0] in "aeiou" else "a ") + words

    def _next(self) -> str:
        community = self.desk.scenario.community
        minutes = community.update_minutes if community is not None else 60
        return f"We will give an update within {minutes:g} minutes."

    def _first(self) -> str:
        return (
            f"{self._name()} is responding to {self._what()}. Please keep clear of the area "
            f"and follow the directions of responders there. {self._next()}"
        )

    def _update(self) -> str:
        return f"Update from {self._name()}: the response continues. {self._next()}"

    def _denial(self) -> str:
        return (
            f"{self._name()}: a claim circulating on social media is false. Please rely on "
            f"official updates from us."
        )

    def _still_open(self) -> bool:
        return any(
            (line := self.desk.cad_entry(i)) is not None and not line.closed for i in self._open
        )

    def _say(self, text: str, rumour: str | None = None) -> None:
        stance = "deny" if rumour else "inform"
        self.desk.submit(
            PublicStatement(agency=self.agency, text=text, rumour=rumour, stance=stance)
        )
        self._last = self.desk.now


def attach_pio(exercise: Exercise, profiles: dict[str, str]) -> list[PioDesk]:
    """A PIO desk for each automated agency with a PIO that speaks by its profile.

    In id order; a scenario without a community gets none (its log is untouched).
    """
    community = exercise.scenario.community
    pios = set(community.pio) if community is not None else set()
    return [
        PioDesk(exercise, agency, style)
        for agency, style in sorted(profiles.items())
        if agency in pios and style in TIMING
    ]
