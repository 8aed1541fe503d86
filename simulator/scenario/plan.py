"""The communications plan an exercise runs with: the declared one, completed.

Lives in the scenario layer so validation can check references to the channels the
engine adds (a fault may target ``dispatch-phone`` or ``police-dispatch``).
"""

from simulator.scenario.comms import Channel, RadioSystem
from simulator.scenario.model import Scenario


def default_plan(scenario: Scenario) -> tuple[list[RadioSystem], list[Channel]]:
    """The declared systems and channels, completed so every agency can talk.

    Each agency without a system gets its own (no sites: coverage everywhere) and each
    without a dispatch channel gets one. A scenario declaring no channels at all also
    gets a phone line between every pair of dispatch centres and a CAD-to-CAD link
    between home agencies, the common baseline of a county's dispatch centres.
    """
    comms = scenario.communications
    systems = list(comms.systems)
    channels = list(comms.channels)
    known = {s.id for s in systems}
    for agency in sorted(scenario.agencies, key=lambda a: a.id):
        system = radio_system(scenario, agency.id)
        if system not in known:
            systems.append(RadioSystem(id=system, name=f"{agency.name} radio"))
            known.add(system)
        if not any(c.kind == "dispatch" and agency.id in members(scenario, c) for c in channels):
            channels.append(
                Channel(
                    id=f"{agency.id}-dispatch",
                    name=f"{agency.name} dispatch",
                    kind="dispatch",
                    system=system,
                    members=[agency.id],
                )
            )
    if not comms.channels:
        everyone = sorted(a.id for a in scenario.agencies)
        home = sorted(a.id for a in scenario.agencies if a.is_home)
        channels.append(
            Channel(
                id="dispatch-phone",
                name="Dispatch centre phone lines",
                kind="phone",
                members=everyone,
                capacity=max(1, len(everyone) // 2),
                setup_seconds=20.0,
                latency_seconds=0.0,
                loss_probability=0.0,
            )
        )
        if len(home) > 1:
            channels.append(
                Channel(
                    id="cad-link",
                    name="CAD-to-CAD link",
                    kind="data",
                    members=home,
                    capacity=100,
                    words_per_second=1000.0,
                    setup_seconds=0.0,
                    latency_seconds=20.0,
                    loss_probability=0.0,
                )
            )
    return systems, channels


def radio_system(scenario: Scenario, agency_id: str) -> str:
    """The radio system an agency's units and dispatch use."""
    return scenario.agency(agency_id).radio_system or f"{agency_id}-radio"


def members(scenario: Scenario, channel: Channel) -> frozenset[str]:
    """Agency ids on a channel; a member that is not an agency id names a kind."""
    ids = {a.id for a in scenario.agencies}
    kinds = {m for m in channel.members if m not in ids}  # an id never means a kind
    return frozenset(
        a.id for a in scenario.agencies if a.id in channel.members or a.kind.value in kinds
    )
