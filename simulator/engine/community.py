"""The community as an actor: its trust, the tips it gives, the rumours it spreads.

Trust (0-100) moves with what the public sees, each change a ``trust.changed`` event
with its reason:

- responses: the first unit on scene of an incident within the response target raises
  it (a visible, prompt presence), later lowers it;
- harm: a patient dying, a crew harmed, bystanders hurt lower it;
- transparency: a first public statement inside the first-statement time after a major
  (priority 1) incident raises it; none by then, or no update when one falls due while
  incidents are open, lowers it; an accurate statement answering a rumour raises it, an
  inaccurate one (it contradicts the facts) lowers it more;
- each spread step of an unanswered rumour lowers it.

Tips reach the tip line at ``per_hour`` times trust / 100, each a call its call-takers
take (and the next tip fact, once true, learnt). A rumour (an MSEL ``rumour`` row)
grows until an accurate statement answers it, then decays; its readers call the PSAP,
taking call-takers from real emergencies, and past ``crowd_at`` a crowd gathers (its
incident starts). Growth is faster when trust is low.

A scenario without a ``community`` section has none of this: no events, no calls, no
random draws (a rumour row is then only told to its recipients).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from simulator.commands import CommandBase, PublicStatement
from simulator.engine.awareness import Awareness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.engine.switchboard import Switchboard
from simulator.events import Event
from simulator.scenario.community import Community as CommunitySpec
from simulator.scenario.facts import FactKey
from simulator.scenario.msel import RumourInject

Verdict = tuple[str, Callable[[], object] | None]
# Fact topics a statement may state a value for (an incident fact is a record, not a value).
STATED_TOPICS = ("casualties", "hazard", "condition", "closure")
# A countered rumour has faded once its reach is below this share of its first reach.
FADED_SHARE = 0.1
# Calls a rumour brings in one spread step at most: past that the lines are jammed and
# more callers give up (it also bounds the work a runaway rumour makes).
MAX_STEP_CALLS = 100


@dataclass
class LiveRumour:
    """A rumour as it spreads: its reach now, and when (if) it was answered."""

    row: RumourInject
    reach: float
    countered: float | None = None
    crowd: bool = False

    @property
    def psap(self) -> str:
        """The PSAP its readers call."""
        return self.row.psap or self.row.to[0]


class Community:
    """The public: trust, tips, rumours and the statements that answer them."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        awareness: Awareness,
        incidents: Incidents,
        switchboard: Switchboard,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        self.switchboard = switchboard
        self.spec: CommunitySpec | None = self.roster.scenario.community
        self.trust = self.spec.trust if self.spec else 0.0
        self.rumours: dict[str, LiveRumour] = {}
        self.statements: list[float] = []
        self.first_major: float | None = None
        self._responded: set[str] = set()
        self._taught: set[str] = set()
        self._calls = 0

    def orders(self) -> dict[type, Callable[[CommandBase], Verdict]]:
        """The command handlers this subsystem answers (``orders.py`` registers them)."""
        return {PublicStatement: self.check_statement}

    # -- the clock ---------------------------------------------------------------------

    def start(self) -> None:
        """Log the community's starting trust and let tips begin."""
        spec = self.spec
        if spec is None:
            return
        self.kernel.emit(
            "community.started",
            trust=spec.trust,
            pio=list(spec.pio),
            first_statement_minutes=spec.first_statement_minutes,
            update_minutes=spec.update_minutes,
            tip_line=spec.tips.agency if spec.tips else None,
        )
        if spec.tips is not None:
            self.kernel.env.process(self._tips())

    def observe(self, event: Event) -> None:
        """Let what the public sees move trust (a watcher of every event the engine logs)."""
        kind = event.kind
        if kind == "incident.started":
            self._incident_started(event)
        elif kind == "unit.on_scene" and event.incident not in self._responded:
            self._first_on_scene(event)
        elif kind == "patient.died":
            self._change(-self.spec.effects.death, "death", incident=event.incident)
        elif kind == "unit.harmed":
            bystanders = event.data.get("effect") == "casualties"
            effects = self.spec.effects
            loss = effects.bystander_hurt if bystanders else effects.responder_hurt
            reason = "bystanders_hurt" if bystanders else "responder_hurt"
            self._change(-loss, reason, incident=event.incident, unit=event.unit)

    def _incident_started(self, event: Event) -> None:
        if event.data.get("priority") != 1 or self.first_major is not None:
            return
        self.first_major = self.kernel.env.now
        due = self.spec.first_statement_minutes * 60.0
        self.kernel.at(due, self._first_due)

    def _first_on_scene(self, event: Event) -> None:
        incident = self.incidents.get(event.incident or "")
        if incident is None:
            return
        self._responded.add(incident.id)
        took = self.kernel.env.now - incident.started
        effects = self.spec.effects
        if took <= self.spec.response_target_minutes * 60.0:
            self._change(effects.prompt_response, "prompt_response", incident=incident.id)
        else:
            self._change(-effects.late_response, "late_response", incident=incident.id)

    def _change(self, delta: float, reason: str, **detail: object) -> None:
        """Move trust by ``delta`` (kept within 0-100) and log why."""
        new = min(100.0, max(0.0, self.trust + delta))
        if new == self.trust:
            return
        moved, self.trust = new - self.trust, new
        fields = {k: v for k, v in detail.items() if v is not None}
        incident = fields.pop("incident", None)
        unit = fields.pop("unit", None)
        self.kernel.emit(
            "trust.changed",
            incident=incident,
            unit=unit,
            trust=round(new, 2),
            delta=round(moved, 2),
            reason=reason,
            **fields,
        )

    # -- statements --------------------------------------------------------------------

    def _first_due(self) -> None:
        """The first statement's time has come: silence costs trust, updates fall due."""
        if self.statements:
            return  # each statement keeps its own update clock
        self.kernel.emit("statement.overdue", due="first", since=self.first_major)
        self._change(-self.spec.effects.silence, "silence")
        self._schedule_update()

    def _schedule_update(self) -> None:
        self.kernel.at(self.spec.update_minutes * 60.0, self._update_due, len(self.statements))

    def _update_due(self, issued: int) -> None:
        """An update fell due: none since, with incidents still open, costs trust."""
        if len(self.statements) != issued:
            return
        if not any(not i.resolved for i in self.incidents.values()):
            return
        last = self.statements[-1] if self.statements else self.first_major
        self.kernel.emit("statement.overdue", due="update", since=last)
        self._change(-self.spec.effects.no_update, "no_update")
        self._schedule_update()

    def check_statement(self, command: PublicStatement) -> Verdict:
        """Why the agency cannot say this, or the statement going out."""
        spec = self.spec
        if spec is None:
            return "this scenario models no public (no community section)", None
        if command.agency not in spec.pio:
            pios = ", ".join(spec.pio) or "none"
            return f"{command.agency} has no public information officer (PIOs: {pios})", None
        reason = self._statement_problem(command)
        if reason:
            return reason, None
        return "", lambda: self._issue(command)

    def _statement_problem(self, command: PublicStatement) -> str:
        if command.rumour is not None and command.rumour not in self.rumours:
            spreading = ", ".join(sorted(self.rumours)) or "none"
            return f"no rumour {command.rumour!r} is spreading (rumours: {spreading})"
        if command.rumour is not None and command.stance == "inform":
            return "say whether the statement denies or confirms the rumour (stance)"
        if command.rumour is None and command.stance != "inform":
            return f"a statement that would {command.stance} names the rumour it answers"
        if command.incident is not None and not self.awareness.cads[command.agency].knows(
            command.incident
        ):
            return f"incident {command.incident!r} is not in {command.agency}'s CAD"
        for key in sorted(command.facts):
            if FactKey.parse(key).topic not in STATED_TOPICS:
                return f"a statement states {', '.join(STATED_TOPICS)} facts, not {key!r}"
            if self.incidents.truth(key) is None:
                return f"fact {key!r} names nothing that has happened"
        return ""

    def _issue(self, command: PublicStatement) -> None:
        """The statement goes out: its accuracy and timing move trust; it may answer a rumour."""
        effects, now = self.spec.effects, self.kernel.env.now
        wrong = self._contradictions(command)
        first = not self.statements
        self.statements.append(now)
        self.kernel.emit(
            "statement.issued",
            agency=command.agency,
            incident=command.incident,
            text=command.text,
            rumour=command.rumour,
            stance=command.stance,
            facts=dict(sorted(command.facts.items())),
            accurate=not wrong,
            contradicts=wrong,
            first=first,
        )
        if wrong:
            self._change(-effects.inaccurate, "inaccurate_statement", agency=command.agency)
        elif command.rumour is not None:
            self._counter(self.rumours[command.rumour], command.agency)
        deadline = (self.first_major or 0.0) + self.spec.first_statement_minutes * 60.0
        if first and (self.first_major is None or now <= deadline):
            self._change(effects.statement_on_time, "statement_on_time", agency=command.agency)
        self._schedule_update()

    def _contradictions(self, command: PublicStatement) -> list[str]:
        """What the statement gets wrong against ground truth (empty: accurate)."""
        wrong = []
        if command.rumour is not None:
            row = self.rumours[command.rumour].row
            if (command.stance == "confirm") != row.factual:
                wrong.append(f"rumour:{row.rumour}")
        for key, value in sorted(command.facts.items()):
            if self.incidents.truth(key) != value:
                wrong.append(key)
        return wrong

    def _counter(self, live: LiveRumour, agency: str) -> None:
        if live.countered is not None:
            return
        live.countered = self.kernel.env.now
        self.kernel.emit(
            "rumour.countered", agency=agency, rumour=live.row.rumour, reach=round(live.reach)
        )
        self._change(self.spec.effects.rumour_countered, "rumour_countered", rumour=live.row.rumour)

    # -- rumours -----------------------------------------------------------------------

    def spread(self, row: RumourInject) -> None:
        """A rumour starts spreading (an MSEL row); its recipients notice it."""
        if self.spec is None or row.rumour in self.rumours:
            return
        live = LiveRumour(row, row.reach)
        self.rumours[row.rumour] = live
        self.kernel.emit(
            "rumour.started",
            incident=row.about,
            rumour=row.rumour,
            claim=row.claim,
            factual=row.factual,
            reach=round(row.reach),
            growth=row.growth,
            psap=live.psap,
        )
        for agency in row.to:
            self.kernel.emit(
                "rumour.noticed",
                agency=agency,
                incident=row.about,
                rumour=row.rumour,
                claim=row.claim,
            )
        self.kernel.at(self.spec.spread_minutes * 60.0, self._step, live)

    def _step(self, live: LiveRumour) -> None:
        """One spread step: reach grows (or decays once answered), its readers call."""
        row = live.row
        seconds = self.spec.spread_minutes * 60.0
        hours = seconds / 3600.0
        # Low trust speeds an unanswered rumour: 1.5x its growth at trust 0, 0.5x at 100.
        rate = row.growth * (1.5 - self.trust / 100.0) if live.countered is None else -row.decay
        live.reach = min(live.reach * math.exp(rate * hours), self.spec.population)
        rng = self.kernel.streams.get("community")
        mean = row.calls_per_thousand * live.reach / 1000.0 * hours
        calls = min(MAX_STEP_CALLS, int(rng.poisson(mean)))
        self.kernel.emit(
            "rumour.spread",
            incident=row.about,
            rumour=row.rumour,
            reach=round(live.reach),
            calls=calls,
            answered=live.countered is not None,
        )
        for offset in sorted(rng.uniform(0.0, seconds, calls).tolist()):
            self.kernel.env.process(self._call("rumour", live.psap, offset, row.rumour))
        if live.countered is None:
            self._unanswered(live)
        elif live.reach < row.reach * FADED_SHARE:
            self.kernel.emit("rumour.faded", incident=row.about, rumour=row.rumour)
            return
        self.kernel.at(seconds, self._step, live)

    def _unanswered(self, live: LiveRumour) -> None:
        """An unanswered rumour erodes trust; past its crowd size, people gather."""
        row = live.row
        self._change(-self.spec.effects.rumour_spreading, "rumour_spreading", rumour=row.rumour)
        if row.crowd is None or live.crowd or live.reach < (row.crowd_at or 0.0):
            return
        live.crowd = True
        self.kernel.emit(
            "rumour.crowd", incident=row.crowd.id, rumour=row.rumour, reach=round(live.reach)
        )
        self.incidents.start(row.crowd)

    # -- calls from the public ---------------------------------------------------------

    def _tips(self):
        """Tips at the full-trust rate, each reaching the tip line with chance trust/100."""
        tips = self.spec.tips
        rng = self.kernel.streams.get("community_tips")
        while True:
            yield self.kernel.env.timeout(float(rng.exponential(3600.0 / tips.per_hour)))
            if rng.random() < self.trust / 100.0:
                self.kernel.env.process(self._call("tip", tips.agency, 0.0, None))

    def _call(self, reason: str, psap: str, delay: float, rumour: str | None):
        """A call from the public: it waits for a call-taker like any 911 call."""
        env = self.kernel.env
        if delay > 0:
            yield env.timeout(delay)
        self._calls += 1
        call = f"K{self._calls}"
        self.kernel.emit("community.call", agency=psap, call=call, reason=reason, rumour=rumour)
        arrived = env.now
        spec = self.roster.agency(psap).psap
        with self.switchboard.takers[psap].request() as request:
            yield request
            wait = env.now - arrived
            yield env.timeout(spec.ring_seconds + spec.processing_seconds)
        self.kernel.emit(
            "community.call_handled", agency=psap, call=call, reason=reason, wait=round(wait, 3)
        )
        if reason == "tip":
            self._teach(psap)

    def _teach(self, psap: str) -> None:
        """A tip tells the tip line the next listed fact that is now true.

        A street still open, a precondition not yet met or no casualties yet is nothing
        a caller would ring in about.
        """
        for key in self.spec.tips.facts:
            value = self.incidents.truth(key)
            if key in self._taught or not value or value == "pending":
                continue
            self._taught.add(key)
            self.awareness.learn(psap, key, value, "tip")
            return
