"""Destination plans from the incident panel: where each category of patients goes.

A trainee playing EMS acts as the transport group: for an incident whose patients
their agency carries, the panel offers, per START category taken to hospital, the
nearest hospitals by road with the beds their status board shows in use, so the
trainee can spread patients before the nearest department is crowded.
"""

from simulator.commands import Destination
from simulator.exercise import TRANSPORTED
from simulator.scenario.vocabulary import Capability
from simulator.view.option import Context, Option, checked
from simulator.view.picture import KnownIncident

# How many hospitals to offer per category (the nearest by road).
OFFERED = 3


def destination_options(ctx: Context, incident: KnownIncident) -> list[Option]:
    """One option per category and near hospital, for each agency carrying patients."""
    carriers = sorted(
        {
            n.responsible
            for n in incident.needs
            if n.capability == Capability.TRANSPORT and n.responsible in ctx.roles
        }
    )
    if not carriers:
        return []
    board = ctx.exercise.hospitals()
    names = {h.id: h.name or h.id for h in ctx.exercise.scenario.hospitals}
    drives = {h.id: ctx.exercise.drive_seconds(incident.id, h.node) for h in board}
    near = sorted(board, key=lambda h: (drives[h.id], h.id))[:OFFERED]
    out = []
    for agency in carriers:
        who = f"{agency}: " if ctx.joint else ""
        for triage in TRANSPORTED:
            for h in near:
                label = (
                    f"{who}{triage.value.capitalize()} patients to {names[h.id]} "
                    f"({h.in_use[triage]}/{h.beds[triage]} beds, {drives[h.id] / 60:.0f} min)"
                )
                command = Destination(
                    agency=agency, incident=incident.id, triage=triage.value, hospital=h.id
                )
                out.append(checked(ctx, "destination", label, (command,)))
    return out
