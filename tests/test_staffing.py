"""First-alarm staffing at structure fires (NFPA 1710 (2020)), on hand-built logs."""

from conftest import SCENARIOS, LogBuilder, build, scenario_dict

from simulator.build import build_exercise
from simulator.players import attach_players
from simulator.review.intervals import response_intervals, standard_checks
from simulator.review.score import score
from simulator.review.staffing import FireCrew, fire_crews, first_alarm_staffing
from simulator.scenario import load

NAME = "First-alarm staffing, structure fire"
CREWS = {
    "E1": FireCrew(4, False, False),
    "E2": FireCrew(4, False, False),
    "E3": FireCrew(3, False, False),
    "L1": FireCrew(4, True, False),
    "R1": FireCrew(4, False, False),
    "BC1": FireCrew(1, False, True),
}


def fire_log(kind: str = "structure_fire") -> LogBuilder:
    """A house fire: BC1 sets off first, then the companies, arriving one by one."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="F1", type=kind, agencies=["fire"])
    log.add(30, "unit.en_route", "fire", "BC1", "F1", prev="dispatched", path=["S", "F"])
    log.add(60, "unit.en_route", "fire", "E1", "F1", prev="dispatched", path=["S", "F"])
    log.add(70, "unit.en_route", "fire", "E2", "F1", prev="dispatched", path=["S", "F"])
    log.add(80, "unit.en_route", "fire", "E3", "F1", prev="dispatched", path=["S", "F"])
    log.add(90, "unit.en_route", "fire", "R1", "F1", prev="dispatched", path=["S", "F"])
    log.add(200, "unit.on_scene", "fire", "BC1", "F1", prev="en_route")
    log.add(300, "unit.on_scene", "fire", "E1", "F1", prev="en_route")
    log.add(360, "unit.on_scene", "fire", "E2", "F1", prev="en_route")
    log.add(420, "unit.on_scene", "fire", "E3", "F1", prev="en_route")  # 12 on scene
    return log


def test_staffed_when_sixteen_are_on_scene_timed_from_the_first_company_en_route():
    log = fire_log()
    log.add(500, "unit.on_scene", "fire", "R1", "F1", prev="en_route")  # 16
    (sample,) = first_alarm_staffing(log.events, CREWS)
    # From E1 en route (the chief's car does not start the clock, but counts on scene).
    assert (sample.value, sample.censored) == (440.0, False)
    assert [e.kind for e in sample.evidence] == ["unit.en_route", "unit.on_scene"]
    assert [e.seq for e in sample.evidence] == [3, 11]  # E1 en route, R1 on scene


def test_an_aerial_on_scene_raises_the_count_to_seventeen():
    log = fire_log()
    log.add(450, "unit.on_scene", "fire", "L1", "F1", prev="en_route")  # 16, with an aerial
    log.add(600, "unit.on_scene", "fire", "R1", "F1", prev="en_route")  # 20
    (sample,) = first_alarm_staffing(log.events, CREWS)
    assert sample.value == 540.0
    assert sample.evidence[1].seq == 12  # R1 on scene, not L1 (16 with an aerial)


def test_a_unit_that_leaves_the_scene_no_longer_counts():
    log = fire_log()
    log.add(450, "unit.returning", "fire", "E2", "F1", prev="on_scene", released_from="F1")
    log.add(500, "unit.on_scene", "fire", "R1", "F1", prev="en_route")  # 12 again
    log.add(560, "incident.resolved", incident="F1")
    (sample,) = first_alarm_staffing(log.events, CREWS)
    assert sample.censored
    assert sample.value == 500.0  # from E1 en route to the fire's resolution
    assert sample.note == "never staffed"


def test_a_fire_still_short_at_the_end_is_not_done_and_other_fires_are_not_judged():
    short = first_alarm_staffing(fire_log().events, CREWS)
    assert [(s.value, s.note, s.censored) for s in short] == [(360.0, "not done by the end", True)]
    assert first_alarm_staffing(fire_log("vehicle_fire").events, CREWS) == []


def test_the_check_judges_the_full_assignment_travel_target_and_a_scenario_gives_crews():
    log = fire_log()
    log.add(500, "unit.on_scene", "fire", "R1", "F1", prev="en_route")
    data = scenario_dict()
    scenario = build(data)
    samples = first_alarm_staffing(log.events, CREWS)
    checks = {c.name: c for c in standard_checks(scenario, response_intervals([]), samples)}
    check = checks[NAME]
    assert (check.n, check.target, check.met) == (1, 480.0, True)
    data["scoring"] = {"targets": {"travel_full_assignment_s": 400}}
    checks = {c.name: c for c in standard_checks(build(data), response_intervals([]), samples)}
    assert checks[NAME].met is False
    crews = fire_crews(scenario)
    fire = {a["id"] for a in data["agencies"] if a["kind"] == "fire"}
    assert set(crews) == {u["id"] for u in data["units"] if u["agency"] in fire}


def test_a_bundled_house_fire_is_judged_in_the_scores():
    scenario = load(SCENARIOS / "riverton_night_shift.yaml")
    exercise = build_exercise(scenario, 1)
    attach_players(exercise, [a.id for a in scenario.agencies])
    exercise.advance(scenario.metadata.duration)
    checks = {c.name: c for c in score(scenario, exercise.log.events).checks}
    assert checks[NAME].n >= 1
    assert all(s.incident.startswith("APT") for s in checks[NAME].samples)
