"""Systems a cyber incident takes down, restored by work rather than by the clock (issue 14).

On the default map the police CAD and records system go down at 0, restored by CY1 at I
(200 s from the stations at S): city IT's incident-response team IT1 (cyber) restores,
the FBI's FB1 (investigation) investigates; CY1 needs both on scene for 10 minutes.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import (
    CAD_OPENS,
    SCENARIOS,
    LogBuilder,
    agency,
    build,
    exercise,
    first,
    incident,
    kinds,
    open_cad,
    run_until,
    scenario_dict,
    unit,
)

from simulator.build import build_exercise
from simulator.cli import main
from simulator.commands import Dispatch, VerifyCall
from simulator.exercise import Exercise
from simulator.review.outages import outages
from simulator.review.outcomes import outcomes
from simulator.review.score import score
from simulator.scenario import ScenarioError, load
from simulator.view.sentences import sentence
from simulator.view.words import Names

WORK_S = 10 * 60.0
VERIFY_S = 4 * 60.0


def fault(seq: int, kind: str, time: float = 0, **kw: Any) -> dict:
    return {
        "seq": seq,
        "time": time,
        "type": "fault",
        "fault": kind,
        "target": "police",
        "to": ["police"],
        "description": f"{kind} down",
        **kw,
    }


def cyber_data(*faults: dict, extra: list[dict] | None = None, **spec: Any) -> dict:
    row = incident(
        "CY1",
        seq=10,
        incident_type="cyber_attack",
        lead="city_it",
        requires={"cyber": 1, "investigation": 1},
        responsible={"investigation": "fbi"},
        work_minutes=WORK_S / 60,
        calls={"count": 1, "agency": "city_it"},
        **spec,
    )
    row["to"] = ["city_it"]
    data = scenario_dict(
        msel=[*faults, row, *(extra or [])],
        units=[
            unit("P1", "police", ["patrol", "traffic_control"], "PS"),
            unit("T1", "police", ["tactical"], "PS"),
            unit("F1", "fire", ["fire_suppression", "rescue"], "FS"),
            unit("M1", "ems", ["als", "bls", "transport"], "ES"),
            unit("IT1", "city_it", ["cyber"], "ITS"),
            unit("FB1", "fbi", ["investigation"], "FBS"),
        ],
    )
    data["agencies"] += [agency("city_it", "public_works"), agency("fbi", "federal")]
    data["stations"] += [
        {"id": "ITS", "agency": "city_it", "location": "S"},
        {"id": "FBS", "agency": "fbi", "location": "S"},
    ]
    return data


def restored_by_cy1() -> dict:
    return cyber_data(fault(1, "cad", restored_by="CY1"), fault(2, "records", restored_by="CY1"))


def work_cy1(ex: Exercise) -> None:
    """City IT and the FBI each send their unit to CY1."""
    open_cad(ex, "city_it", "CY1")
    open_cad(ex, "fbi", "CY1")
    for agency_id, unit_id in (("city_it", "IT1"), ("fbi", "FB1")):
        order = Dispatch(agency=agency_id, incident="CY1", units=[unit_id])
        assert ex.submit(order, source="test").accepted


def test_a_system_comes_back_when_the_restoring_incidents_work_is_done():
    ex = exercise(restored_by_cy1())
    work_cy1(ex)
    run_until(ex, lambda: ex.engine.outages.records_down("police"))
    assert "police" in ex.engine.network.cad_down
    ex.advance(ex.end)
    done = first(ex, "incident.work_completed", incident="CY1")
    back = kinds(ex, "fault.restored")
    assert [(e.data["fault"], e.incident, e.data["reason"], e.t) for e in back] == [
        ("cad", "CY1", "work completed", done.t),
        ("records", "CY1", "work completed", done.t),
    ]
    assert not kinds(ex, "fault.ended")
    assert "police" not in ex.engine.network.cad_down
    assert not ex.engine.outages.records_down("police")


def test_nobody_working_the_restore_leaves_the_system_down_to_the_end():
    ex = exercise(restored_by_cy1())
    ex.advance(ex.end)
    assert not kinds(ex, "fault.restored", "fault.ended")
    assert "police" in ex.engine.network.cad_down
    assert ex.engine.outages.records_down("police")


def test_a_fault_striking_after_its_restore_was_done_is_restored_at_once():
    late = fault(1, "cad", time="01:00", restored_by="CY1")
    ex = exercise(cyber_data(late))
    work_cy1(ex)
    ex.advance(ex.end)
    struck = first(ex, "fault.started")
    back = first(ex, "fault.restored")
    assert back.t == struck.t == 3600.0
    assert back.data["reason"] == "the restoring work was already done"
    assert "police" not in ex.engine.network.cad_down


def hoax_row(time: float = 0) -> dict:
    row = incident(
        "H1",
        seq=20,
        time=time,
        priority=1,
        incident_type="shooting",
        requires={"patrol": 1, "tactical": 1},
        calls={"count": 1, "agency": "police", "suspect": True},
        hoax=True,
    )
    return row


def verify_time(data: dict, start: float = 0) -> float:
    """How long police take to check the suspect call H1 released at ``start``."""
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "H1"))
    asked = ex.now
    assert ex.submit(VerifyCall(agency="police", incident="H1"), source="test").accepted
    ex.advance(ex.end)
    return first(ex, "incident.verified").t - asked


def test_a_hoax_check_takes_longer_while_the_records_system_is_down():
    down = cyber_data(fault(1, "records", minutes=60), extra=[hoax_row()])
    factor = build(down).settings.manual_processing_factor
    assert verify_time(down) == pytest.approx(VERIFY_S * factor)
    after = cyber_data(fault(1, "records", minutes=1), extra=[hoax_row(time=120)])
    assert verify_time(after) == pytest.approx(VERIFY_S)
    other = cyber_data(fault(1, "cad", minutes=60), extra=[hoax_row()])
    assert verify_time(other) == pytest.approx(VERIFY_S)


# -- validation --------------------------------------------------------------------


def problems(data: dict) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        build(data)
    return [p.render("test.yaml") for p in caught.value.problems]


def test_a_restore_by_an_unknown_incident_is_named_at_its_field():
    (found,) = problems(cyber_data(fault(1, "cad", restored_by="CY9")))
    assert found == (
        "test.yaml: inject seq 1 at msel.0.restored_by: unknown incident 'CY9' (incidents: CY1)"
    )


def test_a_restore_nobody_can_do_is_an_error():
    needs_none = cyber_data(fault(1, "cad", restored_by="CY1"))
    needs_none["msel"][1]["incident"]["requires"] = {"investigation": 1}
    (found,) = problems(needs_none)
    assert "msel.0.restored_by: incident 'CY1' needs no cyber units" in found
    nobody = cyber_data(fault(1, "cad", restored_by="CY1"))
    nobody["units"] = [u for u in nobody["units"] if u["id"] != "IT1"]
    found = problems(nobody)
    assert any(
        "msel.0.restored_by: city_it answers cyber at 'CY1' but neither it nor its "
        "mutual-aid partners have a cyber unit (agencies with one: none)" in p
        for p in found
    ), found
    elsewhere = cyber_data(fault(1, "cad", restored_by="CY1"))
    elsewhere["units"] += [unit("FB2", "fbi", ["cyber"], "FBS")]
    elsewhere["units"] = [u for u in elsewhere["units"] if u["id"] != "IT1"]
    (found,) = problems(elsewhere)
    assert found.endswith("(agencies with one: fbi)")


def test_a_fault_cannot_have_both_a_fixed_time_and_a_restoring_incident():
    (found,) = problems(cyber_data(fault(1, "cad", minutes=30, restored_by="CY1")))
    assert "msel.0" in found and "not both" in found


def test_a_records_fault_names_an_agency():
    (found,) = problems(cyber_data(fault(1, "records", target="pd")))
    assert "msel.0.target: unknown agency 'pd' (agencies:" in found


def test_validate_exits_2_naming_the_file_and_field(tmp_path: Path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cyber_data(fault(1, "cad", restored_by="CY9"))))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: inject seq 1 at msel.0.restored_by: unknown incident 'CY9'" in err
    assert "Traceback" not in err


# -- review and view ---------------------------------------------------------------


def downtime_log() -> LogBuilder:
    log = LogBuilder()
    log.add(0, "exercise.started")
    log.add(300, "fault.started", fault="cad", target="police", seq=1)
    log.add(300, "fault.started", fault="phone", target="dispatch-phone", seq=2)
    log.add(600, "fault.started", fault="records", target="police", seq=3)
    log.add(2100, "fault.ended", fault="phone", target="dispatch-phone", seq=2)
    log.add(4500, "fault.restored", incident="CY1", fault="cad", target="police", seq=1)
    log.add(9000, "exercise.ended", reason="duration")
    return log


def test_outages_run_from_the_fault_to_its_end_restore_or_the_end_of_the_run():
    found = outages(downtime_log().events)
    assert [(o.fault, o.seconds, o.restored_by, o.back) for o in found] == [
        ("cad", 4200.0, "CY1", 4500.0),
        ("phone", 1800.0, None, 2100.0),
        ("records", 8400.0, None, None),
    ]
    result = outcomes(downtime_log().events)
    assert result.systems_down == 3
    assert result.system_down_minutes == round((4200 + 1800 + 8400) / 60, 1)


def test_system_downtime_measure_judges_one_agencys_outages():
    data = restored_by_cy1()
    data["scoring"] = {
        "objectives": [
            {
                "id": "OBJ1",
                "title": "Restore the police systems",
                "core_capability": "Cybersecurity",
                "measures": [
                    {"metric": "system_downtime", "target": 3600, "agency": "police"},
                ],
            }
        ]
    }
    scenario = build(data)
    (measure,) = score(scenario, downtime_log().events).objectives[0].measures
    assert measure.value is not None and measure.value > 3600
    assert measure.met is False
    assert {s.note for s in measure.samples} == {"cad police", "records police"}
    assert [s.censored for s in measure.samples].count(True) == 1
    ex = exercise(data)
    work_cy1(ex)
    ex.advance(ex.end)
    (measure,) = score(scenario, ex.log.events).objectives[0].measures
    assert measure.met is True and measure.value < 3600


def test_the_log_says_a_system_is_down_and_restored_by_the_work():
    names = Names(None, ())
    events = downtime_log().events
    told = [sentence(e, names) for e in events if e.kind.startswith("fault.")]
    assert told[2] == "police records system is down"
    assert told[-1] == "police CAD is back up: the restore at CY1 is done"


# -- the bundled scenario ------------------------------------------------------------


LAKEPORT = SCENARIOS / "lakeport_swatting_wave.yaml"


@pytest.mark.parametrize("profile", ["sop", "idle"])
def test_lakeport_police_systems_return_only_when_city_it_restores_them(profile):
    scenario = load(LAKEPORT)
    agencies = [a.id for a in scenario.agencies]
    ex = build_exercise(scenario, 0, profiles=dict.fromkeys(agencies, profile))
    ex.advance(scenario.metadata.duration)
    back = kinds(ex, "fault.restored")
    if profile == "idle":
        assert not back  # nobody sent: the CAD stays dark to the end
        return
    assert sorted(e.data["fault"] for e in back) == ["cad", "records"]
    assert {e.incident for e in back} == {"CYBER-1"}
    imaged = first(ex, "incident.precondition_met", incident="CYBER-1")
    restorer = first(ex, "unit.on_scene", incident="CYBER-1", unit="IT-IR")
    assert imaged.t <= restorer.t < back[0].t  # the FBI images the servers first
    assert back[0].t == first(ex, "incident.work_completed", incident="CYBER-1").t
    assert CAD_OPENS < back[0].t < scenario.metadata.duration


def test_a_restore_by_an_incident_with_no_work_is_an_error():
    # Its work would be "complete" from the start and never logged completing, so the
    # system would come back, or not, by the order of the MSEL rows.
    idle = cyber_data(fault(1, "records", restored_by="CY1"))
    idle["msel"][1]["incident"]["work_minutes"] = 0
    (found,) = problems(idle)
    assert "msel.0.restored_by: incident 'CY1' has no work (give it work_minutes)" in found
