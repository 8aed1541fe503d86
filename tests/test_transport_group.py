"""The expert's MCI extras: a transport group spreading patients, mutual aid asked again sooner."""

import pytest
from conftest import SCENARIOS

from simulator.exercise import Exercise, HospitalView
from simulator.players import attach_players
from simulator.players.transport import _destination
from simulator.review.score import score
from simulator.scenario import load
from simulator.scenario.vocabulary import Triage

RED = Triage.IMMEDIATE
YELLOW = Triage.DELAYED


def board(*rows: tuple[str, int, int]) -> list[HospitalView]:
    """Hospitals as (id, beds, beds in use), the same for both categories carried."""
    return [
        HospitalView(h, 0, {RED: beds, YELLOW: beds}, {RED: used, YELLOW: used})
        for h, beds, used in rows
    ]


def test_the_nearest_department_a_patient_would_not_crowd_is_named():
    drives = {"NEAR": 300.0, "MID": 600.0, "FAR": 2000.0}
    # NEAR has 4 beds, 3 in use: a fourth patient takes it past 85%.
    hospitals = board(("NEAR", 4, 3), ("MID", 4, 0), ("FAR", 4, 0))
    assert _destination(hospitals, drives, RED) == "MID"
    assert _destination(board(("NEAR", 4, 1), ("MID", 4, 0)), drives, RED) == "NEAR"


def test_a_crowded_near_department_beats_a_long_detour_for_the_sickest():
    drives = {"NEAR": 300.0, "FAR": 300.0 + 601.0}
    assert _destination(board(("NEAR", 4, 3), ("FAR", 4, 0)), drives, RED) == "NEAR"
    # A delayed patient can bear a longer drive (20 minutes more) to an uncrowded one.
    assert _destination(board(("NEAR", 4, 3), ("FAR", 4, 0)), drives, YELLOW) == "FAR"


def test_no_plan_when_every_department_is_full():
    drives = {"NEAR": 300.0, "FAR": 600.0}
    assert _destination(board(("NEAR", 2, 2), ("FAR", 1, 1)), drives, RED) is None


def played(path, profile: str, seed: int = 0) -> list:
    scenario = load(path)
    agencies = [a.id for a in scenario.agencies]
    exercise = Exercise(scenario, seed)
    attach_players(exercise, agencies, dict.fromkeys(agencies, profile))
    exercise.advance(scenario.metadata.duration)
    return exercise.log.events


def destinations(log: list) -> list:
    return [
        e
        for e in log
        if e.kind == "command.accepted" and e.data["command"]["type"] == "destination"
    ]


@pytest.fixture(scope="module")
def harbor():
    path = SCENARIOS / "harbor_district_mci.yaml"
    return load(path), {name: played(path, name) for name in ("sop", "expert")}


def test_harbor_expert_plans_destinations_and_crowds_fewer_departments(harbor):
    """ICS transport group: the expert's MCI patients are spread, so fewer offload delays."""
    scenario, runs = harbor
    assert not destinations(runs["sop"])
    planned = destinations(runs["expert"])
    assert {e.agency for e in planned} >= {"ems"}
    crowded = {n: sum(e.kind == "hospital.crowded" for e in log) for n, log in runs.items()}
    assert crowded["expert"] < crowded["sop"]
    used = {e.data["hospital"] for e in runs["expert"] if e.kind == "patient.delivered"}
    assert len(used) == len(scenario.hospitals)
    parts = {n: score(scenario, log).outcome_score.components for n, log in runs.items()}
    assert parts["expert"]["distribution"] > parts["sop"]["distribution"]


def test_harbor_expert_asks_for_aid_again_sooner_while_still_short(harbor):
    """SOP asks a partner again after 15 minutes at the soonest, the expert after 5."""
    _, runs = harbor
    gaps: dict[str, list[float]] = {}
    for name, log in runs.items():
        last: dict[tuple, float] = {}
        gaps[name] = []
        for e in log:
            if e.kind == "mutual_aid.requested":
                key = (e.agency, e.incident, e.data["capability"], e.data["to"])
                if key in last:
                    gaps[name].append(e.t - last[key])
                last[key] = e.t
    ms = 1e-3  # the log's times are to the millisecond
    assert gaps["sop"] and min(gaps["sop"]) >= 900.0 - ms
    assert gaps["expert"] and min(gaps["expert"]) >= 300.0 - ms
    assert min(gaps["expert"]) < 900.0 - ms
