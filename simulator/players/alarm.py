"""The first alarm: enough firefighters at a structure fire, not only the companies asked for.

A fire department's procedure for a reported structure fire is a full first-alarm
assignment sized by heads: NFPA 1710 (2020) puts 16 members on scene at a house fire,
17 where an aerial is used. An incident's needs count companies (three engines), and
three engines of four make 12, so a dispatcher who fills the needs and stops leaves the
fire short. The fire service that hosts the fire (answers its fire suppression) adds
the nearest free companies until its own crews make up the count. Partners' companies
sent as mutual aid are not visible to it, so it counts only its own, as a dispatcher
who cannot see a neighbour's rosters would; a chief counts once there, but is not sent
for heads.

A service drawn down sends what the needs name and no more: when a fire is planned
with fewer than a third of its companies free, heads for it would leave the
district's next calls unanswered, so departments switch to a reduced response plan
(the high-call-volume or "storm mode" assignments many keep). The plan in force when
a fire is planned holds for it: a full first alarm sent may itself draw the service
down for the next fire. A fire left short is topped up when companies free again.
"""

import math

from simulator.exercise import CadIncident
from simulator.scenario.vocabulary import (
    FIRST_ALARM_STAFF,
    FIRST_ALARM_STAFF_AERIAL,
    Capability,
    IncidentType,
)
from simulator.viewpoint import Viewpoint

# Companies sent for heads (a hazmat unit or a chief is not, though its crew counts there).
COMPANIES = frozenset({Capability.FIRE_SUPPRESSION, Capability.LADDER, Capability.RESCUE})
# Below this share of companies free, no heads are added (the reduced response plan).
DRAWN_DOWN = 1 / 3


class FirstAlarm:
    """One fire agency's headcount at the structure fires it hosts, and the companies to add."""

    def __init__(self, desk: Viewpoint) -> None:
        self.desk = desk
        own = [u for u in desk.scenario.units if u.agency == desk.agency]
        self.crew = {u.id: u.crew for u in own}
        self.companies = frozenset(
            u.id for u in own if COMPANIES & set(u.capabilities) and u.crew > 0
        )
        self.aerial = frozenset(u.id for u in own if Capability.LADDER in u.capabilities)
        self.short: set[str] = set()  # fires we host still short of heads, to top up

    def drawn_down(self, free: list[str]) -> bool:
        """Whether too few companies are free to add heads (see the module)."""
        spare = sum(1 for u in free if u in self.companies)
        return spare == 0 or spare < DRAWN_DOWN * len(self.companies)

    def hosts(self, view: CadIncident) -> bool:
        """Whether ``view`` is a structure fire whose fire suppression we answer for."""
        return view.type == IncidentType.STRUCTURE_FIRE and any(
            n.capability == Capability.FIRE_SUPPRESSION and n.responsible == self.desk.agency
            for n in view.needs
        )

    def pick(self, view: CadIncident, free: list[str]) -> tuple[list[str], bool]:
        """The nearest free companies that make up the count, and whether still short.

        For a fire we host. Ranks only as many as the count could need: at the
        smallest crew among them, with one head more in case an aerial raises the
        count to 17. Companies no open road joins to the fire are left out.
        """
        committed = self.desk.assigned(view.id)
        lacking = self._lacking(committed)
        candidates = [u for u in free if u in self.companies]
        if lacking <= 0 or not candidates:
            return [], lacking > 0
        smallest = min(self.crew[u] for u in candidates)
        if sum(self.crew[u] for u in candidates) - smallest < lacking:
            # Every one is needed: those an open road joins to the fire go.
            reached = set(self.desk.nearest(candidates, view.id, len(candidates)))
            chosen = [u for u in candidates if u in reached]
            return chosen, self._lacking(committed + chosen) > 0
        count = min(len(candidates), math.ceil((lacking + 1) / smallest))
        chosen: list[str] = []
        for unit in self.desk.nearest(candidates, view.id, count):
            if self._lacking(committed + chosen) <= 0:
                break
            chosen.append(unit)
        return chosen, self._lacking(committed + chosen) > 0

    def _lacking(self, units: list[str]) -> int:
        """Heads short of the first alarm with ``units`` there (17 once an aerial is)."""
        aerial = any(u in self.aerial for u in units)
        need = FIRST_ALARM_STAFF_AERIAL if aerial else FIRST_ALARM_STAFF
        return need - sum(self.crew.get(u, 0) for u in units)
