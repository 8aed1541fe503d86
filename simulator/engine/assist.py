"""A host's orders to the mutual-aid units working its incident.

NIMS: resources sent on a mutual-aid request assist under the host's command. The
partner dispatches its own units; once they are on their way, the host may hold them
at the incident's perimeter (Level I staging) until the scene is sized up, and send
them in, as it does its own crews. Nowhere else, and nothing else: they remain the
partner's units.
"""

from simulator.commands import Dispatch
from simulator.engine.awareness import Awareness
from simulator.engine.crews import Crews
from simulator.engine.incident import Incident
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.engine.verdict import Verdict
from simulator.scenario.vocabulary import UnitStatus

# A unit the host may still hold back: not yet at the scene.
ON_THE_WAY = frozenset({UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE})


class Assist:
    """Which partner units a host may order at its incident, and those orders."""

    def __init__(self, roster: Roster, awareness: Awareness, crews: Crews) -> None:
        self.roster = roster
        self.awareness = awareness
        self.crews = crews

    def assisting(self, host: str, incident: Incident, unit_ids: list[str]) -> bool:
        """Whether every unit is a partner's, sent to this incident on the host's request."""
        units = [self.roster.units.get(u) for u in unit_ids]
        return bool(units) and all(
            unit is not None and unit.agency != host and self._asked(host, incident, unit)
            for unit in units
        )

    def order(self, command: Dispatch, incident: Incident) -> Verdict:
        """Hold the units at the perimeter (``hold``), or send held ones in."""
        if len(set(command.units)) != len(command.units):
            return "a unit is listed twice", None
        units = [self.roster.units[u] for u in command.units]
        for unit in units:
            reason = self._refusal(unit, incident, bool(command.hold))
            if reason:
                return reason, None
        if command.hold:
            return "", lambda: [self._hold(unit) for unit in units]
        return "", lambda: [self.crews.order_in(unit, incident) for unit in units]

    def _asked(self, host: str, incident: Incident, unit: Unit) -> bool:
        entry = self.awareness.cads[unit.agency].entries.get(incident.id)
        return unit.incident == incident.id and entry is not None and host in entry.asked_by

    def _refusal(self, unit: Unit, incident: Incident, hold: bool) -> str:
        if hold and (unit.held or unit.status not in ON_THE_WAY):
            where = "held at the perimeter already" if unit.held else unit.status.value
            return f"unit {unit.id} is {where}: only a unit on its way can be held"
        if not hold and not unit.held:
            return f"unit {unit.id} is not held at {incident.id}'s perimeter"
        return ""

    @staticmethod
    def _hold(unit: Unit) -> None:
        unit.held = True  # it stops at the perimeter on arrival (``Crews._at_scene``)
