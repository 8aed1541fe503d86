"""Message traffic between agencies: what is sent, and what its arrival sets off.

A delivered message's facts are learnt by its recipient, a request it carries is
answered by whoever registered for that kind of request, and a request is acknowledged;
a field unit keeps trying a report that did not get through.
"""

from collections.abc import Callable

from simulator.engine.awareness import Awareness
from simulator.engine.carrier import Carrier
from simulator.engine.kernel import Kernel
from simulator.engine.message import Message
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.events import Event
from simulator.scenario.vocabulary import UnitStatus

Answer = Callable[[Message], None]


class Traffic:
    """Messages in flight, by id, and the answers to the requests they carry."""

    def __init__(
        self, kernel: Kernel, roster: Roster, carrier: Carrier, awareness: Awareness
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.carrier = carrier
        self.awareness = awareness
        self._flying: dict[str, Message] = {}
        self._answers: dict[str, Answer] = {}

    def answer(self, kind: str, handler: Answer) -> None:
        """Let ``handler`` act on each delivered message of this kind (before its facts)."""
        self._answers[kind] = handler

    def send(
        self,
        kind: str,
        sender: str,
        to: str | None,
        *,
        unit: str | None = None,
        incident: str | None = None,
        facts: dict[str, object] | None = None,
        text: str = "",
        channel: str | None = None,
        payload: dict[str, object] | None = None,
    ) -> str:
        """Put a message on the air (or the wire); returns its id."""
        message = Message(
            id=self.carrier.new_id(),
            type=kind,
            sender=sender,
            to=to,
            unit=unit,
            incident=incident,
            facts=dict(facts or {}),
            text=text,
            channel=channel,
            payload=dict(payload or {}),
        )
        self._flying[message.id] = message
        self.carrier.send(message)
        return message.id

    def delivered(self, event: Event) -> None:
        """A message arrived (a watcher of ``message.delivered``): facts, answer, ack."""
        message = self._flying.pop(event.data["message"])
        to = message.to
        if to is None:
            return
        answer = self._answers.get(message.type)
        if answer is not None:
            answer(message)
        report = message.type == "sitrep" and message.unit is not None and to == message.sender
        via, unit = ("unit", message.unit) if report else ("message", None)
        for key, value in sorted(message.facts.items()):
            self.awareness.learn(
                to, key, value, via, unit=unit, message=message.id, by=message.sender
            )
        if message.type in ("mutual_aid_request", "resource_request") and to != message.sender:
            self.send("ack", to, message.sender, incident=message.incident)

    def lost(self, event: Event) -> None:
        """A field unit keeps trying a report that did not get through (``message.lost``)."""
        message = self._flying.pop(event.data["message"])
        if message.type != "sitrep" or message.unit is None:
            return
        unit = self.roster.units[message.unit]
        delay = self.roster.scenario.communications.retry_seconds
        self.kernel.at(delay, self._retry_report, unit, message)

    def _retry_report(self, unit: Unit, message: Message) -> None:
        if unit.incident != message.incident or unit.status == UnitStatus.OUT_OF_SERVICE:
            return
        knowledge = self.awareness.knowledge
        facts = {k: v for k, v in message.facts.items() if knowledge.value(unit.agency, k) != v}
        if facts:
            self.send(
                "sitrep",
                unit.agency,
                unit.agency,
                unit=unit.id,
                incident=message.incident,
                facts=facts,
            )

    def report(self, unit: Unit, incident_id: str | None, facts: dict[str, object]) -> None:
        """A unit radios what it has found to its own dispatch (what they lack)."""
        knowledge = self.awareness.knowledge
        news = {k: v for k, v in facts.items() if knowledge.value(unit.agency, k) != v}
        if news:
            self.send(
                "sitrep", unit.agency, unit.agency, unit=unit.id, incident=incident_id, facts=news
            )
