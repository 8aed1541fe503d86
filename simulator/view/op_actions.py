"""The orders on planned operations: register them, answer the watch centre's notices.

"Register OP-X" for each operation a played agency leads, and for each conflict notice
acknowledge, postpone 15 minutes or cancel; each put to the engine's check first like
every other order, so a refused one is greyed out with the engine's reason and one
already given is marked done.
"""

from simulator.commands import Deconflict, RegisterOperation
from simulator.scenario.timing import format_offset
from simulator.view.operations import OVER, Notice, Operation
from simulator.view.option import Context, Option, build, checked, keep

# How long "postpone" moves an operation (minutes): a quarter hour lets the other team
# clear the block.
POSTPONE_MIN = 15


def operation_options(ctx: Context) -> list[Option]:
    """Register each operation a played agency leads; answer each conflict notice."""
    out: list[Option] = []
    for notice in ctx.snapshot.notices:
        out += _answers(ctx, notice)
    for op in ctx.snapshot.operations:
        if op.lead in ctx.roles and op.state not in OVER:
            out.append(_register(ctx, op))
    return out


def _register(ctx: Context, op: Operation) -> Option:
    label = f"Register {op.id} ({op.title}, {op.window})"
    if ctx.joint:
        label += f" by {op.lead}"
    if op.registered is not None:
        when = f"at {format_offset(op.registered)}"
        done = f"Registered {op.id} in deconfliction"
        return Option("register", done, (), when, done=True, key=f"register {op.id}")
    command = RegisterOperation(agency=op.lead, operation=op.id)
    return keep(checked(ctx, "register", label, (command,)), f"register {op.id}")


def _answers(ctx: Context, notice: Notice) -> list[Option]:
    """Acknowledge, postpone or cancel; once answered, one line saying so."""
    other = ctx.named(notice.other_agency)
    about = f"{notice.conflict}: {notice.operation} vs {other}'s {notice.other}"
    key = f"deconflict {notice.conflict}"  # the answer, once given, takes its place
    if notice.resolved is not None:
        done = f"{about} resolved"
        return [Option("deconflict", done, (), notice.resolved, done=True, key=key)]
    if notice.answered is not None:
        waiting = f"you: {notice.answered}; waiting for {other}"
        return [Option("deconflict", f"{about} answered", (), waiting, done=True, key=key)]
    fields = {"agency": notice.agency, "conflict": notice.conflict}
    return [
        keep(build(ctx, "deconflict", f"Acknowledge {about}", Deconflict, **fields), key),
        build(
            ctx,
            "deconflict",
            f"Postpone {notice.operation} {POSTPONE_MIN} min ({notice.conflict})",
            Deconflict,
            action="postpone",
            minutes=POSTPONE_MIN,
            **fields,
        ),
        build(
            ctx,
            "deconflict",
            f"Cancel {notice.operation} ({notice.conflict})",
            Deconflict,
            action="cancel",
            **fields,
        ),
    ]
