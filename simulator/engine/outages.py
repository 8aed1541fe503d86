"""Systems taken down by a fault inject, and how they come back.

A fault inject takes a system down: a radio site, a CAD, phone lines or a channel (the
network's own faults, ``comms.py``) or an agency's records system (held here). It comes
back after the inject's ``minutes`` (``fault.ended``), or, when it names the incident
whose work restores it (``restored_by``: ransomware on the CAD servers that the city's
IT team must rebuild, after the FBI has imaged them), when that incident's work is done
(``fault.restored``, with why); else it stays down for the rest of the exercise.

The records system (RMS, premise and caller history) is what a call-taker checks a
suspect call against: while an agency's is down its hoax checks are done by hand and
take ``manual_processing_factor`` times as long (``Hoaxes``).
"""

from collections import Counter

from simulator.engine.comms import Network
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.events import Event
from simulator.scenario.msel import Fault


class Outages:
    """The records systems that are down and the faults waiting for work to restore them."""

    def __init__(
        self, kernel: Kernel, roster: Roster, incidents: Incidents, network: Network
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        self.network = network
        self._records: Counter[str] = Counter()  # agency -> active records faults
        self._waiting: dict[str, list[Fault]] = {}  # incident -> faults its work restores
        msel = roster.scenario.msel
        # Only where work restores a system does it watch work being completed.
        self.restorable = any(isinstance(row, Fault) and row.restored_by for row in msel)

    def records_down(self, agency: str) -> bool:
        """Whether the agency's records system is down now."""
        return self._records[agency] > 0

    def start(self, row: Fault) -> None:
        """A fault inject strikes; schedule its end, or wait for the work that ends it."""
        self._apply(row, True)
        self.kernel.emit("fault.started", fault=row.fault, target=row.target, seq=row.seq)
        if row.restored_by:
            incident = self.incidents.get(row.restored_by)
            if incident is not None and incident.work_complete:
                self._restore(row, "the restoring work was already done")
            else:
                self._waiting.setdefault(row.restored_by, []).append(row)
        elif row.minutes:
            self.kernel.at(row.minutes * 60.0, self._end, row)

    def observe(self, event: Event) -> None:
        """The work of an incident that restores systems is done: they come back."""
        for row in self._waiting.pop(event.incident or "", []):
            self._restore(row, "work completed")

    def _end(self, row: Fault) -> None:
        self._apply(row, False)
        self.kernel.emit("fault.ended", fault=row.fault, target=row.target, seq=row.seq)

    def _restore(self, row: Fault, reason: str) -> None:
        self._apply(row, False)
        self.kernel.emit(
            "fault.restored",
            incident=row.restored_by,
            fault=row.fault,
            target=row.target,
            seq=row.seq,
            reason=reason,
        )

    def _apply(self, row: Fault, on: bool) -> None:
        if row.fault == "records":
            self._records[row.target] += 1 if on else -1
        else:
            self.network.set_fault(row, on)
