"""The controlled vocabularies every scenario, the engine and the reports share.

One place defines capabilities, agency kinds, incident types and triage categories so
that a typo in a scenario file is an error, not a silently unmet requirement.
"""

from enum import StrEnum


class AgencyKind(StrEnum):
    """The discipline an agency belongs to; decides who answers which need."""

    POLICE = "police"
    FIRE = "fire"
    EMS = "ems"
    PUBLIC_WORKS = "public_works"
    EMERGENCY_MANAGEMENT = "emergency_management"
    HOSPITAL = "hospital"
    FEDERAL = "federal"


class Capability(StrEnum):
    """What a unit can do on scene; incident requirements are counted in these."""

    PATROL = "patrol"
    TACTICAL = "tactical"
    TRAFFIC_CONTROL = "traffic_control"
    INVESTIGATION = "investigation"
    FIRE_SUPPRESSION = "fire_suppression"
    LADDER = "ladder"
    RESCUE = "rescue"
    HAZMAT = "hazmat"
    ALS = "als"
    BLS = "bls"
    TRANSPORT = "transport"
    COMMAND = "command"
    PUBLIC_WORKS = "public_works"
    CYBER = "cyber"


def provides(capabilities: frozenset[Capability], wanted: Capability) -> bool:
    """Whether a unit with these capabilities meets a need (ALS crews can do BLS)."""
    if wanted in capabilities:
        return True
    return wanted == Capability.BLS and Capability.ALS in capabilities


def meets(capabilities: frozenset[Capability]) -> frozenset[Capability]:
    """Every need a unit with these capabilities meets (see ``provides``)."""
    return frozenset(c for c in Capability if provides(capabilities, c))


# The discipline that normally answers each capability (NIMS resource typing by
# discipline). A scenario may name another agency per incident.
DISCIPLINE: dict[Capability, AgencyKind] = {
    Capability.PATROL: AgencyKind.POLICE,
    Capability.TACTICAL: AgencyKind.POLICE,
    Capability.TRAFFIC_CONTROL: AgencyKind.POLICE,
    Capability.INVESTIGATION: AgencyKind.POLICE,
    Capability.FIRE_SUPPRESSION: AgencyKind.FIRE,
    Capability.LADDER: AgencyKind.FIRE,
    Capability.RESCUE: AgencyKind.FIRE,
    Capability.HAZMAT: AgencyKind.FIRE,
    Capability.ALS: AgencyKind.EMS,
    Capability.BLS: AgencyKind.EMS,
    Capability.TRANSPORT: AgencyKind.EMS,
    Capability.COMMAND: AgencyKind.EMERGENCY_MANAGEMENT,
    Capability.PUBLIC_WORKS: AgencyKind.PUBLIC_WORKS,
    # Cyber incident response (isolate, eradicate, restore: NIST SP 800-61) falls to the
    # jurisdiction's IT department, an infrastructure owner like public works (ESF #2/#3
    # in the National Response Framework). Forensics for a prosecution is investigation,
    # named per incident as the FBI's with ``responsible``.
    Capability.CYBER: AgencyKind.PUBLIC_WORKS,
}

# Supervisory capabilities: required and dispatched like others, but their absence
# does not stop the crews' work (span of control models their effect).
SUPERVISORY = frozenset({Capability.COMMAND})
# Patient care: needed only while patients are on scene.
CARE = frozenset({Capability.ALS, Capability.BLS, Capability.TRANSPORT})

# Capabilities that let a unit treat patients on scene.
TREATMENT = frozenset({Capability.ALS, Capability.BLS})


class IncidentType(StrEnum):
    """Incident types; the view picks an icon per type."""

    STRUCTURE_FIRE = "structure_fire"
    VEHICLE_FIRE = "vehicle_fire"
    WILDLAND_FIRE = "wildland_fire"
    HAZMAT_RELEASE = "hazmat_release"
    EXPLOSION = "explosion"
    TRAFFIC_COLLISION = "traffic_collision"
    MEDICAL = "medical"
    MASS_CASUALTY = "mass_casualty"
    SHOOTING = "shooting"
    ASSAULT = "assault"
    ROBBERY = "robbery"
    BURGLARY = "burglary"
    GANG_VIOLENCE = "gang_violence"
    DRUG_LAB = "drug_lab"
    DRUG_TRAFFICKING = "drug_trafficking"
    HUMAN_TRAFFICKING = "human_trafficking"
    CYBER_ATTACK = "cyber_attack"
    TERRORISM = "terrorism"
    SUSPICIOUS_PACKAGE = "suspicious_package"
    CIVIL_DISTURBANCE = "civil_disturbance"
    MISSING_PERSON = "missing_person"
    INFRASTRUCTURE_FAILURE = "infrastructure_failure"
    TRAFFIC_HAZARD = "traffic_hazard"


class Triage(StrEnum):
    """START triage categories (see docs and shared doctrine)."""

    IMMEDIATE = "immediate"
    DELAYED = "delayed"
    MINOR = "minor"
    DECEASED = "deceased"


# Transport order: the sickest first (START).
TRIAGE_ORDER = (Triage.IMMEDIATE, Triage.DELAYED, Triage.MINOR)


class UnitStatus(StrEnum):
    """A unit's lifecycle states; every transition is an event ``unit.<status>``."""

    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    STAGED = "staged"
    ON_SCENE = "on_scene"
    TRANSPORTING = "transporting"
    AT_HOSPITAL = "at_hospital"
    RETURNING = "returning"
    OUT_OF_SERVICE = "out_of_service"


class HazardKind(StrEnum):
    """What can hurt responders who do not know it is there."""

    CHEMICAL = "chemical"
    FIRE = "fire"
    ARMED_SUSPECT = "armed_suspect"
    STRUCTURAL = "structural"
    ELECTRICAL = "electrical"
    EXPLOSIVE = "explosive"
    BIOLOGICAL = "biological"
    RADIOLOGICAL = "radiological"
    TRAFFIC = "traffic"


# Who recognises a hazard on arrival without being harmed by it.
DETECTS: dict[HazardKind, frozenset[Capability]] = {
    HazardKind.CHEMICAL: frozenset({Capability.HAZMAT}),
    HazardKind.BIOLOGICAL: frozenset({Capability.HAZMAT}),
    HazardKind.RADIOLOGICAL: frozenset({Capability.HAZMAT}),
    HazardKind.FIRE: frozenset({Capability.FIRE_SUPPRESSION}),
    HazardKind.ARMED_SUSPECT: frozenset({Capability.TACTICAL}),
    HazardKind.STRUCTURAL: frozenset({Capability.RESCUE}),
    HazardKind.ELECTRICAL: frozenset({Capability.PUBLIC_WORKS}),
    HazardKind.EXPLOSIVE: frozenset({Capability.TACTICAL, Capability.HAZMAT}),
    HazardKind.TRAFFIC: frozenset({Capability.TRAFFIC_CONTROL}),
}

# What a crew waiting at the perimeter sees from outside on its 360-degree size-up
# (NFPA 1500/1561): damage to a structure, fire, downed lines and traffic show from the
# street; a chemical, an agent, a device or an armed subject inside do not.
SEEN_FROM_PERIMETER = frozenset(
    {HazardKind.STRUCTURAL, HazardKind.FIRE, HazardKind.ELECTRICAL, HazardKind.TRAFFIC}
)


# A scene made ready by a precondition is safe only from the hazards its crews deal
# with: those their capability detects, and for police securing a scene, armed
# suspects and traffic too. A "scene secure" by patrol does not make a damaged
# structure safe for an engine crew nobody told of it.
SECURED_BY_PATROL = frozenset({HazardKind.ARMED_SUSPECT, HazardKind.TRAFFIC})


def secures(capability: Capability, kind: HazardKind, detectors: frozenset[Capability]) -> bool:
    """Whether a precondition met by ``capability`` makes a hazard of ``kind`` safe."""
    if capability in detectors:
        return True
    return capability == Capability.PATROL and kind in SECURED_BY_PATROL


class Metric(StrEnum):
    """Measurements an objective can set a target on (scoring gives them meaning)."""

    CALL_ANSWER = "call_answer"
    CALL_PROCESSING = "call_processing"
    TURNOUT = "turnout"
    TRAVEL = "travel"
    FIRST_ON_SCENE = "first_on_scene"
    FULL_ASSIGNMENT_ON_SCENE = "full_assignment_on_scene"
    CASUALTIES_DECEASED = "casualties_deceased"
    CASUALTIES_TRANSPORTED = "casualties_transported"
    INCIDENTS_ESCALATED = "incidents_escalated"
    INCIDENTS_RESOLVED = "incidents_resolved"
    UNIFIED_COMMAND_TIME = "unified_command_time"
    FACT_LATENCY = "fact_latency"
    MESSAGES_LOST = "messages_lost"
    DUPLICATE_ASSIGNMENTS = "duplicate_assignments"
    UNSAFE_ENTRIES = "unsafe_entries"
    SPAN_OF_CONTROL_BREACHES = "span_of_control_breaches"
    IDLE_CAPABLE_UNITS = "idle_capable_units"
    FIRST_STATEMENT_TIME = "first_statement_time"
    RUMOURS_COUNTERED = "rumours_countered"
    TRUST_AT_END = "trust_at_end"
    VERIFICATION_TIME = "verification_time"
    HOAX_COMMITMENTS = "hoax_commitments"
    SYSTEM_DOWNTIME = "system_downtime"


# Metrics measured in seconds, one sample per duty (the rest are counts): a target on
# one of them is judged on a statistic of the samples, a percentile or the mean.
TIMED_METRICS = frozenset(
    {
        Metric.CALL_ANSWER,
        Metric.CALL_PROCESSING,
        Metric.TURNOUT,
        Metric.TRAVEL,
        Metric.FIRST_ON_SCENE,
        Metric.FULL_ASSIGNMENT_ON_SCENE,
        Metric.UNIFIED_COMMAND_TIME,
        Metric.FACT_LATENCY,
        Metric.FIRST_STATEMENT_TIME,
        Metric.VERIFICATION_TIME,
        Metric.SYSTEM_DOWNTIME,
    }
)

# Metrics where more is better (an exercise wants many resolved, few deceased): a measure
# on one of them says ``at_most: false``; on any other, the default ``at_most: true``.
MORE_IS_BETTER = frozenset(
    {
        Metric.CASUALTIES_TRANSPORTED,
        Metric.INCIDENTS_RESOLVED,
        Metric.RUMOURS_COUNTERED,
        Metric.TRUST_AT_END,
    }
)

# NFPA 1710 (2020): the initial full alarm to a 2,000 ft2 single-family house, and with
# an aerial device in use (the doctrine reference, response standards).
FIRST_ALARM_STAFF = 16
FIRST_ALARM_STAFF_AERIAL = 17
