"""Destination plans from the incident panel: where each category of patients goes.

A trainee playing EMS acts as the transport group: for an incident whose patients
their agency carries, the panel offers, per START category taken to hospital, the
nearest hospitals by road with the beds their status board shows in use, so the
trainee can spread patients before the nearest department is crowded. Once all of
them are full for a category, the nearest one with a bed of it free comes too (a
plan that can only name full departments leaves patients waiting), and so does the
one named now, so the plan standing is always seen.
"""

import math

from simulator.commands import Destination
from simulator.exercise import TRANSPORTED, HospitalView
from simulator.players.transport import carries
from simulator.scenario.timing import format_offset
from simulator.scenario.vocabulary import Triage
from simulator.view.option import Context, Option, checked, keep
from simulator.view.picture import KnownIncident

# How many hospitals to offer per category (the nearest by road).
OFFERED = 3


def destination_options(ctx: Context, incident: KnownIncident) -> list[Option]:
    """One option per category and near hospital, for each agency carrying patients."""
    carriers = []  # the agencies played that carry its patients, their own or as aid
    for agency in sorted(ctx.roles):
        view = ctx.exercise.cad_incident(agency, incident.id)
        if view is not None and carries(view.needs, view.aid, agency):
            carriers.append(agency)
    if not carriers:
        return []
    board = ctx.exercise.hospitals()
    names = {h.id: h.name or h.id for h in ctx.exercise.scenario.hospitals}
    drives = {h.id: ctx.exercise.drive_seconds(incident.id, h.node) for h in board}
    reachable = [h for h in board if math.isfinite(drives[h.id])]  # no open road: not offered
    by_road = sorted(reachable, key=lambda h: (drives[h.id], h.id))
    out = []
    for agency in carriers:
        who = f"{ctx.exercise.scenario.agency(agency).name}: " if ctx.joint else ""
        for triage in TRANSPORTED:
            named = (
                ctx.ledger.destination(agency, incident.id, triage.value) if ctx.ledger else None
            )
            for h in _offered(by_road, triage, named[0] if named else None):
                label = (
                    f"{who}{triage.value.capitalize()} patients to {names[h.id]} "
                    f"({h.in_use[triage]}/{h.beds[triage]} beds, {drives[h.id] / 60:.0f} min)"
                )
                out.append(_plan(ctx, label, agency, incident.id, triage.value, h.id))
    return out


def _offered(by_road: list[HospitalView], triage: Triage, named: str | None) -> list[HospitalView]:
    """The hospitals offered for ``triage``: a short list, as the panel numbers nine rows.

    The nearest ones; the nearest with a bed of it free once they are all full; the
    one named now (``named``) if it is neither.
    """
    offered = by_road[:OFFERED]
    if all(h.in_use[triage] >= h.beds[triage] for h in offered):
        free = next((h for h in by_road if h.in_use[triage] < h.beds[triage]), None)
        offered += [free] if free is not None and free not in offered else []
    offered += [h for h in by_road if h.id == named and h not in offered]
    return offered


def _plan(
    ctx: Context, label: str, agency: str, incident: str, triage: str, hospital: str
) -> Option:
    """Name a hospital for a category; the one named now is marked done, as a share is."""
    named = ctx.ledger.destination(agency, incident, triage) if ctx.ledger else None
    key = f"destination {agency} {triage} {hospital}"  # the beds and minutes change
    if named is not None and named[0] == hospital:
        when = f"named at {format_offset(named[1])}"
        return Option("destination", label, (), when, done=True, key=key)
    command = Destination(agency=agency, incident=incident, triage=triage, hospital=hospital)
    return keep(checked(ctx, "destination", label, (command,)), key)
