"""Mutual aid between agencies: a request is a message; its arrival opens the partner's CAD."""

from typing import TYPE_CHECKING

from simulator.engine.incident import Incident
from simulator.scenario.vocabulary import Capability

if TYPE_CHECKING:
    from simulator.engine.core import Engine


class MutualAid:
    """Mutual-aid requests sent and received."""

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine

    def request(
        self, agency: str, to: str, incident: Incident, capability: Capability, count: int
    ) -> None:
        """Send a mutual-aid request as a message, with what the requester knows."""
        self.engine.emit(
            "mutual_aid.requested",
            agency=agency,
            incident=incident.id,
            to=to,
            capability=capability.value,
            count=count,
        )
        self.engine.send(
            "mutual_aid_request",
            agency,
            to,
            incident=incident.id,
            facts=self.engine.knowledge.about(agency, incident.id),
            payload={"capability": capability.value, "count": count},
        )

    def receive(
        self, agency: str, incident: Incident, capability: Capability, count: int, by: str
    ) -> None:
        """A mutual-aid request reaches the other agency's CAD."""
        self.engine.open_cad(agency, incident, via="mutual_aid", by=by)
        entry = self.engine.cads[agency].entries[incident.id]
        entry.aid[capability] = entry.aid.get(capability, 0) + count
        self.engine.emit(
            "mutual_aid.received",
            agency=agency,
            incident=incident.id,
            source=by,
            capability=capability.value,
            count=count,
        )
