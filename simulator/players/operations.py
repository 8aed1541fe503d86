"""The automated player's operations desk: deconfliction by procedure, by profile.

Doctrine (RISSafe / Case Explorer / SAFETNet practice): every warrant, buy, surveillance
or arrest is entered in event deconfliction before it starts, and a conflict notice is
answered at once by calling the other agency's contact. How each profile plays it:

- ``idle`` and ``poor``: never register, never answer a notice (no desk at all);
- ``sop``: registers each operation it leads when its briefing begins, and acknowledges
  conflict notices as they come;
- ``expert``: registers each operation as soon as it is planned (the exercise start),
  well before its briefing, and acknowledges conflict notices at once.

It acts only on its own agency's events, through its own viewpoint, like a trainee.
"""

from simulator.commands import Deconflict, RegisterOperation
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.viewpoint import Viewpoint

# When each profile registers an operation: the event that prompts it.
REGISTERS_ON = {"sop": "briefing", "expert": "planned"}


class OperationsDesk:
    """Registers the agency's planned operations and answers conflict notices."""

    def __init__(self, exercise: Exercise, agency: str, style: str) -> None:
        self.agency = agency
        self.style = style
        self.desk = Viewpoint(exercise, agency, f"player:{agency}")
        # Entered before the exercise began: the lead knows, and does not enter it again.
        self._registered = {op.id for op in exercise.scenario.operations.planned if op.registered}
        self.desk.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """Register and acknowledge on this agency's own operation events."""
        when = REGISTERS_ON[self.style]
        for event in events:
            if event.agency != self.agency:
                continue
            kind, operation = event.kind, event.data.get("operation")
            if kind == "operation.registered":
                self._registered.add(str(operation))
            elif self._prompts(event, when):
                self._register(str(operation))
            elif kind == "deconfliction.notice":
                self.desk.submit(
                    Deconflict(agency=self.agency, conflict=str(event.data["conflict"]))
                )

    @staticmethod
    def _prompts(event: Event, when: str) -> bool:
        """Whether the event is the moment this profile registers its operation."""
        if event.kind == "operation.planned":
            return when == "planned"
        return event.kind == "operation.phase" and event.data.get("phase") == when

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
