"""One plain sentence per event a dispatcher would note, with no engine names in it.

Each function reads one event and returns the line a dispatcher would write ("E3 on
scene at WHSE-1", "Command post set up at WHSE-1 by BC1"), or None when another line
already says it (an accepted road closure is followed by "Bridge 2 closed"). The
stateful kinds (calls, injects, messages) are told by ``narrate.Narrator``.
"""

from collections.abc import Callable

from simulator.events import Event
from simulator.payloads import UnitAvailable, payload
from simulator.view.op_sentences import SENTENCES as OPERATION_SENTENCES
from simulator.view.words import (
    EFFECT,
    Names,
    fact_words,
    fault_words,
    listed,
    plain_reason,
    plural,
    spaced,
)

Sentence = Callable[[Event, Names], str | None]


# -- orders ---------------------------------------------------------------------------


def order_phrase(command: dict, names: Names) -> str:
    """What an order asked for, as a verb phrase: "dispatch E1 to WHSE-1"."""
    c = command
    kind = c.get("type", "")
    units = listed(c.get("units") or [])
    phrases: dict[str, Callable[[], str]] = {
        "dispatch": lambda: (
            f"hold {units} at the {c.get('incident')} perimeter"
            if c.get("hold")
            else f"dispatch {units} to {c.get('incident')}"
        ),
        "recall": lambda: f"recall {units}",
        "stage": lambda: f"send {units} to staging area {c.get('staging')}",
        "declare": lambda: (
            f"declare {names.condition(c.get('incident'), c.get('condition'))} "
            f"at {c.get('incident')}"
        ),
        "transport": lambda: f"send {c.get('unit')} to {names.hospital(c.get('hospital'))}",
        "destination": lambda: (
            f"send {c.get('triage')} patients of {c.get('incident')} "
            f"to {names.hospital(c.get('hospital'))}"
        ),
        "mutual_aid": lambda: (
            f"ask {names.agency(c.get('to'))} for {c.get('count', 1)} "
            f"{spaced(c.get('capability'))} at {c.get('incident')}"
        ),
        "close_road": lambda: f"close {_road(c)}",
        "open_road": lambda: f"reopen {_road(c)}",
        "traffic_point": lambda: (
            f"release {c.get('unit')}'s traffic point"
            if c.get("release")
            else f"post {c.get('unit')} at a traffic point on {_road(c)}"
        ),
        "service": lambda: (
            f"put {c.get('unit')} back in service"
            if c.get("in_service")
            else f"take {c.get('unit')} out of service"
        ),
        "message": lambda: f"send a message to {_addressee(c, names)}",
        "share": lambda: f"share {c.get('incident') or 'facts'} with {names.agency(c.get('to'))}",
        "patch": lambda: (
            f"{'release the' if c.get('release') else 'set up a'} patch "
            f"{' + '.join(names.channel(x) for x in c.get('channels') or [])}"
        ),
        "command_post": lambda: (
            f"set up a command post at {c.get('incident')} with {c.get('unit')}"
        ),
        "unified_command": lambda: f"establish unified command at {c.get('incident')}",
        "staging_area": lambda: f"open staging area {c.get('id')}",
        "register_operation": lambda: f"register {c.get('operation')} in deconfliction",
        "deconflict": lambda: f"{c.get('action', 'acknowledge')} over conflict {c.get('conflict')}",
        "public_statement": lambda: (
            f"{c.get('stance')} rumour {c.get('rumour')}"
            if c.get("rumour")
            else f"give a public statement{_on(c)}"
        ),
    }
    return phrases.get(kind, lambda: spaced(kind or "order"))()


def order_done(command: dict, names: Names) -> str | None:
    """An accepted order as a log line, or None when the event it causes says it."""
    c = command
    kind = c.get("type", "")
    units = listed(c.get("units") or [])
    done: dict[str, Callable[[], str]] = {
        "dispatch": lambda: (
            f"{units} held at the {c.get('incident')} perimeter"
            if c.get("hold")
            else f"{units} dispatched to {c.get('incident')}"
        ),
        "recall": lambda: f"{units} recalled to station",
        "stage": lambda: f"{units} sent to staging area {c.get('staging')}",
        "declare": lambda: (
            f"{c.get('incident')}: {names.condition(c.get('incident'), c.get('condition'))} "
            "declared"
        ),
        "transport": lambda: (
            f"{c.get('unit')} to take its patients to {names.hospital(c.get('hospital'))}"
        ),
        "destination": lambda: (
            f"{c.get('incident')}: {c.get('triage')} patients to go to "
            f"{names.hospital(c.get('hospital'))}"
        ),
        "mutual_aid": lambda: (
            f"Asked {names.agency(c.get('to'))} for {c.get('count', 1)} "
            f"{spaced(c.get('capability'))} at {c.get('incident')}"
        ),
        "message": lambda: f"Message to {_addressee(c, names)}: \u201c{c.get('text', '')}\u201d",
        "share": lambda: (
            f"Sharing {c.get('incident') or listed([fact_words(f) for f in c.get('facts') or []])} "
            f"with {names.agency(c.get('to'))}"
        ),
        "patch": lambda: (
            f"Patch {' + '.join(names.channel(x) for x in c.get('channels') or [])} requested"
        ),
        "public_statement": lambda: _statement(c),
        "traffic_point": lambda: f"{c.get('unit')} on its way to a traffic point on {_road(c)}",
    }
    if kind in ("patch", "traffic_point") and c.get("release"):
        return None  # "Patch ... released" or "... leaves its traffic point" follows at once
    # Roads, service, command post, unified command and staging areas: the event says it.
    return done[kind]() if kind in done else None


def _on(command: dict) -> str:
    return f" on {command['incident']}" if command.get("incident") else ""


def _statement(command: dict) -> str:
    """The trainee's PIO speaking: what about, and the words the public heard."""
    rumour, stance = command.get("rumour"), command.get("stance")
    what = {"deny": "denying", "confirm": "confirming"}.get(str(stance), "answering")
    head = f"Public statement {what} rumour {rumour}" if rumour else "Public statement"
    return f"{head}{_on(command)}: \u201c{command.get('text', '')}\u201d"


def statement(event: Event, names: Names) -> str | None:
    """Another agency's PIO speaking to the public (the trainee's own: the order line)."""
    said = payload(event)
    head = f"Public statement by {names.agency(event.agency)}"
    if said.rumour:
        what = {"deny": "denying", "confirm": "confirming"}.get(said.stance, "answering")
        head += f" {what} rumour {said.rumour}"
    elif event.incident:
        head += f" on {event.incident}"
    return f"{head}: \u201c{said.text}\u201d"


def _road(command: dict) -> str:
    if command.get("road"):
        return str(command["road"])
    return "-".join(command.get("between") or []) or "the road"


def _addressee(command: dict, names: Names) -> str:
    if command.get("to"):
        return names.agency(command["to"])
    return f"channel {names.channel(command.get('channel'))}"


def accepted(event: Event, names: Names) -> str | None:
    """A trainee's order carried out."""
    line = order_done(payload(event).command, names)
    return None if line is None else names.desk(event.agency) + line


def rejected(event: Event, names: Names) -> str:
    """A trainee's order refused, with the engine's reason."""
    refused = payload(event)
    phrase = order_phrase(refused.command, names)
    return f"{names.desk(event.agency)}Could not {phrase}: {plain_reason(refused.reason)}"


# -- units ----------------------------------------------------------------------------


def unit_status(event: Event, names: Names) -> str | None:
    """One of the trainee's units changing status, as its crew would report it."""
    unit = event.unit
    status = event.kind.partition(".")[2]
    if status == "on_scene":
        return f"{unit} on scene at {event.incident}"
    if status == "staged":
        staged = payload(event)
        place = "the perimeter" if staged.at == "perimeter" else f"staging area {staged.at}"
        return f"{unit} waiting at {place}" + _why(staged.reason)
    if status == "transporting":
        carrying = payload(event)
        count = len(carrying.patients)
        to = names.hospital(carrying.hospital)
        told = f"{unit} transporting {plural(count, 'patient')} to {to}"
        if carrying.diverted_from:
            told += f", diverted from {names.hospital(carrying.diverted_from)}"
        return told
    if status == "at_hospital":
        return f"{unit} at {names.hospital(payload(event).hospital)}"
    if status == "out_of_service":
        return f"{unit} out of service" + _why(_ordered(payload(event).reason, names))
    if status == "available":
        return _available(unit, payload(event))
    return None


def _available(unit: str | None, available: UnitAvailable) -> str:
    if available.prev == "out_of_service":
        return f"{unit} back in service"
    if available.prev == "returning":
        return f"{unit} back at station, available"
    return f"{unit} available" + _why(available.reason)


def _why(reason: object) -> str:
    """A status reason in brackets; the engine's "MSEL 7" is the controller's doing."""
    if not reason:
        return ""
    text = {"initial status": "since the start of the shift"}.get(str(reason), str(reason))
    if text.startswith("MSEL "):
        text = "controller inject"
    return f" ({text})"


def _ordered(reason: object, names: Names) -> object:
    """The engine's "ordered by <agency id>" with the agency as the trainee knows it."""
    text = str(reason or "")
    if text.startswith("ordered by "):
        return f"ordered by {names.who(text.removeprefix('ordered by '))}"
    return reason


def out_of_service_pending(event: Event, names: Names) -> str:
    """A unit with a patient aboard goes out of service once the patient is handed over."""
    reason = _why(_ordered(payload(event).reason, names))
    return f"{event.unit} goes out of service after its hospital handover{reason}"


def out_of_service_cancelled(event: Event, names: Names) -> str:
    """A unit due out of service after its hand-over stays in service after all."""
    reason = _why(_ordered(payload(event).reason, names))
    return f"{event.unit} stays in service after its hospital handover{reason}"


def no_route(event: Event, names: Names) -> str:
    """A unit cannot reach its destination: every road there is closed."""
    return f"{event.unit} has no open road to {payload(event).to}"


def blocked(event: Event, names: Names) -> str:
    """A unit drove into a closure nobody told its agency of."""
    return f"{event.unit} ran into a closure on {payload(event).road} you were not told of"


def harmed(event: Event, names: Names) -> str:
    """A unit walked into a hazard its agency did not know of."""
    harm = payload(event)
    effect = EFFECT.get(harm.effect, spaced(harm.effect))
    hazard = spaced(harm.hazard)
    return f"{event.unit} hurt at {event.incident} by an unreported {hazard}: {effect}"


def clash(event: Event, names: Names) -> str:
    """A unit tasked twice, or at odds, because command is not unified."""
    clashed = payload(event)
    other = names.agency(clashed.with_agency)
    twice = event.kind.endswith("duplicated")
    how = "was also tasked by" if twice else "got conflicting orders from"
    lost = f"{clashed.cost:.0f} s lost sorting it out"
    return f"{event.unit} at {event.incident} {how} {other}: {lost}"


def sorted_out(event: Event, names: Names) -> str:
    """The clash is sorted out: the unit starts work."""
    return f"{event.unit} at {event.incident} sorted out its orders and starts work"


# -- incidents and command ------------------------------------------------------------


def escalated(event: Event, names: Names) -> str:
    """An incident got worse: what the crews see."""
    what = " ".join(payload(event).description.split())
    return f"{event.incident} is getting worse" + (f": {what}" if what else "")


def resolved(event: Event, names: Names) -> str:
    """An incident is over."""
    return f"{event.incident} resolved"


def crowded(event: Event, names: Names) -> str:
    """A patient leaves for a department past 85% of its beds: the crew will wait there."""
    crowd = payload(event)
    beds = f"{crowd.in_use} of {crowd.beds} {crowd.triage} beds taken"
    where = names.hospital(crowd.hospital)
    return f"{event.incident}: {where} is crowded ({beds}); the crew will wait to hand over"


def over_capacity(event: Event, names: Names) -> str:
    """A patient taken to a department with no free bed of its category."""
    full = payload(event)
    where = names.hospital(full.hospital)
    return f"{event.incident}: {where} has no {full.triage} bed free; one taken in over capacity"


def died(event: Event, names: Names, count: int = 1) -> str:
    """``count`` patients dead at the scene, as ``event``'s: heard then, not at the end."""
    reason = payload(event).reason
    how = "untreated, waiting for care" if reason == "untreated" else spaced(reason)
    who = "a patient" if count == 1 else f"{count} patients"
    return f"{event.incident}: {who} died ({how})"


def ready(event: Event, names: Names) -> str:
    """A precondition the trainee's agency may now declare."""
    ready = payload(event)
    return f"{event.incident}: ready to declare {spaced(ready.name or ready.condition)}"


def post(event: Event, names: Names) -> str:
    """A command post set up."""
    return f"Command post set up at {event.incident} by {event.unit}"


def unified(event: Event, names: Names) -> str:
    """Unified command established."""
    agencies = listed(names.agency(a) for a in payload(event).agencies)
    return f"Unified command at {event.incident}: {agencies}"


def span(event: Event, names: Names) -> str:
    """A scene outgrows, or regains, its supervisors."""
    if event.kind == "span.restored":
        return f"{event.incident}: enough supervisors again"
    exceeded = payload(event)
    bosses = plural(exceeded.supervisors, "supervisor")
    return (
        f"{event.incident} has {exceeded.units} units for {bosses}"
        f" (one per {exceeded.limit}): the work slows down"
    )


def staging(event: Event, names: Names) -> str:
    """A staging area opened during the exercise."""
    opened = payload(event)
    return f"Staging area {opened.staging} opened at {opened.node} by {names.who(event.agency)}"


def aid_received(event: Event, names: Names) -> str:
    """Another agency asks one of the trainee's agencies for units."""
    asked = payload(event)
    return (
        f"{names.agency(asked.source)} asks {names.who(event.agency)} for "
        f"{asked.count} {spaced(asked.capability)} at {event.incident} (mutual aid)"
    )


def combined(event: Event, names: Names) -> str:
    """An analyst (a fusion centre) linked reports into something nobody reported."""
    linked = payload(event)
    sources = "; ".join(fact_words(f) for f in linked.sources)
    what = " ".join(linked.description.split()) or fact_words(linked.fact)
    return f"{names.who(event.agency)} linked what was reported ({sources}): {what}"


# -- roads, radio, faults -------------------------------------------------------------


def road(event: Event, names: Names) -> str:
    """A road closed or reopened; by whom when an agency ordered it."""
    change = payload(event)
    roads = listed(change.names) or "A road"
    verb = "closed" if event.kind == "road.closed" else "reopened"
    by = change.by
    credit = f" by {names.who(by)}" if by and not by.startswith("MSEL") else ""
    return f"{roads} {verb}{credit}"


def traffic(event: Event, names: Names) -> str:
    """Congestion building or clearing on named streets."""
    news = payload(event)
    streets = listed(news.names) or "Roads"
    if event.kind == "traffic.cleared":
        return f"Traffic clears on {streets}"
    return f"Traffic jams {streets}: {round(100 * float(news.speed))}% of normal speed"


def traffic_point(event: Event, names: Names) -> str:
    """A traffic control point standing, or lifted."""
    road = payload(event).road
    if event.kind == "traffic.point_set":
        return f"{event.unit} holds a traffic point on {road}: closed to the public"
    return f"{event.unit} leaves its traffic point on {road}"


def patch(event: Event, names: Names) -> str:
    """A console patch going live or released."""
    pair = " + ".join(names.channel(c) for c in payload(event).channels)
    state = "is live" if event.kind == "patch.established" else "released"
    return f"{names.desk(event.agency)}Patch {pair} {state}"


def fault(event: Event, names: Names) -> str:
    """A system fault starting or ending; restored by work, which incident's."""
    system = payload(event)
    over = event.kind in ("fault.ended", "fault.restored")
    words = fault_words(system.fault, system.target, names, over)
    if event.kind == "fault.restored":
        return f"{words}: the restore at {event.incident} is done"
    return words


def ended(event: Event, names: Names) -> str:
    """The exercise is over."""
    return f"Exercise over: {payload(event).reason}"


SENTENCES: dict[str, Sentence] = {
    "command.accepted": accepted,
    "command.rejected": rejected,
    "unit.no_route": no_route,
    "unit.out_of_service_pending": out_of_service_pending,
    "unit.out_of_service_cancelled": out_of_service_cancelled,
    "unit.blocked": blocked,
    "unit.harmed": harmed,
    "assignment.duplicated": clash,
    "assignment.conflicted": clash,
    "assignment.sorted": sorted_out,
    "incident.escalated": escalated,
    "incident.resolved": resolved,
    "hospital.crowded": crowded,
    "hospital.over_capacity": over_capacity,
    "patient.died": died,
    "incident.precondition_ready": ready,
    "command_post.established": post,
    "unified_command.established": unified,
    "span.exceeded": span,
    "span.restored": span,
    "staging.opened": staging,
    "mutual_aid.received": aid_received,
    "intelligence.combined": combined,
    "road.closed": road,
    "road.opened": road,
    "traffic.congested": traffic,
    "traffic.cleared": traffic,
    "traffic.point_set": traffic_point,
    "traffic.point_released": traffic_point,
    "patch.established": patch,
    "patch.released": patch,
    "fault.started": fault,
    "fault.ended": fault,
    "fault.restored": fault,
    "exercise.ended": ended,
    "statement.issued": statement,
    **OPERATION_SENTENCES,
}


def sentence(event: Event, names: Names) -> str | None:
    """The plain line for a stateless event kind; a readable fallback for any other."""
    if event.kind.startswith("unit."):
        return SENTENCES.get(event.kind, unit_status)(event, names)
    told = SENTENCES.get(event.kind)
    if told is not None:
        return told(event, names)
    # A kind this view does not know yet: its subject and the last word of its kind.
    subject = event.unit or event.incident or (names.who(event.agency) if event.agency else "")
    return f"{subject}: {spaced(event.kind.rpartition('.')[2])}".strip(": ")
