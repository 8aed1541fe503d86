"""Meridian Riverfest: the mechanics its briefing promises, under automated play.

A suspicious package and a second one, a crowd crush, two rumours that move the crowd
when nobody answers them, two bomb squads and hospitals that crowd (issue 14's
"suspicious package and crowd surge at a public event with rumours online").
"""

import pytest
from golden import SCENARIOS, run_scenario, where

from simulator.exercise import Exercise
from simulator.review.score import score
from simulator.scenario import load

PATH = SCENARIOS / "meridian_riverfest_package.yaml"


@pytest.fixture(scope="module")
def sop() -> Exercise:
    return run_scenario(PATH)


@pytest.fixture(scope="module")
def played() -> dict[str, Exercise]:
    return {name: run_scenario(PATH, profile=name) for name in ("idle", "expert")}


def test_every_incident_resolves_and_nobody_dies(sop):
    started = {e.incident for e in sop.log.of_kind("incident.started")}
    assert started == {"PKG-1", "SURGE-1", "PKG-2", "LOST-1", "HEAT-1"}
    assert {e.incident for e in sop.log.of_kind("incident.resolved")} == started
    assert not sop.log.of_kind("patient.died")


def test_sop_patrol_walks_up_to_the_backpack_and_is_hurt(sop):
    harmed = [e for e in sop.log.of_kind("unit.harmed") if e.incident == "PKG-1"]
    assert harmed and all(e.data["hazard"] == "explosive" for e in harmed)
    assert {e.agency for e in harmed} == {"meridian_pd"}
    told = where(sop, "fact.learned", fact="hazard:PKG-1/device")
    known = min(e.t for e in told if e.agency == "meridian_pd")
    assert all(e.t <= known for e in harmed)  # before the bomb squad's word reached dispatch


def test_the_second_bag_goes_to_the_state_police_bomb_squad(sop):
    asked = where(sop, "mutual_aid.requested", to="state_police", capability="tactical")
    assert [e.incident for e in asked] == ["PKG-2"]
    arrived = [e for e in sop.log.of_kind("unit.on_scene") if e.unit == "SP-BOMB"]
    assert arrived and arrived[0].incident == "PKG-2"


def test_sop_answers_both_rumours_before_a_crowd_gathers(sop):
    countered = [e.data["rumour"] for e in sop.log.of_kind("rumour.countered")]
    assert countered == ["R1", "R2"]
    assert not sop.log.of_kind("rumour.crowd")


def test_nobody_answering_lets_both_rumours_move_the_crowd(played):
    idle = played["idle"]
    crowds = {e.incident: e.data["rumour"] for e in idle.log.of_kind("rumour.crowd")}
    assert crowds == {"CROWD-1": "R1", "CROWD-2": "R2"}


def test_the_expert_holds_the_cordon_forms_unified_command_and_spreads_patients(played, sop):
    expert = played["expert"]
    assert not expert.log.of_kind("unit.harmed")
    assert {e.incident for e in expert.log.of_kind("unified_command.established")} >= {
        "PKG-1",
        "SURGE-1",
    }
    assert not sop.log.of_kind("unified_command.established")
    assert len(expert.log.of_kind("hospital.crowded")) < len(sop.log.of_kind("hospital.crowded"))
    scenario = load(PATH)
    assert score(scenario, expert.log.events).overall > score(scenario, sop.log.events).overall + 10
