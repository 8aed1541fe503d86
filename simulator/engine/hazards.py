"""Hazards on arrival: a unit sizes up the scene, and what nobody told it of hurts it.

A crew held at the perimeter sees from outside only what shows from the street.
A hazard its agency knows of, or one its own capability recognises (hazmat a chemical,
a tactical team an armed subject), does no harm; so does one a met precondition has
made safe for it. Any other strikes once per unit: the crew is injured, the unit goes
out of service, or there are more casualties, as the scenario says.
"""

from simulator.engine.awareness import Awareness
from simulator.engine.crews import Crews
from simulator.engine.incident import Incident, Readiness
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.engine.scene import Scene
from simulator.engine.traffic import Traffic
from simulator.engine.unit import Unit
from simulator.scenario.facts import fact_key
from simulator.scenario.incident import Casualties, Hazard
from simulator.scenario.vocabulary import (
    SEEN_FROM_PERIMETER,
    Capability,
    HazardKind,
    secures,
)


class Hazards:
    """Sizing up scenes and the harm of hazards nobody reported."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        awareness: Awareness,
        incidents: Incidents,
        traffic: Traffic,
        crews: Crews,
        scene: Scene,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.awareness = awareness
        self.incidents = incidents
        self.traffic = traffic
        self.crews = crews
        self.scene = scene
        self._harmed: set[tuple[str, str]] = set()  # (unit, hazard fact) already struck

    def observe(self, unit: Unit, incident: Incident) -> bool:
        """A unit sizes up the scene and reports; False if a hazard put it out of action."""
        seen: dict[str, object] = {
            fact_key("incident", incident.id): self.incidents.truth(
                fact_key("incident", incident.id)
            )
        }
        if incident.patients:
            seen[fact_key("casualties", incident.id)] = len(incident.patients)
        fit = True
        for hazard in incident.spec.hazards:
            key = fact_key("hazard", incident.id, hazard.id)
            seen[key] = hazard.kind.value
            detectors = hazard.detectors
            if self.awareness.knowledge.knows(unit.agency, key) or any(
                unit.can(c) for c in detectors
            ):
                continue
            if self._made_safe(unit, incident, hazard.kind, detectors):
                continue
            if (unit.id, key) not in self._harmed:
                self._harmed.add((unit.id, key))
                fit = self._harm(unit, incident, hazard) and fit
        self.traffic.report(unit, incident.id, seen)
        return fit

    def size_up_outside(self, unit: Unit, incident: Incident) -> None:
        """A crew stopped at the perimeter reports what it recognises from outside.

        Nobody enters, so nothing strikes; a hazard hidden inside stays unknown.
        """
        seen = {
            fact_key("hazard", incident.id, h.id): h.kind.value
            for h in incident.spec.hazards
            if h.kind in SEEN_FROM_PERIMETER and any(unit.can(c) for c in h.detectors)
        }
        if seen:
            self.traffic.report(unit, incident.id, seen)

    def _made_safe(
        self, unit: Unit, incident: Incident, kind: HazardKind, detectors: frozenset[Capability]
    ) -> bool:
        """Whether a met precondition has made this hazard safe for this unit.

        It has for the crews it held back (that is why they waited) and, for everyone,
        from the hazards its own crews deal with.
        """
        agency_kind = self.roster.agency(unit.agency).kind.value
        return any(
            g.state == Readiness.MET
            and (g.applies(unit, agency_kind) or secures(g.spec.capability, kind, detectors))
            for g in incident.gates
        )

    def _harm(self, unit: Unit, incident: Incident, hazard: Hazard) -> bool:
        """An unknown hazard strikes; returns whether the unit can still work."""
        self.kernel.emit(
            "unit.harmed",
            agency=unit.agency,
            unit=unit.id,
            incident=incident.id,
            hazard=hazard.kind.value,
            effect=hazard.harm,
            count=hazard.harm_count,
        )
        bystanders = hazard.harm == "casualties"  # the crew works on; others are hurt
        if bystanders or hazard.harm == "crew_injured":
            count = hazard.harm_count
            hurt = Casualties(immediate=count) if bystanders else Casualties(delayed=count)
            self.scene.add_patients(incident, hurt)
            self.incidents.involve(
                incident, {self.roster.responsible(incident, Capability.TRANSPORT)}
            )
        if bystanders:
            return True
        self.crews.take_out_of_service(unit, f"harmed by an unknown {hazard.kind.value} hazard")
        return False
