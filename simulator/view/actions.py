"""What the trainee can do with the current selection, as ready-made commands.

The view changes the exercise only here, through ``Exercise.submit(..., source=
"trainee")``. Each option carries the commands it would submit. Every command is first
put to ``Exercise.check``, the engine's own verdict with nothing changed, so the panel
offers only what the engine would accept: an option the engine would refuse is shown
greyed out with the engine's reason, one already done is marked done, and one that can
never apply to the selection (a command post for a unit that is not a command unit) is
not listed at all.

A trainee may play several agencies at one console. Orders are split per agency, and
each names the agency that gives it: a unit's own agency for its orders, the agency
that holds an incident for what is said about it, the agency the trainee picks for a
road closure (one option per agency they play), and a traffic control point on a road
(``traffic_actions``: the nearest free traffic unit of each agency played).

A selected road whose closure (or reopening) the trainee's agencies know offers to
share it with each agency not yet told (``closure_actions``).

With nothing selected, the panel offers the agency-wide orders: answering the watch
centre's conflict notices and registering planned operations (``op_actions``), the
answers to rumours (``public_actions``), the closures not yet shared with everyone,
then console patches.

Some orders are not a click: a resource request is written (its option opens the
text entry, ``messaging.request_option``), and a staging area is opened where the
trainee clicked on the map or near the selected incident (``messaging.staging_here``,
``messaging.staging_near``), under an id the option names before it is given.
"""

import math
from dataclasses import dataclass, field

from simulator.commands import (
    CloseRoad,
    Dispatch,
    OpenRoad,
    Recall,
    SetService,
    Share,
    Stage,
    Transport,
)
from simulator.exercise import UnitView
from simulator.scenario.vocabulary import Capability, UnitStatus
from simulator.terminal import SeatView
from simulator.view.aid_actions import aid_options
from simulator.view.closure_actions import closure_options, closure_roundup
from simulator.view.comms_actions import comms_options, incident_options
from simulator.view.ledger import Ledger
from simulator.view.messaging import request_option, staging_here, staging_near
from simulator.view.op_actions import operation_options
from simulator.view.option import Context, Option, checked, keep, keyed, submit
from simulator.view.picture import KnownIncident, Snapshot
from simulator.view.public_actions import incident_public_options, rumour_options
from simulator.view.traffic_actions import traffic_options
from simulator.view.transport_actions import destination_options

__all__ = ["Option", "Selection", "options", "submit"]

# How many nearby staging areas and hospitals to offer.
NEAREST = 3
# Statuses the engine never dispatches from (as ``engine.orders``): used only for units
# whose agency cannot be asked yet because the incident is not in its CAD.
UNORDERABLE = frozenset(
    {UnitStatus.OUT_OF_SERVICE, UnitStatus.TRANSPORTING, UnitStatus.AT_HOSPITAL}
)
# Capabilities of the agencies a dispatcher expects to close roads (traffic control).
ROAD_CREWS = frozenset({Capability.TRAFFIC_CONTROL, Capability.PUBLIC_WORKS})


@dataclass
class Selection:
    """What the trainee has selected: units, an incident, a road edge, a map point.

    Units are kept in click order; the point is where the map was clicked last (where
    a staging area would go).
    """

    units: list[str] = field(default_factory=list)
    incident: str | None = None
    road: int | None = None
    point: tuple[float, float] | None = None

    def clear(self) -> None:
        """Select nothing."""
        self.units.clear()
        self.incident = None
        self.road = None
        self.point = None

    def choose_incident(self, incident: str) -> None:
        """Select an incident (the road or map point selected before is let go)."""
        self.incident, self.road, self.point = incident, None, None

    def toggle_unit(self, unit: str, add: bool) -> None:
        """Select a unit (replacing the selection, or adding/removing with shift)."""
        self.road = None
        self.point = None
        if not add:
            self.units = [unit]
        elif unit in self.units:
            self.units.remove(unit)
        else:
            self.units.append(unit)

    def key(self) -> tuple:
        """What is selected, comparable: the panel keeps its scroll while this holds."""
        return (tuple(self.units), self.incident, self.road, self.point)


def options(
    exercise: SeatView,
    snapshot: Snapshot,
    selection: Selection,
    roles: tuple[str, ...],
    ledger: Ledger | None = None,
) -> list[Option]:
    """Every action for the selection: possible ones first, then refused, then done."""
    ctx = Context(exercise, snapshot, tuple(roles), ledger)
    units = {u.id: u for u in snapshot.units}
    chosen = [units[u] for u in selection.units if u in units and units[u].agency in roles]
    incident = next((i for i in snapshot.incidents if i.id == selection.incident), None)
    out: list[Option] = []
    if chosen and incident is not None:
        out.append(assign(ctx, chosen, incident))
        out += perimeter_options(ctx, chosen, incident)
    if chosen:
        out += _unit_options(ctx, chosen)
    if incident is not None:
        # Asking for help, staging and speaking to the public come before the long
        # lists of shares and aid: a PIO's statement below seven shares was off a
        # 720-line panel (Meridian, PKG-1: row 13 of 9 shown).
        out += [request_option(ctx, incident), *staging_near(ctx, incident)]
        out += incident_public_options(ctx, incident)
        out += aid_options(ctx, incident)
        out += incident_options(ctx, incident, chosen)
        out += destination_options(ctx, incident)
    if selection.road is not None:
        out += road_options(ctx, selection.road)
        out += closure_options(ctx, selection.road)
        out += traffic_options(ctx, selection.road)
    if selection.point is not None and not chosen and incident is None:
        out.append(staging_here(ctx, selection.point))
    if not chosen and incident is None and selection.road is None and selection.point is None:
        out += operation_options(ctx)  # conflict notices first: they cannot wait
        # A rumour grows until answered: its answers before the closures and the
        # patches (seven of them in Meridian, which pushed the denial off the panel).
        out += rumour_options(ctx) + closure_roundup(ctx) + comms_options(ctx)
    # Stable within each group; the console keeps these places while the selection holds.
    return sorted(keyed(out), key=lambda o: (not o.enabled, o.done))


def _by_agency(units: list[UnitView]) -> dict[str, list[UnitView]]:
    groups: dict[str, list[UnitView]] = {}
    for unit in units:
        groups.setdefault(unit.agency, []).append(unit)
    return groups


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:3]) + ("..." if len(ids) > 3 else "")


def assign(ctx: Context, units: list[UnitView], incident: KnownIncident) -> Option:
    """Send the units to the incident, one dispatch per agency.

    A unit the engine would refuse (already assigned there, out of service) is left
    out with its reason. An agency whose CAD lacks the incident first gets it shared by
    the trainee's agency that holds it; its dispatch waits for the share to arrive.
    Units all assigned there already make it done, not refused: nothing is left to do.
    """
    now: list[Dispatch] = []
    shares: list[Share] = []
    later: list[Dispatch] = []
    refused: list[str] = []
    lead = incident.held_by[0]
    for agency, group in sorted(_by_agency(units).items()):
        if agency in incident.held_by:
            ids = _dispatchable(ctx, agency, incident.id, group, refused)
            now += [Dispatch(agency=agency, incident=incident.id, units=ids)] if ids else []
            continue
        ids = _waitable(incident.id, group, refused)
        if ids:
            shares.append(Share(agency=lead, to=agency, incident=incident.id))
            later.append(Dispatch(agency=agency, incident=incident.id, units=ids))
    ordered = [u for d in (*now, *later) for u in d.units]
    label = f"Assign {_names(ordered or [u.id for u in units])} to {incident.id}"
    if shares:  # by name, as the notice and the log say it
        names = ", ".join(ctx.exercise.scenario.agency(s.to).name for s in shares)
        label += f" (shares it with {names} first)"
    note = "; ".join(refused)
    if not ordered and all(u.incident == incident.id for u in units):
        return Option("assign", label, (), "already assigned", done=True)
    if not ordered:
        return Option("assign", label, (), note)
    return Option("assign", label, (*shares, *now), note, tuple(later))


def perimeter_options(ctx: Context, units: list[UnitView], incident: KnownIncident) -> list[Option]:
    """Hold crews at the incident's perimeter (Level I staging), or send held ones in.

    Doctrine for a scene whose hazards nobody able to recognise them has sized up: the
    crews stop outside, committed, and go in when the dispatcher says so.
    """
    mine = [u for u in units if u.agency in incident.held_by]
    here = [u for u in mine if u.incident == incident.id]
    going = [u for u in mine if u.incident != incident.id]
    out = []
    if going:
        # A commander held outside sets the command post up there (ICS: outside the
        # hazard area), so commanders are held with the rest.
        holds = tuple(
            Dispatch(agency=a, incident=incident.id, units=[u.id for u in g], hold=True)
            for a, g in sorted(_by_agency(going).items())
        )
        label = f"Hold {_names([u.id for u in going])} at the {incident.id} perimeter"
        out.append(keep(checked(ctx, "perimeter", label, holds), "hold"))
    staged = [u for u in here if u.status == UnitStatus.STAGED]
    if staged:
        enter = tuple(
            Dispatch(agency=a, incident=incident.id, units=[u.id for u in g])
            for a, g in sorted(_by_agency(staged).items())
        )
        label = f"Send {_names([u.id for u in staged])} in to {incident.id}"
        out.append(keep(checked(ctx, "perimeter", label, enter), "send in"))
    return out


def _dispatchable(
    ctx: Context, agency: str, incident: str, group: list[UnitView], refused: list[str]
) -> list[str]:
    """Units the engine would dispatch now, one check each; the rest noted in ``refused``.

    A unit held at this incident's perimeter is assigned to it already: the engine
    would take a dispatch as the word to go in, which "Send ... in" offers by name.
    """
    ids = []
    for unit in group:
        if unit.incident == incident and unit.status == UnitStatus.STAGED:
            refused.append(f"unit {unit.id} is held at the {incident} perimeter")
            continue
        reason = ctx.exercise.check(Dispatch(agency=agency, incident=incident, units=[unit.id]))
        if reason:
            refused.append(reason)
        else:
            ids.append(unit.id)
    return ids


def _waitable(incident: str, group: list[UnitView], refused: list[str]) -> list[str]:
    """Units worth a dispatch once their CAD holds the incident (the rest noted)."""
    ids = []
    for unit in group:
        if unit.incident == incident:
            refused.append(f"unit {unit.id} is already assigned to {incident}")
        elif unit.status in UNORDERABLE:
            refused.append(f"unit {unit.id} is {unit.status.value} and cannot be dispatched")
        else:
            ids.append(unit.id)
    return ids


def _nearest(places: dict[str, tuple[float, float]], x: float, y: float) -> list[str]:
    return sorted(places, key=lambda p: (math.dist(places[p], (x, y)), p))[:NEAREST]


def _unit_options(ctx: Context, units: list[UnitView]) -> list[Option]:
    groups = sorted(_by_agency(units).items())
    committed = [u for u in units if u.incident is not None]
    recalls = tuple(
        Recall(agency=a, units=[u.id for u in g]) for a, g in sorted(_by_agency(committed).items())
    )
    out = [checked(ctx, "recall", "Recall to station", recalls, "not committed to anything")]
    places = _places(ctx.exercise)
    first = units[0]
    for area in _nearest(places["staging"], first.x, first.y):
        name = places["names"].get(area, area)
        commands = tuple(Stage(agency=a, units=[u.id for u in g], staging=area) for a, g in groups)
        out.append(checked(ctx, "stage", f"Send to staging: {name}", commands))
    carriers = [u for u in units if Capability.TRANSPORT in u.capabilities]
    if carriers:
        for hospital in _nearest(places["hospitals"], first.x, first.y):
            name = places["names"].get(hospital, hospital)
            commands = tuple(
                Transport(agency=u.agency, unit=u.id, hospital=hospital) for u in carriers
            )
            out.append(checked(ctx, "hospital", f"Hospital: {name}", commands))
    if len(units) == 1:
        in_service = first.status == UnitStatus.OUT_OF_SERVICE
        label = "Return to service" if in_service else "Take out of service"
        command = SetService(agency=first.agency, unit=first.id, in_service=in_service)
        out.append(keep(checked(ctx, "service", label, (command,)), "service"))
    return out


def _places(exercise: SeatView) -> dict[str, dict]:
    """Staging areas (the scenario's and those opened since) and hospitals, by id."""
    scenario, atlas = exercise.scenario, exercise.atlas
    xy = atlas.roads.xy

    def at(place: object) -> tuple[float, float]:
        x, y = xy[atlas.locate(place)]
        return float(x), float(y)

    names = {p.id: p.name or p.id for p in [*scenario.staging_areas, *scenario.hospitals]}
    return {
        "staging": {a: (x, y) for a, (_node, x, y) in exercise.staging_areas().items()},
        "hospitals": {h.id: at(h.location) for h in scenario.hospitals},
        "names": names,
    }


def road_agencies(ctx: Context) -> list[str]:
    """The trainee's agencies in the order a dispatcher would pick one to close a road.

    Closing a road is traffic control: police or public works, whose crews man the
    barriers, come first; then the rest, alphabetically. Only the closing agency is told
    of it, so the choice matters; with several agencies each gets its own option.
    """
    crews = {
        u.agency
        for u in ctx.exercise.units()
        if u.agency in ctx.roles and u.capabilities & ROAD_CREWS
    }
    return sorted(ctx.roles, key=lambda a: (a not in crews, a))


def road_options(ctx: Context, edge: int) -> list[Option]:
    """Close (or reopen) the road, once per agency played, the likeliest agency first."""
    roads = ctx.exercise.atlas.roads
    name = roads.names[edge]
    ends = (roads.ids[int(roads.src[edge])], roads.ids[int(roads.dst[edge])])
    where = f"{name} ({ends[0]}-{ends[1]})" if name else f"{ends[0]}-{ends[1]}"
    is_open = edge not in ctx.snapshot.closed  # as far as the trainee knows
    verb, cls = ("Close", CloseRoad) if is_open else ("Open", OpenRoad)
    out = []
    for agency in road_agencies(ctx):
        label = f"{verb} road: {where}" + ctx.desk(agency)
        option = checked(ctx, "road", label, (cls(agency=agency, between=ends),))
        out.append(keep(option, f"road {agency}"))  # "Close road" until it is closed
    return out
