"""Words for the log: agency and hospital names, facts, message ids, reasons.

The engine's records are made for replay and review (ids, snake_case values, fact keys
such as ``hazard:WHSE-1/chem``); a dispatcher reads "Ashford Police", "chemical
hazard at WHSE-1". Message ids are shown as "msg #12", never "M12": ambulances are
called M1, M2 too, and "M2 delivered to ems" reads as an ambulance.
"""

import re
from collections.abc import Iterable, Mapping

from simulator.scenario.check import incidents
from simulator.scenario.facts import FactKey
from simulator.scenario.model import Scenario
from simulator.scenario.plan import default_plan

# Why a message did not get through, as a dispatcher would put it.
LOST = {
    "noise": "lost in radio noise",
    "no_coverage": "no radio coverage where it was sent from",
    "no_path": "no channel or phone line reaches them",
    "saturated": "the channel is jammed",
    "cad_down": "the CAD link is down",
}
# How a message went (the engine's path names), for the outcome line.
PATH = {
    "own": "on your own channel",
    "data": "over the CAD link",
    "phone": "by phone",
    "bridge": "over the EOC bridge",
    "command_post": "face to face at the command post",
    "talkaround": "on talk-around",
    "talkgroup": "on a shared talkgroup",
    "patch": "through a console patch",
    "shared": "on a shared channel",
}
# A unit's status as the engine names it in a refusal ("unit M1 is at_hospital").
STATUS = {
    "en_route": "en route",
    "on_scene": "on scene",
    "at_hospital": "at the hospital",
    "out_of_service": "out of service",
}
_STATUS_WORD = re.compile(r"\b(" + "|".join(STATUS) + r")\b")
EFFECT = {
    "crew_injured": "crew injured",
    "out_of_service": "out of service",
    "casualties": "new casualties",
}


def spaced(value: object) -> str:
    """An engine value as words: ``hazmat_release`` reads "hazmat release"."""
    return str(value).replace("_", " ")


def plain_reason(text: str) -> str:
    """An engine's reason in plain words: its status names read as a dispatcher says them.

    The reasons are the engine's own text, made for review; the view only translates
    the status names it knows ("is at_hospital" reads "is at the hospital").
    """
    return _STATUS_WORD.sub(lambda m: STATUS[m.group(1)], text)


# Where the engine's refusals name an agency by its id (``<agency>`` below): "<agency>
# has no ...", "not in <agency>'s CAD", "all 2 of <agency>'s patch consoles ...", "unit
# P1 belongs to <agency>, not <agency>", "no hazmat unit of <agency> is on scene", "no
# command unit on scene for <agency>, <agency>". An id that is an ordinary word ("fire")
# is read as an agency only there: elsewhere it may be one ("fire out is already
# declared", a condition's name).
_AGENCY_SLOTS = (
    re.compile(
        r"^(\S+) (?=has no |has already |leads no |is not on channel |does not know "
        r"|holds no patch |dispatch is on neither )"
    ),
    re.compile(r"(?<![\w'-])(\S+?)(?='s (?:CAD|patch consoles)\b)"),
    re.compile(r"belongs to (\S+), not (\S+)$"),
    re.compile(r"unit of (\S+) is on scene"),
    re.compile(r"no command unit at the scene for ((?:\S+, )*\S+)$"),
)
# An id standing as a word of its own: not part of a channel (``ems-dispatch``), a fact
# key (``hazard:I1/fire``), a path or a quoted value, but possibly possessive.
_ALONE = r"(?<![\w/:'-]){}(?![\w/:-])(?!'(?!s\b))"


def agency_reason(text: str, agencies: Mapping[str, str]) -> str:
    """An engine's refusal with the agencies it names by id (``fbi_jttf``) named.

    The trainee knows agencies by name, as the log calls them. An id with an underscore
    is no ordinary word, so it is named wherever it stands alone; any other id only
    where the engine's reasons put an agency (``_AGENCY_SLOTS``), so that an agency
    "fire" does not turn "a structure fire" into nonsense.
    """
    spans: list[tuple[int, int]] = []
    for slot in _AGENCY_SLOTS:
        for match in slot.finditer(text):
            for group in range(1, slot.groups + 1):
                start = match.start(group)
                for word in re.finditer(r"[^, ]+", match.group(group)):
                    spans.append((start + word.start(), start + word.end()))
    for ident in agencies:
        if "_" in ident:
            found = re.finditer(_ALONE.format(re.escape(ident)), text)
            spans += [m.span() for m in found]
    named = text
    for start, end in sorted(set(spans), reverse=True):
        name = agencies.get(text[start:end])
        if name is not None:
            named = named[:start] + name + named[end:]
    return named


def message_label(message_id: object) -> str:
    """A message id the trainee cannot mistake for a unit: "M12" reads "msg #12"."""
    text = str(message_id or "")
    number = text[1:] if text[:1] == "M" and text[1:].isdigit() else text
    return f"msg #{number}"


def listed(items: Iterable[object]) -> str:
    """Items joined by commas: "E1, E2"."""
    return ", ".join(str(i) for i in items)


def plural(count: int, word: str) -> str:
    """A count and its noun: "1 patient", "3 patients"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class Names:
    """Agency and hospital names, and "you" for the trainee's own agency.

    With one agency played, its messages are "to you"; at a joint console each of the
    trainee's agencies is named, so that the trainee knows which desk a line is for.
    """

    def __init__(self, scenario: Scenario | None, roles: Iterable[str]):
        self.roles = tuple(sorted(roles))
        self._agencies = {a.id: a.name for a in scenario.agencies} if scenario else {}
        self._hospitals = {h.id: h.name or h.id for h in scenario.hospitals} if scenario else {}
        self._conditions = condition_names(scenario) if scenario else {}
        plan = default_plan(scenario)[1] if scenario else []
        self._channels = {c.id: c.name or c.id for c in plan}

    def reason(self, refusal: str) -> str:
        """An engine's refusal in plain words, the agencies it names by id named."""
        return agency_reason(plain_reason(refusal), self._agencies)

    @property
    def joint(self) -> bool:
        """Whether the trainee plays several agencies."""
        return len(self.roles) > 1

    def agency(self, ident: object) -> str:
        """An agency's name (an unknown id, e.g. a jurisdiction, as it is)."""
        return self._agencies.get(str(ident), str(ident or "someone"))

    def who(self, ident: object) -> str:
        """The word for an agency: "you" for the one agency played, else its name."""
        if not self.joint and ident in self.roles:
            return "you"
        return self.agency(ident)

    def desk(self, ident: object) -> str:
        """A prefix naming which of the trainee's agencies a line is about (joint only)."""
        return f"{self.agency(ident)}: " if self.joint and ident in self.roles else ""

    def whose(self, ident: object) -> str:
        """The possessive: "your" for the one agency played, else "<name>'s"."""
        who = self.who(ident)
        return "your" if who == "you" else f"{who}'s"

    def channel(self, ident: object) -> str:
        """A channel by its name ("Meridian EMS dispatch"); a tab that is no channel as it is."""
        return self._channels.get(str(ident), str(ident))

    def condition(self, incident: object, condition: object) -> str:
        """A condition to declare by its name ("device cleared"), as the CAD says it."""
        return self._conditions.get((str(incident), str(condition))) or spaced(condition)

    def hospital(self, ident: object) -> str:
        """A hospital's name."""
        return self._hospitals.get(str(ident), str(ident))


def condition_names(scenario: Scenario) -> dict[tuple[str, str], str]:
    """Each incident's conditions to declare, by (incident, condition id): their names."""
    return {
        (spec.id, pre.id): pre.name
        for _path, _time, spec in incidents(scenario)
        for pre in spec.preconditions
    }


def fact_words(key: str, value: object = None) -> str:
    """One fact as words, with its value when known.

    ``casualties:I3`` 4 reads "4 casualties at I3"; ``hazard:I3/chem`` "chemical"
    reads "hazard at I3: chemical"; ``closure:Bridge 2`` True reads "Bridge 2 closed".
    """
    fact = FactKey.parse(key)
    topic, incident, part = fact.topic, fact.subject, fact.part
    if topic == "incident":
        return f"incident {incident}" + (f" ({incident_words(value)})" if value else "")
    if topic == "casualties":
        if not isinstance(value, int):
            return f"casualties at {incident}"
        return f"{value} {'casualty' if value == 1 else 'casualties'} at {incident}"
    if topic == "hazard":
        return f"hazard at {incident}: {spaced(value or part)}"
    if topic == "condition":
        state = {"met": "done", "pending": "not yet"}.get(str(value), spaced(value or ""))
        return f"{spaced(part)} at {incident}" + (f": {state}" if state else "")
    if topic == "closure":
        if value is None:
            return f"{fact.subject} closure"
        return f"{fact.subject} {'closed' if value else 'open again'}"
    return f"{spaced(key)}: {spaced(value)}" if value is not None else spaced(key)


def shared_words(key: str, value: object = None) -> str:
    """What a share passes on: a road's closure, or its reopening when the road is open.

    "9th Street closure", "9th Street reopening"; any other fact as ``fact_words``.
    """
    fact = FactKey.parse(key)
    if fact.topic == "closure":
        return f"{fact.subject} {'reopening' if value is False else 'closure'}"
    return fact_words(key, value)


def incident_words(value: object) -> str:
    """An incident fact's value as words: "hazmat release, priority 1"."""
    if not isinstance(value, dict):
        return spaced(value)
    return type_words(value.get("type", "incident"), value.get("priority"))


def type_words(kind: object, priority: object = None) -> str:
    """An incident's type and priority as words, the same for a CAD line and a fact."""
    return spaced(kind) + (f", priority {priority}" if priority is not None else "")


def fault_words(fault: str, target: str, names: Names, over: bool) -> str:
    """A system fault starting or ending, as the trainee would be told."""
    if fault == "cad":
        return f"{names.agency(target)} CAD is {'back up' if over else 'down'}"
    if fault == "records":
        return f"{names.agency(target)} records system is {'back up' if over else 'down'}"
    if fault == "radio_site":
        return f"Radio site {target} is {'back on the air' if over else 'down'}"
    if fault == "phone":
        return f"Phone lines {target} {'work again' if over else 'are jammed'}"
    if fault == "congestion":
        return f"Channel {target} is {'clear again' if over else 'congested'}"
    return f"{spaced(fault)} fault at {target} {'over' if over else 'started'}"
