"""Passing on a road closure the trainee's agencies know of.

The review scores each agency on sharing the critical facts it knew first, a road
closure among them (``closure:<street>``, until every agency needing it knew). The
automated players pass one on with a ``Share`` naming that fact; these options give
the same command, so the report credits the trainee as it credits them. A selected
road offers one share per agency not yet told; with nothing selected, one option
shares every closure not yet told to everyone. Like an incident share, a closure
share is marked done once given, and offered again if its message is lost or the
agency learns newer word of the road (a reopening).
"""

from simulator.commands import Share
from simulator.engine.knowledge import Known
from simulator.scenario.facts import FactKey, fact_key
from simulator.scenario.timing import format_offset
from simulator.view.ledger import Sent
from simulator.view.option import Context, Option, checked, keep


def closure_options(ctx: Context, edge: int) -> list[Option]:
    """Share the selected road's closure (or reopening) with each agency not yet told."""
    name = ctx.exercise.atlas.roads.names[edge]
    fact = fact_key("closure", name) if name else ""
    known = _first_knowing(ctx, fact) if fact else None
    if known is None:
        return []
    sender, held = known
    return [
        keep(_option(ctx, fact, held, sender, to), f"closure {to}")
        for to in _recipients(ctx, fact, held, sender)
    ]


def closure_roundup(ctx: Context) -> list[Option]:
    """With nothing selected: one option sharing every closure someone has not been told."""
    facts = sorted(
        {k for a in ctx.roles for k in ctx.exercise.knowledge(a) if k.startswith("closure:")}
    )
    if not facts:
        return []
    untold: dict[tuple[str, str], list[str]] = {}  # (sender, to) -> facts
    opened: set[str] = set()  # facts whose latest word is a reopening
    for fact in facts:
        sender, held = _first_knowing(ctx, fact) or ("", None)
        if held is not None and not held.value:
            opened.add(fact)
        for to in _recipients(ctx, fact, held, sender):
            if _owed(_sent(ctx, to, fact), held):
                untold.setdefault((sender, to), []).append(fact)
    if not untold:
        streets = ", ".join(FactKey.parse(f).subject + " (reopened)" * (f in opened) for f in facts)
        done = f"Closures shared: {streets}"
        return [Option("closure", done, (), "every agency told", done=True, key="closures")]
    new = {f for told in untold.values() for f in told}
    commands = tuple(Share(agency=s, to=to, facts=told) for (s, to), told in sorted(untold.items()))
    label = f"Share closures with every agency ({_news(len(new - opened), len(new & opened))})"
    return [keep(checked(ctx, "closure", label, commands), "closures")]


def _news(closed: int, reopened: int) -> str:
    """What a round-up passes on: "2 new", or "1 new, 1 reopened" (a reopening is news)."""
    parts = [f"{closed} new"] * bool(closed) + [f"{reopened} reopened"] * bool(reopened)
    return ", ".join(parts)


def _first_knowing(ctx: Context, fact: str) -> tuple[str, Known] | None:
    """The first of the trainee's agencies that knows the road's state, and what it knows."""
    for agency in ctx.roles:
        held = ctx.exercise.knowledge(agency).get(fact)
        if held is not None:
            return agency, held
    return None


def _recipients(ctx: Context, fact: str, held: Known | None, sender: str) -> list[str]:
    """Every other agency, less the trainee's own that already hold the same word."""
    out = []
    for agency in sorted(a.id for a in ctx.exercise.scenario.agencies):
        mine = ctx.exercise.knowledge(agency).get(fact) if agency in ctx.roles else None
        if agency != sender and not (mine is not None and held and mine.value == held.value):
            out.append(agency)
    return out


def _sent(ctx: Context, to: str, fact: str) -> Sent | None:
    """The last share of ``fact`` to ``to``, if the trainee gave one."""
    return ctx.ledger.fact_shared(to, fact) if ctx.ledger else None


def _owed(sent: Sent | None, held: Known | None) -> bool:
    """Whether to tell again: never told, told before the latest word, or lost."""
    return sent is None or bool(sent.lost) or (held is not None and sent.t < held.t)


def _option(ctx: Context, fact: str, held: Known, sender: str, to: str) -> Option:
    what = "closure" if held.value else "reopening"
    street, named = FactKey.parse(fact).subject, ctx.named(to)
    sent = _sent(ctx, to, fact)
    label = f"Share {what} of {street} with {named}"
    if sent is not None and not _owed(sent, held):
        done = f"Shared {what} of {street} with {named}"
        return Option("closure", done, (), f"at {format_offset(sent.t)}", done=True)
    if sent is not None and sent.lost:
        label += f" again (last one lost: {sent.lost})"
    command = Share(agency=sender, to=to, facts=[fact])
    return checked(ctx, "closure", label, (command,))
