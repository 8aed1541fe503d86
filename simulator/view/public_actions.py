"""Actions for the public and for hoax calls: statements, answering rumours, verifying.

A trainee who plays an agency with a public information officer can speak to the
public (a statement on a selected incident, or with nothing selected an answer to each
rumour one of their agencies noticed: deny it or confirm it); one who plays the PSAP a
call came to can verify a call its call-takers flagged as a possible hoax. Each option
is checked with the engine first like every other (see ``option.py``). The agencies'
events tell what was noticed or flagged, as the trainee's own log shows them.

The statements read as a PIO's to the public: the agency and the incident by name and
place ("a suspicious package near 9th Street and 9th Avenue", in ``simulator/pio.py``'s
words, "a medical emergency" for a ``medical`` call), never the engine's ids,
and a denial says the claim is false without repeating it as a headline. They state no
facts (the engine judges only the facts a statement names), so they cannot be wrong.
Once a statement on an incident has gone out, its row says when ("last 00:11:46")
and when the next update falls due ("update due 00:56:46"), short enough for one row:
the public expects one every ``update_minutes`` after the last statement anyone gave.
"""

from dataclasses import replace
from typing import cast

from simulator import pio
from simulator.commands import PublicStatement, VerifyCall
from simulator.payloads import payload
from simulator.scenario.timing import format_offset
from simulator.view.draft import Draft, Recipient
from simulator.view.option import Context, Option, build, keep
from simulator.view.picture import KnownIncident


def incident_public_options(ctx: Context, incident: KnownIncident) -> list[Option]:
    """Verify a flagged call; a PIO's statement on the incident."""
    out = []
    flagged = {
        e.agency
        for e in ctx.exercise.log.of_kind("call.flagged")
        if e.incident == incident.id and e.agency in ctx.roles
    }
    for agency in sorted(flagged):
        label = "Verify the call (possible hoax)" + ctx.desk(agency)
        out.append(build(ctx, "verify", label, VerifyCall, agency=agency, incident=incident.id))
    issued = ctx.exercise.log.of_kind("statement.issued")
    last = max((e.t for e in issued if e.incident == incident.id), default=None)
    for agency in _pios(ctx):
        if agency not in incident.held_by:
            continue
        label = f"Public statement on {incident.id}"
        if last is not None:
            label += f" (last {format_offset(last)}{_due(ctx, max(e.t for e in issued))})"
        text = statement_text(ctx, agency, incident, update=last is not None)
        option = build(
            ctx,
            "statement",
            label + ctx.desk(agency),
            PublicStatement,
            agency=agency,
            text=text,
            incident=incident.id,
        )
        option = _written(ctx, option, f"Public statement on {incident.id}")
        # Two rows: the times (and a joint console's agency) are cut from one.
        option = replace(option, rows=2 if last is not None else 0)
        out.append(keep(option, f"statement {incident.id} {agency}"))
    return out


def rumour_options(ctx: Context) -> list[Option]:
    """For each rumour the trainee's agencies noticed and nobody answered: deny, confirm."""
    pios = _pios(ctx)
    if not pios:
        return []
    log = ctx.exercise.log
    answered = {payload(e).rumour for e in log.of_kind("rumour.countered")}
    noticed: dict[str, tuple[str, float]] = {}
    for e in log.of_kind("rumour.noticed"):
        if e.agency in ctx.roles and (heard := payload(e)).rumour not in answered:
            noticed.setdefault(heard.rumour, (heard.claim, e.t))
    out = []
    for rumour, (claim, seen) in sorted(noticed.items()):
        about = _about(ctx, rumour)
        for stance, verb in (("deny", "Deny"), ("confirm", "Confirm")):
            for agency in pios:
                label = f'{verb} rumour {rumour}: "{claim}"' + ctx.desk(agency)
                text = answer_text(ctx, agency, stance, seen, about)
                option = build(
                    ctx,
                    "statement",
                    label,
                    PublicStatement,
                    agency=agency,
                    text=text[:500],
                    rumour=rumour,
                    stance=stance,
                )
                out.append(_written(ctx, option, f'{verb} rumour {rumour}: "{claim}"'))
    return out


def _written(ctx: Context, option: Option, title: str) -> Option:
    """The statement opened in the text entry with its drafted words, to issue or edit.

    A PIO answers for the words: the draft is a start, and Enter issues it unchanged.
    """
    if not option.enabled:
        return option
    statement = cast(PublicStatement, option.commands[0])  # built as one just above
    name = ctx.exercise.scenario.agency(statement.agency).name
    public = Recipient(statement.agency, None, None, f"the public, from the {name} PIO")
    draft = Draft(
        title,
        (public,),
        kind="statement",
        incident=statement.incident,
        text=statement.text,
        statement=statement,
    )
    return replace(option, commands=(), draft=draft)


# -- the words ------------------------------------------------------------------------


def statement_text(ctx: Context, agency: str, incident: KnownIncident, update: bool) -> str:
    """A PIO's statement on an incident: who responds to what, where; when more comes."""
    who = ctx.exercise.scenario.agency(agency).name
    what = f"{pio.incident_words(incident.type)}{where(ctx, incident)}"
    say = pio.update if update else pio.first
    return say(who, what, _minutes(ctx))


def answer_text(
    ctx: Context, agency: str, stance: str, seen: float, about: KnownIncident | None
) -> str:
    """A PIO's answer to a rumour, without repeating the claim as a headline."""
    who = ctx.exercise.scenario.agency(agency).name
    topic = (
        f"about {pio.incident_words(about.type, definite=True)}{where(ctx, about)}"
        if about is not None
        else f"since {pio.clock(ctx.exercise.scenario.metadata.start, seen)}"
    )
    if stance == "deny":
        return pio.denial(who, topic)
    return pio.confirmation(who, topic, _minutes(ctx))


def where(ctx: Context, incident: KnownIncident) -> str:
    """The streets meeting nearest the incident: " near 9th Street and 9th Avenue"."""
    roads = ctx.exercise.atlas.roads
    node, _ = roads.nearest(incident.x, incident.y)
    return pio.streets_near(roads, node)


def _minutes(ctx: Context) -> float:
    community = ctx.exercise.scenario.community
    return community.update_minutes if community is not None else 60.0


def _due(ctx: Context, last: float) -> str:
    """When the next update falls due after the last statement anyone gave."""
    community = ctx.exercise.scenario.community
    if community is None:
        return ""
    return f", update due {format_offset(last + community.update_minutes * 60.0)}"


def _about(ctx: Context, rumour: str) -> KnownIncident | None:
    """The incident a rumour concerns, if the trainee's CAD holds it."""
    rows = [r for r in ctx.exercise.scenario.msel if getattr(r, "rumour", None) == rumour]
    about = getattr(rows[0], "about", None) if rows else None
    return next((i for i in ctx.snapshot.incidents if i.id == about), None)


def _pios(ctx: Context) -> list[str]:
    """The trainee's agencies that have a public information officer."""
    community = ctx.exercise.scenario.community
    return [a for a in ctx.roles if community is not None and a in community.pio]
