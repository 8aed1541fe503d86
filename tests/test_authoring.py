"""What a trainer writing or running an exercise is told (issue 11, authoring and misuse).

Errors name things as the author wrote them and list the valid choices; problems of
every checking stage come in one pass; silent no-ops are warned about; and input that
was accepted though it could not mean what it said is refused.
"""

import json

import pytest
import yaml
from conftest import SCENARIOS, agency, build, closure, incident, scenario_dict, unit

from simulator.cli import main
from simulator.exercise import Exercise
from simulator.players import attach_players

SMALL = SCENARIOS / "small_town_collision.yaml"


def clean(code: int, err: str) -> list[str]:
    assert "Traceback" not in err
    assert code == 2, err
    return err.strip().splitlines()


# -- runs --------------------------------------------------------------------------------


def test_a_zero_length_run_is_refused_before_anything_is_recorded(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["run", str(SMALL), "--until", "00:00", "--out", str(out), "--quiet"])
    lines = clean(code, capsys.readouterr().err)
    assert lines == [
        "--until: 00:00 is the start of the exercise, so nothing would be played or "
        "scored; give a time after the start"
    ]
    assert not out.exists()


def test_a_trainee_commands_only_the_agencies_it_plays(tmp_path, capsys):
    orders = tmp_path / "orders.jsonl"
    rows = [
        {"t": 60, "command": {"type": "recall", "agency": "police", "units": ["P1"]}},
        {"t": 90, "command": {"type": "recall", "agency": "fire", "units": ["E1"]}},
        {
            "t": 95,
            "source": "controller",
            "command": {"type": "recall", "agency": "fire", "units": ["E1"]},
        },
    ]
    orders.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "run"
    argv = ["run", str(SMALL), "--commands", str(orders), "--out", str(out), "--quiet"]
    lines = clean(main([*argv, "--roles", "police"]), capsys.readouterr().err)
    assert lines == [
        f"{orders}: line 2: command.agency: 'fire' is played by the automated players in this "
        "run (--roles police); a trainee commands only the agencies it plays: police"
    ]
    assert not out.exists()
    assert main(argv) == 0  # without --roles, the file's author plays every agency


@pytest.mark.parametrize("until", ["00:01", "00:10"])
def test_a_short_run_still_runs(tmp_path, until):
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--until", until, "--out", str(out), "--quiet"]) == 0


# -- scenario files: names, choices, one pass ---------------------------------------------


def validate(tmp_path, data: dict, capsys) -> tuple[int, list[str]]:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, [line.removeprefix(f"{path}: ") for line in captured.err.splitlines()]


def fault(seq: int, target: str, kind: str = "phone") -> dict:
    return {
        "seq": seq,
        "time": 60,
        "type": "fault",
        "fault": kind,
        "target": target,
        "description": "lines down",
    }


def test_an_unknown_channel_lists_the_channels_including_the_defaults(tmp_path, capsys):
    data = scenario_dict(msel=[incident(), fault(40, "mpd")])
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    assert lines == [
        "inject seq 40 at msel.1.target: unknown channel 'mpd' (channels: cad-link, "
        "dispatch-phone, ems-dispatch, fire-dispatch, police-dispatch)"
    ]


def test_problems_name_the_inject_seq_the_unit_and_the_incident(tmp_path, capsys):
    data = scenario_dict(msel=[incident("INC7", seq=12, requires={"patrol": "two"})])
    data["units"][1]["station"] = "FS9"
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    assert "inject seq 12, incident INC7 at msel.0.incident.requires.patrol: " in lines[0]
    assert lines[1] == "unit F1 at units.1.station: unknown station 'FS9' (stations: ES, FS, PS)"


def test_every_stage_reports_in_one_pass(tmp_path, capsys):
    data = scenario_dict(msel=[incident(), fault(2, "mpd"), closure(3, 120, roads=["Elm St"])])
    data["units"][0]["colour"] = "red"  # schema
    data["metadata"]["duration"] = "soon"  # schema, in a section stood in for
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    assert [line.split(": ")[0] for line in lines] == [
        "metadata.duration",
        "unit P1 at units.0.colour",  # schema
        "inject seq 2 at msel.1.target",  # cross-reference
        "inject seq 3 at msel.2.roads.0",  # the map
    ]


def test_an_item_left_out_for_its_schema_problem_causes_no_false_problems(tmp_path, capsys):
    change = {
        "seq": 2,
        "time": 60,
        "type": "resource_change",
        "unit": "M1",
        "change": "out_of_service",
        "description": "breakdown",
    }
    tower = fault(3, "tower9", "radio_site")  # radio sites do not depend on agencies
    data = scenario_dict(msel=[incident(casualties={"immediate": 1}), change, tower])
    data["units"][2]["crew"] = 0  # M1, the only transport unit, fails the schema
    data["agencies"][0]["kind"] = "navy"  # so do the police
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    # Not "unknown unit 'M1'", "patients need a transport unit", "unknown agency 'police'"
    # nor "needs a home police agency": each may be the item left out.
    assert [line.split(": ")[0] for line in lines] == [
        "agency police at agencies.0.kind",
        "unit M1 at units.2.crew",
        "inject seq 3 at msel.2.target",
    ]


# -- scenario files: accepted but wrong ---------------------------------------------------


def test_patients_need_a_transport_unit_that_carries_patients(tmp_path, capsys):
    data = scenario_dict(msel=[incident(casualties={"immediate": 1, "delayed": 1})])
    data["units"][2]["patient_capacity"] = 0
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    assert lines[0] == (
        "inject seq 1, incident INC1 at msel.0.incident.casualties: patients need a transport "
        "unit that carries patients; every transport unit (M1) has patient_capacity 0"
    )


def test_a_hospital_belongs_to_a_medical_agency(tmp_path, capsys):
    data = scenario_dict()
    data["hospitals"][0]["agency"] = "police"
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    assert lines == [
        "hospital H1 at hospitals.0.agency: police is a police agency; a hospital belongs to "
        "a hospital or EMS agency, or to none (hospital or EMS agencies here: ems)"
    ]
    data["hospitals"][0]["agency"] = "ems"
    assert validate(tmp_path, data, capsys) == (0, [])


# -- warnings: valid, but silently does nothing --------------------------------------------


def test_an_incident_injects_to_that_tells_nobody_is_a_warning(tmp_path, capsys):
    row = incident()
    row["to"] = ["police", "fire"]  # the calls go to police; fire is told nothing
    code, lines = validate(tmp_path, scenario_dict(msel=[row]), capsys)
    assert code == 0
    assert lines == [
        "warning: inject seq 1, incident INC1 at msel.0.to.1: fire is not told: an incident "
        "inject tells nobody (its 911 calls go to police; others learn of it when it is "
        "shared); add an information inject to tell fire"
    ]


def test_declared_channels_that_drop_the_default_phone_line_and_cad_link_warn(tmp_path, capsys):
    comms = {
        "systems": [{"id": "county"}],
        "channels": [{"id": "ops", "kind": "interop", "system": "county", "members": ["police"]}],
    }
    data = scenario_dict(communications=comms)
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert [line.split(": ")[1] for line in lines] == ["communications.channels"] * 2
    assert "(dispatch-phone)" in lines[0] and "(cad-link)" in lines[1]
    comms["channels"] += [
        {"id": "phones", "kind": "phone", "members": ["police", "fire", "ems"]},
        {"id": "cad", "kind": "data", "members": ["police", "fire", "ems"]},
    ]
    assert validate(tmp_path, data, capsys) == (0, [])


def test_a_precondition_no_need_asks_for_is_a_warning(tmp_path, capsys):
    gate = {"id": "safe", "name": "scene safe", "capability": "tactical", "minutes": 3}
    gate["blocks_agencies"] = ["ems"]
    row = incident(requires={"patrol": 1}, casualties={"delayed": 1}, preconditions=[gate])
    data = scenario_dict(msel=[row])
    data["units"].append(unit("T1", "police", ["tactical"], "PS"))
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        "warning: precondition safe at msel.0.incident.preconditions.0.capability: no need "
        "of this incident asks for tactical, so automated dispatchers send none: 'scene "
        "safe' is never met and the crews it holds wait at the perimeter to the end; add "
        "it to requires"
    ]
    inject = {"seq": 2, "time": 600, "type": "escalation", "incident": "INC1"}
    data["msel"].append({**inject, "description": "Shots", "add_requires": {"tactical": 1}})
    assert validate(tmp_path, data, capsys) == (0, [])  # the controller's inject asks
    data["msel"].pop()
    row["incident"]["escalation"] = [{"after": 600, "add_requires": {"tactical": 1}}]
    assert validate(tmp_path, data, capsys) == (0, [])


def test_an_empty_msel_is_a_warning(tmp_path, capsys):
    code, lines = validate(tmp_path, scenario_dict(msel=[]), capsys)
    assert code == 0
    assert lines == ["warning: msel: the MSEL has no injects: nothing happens in this exercise"]


def test_a_need_nobody_the_answering_agency_may_ask_can_meet_is_a_warning(tmp_path, capsys):
    data = scenario_dict(msel=[incident(requires={"hazmat": 1}), incident("INC2", seq=2)])
    data["msel"][1]["incident"]["requires"] = {"hazmat": 1}
    data["agencies"].append(agency("county", "fire", jurisdiction="Lake County"))
    data["stations"].append({"id": "CS", "agency": "county", "location": "S"})
    data["units"].append(unit("HM1", "county", ["hazmat"], "CS"))
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        "warning: msel.0.incident.requires.hazmat: fire answers hazmat here (and 1 more "
        "incidents) but owns no unit with it, and no agency in its mutual_aid list does "
        "(county do): automated players never bring one; add the owner to its mutual_aid, "
        "or name it under responsible"
    ]
    data["agencies"][1]["mutual_aid"] = ["county"]
    assert validate(tmp_path, data, capsys) == (0, [])


def test_a_need_larger_than_every_unit_that_could_answer_it_is_a_warning(tmp_path, capsys):
    data = scenario_dict(msel=[incident(requires={"patrol": 1, "rescue": 5})])
    data["units"].append(unit("F2", "fire", ["rescue"], "FS"))
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        "warning: incident INC1 at msel.0.incident.requires.rescue: needs 5 rescue but fire "
        "own 2 such units in all: the need is never met and the incident never resolves"
    ]
    data["agencies"].append(agency("county", "fire", jurisdiction="Lake County"))
    data["agencies"][1]["mutual_aid"] = ["county"]
    data["stations"].append({"id": "CS", "agency": "county", "location": "S"})
    data["units"] += [unit(f"C{i}", "county", ["rescue"], "CS") for i in range(2)]
    code, lines = validate(tmp_path, data, capsys)
    assert lines == [
        "warning: incident INC1 at msel.0.incident.requires.rescue: needs 5 rescue but fire "
        "and its mutual_aid partners (county) own 4 such units in all: the need is never "
        "met and the incident never resolves"
    ]
    data["units"].append(unit("C3", "county", ["rescue"], "CS"))
    assert validate(tmp_path, data, capsys) == (0, [])


def test_patients_only_out_of_service_ambulances_could_carry_are_a_warning(tmp_path, capsys):
    data = scenario_dict(msel=[incident(casualties={"delayed": 1})])
    data["units"][2]["status"] = "out_of_service"
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        f"warning: msel.0.incident.casualties: every unit with {need} (M1) starts "
        "out_of_service and no resource_change inject brings one into service: none is "
        "ever sent"
        for need in ("bls", "transport")
    ]
    back = {"seq": 2, "time": 600, "type": "resource_change", "unit": "M1"}
    data["msel"].append({**back, "change": "in_service", "description": "M1 back"})
    assert validate(tmp_path, data, capsys) == (0, [])


@pytest.mark.parametrize("where", ["escalation", "inject"])
def test_an_escalation_needing_what_no_unit_has_is_named(tmp_path, capsys, where):
    data = scenario_dict()
    if where == "escalation":
        data["msel"][0]["incident"]["escalation"] = [{"after": 600, "add_requires": {"cyber": 1}}]
        field = "msel.0.incident.escalation.0.add_requires.cyber"
    else:
        data["msel"].append(
            {
                "seq": 2,
                "time": 600,
                "type": "escalation",
                "to": ["police"],
                "description": "A ransom note",
                "incident": "INC1",
                "add_requires": {"cyber": 1},
            }
        )
        field = "msel.1.add_requires.cyber"
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    assert any(f"{field}: no unit in the scenario has 'cyber'" in line for line in lines), lines


def test_transport_is_refused_in_an_escalations_add_requires(tmp_path, capsys):
    data = scenario_dict()
    data["msel"][0]["incident"]["escalation"] = [{"after": 600, "add_requires": {"transport": 1}}]
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2
    assert any("add_requires: transport is not a fixed requirement" in line for line in lines)


def test_a_hidden_hazard_no_unit_can_recognise_is_a_warning(tmp_path, capsys):
    gas = {"id": "gas", "kind": "chemical"}  # recognised by hazmat, which nobody has
    data = scenario_dict(msel=[incident(hazards=[gas])])
    code, lines = validate(tmp_path, data, capsys)
    assert (code, lines) == (
        0,
        [
            "warning: hazard gas at msel.0.incident.hazards.0: no unit in the scenario can "
            "recognise this chemical hazard (recognised by hazmat) and callers do not report "
            "it: it harms the first crew of each agency that goes in"
        ],
    )
    gas["reported"] = True  # known from the first call
    assert validate(tmp_path, scenario_dict(msel=[incident(hazards=[gas])]), capsys) == (0, [])


def test_a_hospital_without_beds_is_a_warning(tmp_path, capsys):
    data = scenario_dict()
    data["hospitals"][0]["beds"] = {"immediate": 0, "delayed": 0, "minor": 0}
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        "warning: hospital H1 at hospitals.0.beds: a hospital with no beds is over capacity "
        "with its first patient"
    ]


def test_an_objective_without_measures_and_public_measures_without_a_public_warn(tmp_path, capsys):
    data = scenario_dict()
    data["scoring"] = {
        "objectives": [
            {"id": "O1", "title": "Talk", "core_capability": "Operational Coordination"},
            {
                "id": "O2",
                "title": "Inform",
                "core_capability": "Public Information and Warning",
                "measures": [{"metric": "trust_at_end", "target": 50, "at_most": False}],
            },
        ]
    }
    data["msel"].append(
        {
            "seq": 2,
            "time": 60,
            "type": "rumour",
            "to": ["police"],
            "description": "A false post",
            "rumour": "R1",
            "claim": "The bridge fell",
            "factual": False,
        }
    )
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        "warning: objective O1 at scoring.objectives.0.measures: an objective without "
        "measures is never rated (its critical tasks are listed, not scored)",
        "warning: rumour R1 at msel.1: without a community section a rumour reaches no "
        "public: it is only told to the agencies in to",
        "warning: objective O2 at scoring.objectives.1.measures.0.metric: trust_at_end is "
        "read from the public's events, which only a community section makes: never observed",
    ]
    data["community"] = {"pio": ["police"]}
    data["scoring"]["objectives"].pop(0)
    assert validate(tmp_path, data, capsys) == (0, [])
    data["community"] = {"pio": ["fire"]}  # the rumour is told to police only
    assert validate(tmp_path, data, capsys) == (
        0,
        [
            "warning: rumour R1 at msel.1.to: no agency in to has a PIO (community.pio), so "
            "no automated PIO notices or answers this rumour"
        ],
    )


@pytest.mark.parametrize(
    "metric, at_most, reason",
    [
        ("casualties_deceased", False, "less is better, yet at_most: false makes this met by more"),
        ("first_on_scene", False, "less is better, yet at_most: false makes this met by more"),
        ("incidents_resolved", True, "more is better, yet at_most makes this met by fewer"),
    ],
)
def test_a_measure_that_rewards_the_opposite_is_a_warning(
    tmp_path, capsys, metric, at_most, reason
):
    measure = {"metric": metric, "target": 1, "at_most": at_most}
    objective = {"id": "O1", "title": "Care", "core_capability": "Mass Care Services"}
    data = scenario_dict()
    data["scoring"] = {"objectives": [{**objective, "measures": [measure]}]}
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert len(lines) == 1
    assert lines[0].startswith(
        f"warning: objective O1 at scoring.objectives.0.measures.0.at_most: {metric}: {reason}"
    )
    measure["at_most"] = not at_most
    assert validate(tmp_path, data, capsys) == (0, [])


def test_an_escalation_inject_on_a_stage_secondary_may_be_skipped(tmp_path, capsys):
    data = scenario_dict()
    fire = incident("FIRE", at="M", requires={"patrol": 1})["incident"]
    data["msel"][0]["incident"]["escalation"] = [{"after": 600, "secondary": fire}]
    inject = {"seq": 2, "time": 1200, "type": "escalation", "incident": "FIRE"}
    data["msel"].append({**inject, "description": "The fire spreads", "add_requires": {}})
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        "warning: inject seq 2 at msel.1.incident: FIRE starts only if INC1's needs go "
        "unmet for 00:10:00; if it has not started by T+00:20:00 this inject is skipped"
    ]
    data["msel"][1]["incident"] = "INC1"
    assert validate(tmp_path, data, capsys) == (0, [])


def test_fire_services_too_small_for_a_first_alarm_are_a_warning(tmp_path, capsys):
    row = incident(incident_type="structure_fire", requires={"fire_suppression": 1})
    row["incident"]["calls"]["agency"] = "fire"
    row["to"] = ["fire"]
    data = scenario_dict(msel=[row])
    data["units"][1]["crew"] = 4
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert lines == [
        "warning: msel.0.incident: fire and its mutual-aid partners have 4 "
        "firefighters in all; NFPA 1710's first alarm at a structure fire needs 16 on scene "
        "(17 with an aerial), so first-alarm staffing is missed here whatever the players "
        "do; add companies or a mutual-aid partner"
    ]
    data["agencies"].append(agency("county", "fire", jurisdiction="Lake County"))
    data["stations"].append({"id": "CS", "agency": "county", "location": "S"})
    data["units"].append(unit("CE1", "county", ["fire_suppression"], "CS", crew=12))
    data["agencies"][1]["mutual_aid"] = ["county"]
    assert validate(tmp_path, data, capsys) == (0, [])


def test_a_run_goes_ahead_despite_warnings(tmp_path, capsys):
    row = incident()
    row["to"] = ["police", "fire"]
    path = tmp_path / "warned.yaml"
    path.write_text(yaml.safe_dump(scenario_dict(msel=[row])), encoding="utf-8")
    assert (
        main(["run", str(path), "--until", "00:30", "--out", str(tmp_path / "r"), "--quiet"]) == 0
    )


def test_a_fault_injects_recipients_hear_of_it():
    """``to`` on a fault (as on a resource change or an escalation) tells those agencies."""
    row = {**fault(40, "dispatch-phone"), "to": ["fire"], "description": "Phones jammed"}
    exercise = Exercise(build(scenario_dict(msel=[incident(), row])), seed=0)
    exercise.advance(120)
    heard = [(e.agency, e.data["text"]) for e in exercise.log.of_kind("information.received")]
    assert heard == [("fire", "Phones jammed")]
    assert exercise.log.of_kind("fault.started")


# -- closures that cut an incident off -------------------------------------------------------

# The test map: the stations at S, the incident at I, the hospital at H. Main Street runs
# S-M-I, the back way S-D1-D2-I is West Lane, Back Road and East Lane, Hospital Road I-H.
BOTH_WAYS = ["Main Street", "East Lane"]
FOREVER = "for the rest of the exercise"


def cut_off(tmp_path, capsys, rows: list[dict], **spec) -> list[str]:
    """The closure warnings ``validate`` gives for an incident at I at 00:10."""
    crash = incident(time="00:10", **spec)
    code, lines = validate(tmp_path, scenario_dict(msel=[crash, *rows]), capsys)
    assert code == 0
    prefix = "warning: inject seq 1, incident INC1 at msel.0.incident.location: "
    return [line.removeprefix(prefix) for line in lines if "closed," in line]


def test_a_closure_that_cuts_an_incident_off_from_its_agencies_is_a_warning(tmp_path, capsys):
    (line,) = cut_off(tmp_path, capsys, [closure(2, 0, roads=BOTH_WAYS)])
    assert line == (
        "when it begins at T+00:10:00, with East Lane, Main Street closed, no road reaches it "
        f"from the stations of police: none of their units get there {FOREVER}"
    )
    needs = {"patrol": 1, "als": 1}
    (line,) = cut_off(tmp_path, capsys, [closure(2, 0, roads=BOTH_WAYS)], requires=needs)
    assert "from the stations of ems and police:" in line


@pytest.mark.parametrize("casualties", [{"minor": 1}, {"immediate": 1}])
def test_an_incident_s_casualties_make_ems_an_agency_that_must_reach_it(
    tmp_path, capsys, casualties
):
    # The row asks police only; its casualties ask for care (and transport) from EMS.
    rows = [closure(2, 0, roads=BOTH_WAYS)]
    (line,) = cut_off(tmp_path, capsys, rows, casualties=casualties)
    assert "from the stations of ems and police:" in line


def test_the_warning_names_the_inject_that_opens_a_way_and_only_roads_still_closed(
    tmp_path, capsys
):
    rows = [
        closure(2, 0, roads=["Main Street", "East Lane", "Back Road", "West Lane"]),
        closure(3, "00:05", roads=["West Lane"], action="open"),  # before it begins
        closure(4, "00:20", roads=["East Lane"], action="open"),  # Back Road still shut
        closure(5, "00:40:30", roads=["Back Road"], action="open"),  # the back way is open
    ]
    (line,) = cut_off(tmp_path, capsys, rows)
    assert line.startswith("when it begins at T+00:10:00, with Back Road, East Lane, Main ")
    assert line.endswith("until inject seq 5 opens a way at T+00:40:30")


def test_a_closure_in_the_incidents_first_hour_is_a_warning_a_later_one_is_not(tmp_path, capsys):
    (line,) = cut_off(tmp_path, capsys, [closure(2, "00:30", roads=BOTH_WAYS)])
    assert line.startswith("if still open at T+00:30:00, with East Lane, Main Street closed,")
    assert cut_off(tmp_path, capsys, [closure(2, "01:30", roads=BOTH_WAYS)]) == []


@pytest.mark.parametrize(
    ("casualties", "warned"),
    [({"immediate": 1}, True), ({"delayed": 2}, True), ({"minor": 2, "deceased": 1}, False)],
)
def test_only_patients_bound_for_hospital_make_a_closed_hospital_road_a_warning(
    tmp_path, capsys, casualties, warned
):
    rows = [closure(2, 0, roads=["Hospital Road"])]
    lines = cut_off(tmp_path, capsys, rows, casualties=casualties)
    assert lines == (
        [
            "when it begins at T+00:10:00, with Hospital Road closed, no road leads from it to "
            f"any hospital: its immediate and delayed patients wait {FOREVER}"
        ]
        if warned
        else []
    )


@pytest.mark.parametrize(
    "rows",
    [
        [closure(2, 0, roads=["Main Street"])],  # the back way is open
        [  # reopened before it begins
            closure(2, 0, roads=BOTH_WAYS),
            closure(3, "00:05", roads=["Main Street"], action="open"),
        ],
        [{**closure(2, 0, roads=BOTH_WAYS), "contingency": True}],  # released at no set time
    ],
)
def test_a_closure_that_leaves_a_way_in_is_not_a_warning(tmp_path, capsys, rows):
    assert cut_off(tmp_path, capsys, rows) == []


def test_a_road_closed_by_its_nodes_is_named_by_its_street(tmp_path, capsys):
    rows = [closure(2, 0, edges=[["M", "I"], ["D2", "I"]])]
    (line,) = cut_off(tmp_path, capsys, rows)
    assert "with East Lane, Main Street closed," in line


@pytest.mark.parametrize(("told", "latest"), [("police", 2400.0), ("fire", 3000.0)])
def test_automated_dispatch_cut_off_by_closures_is_tried_again_when_a_road_opens(told, latest):
    """As the warning says: nobody gets there until a way opens, and then they go.

    Police give no order the roads would refuse; told of the reopening, they go at
    once; not told, they try again every ten minutes.
    """
    reopened = {**closure(3, "00:40", roads=["East Lane"], action="open"), "to": [told]}
    rows = [closure(2, 0, roads=BOTH_WAYS), reopened]
    ex = Exercise(build(scenario_dict(msel=[incident(time="00:10"), *rows])), seed=0)
    attach_players(ex, ["police", "fire", "ems"])
    ex.advance(ex.end)
    assert not ex.log.of_kind("command.rejected")
    dispatched = [e for e in ex.log.events if e.kind == "unit.dispatched"]
    assert dispatched and 2400.0 <= dispatched[0].t <= latest
    assert ex.log.of_kind("incident.resolved")


@pytest.mark.parametrize(
    ("where", "value", "said"),
    [
        (("units", 0, "crew"), True, "unit P1 at units.0.crew: expected a whole number, not true"),
        (
            ("map", "edges", 0, "speed_kmh"),
            False,
            "map.edges.0.speed_kmh: expected a number, not false",
        ),
        (("msel", 0, "incident", "priority"), True, "priority: expected a whole number, not true"),
        (  # a number inside a mapping
            ("msel", 0, "incident", "requires", "patrol"),
            True,
            "requires.patrol: expected a whole number, not true",
        ),
    ],
)
def test_true_or_false_where_a_number_belongs_is_refused(tmp_path, capsys, where, value, said):
    """YAML reads ``crew: true`` as a flag, which pydantic would have taken for 1."""
    data = scenario_dict()
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    code, lines = validate(tmp_path, data, capsys)
    assert code == 2 and any(line.endswith(said) for line in lines), lines


def test_a_percentile_on_a_count_still_loads_with_a_warning(tmp_path, capsys):
    """Older versions accepted and ignored it: runs recorded with such a file must load."""
    data = scenario_dict()
    measure = {"metric": "messages_lost", "target": 0, "percentile": 95}
    data["scoring"] = {
        "objectives": [{"id": "O1", "title": "t", "core_capability": "c", "measures": [measure]}]
    }
    code, lines = validate(tmp_path, data, capsys)
    assert code == 0
    assert (
        "warning: objective O1 at scoring.objectives.0.measures.0.percentile: messages_lost is "
        "not a time: its percentile is ignored (remove it)"
    ) in lines
