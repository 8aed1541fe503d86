"""The automated agency player: a dispatcher following standard operating procedure.

It sees only its agency's CAD and units and acts only through commands, exactly as a
trainee would, so an exercise can run with nobody at the keyboard (HSEEP's simulation
cell).
"""

from simulator.commands import Declare, Dispatch, RequestMutualAid
from simulator.events import Event
from simulator.exercise import CadIncident, Exercise
from simulator.scenario.vocabulary import Capability

# Do not ask the same partner again for the same need sooner than this.
AID_RETRY_S = 900.0


class SopPlayer:
    """Nearest capable available unit for each unmet need, by priority; else mutual aid."""

    def __init__(self, exercise: Exercise, agency: str):
        self.exercise = exercise
        self.agency = agency
        self.partners = exercise.scenario.agency(agency).mutual_aid
        self.source = f"player:{agency}"
        self._asked: dict[tuple[str, Capability], float] = {}
        exercise.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """React to a batch of events that concern this agency."""
        relevant = False
        for event in events:
            if event.agency == self.agency:
                relevant = True
                if event.kind == "incident.precondition_ready":
                    self._declare(event)
            elif event.incident and self.exercise.knows(self.agency, event.incident):
                relevant = True
        if relevant:
            self.act()

    def _declare(self, event: Event) -> None:
        self.exercise.submit(
            Declare(agency=self.agency, incident=event.incident, condition=event.data["condition"]),
            source=self.source,
        )

    def act(self) -> None:
        """Fill every unmet need this agency answers for, most urgent incident first."""
        free = self.exercise.free_units(self.agency)
        for incident in self.exercise.cad(self.agency):
            for capability, shortfall in self._shortfalls(incident):
                if not shortfall:
                    continue
                chosen = self._nearest(incident, capability, free, shortfall)
                if chosen:
                    result = self.exercise.submit(
                        Dispatch(agency=self.agency, incident=incident.id, units=chosen),
                        source=self.source,
                    )
                    if result.accepted:
                        free = [u for u in free if u not in chosen]
                if len(chosen) < shortfall:
                    self._ask_for_aid(incident, capability, shortfall - len(chosen))

    def _shortfalls(self, incident: CadIncident) -> list[tuple[Capability, int]]:
        out = []
        for need in incident.needs:
            missing = max(0, need.required - need.assigned)
            if need.responsible == self.agency:
                out.append((need.capability, missing))
            elif need.capability in incident.aid:
                mine = self.exercise.committed(self.agency, incident.id, need.capability)
                out.append((need.capability, min(missing, incident.aid[need.capability] - mine)))
        return out

    def _nearest(
        self, incident: CadIncident, capability: Capability, free: list[str], count: int
    ) -> list[str]:
        capable = [u for u in free if self.exercise.unit_can(u, capability)]
        ranked = sorted(capable, key=lambda u: (self.exercise.eta(u, incident.id), u))
        return ranked[:count]

    def _ask_for_aid(self, incident: CadIncident, capability: Capability, count: int) -> None:
        if incident.aid or not self.partners:
            return  # an agency giving aid does not pass the request on
        key = (incident.id, capability)
        now = self.exercise.now
        if now - self._asked.get(key, -AID_RETRY_S) < AID_RETRY_S:
            return
        for partner in self.partners:
            result = self.exercise.submit(
                RequestMutualAid(
                    agency=self.agency,
                    to=partner,
                    incident=incident.id,
                    capability=capability,
                    count=count,
                ),
                source=self.source,
            )
            self._asked[key] = now
            if result.accepted:
                return


def attach_players(exercise: Exercise, agencies: list[str]) -> list[SopPlayer]:
    """Automated players for the named agencies, in id order."""
    return [SopPlayer(exercise, agency) for agency in sorted(agencies)]
