"""The end-of-run summary: a pure function of the event log.

Response time here is the after-action report's ``first_on_scene`` measurement itself
(``intervals.py``), so the two always agree: from the first 911 call about an incident
(or the agency's CAD, with no call) to the agency's first unit there, a crew held at the
perimeter or a staging area included (NFPA 1710's arrival); a partner's unit sent on
request answers its asker too, and the partner itself is timed from being asked. An
incident that needed an agency none of whose units reached it is counted, not timed.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import numpy as np

from simulator.events import CONTROLLER, Event
from simulator.payloads import payload
from simulator.review.intervals import response_intervals
from simulator.review.stats import Sample, percentile


@dataclass(frozen=True)
class AgencyTimes:
    """Response-time statistics for one agency, in seconds.

    ``unreached`` counts the incidents that needed the agency and that none of its units
    reached (by the end, or before the incident closed). An agency that reached none has
    a row too, with no times: a table without it read as if it had nothing to answer.
    """

    agency: str
    responses: int
    mean: float | None
    p90: float | None
    unreached: int = 0

    def unreached_text(self) -> str:
        """The incidents it was needed at and never reached, in words ("" when none)."""
        if not self.unreached:
            return ""
        if not self.responses:
            plural = "" if self.unreached == 1 else "s"
            return f"needed at {self.unreached} incident{plural}, reached none"
        return f"{self.unreached} more not reached"


@dataclass(frozen=True)
class Summary:
    """Headline numbers of one run."""

    end: float
    incidents: int
    resolved: int
    escalated: int
    casualties: dict[str, int]
    response: list[AgencyTimes] = field(default_factory=list)
    commands_accepted: int = 0
    commands_rejected: int = 0
    calls: int = 0
    mutual_aid_requests: int = 0

    def as_dict(self) -> dict:
        """Plain data for JSON files."""
        return {
            "end": self.end,
            "incidents": self.incidents,
            "resolved": self.resolved,
            "escalated": self.escalated,
            "casualties": self.casualties,
            "response": [vars(r) for r in self.response],
            "commands_accepted": self.commands_accepted,
            "commands_rejected": self.commands_rejected,
            "calls": self.calls,
            "mutual_aid_requests": self.mutual_aid_requests,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Summary":
        """``as_dict``'s data read back (a networked seat shows its server's summary)."""
        fields = {k: v for k, v in data.items() if k != "response"}
        return cls(**fields, response=[AgencyTimes(**r) for r in data.get("response", ())])


def summarise(events: Iterable[Event]) -> Summary:
    """Count incidents, casualty outcomes and response times from a log."""
    events = list(events)
    started: set[str] = set()
    resolved: set[str] = set()
    died: set[str] = set()  # incidents where a patient died
    escalated: set[str] = set()
    reached: set[str] = set()
    casualties: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    end = 0.0
    for event in events:
        end = max(end, event.t)
        kind = event.kind
        counts[kind] += 1
        if kind == "incident.started":
            started.add(event.incident)
        elif kind == "incident.resolved":
            resolved.add(event.incident)
        elif kind == "incident.escalated":
            escalated.add(event.incident)
        elif kind == "unit.on_scene" or (kind == "unit.staged" and event.incident):
            reached.add(event.incident)
        elif kind == "incident.casualties":
            found = payload(event)
            casualties["total"] += sum(getattr(found, k) for k in _CATEGORIES)
            casualties["deceased"] += found.deceased
        elif kind == "patient.died":
            casualties["deceased"] += 1
            died.add(event.incident)
        elif kind == "patient.delivered":
            casualties["transported"] += 1
        elif kind == "patient.released":
            casualties["treated_released"] += 1
    casualties = dict(casualties)
    casualties.setdefault("total", 0)
    for key in ("transported", "treated_released", "deceased"):
        casualties.setdefault(key, 0)
    casualties["unresolved"] = casualties["total"] - sum(
        casualties[k] for k in ("transported", "treated_released", "deceased")
    )
    # One its patients' deaths closed before any unit came was lost, not resolved
    # (as ``outcomes`` counts it).
    lost = {i for i in resolved if i in died and i not in reached}
    return Summary(
        end=end,
        incidents=len(started),
        resolved=len(resolved - lost),
        escalated=len(escalated),
        casualties=casualties,
        response=_response_times(response_intervals(events).of("first_on_scene")),
        commands_accepted=counts["command.accepted"],
        commands_rejected=counts["command.rejected"],
        calls=counts["call.received"],
        mutual_aid_requests=counts["mutual_aid.requested"],
    )


# Automated players sign their commands with this and their agency (``record.PLAYER``;
# the review layer does not import the record's).
_AUTOMATED = ("player:", "bot:")  # local automated players, and those in networked seats

_CATEGORIES = ("immediate", "delayed", "minor", "deceased")


def _response_times(samples: list[Sample]) -> list[AgencyTimes]:
    """Per agency, the first-on-scene times of the duties done and the count of those not.

    A duty not done is a censored sample: counted in ``unreached``, never averaged in.
    """
    by_agency: dict[str, list[float]] = defaultdict(list)
    unreached: dict[str, int] = defaultdict(int)
    for s in samples:
        if not s.agency:
            continue
        if s.censored:
            unreached[s.agency] += 1
        else:
            by_agency[s.agency].append(s.value)
    out = []
    for agency in sorted(by_agency.keys() | unreached.keys()):
        times = by_agency.get(agency, [])
        out.append(
            AgencyTimes(
                agency=agency,
                responses=len(times),
                mean=round(float(np.mean(times)), 3) if times else None,
                p90=round(percentile(times) or 0.0, 3) if times else None,
                unreached=unreached.get(agency, 0),
            )
        )
    return out


@dataclass(frozen=True)
class Orders:
    """Commands one kind of giver gave, as the engine took them."""

    accepted: int = 0
    rejected: int = 0


def orders_by_giver(
    events: Iterable[Event], roles: Collection[str], own: str | None = None
) -> tuple[Orders, Orders]:
    """The trainee's own commands on the agencies in ``roles``, then the automated players'.

    ``Summary``'s counts are every command in the log: on a trainee's end screen, the
    automated players' hundreds read as the trainee's own. Automated players give theirs
    locally (``player:``) or from a networked seat (``bot:``). The controller's commands
    are neither's, except on the controller's own screen (``own``: the one source that
    is the viewer's, where its roles, every agency, would take in every seat's orders).
    """
    counts = {"mine": [0, 0], "players": [0, 0]}
    for event in events:
        if event.kind not in ("command.accepted", "command.rejected"):
            continue
        source = payload(event).source
        if source.startswith(_AUTOMATED):
            giver = "players"
        elif _mine(source, event.agency, roles, own):
            giver = "mine"
        else:
            continue
        counts[giver][event.kind == "command.rejected"] += 1
    return Orders(*counts["mine"]), Orders(*counts["players"])


def _mine(source: str, agency: str | None, roles: Collection[str], own: str | None) -> bool:
    """Whether a command (not an automated player's) is the viewer's own."""
    if own is not None:
        return source == own
    return source != CONTROLLER and agency in roles
