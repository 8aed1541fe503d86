"""One way to set up an exercise, for every command that runs one.

``run``, ``play``, ``serve``, ``calibrate``, a report's baseline and the golden tests
all need the same thing: the engine on the scenario's map, recording to a sink, and
automated players for the agencies nobody plays, each with its profile. Building it in
one place keeps them from drifting apart (a player attached in one and not another
would make a replay or a baseline differ from the run it checks).
"""

from collections.abc import Iterable, Mapping
from typing import TextIO

from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.players.community import attach_pio
from simulator.players.fusion import attach_fusion
from simulator.players.hoax import attach_hoax_desks
from simulator.players.operations import attach_operations
from simulator.players.profile import DEFAULT
from simulator.scenario.model import Scenario
from simulator.world.atlas import Atlas


def build_exercise(
    scenario: Scenario,
    seed: int,
    *,
    atlas: Atlas | None = None,
    file: str = "<scenario>",
    sink: TextIO | None = None,
    automated: Iterable[str] | None = None,
    profiles: Mapping[str, str] | None = None,
) -> Exercise:
    """An exercise ready to advance, with its automated players attached.

    Args:
        scenario: the loaded scenario.
        seed: the exercise's random seed.
        atlas: the scenario's map, when already built (it is built from ``file`` if not).
        file: the scenario's file name, for messages about its map.
        sink: where the event log is written as it grows (None: kept in memory only).
        automated: agencies the automated players run (None: every agency).
        profiles: a profile per automated agency (the others play ``sop``).
    """
    exercise = Exercise(scenario, seed, atlas=atlas, sink=sink, file=file)
    chosen = player_profiles(scenario, automated, profiles)
    attach_players(exercise, list(chosen), chosen)
    attach_operations(exercise, chosen)
    attach_pio(exercise, chosen)
    attach_hoax_desks(exercise, chosen)
    attach_fusion(exercise, chosen)
    return exercise


def players_label(profiles: Mapping[str, str]) -> str:
    """The automated players' profiles in a word: "sop", or "fire=expert,police=sop".

    What history shows and groups a trainee's trend by: a score beside expert partners
    is no change in the trainee's play from one beside idle ones. "none" when every
    agency had a trainee.
    """
    kinds = set(profiles.values())
    if not kinds:
        return "none"
    if len(kinds) == 1:
        return kinds.pop()
    return ",".join(f"{agency}={name}" for agency, name in sorted(profiles.items()))


def player_profiles(
    scenario: Scenario,
    automated: Iterable[str] | None = None,
    profiles: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The profile each automated agency plays, in id order (what a run records)."""
    everyone = (a.id for a in scenario.agencies)
    agencies = sorted(everyone if automated is None else automated)
    return {a: (profiles or {}).get(a, DEFAULT) for a in agencies}
