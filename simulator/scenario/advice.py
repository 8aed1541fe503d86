"""Warnings about what a scenario says that does nothing, silently.

The file is valid and runs, but part of it cannot mean what its author meant: an
incident inject's ``to:`` tells nobody (agencies learn of an incident from its 911
calls), declaring channels drops the default phone line and CAD link, a transport
unit that carries no patients never transports one. ``validate`` prints these; ``run``
goes ahead.
"""

from simulator.scenario.check import responsible_agency
from simulator.scenario.incident import IncidentSpec
from simulator.scenario.model import Scenario
from simulator.scenario.msel import IncidentInject
from simulator.scenario.problem import Problem
from simulator.scenario.vocabulary import Capability


def advice(scenario: Scenario) -> list[Problem]:
    """Every silent no-op found, as warnings located like problems."""
    return [*_untold(scenario), *_defaults_replaced(scenario), *_carry_nobody(scenario)]


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
