"""Plain sentences for planned operations, deconfliction and handling levels.

One line per event, as a watch officer would note it ("OP-WARRANT entered in
deconfliction", "Marlow RIC to you: conflict DC1 ..."), with no engine names in it.
``sentences.SENTENCES`` takes these in; which of the events the trainee hears is
``operations.Book.knows``.
"""

from collections.abc import Callable

from simulator.events import Event
from simulator.payloads import payload
from simulator.scenario.timing import format_offset
from simulator.view.operations import PHASE_WORDS
from simulator.view.words import Names, fact_words, listed, spaced

Sentence = Callable[[Event, Names], str | None]

LEVEL_WORDS = {
    "need_to_know": "need to know",
    "organisation_only": "organisation only",
    "law_enforcement_sensitive": "law-enforcement sensitive",
    "community": "community",
    "public": "public",
}
HOW = {
    "coordinated": "both leads have acknowledged and coordinate",
    "separated": "the operations no longer overlap",
    "cancelled": "an operation was called off",
}
ANSWER = {
    "acknowledge": "acknowledged",
    "postpone": "postponed its operation for",
    "cancel": "called off its operation over",
}


def _window(window: object) -> str:
    """A time window, "00:02:00-00:45:00"."""
    start, end = [*window, 0, 0][:2] if isinstance(window, list) else (0, 0)
    return f"{format_offset(float(start))}-{format_offset(float(end))}"


def planned(event: Event, names: Names) -> str:
    """An operation on the day's plan."""
    op = payload(event)
    others = [names.agency(a) for a in op.agencies]
    taking = f" with {listed(others)}" if others else ""
    covert = " (covert)" if op.covert else ""
    return (
        f"Planned{covert}: {op.operation}, {op.title}, led by "
        f"{names.agency(event.agency)}{taking}, {_window([op.start, op.end])} "
        f"at {op.node}"
    )


def registered(event: Event, names: Names) -> str:
    """An operation entered in event deconfliction."""
    entry = payload(event)
    when = "before its start" if entry.before_start else "after it had started"
    prior = " (entered before today)" if entry.prior else ""
    return (
        f"{entry.operation} entered in deconfliction with "
        f"{names.agency(entry.service)} {when}{prior}"
    )


def phase(event: Event, names: Names) -> str:
    """An operation moving to its next phase."""
    step = payload(event)
    return f"{step.operation}: {PHASE_WORDS.get(step.phase, spaced(step.phase))}"


def adjusted(event: Event, names: Names) -> str:
    """An operation postponed."""
    moved = payload(event)
    return f"{moved.operation} {moved.note}: now {_window([moved.start, moved.end])}"


def over(event: Event, names: Names) -> str:
    """An operation called off or over."""
    what = "called off" if event.kind == "operation.cancelled" else "over"
    return f"{payload(event).operation} {what}"


def compromised(event: Event, names: Names) -> str:
    """An operation spoilt by another one nearby."""
    spoilt = payload(event)
    return f"{spoilt.operation} compromised by {spoilt.by}: {spoilt.reason}"


def blue_on_blue(event: Event, names: Names) -> str:
    """Officers of two agencies took each other for suspects."""
    clash = payload(event)
    ops = clash.operations
    agencies = [names.agency(a) for a in clash.agencies]
    unregistered = [o for o, r in zip(ops, clash.registered, strict=False) if not r]
    why = f" ({listed(unregistered)} not in deconfliction)" if unregistered else ""
    return (
        f"Blue-on-blue at {clash.node}: officers of {' and '.join(agencies)} took each "
        f"other for suspects ({listed(ops)}){why}; officers hurt, incident {event.incident}"
    )


def conflict(event: Event, names: Names) -> str:
    """The watch centre matched two operations."""
    match = payload(event)
    ops = " and ".join(match.operations)
    return (
        f"Deconfliction: {ops} overlap ({match.distance_m:.0f} m apart, "
        f"{_window(match.window)}): conflict {match.conflict}"
    )


def notice(event: Event, names: Names) -> str:
    """The watch centre told a lead of a conflict: what to do about it."""
    told = payload(event)
    return (
        f"{names.agency(told.service)} to {names.who(event.agency)}: conflict "
        f"{told.conflict}, {names.whose(event.agency)} {told.operation} overlaps "
        f"{names.agency(told.other_agency)}'s {told.other} at {told.node}, "
        f"{_window(told.window)}. Acknowledge, postpone or cancel it (Selection panel, "
        "with nothing selected)"
    )


def acknowledged(event: Event, names: Names) -> str:
    """A lead acted on a conflict notice."""
    acted = payload(event)
    answer = ANSWER.get(acted.action, spaced(acted.action))
    who = names.who(event.agency)
    return f"{who[:1].upper()}{who[1:]} {answer} {acted.conflict}"


def resolved(event: Event, names: Names) -> str:
    """A conflict settled."""
    settled = payload(event)
    return f"Conflict {settled.conflict} resolved: {HOW.get(settled.how, settled.how)}"


def caveat(event: Event, names: Names) -> str:
    """A fact held with a handling level: whose it is and who may have it."""
    held = payload(event)
    level = LEVEL_WORDS.get(held.level, spaced(held.level))
    line = f"{fact_words(held.fact)} is {level} ({held.tlp}), {names.agency(held.owner)}'s"
    if not held.permitted:
        line += f"; {names.who(event.agency)} should not hold it"
    return line


def overshared(event: Event, names: Names) -> str:
    """A caveated fact passed to an agency its level does not allow."""
    shared = payload(event)
    level = LEVEL_WORDS.get(shared.level, spaced(shared.level))
    return (
        f"Over-shared: {fact_words(shared.fact)} went to {names.agency(shared.to)}, "
        f"beyond its handling level ({level}, {names.agency(shared.owner)}'s)"
    )


def leaked(event: Event, names: Names) -> str:
    """An over-shared fact reached the wrong people."""
    leak = payload(event)
    return f"Compromised: {leak.description or fact_words(leak.fact)}"


SENTENCES: dict[str, Sentence] = {
    "operation.planned": planned,
    "operation.registered": registered,
    "operation.phase": phase,
    "operation.adjusted": adjusted,
    "operation.cancelled": over,
    "operation.ended": over,
    "operation.compromised": compromised,
    "operation.blue_on_blue": blue_on_blue,
    "deconfliction.conflict": conflict,
    "deconfliction.notice": notice,
    "deconfliction.acknowledged": acknowledged,
    "deconfliction.resolved": resolved,
    "intelligence.caveat": caveat,
    "intelligence.overshared": overshared,
    "intelligence.compromised": leaked,
}
# Lines the trainee must act on or must not miss: orange, and in the inbox.
ALERTS = frozenset(
    {
        "deconfliction.notice",
        "operation.blue_on_blue",
        "operation.compromised",
        "intelligence.overshared",
        "intelligence.compromised",
    }
)
