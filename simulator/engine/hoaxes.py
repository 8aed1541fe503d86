"""Hoax emergency calls ("swatting") and their verification.

An incident may be a hoax (``hoax``: nothing is there but the callers' story), and its
calls may be suspect (``calls.suspect``): when such a call is processed the PSAP flags
it (``call.flagged``). Doctrine (shared reference): PSAPs and police verify (callback,
location history, caller details) before committing a tactical team, without delaying
a real emergency. ``VerifyCall`` takes the scenario's ``verify_minutes`` and answers
``incident.verified`` (hoax or genuine), taking ``manual_processing_factor`` times as
long while the agency's records system is down (``outages.py``); a hoax is then stood
down (resolved, its units sent home). A tactical team that reaches a hoax before it was
verified is tied up: the address is cleared room by room (the incident escalates by
``hoax_clearance_minutes`` of work), while real emergencies wait for it.

A scenario without suspect calls or hoaxes logs nothing of this.
"""

from collections.abc import Callable

from simulator.commands import CommandBase, VerifyCall
from simulator.engine.awareness import Awareness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.outages import Outages
from simulator.engine.roster import Roster
from simulator.engine.scene import Scene
from simulator.events import Event
from simulator.scenario.incident import EscalationEffect
from simulator.scenario.msel import IncidentInject
from simulator.scenario.vocabulary import Capability

Verdict = tuple[str, Callable[[], object] | None]


class Hoaxes:
    """Which incidents are being verified or were, and which hoaxes tied a team up."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        awareness: Awareness,
        incidents: Incidents,
        scene: Scene,
        outages: Outages,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        self.scene = scene
        self.outages = outages
        self.verifying: dict[str, str] = {}  # incident -> agency checking it
        self.verified: set[str] = set()
        self._cleared: set[str] = set()  # hoaxes that already tied a team up
        msel = self.roster.scenario.msel
        # Only where a hoax can tie a team up does it watch teams arrive.
        self.possible = any(isinstance(row, IncidentInject) and row.incident.hoax for row in msel)

    def orders(self) -> dict[type, Callable[[CommandBase], Verdict]]:
        """The command handlers this subsystem answers (``orders.py`` registers them)."""
        return {VerifyCall: self.check_verify}

    def processed(self, psap: str, incident_id: str, call: str) -> None:
        """A call was processed: a suspect one is flagged as a possible hoax."""
        incident = self.incidents[incident_id]
        if incident.spec.calls.suspect:
            self.kernel.emit("call.flagged", agency=psap, incident=incident_id, call=call)

    def check_verify(self, command: VerifyCall) -> Verdict:
        """Why the call cannot be verified now, or the check starting."""
        incident = self.incidents.get(command.incident)
        if incident is None or not self.awareness.cads[command.agency].knows(command.incident):
            return f"incident {command.incident!r} is not in {command.agency}'s CAD", None
        if incident.resolved:
            return f"incident {command.incident} is already resolved", None
        if command.incident in self.verified:
            return f"incident {command.incident} is already verified", None
        if command.incident in self.verifying:
            return f"{self.verifying[command.incident]} is already verifying it", None
        return "", lambda: self._start(command.agency, command.incident)

    def _start(self, agency: str, incident_id: str) -> None:
        self.verifying[incident_id] = agency
        settings = self.roster.scenario.settings
        minutes = settings.verify_minutes
        if self.outages.records_down(agency):  # caller and premise history by hand
            minutes *= settings.manual_processing_factor
        self.kernel.at(minutes * 60.0, self._answer, agency, incident_id)

    def _answer(self, agency: str, incident_id: str) -> None:
        """The check is done: a hoax is stood down, a genuine call goes on."""
        incident = self.incidents[incident_id]
        del self.verifying[incident_id]
        self.verified.add(incident_id)
        self.kernel.emit(
            "incident.verified", agency=agency, incident=incident_id, hoax=incident.spec.hoax
        )
        if incident.spec.hoax and not incident.resolved:
            self.incidents.resolve(incident)

    def observe(self, event: Event) -> None:
        """A tactical team reaching an unverified hoax is tied up clearing the address."""
        if event.kind != "unit.on_scene" or event.incident in self._cleared:
            return
        incident = self.incidents.get(event.incident or "")
        if incident is None or not incident.spec.hoax or incident.id in self.verified:
            return
        if Capability.TACTICAL not in self.roster.units[event.unit].spec.capabilities:
            return
        self._cleared.add(incident.id)
        minutes = self.roster.scenario.settings.hoax_clearance_minutes
        effect = EscalationEffect(
            description="a tactical team committed to an unverified hoax clears the address",
            add_work_minutes=minutes,
        )
        self.scene.escalate(incident, effect, f"{event.unit} committed to an unverified hoax")
