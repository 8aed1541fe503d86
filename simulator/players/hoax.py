"""The automated call-taking desk's hoax check, by profile.

Doctrine (shared reference): PSAPs and police verify a possible hoax (callback,
location history, caller details) before committing a tactical team, without delaying
a real emergency. ``sop`` and ``expert`` start the check (``VerifyCall``) as soon as
their call-taker flags a call; the expert also keeps its tactical team back until the
answer (``Profile.verified_tactical`` in ``sop.py``), while ``sop`` sends it as the
call demands. ``idle`` and ``poor`` never verify.
"""

from simulator.commands import VerifyCall
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.scenario.check import incidents
from simulator.viewpoint import Viewpoint

VERIFIERS = frozenset({"sop", "expert"})


class HoaxDesk:
    """Verifies each call its agency's call-takers flag as a possible hoax."""

    def __init__(self, exercise: Exercise, agency: str) -> None:
        self.agency = agency
        self.desk = Viewpoint(exercise, agency, f"player:{agency}")
        self.desk.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """Start a check for each call flagged at this agency's PSAP."""
        for event in events:
            if event.kind == "call.flagged" and event.agency == self.agency:
                self.desk.submit(VerifyCall(agency=self.agency, incident=str(event.incident)))


def attach_hoax_desks(exercise: Exercise, profiles: dict[str, str]) -> list[HoaxDesk]:
    """A desk for each automated agency whose profile verifies, where calls can be suspect.

    In id order; a scenario without suspect calls gets none (its log is untouched).
    """
    if not any(spec.calls.suspect for _, _, spec in incidents(exercise.scenario)):
        return []
    return [
        HoaxDesk(exercise, agency)
        for agency, style in sorted(profiles.items())
        if style in VERIFIERS
    ]
