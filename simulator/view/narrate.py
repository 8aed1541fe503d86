"""The log's narrator: events in, one plain line for each thing the trainee learns.

The engine logs for replay and review, so one happening can give several events, and
some run ahead of what the trainee's agencies know. The narrator tells each thing once,
when the trainee's agency learns it:

- an incident inject's text (what the callers say) when an agency it was addressed to
  opens the incident in its CAD, not when it happens: the call takes a minute or more
  to reach the CAD; the casualties and hazards the callers report go on the same line;
- an information inject once, when ``information.received`` reaches one of the
  trainee's agencies (its ``inject.released`` and the facts it carries are not
  repeated, nor is it repeated for a second agency at a joint console);
- a fault, road or resource inject once, at release; the engine's own line for the
  same MSEL row (``fault.started``, a road closed "by MSEL 8") is then left out;
- a message once, when it arrives, with what it told (the facts learnt from it in the
  same batch of events); a message the trainee sent, once, when it arrives or is lost.

Message ids read "msg #12": ambulances are M1, M2 too.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.events import CONTROLLER, Event
from simulator.payloads import MessageDelivered, MessageLost, declaring, payload
from simulator.scenario.model import Scenario
from simulator.scenario.msel import IncidentInject, InformationInject
from simulator.view.handling import Caveat
from simulator.view.op_sentences import ALERTS
from simulator.view.sentences import died, sentence
from simulator.view.words import (
    LOST,
    PATH,
    Names,
    fact_words,
    listed,
    message_label,
    shared_words,
    spaced,
    type_words,
)

# (agency, message id or incident) -> facts (key, value) learnt in one batch of events.
Learned = dict[tuple[str, str], list[tuple[str, object]]]
# The key under which ``Learned`` lists the (agency, incident) CADs opened by a call.
OPENED = ("", "opened")
# Kinds whose payload names a radio channel: their lines are filed under it.
ON_AIR = declaring("channel")
# Kinds whose ``reason`` is "MSEL 7" when an inject put the unit out of (or back in) service.
BY_INJECT = frozenset({"unit.available", "unit.out_of_service"})
# Who an MSEL row is from when its author named nobody: the simulation cell (HSEEP's
# SimCell), which plays every organisation outside the exercise.
SIMULATED = InformationInject.model_fields["source"].default
# Bad news at a scene, in orange so it is not lost among the status lines: nobody sent
# it to the trainee (not the inbox), yet seven deaths were first seen on the end screen.
WARNINGS = frozenset({"patient.died", "hospital.over_capacity"})


@dataclass(frozen=True)
class ReplyTo:
    """Whom a reply to a log line goes to, and from which of the trainee's agencies."""

    agency: str  # the trainee's agency that received the line; the reply comes from it
    to: str  # the agency that sent it
    incident: str | None
    about: str  # what is answered, e.g. "msg #12"


@dataclass(frozen=True)
class Entry:
    """One log line: when, on which channel, its text, and what it is.

    ``inbox``: addressed to the trainee; ``alert``: drawn in orange (inbox, loss);
    ``refused``: an order the engine refused (vermillion); ``reply``: set when the
    trainee can answer it; ``n``: the line's number in the log (for picking it);
    ``badge``: a handling level shown before the text in its TLP colour ("TLP:RED NTK").
    """

    t: float
    channel: str
    text: str
    inbox: bool = False
    alert: bool = False
    refused: bool = False
    kind: str = ""
    unit: str | None = None
    reply: ReplyTo | None = None
    n: int = 0
    badge: str = ""


@dataclass(frozen=True)
class Said:
    """What the narrator says about one event, before it is filed."""

    text: str
    inbox: bool = False
    alert: bool = False
    refused: bool = False
    reply: ReplyTo | None = None
    badge: str = ""


def channel_of(event: Event) -> str:
    """The channel a line is filed under: the radio channel, else where it came from."""
    channel = payload(event).channel if event.kind in ON_AIR else None
    if channel:
        return channel
    if event.kind.startswith("command."):
        return "orders"
    if event.kind in ("inject.released", "information.received"):
        return "controller"
    if event.kind == "statement.issued":
        return "public"
    return "CAD"


class Narrator:
    """Turns the events the trainee hears into log lines, each thing told once."""

    def __init__(
        self,
        scenario: Scenario | None,
        roles: tuple[str, ...] | frozenset[str],
        messages: Mapping[str, Event] | None = None,
    ):
        """A narrator for one console.

        Args:
            scenario: for names, and for which incident each call inject starts.
            roles: the trainee's agencies.
            messages: ``message.queued`` events by message id (``Picture.messages``):
                what a delivered message said and who sent it.
        """
        self.names = Names(scenario, roles)
        self.roles = frozenset(roles)
        self.messages: Mapping[str, Event] = messages if messages is not None else {}
        msel = scenario.msel if scenario is not None else []
        self.calls = {r.incident.id: r for r in msel if isinstance(r, IncidentInject)}
        self.briefs = {r.seq: r for r in msel if isinstance(r, InformationInject)}
        self.escalations = {r.seq for r in msel if r.type == "escalation"}
        self.told: set[int] = set()  # MSEL seqs already shown
        self.called: set[str] = set()  # incidents whose callers' words were shown
        self.badges: dict[str, str] = {}  # fact -> the handling badge a copy of ours has
        self.held: dict[str, str] = {}  # unit -> the incident at whose perimeter it waits
        self.roads: dict[tuple[str, str], object] = {}  # (agency, closure fact) -> closed?

    # -- entry points --------------------------------------------------------------------

    def lines(self, events: list[Event]) -> list[Entry]:
        """The log lines for a batch of heard events, in order."""
        learned = _learned(events)
        self._caveats(events)
        dead = Counter((e.incident, e.t) for e in events if e.kind == "patient.died")
        out = []
        for event in events:
            if event.kind == "patient.died":  # one line for those dying together
                said = self._died(event, dead.pop((event.incident, event.t), 0))
            else:
                said = self.say(event, learned)
            if said is not None:
                text = " ".join(said.text.split())  # scenario text may hold newlines
                out.append(
                    Entry(
                        event.t,
                        channel_of(event),
                        text,
                        said.inbox,
                        said.alert,
                        said.refused,
                        event.kind,
                        event.unit,
                        said.reply,
                        badge=said.badge,
                    )
                )
        return out

    def _died(self, event: Event, count: int) -> Said | None:
        """Deaths at one scene at one moment: a line for all (17 lines buried the rest)."""
        return Said(died(event, self.names, count), alert=True) if count else None

    def _caveats(self, events: list[Event]) -> None:
        """Note the handling badges of facts our agencies hold (told with the facts)."""
        for event in events:
            if event.kind == "intelligence.caveat" and event.agency in self.roles:
                held = payload(event)
                badge = Caveat(event.agency, held.fact, held.level, held.tlp, held.owner, True)
                self.badges[held.fact] = badge.badge

    def _words(self, key: str, value: object = None) -> str:
        """A fact as words, with its handling badge when a copy of ours carries one."""
        badge = self.badges.get(key)
        return fact_words(key, value) + (f" [{badge}]" if badge else "")

    def say(self, event: Event, learned: Learned | None = None) -> Said | None:
        """What to say about one event, or None when it is told elsewhere or not at all."""
        learned = learned if learned is not None else {}
        kind = event.kind
        if kind.startswith("message."):
            return self._message(event, learned)
        if kind.startswith("unit."):
            self._hold(event)
        if kind == "fact.learned" and payload(event).fact.startswith("closure:"):
            self.roads[(event.agency or "", payload(event).fact)] = payload(event).value
        special = {
            "command.accepted": lambda: self._accepted(event),
            "cad.opened": lambda: self._cad(event, learned),
            "inject.released": lambda: self._inject(event),
            "information.received": lambda: self._information(event),
            "fact.learned": lambda: self._fact(event, learned),
            "mutual_aid.received": lambda: self._aid(event),
        }
        if kind in special:
            return special[kind]()
        if self._folded(event):
            return None
        text = sentence(event, self.names)
        if text is None:
            return None
        refused = kind == "command.rejected"
        if kind == "intelligence.caveat":
            held = payload(event)
            caveat = Caveat("", held.fact, held.level, held.tlp, held.owner, held.permitted)
            return Said(text, alert=not caveat.permitted, badge=caveat.badge)
        urgent = kind in ALERTS
        warned = urgent or kind in WARNINGS
        return Said(text, inbox=urgent, alert=refused or warned, refused=refused)

    # -- orders --------------------------------------------------------------------------

    def _hold(self, event: Event) -> None:
        """Follow which of the trainee's units wait at a perimeter, and whose."""
        unit = event.unit or ""
        if event.kind == "unit.staged" and payload(event).at == "perimeter":
            self.held[unit] = event.incident or ""
        else:
            self.held.pop(unit, None)

    def _accepted(self, event: Event) -> Said | None:
        """An order carried out; a dispatch of crews held at the perimeter sends them in."""
        command = payload(event).command
        incident, units = command.get("incident"), command.get("units") or []
        if command.get("type") == "dispatch" and not command.get("hold") and units:
            going_in = all(self.held.get(u) == incident for u in units)
            for unit in units:
                self.held.pop(unit, None)
            if going_in:
                return Said(f"{self.names.desk(event.agency)}{listed(units)} sent in to {incident}")
        if command.get("type") == "share" and not command.get("incident"):
            sender = str(command.get("agency"))
            what = listed(
                shared_words(f, self.roads.get((sender, f))) for f in command.get("facts") or []
            )
            to = self.names.agency(command.get("to"))
            return Said(f"{self.names.desk(event.agency)}Sharing {what} with {to}")
        text = sentence(event, self.names)
        return Said(text) if text is not None else None

    # -- calls, injects, facts -----------------------------------------------------------

    def _cad(self, event: Event, learned: Learned) -> Said:
        """A new incident in one of the trainee's CADs, with the callers' words if theirs."""
        opened, incident, agency = payload(event), event.incident or "", event.agency
        what = f"{incident} ({type_words(opened.type, opened.priority)})"
        source, via = opened.source, opened.via
        if via == "call":
            head = f"911 call for new incident {what}"
        elif via == "notification" and source:
            head = (
                f"{self.names.agency(source)} told {self.names.who(agency)} of new incident {what}"
            )
        elif via == "mutual_aid" and source:
            head = f"New incident {what}, from {self.names.agency(source)}'s mutual-aid request"
        else:
            head = f"New incident {what} in the CAD"
        words = self._callers(incident, agency)
        reports = [self._words(k, v) for k, v in learned.get((agency or "", incident), [])]
        if reports:
            words += f" Callers report: {'; '.join(reports)}."
        text = self.names.desk(agency) + head + (f": {words.strip()}" if words else "")
        return Said(text, inbox=bool(words), alert=bool(words))

    def _callers(self, incident: str, agency: str | None) -> str:
        """The call inject's text, the first time an agency it was addressed to has it."""
        call = self.calls.get(incident)
        if call is None or incident in self.called or agency not in call.to:
            return ""
        self.called.add(incident)
        return call.description

    def _inject(self, event: Event) -> Said | None:
        """A fault, road or resource inject, once, to an agency it is addressed to.

        Incident injects are told when their CAD opens, information injects when they
        reach the agency, escalations with ``incident.escalated``.
        """
        row = payload(event)
        if row.type == "incident" and event.incident:
            # A networked seat's scenario has no MSEL: the call's words come with it.
            self.calls.setdefault(event.incident, row)
        if row.type in ("incident", "information", "escalation"):
            return None
        if row.seq in self.told or not self.roles & set(row.to):
            return None
        self.told.add(row.seq)
        source = row.source or "Controller"
        return Said(f"{source}: {row.description}", inbox=True, alert=True)

    def _information(self, event: Event) -> Said | None:
        """An information inject reaching the trainee: once, however many desks it reaches."""
        info = payload(event)
        if info.seq in self.told:
            return None
        self.told.add(info.seq)
        if info.seq in self.escalations:
            return None  # told with incident.escalated, which says which incident
        brief = self.briefs.get(info.seq)
        desks = [a for a in sorted(brief.to) if a in self.roles] if brief else []
        who = " and ".join(self.names.who(a) for a in desks or [event.agency])
        how = f" ({info.delivery})" if info.delivery else ""
        source = _simulated(info.source)
        return Said(f"{source} tells {who}{how}: {info.text}", inbox=True, alert=True)

    def _fact(self, event: Event, learned: Learned) -> Said | None:
        """A fact learnt from a later call, or at the command post.

        The rest are told with the message, inject, call or order that brought them.
        """
        learnt = payload(event)
        if learnt.fact.startswith("incident:"):
            return None  # the CAD line says it
        desk = self.names.desk(event.agency)
        opened = learned.get(OPENED, [])
        if learnt.via == "call" and (event.agency or "", event.incident or "") not in opened:
            return Said(f"{desk}Callers report {self._words(learnt.fact, learnt.value)}")
        if learnt.via == "command_post":
            return Said(f"{desk}From the command post: {self._words(learnt.fact, learnt.value)}")
        return None

    def _aid(self, event: Event) -> Said:
        text = sentence(event, self.names) or ""
        source = payload(event).source
        reply = (
            ReplyTo(event.agency or "", source, event.incident, "the request") if source else None
        )
        return Said(text, inbox=True, alert=True, reply=reply)

    def _folded(self, event: Event) -> bool:
        """Whether the event is told another way, or not known to the trainee yet.

        The engine's side of an inject already shown is left out. A road closed or
        reopened is told only when the trainee's agency ordered it: a scripted closure
        reaches them as its inject (if they were told), another agency's as a message.
        A statement the trainee's PIO gave is told by the order's line.
        """
        if event.kind == "fault.started":
            return payload(event).seq in self.told
        if event.kind == "statement.issued":
            return event.agency in self.roles  # the order's line says it, under orders
        if event.kind.startswith("road."):
            return payload(event).by not in self.roles
        marker = payload(event).reason if event.kind in BY_INJECT else None
        if marker is not None and marker.startswith("MSEL "):
            seq = marker.removeprefix("MSEL ")
            return seq.isdigit() and int(seq) in self.told
        return False

    # -- messages ------------------------------------------------------------------------

    def _message(self, event: Event, learned: Learned) -> Said | None:
        if event.kind not in ("message.delivered", "message.lost"):
            return None  # queued and sent: the order line and the outcome line say it
        outcome = payload(event)
        record = self.messages.get(outcome.message)
        if event.kind == "message.delivered":
            return self._delivered(event, outcome, record, learned)
        return self._lost(event, outcome, record)

    def _delivered(
        self, event: Event, delivered: MessageDelivered, record: Event | None, learned: Learned
    ) -> Said | None:
        to = event.agency
        source = delivered.source or (record.agency if record else "") or ""
        if to in self.roles:
            return self._received(event, delivered, record, source, learned)
        if source in self.roles:
            label = message_label(delivered.message)
            where = (
                self.names.agency(to) if to else f"channel {self.names.channel(delivered.channel)}"
            )
            how, latency = _path(record), delivered.latency
            text = (
                f"{self.names.desk(source)}Your {label} reached {where}{how} after {latency:.0f} s"
            )
            return Said(text)
        return None

    def _received(
        self,
        event: Event,
        delivered: MessageDelivered,
        record: Event | None,
        source: str,
        learned: Learned,
    ) -> Said | None:
        """A message to one of the trainee's agencies: who said what, and its id."""
        to, mid = event.agency or "", delivered.message
        queued = payload(record) if record else None
        kind = queued.type if queued else "sitrep"
        if kind == "mutual_aid_request":
            return None  # "... asks you for 2 ALS at WHSE-1 (mutual aid)" says it
        told = _told(learned.get((to, mid), []), delivered.facts, self._words)
        if kind == "share" and told in ("", "nothing new") and source not in self.roles:
            # Another agency's share of what the trainee knew: the automated players send
            # them by the dozen, and a log of them buries the traffic that matters.
            return None
        text = (queued.text or "") if queued else ""
        label = f"({message_label(mid)}{_path(record)})"
        unit = record.unit if record else None
        if unit and source == to:
            what = "; ".join(p for p in (text, told) if p) or "nothing new"
            return Said(
                f"{self.names.desk(to)}{unit} reports from {event.incident}: {what} {label}",
                inbox=True,
            )
        sender, who = self.names.agency(source), self.names.who(to)
        body = _body(kind, sender, who, self.names.whose(to), event.incident, text, told)
        # One between the trainee's own desks is no news for the inbox: it would push
        # out the traffic that needs an answer.
        quiet = source in self.roles
        reply = None
        if source and source not in self.roles:
            reply = ReplyTo(to, source, event.incident, message_label(mid))
        return Said(f"{body} {label}", inbox=not quiet, alert=not quiet, reply=reply)

    def _lost(self, event: Event, lost: MessageLost, record: Event | None) -> Said:
        reason = LOST.get(lost.reason, spaced(lost.reason))
        if event.unit:
            return Said(
                f"{event.unit}'s report from {event.incident} did not get through ({reason});"
                " the crew will try again",
                alert=True,
            )
        to = payload(record).to if record else None
        where = self.names.agency(to) if to else f"channel {self.names.channel(lost.channel)}"
        label = message_label(lost.message)
        desk = self.names.desk(event.agency)
        return Said(f"{desk}Your {label} to {where} did not get through: {reason}", alert=True)


def _simulated(source: str) -> str:
    """Who tells an information inject, as the trainee hears it.

    The engine marks the controller's ad-hoc inject as from ``controller``: read so,
    "controller tells you" broke the exercise's fiction. It reads as a scripted row
    that names nobody does, from the simulation cell.
    """
    return SIMULATED if source in ("", CONTROLLER) else source


def _learned(events: list[Event]) -> Learned:
    """Facts learnt in this batch: by (agency, message) and, from calls, by incident.

    ``OPENED`` lists the (agency, incident) pairs whose CAD opened in the batch:
    their callers' reports are told on the CAD line.
    """
    out: Learned = {}
    for event in events:
        if event.kind == "cad.opened" and payload(event).via == "call":
            out.setdefault(OPENED, []).append((event.agency or "", event.incident or ""))
        if event.kind != "fact.learned":
            continue
        learnt = payload(event)
        key = learnt.fact
        fact = (key, learnt.value)
        if learnt.message:
            out.setdefault((event.agency or "", learnt.message), []).append(fact)
        elif learnt.via == "call" and not key.startswith("incident:"):
            out.setdefault((event.agency or "", event.incident or ""), []).append(fact)
    return out


def _told(learned: list[tuple[str, object]], carried: list[str], words=fact_words) -> str:
    """What a message told: the facts it taught, and whether it carried nothing new."""
    news = [words(k, v) for k, v in learned]
    if news:
        return "; ".join(news)
    return "nothing new" if carried else ""


def _body(
    kind: str, sender: str, who: str, whose: str, incident: str | None, text: str, told: str
) -> str:
    """A received message as a sentence, by its kind."""
    said = ": " + "; ".join(p for p in (text, told) if p) if (text or told) else ""
    about = f" at {incident}" if incident else ""
    if kind == "share":
        return f"{sender} shared {incident or 'news'} with {who}{': ' + told if told else ''}"
    if kind == "resource_request":
        return f"{sender} asks {who} for resources{about}{said}"
    if kind == "assignment":
        return f"{sender} tasks {who}{about}{said}"
    if kind == "ack":
        return f"{sender} acknowledged {whose} request{about}"
    return f"{sender} told {who}{about}{said}"


def _path(record: Event | None) -> str:
    """How a message went, from its queued record: " by phone"."""
    queued = payload(record) if record is not None else None
    if queued is None or not queued.path:
        return ""
    path, level = queued.path, queued.level
    return f" {PATH.get(path, spaced(path))}" + (f", SAFECOM {level}" if level else "")
