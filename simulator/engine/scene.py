"""What happens on scene: work progress, preconditions, casualties and escalation.

Work advances at a rate set by the units present (the scarcest required capability
decides), so progress is piecewise linear and needs one scheduled completion, not a
tick. Stale completions are ignored by token.
"""

from typing import TYPE_CHECKING

from simulator.engine.care import Care
from simulator.engine.incident import OUTCOMES, CareState, Gate, Incident, Patient, Readiness
from simulator.engine.knowledge import fact_key
from simulator.engine.unit import Unit
from simulator.scenario.incident import Casualties, EscalationEffect
from simulator.scenario.vocabulary import (
    CARE,
    SUPERVISORY,
    Capability,
    Triage,
    UnitStatus,
)

if TYPE_CHECKING:
    from simulator.engine.core import Engine

# Patients still waiting for, or in, treatment on scene.
_UNTREATED = (CareState.WAITING, CareState.TREATING)


class Scene:
    """On-scene dynamics for every incident."""

    def __init__(self, engine: "Engine"):
        self.engine = engine
        self.care = Care(engine, self.check_resolved)

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
                self.engine.emit(
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
        units = self.engine.units
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
        engine = self.engine
        now = engine.env.now
        if incident.resolved or incident.work_complete:
            return
        incident.work_done += incident.rate * (now - incident.rate_since)
        incident.rate_since = now
        base = self.rate(incident)
        incident.rate = base * self._span(incident)
        incident.work_token += 1
        if incident.rate > 0:
            remaining = max(0.0, incident.work_total - incident.work_done) / incident.rate
            engine.at(remaining, self._work_done, incident, incident.work_token)
        met = base >= 1.0 and self._supervised(incident)
        if met and incident.unmet_since is not None:
            incident.unmet_since = None
            incident.unmet_token += 1
            engine.emit("incident.requirements_met", incident=incident.id)
        elif not met and incident.unmet_since is None:
            incident.unmet_since = now
            self._arm_escalation(incident)

    def _span(self, incident: Incident) -> float:
        """Span-of-control multiplier; logs when a scene outgrows its supervisors."""
        factor, supervisors, units = self.engine.command.span_factor(incident)
        over = factor < 1.0
        if over != incident.span_exceeded:
            incident.span_exceeded = over
            self.engine.emit(
                "span.exceeded" if over else "span.restored",
                incident=incident.id,
                supervisors=supervisors,
                units=units,
                limit=self.engine.scenario.settings.span_of_control,
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
        self.engine.emit("incident.work_completed", incident=incident.id)
        self.check_resolved(incident)

    # -- escalation ------------------------------------------------------------------

    def _arm_escalation(self, incident: Incident) -> None:
        stages = incident.spec.escalation
        if incident.stage < len(stages):
            self.engine.at(
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
            incident.unmet_since = self.engine.env.now
            self._arm_escalation(incident)

    def escalate(self, incident: Incident, effect: EscalationEffect, reason: str) -> None:
        """Add needs, casualties or a secondary incident, and log why."""
        engine = self.engine
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
                incident.rate_since = engine.env.now
        engine.emit(
            "incident.escalated",
            incident=incident.id,
            reason=reason,
            description=effect.description,
            add_requires={c.value: n for c, n in sorted(effect.add_requires.items())},
            add_casualties=effect.add_casualties.model_dump(),
            secondary=effect.secondary.id if effect.secondary else None,
            requires={c.value: n for c, n in sorted(incident.requires.items())},
        )
        needed = {engine.responsible(incident, c) for c in effect.add_requires}
        if effect.add_casualties.total - effect.add_casualties.deceased:
            needed.add(engine.responsible(incident, Capability.TRANSPORT))
        engine.involve(incident, needed)
        self.add_patients(incident, effect.add_casualties)
        self.update_work(incident)
        self.care.assign(incident)
        if effect.secondary:
            engine.start_incident(effect.secondary, parent=incident.id)

    # -- preconditions ---------------------------------------------------------------

    def _start_gate(self, incident: Incident, gate: Gate, unit: Unit) -> None:
        gate.state = Readiness.WORKING
        gate.token += 1
        self.engine.emit(
            "incident.precondition_started",
            agency=unit.agency,
            unit=unit.id,
            incident=incident.id,
            condition=gate.spec.id,
        )
        self.engine.at(gate.spec.minutes * 60.0, self._gate_worked, incident, gate, gate.token)

    def _gate_worked(self, incident: Incident, gate: Gate, token: int) -> None:
        if token != gate.token or incident.resolved:
            return
        if gate.spec.declare:
            gate.state = Readiness.READY
            agencies = sorted(
                {
                    self.engine.units[u].agency
                    for u in incident.on_scene
                    if self.engine.units[u].can(gate.spec.capability)
                }
            )
            for agency in agencies:
                self.engine.emit(
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
        self.engine.emit(
            "incident.precondition_met",
            agency=by,
            incident=incident.id,
            condition=gate.spec.id,
            name=gate.spec.name,
        )
        engine = self.engine
        key = fact_key("condition", incident.id, gate.spec.id)
        told = {by} if by else {engine.units[u].agency for u in incident.on_scene}
        for agency in sorted(told):
            engine.learn(agency, key, "met", "own")
        engine.emit(
            "fact.critical", incident=incident.id, fact=key, needed_by=self._held(incident, gate)
        )
        self.release_staged(incident, None)
        # Crews still held hear it from the staging manager and radio their dispatch.
        for unit_id in sorted(incident.assigned):
            unit = engine.units[unit_id]
            if unit.status == UnitStatus.STAGED:
                engine.crews.await_word(unit, incident)

    def _held(self, incident: Incident, gate: Gate) -> list[str]:
        """Agencies whose units this precondition holds back."""
        engine = self.engine
        return sorted(
            a
            for a in incident.agencies
            if any(gate.applies(u, engine.agency(a).kind.value) for u in engine.fleet(a))
        )

    def release_staged(self, incident: Incident, agency: str | None) -> None:
        """Staged units (of one agency, or any) that may now go in, do."""
        for unit_id in sorted(incident.assigned):
            unit = self.engine.units[unit_id]
            if agency is not None and unit.agency != agency:
                continue
            if unit.held or unit.status != UnitStatus.STAGED:
                continue  # held by its dispatcher: goes in when ordered
            if not self.engine.blocked(unit, incident):
                self.engine.crews.proceed_from_staging(unit, incident)

    # -- patients --------------------------------------------------------------------

    def add_patients(self, incident: Incident, casualties: Casualties) -> None:
        """Create patients by START category and start their deterioration clocks."""
        if casualties.total == 0:
            return
        model = incident.casualty_model
        for category in (Triage.IMMEDIATE, Triage.DELAYED, Triage.MINOR, Triage.DECEASED):
            for _ in range(getattr(casualties, category.value)):
                patient = Patient(
                    f"{incident.id}-P{len(incident.patients) + 1}", incident.id, category
                )
                incident.patients.append(patient)
                if category == Triage.DECEASED:
                    patient.state = CareState.DECEASED
                else:
                    self.care.clock(patient, model)
        self.engine.emit("incident.casualties", incident=incident.id, **casualties.model_dump())

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
            self.engine.resolve(incident)


def needs(engine: "Engine", incident: Incident) -> dict[Capability, tuple[int, int, int]]:
    """Per capability: (required, assigned, on scene), transport and care included.

    Transport is needed per patient still on scene; a treatment unit is needed while
    patients wait and the incident asked for none. Players ask this on every re-plan,
    so the committed units are read once, unordered (only counts come out).
    """
    units = engine.units
    on_scene = incident.on_scene
    crews = [(units[u], u in on_scene) for u in incident.assigned]
    required = dict(incident.requires)
    transport = incident.transport_need()
    if transport:
        required[Capability.TRANSPORT] = transport
    waiting = any(p.state in _UNTREATED for p in incident.patients)
    if waiting and Capability.ALS not in required and Capability.BLS not in required:
        required[Capability.BLS] = 1
    out = {}
    for capability, count in required.items():
        assigned = present = 0
        seat = capability == Capability.TRANSPORT
        als_will_do = capability == Capability.BLS  # ``Unit.can``, inlined
        for unit, here in crews:
            caps = unit.capabilities
            if (capability in caps or (als_will_do and Capability.ALS in caps)) and not (
                seat and unit.patients
            ):
                assigned += 1
                present += here
        out[capability] = (count, assigned, present)
    return out
