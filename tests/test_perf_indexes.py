"""Indexes kept for speed (issue 10) agree with the full scans they replace, at every step."""

from dataclasses import replace

import pytest

from bench.city import city_scenario
from simulator.engine.knowledge import Knowledge, Known
from simulator.engine.unit import FREE
from simulator.exercise import CadIncident, Exercise
from simulator.players import attach_players
from simulator.scenario.facts import incident_of
from simulator.scenario.vocabulary import UnitStatus


def scanned_about(knowledge: Knowledge, agency: str, incident: str | None) -> dict:
    return {
        k: known.value
        for k, known in sorted(knowledge.facts[agency].items())
        if incident_of(k) == incident
    }


def scanned_free(exercise: Exercise, agency: str) -> list[str]:
    out = []
    for unit in exercise.engine.fleet(agency):
        staged = unit.status == UnitStatus.STAGED
        if (unit.incident is None) if staged else unit.status in FREE:
            out.append(unit.id)
    return out


@pytest.fixture(scope="module")
def city() -> Exercise:
    scenario = city_scenario(incidents=150, side=30, hours=3)
    exercise = Exercise(scenario, seed=2)
    attach_players(exercise, [a.id for a in scenario.agencies])
    return exercise


def test_free_units_and_facts_match_full_scans_through_a_run(city):
    exercise = city
    agencies = sorted(exercise.engine.cads)
    statuses = set()
    for until in range(300, int(exercise.end) + 1, 300):
        exercise.advance(until)
        statuses |= {u.status for u in exercise.engine.units.values()}
        incidents = [*sorted(exercise.engine.incidents), None, "nowhere"]
        for agency in agencies:
            assert exercise.free_units(agency) == scanned_free(exercise, agency)
            knowledge = exercise.engine.knowledge
            for incident in incidents:
                assert knowledge.about(agency, incident) == scanned_about(
                    knowledge, agency, incident
                )
    # The run went through the statuses that make a unit free or not.
    assert {UnitStatus.AVAILABLE, UnitStatus.DISPATCHED, UnitStatus.ON_SCENE} <= statuses
    assert UnitStatus.TRANSPORTING in statuses and UnitStatus.RETURNING in statuses


def test_free_units_follow_every_status_and_assignment_change(city):
    exercise = city
    unit = exercise.engine.fleet("police")[0]
    for status in UnitStatus:
        for incident in (None, "I1"):
            unit.status, unit.incident = status, incident
            assert exercise.free_units("police") == scanned_free(exercise, "police")
            unit.incident, unit.status = None, UnitStatus.AVAILABLE
            assert exercise.free_units("police") == scanned_free(exercise, "police")


def test_facts_index_follows_learns_and_overwrites():
    knowledge = Knowledge(["a", "b"])
    keys = ["incident:I1", "hazard:I1/chem", "casualties:I12", "closure:Main", "condition:I1/x"]
    for t, key in enumerate(keys * 3):
        knowledge.record("a", key, Known(float(t), t // len(keys), "call"))
        knowledge.record("a", key, Known(float(t), t // len(keys), "call"))  # same: no-op
        for incident in ("I1", "I12", None, "I2"):
            assert knowledge.about("a", incident) == scanned_about(knowledge, "a", incident)
            assert knowledge.about("b", incident) == {}
    assert knowledge.about("a", "I1") == {
        "condition:I1/x": 2,
        "hazard:I1/chem": 2,
        "incident:I1": 2,
    }


def off_scene(view: CadIncident | None) -> CadIncident | None:
    """A CAD view without its counts on scene (a tasking clash changes them unlogged)."""
    if view is None:
        return None
    return replace(view, needs=tuple(replace(n, on_scene=0) for n in view.needs))


@pytest.mark.parametrize("incidents", [120, 600])
def test_players_kept_cad_reads_match_a_fresh_read(incidents):
    # A player keeps what it read of an incident until an event names it again
    # (SopPlayer._read): every kept read must be what the CAD shows at that moment
    # (but for who is on scene), in a city that keeps up and in one where incidents
    # wait for units (600).
    scenario = city_scenario(incidents=incidents, side=25, hours=2)
    exercise = Exercise(scenario, seed=3)
    players = attach_players(exercise, [a.id for a in scenario.agencies])
    checked = []
    for player in players:
        kept = player._read

        def read(incident, player=player, kept=kept):
            answer = kept(incident)
            fresh = player.desk.cad_incident(incident)
            assert off_scene(answer.view) == off_scene(fresh)
            assert answer.shortfalls == player._shortfalls(fresh)
            assert answer.agencies == ({n.responsible for n in fresh.needs} if fresh else set())
            checked.append(incident)
            return answer

        player._read = read
    exercise.advance(scenario.metadata.duration)
    assert len(checked) > 500
    if incidents == 600:
        assert max(len(p._needy) for p in players) > 20  # incidents did wait


def test_ranking_reads_a_driving_units_next_stop_again_when_its_trip_changes():
    scenario = city_scenario(incidents=60, side=20, hours=1)
    exercise = Exercise(scenario, seed=4)
    attach_players(exercise, [a.id for a in scenario.agencies])
    exercise.advance(1200)
    movement = exercise.engine.movement
    now = exercise.now
    driving = [u for u in exercise.engine.sorted_units() if u.trip is not None and u.trip.end > now]
    unit = driving[0]
    _, nodes, lead, _ = movement._state([unit.id], now)
    node, reach = movement.origin(unit)
    assert (nodes[0], lead[0]) == (node, reach - now)
    movement.hold(unit)  # a new trip at the same instant: stop at the next intersection
    _, nodes, lead, _ = movement._state([unit.id], now)
    node, reach = movement.origin(unit)
    assert (nodes[0], lead[0]) == (node, reach - now)


def scanned_state(exercise: Exercise, ids: list[str]) -> list[tuple]:
    """Each unit's origin node, lead and turnout, read from its own fields."""
    movement, now = exercise.engine.movement, exercise.now
    turnout = {a.id: a.turnout for a in exercise.engine.agency_specs()}
    out = []
    for uid in ids:
        unit = exercise.engine.units[uid]
        node, reach = movement.origin(unit)
        out.append((node, reach - now, turnout[unit.agency] if unit.at_home else 0.0))
    return out


def test_the_kept_parked_units_match_their_fields_through_a_run():
    scenario = city_scenario(incidents=150, side=30, hours=3)
    exercise = Exercise(scenario, seed=3)
    attach_players(exercise, [a.id for a in scenario.agencies])
    ids = sorted(exercise.engine.units)
    moving = 0
    for until in range(600, int(exercise.end) + 1, 600):
        exercise.advance(until)
        _, nodes, leads, turnouts = exercise.engine.movement._state(ids, exercise.now)
        kept = list(zip(nodes.tolist(), leads.tolist(), turnouts.tolist(), strict=True))
        assert kept == scanned_state(exercise, ids)
        moving += sum(1 for u in exercise.engine.units.values() if u.trip is not None)
    assert moving  # units drove as well as sat


def test_a_unit_staged_at_its_own_station_turns_out_no_more():
    exercise = Exercise(city_scenario(incidents=5, side=10, hours=1), seed=1)
    unit = exercise.engine.sorted_units()[0]
    movement = exercise.engine.movement
    assert movement._state([unit.id], 0.0)[3][0] > 0  # parked at home: turnout
    unit.staging = "S1"  # a staging area at the station itself
    assert movement._state([unit.id], 0.0)[3][0] == 0.0
    unit.staging = None
    assert movement._state([unit.id], 0.0)[3][0] > 0
