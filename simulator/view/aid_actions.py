"""The host's orders to the partners' units sent on its mutual-aid request.

NIMS puts resources sent on a mutual-aid request under the host's command: at its
incident the host may hold them at the perimeter while they are on their way (Level I
staging) and send them in once the scene is sized up, as it does its own crews. Every
other order stays with their own dispatch.
"""

from simulator.commands import Dispatch
from simulator.scenario.vocabulary import UnitStatus
from simulator.view.option import Context, Option, checked, keep
from simulator.view.picture import KnownIncident

# A partner's unit the host may still hold back: not yet at the scene.
ON_THE_WAY = frozenset({UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE})


def aid_options(ctx: Context, incident: KnownIncident) -> list[Option]:
    """Hold the partners' units coming to the incident, or send in those held."""
    partners = [
        u for u in ctx.snapshot.units if u.incident == incident.id and u.agency not in ctx.roles
    ]
    going = [u.id for u in partners if u.status in ON_THE_WAY]
    staged = [u.id for u in partners if u.status == UnitStatus.STAGED]
    return [
        *_order(ctx, incident, going, hold=True),
        *_order(ctx, incident, staged, hold=False),
    ]


def _order(ctx: Context, incident: KnownIncident, ids: list[str], hold: bool) -> list[Option]:
    """One order from the trainee's agency that asked for them, of those it may give."""
    for host in incident.held_by:
        orderable = [u for u in ids if not _refusal(ctx, host, incident.id, u, hold)]
        if not orderable:
            continue
        names = ", ".join(orderable[:3]) + ("..." if len(orderable) > 3 else "")
        if hold:
            label = f"Hold {names} (mutual aid) at the {incident.id} perimeter"
        else:
            label = f"Send {names} (mutual aid) in to {incident.id}"
        order = Dispatch(agency=host, incident=incident.id, units=orderable, hold=hold)
        return [
            keep(checked(ctx, "perimeter", label, (order,)), "aid hold" if hold else "aid send in")
        ]
    return []


def _refusal(ctx: Context, host: str, incident: str, unit: str, hold: bool) -> str:
    return ctx.exercise.check(Dispatch(agency=host, incident=incident, units=[unit], hold=hold))
