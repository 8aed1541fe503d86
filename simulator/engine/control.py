"""The controller's hand on the script: release or hold an MSEL row, add an inject."""

from pydantic import ValidationError

from simulator.commands import AddInject, HoldInject, ReleaseInject
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.orders import Handlers
from simulator.engine.roster import Roster
from simulator.engine.script import Script
from simulator.engine.verdict import Verdict
from simulator.scenario.check import fact_problem
from simulator.scenario.facts import FactKey, incident_of
from simulator.scenario.msel import InformationInject
from simulator.scenario.problem import plain
from simulator.scenario.timing import format_offset


class Control:
    """The exercise controller's orders, checked against the MSEL as it plays out."""

    def __init__(
        self, kernel: Kernel, roster: Roster, incidents: Incidents, script: Script
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        self.script = script

    def orders(self) -> Handlers:
        """The command handlers of this desk."""
        return {
            ReleaseInject: self._release_inject,
            HoldInject: self._hold_inject,
            AddInject: self._add_inject,
        }

    def _msel_row(self, seq: int) -> tuple[object, str]:
        """The MSEL row ``seq``, or why the controller cannot act on it."""
        if seq not in self.script.msel:
            seqs = sorted(self.script.msel)
            listed = f"{seqs[0]} to {seqs[-1]}" if seqs else "none"
            return None, f"no MSEL inject {seq} (this scenario's injects: {listed})"
        if seq in self.script.released:
            at = format_offset(self.script.released[seq])
            return None, f"MSEL inject {seq} was already released at T+{at}"
        return self.script.msel[seq], ""

    def _release_inject(self, command: ReleaseInject) -> Verdict:
        _, reason = self._msel_row(command.seq)
        if reason:
            return reason, None
        return "", lambda: self.script.release(command.seq)

    def _hold_inject(self, command: HoldInject) -> Verdict:
        _, reason = self._msel_row(command.seq)
        if reason:
            return reason, None
        if command.seq in self.script.held:
            return f"MSEL inject {command.seq} is already held", None
        return "", lambda: self.script.hold(command.seq)

    def _add_inject(self, command: AddInject) -> Verdict:
        if len(set(command.to)) != len(command.to):
            return "an agency is listed twice", None
        for agency in command.to:
            if not self.roster.has_agency(agency):
                return (
                    f"unknown agency {agency!r} (agencies: {', '.join(self.roster.agency_ids())})",
                    None,
                )
        if command.incident is not None and command.incident not in self.incidents:
            return f"incident {command.incident!r} has not started", None
        for key in command.facts:
            reason = fact_problem(self.roster.scenario, key) or self._street_problem(key)
            about = incident_of(key)
            if not reason and about is not None and about not in self.incidents:
                reason = f"incident {about!r} has not started"
            if reason:
                return f"fact {key!r}: {reason}", None
        seq = max([0, *self.script.msel, *self.script.released]) + 1
        try:
            row = InformationInject(
                seq=seq,
                time=self.kernel.env.now,
                type="information",
                source="controller",
                to=command.to,
                description=command.text,
                facts=command.facts,
            )
        except ValidationError as exc:
            return f"not an inject: {plain(exc.errors(include_url=False)[0])}", None
        return "", lambda: self.script.add(row, command.incident)

    def _street_problem(self, key: str) -> str:
        """Why a closure fact names no street of the map, or "" (other facts: "")."""
        fact = FactKey.parse(key)
        return self.roster.atlas.street_problem(fact.subject) if fact.topic == "closure" else ""
