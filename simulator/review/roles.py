"""Per-role scores: each agency judged on its own duties, beside the exercise total.

A trainee playing police must not earn the fire service's good work, nor lose for its
bad. Each agency's duties, from its own events:

- respond: every incident its CAD opened that needed it (or asked it for mutual aid),
  from the CAD opening to its first unit on scene or staged (held back at staging by
  a precondition is a response done), against its discipline's target (a mutual-aid
  response from a neighbouring jurisdiction against ``mutual_aid_response_s``);
- dispatch: the same CAD opening to its first unit dispatched (NFPA 1225), or to its
  first mutual-aid request for the incident (with nothing free, asking is dispatching);
  a unit sent at its request arriving also answers its respond duty;
- share: each critical fact it knew first (with every agency that knew it at that
  same instant: ``told.py``), until each other agency needing it was told (one told
  elsewhere within the target took the duty away; one told late, or never, is a miss;
  a hazard its crews walked into is not being told);
- command: at an incident several agencies work, from its first unit on scene until
  it is in command (its own command post, unified command including it, its
  commander arriving at a unified command already formed, or its commander reporting
  in to another agency's command post while unified command could not form because a
  partner on scene had no commander there), where it owns a command-capable unit and
  is responsible for part of the incident (NIMS: establish command; unified command
  with the others when it can form; an agency with jurisdiction otherwise joins the
  one command structure at the single post, so the partner that never sent a
  commander, not the one that did, misses; an assisting mutual-aid agency works under
  the host's command and has no such duty);
- safety: its own units harmed, ``1 / (1 + harmed)``, once any went on scene;
- deconflict (only where the scenario plans operations): each operation it leads
  registered by its start, each conflict notice it got acted on within the service's
  ``acknowledge_seconds`` (``deconfliction.py``);
- handle (only where facts carry handling levels): each fact it owns reaching the
  partners that need it in time, and no fact shared beyond its level
  (``intelligence.py``).

A duty still undone at the end is a miss at its elapsed time (``credit.py``); one not
yet past its target had not fallen due and does not count. The role's score is the
weighted mean credit of the duty groups that arose, out of 100.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.aid import AidClocks
from simulator.review.credit import due, mean_time_credit
from simulator.review.deconfliction import OperationsLog
from simulator.review.intelligence import IntelligenceLog
from simulator.review.stats import Evidence, Sample, cite
from simulator.review.told import Learnings
from simulator.scenario.facts import FactKey
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import AgencyKind, Capability

GROUP_WEIGHTS = {
    "respond": 2.0,
    "dispatch": 1.0,
    "share": 3.0,
    "command": 3.0,
    "safety": 1.0,
    "deconflict": 2.0,
    "handle": 2.0,
}


@dataclass(frozen=True)
class DutyGroup:
    """One kind of duty of one agency: its target, the duties that fell due, the credit."""

    name: str
    target: float | None
    duties: tuple[Sample, ...]
    missed: int
    credit: float
    late: int = 0  # done, but past the target (each duty against its own)


@dataclass(frozen=True)
class RoleScore:
    """One agency's score from its own duties (None when no duty fell due)."""

    agency: str
    score: float | None
    groups: tuple[DutyGroup, ...]


def role_scores(
    scenario: Scenario, events: Sequence[Event], aid: AidClocks | None = None
) -> dict[str, RoleScore]:
    """Score every agency on its own duties.

    ``aid`` is the same log's mutual-aid clocks when already read (``score`` reads them
    once for the intervals too); read here otherwise.
    """
    sweep = _Sweep(scenario, aid)
    for e in events:
        sweep.apply(e)
    return {
        agency.id: _role(agency.id, sweep.duties(agency.id))
        for agency in sorted(scenario.agencies, key=lambda a: a.id)
    }


def _role(agency: str, groups: list[DutyGroup]) -> RoleScore:
    total = sum(GROUP_WEIGHTS[g.name] for g in groups)
    score = (
        round(100 * sum(GROUP_WEIGHTS[g.name] * g.credit for g in groups) / total, 1)
        if total
        else None
    )
    return RoleScore(agency, score, tuple(groups))


# A unit's statuses after it left a scene: a commander gone before a partner's post was
# set up never reported in there.
_LEAVING = frozenset(
    {
        "unit.dispatched",
        "unit.en_route",
        "unit.returning",
        "unit.transporting",
        "unit.available",
        "unit.out_of_service",
    }
)


class _Sweep:
    """One pass over the log collecting each agency's duties and when they were done."""

    def __init__(self, scenario: Scenario, aid: AidClocks | None = None) -> None:
        self.scenario = scenario
        self.kind = {a.id: a.kind for a in scenario.agencies}
        self.command_agencies = {
            u.agency for u in scenario.units if Capability.COMMAND in u.capabilities
        }
        self.started: dict[str, Event] = {}
        self.needed: dict[str, set[str]] = {}
        self.opened: dict[tuple[str, str], Event] = {}
        self.dispatched: dict[tuple[str, str], Event] = {}
        self.arrived: dict[tuple[str, str], Event] = {}
        self.post: dict[str, Event] = {}
        self.unified: dict[tuple[str, str], Event] = {}
        self.resolved: dict[str, float] = {}
        # Per agency, its units harmed and its operations' teams hurt, each once.
        self.harmed: dict[str, set[str]] = defaultdict(set)
        self.critical: dict[str, Event] = {}
        self.learnings = Learnings()
        self.first_unit_at: dict[tuple[str, str], Event] = {}
        self.asked: dict[tuple[str, str], Event] = {}
        # incident -> requesting agency -> partners it asked for mutual aid
        self.helpers: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.commander_units = {
            u.id for u in scenario.units if Capability.COMMAND in u.capabilities
        }
        self.commander_at: dict[tuple[str, str], Event] = {}
        # A commander's scene while it is there, and when it first left each one.
        self._commander_scene: dict[str, tuple[str, str]] = {}
        self.commander_left: dict[tuple[str, str], Event] = {}
        self.arrivals: dict[str, int] = defaultdict(int)
        self.end = 0.0
        # The clocks are read once the whole log is in, so they may be read beforehand.
        self.aid = aid or AidClocks(scenario)
        self._reads_aid = aid is None
        # Only a scenario that plans operations has deconfliction duties to read.
        self.operations = OperationsLog() if scenario.operations.planned else None
        rules = {r.fact: r for r in scenario.intelligence.handling}
        self.intelligence = IntelligenceLog(rules) if rules else None

    def apply(self, e: Event) -> None:
        self.end = max(self.end, e.t)
        if self._reads_aid:
            self.aid.apply(e)
        if self.operations is not None:
            self.operations.apply(e)
        if self.intelligence is not None:
            self.intelligence.apply(e)
        kind, key = e.kind, (e.incident, e.agency)
        if kind in _LEAVING and e.unit in self._commander_scene:
            self.commander_left.setdefault(self._commander_scene.pop(e.unit), e)
        if kind == "incident.started":
            self.started[e.incident] = e
            self.needed[e.incident] = set(payload(e).agencies)
        elif kind == "cad.opened":
            if e.agency in self.needed.get(e.incident, ()) or payload(e).via == "mutual_aid":
                self.opened.setdefault(key, e)
        elif kind == "unit.dispatched" and e.incident:
            self.dispatched.setdefault(key, e)
        elif kind in ("unit.on_scene", "unit.staged") and e.incident:
            self._arrive(e)
            if kind == "unit.on_scene":
                self._on_scene(e)
        elif kind == "mutual_aid.requested" and e.incident:
            self.asked.setdefault(key, e)
            self.helpers[e.incident][e.agency].add(payload(e).to)
        elif kind == "command_post.established":
            self.post.setdefault(e.incident, e)
        elif kind == "unified_command.established":
            for agency in payload(e).agencies:
                self.unified.setdefault((e.incident, agency), e)
        elif kind == "fact.critical":
            critical = payload(e)
            self.critical.setdefault(critical.fact, e)
            if e.incident:  # an escalation that involves more agencies says so here
                self.needed.setdefault(e.incident, set()).update(critical.needed_by)
        elif kind == "fact.learned":
            self.learnings.apply(e)
        elif kind == "incident.resolved":
            self.resolved.setdefault(e.incident, e.t)
        elif kind == "unit.harmed":
            self.harmed[e.agency].add(e.unit)  # once, however many hazards struck it
            self.learnings.apply(e)
        elif kind == "operation.blue_on_blue":
            met = payload(e)  # officers of both operations are hurt
            for agency, team in zip(met.agencies, met.operations, strict=True):
                self.harmed[agency].add(team)

    def _arrive(self, e: Event) -> None:
        """Its own unit, or one sent at its request, answers an agency's respond duty."""
        self.arrived.setdefault((e.incident, e.agency), e)
        for agency, helpers in self.helpers.get(e.incident, {}).items():
            if e.agency in helpers:
                self.arrived.setdefault((e.incident, agency), e)

    def _on_scene(self, e: Event) -> None:
        self.arrivals[e.agency] += 1
        self.first_unit_at.setdefault((e.incident, e.agency), e)
        if e.unit in self.commander_units:
            self.commander_at.setdefault((e.incident, e.agency), e)
            self._commander_scene[e.unit] = (e.incident, e.agency)

    # -- duties ------------------------------------------------------------------------

    def duties(self, agency: str) -> list[DutyGroup]:
        targets = self.scenario.scoring.targets
        opened = sorted(
            ((i, e) for (i, a), e in self.opened.items() if a == agency), key=lambda p: p[1].seq
        )
        aid = [(i, e) for i, e in opened if payload(e).via == "mutual_aid"]
        local = [(i, e) for i, e in opened if payload(e).via != "mutual_aid"]
        groups = [
            self._group("respond", self._respond_target(agency), self._done(local, self.arrived)),
            self._group("respond", targets.mutual_aid_response_s, self._done(aid, self.arrived)),
            self._group("dispatch", targets.call_processing_s, self._done(opened, self._acted)),
            self._group("share", targets.fact_sharing_s, self._shared(agency)),
            self._group("command", targets.command_post_s, self._command(agency)),
        ]
        if self.operations is not None:
            ops, service = self.operations, self.scenario.operations.deconfliction
            groups += [
                self._group("deconflict", 0.0, ops.register_duties(agency)),
                self._group("deconflict", service.acknowledge_seconds, ops.answer_duties(agency)),
            ]
        if self.intelligence is not None:
            intel = self.intelligence
            groups.append(
                self._group("handle", 0.0, intel.withheld(agency) + intel.overshares(agency))
            )
        out = _merged([g for g in groups if g is not None])
        if self.arrivals.get(agency):  # an idle agency earns nothing, even for safety
            harmed = len(self.harmed.get(agency, ()))
            out.append(DutyGroup("safety", None, (), harmed, 1.0 / (1.0 + harmed)))
        return out

    @property
    def _acted(self) -> dict[tuple[str, str], Event]:
        """First dispatch or mutual-aid request per (incident, agency), whichever came first."""
        out = dict(self.dispatched)
        for key, asked in self.asked.items():
            if key not in out or asked.seq < out[key].seq:
                out[key] = asked
        return out

    def _respond_target(self, agency: str) -> float:
        targets = self.scenario.scoring.targets
        kind = self.kind[agency]
        if kind == AgencyKind.FIRE:
            return (
                targets.call_processing_s + targets.turnout_fire_s + targets.travel_first_engine_s
            )
        if kind == AgencyKind.EMS:
            return targets.ems_response_s
        if kind == AgencyKind.POLICE:
            return targets.police_p1_response_s
        return targets.other_response_s

    def _done(
        self, opened: list[tuple[str, Event]], done: dict[tuple[str, str], Event]
    ) -> list[Sample]:
        out = []
        for incident, start in opened:
            finish = done.get((incident, start.agency))
            if payload(start).via == "mutual_aid":
                sample = self._aid(incident, start, finish)
                if sample is not None:
                    out.append(sample)
            elif finish is not None:
                out.append(self._sample(start, finish))
            else:
                out.append(self._missed(start))
        return out

    def _aid(self, incident: str, start: Event, finish: Event | None) -> Sample | None:
        """A mutual-aid duty, timed only while the agency could answer it (``aid.py``).

        None when the request never fell to it: nothing free that could help, or the
        need already filled, for as long as the request stood.
        """
        agency = str(start.agency)
        if not self.aid.owed(incident, agency):
            return None
        if finish is None:
            stop = self.resolved.get(incident, self.end)
            value = round(self.aid.reading(incident, agency, stop) or 0.0, 3)
            note = "not done by the end (timed while it could send)"
            return Sample(value, incident, agency, None, (cite(start),), note, True)
        value = round(self.aid.reading(incident, agency, finish.t) or 0.0, 3)
        cited = (cite(start), cite(finish))
        return Sample(value, incident, agency, finish.unit, cited, "timed while it could send")

    def _shared(self, agency: str) -> list[Sample]:
        """Per critical fact it knew first and each agency needing it: until that one was told.

        Every agency that knew the fact at the first instant owes the share, so the
        order an inject lists its recipients in changes nobody's duty: a tell by any of
        them (or by anyone) within the target takes the duty away from the others, as
        for any agency told elsewhere in time. A hazard an agency learned only by
        walking into it was never told it (``told.py``).
        """
        target = self.scenario.scoring.targets.fact_sharing_s
        out = []
        for fact, critical in sorted(self.critical.items(), key=lambda p: p[1].seq):
            firsts = {str(e.agency): e for e in self.learnings.first_knowers(fact)}
            first = firsts.get(agency)
            if first is None:
                continue
            told = self.learnings.told.get(fact, {})
            harmed = self.learnings.harmed_into(fact)
            # Owed from when it was needed: a fact known before its incident started is
            # owed to the agencies that then respond, whom nobody could name before.
            since = max(first.t, critical.t)
            named = FactKey.parse(fact).words()
            for other in sorted(set(payload(critical).needed_by) - set(firsts)):
                got = told.get(other)
                if got is None:
                    value = round(self.end - since, 3)
                    hurt = harmed.get(other)
                    note = f"{named} never reached {other}"
                    cited: tuple[Evidence, ...] = (cite(first),)
                    if hurt is not None:
                        note += ", whose crews walked into it"
                        cited += (cite(hurt),)
                    out.append(Sample(value, first.incident, agency, None, cited, note, True))
                elif payload(got).source == agency:
                    value = round(max(0.0, got.t - since), 3)
                    cited = (cite(first), cite(got))
                    note = f"{named} to {other}"
                    out.append(Sample(value, first.incident, agency, got.unit, cited, note))
                elif got.t - since >= target:  # late, and not from us: a miss
                    value = round(got.t - since, 3)
                    cited = (cite(first), cite(got))
                    note = f"{named} reached {other} late, and not from {agency}"
                    out.append(Sample(value, first.incident, agency, None, cited, note, True))
        return out

    def _command(self, agency: str) -> list[Sample]:
        """At multi-agency incidents: its first unit on scene until it was in command.

        A duty done cites its commander (the unit in command), not the first unit there.
        """
        if agency not in self.command_agencies:
            return []
        out = []
        for (incident, who), arrival in sorted(self.first_unit_at.items(), key=lambda p: p[1].seq):
            needed = self.needed.get(incident, set())
            if who != agency or len(needed) < 2 or agency not in needed:
                continue  # an assisting (mutual-aid) agency works under the host's command
            done = self._in_command(incident, agency)
            if done is None:
                out.append(self._never(arrival))
                continue
            commander = self.commander_at.get((incident, agency))
            unit = done.unit if done.agency == agency else commander.unit if commander else None
            events = {e.seq: e for e in (arrival, commander, done) if e is not None}
            cited = tuple(cite(events[n]) for n in sorted(events))
            value = max(0.0, round(done.t - arrival.t, 3))
            out.append(Sample(value, incident, agency, unit, cited))
        return out

    def _in_command(self, incident: str, agency: str) -> Event | None:
        """Its own command post, unified command including it, or reporting in to a post.

        The first of them. NIMS keeps one command post per incident, and an agency does
        its part of command by bringing its commander there: reporting in is the later
        of its commander's arrival and another agency's post being set up. It is read
        from the whole log, so it depends on the agency's own commander and the post
        alone, never on which partners' commanders came first. Whether the commanders
        at the post then formed unified command, a joint act any of them may start, is
        the coordination measure ``unified_command_time``, not one agency's duty.
        """
        post = self.post.get(incident)
        own = post if post is not None and post.agency == agency else None
        reported = None
        commander = self.commander_at.get((incident, agency))
        left = self.commander_left.get((incident, agency))
        there = left is None or (post is not None and post.seq < left.seq)  # when it stood
        if post is not None and own is None and commander is not None and there:
            reported = max(post, commander, key=lambda e: e.seq)
        done = [e for e in (own, self._joined(incident, agency), reported) if e is not None]
        return min(done, key=lambda e: e.seq, default=None)

    def _never(self, arrival: Event) -> Sample:
        """A command duty never done, saying whether its commander ever came (and citing it).

        A commander on scene with a post there is in command (``_in_command``), so one
        that came missed for want of a post, or left before one was set up.
        """
        incident, agency = str(arrival.incident), str(arrival.agency)
        commander = self.commander_at.get((incident, agency))
        if commander is None:
            return self._missed(arrival, "never in command: its commander never came")
        gone = (incident, agency) in self.commander_left and incident in self.post
        why = "it left before a command post was set up" if gone else "no command post was set up"
        missed = self._missed(arrival, f"never in command: {commander.unit} on scene, {why}")
        return replace(missed, unit=commander.unit, evidence=(*missed.evidence, cite(commander)))

    def _joined(self, incident: str, agency: str) -> Event | None:
        """Unified command including the agency, or its commander reaching one formed."""
        unified = self.unified.get((incident, agency))
        if unified is not None:
            return unified
        formed = [e for (i, _), e in self.unified.items() if i == incident]
        commander = self.commander_at.get((incident, agency))
        if formed and commander is not None and commander.seq > min(e.seq for e in formed):
            return commander
        return None

    def _group(self, name: str, target: float, samples: list[Sample]) -> DutyGroup | None:
        fell_due = due(samples, target)
        credit = mean_time_credit(fell_due, target)
        if credit is None:
            return None
        missed = sum(1 for s in fell_due if s.censored)
        late = sum(1 for s in fell_due if not s.censored and s.value > target)
        return DutyGroup(name, target, tuple(fell_due), missed, credit, late)

    def _sample(self, start: Event, finish: Event, note: str = "") -> Sample:
        value = round(finish.t - start.t, 3)
        cited = (cite(start), cite(finish))
        return Sample(value, start.incident, start.agency, finish.unit, cited, note)

    def _missed(self, start: Event, note: str = "", resolved: bool = True) -> Sample:
        """An undone duty, timed to the incident's resolution (when it lapsed) or the end."""
        closed = self.resolved.get(start.incident) if resolved else None
        stop = self.end if closed is None else closed
        if not note:
            note = "not done by the end" if closed is None else "not done before it closed"
        value = round(stop - start.t, 3)
        return Sample(value, start.incident, start.agency, None, (cite(start),), note, True)


def _merged(groups: list[DutyGroup]) -> list[DutyGroup]:
    """One group per name (local and mutual-aid responses are one duty, two targets)."""
    out: dict[str, DutyGroup] = {}
    for g in groups:
        if g.name not in out:
            out[g.name] = g
            continue
        first = out[g.name]
        duties = first.duties + g.duties
        credit = (first.credit * len(first.duties) + g.credit * len(g.duties)) / len(duties)
        missed, late = first.missed + g.missed, first.late + g.late
        out[g.name] = DutyGroup(g.name, None, duties, missed, credit, late)
    return list(out.values())
