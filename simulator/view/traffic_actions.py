"""Traffic control points offered on a selected road.

For each agency the trainee plays that has a free ``traffic_control`` unit, the
nearest one (straight line to the road) is offered to post a traffic point there: the
road closes to the public and stays open to responders, unlike "Close road". Points
the trainee's units hold on that street are offered for release.
"""

import math

from simulator.commands import TrafficPoint
from simulator.scenario.vocabulary import Capability
from simulator.view.option import Context, Option, checked, keep


def traffic_options(ctx: Context, edge: int) -> list[Option]:
    """Post the nearest free traffic unit at the road, per agency; release points there."""
    roads = ctx.exercise.atlas.roads
    name = roads.names[edge]
    ends = (roads.ids[int(roads.src[edge])], roads.ids[int(roads.dst[edge])])
    where = name or f"{ends[0]}-{ends[1]}"
    road = {"road": name} if name else {"between": ends}
    mid = (roads.xy[int(roads.src[edge])] + roads.xy[int(roads.dst[edge])]) / 2
    out = []
    for point in ctx.snapshot.control_points:
        if point.agency in ctx.roles and point.road == where:
            command = TrafficPoint(agency=point.agency, unit=point.unit, release=True)
            label = f"Release traffic point: {where} ({point.unit})"
            out.append(checked(ctx, "traffic", label, (command,)))
    for agency in ctx.roles:
        free = set(ctx.exercise.free_units(agency))
        able = [
            u
            for u in ctx.exercise.units(agency)
            if u.id in free and Capability.TRAFFIC_CONTROL in u.capabilities
        ]
        if not able:
            continue
        unit = min(able, key=lambda u: (math.dist((u.x, u.y), mid), u.id))
        command = TrafficPoint(agency=agency, unit=unit.id, **road)
        label = f"Traffic point (open to responders): {where} by {unit.id}"
        out.append(keep(checked(ctx, "traffic", label, (command,)), f"traffic {agency}"))
    return out
