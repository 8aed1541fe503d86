"""Orders the trainee writes or places: messages, resource requests, staging areas.

A reply goes from the trainee's agency that received a message back to its sender; a
new message goes to any other agency or onto a channel the trainee's agency is on; a
resource request goes about the selected incident, partners first. Each is a
``Draft`` the text-entry overlay finishes. A staging area is opened where the trainee
clicked, or in the selected incident's neighbourhood, under the next free id
("STG-1", "STG-2", ...), which the option's label shows before it is given.
"""

import math

import numpy as np

from simulator.commands import OpenStaging
from simulator.engine.unit import FREE
from simulator.scenario.vocabulary import Capability, provides
from simulator.view.draft import Draft, Recipient
from simulator.view.narrate import ReplyTo
from simulator.view.option import Context, Option, build, keep
from simulator.view.picture import KnownIncident
from simulator.view.words import Names, spaced

# Where a staging area near an incident goes: a road node this far from it (metres),
# close enough to move in quickly, far enough to stay out of the scene's way.
NEAR_M = (300.0, 600.0)
STAGING_PREFIX = "STG-"


# -- messages -------------------------------------------------------------------------


def reply(ctx: Context, to: ReplyTo) -> Draft:
    """An answer to a message, from the agency that received it to its sender."""
    names = _names(ctx)
    incident = to.incident if to.incident and ctx.exercise.knows(to.agency, to.incident) else None
    label = names.agency(to.to)
    if ctx.joint:
        label = f"{names.agency(to.agency)} to {label}"
    recipient = Recipient(to.agency, to.to, None, label)
    return Draft(f"Reply to {names.agency(to.to)} ({to.about})", (recipient,), incident=incident)


def new_message(ctx: Context, incident: str | None = None) -> Draft:
    """A free-text message to another agency or onto a channel.

    With an incident selected, only the trainee's agencies that hold it may send it
    (the engine refuses a message about an incident not in the sender's CAD).
    """
    senders = _holders(ctx, incident)
    if not senders:
        senders, incident = list(ctx.roles), None
    title = f"Message about {incident}" if incident else "New message"
    return Draft(title, _recipients(ctx, senders), incident=incident)


def resource_request(ctx: Context, incident: KnownIncident) -> Draft:
    """A request for resources about an incident.

    Partners and the agencies that answer its unmet needs are listed first; the text
    starts with what is still short.
    """
    senders = list(incident.held_by)
    ahead = _likely_helpers(ctx, incident)
    recipients = sorted(
        _recipients(ctx, senders),
        key=lambda r: (r.to not in ahead, ahead.index(r.to) if r.to in ahead else 0),
    )
    short = [f"{count} {spaced(capability.value)}" for capability, count in _wanted(ctx, incident)]
    text = f"Need at {incident.id}: {', '.join(short)}. " if short else f"Need at {incident.id}: "
    return Draft(
        f"Resource request for {incident.id}",
        tuple(recipients),
        kind="resource_request",
        incident=incident.id,
        text=text,
    )


def _wanted(ctx: Context, incident: KnownIncident) -> list[tuple[Capability, int]]:
    """What others still have to send, by capability: the shortfalls, less free units.

    A need the trainee's agencies answer counts less their free units able to meet it
    (theirs to dispatch, not to ask for). Leaving out every such need left the request
    empty when it mattered: 22 transports short, every ambulance of the trainee's out.
    """
    free = [
        u.capabilities for u in ctx.snapshot.units if u.agency in ctx.roles and u.status in FREE
    ]
    out = []
    for need in incident.needs:
        short = need.required - need.assigned
        if need.responsible in ctx.roles:
            short -= sum(provides(c, need.capability) for c in free)
        if short > 0:
            out.append((need.capability, short))
    return out


def request_option(ctx: Context, incident: KnownIncident) -> Option:
    """The panel's "Request resources for I..." (it opens the text entry)."""
    draft = resource_request(ctx, incident)
    label = f"Request resources for {incident.id}..."
    if not draft.recipients:
        return Option("request", label, reason="there is no other agency to ask")
    return Option("request", label, draft=draft)


def _names(ctx: Context) -> Names:
    return Names(ctx.exercise.scenario, ctx.roles)


def _holders(ctx: Context, incident: str | None) -> list[str]:
    if incident is None:
        return list(ctx.roles)
    return [a for a in ctx.roles if ctx.exercise.knows(a, incident)]


def _recipients(ctx: Context, senders: list[str]) -> tuple[Recipient, ...]:
    """Every other agency (by name), then each channel the sender is on."""
    names = _names(ctx)
    agencies = sorted(
        (a.id for a in ctx.exercise.scenario.agencies if a.id not in ctx.roles),
        key=names.agency,
    )
    channels = ctx.exercise.channels()
    out = []
    for sender in senders:
        prefix = f"{names.agency(sender)} to " if ctx.joint else ""
        out += [Recipient(sender, a, None, prefix + names.agency(a)) for a in agencies]
        out += [
            Recipient(sender, None, c.id, f"{prefix}channel {c.id}" + _named(c.name, c.id))
            for c in channels
            if sender in c.members
        ]
    return tuple(out)


def _named(name: str, ident: str) -> str:
    return f" ({name})" if name and name != ident else ""


def _likely_helpers(ctx: Context, incident: KnownIncident) -> list[str]:
    """Agencies to ask first.

    The holders' mutual-aid partners, then whoever answers an unmet need.
    """
    scenario = ctx.exercise.scenario
    out: list[str] = []
    for agency in incident.held_by:
        out += [p for p in scenario.agency(agency).mutual_aid if p not in out]
    for need in incident.needs:
        if need.required > need.assigned and need.responsible not in out:
            out.append(need.responsible)
    return [a for a in out if a not in ctx.roles]


# -- staging areas --------------------------------------------------------------------


def next_staging_id(taken: set[str] | dict) -> str:
    """The first free "STG-n" (n = 1, 2, ...): short, and plainly the trainee's own."""
    n = 1
    while f"{STAGING_PREFIX}{n}" in taken:
        n += 1
    return f"{STAGING_PREFIX}{n}"


def staging_here(ctx: Context, point: tuple[float, float]) -> Option:
    """Open a staging area at the road node nearest a point the trainee clicked."""
    roads = ctx.exercise.atlas.roads
    node, _ = roads.nearest(*point)
    area = next_staging_id(ctx.exercise.staging_areas())
    label = f"Open staging area {area} here (at {roads.ids[node]})"
    x, y = (float(v) for v in roads.xy[node])
    option = build(ctx, "staging", label, OpenStaging, agency=ctx.roles[0], id=area, x=x, y=y)
    return keep(option, "staging here")  # the id is the next free one


def staging_near(ctx: Context, incident: KnownIncident) -> list[Option]:
    """Open a staging area in an incident's neighbourhood, on the side help comes from.

    Nothing when one is already open there: a second at the same spot is clutter.
    """
    roads = ctx.exercise.atlas.roads
    node = neighbourhood_node(ctx, incident)
    areas = ctx.exercise.staging_areas()
    if any(at == roads.ids[node] for at, _, _ in areas.values()):
        return []
    area = next_staging_id(areas)
    x, y = (float(v) for v in roads.xy[node])
    metres = round(math.dist((x, y), (incident.x, incident.y)), -1)
    label = f"Open staging area {area} near {incident.id} ({metres:.0f} m, at {roads.ids[node]})"
    agency = incident.held_by[0]
    option = build(ctx, "staging", label, OpenStaging, agency=agency, id=area, node=roads.ids[node])
    return [keep(option, "staging near")]  # the id is the next free one


def neighbourhood_node(ctx: Context, incident: KnownIncident) -> int:
    """A road node 300-600 m from the incident, the one nearest the trainee's stations.

    Units come from their stations: staging on that side keeps them off the scene and
    on their way in. With no node in the ring, the nodes nearest it are the candidates.
    """
    xy = ctx.exercise.atlas.roads.xy
    here = np.array([incident.x, incident.y])
    dist = np.hypot(*(xy - here).T)
    ring = np.flatnonzero((dist >= NEAR_M[0]) & (dist <= NEAR_M[1]))
    if ring.size == 0:  # a sparse map: the nodes nearest the ring (within 50 m of it)
        away = np.abs(dist - sum(NEAR_M) / 2) + (dist < 1.0) * 1e12
        ring = np.flatnonzero(away <= away.min() + 50.0)
    home = _stations_centre(ctx, here)
    return int(ring[np.argmin(np.hypot(*(xy[ring] - home).T))])


def _stations_centre(ctx: Context, fallback: np.ndarray) -> np.ndarray:
    """The centre of the trainee's agencies' stations (where their units come from)."""
    atlas = ctx.exercise.atlas
    spots = [
        atlas.roads.xy[atlas.locate(s.location)]
        for s in ctx.exercise.scenario.stations
        if s.agency in ctx.roles
    ]
    return np.mean(spots, axis=0) if spots else fallback
