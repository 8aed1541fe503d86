"""Actions for the public and for hoax calls: statements, answering rumours, verifying.

A trainee who plays an agency with a public information officer can speak to the
public (a statement on a selected incident, or with nothing selected an answer to each
rumour one of their agencies noticed: deny it or confirm it); one who plays the PSAP a
call came to can verify a call its call-takers flagged as a possible hoax. Each option
is checked with the engine first like every other (see ``option.py``). The agencies'
events tell what was noticed or flagged, as the trainee's own log shows them.
"""

from simulator.commands import PublicStatement, VerifyCall
from simulator.payloads import payload
from simulator.view.option import Context, Option, build
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
    for agency in _pios(ctx):
        if agency not in incident.held_by:
            continue
        label = f"Public statement on {incident.id}" + ctx.desk(agency)
        text = f"We are responding to an incident ({incident.type}); updates will follow."
        out.append(
            build(
                ctx,
                "statement",
                label,
                PublicStatement,
                agency=agency,
                text=text,
                incident=incident.id,
            )
        )
    return out


def rumour_options(ctx: Context) -> list[Option]:
    """For each rumour the trainee's agencies noticed and nobody answered: deny, confirm."""
    pios = _pios(ctx)
    if not pios:
        return []
    log = ctx.exercise.log
    answered = {payload(e).rumour for e in log.of_kind("rumour.countered")}
    noticed = {}
    for e in log.of_kind("rumour.noticed"):
        if e.agency in ctx.roles and (heard := payload(e)).rumour not in answered:
            noticed.setdefault(heard.rumour, heard.claim)
    out = []
    for rumour, claim in sorted(noticed.items()):
        for stance, verb in (("deny", "Deny"), ("confirm", "Confirm")):
            for agency in pios:
                label = f'{verb} rumour {rumour}: "{claim}"' + ctx.desk(agency)
                text = f"{verb} the claim circulating online: {claim}."
                out.append(
                    build(
                        ctx,
                        "statement",
                        label,
                        PublicStatement,
                        agency=agency,
                        text=text[:500],
                        rumour=rumour,
                        stance=stance,
                    )
                )
    return out


def _pios(ctx: Context) -> list[str]:
    """The trainee's agencies that have a public information officer."""
    community = ctx.exercise.scenario.community
    return [a for a in ctx.roles if community is not None and a in community.pio]
