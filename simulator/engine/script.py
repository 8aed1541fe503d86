"""The MSEL as it plays out: each row fires at its time, unless the controller acts.

The exercise controller may hold a row back (at its time it does not fire), release one
now (held or not yet due; a row fires only once) or add an ad-hoc information inject. A
contingency row is held from the start: it goes out only when the controller says.
Each row type does what it says through the engine's subsystems: an incident starts,
agencies learn facts, a fault strikes, a unit goes in or out of service, roads close
or open, traffic builds up, an incident escalates.
"""

from typing import Any

from simulator.engine.awareness import Awareness
from simulator.engine.closures import Closures
from simulator.engine.community import Community
from simulator.engine.congestion import Congestion
from simulator.engine.crews import Crews
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.outages import Outages
from simulator.engine.roster import Roster
from simulator.engine.scene import Scene
from simulator.scenario.msel import (
    EscalationInject,
    Fault,
    IncidentInject,
    InformationInject,
    ResourceChange,
    RoadClosure,
    RumourInject,
    TrafficInject,
)


class Script:
    """The MSEL rows, which are held, and when each went out."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        awareness: Awareness,
        incidents: Incidents,
        outages: Outages,
        congestion: Congestion,
        crews: Crews,
        closures: Closures,
        scene: Scene,
        community: Community,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        self.outages = outages
        self.congestion = congestion
        self.crews = crews
        self.closures = closures
        self.scene = scene
        self.community = community
        self.msel = {row.seq: row for row in self.roster.scenario.msel}
        # Contingency injects wait for the controller (HSEEP): held from the start.
        self.held: set[int] = {row.seq for row in self.msel.values() if row.contingency}
        self.released: dict[int, float] = {}

    def schedule(self) -> None:
        """Set every row to come due at its time (in time, then seq, order)."""
        for row in sorted(self.roster.scenario.msel, key=lambda r: (r.time, r.seq)):
            self.kernel.at(row.time, self._due, row)

    def _due(self, row: Any) -> None:
        """A row's time has come: it fires unless the controller held or released it."""
        if row.seq in self.held:
            self.kernel.emit("inject.held", seq=row.seq, type=row.type, description=row.description)
        elif row.seq not in self.released:
            self._release(row)

    def hold(self, seq: int) -> None:
        """The controller holds a row back: at its time it will not fire."""
        self.held.add(seq)
        row = self.msel[seq]
        self.kernel.emit("inject.on_hold", seq=seq, type=row.type, due=row.time)

    def release(self, seq: int) -> None:
        """The controller releases a row now (held or not yet due); it fires only once."""
        self.held.discard(seq)
        self._release(self.msel[seq], by="controller", due=self.msel[seq].time)

    def add(self, row: InformationInject, incident: str | None) -> None:
        """The controller's ad-hoc inject goes out now, as an information row would."""
        self._release(row, by="controller", adhoc=True, incident=incident)

    def _release(self, row: Any, **extra: Any) -> None:
        """Deliver a row now; ``extra`` marks the controller's releases in the event."""
        self.released[row.seq] = self.kernel.env.now
        self.kernel.emit(
            "inject.released",
            seq=row.seq,
            type=row.type,
            description=row.description,
            source=row.source,
            to=list(row.to),
            delivery=row.delivery,
            expected_action=row.expected_action,
            objectives=list(row.objectives),
            **extra,
        )
        if isinstance(row, IncidentInject):
            self.incidents.start(row.incident)
        elif isinstance(row, InformationInject):
            for agency in row.to:
                self._tell_one(row, agency)
                for key in row.facts:
                    self.awareness.learn(agency, key, self.incidents.truth(key), "inject")
        elif isinstance(row, Fault):
            self.outages.start(row)
            self._tell(row)
        elif isinstance(row, ResourceChange):
            self.crews.set_service(
                self.roster.units[row.unit], row.change == "in_service", f"MSEL {row.seq}"
            )
            self._tell(row)
        elif isinstance(row, RoadClosure):
            edges = self.roster.atlas.closure_edges(row)
            if row.action == "close":
                self.closures.close(edges, by=f"MSEL {row.seq}", told=list(row.to))
            else:
                self.closures.reopen(edges, by=f"MSEL {row.seq}", told=list(row.to))
        elif isinstance(row, TrafficInject):
            self.congestion.congest(row)
            self._tell(row)
        elif isinstance(row, EscalationInject):
            self._escalate(row)
        elif isinstance(row, RumourInject):
            self._tell(row)
            self.community.spread(row)

    def _tell(self, row: Any) -> None:
        """The row's recipients (``to``) hear its description, as its source tells them.

        An information row is only this; a fault, a unit going in or out of service or
        an escalation also happens whether or not anyone is told.
        """
        for agency in row.to:
            self._tell_one(row, agency)

    def _tell_one(self, row: Any, agency: str) -> None:
        self.kernel.emit(
            "information.received",
            agency=agency,
            seq=row.seq,
            text=row.description,
            source=row.source,
            delivery=row.delivery,
        )

    def _escalate(self, row: EscalationInject) -> None:
        incident = self.incidents.get(row.incident)
        if incident is None or incident.resolved:
            state = "has not started" if incident is None else "is already resolved"
            self.kernel.emit(
                "incident.escalation_skipped",
                incident=row.incident,
                reason=f"MSEL {row.seq}: the incident {state}",
            )
            return
        self.scene.escalate(incident, row, f"MSEL {row.seq}")
        self._tell(row)
