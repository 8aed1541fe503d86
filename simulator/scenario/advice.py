"""Warnings about what a scenario says that does nothing, silently.

The file is valid and runs, but part of it cannot mean what its author meant: an
incident inject's ``to:`` tells nobody (agencies learn of an incident from its 911
calls), declaring channels drops the default phone line and CAD link, a transport
unit that carries no patients never transports one, a need its answering agency can
neither meet nor ask a partner for waits all day (as does one larger than all their
units, or one only units out of service could meet), a hospital without beds overflows
with its first patient, an objective without measures is never rated, a measure whose
``at_most`` rewards the opposite of good work misleads, a rumour or a
public-information measure without a ``community`` section reaches no public, a rumour
told to no agency with a PIO is answered by no automated one, a hidden hazard no unit
can recognise harms each agency's first crew that goes in, and a precondition whose
capability no need asks for is never met, so the crews it holds wait; an escalation
inject naming a secondary that only an escalation stage starts is skipped if the stage
has not fired by then; fire services that together cannot put NFPA 1710's first alarm
(16, or 17 with an aerial) on scene miss that check at every structure fire.
``validate`` prints these; ``run`` goes ahead.
"""

from collections import defaultdict

from simulator.scenario.attainable import involved
from simulator.scenario.check import incidents, offered, responsible_agency
from simulator.scenario.incident import EscalationEffect, IncidentSpec
from simulator.scenario.model import Scenario
from simulator.scenario.msel import (
    EscalationInject,
    IncidentInject,
    ResourceChange,
    RumourInject,
)
from simulator.scenario.problem import Problem
from simulator.scenario.timing import format_offset
from simulator.scenario.vocabulary import (
    FIRST_ALARM_STAFF,
    FIRST_ALARM_STAFF_AERIAL,
    MORE_IS_BETTER,
    TIMED_METRICS,
    AgencyKind,
    Capability,
    IncidentType,
    Metric,
    provides,
)

# Measures read from the public's events, which only a ``community`` section makes.
PUBLIC_METRICS = frozenset(
    {Metric.FIRST_STATEMENT_TIME, Metric.RUMOURS_COUNTERED, Metric.TRUST_AT_END}
)


def advice(scenario: Scenario) -> list[Problem]:
    """Every silent no-op found, as warnings located like problems."""
    return [
        *_empty(scenario),
        *_untold(scenario),
        *_defaults_replaced(scenario),
        *_carry_nobody(scenario),
        *_unanswered(scenario),
        *_outnumbered(scenario),
        *_sidelined(scenario),
        *_bedless(scenario),
        *_unrated(scenario),
        *_backwards(scenario),
        *_ignored_percentile(scenario),
        *_no_public(scenario),
        *_unseen(scenario),
        *_unheard(scenario),
        *_ungated(scenario),
        *_maybe_skipped(scenario),
        *_understaffed(scenario),
    ]


def call_agency(scenario: Scenario, spec: IncidentSpec) -> str:
    """The agency whose 911 calls the incident's callers make (as the engine routes them)."""
    return (
        spec.calls.agency
        or spec.lead
        or next((responsible_agency(scenario, spec, c) for c in spec.requires), "")
        or responsible_agency(scenario, spec, Capability.TRANSPORT)
    )


def _untold(scenario: Scenario) -> list[Problem]:
    found = []
    for index, row in enumerate(scenario.msel):
        if not isinstance(row, IncidentInject):
            continue
        caller = call_agency(scenario, row.incident)
        for t_index, agency in enumerate(row.to):
            if agency == caller:
                continue
            found.append(
                Problem(
                    f"msel.{index}.to.{t_index}",
                    f"{agency} is not told: an incident inject tells nobody (its 911 calls "
                    f"go to {caller or 'no agency'}; others learn of it when it is shared); "
                    f"add an information inject to tell {agency}",
                    f"inject seq {row.seq}, incident {row.incident.id}",
                )
            )
    return found


def _defaults_replaced(scenario: Scenario) -> list[Problem]:
    channels = scenario.communications.channels
    if not channels:
        return []
    found = []
    kinds = {c.kind for c in channels}
    if not kinds & {"phone", "bridge"}:
        found.append(
            Problem(
                "communications.channels",
                "declaring channels replaces the default phone line between dispatch "
                "centres (dispatch-phone), and none declared is a phone line or bridge: "
                "agencies without a shared radio channel cannot call each other",
            )
        )
    home = [a for a in scenario.agencies if a.is_home]
    if len(home) > 1 and "data" not in kinds:
        found.append(
            Problem(
                "communications.channels",
                "declaring channels replaces the default CAD-to-CAD link between home "
                "agencies (cad-link), and none declared is a data channel: incidents are "
                "shared only by voice",
            )
        )
    return found


def _carry_nobody(scenario: Scenario) -> list[Problem]:
    return [
        Problem(
            f"units.{index}.patient_capacity",
            "a transport unit with patient_capacity 0 never takes a patient to hospital",
            f"unit {unit.id}",
        )
        for index, unit in enumerate(scenario.units)
        if Capability.TRANSPORT in unit.capabilities and unit.patient_capacity == 0
    ]


def _empty(scenario: Scenario) -> list[Problem]:
    if scenario.msel:
        return []
    return [Problem("msel", "the MSEL has no injects: nothing happens in this exercise")]


def _unanswered(scenario: Scenario) -> list[Problem]:
    """Needs whose answering agency owns no such unit, nor does any partner it may ask.

    An automated dispatcher asks only the agencies in its ``mutual_aid`` list, so the
    need waits all day; one warning per agency and capability, at its first incident.
    """
    owners: dict[Capability, set[str]] = defaultdict(set)
    for unit in scenario.units:
        for capability in unit.capabilities:
            owners[capability].add(unit.agency)
    partners = {a.id: set(a.mutual_aid) for a in scenario.agencies}
    gaps: dict[tuple[str, Capability], list[str]] = defaultdict(list)
    for path, _, spec in incidents(scenario):
        for capability in spec.requires:
            agency = responsible_agency(scenario, spec, capability)
            have = owners.get(capability, set())
            if agency and have and not have & ({agency} | partners.get(agency, set())):
                gaps[agency, capability].append(f"{path}.requires.{capability.value}")
    found = []
    for (agency, capability), paths in gaps.items():
        more = f" (and {len(paths) - 1} more incidents)" if len(paths) > 1 else ""
        found.append(
            Problem(
                paths[0],
                f"{agency} answers {capability.value} here{more} but owns no unit with it, "
                f"and no agency in its mutual_aid list does "
                f"({', '.join(sorted(owners[capability]))} do): automated players never "
                "bring one; add the owner to its mutual_aid, or name it under responsible",
            )
        )
    return found


def _outnumbered(scenario: Scenario) -> list[Problem]:
    """Needs larger than every unit its answering agency and partners own put together.

    Such a need is never met, so the incident never resolves: usually a slip of the
    pen (``rescue: 50`` for 5). An agency owning none is ``_unanswered``'s warning.
    """
    partners = {a.id: set(a.mutual_aid) for a in scenario.agencies}
    found = []
    for path, _, spec in incidents(scenario):
        for capability, wanted in spec.requires.items():
            agency = responsible_agency(scenario, spec, capability)
            pool = {agency} | partners.get(agency, set())
            have = sum(
                1
                for u in scenario.units
                if u.agency in pool and provides(frozenset(u.capabilities), capability)
            )
            if 0 < have < wanted:
                found.append(
                    Problem(
                        f"{path}.requires.{capability.value}",
                        f"needs {wanted} {capability.value} but {_pool(agency, pool)} own "
                        f"{have} such units in all: the need is never met and the incident "
                        "never resolves",
                        f"incident {spec.id}",
                    )
                )
    return found


def _pool(agency: str, pool: set[str]) -> str:
    """An agency and its mutual-aid partners, in words."""
    if len(pool) == 1:
        return agency
    return f"{agency} and its mutual_aid partners ({', '.join(sorted(pool - {agency}))})"


def _sidelined(scenario: Scenario) -> list[Problem]:
    """Needs every unit able to meet starts out of service, and no inject brings back.

    The dispatchers have nobody to send: the patients wait, or the need waits all day.
    """
    back = {
        row.unit
        for row in scenario.msel
        if isinstance(row, ResourceChange) and row.change == "in_service"
    }
    wanted: dict[Capability, str] = {}
    for path, _, spec in incidents(scenario):
        for capability, field in sorted(_asked_of_units(spec).items()):
            wanted.setdefault(capability, f"{path}.{field}")
    found = []
    for capability, path in wanted.items():
        able = [u for u in scenario.units if provides(frozenset(u.capabilities), capability)]
        if able and all(u.status == "out_of_service" and u.id not in back for u in able):
            names = ", ".join(u.id for u in able)
            found.append(
                Problem(
                    path,
                    f"every unit with {capability.value} ({names}) starts out_of_service and "
                    "no resource_change inject brings one into service: none is ever sent",
                )
            )
    return found


def _asked_of_units(spec: IncidentSpec) -> dict[Capability, str]:
    """What an incident asks units for, with the field that asks it.

    Its needs, and care and transport for its casualties.
    """
    fields = {capability: f"requires.{capability.value}" for capability in spec.requires}
    hurt = spec.casualties
    if hurt.immediate + hurt.delayed + hurt.minor:
        fields.setdefault(Capability.BLS, "casualties")
    if hurt.immediate + hurt.delayed:
        fields.setdefault(Capability.TRANSPORT, "casualties")
    return fields


def _bedless(scenario: Scenario) -> list[Problem]:
    return [
        Problem(
            f"hospitals.{index}.beds",
            "a hospital with no beds is over capacity with its first patient",
            f"hospital {hospital.id}",
        )
        for index, hospital in enumerate(scenario.hospitals)
        if hospital.beds.immediate + hospital.beds.delayed + hospital.beds.minor == 0
    ]


def _ignored_percentile(scenario: Scenario) -> list[Problem]:
    """A percentile on a count measure: accepted by older versions, and still ignored."""
    return [
        Problem(
            f"scoring.objectives.{i}.measures.{j}.percentile",
            f"{m.metric.value} is not a time: its percentile is ignored (remove it)",
            f"objective {o.id}",
        )
        for i, o in enumerate(scenario.scoring.objectives)
        for j, m in enumerate(o.measures)
        if m.percentile is not None and m.metric not in TIMED_METRICS
    ]


def _unrated(scenario: Scenario) -> list[Problem]:
    return [
        Problem(
            f"scoring.objectives.{index}.measures",
            "an objective without measures is never rated (its critical tasks are "
            "listed, not scored)",
            f"objective {objective.id}",
        )
        for index, objective in enumerate(scenario.scoring.objectives)
        if not objective.measures
    ]


def _backwards(scenario: Scenario) -> list[Problem]:
    """Measures whose direction rewards the opposite of good performance."""
    found = []
    for o_index, objective in enumerate(scenario.scoring.objectives):
        for index, measure in enumerate(objective.measures):
            more = measure.metric in MORE_IS_BETTER
            if measure.at_most != more:
                continue
            if more:
                reason = "more is better, yet at_most makes this met by fewer; add at_most: false"
            else:
                reason = "less is better, yet at_most: false makes this met by more; remove it"
            found.append(
                Problem(
                    f"scoring.objectives.{o_index}.measures.{index}.at_most",
                    f"{measure.metric.value}: {reason}",
                    f"objective {objective.id}",
                )
            )
    return found


def _no_public(scenario: Scenario) -> list[Problem]:
    """Rumours and public-information measures in a scenario that models no public."""
    if scenario.community is not None:
        return []
    found = [
        Problem(
            f"msel.{index}",
            "without a community section a rumour reaches no public: it is only told "
            "to the agencies in to",
            f"rumour {row.rumour}",
        )
        for index, row in enumerate(scenario.msel)
        if isinstance(row, RumourInject)
    ]
    for index, objective in enumerate(scenario.scoring.objectives):
        for m_index, measure in enumerate(objective.measures):
            if measure.metric in PUBLIC_METRICS:
                found.append(
                    Problem(
                        f"scoring.objectives.{index}.measures.{m_index}.metric",
                        f"{measure.metric.value} is read from the public's events, "
                        "which only a community section makes: never observed",
                        f"objective {objective.id}",
                    )
                )
    return found


def _unheard(scenario: Scenario) -> list[Problem]:
    """Rumours no public information officer is told of: nobody automated answers them."""
    if scenario.community is None:
        return []
    pio = set(scenario.community.pio)
    return [
        Problem(
            f"msel.{index}.to",
            "no agency in to has a PIO (community.pio), so no automated PIO notices or "
            "answers this rumour",
            f"rumour {row.rumour}",
        )
        for index, row in enumerate(scenario.msel)
        if isinstance(row, RumourInject) and not pio & set(row.to)
    ]


def _unseen(scenario: Scenario) -> list[Problem]:
    """Hidden hazards no unit in the scenario can recognise: each agency walks into them.

    A hazard callers report is known from the first call, and a precondition may make
    the scene safe first; those are left alone.
    """
    have = offered(scenario)
    found = []
    for path, _, spec in incidents(scenario):
        if spec.preconditions:
            continue
        for index, hazard in enumerate(spec.hazards):
            detectors = hazard.detectors
            if hazard.reported or detectors & have:
                continue
            names = ", ".join(sorted(c.value for c in detectors)) or "nobody"
            found.append(
                Problem(
                    f"{path}.hazards.{index}",
                    f"no unit in the scenario can recognise this {hazard.kind.value} hazard "
                    f"(recognised by {names}) and callers do not report it: it harms the "
                    "first crew of each agency that goes in",
                    f"hazard {hazard.id}",
                )
            )
    return found


def _ungated(scenario: Scenario) -> list[Problem]:
    """Preconditions no automated dispatcher will ever meet.

    Dispatchers send units for an incident's needs (an escalation's, an escalation
    inject's, ambulances for each patient, and a commander to a joint scene); a
    precondition is worked only by a unit of its capability on scene, so when nothing
    asks for that capability, the crews it holds stage at the perimeter to the end.
    """
    injected: dict[str, list[EscalationEffect]] = defaultdict(list)
    for row in scenario.msel:
        if isinstance(row, EscalationInject):
            injected[row.incident].append(row)
    found = []
    for path, _, spec in incidents(scenario):
        asked = set(spec.requires) | {Capability.COMMAND}
        hurt = [spec.casualties]
        for effect in [*spec.escalation, *injected.get(spec.id, [])]:
            asked |= set(effect.add_requires)
            hurt.append(effect.add_casualties)
        if any(c.immediate + c.delayed for c in hurt):
            asked.add(Capability.TRANSPORT)  # ambulances are sent per patient
        for index, pre in enumerate(spec.preconditions):
            if pre.capability in asked:
                continue
            found.append(
                Problem(
                    f"{path}.preconditions.{index}.capability",
                    f"no need of this incident asks for {pre.capability.value}, so automated "
                    f"dispatchers send none: {pre.name!r} is never met and the crews it "
                    "holds wait at the perimeter to the end; add it to requires",
                    f"precondition {pre.id}",
                )
            )
    return found


def _maybe_skipped(scenario: Scenario) -> list[Problem]:
    """Escalation injects on a secondary that exists only if a stage has fired by then.

    A stage fires when its incident's needs go unmet for ``after``; players who meet
    them in time never start the secondary, and the engine skips the inject
    (``incident.escalation_skipped``).
    """
    staged: dict[str, tuple[str, float]] = {}
    for _, _, spec in incidents(scenario):
        for stage in spec.escalation:
            if stage.secondary:
                staged[stage.secondary.id] = (spec.id, stage.after)
    found = []
    for index, row in enumerate(scenario.msel):
        if not isinstance(row, EscalationInject) or row.incident not in staged:
            continue
        parent, after = staged[row.incident]
        when = "the controller releases it" if row.contingency else f"T+{format_offset(row.time)}"
        found.append(
            Problem(
                f"msel.{index}.incident",
                f"{row.incident} starts only if {parent}'s needs go unmet for "
                f"{format_offset(after)}; if it has not started by {when} this inject "
                "is skipped",
                f"inject seq {row.seq}",
            )
        )
    return found


def _understaffed(scenario: Scenario) -> list[Problem]:
    """Structure fires whose fire services, with their mutual-aid partners, are too small.

    The first-alarm staffing check (NFPA 1710) counts heads on scene; services whose
    every firefighter, partners' included, falls short of it are failed by the scenario,
    not by their players. One warning per set of services, at its first structure fire.
    """
    fire = {a.id: a for a in scenario.agencies if a.kind == AgencyKind.FIRE}
    fires: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path, _, spec in incidents(scenario):
        hosts = tuple(sorted(involved(scenario, spec) & set(fire)))
        if spec.incident_type == IncidentType.STRUCTURE_FIRE and not spec.hoax and hosts:
            fires[hosts].append(path)
    found = []
    for hosts, paths in sorted(fires.items()):
        pool = set(hosts).union(*(set(fire[h].mutual_aid) & set(fire) for h in hosts))
        units = [u for u in scenario.units if u.agency in pool]
        ground = sum(u.crew for u in units if Capability.LADDER not in u.capabilities)
        total = sum(u.crew for u in units)
        if ground >= FIRST_ALARM_STAFF or total >= FIRST_ALARM_STAFF_AERIAL:
            continue
        also = f" (and {len(paths) - 1} more)" if len(paths) > 1 else ""
        found.append(
            Problem(
                paths[0],
                f"{' and '.join(hosts)} and {'its' if len(hosts) == 1 else 'their'} "
                f"mutual-aid partners have {total} "
                f"firefighters in all; NFPA 1710's first alarm at a structure fire needs "
                f"{FIRST_ALARM_STAFF} on scene ({FIRST_ALARM_STAFF_AERIAL} with an aerial), "
                f"so first-alarm staffing is missed here{also} whatever the players do; add "
                "companies or a mutual-aid partner",
            )
        )
    return found
