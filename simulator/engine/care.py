"""Patient care on scene: deterioration clocks, START treatment order, loading.

Each waiting patient runs a clock (an immediate patient dies untreated, a delayed one
becomes immediate); treatment pauses it and an interrupted treatment resumes it where
it stood. Idle crews on scene treat the sickest first (START) and transport units load
treated patients, then carry them off.
"""

from collections.abc import Callable

from simulator.engine.incident import CareState, Incident, Patient
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.scenario.incident import CasualtyModel
from simulator.scenario.vocabulary import TRIAGE_ORDER, Capability, Triage

_RANK = {category: rank for rank, category in enumerate(TRIAGE_ORDER)}


class Care:
    """Treatment and loading of every incident's patients."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        incidents: Incidents,
        check_resolved: Callable[[Incident], None],
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        # A loaded crew drives its patients off: transport, wired by the scene's connect.
        self.carry: Callable[[Unit, Incident], None]
        self._check_resolved = check_resolved  # the scene resolves once its patients are gone

    def clock(self, patient: Patient, model: CasualtyModel, left: float | None = None) -> None:
        """Start (or, with ``left``, resume) a patient's deterioration clock."""
        patient.token += 1
        if patient.triage == Triage.IMMEDIATE:
            delay = model.immediate_survival_minutes * 60.0
        elif patient.triage == Triage.DELAYED:
            delay = model.delayed_deterioration_minutes * 60.0
        else:
            return
        if left is not None:
            delay = left
        patient.deadline = self.kernel.env.now + delay
        patient.left = None
        self.kernel.at(delay, self._deteriorate, patient, patient.token)

    def _deteriorate(self, patient: Patient, token: int) -> None:
        if token != patient.token or patient.state != CareState.WAITING:
            return
        incident = self.incidents[patient.incident]
        if patient.triage == Triage.IMMEDIATE:
            patient.state = CareState.DECEASED
            self.kernel.emit(
                "patient.died", incident=incident.id, patient=patient.id, reason="untreated"
            )
            self._check_resolved(incident)
        else:
            patient.triage = Triage.IMMEDIATE
            self.kernel.emit(
                "patient.deteriorated",
                incident=incident.id,
                patient=patient.id,
                triage=patient.triage.value,
            )
            self.clock(patient, incident.casualty_model)

    def assign(self, incident: Incident) -> None:
        """Put idle units on scene to work: load treated patients, else treat the sickest."""
        if incident.resolved or not incident.patients:
            return
        units = self.roster.units
        for unit_id in sorted(incident.on_scene):
            unit = units[unit_id]
            if unit.treating or unit_id not in incident.on_scene:
                continue
            if unit.can(Capability.TRANSPORT) and self._load_all(unit, incident):
                continue
            if not unit.patients and unit.can(Capability.BLS):
                waiting = self._next(incident, CareState.WAITING)
                if waiting:
                    self._treat(unit, waiting, incident)
        for unit_id in sorted(incident.on_scene):
            unit = units[unit_id]
            if (
                unit_id in incident.on_scene
                and unit.patients
                and not unit.treating
                and (
                    len(unit.patients) >= unit.spec.patient_capacity
                    or not self._next(incident, CareState.AWAITING_TRANSPORT)
                )
            ):
                self.carry(unit, incident)
        self._check_resolved(incident)

    def _load_all(self, unit: Unit, incident: Incident) -> bool:
        loaded = False
        while len(unit.patients) < unit.spec.patient_capacity:
            ready = self._next(incident, CareState.AWAITING_TRANSPORT)
            if ready is None:
                break
            self._load(unit, ready)
            loaded = True
        return loaded

    def _next(self, incident: Incident, state: CareState) -> Patient | None:
        candidates = [p for p in incident.patients if p.state == state]
        if not candidates:
            return None
        return min(candidates, key=lambda p: (_RANK[p.triage], p.number))

    def _treat(self, unit: Unit, patient: Patient, incident: Incident) -> None:
        patient.state = CareState.TREATING
        if patient.deadline is not None:  # care pauses the clock; it resumes if abandoned
            patient.left = max(0.0, patient.deadline - self.kernel.env.now)
        patient.token += 1
        unit.treating = patient.id
        model = incident.casualty_model
        minutes = getattr(model, f"treat_minutes_{patient.triage.value}")
        self.kernel.emit(
            "patient.treatment_started",
            agency=unit.agency,
            unit=unit.id,
            incident=incident.id,
            patient=patient.id,
            triage=patient.triage.value,
        )
        self.kernel.at(minutes * 60.0, self._treated, unit, patient, patient.token)

    def _treated(self, unit: Unit, patient: Patient, token: int) -> None:
        if token != patient.token or patient.state != CareState.TREATING:
            return
        unit.treating = None
        incident = self.incidents[patient.incident]
        if patient.needs_transport:
            patient.state = CareState.AWAITING_TRANSPORT
            self.kernel.emit(
                "patient.treated",
                agency=unit.agency,
                unit=unit.id,
                incident=incident.id,
                patient=patient.id,
            )
        else:
            patient.state = CareState.RELEASED
            self.kernel.emit(
                "patient.released",
                agency=unit.agency,
                unit=unit.id,
                incident=incident.id,
                patient=patient.id,
            )
        self.assign(incident)

    def abandon(self, incident: Incident, unit: Unit) -> None:
        """A unit leaves mid-treatment: the patient waits again, its clock resumes."""
        patient = next(p for p in incident.patients if p.id == unit.treating)
        unit.treating = None
        patient.state = CareState.WAITING
        self.kernel.emit(
            "patient.treatment_interrupted",
            agency=unit.agency,
            unit=unit.id,
            incident=incident.id,
            patient=patient.id,
        )
        self.clock(patient, incident.casualty_model, left=patient.left)

    def _load(self, unit: Unit, patient: Patient) -> None:
        patient.state = CareState.LOADED
        unit.patients.append(patient.id)
        self.kernel.emit(
            "patient.loaded",
            agency=unit.agency,
            unit=unit.id,
            incident=patient.incident,
            patient=patient.id,
        )
