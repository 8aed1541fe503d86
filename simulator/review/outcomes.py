"""Outcomes: what became of the casualties, the incidents and the responders.

A patient's final state is the last thing that happened to them: deceased (dead when
found, or died waiting), transported (delivered to a hospital), treated and released on
scene, or still awaiting care when the exercise ended. A patient arrives at the hospital
holding their bed when their ambulance last set off: one a diversion turned away from
does not count them. Systems a fault inject took down are counted with how long they
stayed down (``outages.py``).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.outages import Outage, outages
from simulator.review.stats import Evidence, cite, plural

_CATEGORIES = ("immediate", "delayed", "minor", "deceased")


@dataclass(frozen=True)
class IncidentOutcome:
    """One incident: its casualties by final state and how it went."""

    incident: str
    title: str
    type: str
    started: float
    resolved: float | None
    casualties: int
    deceased: int
    transported: int
    treated: int
    awaiting: int
    escalations: int
    secondary_of: str | None
    lost: bool = False  # closed only because its patients died before any unit came
    agencies: tuple[str, ...] = ()  # the agencies it needed (``incident.started``)
    died: int = 0  # of the deceased, those who died during the exercise
    transportable: int = 0  # found immediate or delayed: the patients a hospital needs
    evidence: Evidence | None = None  # its ``incident.started``, cited for what befell it

    @property
    def answered(self) -> bool:
        """Whether responders resolved it (one its patients' deaths closed is not)."""
        return self.resolved is not None and not self.lost


@dataclass(frozen=True)
class Outcomes:
    """Casualties by final state, incidents escalated and resolved, responders harmed."""

    casualties: int
    deceased: int
    died_awaiting_care: int
    transported: int
    treated: int
    awaiting: int
    incidents: int
    resolved: int
    escalated: int
    secondary: int
    hospital_over_capacity: int
    hospital_crowded: int
    # Distinct units harmed, and operations' teams hurt in a blue-on-blue (each once, as
    # ``unsafe_entries`` counts them): the safety score's count.
    responders_harmed: int
    incident_rows: tuple[IncidentOutcome, ...]
    deaths: tuple[Evidence, ...]
    escalations: tuple[Evidence, ...]
    systems_down: int = 0
    system_down_minutes: float = 0.0
    outages: tuple[Outage, ...] = ()
    # People: each ``unit.harmed`` of injured crew says how many (``count``); by agency.
    # Summed over events, not units: the engine adds that many patients to the scene
    # with each one (an ``incident.casualties`` follows), so a crew struck by two hazards
    # at once is two injuries in the log's casualty count too.
    injured: dict[str, int] = field(default_factory=dict)

    @property
    def responders_injured(self) -> int:
        """Responders (people) injured, over every agency."""
        return sum(self.injured.values())


def outcomes(events: Iterable[Event]) -> Outcomes:
    """Count outcomes from a log."""
    events = list(events)
    down = outages(events)
    started: dict[str, Event] = {}
    resolved: dict[str, float] = {}
    found: dict[str, int] = defaultdict(int)
    transportable: dict[str, int] = defaultdict(int)
    dead_on_arrival: dict[str, int] = defaultdict(int)
    final: dict[str, tuple[str, str]] = {}
    escalations: list[Event] = []
    deaths: list[Event] = []
    injured: dict[str, int] = defaultdict(int)
    harmed: set[str] = set()  # units, and operations whose teams met in a blue-on-blue
    reached: set[str] = set()  # incidents a unit arrived at (on scene or staged)
    for e in events:
        if e.kind in ("unit.on_scene", "unit.staged") and e.incident:
            reached.add(e.incident)
        elif e.kind == "incident.started":
            started[e.incident] = e
        elif e.kind == "incident.resolved":
            resolved.setdefault(e.incident, e.t)
        elif e.kind == "incident.escalated":
            escalations.append(e)
        elif e.kind == "unit.harmed" and e.agency:
            harmed.add(e.unit)  # once, however many hazards struck it
            harm = payload(e)
            if harm.effect == "crew_injured":  # else the unit is out, or bystanders are hurt
                injured[e.agency] += harm.count
        elif e.kind == "operation.blue_on_blue":  # officers of each operation are hurt
            harmed.update(payload(e).operations)
        elif e.kind == "incident.casualties":
            seen = payload(e)
            found[e.incident] += sum(getattr(seen, k) for k in _CATEGORIES)
            dead_on_arrival[e.incident] += seen.deceased
            transportable[e.incident] += seen.immediate + seen.delayed
        elif e.kind == "patient.died":
            final[payload(e).patient] = (e.incident, "deceased")
            deaths.append(e)
        elif e.kind == "patient.delivered":
            final[payload(e).patient] = (e.incident, "transported")
        elif e.kind == "patient.released":
            final[payload(e).patient] = (e.incident, "treated")
    by_incident: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for incident, state in final.values():
        by_incident[incident][state] += 1
    died = {incident for incident, state in final.values() if state == "deceased"}
    rows = tuple(
        _row(e, resolved, found, dead_on_arrival, by_incident, escalations, transportable)
        for e in sorted(started.values(), key=lambda e: (e.t, e.incident))
    )
    # An incident its patients' deaths closed before any unit arrived was lost, not
    # resolved: inaction must not earn its resolution.
    rows = tuple(replace(r, lost=True) if _lost(r, died, reached) else r for r in rows)
    full, crowded = _arrivals(events)
    return Outcomes(
        casualties=sum(r.casualties for r in rows),
        deceased=sum(r.deceased for r in rows),
        died_awaiting_care=len(deaths),
        transported=sum(r.transported for r in rows),
        treated=sum(r.treated for r in rows),
        awaiting=sum(r.awaiting for r in rows),
        incidents=len(rows),
        resolved=sum(1 for r in rows if r.answered),
        escalated=len({e.incident for e in escalations}),
        secondary=sum(1 for r in rows if r.secondary_of),
        hospital_over_capacity=full,
        hospital_crowded=crowded,
        responders_harmed=len(harmed),
        incident_rows=rows,
        deaths=tuple(cite(e) for e in deaths),
        escalations=tuple(cite(e) for e in escalations),
        systems_down=len(down),
        system_down_minutes=round(sum(o.seconds for o in down) / 60.0, 1),
        outages=down,
        injured=dict(sorted(injured.items())),
    )


def _arrivals(events: list[Event]) -> tuple[int, int]:
    """Patients sent to a full hospital, and patients delivered to a crowded one.

    A patient counts only at the hospital holding their bed: a diversion
    (``unit.transporting`` with ``diverted_from``) gives the first hospital's bed back,
    so a department the crew turned away from must not count against the run.
    """
    full = 0
    notices: dict[tuple[str, str], Event] = {}  # (patient, hospital): its hospital.crowded
    taken: dict[str, str] = {}  # patient: the hospital they were delivered to
    for e in events:
        if e.kind == "hospital.over_capacity":
            full += 1
        elif e.kind == "hospital.crowded":
            notice = payload(e)
            notices[(notice.patient, notice.hospital)] = e
        elif e.kind == "unit.transporting" and e.data.get("diverted_from"):
            leg = payload(e)
            for patient in leg.patients:
                given_back = notices.pop((patient, leg.diverted_from), None)
                if given_back is not None and _full(given_back):
                    full -= 1
        elif e.kind == "patient.delivered":
            delivered = payload(e)
            taken[delivered.patient] = delivered.hospital
    crowded = sum(1 for patient, hospital in notices if taken.get(patient) == hospital)
    return full, crowded


def _full(notice: Event) -> bool:
    """Whether a ``hospital.crowded`` told of a bed taken past capacity.

    Only then are more beds in use than there are (``hospital.over_capacity`` came with it).
    """
    crowding = payload(notice)
    return crowding.in_use > crowding.beds


def _lost(row: IncidentOutcome, died: set[str], reached: set[str]) -> bool:
    """Whether an incident closed only because its patients died before any unit came."""
    return row.resolved is not None and row.incident in died and row.incident not in reached


def _row(
    e: Event,
    resolved: dict[str, float],
    found: dict[str, int],
    dead_on_arrival: dict[str, int],
    by_incident: dict[str, dict[str, int]],
    escalations: list[Event],
    transportable: dict[str, int],
) -> IncidentOutcome:
    states = by_incident.get(e.incident, {})
    total = found.get(e.incident, 0)
    deceased = dead_on_arrival.get(e.incident, 0) + states.get("deceased", 0)
    transported = states.get("transported", 0)
    treated = states.get("treated", 0)
    spec = payload(e)
    return IncidentOutcome(
        incident=e.incident,
        title=spec.title,
        type=spec.type,
        started=e.t,
        resolved=resolved.get(e.incident),
        casualties=total,
        deceased=deceased,
        transported=transported,
        treated=treated,
        awaiting=max(0, total - deceased - transported - treated),
        escalations=sum(1 for x in escalations if x.incident == e.incident),
        secondary_of=spec.parent,
        agencies=tuple(spec.agencies),
        died=states.get("deceased", 0),
        transportable=transportable.get(e.incident, 0),
        evidence=cite(e),
    )


# An incident open less than this at the end had not yet fallen due for resolution.
RESOLVE_GRACE_S = 1800.0
# Weights of the outcome components (only those with an opportunity count).
# "community" (trust at the end) is there only when the scenario models the public,
# "traffic" (traffic points on congested roads, ``traffic.py``) only after congestion.
OUTCOME_WEIGHTS = {
    "survival": 3.0,
    "resolution": 3.0,
    "care": 2.0,
    "safety": 2.0,
    "distribution": 1.0,
    "community": 2.0,
    "traffic": 1.0,
}


@dataclass(frozen=True)
class OutcomeScore:
    """The run's outcomes as credit: lives, incidents, care and responders (0-100)."""

    score: float | None
    components: dict[str, float]
    notes: dict[str, str]


def outcome_score(result: Outcomes, end: float, arrivals: int) -> OutcomeScore:
    """Credit for outcomes: the part of the score that inaction cannot earn.

    Survival is the share of casualties alive when found who did not die waiting for
    care; care the share of the living who reached care (transported or treated) by
    the end; resolution the share of incidents due (open at least
    ``RESOLVE_GRACE_S``, or resolved) that responders resolved (not ``lost``); safety
    ``1 / (1 + harmed)`` over units harmed, when any went on scene; distribution
    the share of patients transported who reached a department not crowded past 85% of
    its beds.
    """
    components: dict[str, float] = {}
    notes: dict[str, str] = {}
    living = result.casualties - (result.deceased - result.died_awaiting_care)
    if living > 0:
        components["survival"] = 1.0 - result.died_awaiting_care / living
        notes["survival"] = f"{result.died_awaiting_care} of {living} died awaiting care"
        alive = living - result.died_awaiting_care
        if alive > 0:
            cared = result.transported + result.treated
            components["care"] = min(1.0, cared / alive)
            notes["care"] = f"{cared} of {alive} reached care; {result.awaiting} still waiting"
    due = [
        r
        for r in result.incident_rows
        if r.resolved is not None or end - r.started >= RESOLVE_GRACE_S
    ]
    if due:
        resolved = sum(1 for r in due if r.answered)
        components["resolution"] = resolved / len(due)
        due_text = plural(len(due), ("incident due was", "incidents due were"))
        notes["resolution"] = f"{resolved} of {due_text} resolved"
        lost = sum(1 for r in due if r.lost)
        if lost:
            notes["resolution"] += (
                f"; {plural(lost, ('incident', 'incidents'))} closed by the deaths of "
                "patients no unit reached"
            )
    if result.transported:
        spread = result.transported - result.hospital_crowded
        components["distribution"] = spread / result.transported
        notes["distribution"] = (
            f"{result.hospital_crowded} of {result.transported} transported patients "
            "reached a crowded emergency department"
        )
    if arrivals:
        components["safety"] = 1.0 / (1.0 + result.responders_harmed)
        notes["safety"] = harm_text(result.responders_harmed, result.responders_injured)
    total = sum(OUTCOME_WEIGHTS[k] for k in components)
    score = (
        round(100 * sum(OUTCOME_WEIGHTS[k] * v for k, v in components.items()) / total, 1)
        if total
        else None
    )
    return OutcomeScore(score, {k: round(v, 4) for k, v in components.items()}, notes)


def _due(row: IncidentOutcome, end: float) -> bool:
    return row.resolved is not None or end - row.started >= RESOLVE_GRACE_S


def harm_text(units: int, injured: int) -> str:
    """Units harmed, and the people injured in them: responders are people, not vehicles.

    The safety score counts units (each an unsafe entry, whatever its crew); a unit
    whose crew was hurt says how many, so three engines are "3 units harmed, 6
    responders injured", not "3 responders harmed".
    """
    text = plural(units, ("unit harmed", "units harmed"))
    return text + (f", {plural(injured, ('responder', 'responders'))} injured" if injured else "")
