"""Patients to hospital: which hospital, the drive, the handover and the bed it holds.

A loaded unit leaves the scene for the hospital named for it by command, else the one
its agency's destination plan names for the incident and its sickest patient's
category, if the hospital has room when the crew calls ahead, else the nearest with
room, else the nearest (over capacity); only hospitals an open road leads to. A crew
whose road to hospital closes on the way diverts to the nearest it can still reach.
Each patient holds a bed from departure until their stay after delivery is over,
so beds turn over in long runs; a patient taken to a crowded department (past 85% of
its beds) keeps the crew waiting to offload.
"""

import math
from collections.abc import Iterable

from simulator.engine.crews import Crews
from simulator.engine.hospital import Hospital
from simulator.engine.incident import CareState, Incident, Patient
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.movement import Movement
from simulator.engine.roster import Roster
from simulator.engine.scene import Scene
from simulator.engine.unit import Unit
from simulator.events import Event
from simulator.scenario.vocabulary import Triage, UnitStatus


class Transport:
    """Transports of patients from scenes to hospitals."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        incidents: Incidents,
        movement: Movement,
        crews: Crews,
        scene: Scene,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        self.movement = movement
        self.crews = crews
        self.scene = scene
        atlas = roster.atlas
        self.hospitals = {
            h.id: Hospital(h, atlas.locate(h.location))
            for h in sorted(roster.scenario.hospitals, key=lambda h: h.id)
        }
        # (incident, agency, category) -> hospital: each agency's destination plan.
        self.destinations: dict[tuple[str, str, Triage], str] = {}
        self._crowded: set[str] = set()  # patients on their way to a crowded department
        self._aboard: dict[str, Patient] = {}  # patients in an ambulance, by id

    def order(self, unit: Unit, hospital: str) -> None:
        """A dispatcher names the hospital a unit is to take its patients to."""
        unit.hospital = hospital

    def plan(self, incident: str, agency: str, triage: Triage, hospital: str) -> None:
        """An agency's destination for a category of patient from an incident."""
        self.destinations[(incident, agency, triage)] = hospital

    def choose_hospital(self, unit: Unit, incident: Incident, triage: Triage) -> Hospital:
        """The hospital named for the unit, else the plan's; else the nearest with room.

        A named hospital is taken only if it has room and an open road leads there;
        failing those, the nearest an open road leads to, with room if one has it. With
        every hospital cut off, the first by id: the crew waits for a road to reopen.
        """
        hospitals = self.hospitals
        roads = self.roster.atlas.roads
        for named in (unit.hospital, self.destinations.get((incident.id, unit.agency, triage))):
            if not named or not hospitals[named].has_room(triage):
                continue
            if math.isfinite(roads.seconds_to(hospitals[named].node)[incident.node]):
                return hospitals[named]
        return self._nearest(incident.node, triage) or hospitals[min(hospitals)]

    def _nearest(self, node: int, triage: Triage) -> Hospital | None:
        """The nearest hospital reachable from ``node`` with room, else the nearest reachable."""
        roads = self.roster.atlas.roads
        reached = sorted(
            (seconds, h.id)
            for h in self.hospitals.values()
            if math.isfinite(seconds := float(roads.seconds_to(h.node)[node]))
        )
        ranked = [self.hospitals[h] for _, h in reached]
        return next((h for h in ranked if h.has_room(triage)), ranked[0] if ranked else None)

    def carry(self, unit: Unit, incident: Incident) -> None:
        """A loaded unit leaves the scene for hospital."""
        sickest = _sickest(p for p in incident.patients if p.id in unit.patients)
        hospital = self.choose_hospital(unit, incident, sickest.triage)
        for patient in incident.patients:
            if patient.id in unit.patients:
                self._aboard[patient.id] = patient
                self._reserve(hospital, incident, patient)
        was_on_scene = self.scene.remove(unit, incident)
        self._leave_for(unit, hospital)
        unit.incident = None
        self.scene.after_departure(incident, was_on_scene)

    def no_route(self, event: Event) -> None:
        """A transport cut off from its hospital diverts once its crew has stopped."""
        unit = self.roster.units[event.unit]
        if unit.status == UnitStatus.TRANSPORTING and unit.patients:
            self.kernel.at(0.0, self._divert, unit)

    def road_opened(self, event: Event) -> None:
        """A transport waiting with no hospital in reach tries again once its crew can."""
        for unit in self.roster.sorted_units():
            if unit.status == UnitStatus.TRANSPORTING and unit.stranded and unit.patients:
                self.kernel.at(0.0, self._divert, unit)

    def _divert(self, unit: Unit) -> None:
        """Take the patients aboard to the nearest hospital an open road still leads to.

        The beds held at the first hospital are given back there. With no hospital in
        reach, the crew waits with its patients for a road to reopen.
        """
        if unit.status != UnitStatus.TRANSPORTING or not unit.stranded:
            return
        node, _ = self.movement.origin(unit)
        sickest = _sickest(self._aboard[p] for p in unit.patients)
        hospital = self._nearest(node, sickest.triage)
        if hospital is not None and hospital.id != unit.hospital:
            self.redirect(unit, hospital)

    def redirect(self, unit: Unit, hospital: Hospital) -> None:
        """A transport goes on to ``hospital`` instead; its beds are given back at the first.

        Ordered by its dispatcher, or done by the crew whose road to hospital closed.
        """
        aboard = [self._aboard[p] for p in unit.patients]
        first = self.hospitals[unit.hospital]
        for patient in aboard:
            self._crowded.discard(patient.id)
            self._bed_freed(first, patient.triage)
            self._reserve(hospital, self.incidents[patient.incident], patient)
        self._leave_for(unit, hospital, diverted_from=first.id)

    def _leave_for(self, unit: Unit, hospital: Hospital, **extra: str) -> None:
        """Start the drive to ``hospital`` and log the transport, with its route and ETA."""
        unit.hospital = hospital.id
        self.movement.send(unit, hospital.node, self._at_hospital)
        self.crews.set_status(
            unit,
            UnitStatus.TRANSPORTING,
            hospital=hospital.id,
            patients=list(unit.patients),
            path=self.movement.path_ids(unit),
            eta=round(float(unit.trip.end), 3),
            **extra,
        )

    def _reserve(self, hospital: Hospital, incident: Incident, patient: Patient) -> None:
        """Hold a bed for a patient, telling of a full or crowded department."""
        triage = patient.triage
        if not hospital.reserve(triage):
            self.kernel.emit(
                "hospital.over_capacity",
                incident=incident.id,
                hospital=hospital.id,
                triage=triage.value,
            )
        if hospital.crowded(triage):
            self._crowded.add(patient.id)
            self.kernel.emit(
                "hospital.crowded",
                incident=incident.id,
                hospital=hospital.id,
                patient=patient.id,
                triage=triage.value,
                in_use=hospital.used[triage],
                beds=hospital.capacity(triage),
            )

    def _bed_freed(self, hospital: Hospital, triage: Triage) -> None:
        hospital.release(triage)
        self.kernel.emit("hospital.bed_freed", hospital=hospital.id, triage=triage.value)

    def _at_hospital(self, unit: Unit) -> None:
        hospital = unit.hospital
        handover = 0.0
        for patient_id in unit.patients:
            patient = self._aboard.pop(patient_id)
            incident = self.incidents[patient.incident]
            patient.state = CareState.TRANSPORTED
            model = incident.casualty_model
            minutes = model.handover_minutes
            if patient_id in self._crowded:
                self._crowded.discard(patient_id)
                minutes += model.crowded_offload_minutes
            handover = max(handover, minutes * 60.0)
            bed = self.hospitals[hospital]
            self.kernel.at(bed.stay(patient.triage), self._bed_freed, bed, patient.triage)
            self.kernel.emit(
                "patient.delivered",
                agency=unit.agency,
                unit=unit.id,
                incident=incident.id,
                patient=patient_id,
                hospital=hospital,
                triage=patient.triage.value,
            )
        unit.patients = []
        self.crews.set_status(unit, UnitStatus.AT_HOSPITAL, hospital=hospital)
        unit.hospital = None
        unit.epoch += 1
        self.kernel.at(handover, self._handed_over, unit, unit.epoch)

    def _handed_over(self, unit: Unit, epoch: int) -> None:
        if unit.epoch != epoch or unit.status != UnitStatus.AT_HOSPITAL:
            return
        reason = self.crews.pending_out_of_service.pop(unit.id, None)
        if reason is None:
            self.crews.send_home(unit)
        else:
            self.crews.take_out_of_service(unit, reason)


def _sickest(patients: Iterable[Patient]) -> Patient:
    """The patient whose category chooses the hospital: immediate first, then by id."""
    return min(patients, key=lambda p: (p.triage != Triage.IMMEDIATE, p.id))
