"""A command's verdict, and the lookups that explain a refusal.

Each handler checks a whole command against the state and returns either the reason it
cannot be carried out, or the change to apply (the exercise logs the verdict first and
applies the change after, so a command's effects follow it in the log).
"""

from collections.abc import Callable

from simulator.engine.awareness import Awareness
from simulator.engine.incident import Incident
from simulator.engine.incidents import Incidents
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.scenario.vocabulary import UnitStatus

Change = Callable[[], object]
Verdict = tuple[str, Change | None]

# Statuses a unit can be pulled from by a dispatcher's explicit order.
ORDERABLE = frozenset(
    {
        UnitStatus.AVAILABLE,
        UnitStatus.RETURNING,
        UnitStatus.DISPATCHED,
        UnitStatus.EN_ROUTE,
        UnitStatus.STAGED,
        UnitStatus.ON_SCENE,
    }
)


def own_units(roster: Roster, agency: str, unit_ids: list[str]) -> tuple[list[Unit], str]:
    """The agency's units by id, or why one of them is not its to order."""
    if len(set(unit_ids)) != len(unit_ids):
        return [], "a unit is listed twice"
    units = []
    for unit_id in unit_ids:
        unit = roster.units.get(unit_id)
        if unit is None:
            return [], f"unknown unit {unit_id!r}"
        if unit.agency != agency:
            return [], f"unit {unit_id} belongs to {unit.agency}, not {agency}"
        units.append(unit)
    return units, ""


def known_incident(
    incidents: Incidents, awareness: Awareness, agency: str, incident_id: str
) -> tuple[Incident | None, str]:
    """An open incident in the agency's CAD, or why it cannot act on it."""
    incident = incidents.get(incident_id)
    if incident is None or not awareness.cads[agency].knows(incident_id):
        return None, f"incident {incident_id!r} is not in {agency}'s CAD"
    if incident.resolved:
        return None, f"incident {incident_id} is already resolved"
    return incident, ""
