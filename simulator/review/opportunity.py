"""Opportunities: whether a measure's duty arose in the run's window at all.

A count of zero means nothing when there was nothing to count: no messages lost is no
achievement if nobody spoke, no unsafe entry none if nobody went near a hazard. Such
a measure is "not observed", never a pass. This pass also reads whether the run went
its full length.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from simulator.events import Event
from simulator.payloads import payload

# What made each guard count's duty arise, in words: a count of none shows these.
ARISING = {
    "messages_lost": ("message queued", "messages queued"),
    "duplicate_assignments": (
        "agency dispatched beside another",
        "agencies dispatched beside another",
    ),
    "unsafe_entries": ("arrival at a hazardous scene", "arrivals at hazardous scenes"),
    "span_of_control_breaches": ("arrival on scene", "arrivals on scene"),
}
# The reason ``exercise.ended`` gives when the exercise ran its full duration.
FULL_LENGTH = "duration reached"


@dataclass(frozen=True)
class Opportunities:
    """What there was to do in the run: counts that make a measure observable."""

    end: float
    complete: bool
    ended: str
    incidents: int
    casualties: int
    transportable: int
    messages: int
    multi_agency: int
    on_scene: Counter
    hazard_entries: Counter
    # The events that made each guard count's duty arise, by metric, for evidence.
    arose: dict[str, list[Event]] = field(default_factory=dict)

    def units_on_scene(self, agency: str | None = None) -> int:
        """Arrivals on scene (of one agency, or all)."""
        return self.on_scene[agency] if agency else sum(self.on_scene.values())

    def entries(self, agency: str | None = None) -> int:
        """Arrivals at incidents with a hazard (of one agency, or all)."""
        return self.hazard_entries[agency] if agency else sum(self.hazard_entries.values())


def opportunities(events: Iterable[Event]) -> Opportunities:
    """Count the opportunities in a log."""
    end, ended = 0.0, ""
    incidents = casualties = transportable = messages = 0
    hazardous: set[str] = set()
    dispatching: dict[str, set[str]] = defaultdict(set)
    on_scene: Counter = Counter()
    entries: Counter = Counter()
    arose: dict[str, list[Event]] = {k: [] for k in ARISING}
    for e in events:
        end = max(end, e.t)
        kind = e.kind
        if kind == "incident.started":
            incidents += 1
            if payload(e).hazards:
                hazardous.add(e.incident)
        elif kind == "incident.casualties":
            found = payload(e)
            casualties += found.immediate + found.delayed + found.minor
            transportable += found.immediate + found.delayed
        elif kind == "message.queued":
            messages += 1
            arose["messages_lost"].append(e)
        elif kind == "unit.dispatched" and e.incident:
            agencies = dispatching[e.incident]
            if e.agency not in agencies and agencies:  # a second agency: now multi-agency
                arose["duplicate_assignments"].append(e)
            agencies.add(e.agency)
        elif kind == "unit.on_scene" and e.incident:
            on_scene[e.agency] += 1
            arose["span_of_control_breaches"].append(e)
            if e.incident in hazardous:
                entries[e.agency] += 1
                arose["unsafe_entries"].append(e)
        elif kind == "exercise.ended":
            ended = payload(e).reason
    return Opportunities(
        end=end,
        complete=ended == FULL_LENGTH,
        ended=ended or "not ended",
        incidents=incidents,
        casualties=casualties,
        transportable=transportable,
        messages=messages,
        multi_agency=sum(1 for agencies in dispatching.values() if len(agencies) > 1),
        on_scene=on_scene,
        hazard_entries=entries,
        arose=arose,
    )
