"""Actions on an incident and on the radio plan: declare, mutual aid, share, command.

These are the orders that cannot be undone and that the engine accepts again (a share,
a mutual-aid request), or that build on each other (a command post, then unified
command), so each is listed in one of three states: possible, refused with the engine's
reason, or done with a mark and when. Console patches hold one of the agency's
consoles until released, so a held patch is listed with "Release patch". A share that
would pass a fact beyond its handling level (need to know, law-enforcement sensitive) is
marked and asks before it is given (``handling.oversharing``).
"""

from dataclasses import replace

from simulator.commands import (
    CommandPost,
    Declare,
    Patch,
    RequestMutualAid,
    Share,
    UnifiedCommand,
)
from simulator.exercise import ChannelView, UnitView
from simulator.scenario.timing import format_offset
from simulator.scenario.vocabulary import Capability, provides
from simulator.view.handling import oversharing, warning
from simulator.view.option import Context, Option, build, checked, keep
from simulator.view.picture import KnownIncident
from simulator.view.words import condition_names, spaced


def incident_options(ctx: Context, incident: KnownIncident, units: list[UnitView]) -> list[Option]:
    """Declarations, mutual aid, shares, the command post and unified command."""
    return [
        *_declarations(ctx, incident),
        *_mutual_aid(ctx, incident),
        *_shares(ctx, incident),
        *_command_post(ctx, incident, units),
        _unified(ctx, incident),
    ]


def _declarations(ctx: Context, incident: KnownIncident) -> list[Option]:
    """A condition ready to declare, by its name ("Declare: device cleared")."""
    names = condition_names(ctx.exercise.scenario)
    return [
        checked(
            ctx,
            "declare",
            f"Declare: {names.get((inc, condition)) or spaced(condition)}",
            (Declare(agency=agency, incident=inc, condition=condition),),
        )
        for inc, condition, agency in ctx.snapshot.declarable
        if inc == incident.id
    ]


def _mutual_aid(ctx: Context, incident: KnownIncident) -> list[Option]:
    """Ask a partner for what the agency responsible is still short of (once each)."""
    out = []
    for agency in incident.held_by:
        partners = ctx.exercise.scenario.agency(agency).mutual_aid
        for need in incident.needs:
            short = need.required - need.assigned
            if short <= 0 or need.responsible != agency:
                continue
            for partner in partners:
                if not _fields(ctx, partner, need.capability):
                    continue  # it can never send one: not an action, only a dead row
                what = need.capability.value
                words, named = spaced(what), ctx.exercise.scenario.agency(partner).name
                asked = _asked(ctx, agency, partner, incident.id, what)
                key = f"aid {agency} {partner} {what}"
                if asked is not None:
                    label = f"Mutual aid: {words} from {named} requested"
                    done = _done("aid", label, f"at {format_offset(asked)}")
                    out.append(keep(done, key))
                    continue
                option = build(
                    ctx,
                    "aid",
                    f"Mutual aid: {short} {words} from {named}",
                    RequestMutualAid,
                    agency=agency,
                    to=partner,
                    incident=incident.id,
                    capability=need.capability,
                    count=min(short, 50),
                )
                out.append(keep(option, key))
    return out


def _fields(ctx: Context, agency: str, capability: Capability) -> bool:
    """Whether ``agency`` has a unit for ``capability`` (the cast is fixed at the start)."""
    return any(
        provides(frozenset(u.capabilities), capability)
        for u in ctx.exercise.scenario.units
        if u.agency == agency
    )


def _asked(ctx: Context, agency: str, partner: str, incident: str, what: str) -> float | None:
    """When the agency asked this partner for this capability here, if it did."""
    return ctx.ledger.aid_asked(agency, partner, incident, what) if ctx.ledger else None


def _shares(ctx: Context, incident: KnownIncident) -> list[Option]:
    """Share with every agency that lacks the incident, the trainee's own ones too.

    The incident is shared from the first of the trainee's agencies that holds it, with
    everything that agency knows of it. Once shared, the option is marked done until
    that agency learns something new about it (then an update is offered) or the
    message is lost (then it is offered again).
    """
    lead = incident.held_by[0]
    agencies = sorted(a.id for a in ctx.exercise.scenario.agencies)
    return [
        keep(_share(ctx, incident, lead, other), f"share {other}")
        for other in agencies
        if other not in incident.held_by
    ]


def _share(ctx: Context, incident: KnownIncident, lead: str, other: str) -> Option:
    named = ctx.named(other)  # "Town EMS", as the log and the briefing say, not "ems"
    label = f"Share {incident.id} with {named}"
    sent = ctx.ledger.share(other, incident.id) if ctx.ledger else None
    if sent is not None and sent.lost:
        label = f"Share {incident.id} with {named} again (last one lost: {sent.lost})"
    elif sent is not None:
        new = _learned_since(ctx, lead, incident.id, sent.t)
        if not new:
            when = f"at {format_offset(sent.t)}; nothing new since"
            return _done("share", f"Shared {incident.id} with {named}", when)
        label = f"Share update: {incident.id} to {named} ({new} new)"
    # No facts named: everything the agency knows of it.
    option = build(ctx, "share", label, Share, agency=lead, to=other, incident=incident.id)
    return _handled(ctx, option, lead, other, incident.id)


def _handled(ctx: Context, option: Option, lead: str, other: str, incident: str) -> Option:
    """A share that would pass a caveated fact beyond its level says so, and asks first."""
    scenario = ctx.exercise.scenario
    facts = ctx.exercise.facts(lead, incident)
    over = oversharing(scenario, ctx.snapshot.caveats, lead, other, facts)
    if not over or not option.enabled:
        return option
    badges = ", ".join(sorted({c.badge for c in over}))
    names = scenario.agency_names()
    question = warning(over, names.get(other, other), lambda a: names.get(a, a))
    return replace(option, label=f"{option.label} - over-shares {badges}!", warning=question)


def _learned_since(ctx: Context, agency: str, incident: str, t: float) -> int:
    """How many facts about the incident the agency learnt (or updated) after ``t``."""
    held = ctx.exercise.knowledge(agency)
    return sum(1 for key in ctx.exercise.facts(agency, incident) if held[key].t > t)


def _command_post(ctx: Context, incident: KnownIncident, units: list[UnitView]) -> list[Option]:
    """The post once set up (done), else the selected command unit may set it up.

    Only a command unit can: for any other unit the option is not listed at all.
    """
    post = ctx.exercise.command_post(incident.id)
    if post is not None:
        agency, unit = post
        return [_done("command_post", f"Command post at {unit}", f"set up by {ctx.named(agency)}")]
    if len(units) != 1 or Capability.COMMAND not in units[0].capabilities:
        return []
    unit = units[0]
    return [
        build(
            ctx,
            "command_post",
            f"Command post at {unit.id}",
            CommandPost,
            agency=unit.agency,
            incident=incident.id,
            unit=unit.id,
        )
    ]


def _unified(ctx: Context, incident: KnownIncident) -> Option:
    """Unified command: done once established; needs a command post first."""
    joined = ctx.exercise.unified(incident.id)
    if joined:
        done = _done("unified_command", "Unified command", f"established: {', '.join(joined)}")
        return keep(done, "unified")
    label = "Establish unified command"
    problem = ctx.exercise.unify_problem(incident.id)
    if ctx.exercise.command_post(incident.id) is None:
        return Option("unified_command", label, (), problem, key="unified")
    on_scene = [a for a in incident.held_by if ctx.exercise.commanders_on_scene(a, incident.id)]
    lead = (on_scene or list(incident.held_by))[0]
    option = build(ctx, "unified_command", label, UnifiedCommand, agency=lead, incident=incident.id)
    return keep(option, "unified")


def comms_options(ctx: Context) -> list[Option]:
    """Release the trainee's patches; patch one of their radio channels to another's."""
    held = [p for p in ctx.exercise.patches() if p.agency in ctx.roles]
    named = {c.id: c.name or c.id for c in ctx.exercise.channels()}
    out = [
        build(
            ctx,
            "release",
            f"Release patch {named.get(a, a)} + {named.get(b, b)}" + ctx.desk(p.agency),
            Patch,
            agency=p.agency,
            channels=(a, b),
            release=True,
        )
        for p in held
        for a, b in [p.channels]
    ]
    patched = {p.channels for p in ctx.exercise.patches()}
    radio = [c for c in ctx.exercise.channels() if c.medium == "radio"]
    mine = [c for c in radio if set(c.members) & set(ctx.roles)]
    others = [c for c in radio if c not in mine]
    for a in mine:
        for b in others:
            if tuple(sorted((a.id, b.id))) not in patched:
                out.append(_patch(ctx, a, b))
    return out


def _patch(ctx: Context, mine: ChannelView, other: ChannelView) -> Option:
    """A patch at the console of one of the trainee's agencies on ``mine``.

    With several of them on the channel, the first whose consoles are not all in use.
    """
    agencies = [a for a in ctx.roles if a in mine.members]
    # The other channel first: it tells the rows apart where a long name is cut.
    label = f"Patch {other.name or other.id} to {mine.name or mine.id}"
    tried = [
        build(
            ctx,
            "patch",
            label + ctx.desk(agency),
            Patch,
            agency=agency,
            channels=(mine.id, other.id),
        )
        for agency in agencies
    ]
    return keep(next((o for o in tried if o.enabled), tried[0]), f"patch {mine.id} {other.id}")


def _done(kind: str, label: str, reason: str) -> Option:
    return Option(kind, label, (), reason, done=True)
