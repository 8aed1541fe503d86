"""Cross-reference checks pydantic cannot express field by field.

Every problem is collected, not just the first, so a trainer fixes a file in one pass.
An unknown id is reported with the ids that would do (``unknown channel 'mpd'
(channels: cad-link, ...)``). The checks also run on a scenario from which the items
that failed the schema were left out: ``whole`` then names the sections still
complete, and a check that needs a section that is not (an id that may name an item
left out, a count that may miss one) is skipped, so nothing false is reported.
"""

from collections.abc import Iterable, Iterator

from simulator.scenario.comms import Channel
from simulator.scenario.facts import TOPICS, FactKey
from simulator.scenario.incident import IncidentSpec
from simulator.scenario.limits import shown
from simulator.scenario.model import Scenario
from simulator.scenario.msel import (
    EscalationInject,
    Fault,
    IncidentInject,
    InformationInject,
    ResourceChange,
    RumourInject,
)
from simulator.scenario.operations import confrontation_id, confrontation_spec
from simulator.scenario.plan import default_plan
from simulator.scenario.problem import Problem
from simulator.scenario.timing import format_offset
from simulator.scenario.vocabulary import DISCIPLINE, AgencyKind, Capability, meets

REQUIRED_KINDS = (AgencyKind.POLICE, AgencyKind.FIRE, AgencyKind.EMS)
# Agencies a hospital may belong to: its own, or an EMS service that runs it.
HOSPITAL_KINDS = (AgencyKind.HOSPITAL, AgencyKind.EMS)
# The scenario's top-level sections, as the model declares them (the format aside).
SECTIONS = frozenset(Scenario.model_fields) - {"scenario_format"}
MAX_CHOICES = 20  # ids listed after an unknown one; the rest are counted


def unknown(what: str, value: object, choices: Iterable[str], plural: str = "") -> str:
    """``unknown WHAT 'value' (WHATs: a, b, c)``: the reason, with what would do."""
    names = sorted(set(choices))
    listed = ", ".join(names[:MAX_CHOICES])
    if len(names) > MAX_CHOICES:
        listed += f" and {len(names) - MAX_CHOICES} more"
    return f"unknown {what} {shown(value)} ({plural or what + 's'}: {listed or 'none'})"


def transport_units(scenario: Scenario) -> list[str]:
    """Units that can take a patient to hospital: transport, with room for one at least."""
    return [
        u.id
        for u in scenario.units
        if Capability.TRANSPORT in u.capabilities and u.patient_capacity > 0
    ]


def offered(scenario: Scenario) -> set[Capability]:
    """Needs some unit meets; transport only from a unit that carries patients."""
    found = {cap for unit in scenario.units for cap in meets(frozenset(unit.capabilities))}
    if not transport_units(scenario):
        found.discard(Capability.TRANSPORT)
    return found


def incidents(scenario: Scenario) -> Iterator[tuple[str, float, IncidentSpec]]:
    """Every incident spec with its field path and release time, secondaries included."""
    for index, row in enumerate(scenario.msel):
        if isinstance(row, IncidentInject):
            yield from _with_secondaries(f"msel.{index}.incident", row.time, row.incident)
        elif isinstance(row, EscalationInject) and row.secondary:
            yield from _with_secondaries(f"msel.{index}.secondary", row.time, row.secondary)
        elif isinstance(row, RumourInject) and row.crowd:
            yield from _with_secondaries(f"msel.{index}.crowd", row.time, row.crowd)


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


def problems(
    scenario: Scenario, whole: frozenset[str] = SECTIONS, *, bare_duration: bool = False
) -> list[Problem]:
    """All cross-reference problems in a parsed scenario.

    ``whole``: the sections no item was left out of (all of them, unless the scenario
    is what was left of a file after its schema problems). ``bare_duration``: the file
    wrote ``metadata.duration`` as a bare number, which is seconds.
    """
    late = _after_end(scenario, bare_duration)
    found: list[Problem] = []
    found += _unique(scenario)
    found += _agencies(scenario, whole)
    found += _resources(scenario, whole)
    found += _msel(scenario, whole, late)
    found += _comms(scenario, whole)
    found += _restores(scenario, whole)
    have = offered(scenario)  # once: a city's incidents times its units add up
    for path, _, spec in incidents(scenario):
        found += _incident(scenario, path, spec, whole, have)
    found += _operations(scenario, whole, have, late)
    found += _intelligence(scenario, whole, have)
    found += _combinations(scenario, whole)
    found += _facts(scenario, whole)
    found += _community(scenario, whole)
    if "agencies" not in whole:
        return found
    ids = _agency_ids(scenario)
    for index, objective in enumerate(scenario.scoring.objectives):
        for m_index, measure in enumerate(objective.measures):
            if measure.agency and measure.agency not in ids:
                found.append(
                    Problem(
                        f"scoring.objectives.{index}.measures.{m_index}.agency",
                        unknown("agency", measure.agency, ids, "agencies"),
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


def _agencies(scenario: Scenario, whole: frozenset[str]) -> list[Problem]:
    if "agencies" not in whole:
        return []
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
                found.append(Problem(path, unknown("agency", partner, ids, "agencies")))
            elif partner == agency.id:
                found.append(Problem(path, "an agency cannot ask itself for mutual aid"))
    return found


def _resources(scenario: Scenario, whole: frozenset[str]) -> list[Problem]:
    found = []
    ids = _agency_ids(scenario) if "agencies" in whole else None
    stations = {s.id for s in scenario.stations} if "stations" in whole else None
    for index, station in enumerate(scenario.stations):
        if ids is not None and station.agency not in ids:
            found.append(
                Problem(
                    f"stations.{index}.agency", unknown("agency", station.agency, ids, "agencies")
                )
            )
    for index, hospital in enumerate(scenario.hospitals):
        if ids is not None and hospital.agency:
            found += _hospital_agency(scenario, index, hospital.agency, ids)
    for index, unit in enumerate(scenario.units):
        if ids is not None and unit.agency not in ids:
            found.append(
                Problem(f"units.{index}.agency", unknown("agency", unit.agency, ids, "agencies"))
            )
        if stations is not None and unit.station not in stations:
            found.append(
                Problem(f"units.{index}.station", unknown("station", unit.station, stations))
            )
    return found


def _hospital_agency(scenario: Scenario, index: int, agency: str, ids: set[str]) -> list[Problem]:
    path = f"hospitals.{index}.agency"
    if agency not in ids:
        return [Problem(path, unknown("agency", agency, ids, "agencies"))]
    kind = scenario.agency(agency).kind
    if kind in HOSPITAL_KINDS:
        return []
    fits = sorted(a.id for a in scenario.agencies if a.kind in HOSPITAL_KINDS)
    choices = f" (hospital or EMS agencies here: {', '.join(fits)})" if fits else ""
    return [
        Problem(
            path,
            f"{agency} is a {kind.value} agency; a hospital belongs to a hospital or EMS "
            f"agency, or to none{choices}",
        )
    ]


def _after_end(scenario: Scenario, bare_duration: bool) -> str:
    """Why a time is too late, with the exercise's length and where it is set.

    ``duration: 2`` is two seconds, not two hours: every inject then fell "after the end
    of the exercise", and nothing said how long that was or why.
    """
    length = format_offset(scenario.metadata.duration)
    hint = f"; {_BARE_SECONDS}" if bare_duration else ""
    return f"falls after the end of the exercise (metadata.duration: {length}{hint})"


_BARE_SECONDS = 'a bare number is seconds: write "02:00" for two hours'


def _msel(scenario: Scenario, whole: frozenset[str], late: str) -> list[Problem]:
    found = []
    ids = _agency_ids(scenario)
    objectives = {o.id for o in scenario.scoring.objectives}
    units = {u.id for u in scenario.units}
    released = {spec.id: time for _, time, spec in incidents(scenario)}
    hoaxes = {spec.id: spec.hoax for _, _, spec in incidents(scenario)}
    have = offered(scenario)
    duration = scenario.metadata.duration
    for index, row in enumerate(scenario.msel):
        path = f"msel.{index}"
        if "metadata" in whole and row.time > duration:
            found.append(Problem(f"{path}.time", late))
        for t_index, agency in enumerate(row.to):
            if "agencies" in whole and agency not in ids:
                found.append(
                    Problem(f"{path}.to.{t_index}", unknown("agency", agency, ids, "agencies"))
                )
        for o_index, objective in enumerate(row.objectives):
            if "scoring" in whole and objective not in objectives:
                found.append(
                    Problem(
                        f"{path}.objectives.{o_index}", unknown("objective", objective, objectives)
                    )
                )
        if isinstance(row, ResourceChange) and "units" in whole and row.unit not in units:
            found.append(Problem(f"{path}.unit", unknown("unit", row.unit, units)))
        if isinstance(row, EscalationInject) and "msel" in whole:
            if row.incident not in released:
                found.append(
                    Problem(f"{path}.incident", unknown("incident", row.incident, released))
                )
            elif released[row.incident] > row.time:
                found.append(
                    Problem(f"{path}.incident", f"incident {shown(row.incident)} starts later")
                )
            elif hoaxes.get(row.incident) and row.add_casualties.total:
                reason = "a hoax has no casualties (nothing is there but the story)"
                found.append(Problem(f"{path}.add_casualties", reason))
        if isinstance(row, EscalationInject) and "units" in whole:
            for capability in row.add_requires:
                if capability not in have:
                    where = f"{path}.add_requires.{capability.value}"
                    found.append(Problem(where, _lacking(scenario, capability)))
    return found


def _restores(scenario: Scenario, whole: frozenset[str]) -> list[Problem]:
    """A fault ``restored_by`` an incident: one that exists and somebody's cyber units work."""
    if "msel" not in whole:
        return []
    found = []
    specs = {spec.id: spec for _, _, spec in incidents(scenario)}
    for index, row in enumerate(scenario.msel):
        if isinstance(row, Fault) and row.restored_by is not None:
            path = f"msel.{index}.restored_by"
            spec = specs.get(row.restored_by)
            if spec is None:
                reason = unknown("incident", row.restored_by, specs)
            else:
                reason = _restore_problem(scenario, spec, whole)
            if reason:
                found.append(Problem(path, reason))
    return found


def _restore_problem(scenario: Scenario, spec: IncidentSpec, whole: frozenset[str]) -> str:
    """Why nobody can restore a system by working ``spec``, or ""."""
    cyber = Capability.CYBER
    named = shown(spec.id)
    if spec.hoax:
        return f"incident {named} is a hoax: no work there restores a system"
    if cyber not in spec.requires:
        return f"incident {named} needs no cyber units (add cyber to its requires)"
    if not spec.work_minutes:
        return f"incident {named} has no work (give it work_minutes): nothing would restore it"
    if "units" not in whole or "agencies" not in whole:
        return ""
    agency = responsible_agency(scenario, spec, cyber)
    ids = _agency_ids(scenario)
    partners = scenario.agency(agency).mutual_aid if agency in ids else []
    able = sorted({u.agency for u in scenario.units if cyber in u.capabilities})
    if agency and not {agency, *partners} & set(able):
        having = ", ".join(able) or "none"
        return (
            f"{agency} answers cyber at {named} but neither it nor its mutual-aid partners "
            f"have a cyber unit (agencies with one: {having})"
        )
    return ""


def _incident(
    scenario: Scenario,
    path: str,
    spec: IncidentSpec,
    whole: frozenset[str],
    have: set[Capability],
) -> list[Problem]:
    """An incident's agencies known, and what it needs brought by some unit (``have``)."""
    found = []
    ids = _agency_ids(scenario)
    agencies, units = "agencies" in whole, "units" in whole
    for field, agency in (("lead", spec.lead), ("calls.agency", spec.calls.agency)):
        if agencies and agency and agency not in ids:
            found.append(Problem(f"{path}.{field}", unknown("agency", agency, ids, "agencies")))
    for capability, agency in spec.responsible.items():
        if agencies and agency not in ids:
            found.append(
                Problem(
                    f"{path}.responsible.{capability.value}",
                    unknown("agency", agency, ids, "agencies"),
                )
            )
    for capability in spec.requires:
        where = f"{path}.requires.{capability.value}"
        if units and capability not in have:
            found.append(Problem(where, _lacking(scenario, capability)))
        elif agencies and not responsible_agency(scenario, spec, capability):
            found.append(Problem(where, _unanswered(scenario, capability)))
    for index, stage in enumerate(spec.escalation):
        for capability in stage.add_requires:
            if units and capability not in have:
                where = f"{path}.escalation.{index}.add_requires.{capability.value}"
                found.append(Problem(where, _lacking(scenario, capability)))
    kinds = {kind.value for kind in AgencyKind}
    for index, pre in enumerate(spec.preconditions):
        if units and pre.capability not in have:
            found.append(
                Problem(
                    f"{path}.preconditions.{index}.capability",
                    _lacking(scenario, pre.capability),
                )
            )
        for a_index, agency in enumerate(pre.blocks_agencies):
            if agencies and agency not in ids and agency not in kinds:
                found.append(
                    Problem(
                        f"{path}.preconditions.{index}.blocks_agencies.{a_index}",
                        unknown("agency or agency kind", agency, ids | kinds, "agencies and kinds"),
                    )
                )
    living = spec.casualties.immediate + spec.casualties.delayed + spec.casualties.minor
    if not spec.requires and not living:
        found.append(Problem(f"{path}.requires", "the incident needs no units and has no patients"))
    if spec.casualties.immediate + spec.casualties.delayed:
        if "hospitals" in whole and not scenario.hospitals:
            found.append(Problem(f"{path}.casualties", "patients need a hospital; none declared"))
        if units and Capability.TRANSPORT not in have:
            found.append(Problem(f"{path}.casualties", _no_transport(scenario)))
    return found


def _operations(
    scenario: Scenario, whole: frozenset[str], have: set[Capability], late: str
) -> list[Problem]:
    """Planned operations: ids unique, agencies known, inside the exercise.

    The incident a blue-on-blue confrontation would start must be one somebody can work.
    """
    plan = scenario.operations
    if "operations" not in whole or not plan.planned or plan.deconfliction is None:
        return []
    found = _duplicates("operations.planned", [op.id for op in plan.planned])
    ids = _agency_ids(scenario)
    taken = {spec.id for _, _, spec in incidents(scenario)}
    if "agencies" in whole and plan.deconfliction.agency not in ids:
        reason = unknown("agency", plan.deconfliction.agency, ids, "agencies")
        found.append(Problem("operations.deconfliction.agency", reason))
    for index, op in enumerate(plan.planned):
        path = f"operations.planned.{index}"
        named = [("lead", op.lead)] + [(f"agencies.{i}", a) for i, a in enumerate(op.agencies)]
        for where, agency in named:
            if "agencies" in whole and agency not in ids:
                reason = unknown("agency", agency, ids, "agencies")
                found.append(Problem(f"{path}.{where}", reason, f"operation {op.id}"))
        if "metadata" in whole and op.end > scenario.metadata.duration:
            found.append(Problem(f"{path}.end", late))
        blue = confrontation_spec(op, op, index + 1, plan.deconfliction)
        if confrontation_id(index + 1) in taken:
            reason = f"incident id {shown(blue.id)} is kept for blue-on-blue confrontations"
            found.append(Problem(path, reason))
        if "agencies" in whole and op.lead in ids:
            found += [
                Problem(path, f"a blue-on-blue confrontation here: {p.message}")
                for p in _incident(scenario, path, blue, whole, have)
            ]
    return found


def _intelligence(
    scenario: Scenario, whole: frozenset[str], have: set[Capability]
) -> list[Problem]:
    """Handling rules: one for each fact, and agencies the scenario knows.

    The incident a leak starts must be one somebody can work, with an id of its own.
    """
    rules = scenario.intelligence.handling
    if "intelligence" not in whole or not rules:
        return []
    found: list[Problem] = []
    ids = _agency_ids(scenario)
    taken = {spec.id for _, _, spec in incidents(scenario)}
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        path = f"intelligence.handling.{index}"
        if rule.fact in seen:
            found.append(Problem(f"{path}.fact", f"{shown(rule.fact)} has a handling rule already"))
        seen.add(rule.fact)
        named = [("owner", rule.owner)]
        named += [(f"recipients.{i}", a) for i, a in enumerate(rule.recipients)]
        named += [(f"needed_by.{i}", a) for i, a in enumerate(rule.needed_by)]
        for where, agency in named:
            if "agencies" in whole and agency not in ids:
                found.append(Problem(f"{path}.{where}", unknown("agency", agency, ids, "agencies")))
        leak = rule.if_leaked.incident if rule.if_leaked else None
        if leak is None:
            continue
        where = f"{path}.if_leaked.incident"
        if leak.id in taken:
            found.append(Problem(f"{where}.id", f"duplicate incident id {shown(leak.id)}"))
        taken.add(leak.id)
        found += _incident(scenario, where, leak, whole, have)
    return found


def _combinations(scenario: Scenario, whole: frozenset[str]) -> list[Problem]:
    """Combination rules: a fact not among its own sources, and analysts that exist.

    ``by`` names agency ids or agency kinds; a rule nobody can make is a mistake.
    """
    if "intelligence" not in whole:
        return []
    found: list[Problem] = []
    analysts = _agency_ids(scenario) | {a.kind.value for a in scenario.agencies}
    for index, rule in enumerate(scenario.intelligence.combine):
        path = f"intelligence.combine.{index}"
        if rule.gives in rule.facts:
            found.append(Problem(f"{path}.gives", f"{shown(rule.gives)} is one of its own facts"))
        for i, who in enumerate(rule.by):
            if "agencies" in whole and who not in analysts:
                found.append(
                    Problem(
                        f"{path}.by.{i}",
                        unknown("agency or kind", who, analysts, "agencies and kinds"),
                    )
                )
    return found


def _unanswered(scenario: Scenario, capability: Capability) -> str:
    """No home agency of the need's discipline: how to name the one that answers it.

    ``command: 1`` with no emergency management agency was refused with no way out in
    sight: the fix is ``responsible`` on the incident, naming an agency with such a unit.
    """
    owners = sorted(
        {u.agency for u in scenario.units if capability in meets(frozenset(u.capabilities))}
    )
    listed = ", ".join(owners[:MAX_CHOICES])
    having = f" (agencies with a {capability.value} unit: {listed})" if owners else ""
    return (
        f"no home {DISCIPLINE[capability].value} agency answers it; name the agency that "
        f"does at this incident with responsible: {{{capability.value}: AGENCY}}{having}"
    )


def _lacking(scenario: Scenario, capability: Capability) -> str:
    if capability == Capability.TRANSPORT:
        return _no_transport(scenario)
    return f"no unit in the scenario has {shown(capability.value)}"


def _no_transport(scenario: Scenario) -> str:
    carriers = [u.id for u in scenario.units if Capability.TRANSPORT in u.capabilities]
    if carriers:  # every one with patient_capacity 0: none can carry anybody
        return (
            "patients need a transport unit that carries patients; every transport unit "
            f"({', '.join(carriers[:MAX_CHOICES])}) has patient_capacity 0"
        )
    return "patients need a transport unit; none"


def fact_keys(scenario: Scenario) -> Iterator[tuple[str, str]]:
    """Every fact key the scenario names, with its field path: injects, tips and rules."""
    for index, row in enumerate(scenario.msel):
        if isinstance(row, InformationInject):
            for f_index, key in enumerate(row.facts):
                yield f"msel.{index}.facts.{f_index}", key
    tips = scenario.community.tips if scenario.community else None
    for index, key in enumerate(tips.facts if tips else []):
        yield f"community.tips.facts.{index}", key
    for index, rule in enumerate(scenario.intelligence.handling):
        yield f"intelligence.handling.{index}.fact", rule.fact
    for index, combination in enumerate(scenario.intelligence.combine):
        path = f"intelligence.combine.{index}"
        for f_index, key in enumerate(combination.facts):
            yield f"{path}.facts.{f_index}", key
        yield f"{path}.gives", combination.gives


def _facts(scenario: Scenario, whole: frozenset[str]) -> list[Problem]:
    """Facts name incidents the MSEL releases (a road's name is checked on the map)."""
    if "msel" not in whole:
        return []
    return [
        Problem(path, reason)
        for path, key in fact_keys(scenario)
        if (reason := fact_problem(scenario, key))
    ]


def fact_problem(scenario: Scenario, key: str) -> str:
    """Why a fact key does not name something in this scenario, or ""."""
    fact = FactKey.parse(key)
    topic, incident, part = fact.topic, fact.subject, fact.part
    if topic not in TOPICS or not incident:
        return f"expected topic:subject with a topic of {', '.join(TOPICS)}, got {shown(key)}"
    if topic == "closure":
        return ""
    specs = {spec.id: spec for _, _, spec in incidents(scenario)}
    if incident not in specs:
        return unknown("incident", incident, specs)
    spec = specs[incident]
    hazards = {h.id for h in spec.hazards}
    if topic == "hazard" and part not in hazards:
        return _has_no(incident, "hazard", part, hazards)
    conditions = {p.id for p in spec.preconditions}
    if topic == "condition" and part not in conditions:
        return _has_no(incident, "precondition", part, conditions)
    return ""


def _has_no(incident: str, what: str, part: str, choices: set[str]) -> str:
    listed = ", ".join(sorted(choices)[:MAX_CHOICES]) or "none"
    return f"incident {shown(incident)} has no {what} {shown(part)} ({what}s: {listed})"


def _taken_by_default(channel: Channel) -> str:
    """Two channels with one id: messages for the added dispatch channel would be lost."""
    agency = channel.members[0]
    return (
        f"{shown(channel.id)} is the id of the dispatch channel the exercise adds for "
        f"{agency}, which declares no dispatch channel of its own; rename this channel "
        f"or make it kind: dispatch with {agency} a member"
    )


def _comms(scenario: Scenario, whole: frozenset[str]) -> list[Problem]:
    found = []
    comms = scenario.communications
    agencies, declared = "agencies" in whole, "communications" in whole
    ids = _agency_ids(scenario)
    kinds = {kind.value for kind in AgencyKind}
    systems = {s.id for s in comms.systems}
    sites = {site.id for s in comms.systems for site in s.sites}
    plan = default_plan(scenario)[1]
    channels = {c.id for c in plan}
    added = {c.id: c for c in plan[len(comms.channels) :]}
    for index, agency in enumerate(scenario.agencies):
        if declared and agency.radio_system and agency.radio_system not in systems:
            found.append(
                Problem(
                    f"agencies.{index}.radio_system",
                    unknown("radio system", agency.radio_system, systems),
                )
            )
    for index, channel in enumerate(comms.channels):
        path = f"communications.channels.{index}"
        if agencies and channel.id in added:
            found.append(Problem(f"{path}.id", _taken_by_default(added[channel.id])))
        if channel.system and channel.system not in systems:
            found.append(
                Problem(f"{path}.system", unknown("radio system", channel.system, systems))
            )
        for m_index, member in enumerate(channel.members):
            if agencies and member not in ids and member not in kinds:
                found.append(
                    Problem(
                        f"{path}.members.{m_index}",
                        unknown("agency or kind", member, ids | kinds, "agencies and kinds"),
                    )
                )
    # The phone line and CAD link of a plan that declares no channels depend on agencies.
    targets = {
        "radio_site": ("radio site", sites, declared),
        "cad": ("agency", ids, agencies),
        "records": ("agency", ids, agencies),
        "phone": ("channel", channels, declared and agencies),
        "congestion": ("channel", channels, declared and agencies),
    }
    for index, row in enumerate(scenario.msel):
        if isinstance(row, Fault):
            what, choices, known = targets[row.fault]
            if known and row.target not in choices:
                plural = "agencies" if what == "agency" else ""
                found.append(
                    Problem(f"msel.{index}.target", unknown(what, row.target, choices, plural))
                )
    return found


def _community(scenario: Scenario, whole: frozenset[str]) -> list[Problem]:
    """The public: PIO and tip agencies known, tip facts real, rumours well named.

    A rumour's id is unique, its psap an agency, the incident it is ``about`` a real one.
    """
    found: list[Problem] = []
    ids, agencies = _agency_ids(scenario), "agencies" in whole
    community = scenario.community
    if community is not None and "community" in whole:
        for index, agency in enumerate(community.pio):
            if agencies and agency not in ids:
                reason = unknown("agency", agency, ids, "agencies")
                found.append(Problem(f"community.pio.{index}", reason))
        tips = community.tips
        if tips is not None and agencies and tips.agency not in ids:
            reason = unknown("agency", tips.agency, ids, "agencies")
            found.append(Problem("community.tips.agency", reason))
    rows = [(i, r) for i, r in enumerate(scenario.msel) if isinstance(r, RumourInject)]
    released = {spec.id for _, _, spec in incidents(scenario)}
    seen: set[str] = set()
    for index, row in rows:
        if row.rumour in seen:
            found.append(Problem(f"msel.{index}.rumour", f"duplicate rumour {shown(row.rumour)}"))
        seen.add(row.rumour)
        if agencies and row.psap is not None and row.psap not in ids:
            reason = unknown("agency", row.psap, ids, "agencies")
            found.append(Problem(f"msel.{index}.psap", reason))
        if "msel" in whole and row.about is not None and row.about not in released:
            found.append(Problem(f"msel.{index}.about", unknown("incident", row.about, released)))
    return found
