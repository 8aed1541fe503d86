"""What happens on scene: work progress, preconditions, casualties and escalation.

Work advances at a rate set by the units present (the scarcest required capability
decides), so progress is piecewise linear and needs one scheduled completion, not a
tick. Stale completions are ignored by token.
"""

from collections.abc import Callable

from simulator.engine.awareness import Awareness
from simulator.engine.care import Care
from simulator.engine.command import Command
from simulator.engine.crews import Crews
from simulator.engine.incident import OUTCOMES, CareState, Gate, Incident, Patient, Readiness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.events import Event
from simulator.scenario.facts import fact_key
from simulator.scenario.incident import Casualties, EscalationEffect
from simulator.scenario.vocabulary import (
    CARE,
    SUPERVISORY,
    Capability,
    Triage,
    UnitStatus,
)


class Scene:
    """On-scene dynamics for every incident."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        awareness: Awareness,
        incidents: Incidents,
        crews: Crews,
        command: Command,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        self.crews = crews
        self.command = command
        self.care = Care(kernel, roster, incidents, self.check_resolved)

    def connect(self, carry: Callable[[Unit, Incident], None]) -> None:
        """Transport, built on the scene, which carries the patients a crew has loaded."""
        self.care.carry = carry

    # -- what the scene hears ----------------------------------------------------------

    def started(self, event: Event) -> None:
        """A new incident's patients and work (a watcher of ``incident.started``)."""
        incident = self.incidents[event.incident or ""]
        self.add_patients(incident, incident.spec.casualties)
        self.update_work(incident)

    def learned(self, event: Event) -> None:
        """Word that a precondition is met releases the agency's staged crews."""
        key = event.data["fact"]
        incident = self.incidents.get(event.incident or "")
        if incident is not None and key.startswith("condition:") and event.data["value"] == "met":
            self.release_staged(incident, event.agency)

    # -- units arriving and leaving -------------------------------------------------

    def arrive(self, unit: Unit, incident: Incident) -> None:
        """A unit begins work on scene."""
        incident.on_scene.add(unit.id)
        for gate in incident.gates:
            if gate.state == Readiness.PENDING and unit.can(gate.spec.capability):
                self._start_gate(incident, gate, unit)
        self.update_work(incident)
        self.care.assign(incident)

    def leave(self, unit: Unit, incident: Incident) -> None:
        """A unit stops working the incident (recalled, reassigned, out of service)."""
        self.after_departure(incident, self.remove(unit, incident))

    def remove(self, unit: Unit, incident: Incident) -> bool:
        """Take a unit off the incident's lists; True if it was on scene."""
        incident.assigned.discard(unit.id)
        was_on_scene = unit.id in incident.on_scene
        incident.on_scene.discard(unit.id)
        if unit.treating:
            self.care.abandon(incident, unit)
        return was_on_scene

    def after_departure(self, incident: Incident, was_on_scene: bool) -> None:
        """Re-plan the scene once a unit has gone: work rate, preconditions, care."""
        if not was_on_scene or incident.resolved:
            return
        for gate in incident.gates:
            if gate.state == Readiness.WORKING and not self._present(
                incident, gate.spec.capability
            ):
                gate.state = Readiness.PENDING
                gate.token += 1
                self.kernel.emit(
                    "incident.precondition_interrupted",
                    incident=incident.id,
                    condition=gate.spec.id,
                )
        self.update_work(incident)
        self.care.assign(incident)

    def _present(self, incident: Incident, capability: Capability) -> bool:
        return self._count(incident, capability) > 0

    def _count(self, incident: Incident, capability: Capability) -> int:
        """Units on scene that meet a need for ``capability``."""
        units = self.roster.units
        return sum(1 for u in incident.on_scene if units[u].can(capability))

    # -- work ------------------------------------------------------------------------

    def rate(self, incident: Incident) -> float:
        """Work rate: the share of the scarcest requirement on scene, at most 1."""
        work = {c: n for c, n in incident.requires.items() if c not in SUPERVISORY}
        if not work:
            return 1.0 if self._supervised(incident) else 0.0
        return min(1.0, *(self._count(incident, c) / n for c, n in work.items()))

    def _supervised(self, incident: Incident) -> bool:
        return all(
            self._count(incident, c) >= n for c, n in incident.requires.items() if c in SUPERVISORY
        )

    def update_work(self, incident: Incident) -> None:
        """Settle progress so far and reschedule completion at the new rate."""
        now = self.kernel.env.now
        if incident.resolved or incident.work_complete:
            return
        incident.work_done += incident.rate * (now - incident.rate_since)
        incident.rate_since = now
        base = self.rate(incident)
        incident.rate = base * self._span(incident)
        incident.work_token += 1
        met = base >= 1.0 and self._supervised(incident)
        # Work of no time (work_minutes 0) is done once every unit needed is there.
        if incident.rate > 0 and (incident.work_total > 0 or met):
            remaining = max(0.0, incident.work_total - incident.work_done) / incident.rate
            self.kernel.at(remaining, self._work_done, incident, incident.work_token)
        if met and incident.unmet_since is not None:
            incident.unmet_since = None
            incident.unmet_token += 1
            self.kernel.emit("incident.requirements_met", incident=incident.id)
        elif not met and incident.unmet_since is None:
            incident.unmet_since = now
            self._arm_escalation(incident)

    def _span(self, incident: Incident) -> float:
        """Span-of-control multiplier; logs when a scene outgrows its supervisors."""
        factor, supervisors, units = self.command.span_factor(incident)
        over = factor < 1.0
        if over != incident.span_exceeded:
            incident.span_exceeded = over
            self.kernel.emit(
                "span.exceeded" if over else "span.restored",
                incident=incident.id,
                supervisors=supervisors,
                units=units,
                limit=self.roster.scenario.settings.span_of_control,
                factor=round(factor, 3),
            )
        return factor

    def _work_done(self, incident: Incident, token: int) -> None:
        if token != incident.work_token or incident.resolved:
            return
        self._complete(incident)

    def _complete(self, incident: Incident) -> None:
        incident.work_token += 1
        incident.work_done = incident.work_total
        incident.work_complete = True
        incident.unmet_since = None
        incident.unmet_token += 1
        self.kernel.emit("incident.work_completed", incident=incident.id)
        self.check_resolved(incident)

    # -- escalation ------------------------------------------------------------------

    def _arm_escalation(self, incident: Incident) -> None:
        stages = incident.spec.escalation
        if incident.stage < len(stages):
            self.kernel.at(
                stages[incident.stage].after, self._escalation_due, incident, incident.unmet_token
            )

    def _escalation_due(self, incident: Incident, token: int) -> None:
        if token != incident.unmet_token or incident.resolved or incident.work_complete:
            return
        stage = incident.spec.escalation[incident.stage]
        incident.stage += 1
        minutes = round(stage.after / 60)
        self.escalate(incident, stage, f"requirements unmet for {minutes} min")
        if incident.unmet_since is not None:
            incident.unmet_since = self.kernel.env.now
            self._arm_escalation(incident)

    def escalate(self, incident: Incident, effect: EscalationEffect, reason: str) -> None:
        """Add needs, casualties or a secondary incident, and log why."""
        incident.escalations += 1
        for capability, count in effect.add_requires.items():
            incident.requires[capability] = incident.requires.get(capability, 0) + count
        added_work = effect.add_work_minutes * 60.0
        if effect.add_requires and incident.work_total == 0:
            added_work += incident.spec.work_minutes * 60.0
        if added_work or effect.add_requires:
            incident.work_total += added_work
            if incident.work_complete and (added_work or effect.add_requires):
                incident.work_complete = False
                incident.rate = 0.0
                incident.rate_since = self.kernel.env.now
        self.kernel.emit(
            "incident.escalated",
            incident=incident.id,
            reason=reason,
            description=effect.description,
            add_requires={c.value: n for c, n in sorted(effect.add_requires.items())},
            add_casualties=effect.add_casualties.model_dump(),
            secondary=effect.secondary.id if effect.secondary else None,
            requires={c.value: n for c, n in sorted(incident.requires.items())},
        )
        needed = {self.roster.responsible(incident, c) for c in effect.add_requires}
        if effect.add_casualties.total - effect.add_casualties.deceased:
            needed.add(self.roster.responsible(incident, Capability.TRANSPORT))
        self.incidents.involve(incident, needed)
        self.add_patients(incident, effect.add_casualties)
        self.update_work(incident)
        self.care.assign(incident)
        if effect.secondary:
            self.incidents.start(effect.secondary, parent=incident.id)

    # -- preconditions ---------------------------------------------------------------

    def _start_gate(self, incident: Incident, gate: Gate, unit: Unit) -> None:
        gate.state = Readiness.WORKING
        gate.token += 1
        self.kernel.emit(
            "incident.precondition_started",
            agency=unit.agency,
            unit=unit.id,
            incident=incident.id,
            condition=gate.spec.id,
        )
        self.kernel.at(gate.spec.minutes * 60.0, self._gate_worked, incident, gate, gate.token)

    def _gate_worked(self, incident: Incident, gate: Gate, token: int) -> None:
        if token != gate.token or incident.resolved:
            return
        if gate.spec.declare:
            gate.state = Readiness.READY
            agencies = sorted(
                {
                    self.roster.units[u].agency
                    for u in incident.on_scene
                    if self.roster.units[u].can(gate.spec.capability)
                }
            )
            for agency in agencies:
                self.kernel.emit(
                    "incident.precondition_ready",
                    agency=agency,
                    incident=incident.id,
                    condition=gate.spec.id,
                    name=gate.spec.name,
                )
        else:
            self.meet(incident, gate)

    def meet(self, incident: Incident, gate: Gate, by: str | None = None) -> None:
        """A precondition now holds: release the units waiting for it."""
        gate.state = Readiness.MET
        gate.token += 1
        self.kernel.emit(
            "incident.precondition_met",
            agency=by,
            incident=incident.id,
            condition=gate.spec.id,
            name=gate.spec.name,
        )
        key = fact_key("condition", incident.id, gate.spec.id)
        told = {by} if by else {self.roster.units[u].agency for u in incident.on_scene}
        for agency in sorted(told):
            self.awareness.learn(agency, key, "met", "own")
        self.kernel.emit(
            "fact.critical", incident=incident.id, fact=key, needed_by=self._held(incident, gate)
        )
        self.release_staged(incident, None)
        # Crews still held hear it from the staging manager and radio their dispatch.
        for unit_id in sorted(incident.assigned):
            unit = self.roster.units[unit_id]
            if unit.status == UnitStatus.STAGED:
                self.crews.await_word(unit, incident)

    def _held(self, incident: Incident, gate: Gate) -> list[str]:
        """Agencies whose units this precondition holds back."""
        return sorted(
            a
            for a in incident.agencies
            if any(gate.applies(u, self.roster.agency(a).kind.value) for u in self.roster.fleet(a))
        )

    def release_staged(self, incident: Incident, agency: str | None) -> None:
        """Staged units (of one agency, or any) that may now go in, do."""
        for unit_id in sorted(incident.assigned):
            unit = self.roster.units[unit_id]
            if agency is not None and unit.agency != agency:
                continue
            if unit.held or unit.status != UnitStatus.STAGED:
                continue  # held by its dispatcher: goes in when ordered
            if not self.awareness.blocked(unit, incident):
                self.crews.proceed_from_staging(unit, incident)

    # -- patients --------------------------------------------------------------------

    def add_patients(self, incident: Incident, casualties: Casualties) -> None:
        """Create patients by START category and start their deterioration clocks."""
        if casualties.total == 0:
            return
        model = incident.casualty_model
        for category in (Triage.IMMEDIATE, Triage.DELAYED, Triage.MINOR, Triage.DECEASED):
            for _ in range(getattr(casualties, category.value)):
                number = len(incident.patients) + 1
                patient = Patient(f"{incident.id}-P{number}", incident.id, category, number=number)
                incident.patients.append(patient)
                if category == Triage.DECEASED:
                    patient.state = CareState.DECEASED
                else:
                    self.care.clock(patient, model)
        self.kernel.emit("incident.casualties", incident=incident.id, **casualties.model_dump())

    # -- resolution ------------------------------------------------------------------

    def check_resolved(self, incident: Incident) -> None:
        """Resolve when the work is done and every patient has left the scene.

        An incident that needs nothing but patient care (a cardiac arrest needing one
        ALS crew) has done its work once its last patient has left the scene.
        """
        if incident.resolved:
            return
        if any(p.state not in OUTCOMES and p.state != CareState.LOADED for p in incident.patients):
            return
        if not incident.work_complete and incident.patients and set(incident.requires) <= CARE:
            self._complete(incident)
            return  # completing checks resolution again
        if incident.work_complete:
            self.incidents.resolve(incident)
