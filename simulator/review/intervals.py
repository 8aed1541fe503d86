"""Response intervals per incident and agency, after NENA and NFPA 1710/1225.

Definitions (seconds):

- call answer: a 911 call ringing at a PSAP until a call-taker answers (NENA).
- call processing: the agency's first answer of a call about the incident (or, for an
  agency told by CAD-to-CAD notification or mutual aid, its CAD opening) until its first
  unit is dispatched (NFPA 1225). A mutual-aid request is timed only while the agency
  could answer it (``aid.py``), as its role duty is.
- turnout: a unit dispatched at its station until it is en route (NFPA 1710); a unit
  dispatched away from its station leaves at once and has no turnout.
- travel: a unit's first trip after its dispatch, en route until it arrives (on scene,
  or staged when held back). One sample per dispatch: a crew released from staging that
  then drives in had already arrived; that wait for the scene is not a second trip.
- first on scene: the first 911 call about the incident until the agency's first unit
  is on scene (the public's view).
- full assignment on scene: the agency's first unit en route until every unit the
  incident requires is on scene (``incident.requirements_met``), NFPA 1710's framing.

A duty not done by the end of the run is a failure, not missing data: an agency the
incident needed that never arrived or a CAD entry never dispatched gives a censored
sample (the time from the interval's start to the end of the run) unless the incident
was resolved without it; a full assignment never assembled is censored at the
incident's resolution (or the end).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.aid import AidClocks
from simulator.review.credit import due, within
from simulator.review.stats import Sample, between, cite, percentile
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability

INTERVALS = (
    "call_answer",
    "call_processing",
    "turnout",
    "travel",
    "first_on_scene",
    "full_assignment_on_scene",
)


@dataclass(frozen=True)
class Intervals:
    """Every interval sample by metric name; travel samples note the first arrival."""

    samples: dict[str, tuple[Sample, ...]]
    priority: dict[str, int]

    def of(self, metric: str, agency: str | None = None) -> list[Sample]:
        """Samples of one metric, optionally of one agency."""
        return [s for s in self.samples[metric] if agency is None or s.agency == agency]


def response_intervals(
    events: Iterable[Event],
    commanders: frozenset[str] = frozenset(),
    aid: AidClocks | None = None,
) -> Intervals:
    """Measure every response interval in a log.

    ``commanders`` are units that only command: the full assignment is timed from the
    first unit en route that does the work, not from a chief driving in early. ``aid``
    (the same log's mutual-aid clocks) times an agency's processing of a mutual-aid
    request only while it could answer it.
    """
    return _Pass(commanders, aid).run(events)


class _Pass:
    """One pass over the log; each handler looks at one event kind."""

    def __init__(
        self, commanders: frozenset[str] = frozenset(), aid: AidClocks | None = None
    ) -> None:
        self.commanders = commanders
        self.aid = aid
        self.out: dict[str, list[Sample]] = {name: [] for name in INTERVALS}
        self.priority: dict[str, int] = {}
        self.agencies: dict[str, list[str]] = {}
        self.received: dict[str, Event] = {}
        self.answered: set[str] = set()  # calls answered once already (a transfer)
        self.died: set[str] = set()  # incidents where a patient died
        self.first_call: dict[str, Event] = {}
        self.first_answer: dict[tuple[str, str], Event] = {}
        self.cad: dict[tuple[str, str], Event] = {}
        self.dispatched: dict[str, Event] = {}
        self.leg: dict[str, Event] = {}
        self.travelled: set[str] = set()  # units whose trip since their dispatch is timed
        self.first_dispatch: set[tuple[str, str]] = set()
        self.first_en_route: dict[tuple[str, str], Event] = {}
        self.en_route_agencies: dict[str, set[str]] = defaultdict(set)
        self.arrived: set[tuple[str, str]] = set()
        self.reached: set[str] = set()  # incidents some unit arrived at
        self.full: set[str] = set()
        self.started: dict[str, Event] = {}
        self.resolved: dict[str, float] = {}
        # (incident, partner) -> agencies that asked that partner for mutual aid there
        self.aid_for: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.asked: dict[tuple[str, str], Event] = {}  # (incident, partner) -> first request
        self.end = 0.0

    def run(self, events: Iterable[Event]) -> Intervals:
        handlers: dict[str, Callable[[Event], None] | None] = {}
        end = self.end
        for event in events:
            if event.t > end:
                end = self.end = event.t
            kind = event.kind
            if kind not in handlers:
                handlers[kind] = getattr(self, "on_" + kind.replace(".", "_"), None)
            handler = handlers[kind]
            if handler is not None:
                handler(event)
        self._censor()
        samples = {k: tuple(v) for k, v in self.out.items()}
        return Intervals(samples, dict(self.priority))

    def on_incident_started(self, e: Event) -> None:
        started = payload(e)
        self.priority[e.incident] = started.priority
        self.agencies[e.incident] = list(started.agencies)
        self.started[e.incident] = e

    def on_incident_resolved(self, e: Event) -> None:
        self.resolved.setdefault(e.incident, e.t)

    def on_patient_died(self, e: Event) -> None:
        self.died.add(str(e.incident))

    def _lost(self, incident: str) -> bool:
        """Closed only by its patients' deaths, no unit ever there: every duty was owed."""
        return incident in self.died and incident not in self.reached

    def _censor(self) -> None:
        """Duties still undone at the end: censored samples from their start to the end.

        An agency needed at an incident still open that sent nobody misses its first
        arrival and its full assignment alike, timed from its CAD (or the first call).
        """
        for incident in sorted(self.started, key=lambda i: self.started[i].seq):
            public_start = self.first_call.get(incident) or self.started[incident]
            for agency in sorted(self.agencies[incident]):
                key = (incident, agency)
                if incident not in self.full and key in self.first_en_route:
                    start = self.first_en_route[key]
                    self._missed("full_assignment_on_scene", start, incident, agency)
                if incident in self.resolved and not self._lost(incident):
                    continue
                if key not in self.arrived:
                    self._missed("first_on_scene", public_start, incident, agency)
                    if incident not in self.full and key not in self.first_en_route:
                        # Nobody sent: the full assignment is missed, not unobserved.
                        start = self.cad.get(key) or public_start
                        self._missed("full_assignment_on_scene", start, incident, agency)
                opened = self.first_answer.get(key) or self.cad.get(key)
                if opened is not None and key not in self.first_dispatch:
                    if self._by_aid(opened):
                        self._aid_missed(opened)
                    else:
                        self._missed("call_processing", opened, incident, agency)

    def _missed(self, metric: str, start: Event, incident: str, agency: str) -> None:
        stop = self.resolved.get(incident, self.end)
        note = "not done by the end"
        if incident in self.resolved:
            closed = metric == "full_assignment_on_scene"
            note = "never assembled" if closed else "not done before it closed"
        self.out[metric].append(
            Sample(
                round(stop - start.t, 3),
                incident,
                agency,
                None,
                (cite(start),),
                note,
                censored=True,
            )
        )

    def on_call_received(self, e: Event) -> None:
        self.received[payload(e).call] = e
        self.first_call.setdefault(e.incident, e)

    def on_call_answered(self, e: Event) -> None:
        answered = payload(e)
        wait = answered.wait
        start = self.received.get(answered.call)
        value = float(wait) if wait is not None else (e.t - start.t if start else None)
        # NENA times each 911 call once, where it is first answered: a transferred call
        # answered again at the second centre is not a second call.
        first = answered.call not in self.answered
        self.answered.add(answered.call)
        if value is not None and first:
            evidence = (cite(start), cite(e)) if start else (cite(e),)
            self.out["call_answer"].append(
                Sample(round(value, 3), e.incident, e.agency, None, evidence)
            )
        self.first_answer.setdefault((e.incident, e.agency), e)

    def on_cad_opened(self, e: Event) -> None:
        self.cad.setdefault((e.incident, e.agency), e)

    def on_unit_dispatched(self, e: Event) -> None:
        self.dispatched[e.unit] = e
        self.leg.pop(e.unit, None)
        self.travelled.discard(e.unit)
        key = (e.incident, e.agency)
        if key in self.first_dispatch:
            return
        self.first_dispatch.add(key)
        start = self.first_answer.get(key) or self.cad.get(key)
        if start is None:
            return
        sample = between(start, e, incident=e.incident, agency=e.agency)
        if self._by_aid(start):
            if not self.aid.owed(str(e.incident), str(e.agency)):
                return
            value = self.aid.reading(str(e.incident), str(e.agency), e.t) or 0.0
            sample = replace(sample, value=round(value, 3), note="timed while it could send")
        self.out["call_processing"].append(sample)

    def _by_aid(self, opened: Event) -> bool:
        """Whether a CAD entry is a mutual-aid request timed by its aid clock.

        ``opened`` starts the interval: a ``cad.opened``, or a call's own event.
        """
        if self.aid is None or opened.kind != "cad.opened":
            return False
        return payload(opened).via == "mutual_aid"

    def _aid_missed(self, opened: Event) -> None:
        incident, agency = str(opened.incident), str(opened.agency)
        if not self.aid.owed(incident, agency):
            return  # it never had anything to send while the incident needed it
        stop = self.resolved.get(incident, self.end)
        value = round(self.aid.reading(incident, agency, stop) or 0.0, 3)
        note = "not done by the end (timed while it could send)"
        self.out["call_processing"].append(
            Sample(value, incident, agency, None, (cite(opened),), note, censored=True)
        )

    def on_unit_en_route(self, e: Event) -> None:
        dispatch = self.dispatched.get(e.unit)
        if dispatch is None or dispatch.incident != e.incident or e.incident is None:
            return
        if payload(e).prev == "dispatched" and e.t > dispatch.t:
            self.out["turnout"].append(
                between(dispatch, e, incident=e.incident, agency=e.agency, unit=e.unit)
            )
        if e.unit not in self.travelled:
            self.leg.setdefault(e.unit, e)
        if e.unit not in self.commanders:
            self.first_en_route.setdefault((e.incident, e.agency), e)
            self.en_route_agencies[e.incident].add(e.agency)

    def on_unit_staged(self, e: Event) -> None:
        # Held at the perimeter or a staging area for the incident, the unit has arrived
        # (NFPA 1710's on-scene time); it goes in when the scene is ready for it.
        self._arrive(e, "staged")
        if e.incident is not None:
            self._first_on_scene(e)

    def on_unit_on_scene(self, e: Event) -> None:
        first = (e.incident, e.agency) not in self.arrived
        self._arrive(e, "first arrival" if first else "")
        self._first_on_scene(e)

    def on_mutual_aid_requested(self, e: Event) -> None:
        if e.incident is not None:
            self.aid_for[(e.incident, payload(e).to)].add(str(e.agency))
            self.asked.setdefault((e.incident, payload(e).to), e)

    def _first_on_scene(self, e: Event) -> None:
        """The agency's first arrival; a partner it asked for aid arriving answers it too.

        Otherwise an agency that asked for help and never came would have no sample,
        while one that asked and came itself, late, would. A partner the incident did
        not need, sent on request, is timed from the first request to it, not from the
        first call: the hours its asker took to ask are the asker's. The
        askers' samples come first, so a one-per-incident check (the public's view)
        keeps the call-to-scene time.
        """
        incident, agency = str(e.incident), str(e.agency)
        askers = sorted(self.aid_for.get((incident, agency), ()))
        for asker in askers:
            self._arrived_for(e, asker, f"mutual aid from {agency}")
        asked = bool(askers) and agency not in self.agencies.get(incident, ())
        since = self.asked.get((incident, agency)) if asked else None
        self._arrived_for(e, agency, "sent on request" if asked else "", since)

    def _arrived_for(self, e: Event, agency: str, note: str, since: Event | None = None) -> None:
        """The agency's first arrival, timed from ``since``, else the first call or its CAD."""
        key = (e.incident, agency)
        if key in self.arrived:
            return
        self.arrived.add(key)
        self.reached.add(str(e.incident))
        start = since or self.first_call.get(e.incident) or self.cad.get(key)
        if start is not None:
            self.out["first_on_scene"].append(
                between(start, e, incident=e.incident, agency=agency, unit=e.unit, note=note)
            )

    def _arrive(self, e: Event, note: str) -> None:
        """End the unit's trip since its dispatch: its one travel sample."""
        leg = self.leg.pop(e.unit, None)
        if leg is not None and leg.incident == e.incident:
            self.travelled.add(e.unit)
            self.out["travel"].append(
                between(leg, e, incident=e.incident, agency=e.agency, unit=e.unit, note=note)
            )

    def on_incident_requirements_met(self, e: Event) -> None:
        if e.incident in self.full:
            return
        self.full.add(e.incident)
        for agency in sorted(self.en_route_agencies[e.incident]):
            start = self.first_en_route[(e.incident, agency)]
            self.out["full_assignment_on_scene"].append(
                between(start, e, incident=e.incident, agency=agency)
            )


@dataclass(frozen=True)
class Check:
    """One response standard: the share of samples within target, against a required share.

    A target stated as an average (police priority-1's 5:15, a local setting) is judged
    on the mean instead (``average``); the share within it is still reported.
    """

    name: str
    standard: str
    target: float
    required_share: float
    n: int
    within: float | None
    p90: float | None
    met: bool | None
    worst: Sample | None
    samples: tuple[Sample, ...]  # the ones judged: findings cite and count these
    mean: float | None = None
    average: bool = False  # judged on the mean, not the share within target
    at_share: float | None = None  # the percentile at the required share (p95 for 95%)

    @property
    def judged(self) -> float | None:
        """What a reader compares with the target: the mean, or the required share's percentile."""
        return self.mean if self.average else self.at_share

    @property
    def values(self) -> tuple[float, ...]:
        """The judged samples' values."""
        return tuple(s.value for s in self.samples)

    @property
    def observed(self) -> bool:
        """Whether any sample was measured."""
        return self.n > 0


def standard_checks(
    scenario: Scenario, intervals: Intervals, staffing: list[Sample] | None = None
) -> list[Check]:
    """The NENA/NFPA compliance checks, with the scenario's targets (defaults cite the standard).

    ``staffing`` is the first-alarm staffing at structure fires (``staffing.py``),
    judged against the full assignment's travel time.
    """
    targets = scenario.scoring.targets
    kind = {a.id: a.kind.value for a in scenario.agencies}

    def of(metric: str, agency_kind: str | None = None) -> list[Sample]:
        return [
            s
            for s in intervals.samples[metric]
            if agency_kind is None or kind.get(s.agency) == agency_kind
        ]

    police_p1 = _first_per_incident(
        s for s in of("first_on_scene", "police") if intervals.priority.get(s.incident) == 1
    )
    engines = {u.id for u in scenario.units if Capability.FIRE_SUPPRESSION in u.capabilities}
    rows = [
        ("Call answered", "NENA-STA-020.1-2020", targets.call_answer_s, of("call_answer")),
        (
            "Call answered, fire communications centre",
            "NFPA 1225 (2022)",
            targets.fire_call_answer_s,
            of("call_answer", "fire"),
        ),
        ("Call processing", "NFPA 1225 (2022)", targets.call_processing_s, of("call_processing")),
        (
            "Alarm processing, fire",
            "NFPA 1710",
            targets.alarm_processing_s,
            [s for s in of("call_processing", "fire") if _from_a_call(s)],
        ),
        ("Turnout, fire", "NFPA 1710", targets.turnout_fire_s, of("turnout", "fire")),
        ("Turnout, EMS", "NFPA 1710", targets.turnout_ems_s, of("turnout", "ems")),
        (
            "Travel, first engine",
            "NFPA 1710",
            targets.travel_first_engine_s,
            _first_per_incident(s for s in of("travel", "fire") if s.unit in engines),
        ),
        (
            "Travel, full assignment (fire)",
            "NFPA 1710",
            targets.travel_full_assignment_s,
            _whole_alarm(of("full_assignment_on_scene", "fire")),
        ),
        (
            "First-alarm staffing, structure fire",
            "NFPA 1710 (2020)",
            targets.travel_full_assignment_s,
            staffing or [],
        ),
        (
            "EMS call to on scene",
            "common contract target",
            targets.ems_response_s,
            _first_per_incident(of("first_on_scene", "ems")),
        ),
    ]
    checks = [_check(name, standard, target, samples) for name, standard, target, samples in rows]
    # NENA's second figure: 95% within 20 s.
    answered = _check(
        "Call answered, 95%",
        "NENA-STA-020.1-2020",
        targets.call_answer_95_s,
        of("call_answer"),
        share=0.95,
    )
    # No national standard: the 5:15 default is one city's average (the doctrine
    # reference, response standards).
    police = _check(
        "Police priority-1 call to on scene",
        "local setting",
        targets.police_p1_response_s,
        police_p1,
        average=True,
    )
    return [checks[0], answered, *checks[1:], police]


def _from_a_call(sample: Sample) -> bool:
    """Whether a call-processing time starts at a 911 call the agency answered.

    NFPA 1710's alarm processing runs from the alarm at the communications centre: an
    incident a partner passed over the CAD link or asked for aid on starts no alarm.
    """
    return bool(sample.evidence) and sample.evidence[0].kind == "call.answered"


def _first_per_incident(samples: Iterable[Sample]) -> list[Sample]:
    """One sample per incident: the first arrival (one that never came only if none did).

    NFPA 1710's first engine is the first engine's trip, not a chief's car (the caller
    passes only engines' trips); the public's call-to-scene time is its first unit of
    the discipline, whichever agency's, so a partner sent on request is counted once.
    """
    return _least_per_incident(samples, lambda s: (s.censored, s.evidence[-1].seq))


def _whole_alarm(samples: Iterable[Sample]) -> list[Sample]:
    """One sample per incident: from the first fire service's unit en route.

    Each fire service sent gives a sample ending when the assignment is complete;
    NFPA 1710 times the alarm from its first unit, whichever service's, once.
    """
    return _least_per_incident(samples, lambda s: (s.evidence[0].seq,))


def _least_per_incident(samples: Iterable[Sample], key: Callable[[Sample], tuple]) -> list[Sample]:
    """Each incident's sample with the least ``key`` (the first of equals)."""
    first: dict[str | None, Sample] = {}
    for s in samples:
        kept = first.get(s.incident)
        if kept is None or key(s) < key(kept):
            first[s.incident] = s
    return list(first.values())


# NENA and NFPA state their targets as 90% of events within the time.
REQUIRED_SHARE = 0.9


def _check(
    name: str,
    standard: str,
    target: float,
    samples: list[Sample],
    *,
    share: float = REQUIRED_SHARE,
    average: bool = False,
) -> Check:
    samples = due(samples, target)
    values = [s.value for s in samples]
    if not values:
        return Check(
            name, standard, target, share, 0, None, None, None, None, (), None, average, None
        )
    share_within = sum(1 for s in samples if within(s, target)) / len(values)
    mean = sum(values) / len(values)
    worst = max(samples, key=lambda s: (s.value, -(s.evidence[-1].seq if s.evidence else 0)))
    return Check(
        name,
        standard,
        target,
        share,
        len(values),
        round(share_within, 3),
        percentile(values),
        mean <= target if average else share_within >= share,
        worst,
        tuple(samples),
        round(mean, 3),
        average,
        percentile(values, 100 * share),
    )
