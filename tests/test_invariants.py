"""Whole runs of the shipped scenarios with automated players keep the log consistent."""

import itertools
from collections import Counter

import pytest
from conftest import SCENARIOS

from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.scenario import load
from simulator.scenario.vocabulary import UnitStatus

STATUS_EVENTS = {f"unit.{s.value}" for s in UnitStatus}
OUTCOMES = {"patient.delivered", "patient.released", "patient.died"}
CASES = [(path, seed) for path in sorted(SCENARIOS.glob("*.yaml")) for seed in (0, 1)]


@pytest.fixture(scope="module", params=CASES, ids=[f"{p.stem}-seed{s}" for p, s in CASES])
def finished(request) -> Exercise:
    path, seed = request.param
    scenario = load(path)
    ex = Exercise(scenario, seed=seed)
    attach_players(ex, [a.id for a in scenario.agencies])
    ex.advance(ex.end)
    return ex


def test_sequence_and_time_are_ordered(finished):
    events = finished.log.events
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.t <= b.t for a, b in itertools.pairwise(events))
    assert events[0].kind == "exercise.started"
    assert events[-1].kind == "exercise.ended"
    assert events[-1].t == finished.end


def test_unit_status_events_chain_and_match_the_final_state(finished):
    current = {u.id: "available" for u in finished.scenario.units}
    for event in finished.log.events:
        if event.kind in STATUS_EVENTS:
            assert event.data["prev"] == current[event.unit], event
            current[event.unit] = event.kind.removeprefix("unit.")
    assert current == {u.id: u.status.value for u in finished.engine.units.values()}


def test_every_patient_has_at_most_one_outcome(finished):
    outcomes = Counter(e.data["patient"] for e in finished.log.of_kind(*OUTCOMES))
    assert all(n == 1 for n in outcomes.values()), outcomes
    loaded = Counter(e.data["patient"] for e in finished.log.of_kind("patient.loaded"))
    delivered = Counter(e.data["patient"] for e in finished.log.of_kind("patient.delivered"))
    assert all(n == 1 for n in loaded.values())
    assert set(delivered) <= set(loaded)


def test_nobody_arrives_on_scene_after_resolution(finished):
    resolved = {e.incident: e.seq for e in finished.log.of_kind("incident.resolved")}
    late = [
        e
        for e in finished.log.of_kind("unit.on_scene", "unit.staged")
        if e.incident in resolved and e.seq > resolved[e.incident]
    ]
    assert late == []


def test_every_command_is_answered_with_a_source(finished):
    verdicts = finished.log.of_kind("command.accepted", "command.rejected")
    assert len(verdicts) == len(finished.commands)
    assert all(e.data["source"].startswith("player:") for e in verdicts)
    assert all(e.data["reason"] for e in verdicts if e.kind == "command.rejected")


def test_no_unit_is_left_stuck_at_the_end(finished):
    # With hours to spare, every transport finishes its handover.
    stuck = [
        u.id
        for u in finished.engine.units.values()
        if u.status in (UnitStatus.TRANSPORTING, UnitStatus.AT_HOSPITAL)
        and not any(e.t > finished.end - 3600 for e in finished.log.events if e.unit == u.id)
    ]
    assert stuck == []
