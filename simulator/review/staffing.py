"""First-alarm staffing at structure fires: how soon enough firefighters were on scene.

NFPA 1710 (2020) sizes the initial full alarm to a 2,000 ft2 single-family house at 16
members (17 where an aerial device is used), on scene within the full assignment's
travel time. A crew count is what the standard judges, not a list of capabilities:
three engines of two cannot do the work of three of four, so a dispatcher who sends
short-staffed units must send more of them.

Each structure fire gives one sample: from the first fire unit en route (any fire
service's, mutual aid included, as NFPA 1710 counts automatic aid) until the fire
crews on scene first number 16, or 17 once a ladder is among them. The sample is the
fire's host service's (the fire agency the incident needs), whoever completed the
count. A fire never staffed so is a duty not done: censored at its resolution, or at
the end of the run; one no fire unit set off for is timed from the first fire CAD to
hear of it (or, if none did, from its start). A fire verified as a hoax is not judged.
The house is the occupancy the doctrine reference sizes; NFPA 1710 asks more at an
apartment block or a high-rise, so there the check is a floor.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.stats import Sample, between, cite
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import (
    FIRST_ALARM_STAFF,
    FIRST_ALARM_STAFF_AERIAL,
    AgencyKind,
    Capability,
    IncidentType,
    UnitStatus,
)

# A unit's status events other than arriving on scene take it off the scene.
_LEAVES = frozenset(f"unit.{s.value}" for s in UnitStatus if s != UnitStatus.ON_SCENE)


@dataclass(frozen=True)
class FireCrew:
    """What a fire unit brings to the headcount: its crew, and whether it is an aerial.

    A unit that only commands counts on scene but does not start the clock (a chief
    driving in early is not the alarm's travel, as for the full assignment).
    """

    crew: int
    aerial: bool
    command_only: bool


@dataclass(frozen=True)
class FireService:
    """The scenario's fire agencies and every fire unit's crew, by unit id."""

    agencies: frozenset[str]
    crews: dict[str, FireCrew]


def fire_service(scenario: Scenario) -> FireService:
    """Every fire agency, and each fire unit's crew, aerial and command role."""
    fire = frozenset(a.id for a in scenario.agencies if a.kind == AgencyKind.FIRE)
    crews = {
        u.id: FireCrew(
            u.crew,
            Capability.LADDER in u.capabilities,
            set(u.capabilities) == {Capability.COMMAND},
        )
        for u in scenario.units
        if u.agency in fire
    }
    return FireService(fire, crews)


def first_alarm_staffing(events: Iterable[Event], service: FireService) -> list[Sample]:
    """One sample per structure fire (see the module's rule)."""
    return _Pass(service).run(events)


@dataclass
class _Fire:
    """One structure fire's headcount so far."""

    started: Event
    host: str
    alerted: Event | None = None
    first_en_route: Event | None = None
    on_scene: dict[str, FireCrew] = field(default_factory=dict)
    staffed: Sample | None = None
    hoax: bool = False
    resolved: float | None = None

    def enough(self) -> bool:
        """Whether the crews on scene make up the first alarm's staffing."""
        aerial = any(c.aerial for c in self.on_scene.values())
        need = FIRST_ALARM_STAFF_AERIAL if aerial else FIRST_ALARM_STAFF
        return sum(c.crew for c in self.on_scene.values()) >= need


class _Pass:
    def __init__(self, service: FireService) -> None:
        self.agencies = service.agencies
        self.crews = service.crews
        self.fires: dict[str, _Fire] = {}
        self.at: dict[str, str] = {}  # fire unit -> the structure fire it is working at
        self.out: list[Sample] = []
        self.end = 0.0

    def run(self, events: Iterable[Event]) -> list[Sample]:
        for e in events:
            self.end = max(self.end, e.t)
            kind = e.kind
            fire = self.fires.get(str(e.incident))
            if kind == "incident.started":
                self._started(e)
            elif e.unit in self.crews and (kind == "unit.on_scene" or kind in _LEAVES):
                self._unit(e)
            elif fire is None:
                continue
            elif kind == "incident.resolved":
                fire.resolved = e.t if fire.resolved is None else fire.resolved
            elif kind == "cad.opened" and e.agency in self.agencies:
                fire.alerted = fire.alerted or e
            elif kind == "incident.verified" and payload(e).hoax:
                fire.hoax = True
        self._censor()
        return self.out

    def _started(self, e: Event) -> None:
        started = payload(e)
        if started.type != IncidentType.STRUCTURE_FIRE:
            return
        host = next((a for a in started.agencies if a in self.agencies), "")
        self.fires[str(e.incident)] = _Fire(e, host)

    def _unit(self, e: Event) -> None:
        unit = str(e.unit)
        left = self.at.pop(unit, None)
        if left is not None:
            self.fires[left].on_scene.pop(unit, None)
        fire = self.fires.get(str(e.incident))
        if fire is None or fire.staffed is not None:
            return
        if e.kind == "unit.en_route" and fire.first_en_route is None:
            if self.crews[unit].command_only:
                return
            fire.first_en_route = e
        elif e.kind == "unit.on_scene":
            self.at[unit] = str(e.incident)
            fire.on_scene[unit] = self.crews[unit]
            if fire.first_en_route is not None and fire.enough():
                agency = fire.host or fire.first_en_route.agency
                start = fire.first_en_route
                fire.staffed = between(start, e, incident=e.incident, agency=agency, unit=unit)

    def _censor(self) -> None:
        """Every fire's sample, in the order the fires started; a hoax has none."""
        for incident, fire in self.fires.items():
            if fire.hoax:
                continue
            if fire.staffed is not None:
                self.out.append(fire.staffed)
                continue
            start = fire.first_en_route or fire.alerted or fire.started
            stop = self.end if fire.resolved is None else fire.resolved
            note = "not done by the end" if fire.resolved is None else "never staffed"
            if fire.first_en_route is None:
                note = "no fire unit sent"
            self.out.append(
                Sample(
                    round(stop - start.t, 3),
                    incident,
                    fire.host or start.agency,
                    None,
                    (cite(start),),
                    note,
                    censored=True,
                )
            )
