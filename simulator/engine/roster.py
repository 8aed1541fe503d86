"""The exercise's cast, fixed when it starts: its agencies, stations and units.

What changes as it runs belongs to the subsystem that changes it: incidents to
``incidents``, CADs and knowledge to ``awareness``, staging areas to ``command``,
hospitals and their beds to ``transport``. The units are here as the roster every
subsystem reads; a unit's record is changed by the subsystems whose work it records
(``crews``: status and assignment; ``movement``: where it is and is going; ``care``:
the patient it treats and those it loads; ``transport``: its hospital and the
hand-over; ``congestion``: its traffic post), each logging the change.
"""

from simulator.engine.incident import Incident
from simulator.engine.unit import Unit
from simulator.scenario.agency import Agency
from simulator.scenario.check import responsible_agency
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability, UnitStatus
from simulator.world.atlas import Atlas


class Roster:
    """The agencies, stations and units of an exercise, and the reads that explain them."""

    def __init__(self, scenario: Scenario, atlas: Atlas) -> None:
        self.scenario = scenario
        self.atlas = atlas
        self._agencies = {a.id: a for a in sorted(scenario.agencies, key=lambda a: a.id)}
        self.stations = {s.id: atlas.locate(s.location) for s in scenario.stations}
        self.units = {
            spec.id: Unit(
                spec,
                home=self.stations[spec.station],
                node=self.stations[spec.station],
                status=UnitStatus(spec.status),
            )
            for spec in sorted(scenario.units, key=lambda u: u.id)
        }
        self._fleets: dict[str, list[Unit]] = {a: [] for a in self._agencies}
        for unit in self.units.values():
            self._fleets[unit.agency].append(unit)

    def has_agency(self, agency_id: str) -> bool:
        """Whether the scenario has an agency of that id."""
        return agency_id in self._agencies

    def agency_ids(self) -> list[str]:
        """Every agency's id, sorted."""
        return list(self._agencies)

    def agency(self, agency_id: str) -> Agency:
        """An agency's scenario definition."""
        return self._agencies[agency_id]

    def agency_specs(self) -> list[Agency]:
        """Every agency, sorted by id."""
        return list(self._agencies.values())

    def sorted_units(self) -> list[Unit]:
        """Units in id order (dict order is id order)."""
        return list(self.units.values())

    def fleet(self, agency: str) -> list[Unit]:
        """An agency's units in id order."""
        return self._fleets[agency]

    def node_id(self, node: int) -> str:
        """The scenario's id of a road node."""
        return self.atlas.roads.ids[node]

    def responsible(self, incident: Incident, capability: Capability) -> str:
        """The agency that answers a capability at an incident."""
        return responsible_agency(self.scenario, incident.spec, capability)
