"""The expert's transport group: a destination plan that spreads patients across hospitals.

ICS puts a transport group supervisor and a medical communications coordinator at a
mass-casualty incident to stop every ambulance driving to the nearest hospital, which
then fills while others wait (the pattern of many after-action reports). From the
regional hospital status board they name, per incident and START category, the
nearest hospital that a patient would not push past 85% of its beds, within a few
minutes' extra drive of the nearest with room, and name it again as beds fill.
"""

import math

from simulator.commands import Destination
from simulator.exercise import TRANSPORTED, HospitalView
from simulator.scenario.vocabulary import Capability, Triage
from simulator.viewpoint import Viewpoint

# Extra drive accepted to reach an uncrowded department (an immediate patient's less).
DETOUR_S = {Triage.IMMEDIATE: 600.0, Triage.DELAYED: 1200.0}


class TransportGroup:
    """Destination plans for the incidents where our agency carries patients."""

    def __init__(self, desk: Viewpoint) -> None:
        self.desk = desk
        self.incidents: set[str] = set()  # open incidents we carry patients from
        self._planned: dict[tuple[str, Triage], str] = {}

    def forget(self, incident: str) -> None:
        """Stop planning for a closed incident."""
        self.incidents.discard(incident)

    def plan(self) -> None:
        """Name again, for each incident, the hospital each category should go to."""
        if not self.incidents:
            return
        board = self.desk.hospitals()
        for incident in sorted(self.incidents):
            if not self.desk.knows(incident):
                continue
            drives = {h.id: self.desk.drive_seconds(incident, h.node) for h in board}
            for triage in TRANSPORTED:
                chosen = _destination(board, drives, triage)
                key = (incident, triage)
                if chosen is None or self._planned.get(key) == chosen:
                    continue
                command = Destination(
                    agency=self.desk.agency,
                    incident=incident,
                    triage=triage.value,
                    hospital=chosen,
                )
                if self.desk.submit(command).accepted:
                    self._planned[key] = chosen


def carries(needs: tuple, aid: dict, agency: str) -> bool:
    """Whether an agency answers for an incident's transport (its own or as aid)."""
    own = any(n.capability == Capability.TRANSPORT and n.responsible == agency for n in needs)
    return own or Capability.TRANSPORT in aid


def _destination(board: list[HospitalView], drives: dict[str, float], triage: Triage) -> str | None:
    """The nearest hospital with room a patient would not crowd, within the detour."""
    open_beds = [
        h for h in board if h.in_use[triage] < h.beds[triage] and math.isfinite(drives[h.id])
    ]
    if not open_beds:
        return None  # every department is full: crews divert as they call ahead
    nearest = min(drives[h.id] for h in open_beds)
    near = [h for h in open_beds if drives[h.id] <= nearest + DETOUR_S[triage]]
    return min(
        near,
        key=lambda h: (h.would_crowd(triage), drives[h.id], h.id),
    ).id
