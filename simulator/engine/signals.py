"""Orders about information: messages, shares, radio patches and mutual-aid requests."""

from simulator.commands import Patch, RequestMutualAid, SendMessage, Share
from simulator.engine.awareness import Awareness
from simulator.engine.comms import Network
from simulator.engine.incidents import Incidents
from simulator.engine.mutual_aid import MutualAid
from simulator.engine.orders import Handlers
from simulator.engine.roster import Roster
from simulator.engine.traffic import Traffic
from simulator.engine.verdict import Verdict, known_incident
from simulator.scenario.facts import incident_of
from simulator.scenario.vocabulary import Capability


class Signals:
    """What agencies send one another, and the channels they join to send it."""

    def __init__(
        self,
        roster: Roster,
        incidents: Incidents,
        awareness: Awareness,
        network: Network,
        traffic: Traffic,
        aid: MutualAid,
    ) -> None:
        self.roster = roster
        self.incidents = incidents
        self.awareness = awareness
        self.network = network
        self.traffic = traffic
        self.aid = aid

    def orders(self) -> Handlers:
        """The command handlers of this desk."""
        return {
            SendMessage: self._message,
            Share: self._share,
            Patch: self._patch,
            RequestMutualAid: self._mutual_aid,
        }

    def _recipient(self, agency: str, to: str | None, channel: str | None) -> str:
        network = self.network
        if to is not None and not self.roster.has_agency(to):
            return f"unknown agency {to!r}"
        if channel is not None:
            line = network.lines.get(channel)
            if line is None:
                return f"unknown channel {channel!r} (channels: {', '.join(sorted(network.lines))})"
            if agency not in line.members:
                return f"{agency} is not on channel {channel}"
        if to is None and channel is None:
            return "name an agency to send to, or a channel"
        return ""

    def _message(self, command: SendMessage) -> Verdict:
        reason = self._recipient(command.agency, command.to, command.channel)
        if reason:
            return reason, None
        if command.incident and not self.awareness.cads[command.agency].knows(command.incident):
            return f"incident {command.incident!r} is not in {command.agency}'s CAD", None
        return "", lambda: self.traffic.send(
            command.kind,
            command.agency,
            command.to,
            incident=command.incident,
            text=command.text,
            channel=command.channel,
        )

    def _share(self, command: Share) -> Verdict:
        reason = self._recipient(command.agency, command.to, command.channel)
        if reason:
            return reason, None
        if command.to == command.agency:
            return "an agency cannot share with itself", None
        if command.incident and not self.awareness.cads[command.agency].knows(command.incident):
            return f"incident {command.incident!r} is not in {command.agency}'s CAD", None
        if not command.incident and not command.facts:
            return "name an incident, or the facts to share", None
        held = self.awareness.knowledge.facts[command.agency]
        for key in command.facts:
            if key not in held:
                return f"{command.agency} does not know {key!r}", None
            if command.incident and incident_of(key) not in (None, command.incident):
                return f"fact {key!r} is not about {command.incident}", None
        if command.facts:
            facts = {k: held[k].value for k in command.facts}
        else:
            facts = self.awareness.knowledge.about(command.agency, command.incident)
        return "", lambda: self.traffic.send(
            "share",
            command.agency,
            command.to,
            incident=command.incident or incident_of(command.facts[0]),
            facts=facts,
            channel=command.channel,
        )

    def _patch(self, command: Patch) -> Verdict:
        network = self.network
        a, b = command.channels
        if a == b:
            return "a patch joins two different channels", None
        for channel in (a, b):
            line = network.lines.get(channel)
            if line is None:
                return f"unknown channel {channel!r}", None
            if not line.radio:
                return f"{channel} is not a radio channel; only radio channels patch", None
        pair = tuple(sorted((a, b)))
        if command.release:
            if network.patches.get(pair) != command.agency:
                return f"{command.agency} holds no patch of {a} and {b}", None
            return "", lambda: network.unpatch(command.agency, a, b)
        if not {a, b} & {c for c, ln in network.lines.items() if command.agency in ln.members}:
            return f"{command.agency} dispatch is on neither {a} nor {b}", None
        if pair in network.patches:
            return f"{a} and {b} are already patched", None
        consoles = self.roster.agency(command.agency).psap.consoles
        if network.consoles_used(command.agency) >= consoles:
            return f"all {consoles} of {command.agency}'s patch consoles are in use", None
        return "", lambda: network.patch(command.agency, a, b)

    def _mutual_aid(self, command: RequestMutualAid) -> Verdict:
        incident, reason = known_incident(
            self.incidents, self.awareness, command.agency, command.incident
        )
        if reason:
            return reason, None
        to = self._jurisdiction(command.to, command.capability)
        if not self.roster.has_agency(to):
            return f"unknown agency or jurisdiction {command.to!r}", None
        if to == command.agency:
            return "an agency cannot ask itself for mutual aid", None
        if not any(u.can(command.capability) for u in self.roster.fleet(to)):
            return f"{command.to} has no unit with {command.capability.value}", None
        return "", lambda: self.aid.request(
            command.agency, to, incident, command.capability, command.count
        )

    def _jurisdiction(self, name: str, capability: Capability) -> str:
        """An agency id, or the agency of a named jurisdiction that has the capability."""
        if self.roster.has_agency(name):
            return name
        for agency in self.roster.agency_specs():
            if agency.jurisdiction.casefold() == name.casefold() and any(
                u.can(capability) for u in self.roster.fleet(agency.id)
            ):
                return agency.id
        return name
