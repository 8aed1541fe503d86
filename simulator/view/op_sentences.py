"""Plain sentences for planned operations, deconfliction and handling levels.

One line per event, as a watch officer would note it ("OP-WARRANT entered in
deconfliction", "Marlow RIC to you: conflict DC1 ..."), with no engine names in it.
``sentences.SENTENCES`` takes these in; which of the events the trainee hears is
``operations.Book.knows``.
"""

from collections.abc import Callable

from simulator.events import Event
from simulator.scenario.timing import format_offset
from simulator.view.operations import PHASE_WORDS
from simulator.view.words import Names, fact_words, listed, spaced

Sentence = Callable[[Event, Names], str | None]

LEVEL_WORDS = {
    "need_to_know": "need to know",
    "law_enforcement_sensitive": "law-enforcement sensitive",
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
    d = event.data
    others = [names.agency(a) for a in d.get("agencies") or []]
    taking = f" with {listed(others)}" if others else ""
    covert = " (covert)" if d.get("covert") else ""
    return (
        f"Planned{covert}: {d.get('operation')}, {d.get('title')}, led by "
        f"{names.agency(event.agency)}{taking}, {_window([d.get('start'), d.get('end')])} "
        f"at {d.get('node')}"
    )


def registered(event: Event, names: Names) -> str:
    """An operation entered in event deconfliction."""
    d = event.data
    when = "before its start" if d.get("before_start") else "after it had started"
    prior = " (entered before today)" if d.get("prior") else ""
    return (
        f"{d.get('operation')} entered in deconfliction with "
        f"{names.agency(d.get('service'))} {when}{prior}"
    )


def phase(event: Event, names: Names) -> str:
    """An operation moving to its next phase."""
    d = event.data
    return f"{d.get('operation')}: {PHASE_WORDS.get(str(d.get('phase')), spaced(d.get('phase')))}"


def adjusted(event: Event, names: Names) -> str:
    """An operation postponed."""
    d = event.data
    return f"{d.get('operation')} {d.get('note')}: now {_window([d.get('start'), d.get('end')])}"


def over(event: Event, names: Names) -> str:
    """An operation called off or over."""
    d = event.data
    what = "called off" if event.kind == "operation.cancelled" else "over"
    return f"{d.get('operation')} {what}"


def compromised(event: Event, names: Names) -> str:
    """An operation spoilt by another one nearby."""
    d = event.data
    return f"{d.get('operation')} compromised by {d.get('by')}: {d.get('reason')}"


def blue_on_blue(event: Event, names: Names) -> str:
    """Officers of two agencies took each other for suspects."""
    d = event.data
    ops = d.get("operations") or []
    agencies = [names.agency(a) for a in d.get("agencies") or []]
    unregistered = [o for o, r in zip(ops, d.get("registered") or [], strict=False) if not r]
    why = f" ({listed(unregistered)} not in deconfliction)" if unregistered else ""
    return (
        f"Blue-on-blue at {d.get('node')}: officers of {' and '.join(agencies)} took each "
        f"other for suspects ({listed(ops)}){why}; officers hurt, incident {event.incident}"
    )


def conflict(event: Event, names: Names) -> str:
    """The watch centre matched two operations."""
    d = event.data
    ops = " and ".join(d.get("operations") or [])
    return (
        f"Deconfliction: {ops} overlap ({d.get('distance_m', 0):.0f} m apart, "
        f"{_window(d.get('window'))}): conflict {d.get('conflict')}"
    )


def notice(event: Event, names: Names) -> str:
    """The watch centre told a lead of a conflict: what to do about it."""
    d = event.data
    return (
        f"{names.agency(d.get('service'))} to {names.who(event.agency)}: conflict "
        f"{d.get('conflict')}, {names.whose(event.agency)} {d.get('operation')} overlaps "
        f"{names.agency(d.get('other_agency'))}'s {d.get('other')} at {d.get('node')}, "
        f"{_window(d.get('window'))}. Acknowledge, postpone or cancel it (Selection panel, "
        "with nothing selected)"
    )


def acknowledged(event: Event, names: Names) -> str:
    """A lead acted on a conflict notice."""
    d = event.data
    answer = ANSWER.get(str(d.get("action")), spaced(d.get("action")))
    who = names.who(event.agency)
    return f"{who[:1].upper()}{who[1:]} {answer} {d.get('conflict')}"


def resolved(event: Event, names: Names) -> str:
    """A conflict settled."""
    d = event.data
    return f"Conflict {d.get('conflict')} resolved: {HOW.get(str(d.get('how')), d.get('how'))}"


def caveat(event: Event, names: Names) -> str:
    """A fact held with a handling level: whose it is and who may have it."""
    d = event.data
    level = LEVEL_WORDS.get(str(d.get("level")), spaced(d.get("level")))
    line = (
        f"{fact_words(str(d.get('fact')))} is {level} ({d.get('tlp')}), "
        f"{names.agency(d.get('owner'))}'s"
    )
    if not d.get("permitted"):
        line += f"; {names.who(event.agency)} should not hold it"
    return line


def overshared(event: Event, names: Names) -> str:
    """A caveated fact passed to an agency its level does not allow."""
    d = event.data
    level = LEVEL_WORDS.get(str(d.get("level")), spaced(d.get("level")))
    return (
        f"Over-shared: {fact_words(str(d.get('fact')))} went to {names.agency(d.get('to'))}, "
        f"beyond its handling level ({level}, {names.agency(d.get('owner'))}'s)"
    )


def leaked(event: Event, names: Names) -> str:
    """An over-shared fact reached the wrong people."""
    d = event.data
    return f"Compromised: {d.get('description') or fact_words(str(d.get('fact')))}"


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
