"""Whole runs of the bundled scenarios, and their pinned event-log hashes.

One place for the run that ``test_golden.py``, ``test_scenario_mechanics.py`` and
``pin_golden.py`` share: a scenario played to its end at seed 0 by automated players for
every agency, built exactly as ``run_sim.py run`` builds it, so a pinned hash is the
"Event log SHA-256" that command prints.
"""

import json
from pathlib import Path
from typing import Any

from simulator.build import build_exercise
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.scenario import load
from simulator.world import build_atlas

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
GOLDEN = Path(__file__).resolve().parent / "golden_sha256.json"
SEED = 0
PIN_COMMAND = ".venv/bin/python tests/pin_golden.py"


def bundled() -> list[Path]:
    """The scenario files shipped in scenarios/, by name."""
    return sorted(SCENARIOS.glob("*.yaml"))


def run_scenario(path: Path, seed: int = SEED, profile: str | None = None) -> Exercise:
    """Play a scenario headless to its end with automated players for every agency.

    With ``profile``, every agency plays it (``idle``, ``poor``, ``expert``); else SOP.
    """
    exercise = set_up(path, seed, profile)
    exercise.advance(exercise.scenario.metadata.duration)
    return exercise


def set_up(path: Path, seed: int = SEED, profile: str | None = None) -> Exercise:
    """The exercise ``run_scenario`` plays, built but not yet started."""
    scenario = load(path)
    profiles = None if profile is None else {a.id: profile for a in scenario.agencies}
    exercise = build_exercise(
        scenario,
        seed,
        atlas=build_atlas(scenario, str(path)),
        file=str(path),
        profiles=profiles,
    )
    return exercise


FIELDS = {"t", "agency", "unit", "incident"}  # Event attributes; anything else is data


def where(ex: Exercise, kind: str, **match: Any) -> list[Event]:
    """Events of ``kind`` whose fields (or data) equal ``match``."""
    return [
        e
        for e in ex.log.of_kind(kind)
        if all((getattr(e, k) if k in FIELDS else e.data.get(k)) == v for k, v in match.items())
    ]


def read_pins() -> dict[str, str]:
    """Pinned event-log SHA-256 by scenario file name."""
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def write_pins(pins: dict[str, str]) -> None:
    """Replace the pinned hashes."""
    GOLDEN.write_text(json.dumps(pins, indent=2, sort_keys=True) + "\n", encoding="utf-8")
