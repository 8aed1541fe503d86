"""Mutual aid between agencies: a request is a message; its arrival opens the partner's CAD."""

from simulator.engine.awareness import Awareness
from simulator.engine.incident import Incident
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.message import Message
from simulator.engine.roster import Roster
from simulator.engine.traffic import Traffic
from simulator.scenario.vocabulary import Capability


class MutualAid:
    """Mutual-aid requests sent and received."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        incidents: Incidents,
        awareness: Awareness,
        traffic: Traffic,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        self.awareness = awareness
        self.traffic = traffic

    def request(
        self, agency: str, to: str, incident: Incident, capability: Capability, count: int
    ) -> None:
        """Send a mutual-aid request as a message, with what the requester knows."""
        self.kernel.emit(
            "mutual_aid.requested",
            agency=agency,
            incident=incident.id,
            to=to,
            capability=capability.value,
            count=count,
        )
        self.traffic.send(
            "mutual_aid_request",
            agency,
            to,
            incident=incident.id,
            facts=self.awareness.knowledge.about(agency, incident.id),
            payload={"capability": capability.value, "count": count},
        )

    def answer(self, message: Message) -> None:
        """A delivered mutual-aid request, for ``receive`` (an incident that has begun)."""
        incident = self.incidents.get(message.incident or "")
        if incident is not None and message.to is not None:
            capability = Capability(message.payload["capability"])
            self.receive(
                message.to, incident, capability, int(message.payload["count"]), message.sender
            )

    def receive(
        self, agency: str, incident: Incident, capability: Capability, count: int, by: str
    ) -> None:
        """A mutual-aid request reaches the other agency's CAD."""
        self.awareness.open_cad(agency, incident, via="mutual_aid", by=by)
        self.awareness.note_aid(agency, incident.id, capability, count, by)
        self.kernel.emit(
            "mutual_aid.received",
            agency=agency,
            incident=incident.id,
            source=by,
            capability=capability.value,
            count=count,
        )
