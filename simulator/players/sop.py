"""The automated agency player: a dispatcher following standard operating procedure.

It sees only its agency's CAD and units and acts only through commands, exactly as a
trainee would, so an exercise can run with nobody at the keyboard (HSEEP's simulation
cell). It re-plans only when something could have changed its answer: an incident
whose needs grew, or one of its own units coming free while needs are unmet.
"""

import math

from simulator.commands import (
    CommandPost,
    Declare,
    Dispatch,
    RequestMutualAid,
    Share,
    UnifiedCommand,
)
from simulator.events import Event
from simulator.exercise import CadIncident, Exercise
from simulator.payloads import payload
from simulator.players.alarm import FirstAlarm
from simulator.players.perimeter import Perimeter
from simulator.players.profile import DEFAULT, Profile, profile
from simulator.players.traffic import TrafficDesk
from simulator.players.transport import TransportGroup, carries
from simulator.scenario.facts import fact_key
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import AgencyKind, Capability, UnitStatus, meets
from simulator.viewpoint import Viewpoint

# Events that can raise an incident's unmet needs.
_NEEDS_GROW = frozenset(
    {
        "cad.opened",
        "mutual_aid.received",
        "incident.escalated",
        "incident.casualties",
        "unit.transporting",
        "call.duplicate",
    }
)
# Facts a dispatcher passes on when its own people found them (not ones it was told;
# what a call brought in goes out with the first notification).
_FIRST_HAND = frozenset({"unit", "own", "inject"})
# How a CAD entry opened when the agency itself must notify the others of it.
_TOLD_FIRST_HAND = frozenset({"call", "inject"})
# Facts an expert relays from one partner to the others (what keeps crews safe).
_RELAYED = ("hazard:", "closure:")
# A crew held up by a tasking clash starts work on scene (it may be the commander).
_SORTED = "assignment.sorted"
# Times a lost share is sent again at the communications plan's retry interval; after
# that, one about an incident still open is sent again every BLOCKED_RETRY_S until it
# gets through (a line down for half an hour must not leave a partner never told).
RESEND_LIMIT = 2
# Seconds before an incident that closures cut off from units that could meet its
# needs (or whose dispatch was refused) is planned again unasked.
BLOCKED_RETRY_S = 600.0
# Events after which one of our units may be free.
_UNIT_FREED = frozenset({"unit.available", "unit.returning", "unit.staged"})
# Events that take a unit away from an incident (its old incident needs a look).
_UNIT_RELEASED = frozenset({"unit.returning", "unit.available", "unit.out_of_service"})
# Events that may tell of a road reopened (see ``_reopening``).
_REOPENING = frozenset({"road.opened", "fact.learned"})
# Events after which the hospital status board has changed.
_BEDS_CHANGED = frozenset({"unit.transporting", "hospital.bed_freed"})
# Every kind ``observe`` looks at (most events are none of these).
_WATCHED = (
    _NEEDS_GROW
    | {_SORTED}
    | _UNIT_FREED
    | _UNIT_RELEASED
    | _BEDS_CHANGED
    | {
        "incident.precondition_ready",
        "fact.learned",
        "message.queued",
        "message.lost",
        "unit.on_scene",
        "unit.dispatched",
        "unified_command.established",
        "call.flagged",
        "incident.verified",
        "command_post.established",
        "incident.resolved",
    }
)


class SopPlayer:
    """Nearest capable available unit for each unmet need, by priority; else mutual aid.

    A ``Profile`` varies the procedure (``profile.py``): the farthest unit instead of
    the nearest, never sharing, never taking command, or the expert's extras.
    """

    def __init__(self, exercise: Exercise, agency: str, style: Profile | None = None):
        self.agency = agency
        self.style = style or profile(DEFAULT)
        self.partners = exercise.scenario.agency(agency).mutual_aid
        self.source = f"player:{agency}"
        self.desk = Viewpoint(exercise, agency, self.source)  # all it sees and orders
        self._asked: dict[tuple[str, Capability], float] = {}
        self._asked_of: dict[tuple[str, Capability], list[str]] = {}  # partners, this round
        self._needy: set[str] = set()
        # Incidents capable units could not reach by road, and when to try again.
        self._blocked: dict[str, float] = {}
        # What each mutual-aid partner's units can meet (its agreement's resources).
        self._offers = {p: _offered(exercise.scenario, p) for p in self.partners}
        self._told: dict[str, set[str]] = {}  # incident -> agencies we told of it
        self._sent: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}
        self._resends: dict[tuple[str, str | None, tuple[str, ...]], int] = {}
        self._due: list[tuple[float, tuple[str, str | None, tuple[str, ...]]]] = []
        self._want_command: set[str] = set()  # incidents still waiting for our commander
        self._unverified: set[str] = set()  # calls flagged as possible hoaxes, not yet checked
        self._draw = self.desk.stream(f"player:{agency}")
        forget = exercise.scenario.communications.forget_probability
        self.forget = 0.0 if self.style.never_forgets else forget
        self.perimeter = Perimeter(self.desk) if self.style.cautious else None
        self.transport = TransportGroup(self.desk) if self.style.spreads else None
        self.traffic = self._traffic_desk(exercise)
        fire = exercise.scenario.agency(agency).kind == AgencyKind.FIRE
        self.alarm = FirstAlarm(self.desk) if fire and self.style.first_alarm else None
        # What our CAD showed of each incident when last read, with the last event
        # naming it then (see ``_view``), and our units able to meet each capability.
        self._known: dict[str, _Read] = {}
        self._able: dict[Capability, frozenset[str]] = {}
        self.desk.subscribe(self.observe)

    def observe(self, events: list[Event]) -> None:
        """React to a batch of events that concern this agency.

        Called on every batch (about 40,000 in a city day, most with nothing watched):
        the timers are checked, and the rest is done only for batches that need it.
        """
        if self._due:  # nothing due is the usual case
            self._resend_due()
        if self._blocked and (retry := self._unblocked(events)):
            self.act(retry)
        if self.perimeter:
            self.perimeter.release()
        watched = [event for event in events if event.kind in _WATCHED]
        if watched:
            self._react(watched, events)
        elif self.traffic:
            self.traffic.observe(events)  # it reads the traffic news, which no one else does

    def _react(self, events: list[Event], batch: list[Event]) -> None:
        """Re-plan, share and take command as the watched ``events`` ask."""
        dirty: set[str] = set()
        freed = False
        agency = self.agency
        knows = self.desk.knows
        news: dict[str | None, dict[str, object]] = {}
        chase: set[str] = set()  # our crews on scene remind dispatch who is still missing
        for event in events:
            kind = event.kind
            mine = event.agency == agency
            if mine:
                if kind == "incident.precondition_ready":
                    self._declare(event)
                elif kind in _UNIT_FREED:
                    freed = True
                elif kind == "fact.learned" and self._passes_on(event):
                    news.setdefault(event.incident, {})[event.data["fact"]] = event.data["value"]
                elif kind in ("message.queued", "message.lost"):
                    self._track(event)
                if kind in ("unit.on_scene", "unit.staged") and event.incident:
                    chase.add(event.incident)
                if _at_scene(event) and self.desk.unit_can(event.unit, Capability.COMMAND):
                    self._take_command(event.incident)
                if kind == _SORTED:
                    # A crew held up by a tasking clash starts work: take command now.
                    self._take_command(event.incident)
            if kind == "unified_command.established" and self._want_command:
                dirty |= self._want_command
            if kind == "command_post.established" or (_at_scene(event) and not mine):
                self._try_unified(event.incident)
            if kind in _UNIT_RELEASED or kind == "unit.dispatched":
                previous = event.data.get("released_from") or event.data.get("reassigned_from")
                if previous and knows(previous):
                    dirty.add(previous)
            elif kind in _NEEDS_GROW and knows(event.incident):
                dirty.add(event.incident)
            elif kind == "incident.resolved":
                self._needy.discard(event.incident)
                if self.alarm:
                    self.alarm.short.discard(event.incident)
                self._blocked.pop(str(event.incident), None)
                self._want_command.discard(event.incident)
            elif kind in ("call.flagged", "incident.verified") and mine:
                self._flag(event, dirty)
        if freed:
            dirty |= self._needy
        if dirty:
            self.act(dirty)
        if freed and self.alarm and (waiting := self.alarm.short - dirty):
            self._top_up([r.view for r in self._urgent(waiting)], self.desk.free_units())
        if self.transport:
            self._plan_transport(events, dirty)
        if self.traffic:
            self.traffic.observe(batch)
        if news:
            self._pass_on(news)
        for incident in sorted(dirty | chase):
            self._notify(incident)

    def _unblocked(self, events: list[Event]) -> set[str]:
        """Incidents cut off from capable units to plan again: now a road reopened, or due.

        A dispatcher hears of a reopening only if told; unheard, it tries again every
        ``BLOCKED_RETRY_S`` (besides whenever a unit frees).
        """
        opened = any(e.kind in _REOPENING and self._reopening(e) for e in events)
        now = self.desk.now
        due = {i for i, at in self._blocked.items() if opened or now >= at}
        for incident in due:
            del self._blocked[incident]
        return due

    def _retry_later(self, incident: str, wait: float = BLOCKED_RETRY_S) -> None:
        """Plan the incident again after ``wait``, or sooner when a road reopens."""
        at = min(self._blocked.get(incident, math.inf), self.desk.now + wait)
        self._blocked[incident] = at
        self.desk.remind(at)

    def _reopening(self, event: Event) -> bool:
        """Whether the event tells us a road reopened: heard, or a partner's word."""
        if event.kind == "road.opened":
            return True
        if event.kind != "fact.learned" or event.agency != self.agency:
            return False
        learned = payload(event)
        return learned.fact.startswith("closure:") and learned.value is False

    def _traffic_desk(self, exercise: Exercise) -> TrafficDesk | None:
        """Traffic control, for a police agency with traffic units whose profile posts them."""
        police = exercise.scenario.agency(self.agency).kind == AgencyKind.POLICE
        if self.style.traffic_after_s is None or not police:
            return None
        units = exercise.scenario.units
        if not any(
            u.agency == self.agency and Capability.TRAFFIC_CONTROL in u.capabilities for u in units
        ):
            return None
        return TrafficDesk(self.desk, self.style)

    def _plan_transport(self, events: list[Event], dirty: set[str]) -> None:
        """Keep the destination plans current: new patients to carry, or beds changed."""
        group = self.transport
        for incident in sorted(dirty - group.incidents):
            view = self._view(incident)
            if view is not None and carries(view.needs, view.aid, self.agency):
                group.incidents.add(incident)
        beds = dirty & group.incidents
        for event in events:
            if event.kind == "incident.resolved":
                group.forget(str(event.incident))
            elif event.kind in _BEDS_CHANGED:
                beds = group.incidents
        if beds:
            group.plan()

    def _declare(self, event: Event) -> None:
        self.desk.submit(
            Declare(
                agency=self.agency, incident=event.incident, condition=payload(event).condition
            ),
        )

    def act(self, incidents: set[str]) -> None:
        """Fill the unmet needs this agency answers for, most urgent incident first.

        An incident short only of what no unit still free can meet, whose partners were
        asked for aid too recently to ask again, is passed over: planning it again would
        change nothing (so a freed unit re-plans only what it can help).
        """
        reads = self._urgent(incidents)
        free = self.desk.free_units()
        for read in reads:
            incident = read.view.id
            if self.style.commander_early:
                free = self._send_commander(read.view, free)
            elif self._idle(incident, free):
                self._needy.add(incident)
                continue
            short, free = self._fill(incident, free)
            if short:
                self._needy.add(incident)
            else:
                self._needy.discard(incident)
        if self.alarm:
            self._top_up([r.view for r in reads], free)

    def _urgent(self, incidents: set[str]) -> list["_Read"]:
        """The incidents our CAD shows, most urgent first (priority, then oldest)."""
        reads = [r for r in map(self._read, sorted(incidents)) if r.view]
        reads.sort(key=lambda r: (r.view.priority, r.view.opened, r.view.id))
        return reads

    def _fill(self, incident_id: str, free: list[str]) -> tuple[bool, list[str]]:
        # One capability at a time, re-reading the CAD after each dispatch: a unit sent
        # for one need may cover another (an engine that also does rescue).
        tried: set[Capability] = set()
        short = False
        self._expect(incident_id, free)
        while True:
            read = self._read(incident_id)
            view = read.view
            pending = [(c, n) for c, n in read.shortfalls if n > 0 and c not in tried]
            if view is None or not pending:
                return short, free
            capability, shortfall = pending[0]
            tried.add(capability)
            chosen = self._nearest(view, capability, free, shortfall)
            if chosen and self._send(view, chosen):
                free = [u for u in free if u not in chosen]
            elif chosen:  # refused: tried again later, not per unit
                self._retry_later(incident_id)
            if len(chosen) < shortfall:
                short = True
                if _cut_off(self._units_able(capability), free, chosen):
                    # Capable units no open road joins to it: tried again once a road
                    # reopens, or later, as a refused dispatch is.
                    self._retry_later(incident_id)
                self._ask_for_aid(view, capability, shortfall - len(chosen))

    def _top_up(self, views: list[CadIncident], free: list[str]) -> None:
        """Add companies to the structure fires we host until our crews make the first alarm.

        Done after the needs of every incident planned are filled, with the companies
        left free, most urgent fire first, so heads are not taken from a need this
        plan could fill. Whether the service is drawn down is judged as each fire is
        planned (its response plan is the one in force then), so one fire's heads can
        put the next on the reduced plan. A fire left short is kept in ``alarm.short``
        and tried again when a unit frees, apart from the needy incidents (its needs
        are met).
        """
        for view in (v for v in views if self.alarm.hosts(v)):
            if self.alarm.drawn_down(free):
                self.alarm.short.add(view.id)
                continue
            chosen, short = self.alarm.pick(view, free)
            if chosen and self._send(view, chosen):
                free = [u for u in free if u not in chosen]
            elif chosen:  # refused: tried again later, as in ``_fill``
                self._retry_later(view.id)
                short = False
            if short and _cut_off(self.alarm.companies, free, chosen):
                self._retry_later(view.id)  # as in ``_fill``
            (self.alarm.short.add if short else self.alarm.short.discard)(view.id)

    def _expect(self, incident: str, free: list[str]) -> None:
        """Let the exercise search once for the several needs ``_fill`` will rank for."""
        read = self._read(incident)
        if read.view is None or self.style.farthest:
            return
        groups = []
        for capability, shortfall in read.shortfalls:
            able = self._units_able(capability)
            capable = [u for u in free if u in able]
            if shortfall > 0 and capable:
                groups.append((capable, shortfall))
        if len(groups) > 1:
            self.desk.expect(incident, groups)

    def _idle(self, incident: str, free: list[str]) -> bool:
        """Whether ``_fill`` would do nothing but find the incident still short.

        So it is when each capability it is short of is one none of the ``free`` units
        has, and asking partners for it is not due (see ``_ask_for_aid``).
        """
        read = self._read(incident)
        view = read.view
        short = [c for c, n in read.shortfalls if n > 0]
        if view is None or not short:
            return False
        now, retry = self.desk.now, self.style.aid_retry_s
        asks = not view.aid and self.partners
        for capability in short:
            able = self._units_able(capability)
            if any(u in able for u in free):
                return False
            if asks and now >= self._asked.get((incident, capability), -math.inf) + retry:
                return False
        return True

    def _read(self, incident: str) -> "_Read":
        """The incident as our CAD shows it, read again only when it may have changed.

        Every change to what a CAD shows of an incident is logged by an event naming
        it (or a unit's release from it; a crew that a tasking clash held up joins with
        ``assignment.sorted``), so a read is good while no event has named the incident
        since. A seat that cannot tell reads every time.
        """
        mark = self.desk.last_change(incident)
        kept = self._known.get(incident)
        if kept is not None and mark is not None and kept.mark == mark:
            return kept
        read = _Read(self, mark, self.desk.cad_incident(incident))
        if mark is not None:
            self._known[incident] = read
        return read

    def _view(self, incident: str) -> CadIncident | None:
        """The incident as our CAD shows it (None if not open there)."""
        return self._read(incident).view

    def _flag(self, event: Event, dirty: set[str]) -> None:
        """A call flagged as a possible hoax waits for its check (expert: no tactical team)."""
        if event.kind == "call.flagged":
            self._unverified.add(str(event.incident))
        else:
            self._unverified.discard(str(event.incident))
            dirty.add(str(event.incident))

    def _shortfalls(self, incident: CadIncident | None) -> list[tuple[Capability, int]]:
        if incident is None:
            return []
        out = []
        for need in incident.needs:
            if (
                need.capability == Capability.TACTICAL
                and self.style.verified_tactical
                and incident.id in self._unverified
            ):
                continue
            missing = max(0, need.required - need.assigned)
            if need.responsible == self.agency:
                out.append((need.capability, missing))
            elif need.capability in incident.aid:
                mine = self.desk.committed(incident.id, need.capability)
                out.append((need.capability, min(missing, incident.aid[need.capability] - mine)))
        return out

    def _send_commander(self, incident: CadIncident, free: list[str]) -> list[str]:
        """NIMS: a commander of each agency at a multi-agency incident, from the start.

        An agency sending mutual aid sends its commander too, to join unified command.
        """
        agencies = {n.responsible for n in incident.needs} - {""}
        mine = incident.aid or any(n.responsible == self.agency for n in incident.needs)
        has = self.desk.committed(incident.id, Capability.COMMAND)
        if len(agencies | {self.agency}) < 2 or not mine or has or self._in_command(incident.id):
            return free
        chosen = self._nearest(incident, Capability.COMMAND, free, 1)
        if not chosen:
            chosen = self._nearest(incident, Capability.COMMAND, self._movable_commanders(), 1)
        if not chosen:
            self._want_command.add(incident.id)
            return free
        self._want_command.discard(incident.id)
        return [u for u in free if u not in chosen] if self._send(incident, chosen) else free

    def _send(self, incident: CadIncident, units: list[str]) -> bool:
        """Dispatch units (the expert holding some at the perimeter); True if accepted."""
        if self.perimeter:
            # Read afresh: it weighs who is on scene, which a read kept may not show.
            return self.perimeter.dispatch(self.desk.cad_incident(incident.id), units)
        command = Dispatch(agency=self.agency, incident=incident.id, units=units)
        return self.desk.submit(command).accepted

    def _in_command(self, incident: str) -> bool:
        """Whether we already command there (our post, or unified command with us)."""
        post = self.desk.command_post(incident)
        return (post is not None and post[0] == self.agency) or self.agency in (
            self.desk.unified(incident)
        )

    def _movable_commanders(self) -> list[str]:
        """Our commanders whose scene no longer needs them (NIMS transfer of command).

        Once unified command including us stands at a scene, the post and the pooled
        picture stay without our chief, who may move on, if the supervisors left keep
        the span of control there.
        """
        limit = self.desk.scenario.settings.span_of_control
        out = []
        for unit in self.desk.units():
            incident = unit.incident
            if unit.status != UnitStatus.ON_SCENE or Capability.COMMAND not in unit.capabilities:
                continue
            if incident is None or self.agency not in self.desk.unified(incident):
                continue
            bosses, crews = self.desk.supervision(incident)
            if crews <= max(bosses - 1, 1) * limit:
                out.append(unit.id)
        return out

    def _nearest(
        self, incident: CadIncident, capability: Capability, free: list[str], count: int
    ) -> list[str]:
        """The nearest capable units (the farthest, for a poor player)."""
        able = self._units_able(capability)
        capable = [u for u in free if u in able]
        if not capable:
            return []
        return self.desk.nearest(capable, incident.id, count, farthest=self.style.farthest)

    def _units_able(self, capability: Capability) -> frozenset[str]:
        """Our units that meet a need for ``capability`` (capabilities never change)."""
        able = self._able.get(capability)
        if able is None:
            able = frozenset(
                u.id for u in self.desk.units() if self.desk.unit_can(u.id, capability)
            )
            self._able[capability] = able
        return able

    def _ask_for_aid(self, incident: CadIncident, capability: Capability, count: int) -> None:
        """Ask the next partner whose units can help; if still short later, the one after.

        Partners are asked in the agreement's order, one at a time; a partner that sends
        nothing (its units busy) is passed over when the incident, still short, is
        planned again after ``aid_retry_s``, until every one has been asked and the
        round starts again.
        """
        if incident.aid or not self.partners:
            return  # an agency giving aid does not pass the request on
        key = (incident.id, capability)
        now = self.desk.now
        retry = self.style.aid_retry_s
        if now < self._asked.get(key, -math.inf) + retry:  # the sum the reminder was set to
            return
        self._asked[key] = now
        able = [p for p in self.partners if capability in self._offers[p]]
        asked = self._asked_of.setdefault(key, [])
        untried = [p for p in able if p not in asked]
        if not untried:  # each was asked: a new round
            asked.clear()
            untried = able
        for partner in untried:
            asked.append(partner)
            result = self.desk.submit(
                RequestMutualAid(
                    agency=self.agency,
                    to=partner,
                    incident=incident.id,
                    capability=capability,
                    count=min(count, 50),
                ),
            )
            if result.accepted:
                self._retry_later(incident.id, retry)
                return

    # -- sharing ---------------------------------------------------------------------

    def _partners_at(self, incident: str) -> list[str]:
        """Other agencies this dispatcher believes work the incident."""
        agencies = self._read(incident).agencies | self._told.get(incident, set())
        return sorted(agencies - {self.agency, ""})

    def _notify(self, incident: str) -> None:
        """Having learnt of it first-hand, tell every agency it needs (NIMS: notify).

        First-hand: the call was ours, or an inject told us (a camera, surveillance,
        an analyst), perhaps before anyone calls. Asked again on every re-plan: how we
        learnt of it is a cheap look-up, who the incident needs a read of the CAD, so
        the look-up goes first.
        """
        entry = self.desk.cad_entry(incident)
        if entry is None or entry.via not in _TOLD_FIRST_HAND or entry.closed:
            return
        told = self._told.get(incident, set())
        untold = [other for other in self._partners_at(incident) if other not in told]
        if not untold:
            return  # the usual case
        told = self._told.setdefault(incident, set())
        for other in untold:
            if self._share(other, incident, self.desk.facts(incident)):
                told.add(other)

    def _passes_on(self, event: Event) -> bool:
        """First-hand news goes out; an expert also relays hazards a partner reported."""
        via = event.data["via"]
        if via in _FIRST_HAND:
            return True
        relayed = event.data["fact"].startswith(_RELAYED)
        return self.style.relays and via == "message" and relayed

    def _pass_on(self, news: dict[str | None, dict[str, object]]) -> None:
        """Pass on what our own people found to the agencies it concerns."""
        everyone = sorted(a.id for a in self.desk.scenario.agencies if a.id != self.agency)
        for incident, facts in sorted(news.items(), key=lambda kv: kv[0] or ""):
            if incident is None:
                for other in everyone:
                    self._share(other, None, facts)
                continue
            if set(facts) == {fact_key("incident", incident)}:
                continue  # a new incident is announced by _notify
            for other in self._partners_at(incident):
                self._share(other, incident, facts)

    def _share(self, to: str, incident: str | None, facts: dict[str, object]) -> bool:
        """Share facts unless the busy dispatcher forgets; True if a share went out."""
        if not facts or not self.style.shares or self._draw.random() < self.forget:
            return False
        result = self.desk.submit(
            Share(agency=self.agency, to=to, incident=incident, facts=sorted(facts)),
        )
        return result.accepted

    def _track(self, event: Event) -> None:
        """Remember our shares; send a lost one again (the router avoids a dead line)."""
        data = event.data
        if event.kind == "message.queued":
            if data["type"] == "share":
                self._sent[data["message"]] = (data["to"], event.incident, tuple(data["facts"]))
            return
        sent = self._sent.pop(data["message"], None)
        if sent is None:
            return
        count = self._resends.get(sent, 0)
        if count >= RESEND_LIMIT and not self._still_open(sent[1]):
            return
        self._resends[sent] = count + 1
        retry = self.desk.scenario.communications.retry_seconds
        wait = retry if count < RESEND_LIMIT else BLOCKED_RETRY_S
        self._due.append((self.desk.now + wait, sent))
        self.desk.remind(self.desk.now + wait)

    def _still_open(self, incident: str | None) -> bool:
        """Whether our CAD still holds the incident open (a share's reason to persist)."""
        entry = self.desk.cad_entry(incident) if incident is not None else None
        return entry is not None and not entry.closed

    def _resend_due(self) -> None:
        """Try again, a while later, the shares that were lost (persisting: still needed)."""
        now = self.desk.now
        due = [sent for t, sent in self._due if t <= now]
        if not due:
            return
        self._due = [(t, sent) for t, sent in self._due if t > now]
        for to, incident, facts in due:
            persisting = self._resends[(to, incident, facts)] > RESEND_LIMIT
            if persisting and not self._still_open(incident):
                continue
            self.desk.submit(
                Share(agency=self.agency, to=to, incident=incident, facts=list(facts)),
            )

    # -- command -----------------------------------------------------------------------

    def _take_command(self, incident: str | None) -> None:
        if not self.style.command:
            return
        if incident is None or self.desk.command_post(incident) is not None:
            self._try_unified(incident)
            return
        units = self.desk.commanders_on_scene(incident)
        if units:
            self.desk.submit(
                CommandPost(agency=self.agency, incident=incident, unit=units[0]),
            )
        self._try_unified(incident)

    def _try_unified(self, incident: str | None) -> None:
        if not self.style.command or incident is None:
            return
        if not self.desk.commanders_on_scene(incident):
            return
        if self.desk.unify_problem(incident):
            return
        self.desk.submit(UnifiedCommand(agency=self.agency, incident=incident))


def _at_scene(event: Event) -> bool:
    """Whether a unit reached the scene: on scene, or stopped at its perimeter.

    ICS sets the command post up outside the hazard area, so a commander held outside
    takes command from there.
    """
    return event.kind == "unit.on_scene" or (
        event.kind == "unit.staged" and event.data.get("at") == "perimeter"
    )


class _Read:
    """One reading of an incident in our CAD, good while no event names it anew.

    ``mark`` is the last event naming the incident when read; what we are short of
    there is worked out when first asked.
    """

    __slots__ = ("_agencies", "_player", "_shortfalls", "mark", "view")

    def __init__(self, player: SopPlayer, mark: int | None, view: CadIncident | None) -> None:
        self._player = player
        self._shortfalls: list[tuple[Capability, int]] | None = None
        self._agencies: set[str] | None = None
        self.mark = mark
        self.view = view

    @property
    def agencies(self) -> set[str]:
        """The agencies answering the incident's needs (none if it is not open)."""
        if self._agencies is None:
            view = self.view
            self._agencies = set() if view is None else {n.responsible for n in view.needs}
        return self._agencies

    @property
    def shortfalls(self) -> list[tuple[Capability, int]]:
        """(capability, units still wanted from us) per need we answer for."""
        if self._shortfalls is None:
            self._shortfalls = self._player._shortfalls(self.view)
        return self._shortfalls


def _offered(scenario: Scenario, partner: str) -> frozenset[Capability]:
    """Needs a mutual-aid partner agency's units meet."""
    units = (u for u in scenario.units if u.agency == partner)
    return frozenset().union(*(meets(frozenset(u.capabilities)) for u in units))


def _cut_off(able: frozenset[str], free: list[str], chosen: list[str]) -> bool:
    """Whether a free unit in ``able`` is cut off from the incident by closures.

    Called when ``chosen``, the nearest units asked for, are fewer than asked: a capable
    free unit left out then has no open road there.
    """
    return any(u in able and u not in chosen for u in free)


def attach_players(
    exercise: Exercise, agencies: list[str], profiles: dict[str, str] | None = None
) -> list[SopPlayer]:
    """Automated players for the named agencies, in id order, by profile (default SOP).

    An ``idle`` agency gets no player at all: nothing happens unless someone acts.
    """
    profiles = profiles or {}
    styles = {a: profile(profiles.get(a, DEFAULT)) for a in sorted(agencies)}
    return [SopPlayer(exercise, a, style) for a, style in styles.items() if style.acts]
