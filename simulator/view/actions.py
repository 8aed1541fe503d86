"""What the trainee can do with the current selection, as ready-made commands.

The view changes the exercise only here, through ``Exercise.submit(..., source=
"trainee")``. Each option carries the commands it would submit; an option with none is
shown greyed out with its reason.

The communications commands (``share``, ``patch``, ``unified_command``,
``command_post``) are built through ``COMMS``, one table from option kind to command.
"""

import math
from dataclasses import dataclass, field

from pydantic import ValidationError

from simulator.commands import (
    CloseRoad,
    CommandBase,
    CommandPost,
    Declare,
    Dispatch,
    OpenRoad,
    Patch,
    Recall,
    RequestMutualAid,
    SetService,
    Share,
    Stage,
    Transport,
    UnifiedCommand,
)
from simulator.exercise import Exercise, Result, UnitView
from simulator.scenario.vocabulary import Capability, UnitStatus
from simulator.view.picture import KnownIncident, Snapshot

COMMS: dict[str, type[CommandBase]] = {
    "share": Share,
    "patch": Patch,
    "unified_command": UnifiedCommand,
    "command_post": CommandPost,
}
# How many nearby staging areas and hospitals to offer.
NEAREST = 3


@dataclass
class Selection:
    """What the trainee has selected: units (in click order), an incident, a road edge."""

    units: list[str] = field(default_factory=list)
    incident: str | None = None
    road: int | None = None

    def clear(self) -> None:
        """Select nothing."""
        self.units.clear()
        self.incident = None
        self.road = None

    def toggle_unit(self, unit: str, add: bool) -> None:
        """Select a unit (replacing the selection, or adding/removing with shift)."""
        self.road = None
        if not add:
            self.units = [unit]
        elif unit in self.units:
            self.units.remove(unit)
        else:
            self.units.append(unit)


@dataclass(frozen=True)
class Option:
    """One action: a label, a kind (for shortcuts) and the commands it submits."""

    kind: str
    label: str
    commands: tuple[CommandBase, ...] = ()
    reason: str = ""

    @property
    def enabled(self) -> bool:
        """Whether choosing it submits anything."""
        return bool(self.commands)


def submit(exercise: Exercise, option: Option) -> list[Result]:
    """Submit an option's commands as the trainee."""
    return [exercise.submit(command, source="trainee") for command in option.commands]


def options(
    exercise: Exercise, snapshot: Snapshot, selection: Selection, roles: tuple[str, ...]
) -> list[Option]:
    """Every action possible for the selection, most likely first."""
    units = {u.id: u for u in snapshot.units}
    chosen = [units[u] for u in selection.units if u in units and units[u].agency in roles]
    incident = next((i for i in snapshot.incidents if i.id == selection.incident), None)
    out: list[Option] = []
    if chosen and incident is not None:
        out.append(_assign(chosen, incident))
    if chosen:
        out += _unit_options(exercise, chosen)
    if incident is not None:
        out += _incident_options(exercise, snapshot, incident, chosen, roles)
    if selection.road is not None:
        out.append(_road_option(exercise, selection.road, roles))
    if not chosen and incident is None and selection.road is None:
        out += _comms_options(exercise, roles)
    return sorted(out, key=lambda o: not o.enabled)  # stable: possible actions first


def _by_agency(units: list[UnitView]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for unit in units:
        groups.setdefault(unit.agency, []).append(unit.id)
    return groups


def _assign(units: list[UnitView], incident: KnownIncident) -> Option:
    commands = tuple(
        Dispatch(agency=agency, incident=incident.id, units=ids)
        for agency, ids in sorted(_by_agency(units).items())
    )
    names = ", ".join(u.id for u in units[:3]) + ("..." if len(units) > 3 else "")
    return Option("assign", f"Assign {names} to {incident.id}", commands)


def _nearest(places: dict[str, tuple[float, float]], x: float, y: float) -> list[str]:
    return sorted(places, key=lambda p: (math.dist(places[p], (x, y)), p))[:NEAREST]


def _unit_options(exercise: Exercise, units: list[UnitView]) -> list[Option]:
    groups = sorted(_by_agency(units).items())
    committed = [u for u in units if u.incident is not None]
    out = [
        Option(
            "recall",
            "Recall to station",
            tuple(Recall(agency=a, units=ids) for a, ids in sorted(_by_agency(committed).items())),
            "" if committed else "not committed to anything",
        )
    ]
    places = _places(exercise)
    first = units[0]
    for area in _nearest(places["staging"], first.x, first.y):
        name = places["names"].get(area, area)
        commands = tuple(Stage(agency=a, units=ids, staging=area) for a, ids in groups)
        out.append(Option("stage", f"Send to staging: {name}", commands))
    carriers = [u for u in units if Capability.TRANSPORT in u.capabilities]
    if carriers:
        for hospital in _nearest(places["hospitals"], first.x, first.y):
            name = places["names"].get(hospital, hospital)
            commands = tuple(
                Transport(agency=u.agency, unit=u.id, hospital=hospital) for u in carriers
            )
            out.append(Option("hospital", f"Hospital: {name}", commands))
    if len(units) == 1:
        in_service = first.status == UnitStatus.OUT_OF_SERVICE
        label = "Return to service" if in_service else "Take out of service"
        command = SetService(agency=first.agency, unit=first.id, in_service=in_service)
        out.append(Option("service", label, (command,)))
    return out


def _places(exercise: Exercise) -> dict[str, dict]:
    scenario, atlas = exercise.scenario, exercise.atlas
    xy = atlas.roads.xy

    def at(place: object) -> tuple[float, float]:
        x, y = xy[atlas.locate(place)]
        return float(x), float(y)

    names = {p.id: p.name or p.id for p in [*scenario.staging_areas, *scenario.hospitals]}
    return {
        "staging": {s.id: at(s.location) for s in scenario.staging_areas},
        "hospitals": {h.id: at(h.location) for h in scenario.hospitals},
        "names": names,
    }


def _incident_options(
    exercise: Exercise,
    snapshot: Snapshot,
    incident: KnownIncident,
    units: list[UnitView],
    roles: tuple[str, ...],
) -> list[Option]:
    out = []
    for inc, condition, agency in snapshot.declarable:
        if inc == incident.id:
            command = Declare(agency=agency, incident=inc, condition=condition)
            out.append(Option("declare", f"Declare: {condition}", (command,)))
    for agency in incident.held_by:
        partners = exercise.scenario.agency(agency).mutual_aid
        for need in incident.needs:
            short = need.required - need.assigned
            if short <= 0 or need.responsible != agency:
                continue
            for partner in partners:
                command = RequestMutualAid(
                    agency=agency,
                    to=partner,
                    incident=incident.id,
                    capability=need.capability,
                    count=min(short, 50),
                )
                label = f"Mutual aid: {short} {need.capability.value} from {partner}"
                out.append(Option("aid", label, (command,)))
    lead = incident.held_by[0] if incident.held_by else roles[0]
    for other in sorted(a.id for a in exercise.scenario.agencies if a.id not in roles):
        fields = {"to": other, "incident": incident.id}  # no facts named: all we know
        out.append(_comms("share", f"Share {incident.id} with {other}", lead, fields))
    out.append(
        _comms("unified_command", "Establish unified command", lead, {"incident": incident.id})
    )
    if len(units) == 1:
        fields = {"incident": incident.id, "unit": units[0].id}
        out.append(
            _comms("command_post", f"Command post at {units[0].id}", units[0].agency, fields)
        )
    return out


def _comms_options(exercise: Exercise, roles: tuple[str, ...]) -> list[Option]:
    radio = [c for c in exercise.channels() if c.medium == "radio"]
    mine = [c.id for c in radio if set(c.members) & set(roles)]
    others = [c.id for c in radio if c.id not in mine]
    return [
        _comms("patch", f"Patch {a} + {b}", roles[0], {"channels": [a, b]})
        for a in mine
        for b in others
    ]


def _comms(kind: str, label: str, agency: str, fields: dict) -> Option:
    cls = COMMS[kind]
    try:
        return Option(kind, label, (cls(agency=agency, **fields),))
    except ValidationError as exc:
        return Option(kind, label, (), str(exc.errors(include_url=False)[0]["msg"]))


def _road_option(exercise: Exercise, edge: int, roles: tuple[str, ...]) -> Option:
    roads = exercise.atlas.roads
    name = roads.names[edge]
    ends = (roads.ids[int(roads.src[edge])], roads.ids[int(roads.dst[edge])])
    label = f"{name} ({ends[0]}-{ends[1]})" if name else f"{ends[0]}-{ends[1]}"
    if edge in roads.closed:
        return Option("road", f"Open road: {label}", (OpenRoad(agency=roles[0], between=ends),))
    return Option("road", f"Close road: {label}", (CloseRoad(agency=roles[0], between=ends),))
