"""First-alarm staffing at structure fires (NFPA 1710 (2020)), on hand-built logs."""

from conftest import SCENARIOS, LogBuilder, agency, build, scenario_dict

from simulator.build import build_exercise
from simulator.review.intervals import response_intervals, standard_checks
from simulator.review.score import score
from simulator.review.staffing import FireCrew, FireService, fire_service, first_alarm_staffing
from simulator.scenario import load

NAME = "First-alarm staffing, structure fire"
CREWS = {
    "E1": FireCrew(4, False, False),
    "E2": FireCrew(4, False, False),
    "E3": FireCrew(3, False, False),
    "L1": FireCrew(4, True, False),
    "R1": FireCrew(4, False, False),
    "BC1": FireCrew(1, False, True),
    "A1": FireCrew(4, False, False),  # a mutual-aid company from the county
}
FIRE = FireService(frozenset({"fire", "county_fire"}), CREWS)


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
    (sample,) = first_alarm_staffing(log.events, FIRE)
    # From E1 en route (the chief's car does not start the clock, but counts on scene).
    assert (sample.value, sample.censored) == (440.0, False)
    assert [e.kind for e in sample.evidence] == ["unit.en_route", "unit.on_scene"]
    assert [e.seq for e in sample.evidence] == [3, 11]  # E1 en route, R1 on scene


def test_an_aerial_on_scene_raises_the_count_to_seventeen():
    log = fire_log()
    log.add(450, "unit.on_scene", "fire", "L1", "F1", prev="en_route")  # 16, with an aerial
    log.add(600, "unit.on_scene", "fire", "R1", "F1", prev="en_route")  # 20
    (sample,) = first_alarm_staffing(log.events, FIRE)
    assert sample.value == 540.0
    assert sample.evidence[1].seq == 12  # R1 on scene, not L1 (16 with an aerial)


def test_a_unit_that_leaves_the_scene_no_longer_counts():
    log = fire_log()
    log.add(450, "unit.returning", "fire", "E2", "F1", prev="on_scene", released_from="F1")
    log.add(500, "unit.on_scene", "fire", "R1", "F1", prev="en_route")  # 12 again
    log.add(560, "incident.resolved", incident="F1")
    (sample,) = first_alarm_staffing(log.events, FIRE)
    assert sample.censored
    assert sample.value == 500.0  # from E1 en route to the fire's resolution
    assert sample.note == "never staffed"


def test_a_fire_still_short_at_the_end_is_not_done_and_other_fires_are_not_judged():
    short = first_alarm_staffing(fire_log().events, FIRE)
    assert [(s.value, s.note, s.censored) for s in short] == [(360.0, "not done by the end", True)]
    assert first_alarm_staffing(fire_log("vehicle_fire").events, FIRE) == []


def test_the_host_service_owns_the_sample_when_mutual_aid_completes_the_count():
    log = fire_log()
    log.add(95, "unit.en_route", "county_fire", "A1", "F1", prev="dispatched", path=["C", "F"])
    log.add(500, "unit.on_scene", "county_fire", "A1", "F1", prev="en_route")  # 16
    (sample,) = first_alarm_staffing(log.events, FIRE)
    assert (sample.agency, sample.unit, sample.value) == ("fire", "A1", 440.0)
    assert sample.evidence[1].agency == "county_fire"  # cites the arrival that completed it


def test_a_fire_no_fire_unit_went_to_is_a_miss_from_the_fire_cad_hearing_of_it():
    log = LogBuilder()
    log.add(0, "incident.started", incident="F1", type="structure_fire", agencies=["fire"])
    log.add(45, "cad.opened", "police", incident="F1", via="call")
    log.add(120, "cad.opened", "fire", incident="F1", via="share")
    log.add(900, "unit.on_scene", "police", "P1", "X9", prev="en_route")
    (sample,) = first_alarm_staffing(log.events, FIRE)
    assert (sample.agency, sample.value, sample.censored) == ("fire", 780.0, True)
    assert sample.note == "no fire unit sent"
    assert [e.kind for e in sample.evidence] == ["cad.opened"]
    untold = LogBuilder()
    untold.add(0, "incident.started", incident="F1", type="structure_fire", agencies=["fire"])
    untold.add(600, "unit.on_scene", "police", "P1", "F1", prev="en_route")
    (sample,) = first_alarm_staffing(untold.events, FIRE)
    assert (sample.value, sample.evidence[0].kind) == (600.0, "incident.started")


def test_a_fire_verified_as_a_hoax_is_not_judged():
    log = fire_log()
    log.add(430, "incident.verified", "fire", incident="F1", hoax=True)
    assert first_alarm_staffing(log.events, FIRE) == []
    staffed_first = fire_log()
    staffed_first.add(500, "unit.on_scene", "fire", "R1", "F1", prev="en_route")  # 16
    staffed_first.add(550, "incident.verified", "fire", incident="F1", hoax=True)
    assert first_alarm_staffing(staffed_first.events, FIRE) == []


def test_a_company_sent_on_to_another_call_leaves_the_count():
    log = fire_log()
    log.add(440, "unit.en_route", "fire", "E1", "X2", prev="on_scene", path=["F", "X"])
    log.add(500, "unit.on_scene", "fire", "R1", "F1", prev="en_route")  # 12 once E1 left
    (sample,) = first_alarm_staffing(log.events, FIRE)
    assert sample.censored


def test_the_check_judges_the_full_assignment_travel_target_and_a_scenario_gives_crews():
    log = fire_log()
    log.add(500, "unit.on_scene", "fire", "R1", "F1", prev="en_route")
    data = scenario_dict()
    scenario = build(data)
    samples = first_alarm_staffing(log.events, FIRE)
    checks = {c.name: c for c in standard_checks(scenario, response_intervals([]), samples)}
    check = checks[NAME]
    assert (check.n, check.target, check.met) == (1, 480.0, True)
    data["scoring"] = {"targets": {"travel_full_assignment_s": 400}}
    checks = {c.name: c for c in standard_checks(build(data), response_intervals([]), samples)}
    assert checks[NAME].met is False
    service = fire_service(scenario)
    fire = {a["id"] for a in data["agencies"] if a["kind"] == "fire"}
    assert service.agencies == fire
    assert set(service.crews) == {u["id"] for u in data["units"] if u["agency"] in fire}


def test_a_bundled_house_fire_is_judged_in_the_scores():
    scenario = load(SCENARIOS / "riverton_night_shift.yaml")
    exercise = build_exercise(scenario, 1)
    exercise.advance(scenario.metadata.duration)
    checks = {c.name: c for c in score(scenario, exercise.log.events).checks}
    assert checks[NAME].n >= 1
    assert all(s.incident.startswith("APT") for s in checks[NAME].samples)


def test_the_full_assignment_is_judged_once_per_fire_from_the_first_service_en_route():
    data = scenario_dict()
    data["agencies"].append(agency("county_fire", "fire", jurisdiction="County"))
    log = LogBuilder()
    log.add(0, "incident.started", incident="F1", type="structure_fire", agencies=["fire"])
    log.add(10, "unit.dispatched", "fire", "E1", "F1")
    log.add(60, "unit.en_route", "fire", "E1", "F1", prev="dispatched", path=["S", "F"])
    log.add(150, "unit.dispatched", "county_fire", "A1", "F1")
    log.add(200, "unit.en_route", "county_fire", "A1", "F1", prev="dispatched", path=["C", "F"])
    log.add(600, "incident.requirements_met", incident="F1")
    checks = standard_checks(build(data), response_intervals(log.events))
    check = next(c for c in checks if c.name == "Travel, full assignment (fire)")
    assert check.n == 1
    assert (check.samples[0].value, check.samples[0].agency) == (540.0, "fire")
