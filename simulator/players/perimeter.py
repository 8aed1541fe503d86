"""Hazard discipline: crews wait at the perimeter until someone able has sized up the scene.

Doctrine for scenes whose hazards only a specialist recognises (the ERG and NFPA 470 for
hazardous materials; containment and a tactical team for an armed subject or a device):
responders who cannot recognise the hazard stop at the perimeter, committed but outside,
until a unit that can (hazmat, a tactical team) has gone in and its findings have reached
their dispatch, or the size-up has had time to come back with nothing. The expert plays
this; SOP crews walk straight in, which is what the bundled scenarios' unknown hazards
punish.

After an explosion or a structural failure nobody enters the collapse zone, specialists
included, until technical rescue has surveyed the structure (FEMA US&R structural
triage). Rescue does that from outside, on its 360-degree size-up while it waits at the
perimeter, so a bomb squad waiting for rescue and rescue waiting for the bomb squad's
sweep never wait on each other.
"""

from simulator.commands import Dispatch
from simulator.exercise import CadIncident
from simulator.scenario.vocabulary import DETECTS, Capability, IncidentType, UnitStatus
from simulator.viewpoint import Viewpoint

# Specialists whose size-up makes a scene safe to enter, and the hazards each recognises.
SPECIALISTS: dict[Capability, frozenset[str]] = {
    c: frozenset(kind.value for kind, caps in DETECTS.items() if c in caps)
    for c in (Capability.HAZMAT, Capability.TACTICAL)
}
# After a specialist goes in, how long a dispatcher waits for its findings before
# taking silence as "nothing found" and sending the held crews in.
SIZE_UP_S = 180.0
# Scenes with a collapse zone, and who surveys it from outside.
COLLAPSE_RISK = frozenset({IncidentType.EXPLOSION.value, IncidentType.INFRASTRUCTURE_FAILURE.value})
SURVEYORS = frozenset(kind.value for kind, caps in DETECTS.items() if Capability.RESCUE in caps)
# How long a crew at the perimeter waits for rescue's survey to come back to its dispatch.
SURVEY_S = 90.0


class Perimeter:
    """One agency's crews held at incident perimeters, and when to send them in."""

    def __init__(self, desk: Viewpoint) -> None:
        self.desk = desk
        self.held: dict[str, set[str]] = {}  # incident -> our units told to wait
        self._inside: dict[tuple[str, Capability], float] = {}  # specialist first seen in
        self._before: dict[str, frozenset[str]] = {}  # hazards known when we began to hold
        self._reached: dict[tuple[str, str], float] = {}  # (incident, unit) -> held there since

    def split(self, view: CadIncident, units: list[str]) -> tuple[list[str], list[str]]:
        """The units that may go straight in, and those to hold at the perimeter."""
        go = [u for u in units if not self._waiting_for(view, u)]
        return go, [u for u in units if u not in go]

    def dispatch(self, view: CadIncident, units: list[str]) -> bool:
        """Send units, holding at the perimeter those the scene is not yet safe for.

        Returns whether every order was accepted.
        """
        accepted = True
        for group, hold in zip(self.split(view, units), (None, True), strict=True):
            if not group:
                continue
            result = self.desk.submit(
                Dispatch(agency=self.desk.agency, incident=view.id, units=group, hold=hold),
            )
            accepted = accepted and result.accepted
            if result.accepted and hold:
                self.held.setdefault(view.id, set()).update(group)
        return accepted

    def release(self) -> None:
        """Order in the held crews whose scene is now sized up (called on every batch)."""
        if not self.held:
            return
        units = self.desk.units()
        where = {u.id: u.incident for u in units}
        for u in units:
            if u.status == UnitStatus.STAGED and u.id in self.held.get(u.incident or "", ()):
                self._reached.setdefault((u.incident, u.id), self.desk.now)
        for incident in sorted(self.held):
            view = self.desk.cad_incident(incident)
            units = sorted(u for u in self.held[incident] if where.get(u) == incident)
            if view is None or not units:
                del self.held[incident]
                continue
            ready = [u for u in units if not self._waiting_for(view, u)]
            if not ready:
                continue
            self.held[incident] -= set(ready)
            self.desk.submit(Dispatch(agency=self.desk.agency, incident=incident, units=ready))

    def _waiting_for(self, view: CadIncident, unit: str) -> list[Capability]:
        """Specialists this unit must wait for at this incident (none: it may go in)."""
        can = self.desk.unit_can
        waits = [Capability.RESCUE] if self._collapse_zone(view, unit) else []
        if any(can(unit, c) for c in SPECIALISTS):
            return (
                waits  # a specialist goes in equipped for it; two waiting on each other never would
            )
        return waits + [
            c
            for c in SPECIALISTS
            if _needed(view, c) and not can(unit, c) and not self._sized_up(view, c)
        ]

    def _collapse_zone(self, view: CadIncident, unit: str) -> bool:
        """Whether the unit must stay out until rescue has surveyed the structure."""
        if view.type not in COLLAPSE_RISK or not _needed(view, Capability.RESCUE):
            return False
        if self.desk.unit_can(unit, Capability.RESCUE):
            return False
        if any(kind in SURVEYORS for _, kind in self._hazards(view.id)):
            return False  # the damage is known: crews work around it
        reached = self._reached.get((view.id, unit))
        return reached is None or self.desk.now - reached < SURVEY_S

    def _sized_up(self, view: CadIncident, specialist: Capability) -> bool:
        """Whether the specialist has been in and we heard what it found, or waited enough.

        A hazard the caller reported is no size-up: the one nobody reported is the danger.
        """
        hazards = self._hazards(view.id)
        before = self._before.setdefault(view.id, hazards)
        if not any(n.capability == specialist and n.on_scene > 0 for n in view.needs):
            return False
        now = self.desk.now
        first = self._inside.setdefault((view.id, specialist), now)
        found = {v for k, v in hazards - before}
        return bool(found & SPECIALISTS[specialist]) or now - first >= SIZE_UP_S

    def _hazards(self, incident: str) -> frozenset[tuple[str, str]]:
        """The hazards our agency knows at an incident, as (fact, kind)."""
        facts = self.desk.facts(incident)
        return frozenset((k, str(v)) for k, v in facts.items() if k.startswith("hazard:"))


def _needed(view: CadIncident, capability: Capability) -> bool:
    """Whether the incident asks for the capability at all."""
    return any(n.capability == capability and n.required > 0 for n in view.needs)
