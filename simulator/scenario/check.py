"""Cross-reference checks pydantic cannot express field by field.

Every problem is collected, not just the first, so a trainer fixes a file in one pass.
"""

from collections.abc import Iterator

from simulator.scenario.incident import IncidentSpec
from simulator.scenario.limits import shown
from simulator.scenario.model import Scenario
from simulator.scenario.msel import (
    EscalationInject,
    Fault,
    IncidentInject,
    InformationInject,
    ResourceChange,
)
from simulator.scenario.plan import default_plan
from simulator.scenario.problem import Problem
from simulator.scenario.vocabulary import DISCIPLINE, AgencyKind, Capability

REQUIRED_KINDS = (AgencyKind.POLICE, AgencyKind.FIRE, AgencyKind.EMS)


def incidents(scenario: Scenario) -> Iterator[tuple[str, float, IncidentSpec]]:
    """Every incident spec with its field path and release time, secondaries included."""
    for index, row in enumerate(scenario.msel):
        if isinstance(row, IncidentInject):
            yield from _with_secondaries(f"msel.{index}.incident", row.time, row.incident)
        elif isinstance(row, EscalationInject) and row.secondary:
            yield from _with_secondaries(f"msel.{index}.secondary", row.time, row.secondary)


def _with_secondaries(
    path: str, time: float, spec: IncidentSpec
) -> Iterator[tuple[str, float, IncidentSpec]]:
    yield path, time, spec
    for index, stage in enumerate(spec.escalation):
        if stage.secondary:
            yield from _with_secondaries(
                f"{path}.escalation.{index}.secondary", time, stage.secondary
            )


def responsible_agency(scenario: Scenario, spec: IncidentSpec, capability: Capability) -> str:
    """The agency that answers ``capability`` at this incident, or "" if none can."""
    if capability in spec.responsible:
        return spec.responsible[capability]
    kind = DISCIPLINE[capability]
    for agency in scenario.agencies:
        if agency.kind == kind and agency.is_home:
            return agency.id
    return ""


def problems(scenario: Scenario) -> list[Problem]:
    """All cross-reference problems in a parsed scenario."""
    found: list[Problem] = []
    found += _unique(scenario)
    found += _agencies(scenario)
    found += _resources(scenario)
    found += _msel(scenario)
    found += _comms(scenario)
    for path, _, spec in incidents(scenario):
        found += _incident(scenario, path, spec)
    for index, objective in enumerate(scenario.scoring.objectives):
        for m_index, measure in enumerate(objective.measures):
            if measure.agency and measure.agency not in _agency_ids(scenario):
                found.append(
                    Problem(
                        f"scoring.objectives.{index}.measures.{m_index}.agency",
                        f"unknown agency {shown(measure.agency)}",
                    )
                )
    return found


def _agency_ids(scenario: Scenario) -> set[str]:
    return {a.id for a in scenario.agencies}


def _duplicates(path: str, ids: list[str]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for index, ident in enumerate(ids):
        if ident in seen:
            out.append(Problem(f"{path}.{index}.id", f"duplicate id {shown(ident)}"))
        seen.add(ident)
    return out


def _unique(scenario: Scenario) -> list[Problem]:
    found = []
    for name in ("agencies", "stations", "hospitals", "staging_areas", "units"):
        found += _duplicates(name, [item.id for item in getattr(scenario, name)])
    comms = scenario.communications
    found += _duplicates("communications.systems", [s.id for s in comms.systems])
    found += _duplicates("communications.channels", [c.id for c in comms.channels])
    for index, system in enumerate(comms.systems):
        found += _duplicates(f"communications.systems.{index}.sites", [s.id for s in system.sites])
    found += _duplicates("scoring.objectives", [o.id for o in scenario.scoring.objectives])
    seen_inc: set[str] = set()
    for path, _, spec in incidents(scenario):
        if spec.id in seen_inc:
            found.append(Problem(f"{path}.id", f"duplicate incident id {shown(spec.id)}"))
        seen_inc.add(spec.id)
        found += _duplicates(f"{path}.hazards", [h.id for h in spec.hazards])
        found += _duplicates(f"{path}.preconditions", [p.id for p in spec.preconditions])
    seqs: set[int] = set()
    for index, row in enumerate(scenario.msel):
        if row.seq in seqs:
            found.append(Problem(f"msel.{index}.seq", f"duplicate sequence number {row.seq}"))
        seqs.add(row.seq)
    return found


def _agencies(scenario: Scenario) -> list[Problem]:
    found = []
    kinds = {a.kind for a in scenario.agencies if a.is_home}
    for kind in REQUIRED_KINDS:
        if kind not in kinds:
            found.append(Problem("agencies", f"needs a home {kind.value} agency"))
    ids = _agency_ids(scenario)
    for index, agency in enumerate(scenario.agencies):
        for a_index, partner in enumerate(agency.mutual_aid):
            path = f"agencies.{index}.mutual_aid.{a_index}"
            if partner not in ids:
                found.append(Problem(path, f"unknown agency {shown(partner)}"))
            elif partner == agency.id:
                found.append(Problem(path, "an agency cannot ask itself for mutual aid"))
    return found


def _resources(scenario: Scenario) -> list[Problem]:
    found = []
    ids = _agency_ids(scenario)
    stations = {s.id for s in scenario.stations}
    for index, station in enumerate(scenario.stations):
        if station.agency not in ids:
            found.append(
                Problem(f"stations.{index}.agency", f"unknown agency {shown(station.agency)}")
            )
    for index, hospital in enumerate(scenario.hospitals):
        if hospital.agency and hospital.agency not in ids:
            found.append(
                Problem(f"hospitals.{index}.agency", f"unknown agency {shown(hospital.agency)}")
            )
    for index, unit in enumerate(scenario.units):
        if unit.agency not in ids:
            found.append(Problem(f"units.{index}.agency", f"unknown agency {shown(unit.agency)}"))
        if unit.station not in stations:
            found.append(
                Problem(f"units.{index}.station", f"unknown station {shown(unit.station)}")
            )
    return found


def _msel(scenario: Scenario) -> list[Problem]:
    found = []
    ids = _agency_ids(scenario)
    objectives = {o.id for o in scenario.scoring.objectives}
    units = {u.id for u in scenario.units}
    released = {spec.id: time for _, time, spec in incidents(scenario)}
    duration = scenario.metadata.duration
    for index, row in enumerate(scenario.msel):
        path = f"msel.{index}"
        if row.time > duration:
            found.append(Problem(f"{path}.time", "falls after the end of the exercise"))
        for t_index, agency in enumerate(row.to):
            if agency not in ids:
                found.append(Problem(f"{path}.to.{t_index}", f"unknown agency {shown(agency)}"))
        for o_index, objective in enumerate(row.objectives):
            if objective not in objectives:
                found.append(
                    Problem(f"{path}.objectives.{o_index}", f"unknown objective {shown(objective)}")
                )
        if isinstance(row, ResourceChange) and row.unit not in units:
            found.append(Problem(f"{path}.unit", f"unknown unit {shown(row.unit)}"))
        if isinstance(row, EscalationInject):
            if row.incident not in released:
                found.append(Problem(f"{path}.incident", f"unknown incident {shown(row.incident)}"))
            elif released[row.incident] > row.time:
                found.append(
                    Problem(f"{path}.incident", f"incident {shown(row.incident)} starts later")
                )
    return found


def _incident(scenario: Scenario, path: str, spec: IncidentSpec) -> list[Problem]:
    found = []
    ids = _agency_ids(scenario)
    offered = {cap for unit in scenario.units for cap in unit.capabilities}
    for field, agency in (("lead", spec.lead), ("calls.agency", spec.calls.agency)):
        if agency and agency not in ids:
            found.append(Problem(f"{path}.{field}", f"unknown agency {shown(agency)}"))
    for capability, agency in spec.responsible.items():
        if agency not in ids:
            found.append(
                Problem(f"{path}.responsible.{capability.value}", f"unknown agency {shown(agency)}")
            )
    for capability in spec.requires:
        where = f"{path}.requires.{capability.value}"
        if capability not in offered:
            found.append(Problem(where, f"no unit in the scenario has {shown(capability.value)}"))
        elif not responsible_agency(scenario, spec, capability):
            found.append(
                Problem(where, f"no home {DISCIPLINE[capability].value} agency answers it")
            )
    for index, pre in enumerate(spec.preconditions):
        if pre.capability not in offered:
            found.append(
                Problem(
                    f"{path}.preconditions.{index}.capability",
                    f"no unit in the scenario has {shown(pre.capability.value)}",
                )
            )
        kinds = {kind.value for kind in AgencyKind}
        for a_index, agency in enumerate(pre.blocks_agencies):
            if agency not in ids and agency not in kinds:
                found.append(
                    Problem(
                        f"{path}.preconditions.{index}.blocks_agencies.{a_index}",
                        f"unknown agency or agency kind {shown(agency)}",
                    )
                )
    living = spec.casualties.immediate + spec.casualties.delayed + spec.casualties.minor
    if not spec.requires and not living:
        found.append(Problem(f"{path}.requires", "the incident needs no units and has no patients"))
    if spec.casualties.immediate + spec.casualties.delayed:
        if not scenario.hospitals:
            found.append(Problem(f"{path}.casualties", "patients need a hospital; none declared"))
        if Capability.TRANSPORT not in offered:
            found.append(Problem(f"{path}.casualties", "patients need a transport unit; none"))
    return found


FACT_TOPICS = ("incident", "casualties", "hazard", "condition", "closure")


def fact_problem(scenario: Scenario, key: str) -> str:
    """Why a fact key does not name something in this scenario, or ""."""
    topic, _, subject = key.partition(":")
    if topic not in FACT_TOPICS or not subject:
        return f"expected topic:subject with a topic of {', '.join(FACT_TOPICS)}, got {shown(key)}"
    if topic == "closure":
        return ""
    incident, _, part = subject.partition("/")
    specs = {spec.id: spec for _, _, spec in incidents(scenario)}
    if incident not in specs:
        return f"unknown incident {shown(incident)}"
    spec = specs[incident]
    if topic == "hazard" and part not in {h.id for h in spec.hazards}:
        return f"incident {shown(incident)} has no hazard {shown(part)}"
    if topic == "condition" and part not in {p.id for p in spec.preconditions}:
        return f"incident {shown(incident)} has no precondition {shown(part)}"
    return ""


def _comms(scenario: Scenario) -> list[Problem]:
    found = []
    comms = scenario.communications
    ids = _agency_ids(scenario)
    kinds = {kind.value for kind in AgencyKind}
    systems = {s.id for s in comms.systems}
    sites = {site.id for s in comms.systems for site in s.sites}
    channels = {c.id for c in default_plan(scenario)[1]}
    for index, agency in enumerate(scenario.agencies):
        if agency.radio_system and agency.radio_system not in systems:
            found.append(
                Problem(
                    f"agencies.{index}.radio_system",
                    f"unknown radio system {shown(agency.radio_system)}",
                )
            )
    for index, channel in enumerate(comms.channels):
        path = f"communications.channels.{index}"
        if channel.system and channel.system not in systems:
            found.append(Problem(f"{path}.system", f"unknown radio system {shown(channel.system)}"))
        for m_index, member in enumerate(channel.members):
            if member not in ids and member not in kinds:
                found.append(
                    Problem(f"{path}.members.{m_index}", f"unknown agency or kind {shown(member)}")
                )
    targets = {"radio_site": sites, "cad": ids, "phone": channels, "congestion": channels}
    for index, row in enumerate(scenario.msel):
        if isinstance(row, Fault) and row.target not in targets[row.fault]:
            what = {"radio_site": "radio site", "cad": "agency"}.get(row.fault, "channel")
            found.append(Problem(f"msel.{index}.target", f"unknown {what} {shown(row.target)}"))
        if isinstance(row, InformationInject):
            for f_index, key in enumerate(row.facts):
                reason = fact_problem(scenario, key)
                if reason:
                    found.append(Problem(f"msel.{index}.facts.{f_index}", reason))
    return found
