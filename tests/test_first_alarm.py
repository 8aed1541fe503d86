"""The automated fire dispatcher's first alarm: heads enough at a structure fire (NFPA 1710)."""

import copy

from conftest import CAD_OPENS, agency, build, closure, incident, scenario_dict, unit

from simulator.build import build_exercise
from simulator.players.sop import SopPlayer
from simulator.review.staffing import fire_service, first_alarm_staffing
from simulator.scenario.vocabulary import FIRST_ALARM_STAFF, FIRST_ALARM_STAFF_AERIAL

FIRE_UNITS = [
    unit("E1", "fire", ["fire_suppression", "rescue"], "FS", crew=4),
    unit("E2", "fire", ["fire_suppression", "rescue"], "FS", crew=4),
    unit("E3", "fire", ["fire_suppression", "rescue"], "FS2", crew=4),
    unit("E4", "fire", ["fire_suppression", "rescue"], "FS2", crew=4),
    unit("L1", "fire", ["ladder", "rescue"], "FS2", crew=4),
    unit("HM1", "fire", ["hazmat"], "FS", crew=3),
    unit("BC1", "fire", ["command"], "FS", crew=1),
]


def fire_data(kind: str = "structure_fire", msel: list[dict] | None = None) -> dict:
    """Police, fire and EMS; a fire needing two engines at I, the companies at S and D1."""
    fire = incident(
        "F1",
        incident_type=kind,
        priority=1,
        requires={"fire_suppression": 2},
        calls={"count": 1, "agency": "fire"},
        work_minutes=30,
    )
    fire["to"] = ["fire"]
    return scenario_dict(
        agencies=[
            agency("police", "police"),
            agency("fire", "fire", turnout_seconds=60),
            agency("ems", "ems"),
        ],
        stations=[
            {"id": "PS", "agency": "police", "location": "S"},
            {"id": "FS", "agency": "fire", "location": "S"},
            {"id": "FS2", "agency": "fire", "location": "D1"},
            {"id": "ES", "agency": "ems", "location": "S"},
        ],
        units=[
            unit("P1", "police", ["patrol"], "PS"),
            unit("M1", "ems", ["als", "bls", "transport"], "ES"),
            *copy.deepcopy(FIRE_UNITS),  # tests move companies: each run gets its own rows
        ],
        msel=msel or [fire],
    )


def run(data: dict, profiles: dict[str, str] | None = None, until: float = 3600.0):
    scenario = build(data)
    exercise = build_exercise(scenario, 1, profiles=profiles)
    exercise.advance(until)
    return scenario, exercise


def dispatched_to(exercise, incident_id: str) -> list[tuple[float, str]]:
    return [
        (e.t, e.unit)
        for e in exercise.log.events
        if e.kind == "unit.dispatched" and e.incident == incident_id
    ]


def sent_to(exercise, incident_id: str) -> list[str]:
    return [unit for _, unit in dispatched_to(exercise, incident_id)]


def test_sop_sends_companies_until_its_crews_make_the_first_alarm():
    scenario, exercise = run(fire_data())
    sent = sent_to(exercise, "F1")
    crews = {u.id: u.crew for u in scenario.units}
    # Two engines for the need, then the nearest companies for heads: two more engines
    # make 16 (the ladder, as near, would have raised the count to 17).
    assert sum(crews[u] for u in sent) == FIRST_ALARM_STAFF
    assert sent == ["E1", "E2", "E3", "E4"]
    assert "HM1" not in sent and "BC1" not in sent  # not sent for heads
    (sample,) = first_alarm_staffing(exercise.log.events, fire_service(scenario))
    assert not sample.censored


def test_the_nearest_companies_are_added_first():
    data = fire_data()
    data["units"] = [u for u in data["units"] if u["id"] != "L1"]
    data["units"].append(unit("E5", "fire", ["fire_suppression", "rescue"], "FS2", crew=4))
    data["units"].append(unit("E6", "fire", ["fire_suppression", "rescue"], "FS", crew=4))
    _, exercise = run(data)
    sent = sent_to(exercise, "F1")
    assert len(sent) == 4  # 16 heads without an aerial
    # S is nearer I than D1: the three engines at S go before any at D1.
    assert {"E1", "E2", "E6"} <= set(sent)


def test_an_aerial_sent_raises_the_count_to_seventeen():
    data = fire_data()
    for row in data["units"]:
        if row["id"] in ("E3", "E4"):
            row["station"] = "FS"  # farther than the ladder now: D1 is nearer I than S
    for row in data["stations"]:
        if row["id"] == "FS2":
            row["location"] = "D2"
    scenario, exercise = run(data)
    sent = sent_to(exercise, "F1")
    crews = {u.id: u.crew for u in scenario.units}
    assert "L1" in sent
    assert sum(crews[u] for u in sent) >= FIRST_ALARM_STAFF_AERIAL


def test_a_poor_player_sends_only_the_companies_the_needs_name_and_misses_the_check():
    scenario, exercise = run(fire_data(), {"fire": "poor"})
    assert len(sent_to(exercise, "F1")) == 2
    (sample,) = first_alarm_staffing(exercise.log.events, fire_service(scenario))
    assert sample.censored


def test_a_fire_other_than_a_structure_fire_gets_its_needs_only():
    _, exercise = run(fire_data("vehicle_fire"))
    assert len(sent_to(exercise, "F1")) == 2


def busy_then_house(until: float = 2 * 3600):
    """A vehicle fire holds E1 and E2 for 20 minutes; the house fire comes a minute in.

    Returns the run, and when the vehicle fire first freed a company.
    """
    first = incident(
        "F0",
        at="M",
        incident_type="vehicle_fire",
        requires={"fire_suppression": 2},
        calls={"count": 1, "agency": "fire"},
        work_minutes=20,
    )
    first["to"] = ["fire"]
    house = fire_data()["msel"][0]
    house.update(time=60, seq=2)
    scenario, exercise = run(fire_data(msel=[first, house]), until=until)
    freed = min(
        e.t
        for e in exercise.log.events
        if e.kind == "unit.returning" and e.data.get("released_from") == "F0"
    )
    return scenario, exercise, freed


def test_a_company_freed_from_another_call_is_added_later():
    scenario, exercise, freed = busy_then_house()
    # Short at first (two engines busy at F0); topped up once they came free.
    assert any(t >= freed for t, _ in dispatched_to(exercise, "F1"))
    (sample,) = first_alarm_staffing(exercise.log.events, fire_service(scenario))
    assert not sample.censored


def test_a_drawn_down_service_sends_the_needs_only_until_companies_free():
    # Five companies: two at the vehicle fire, two for the house's needs, one left
    # free, fewer than a third: no heads (reduced response) until the vehicle fire
    # frees its engines, though the free ladder alone would have added four.
    _, exercise, freed = busy_then_house()
    before = [unit for t, unit in dispatched_to(exercise, "F1") if t < freed]
    assert len(before) == 2 and "L1" not in before


def test_heads_sent_to_one_fire_can_put_the_next_on_the_reduced_plan():
    # Nine engines of two, two house fires planned in one pass, nobody sent yet: the
    # first takes eight (16 heads), leaving one of nine free, fewer than a third, so
    # the second is left short rather than given the last engine.
    second = fire_data()["msel"][0]
    second["seq"] = 2
    second["incident"].update(id="F2", title="Incident F2", location="M")
    data = fire_data(msel=[fire_data()["msel"][0], second])
    engines = [f"E{i}" for i in range(1, 10)]
    data["units"] = [u for u in data["units"] if u["agency"] != "fire"] + [
        unit(e, "fire", ["fire_suppression"], "FS", crew=2) for e in engines
    ]
    _, exercise = run(data, {"fire": "idle"}, until=120)
    player = SopPlayer(exercise, "fire")
    views = [player._view(i) for i in ("F1", "F2")]
    player._top_up(views, exercise.free_units("fire"))
    assert len(sent_to(exercise, "F1")) == 8
    assert sent_to(exercise, "F2") == []
    assert player.alarm.short == {"F2"}


CUT_OFF = ["West Lane", "Back Road"]  # D1's only roads: FS2's companies cannot reach I


def cut_off_fire(engines: int) -> dict:
    """A fire needing ``engines`` engines while D1 is cut off; police reopen it at 300 s."""
    data = fire_data()
    fire = data["msel"][0]
    fire.update(seq=2)
    fire["incident"]["requires"] = {"fire_suppression": engines}
    data["msel"] = [
        closure(1, 0, roads=CUT_OFF),
        fire,
        closure(3, 300, roads=CUT_OFF, action="open"),
    ]
    return data


def told_reopened(exercise) -> float:
    """When the fire service learned (from the police) that D1's roads reopened."""
    return min(
        e.t
        for e in exercise.log.events
        if e.kind == "fact.learned"
        and e.agency == "fire"
        and e.data["fact"].startswith("closure:")
        and e.data["value"] is False
    )


def refused(exercise) -> list[str]:
    return [
        e.data["reason"]
        for e in exercise.log.events
        if e.kind == "command.rejected" and e.data["source"] == "player:fire"
    ]


def test_a_need_gets_the_units_that_can_reach_it_and_the_rest_once_told_roads_reopened():
    # Three engines asked, two of them cut off: the two that can reach go at once (a
    # dispatch naming a cut-off engine would be refused whole, sending none).
    _, exercise = run(cut_off_fire(3))
    sent = dispatched_to(exercise, "F1")
    assert sent[:2] == [(CAD_OPENS, "E1"), (CAD_OPENS, "E2")]
    assert refused(exercise) == []
    # Word of the reopening is enough: the third engine goes then, not at the next retry.
    reopened = told_reopened(exercise)
    assert reopened < CAD_OPENS + 600
    assert (reopened, "E3") in sent


def test_heads_come_from_companies_that_can_reach_the_fire_and_the_rest_once_told():
    # The needs' two engines go; the companies that would make up the heads are all
    # cut off, so none is sent (nor refused) until word of the reopening.
    _, exercise = run(cut_off_fire(2))
    sent = dispatched_to(exercise, "F1")
    reopened = told_reopened(exercise)
    assert [u for t, u in sent if t < reopened] == ["E1", "E2"]
    assert refused(exercise) == []
    assert {"E3", "E4"} <= {u for t, u in sent if t == reopened}
