"""Ashbury protest: the mechanics its briefing promises, under automated play.

A march and a counter-protest, a doctored video and a fake curfew post that bring
crowds when nobody answers them, an armed counter-protester at the clash, marchers on
the freeway (issue 14's "a protest where misinformation spreads").
"""

import pytest
from golden import SCENARIOS, run_scenario

from simulator.exercise import Exercise
from simulator.review.score import score
from simulator.scenario import load

PATH = SCENARIOS / "ashbury_protest_misinformation.yaml"


@pytest.fixture(scope="module")
def sop() -> Exercise:
    return run_scenario(PATH)


@pytest.fixture(scope="module")
def played() -> dict[str, Exercise]:
    return {name: run_scenario(PATH, profile=name) for name in ("idle", "expert")}


def test_every_incident_resolves_and_nobody_dies(sop):
    started = {e.incident for e in sop.log.of_kind("incident.started")}
    assert started == {"MARCH-1", "CLASH-1", "RAMP-1", "FIRE-1", "MED-1"}
    assert {e.incident for e in sop.log.of_kind("incident.resolved")} == started
    assert not sop.log.of_kind("patient.died")


def test_sop_patrol_walks_into_the_clash_before_the_tactical_team(sop):
    harmed = sop.log.of_kind("unit.harmed")
    assert harmed and {(e.incident, e.data["hazard"]) for e in harmed} == {
        ("CLASH-1", "armed_suspect")
    }
    tactical = min(e.t for e in sop.log.of_kind("unit.on_scene") if e.unit == "SO-TAC")
    assert all(e.t < tactical for e in harmed)


def test_the_state_police_work_the_freeway_ramp(sop):
    troopers = {e.unit for e in sop.log.of_kind("unit.on_scene") if e.incident == "RAMP-1"}
    assert troopers & {"SP-T1", "SP-T2"}


def test_sop_answers_both_false_claims_before_a_crowd_gathers(sop):
    assert [e.data["rumour"] for e in sop.log.of_kind("rumour.countered")] == ["R1", "R2"]
    assert not sop.log.of_kind("rumour.crowd")


def test_unanswered_claims_bring_crowds_to_the_precinct_and_city_hall(played):
    idle = played["idle"]
    crowds = {e.incident: e.data["rumour"] for e in idle.log.of_kind("rumour.crowd")}
    assert crowds == {"CROWD-1": "R1", "CROWD-2": "R2"}


def test_the_expert_keeps_crews_safe_forms_unified_command_and_keeps_trust(played, sop):
    expert = played["expert"]
    scenario = load(PATH)
    assert not expert.log.of_kind("unit.harmed")
    joint = {e.incident for e in expert.log.of_kind("unified_command.established")}
    assert {"CLASH-1", "RAMP-1"} <= joint
    scores = {n: score(scenario, ex.log.events) for n, ex in (("sop", sop), ("expert", expert))}
    assert scores["expert"].community.trust_end > scores["sop"].community.trust_end
    assert scores["expert"].overall > scores["sop"].overall + 10
