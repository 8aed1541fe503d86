"""Warnings about scoring objectives the scenario's own units and settings cannot meet.

An objective that can never be met teaches nothing and makes every trainee look bad,
so ``validate`` names it before anyone plays (a warning: the file still loads).
"""

from collections.abc import Callable

from simulator.scenario.check import incidents, responsible_agency
from simulator.scenario.incident import IncidentSpec
from simulator.scenario.model import Scenario
from simulator.scenario.msel import EscalationInject, Fault
from simulator.scenario.problem import Problem
from simulator.scenario.scoring import Measure
from simulator.scenario.vocabulary import Capability, Metric


def unattainable(scenario: Scenario) -> list[Problem]:
    """Every measure that cannot be met (or never observed) with this scenario."""
    found = []
    for index, objective in enumerate(scenario.scoring.objectives):
        for m_index, measure in enumerate(objective.measures):
            path = f"scoring.objectives.{index}.measures.{m_index}"
            where = f"objective {objective.id}"
            found += [Problem(path, why, where) for why in _reasons(scenario, measure)]
    return found


def involved(scenario: Scenario, spec: IncidentSpec) -> set[str]:
    """The agencies an incident needs (as the engine decides when it starts)."""
    capabilities = set(spec.requires) | {g.capability for g in spec.preconditions}
    casualties = spec.casualties
    if casualties.immediate + casualties.delayed + casualties.minor:
        capabilities.add(Capability.TRANSPORT)
    return {responsible_agency(scenario, spec, c) for c in capabilities} - {""}


def _reasons(scenario: Scenario, measure: Measure) -> list[str]:
    owners = {u.agency for u in scenario.units}
    if measure.agency and measure.agency not in owners:
        return [f"{measure.agency} owns no units, so this is never observed"]
    if measure.metric == Metric.FULL_ASSIGNMENT_ON_SCENE and measure.agency:
        workers = [
            u
            for u in scenario.units
            if u.agency == measure.agency and set(u.capabilities) != {Capability.COMMAND}
        ]
        if not workers:
            return [
                f"{measure.agency} owns only command units, and the full assignment is timed "
                "from the first unit en route that does the work, so this is never observed "
                "(first_on_scene times a command post's arrival)"
            ]
    specs = [spec for _, _, spec in incidents(scenario)]
    metric = measure.metric
    if metric in _NEEDS and not _NEEDS[metric][0](scenario, specs):
        return [f"{_NEEDS[metric][1]}, so this is never observed"]
    if metric == Metric.UNIFIED_COMMAND_TIME:
        return _unified(scenario, specs)
    if metric == Metric.INCIDENTS_RESOLVED and not measure.at_most and measure.target > len(specs):
        return [f"target {measure.target:g} but the scenario has {len(specs)} incidents"]
    if metric == Metric.CASUALTIES_TRANSPORTED and not measure.at_most:
        patients = sum(_transportable(s) for s in specs) + _injected(scenario)
        if measure.target > patients:
            return [f"target {measure.target:g} but only {patients} patients need transport"]
    return []


# Measures only some scenario content can give a sample: what, and how to say it is missing.
_NEEDS: dict[Metric, tuple[Callable[[Scenario, list[IncidentSpec]], bool], str]] = {
    Metric.VERIFICATION_TIME: (
        lambda _, specs: any(s.calls.suspect for s in specs),
        "no incident's calls are flagged as a possible hoax (calls.suspect)",
    ),
    Metric.HOAX_COMMITMENTS: (
        lambda _, specs: any(s.hoax for s in specs),
        "no incident is a hoax",
    ),
    Metric.SYSTEM_DOWNTIME: (
        lambda scenario, _: any(isinstance(row, Fault) for row in scenario.msel),
        "no fault inject takes a system down",
    ),
}


def _unified(scenario: Scenario, specs: list[IncidentSpec]) -> list[str]:
    """Unified command needs every agency on scene to have a commander there."""
    commanders = {u.agency for u in scenario.units if Capability.COMMAND in u.capabilities}
    joint = [(s.id, sorted(involved(scenario, s))) for s in specs]
    joint = [(ident, agencies) for ident, agencies in joint if len(agencies) > 1]
    if not joint:
        return ["no incident is worked by two agencies, so unified command never arises"]
    possible = [ident for ident, agencies in joint if set(agencies) <= commanders]
    if possible:
        return []
    lacking = sorted({a for _, agencies in joint for a in agencies} - commanders)
    return [
        "unified command cannot form at any multi-agency incident: "
        f"{', '.join(lacking)} own no command-capable unit"
    ]


def _transportable(spec: IncidentSpec) -> int:
    """Immediate and delayed patients, at the start and from every escalation."""
    effects = [spec.casualties, *(stage.add_casualties for stage in spec.escalation)]
    return sum(c.immediate + c.delayed for c in effects)


def _injected(scenario: Scenario) -> int:
    """Immediate and delayed patients the controller's escalation injects add."""
    rows = [row for row in scenario.msel if isinstance(row, EscalationInject)]
    return sum(row.add_casualties.immediate + row.add_casualties.delayed for row in rows)
