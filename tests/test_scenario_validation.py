"""Bad scenario input is reported at the field that is wrong, with a clear message."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS, build, closure, incident, scenario_dict, unit

from simulator.scenario import Problem, ScenarioError, load, parse
from simulator.scenario.timing import format_offset, parse_offset
from simulator.world import build_atlas
from simulator.world.atlas import suggest


def problems_of(data: dict) -> list[Problem]:
    """Problems from parsing, then (if it parses) from placing it on the map."""
    try:
        scenario = build(data)
        build_atlas(scenario, "test.yaml")
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry at least one problem"
        return exc.problems
    raise AssertionError("the scenario was accepted")


def only(data: dict) -> Problem:
    found = problems_of(data)
    assert len(found) == 1, found
    return found[0]


def mutated(change: Callable[[dict], None]) -> dict:
    data = scenario_dict()
    change(data)
    return data


def test_the_default_builder_scenario_is_valid():
    scenario = build(scenario_dict())
    atlas = build_atlas(scenario, "test.yaml")
    assert len(atlas.roads) == 6


# -- schema problems (pydantic) ---------------------------------------------------------


def test_unknown_field_is_named_at_its_path():
    problem = only(mutated(lambda d: d["units"][0].update(colour="red")))
    assert problem == Problem("units.0.colour", "unknown field")


def test_misspelt_top_level_section_is_an_unknown_field():
    def change(d):
        d["hospital"] = d.pop("hospitals")

    meant = "unknown field; did you mean 'hospitals'?"
    assert Problem("hospital", meant) in problems_of(mutated(change))


def test_wrong_type_names_the_field_and_the_expected_type():
    problem = only(mutated(lambda d: d["units"][0].update(crew="four")))
    assert problem.path == "units.0.crew"
    assert problem.message == "expected a whole number"


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda d: d.update(metadata="x"), "metadata", "expected a mapping of fields"),
        (lambda d: d["units"][0].update(id="bad id!"), "units.0.id", "an id may hold only"),
        (lambda d: d["units"][0].update(id="Engine-Ä1"), "units.0.id", "an id may hold only ASCII"),
        (lambda d: d["units"][0].update(capabilities=[]), "units.0.capabilities", "needs at"),
        (lambda d: d["agencies"][0].update(mutual_aid="x"), "agencies.0.mutual_aid", "expected a"),
    ],
)
def test_schema_problems_are_said_in_a_trainers_words(change, path, message):
    problem = next(p for p in problems_of(mutated(change)) if p.path == path)
    assert problem.message.startswith(message)
    assert "Input should" not in problem.message and "pattern" not in problem.message


def test_out_of_range_value_is_reported():
    problem = only(mutated(lambda d: d["units"][0].update(crew=0)))
    assert problem.path == "units.0.crew"
    assert "greater than or equal to 1" in problem.message


def test_missing_required_field():
    problem = only(mutated(lambda d: d["units"][1].pop("station")))
    assert problem == Problem("units.1.station", "required field is missing")


def test_missing_required_section():
    assert Problem("metadata", "required field is missing") in problems_of(
        mutated(lambda d: d.pop("metadata"))
    )


def test_every_problem_is_reported_in_one_pass():
    def change(d):
        d["units"][0]["crew"] = "four"
        d["units"][0]["colour"] = "red"
        del d["units"][1]["station"]

    paths = {p.path for p in problems_of(mutated(change))}
    assert paths == {"units.0.crew", "units.0.colour", "units.1.station"}


def test_unknown_capability_lists_the_valid_ones():
    problem = only(mutated(lambda d: d["units"][0].update(capabilities=["patrol", "flying"])))
    assert problem.path == "units.0.capabilities.1"
    assert "'patrol'" in problem.message and "'transport'" in problem.message


def test_repeated_capability():
    problem = only(mutated(lambda d: d["units"][0].update(capabilities=["patrol", "patrol"])))
    assert problem == Problem("units.0.capabilities", "a capability is listed twice")


def test_transport_cannot_be_a_fixed_requirement():
    problem = only(mutated(lambda d: d["msel"][0]["incident"].update(requires={"transport": 1})))
    assert problem.path.endswith("requires")
    assert "transport is not a fixed requirement" in problem.message


def test_location_must_be_a_node_or_xy():
    problem = only(mutated(lambda d: d["stations"][0].update(location=5)))
    assert problem == Problem("stations.0.location", "expected a node id or {x, y}, got 5")


def test_location_needs_both_x_and_y():
    problem = only(mutated(lambda d: d["stations"][0].update(location={"x": 1})))
    assert problem == Problem("stations.0.location", "give a node id, or both x and y")


def test_unknown_inject_type_is_reported_at_the_row():
    def change(d):
        d["msel"].append({"seq": 2, "time": 60, "type": "weather", "description": "rain"})

    problem = only(mutated(change))
    assert problem.path == "msel.1.type"
    assert problem.message.startswith("unknown type 'weather' (types: escalation, fault, incident")


def test_information_inject_needs_a_recipient():
    def change(d):
        d["msel"].append({"seq": 2, "time": 60, "type": "information", "description": "x"})

    problem = only(mutated(change))
    assert problem.path.startswith("msel.1")
    assert "at least one recipient" in problem.message


def test_duplicate_node_ids_in_an_explicit_map():
    problem = only(mutated(lambda d: d["map"]["nodes"].append({"id": "S", "x": 5, "y": 5})))
    assert problem.path.startswith("map")
    assert "duplicate node id 'S'" in problem.message


@pytest.mark.parametrize(
    ("road", "clash"),
    [
        ({"from": "S", "to": "M", "name": "Express"}, "'S' to 'M'"),  # beside Main Street
        ({"from": "M", "to": "S", "oneway": True}, "'M' to 'S'"),  # Main Street's other way
    ],
)
def test_a_second_road_the_same_way_between_two_nodes_is_a_problem(road, clash):
    # The graph would keep only the later road: closing Main Street by name would leave
    # the way open.
    problem = only(mutated(lambda d: d["map"]["edges"].append(road)))
    assert problem.path == "map.edges"
    assert problem.message.startswith(f"edges 0 and 6 both lead from {clash}")


def test_one_way_roads_each_way_between_two_nodes_are_fine():
    def change(d):
        d["map"]["edges"][0]["oneway"] = True  # S to M only
        d["map"]["edges"].append({"from": "M", "to": "S", "oneway": True, "name": "Back Main"})

    scenario = build(mutated(change))
    graph = build_atlas(scenario, "test.yaml").roads.graph
    assert (graph.edges["S", "M"]["name"], graph.edges["M", "S"]["name"]) == (
        "Main Street",
        "Back Main",
    )


# Pydantic puts the discriminator tag of a tagged union ("incident", "road_closure",
# "graph") into the error location; the trainer must see only field names.


def test_msel_row_field_path_has_no_union_tag():
    problem = only(mutated(lambda d: d["msel"][0].update(time="1:75")))
    assert problem.path == "msel.0.time"


def test_map_field_path_has_no_union_tag():
    problem = only(mutated(lambda d: d["map"]["nodes"][0].update(x="east")))
    assert problem.path == "map.nodes.0.x"


def test_schema_and_reference_problems_use_the_same_path_for_the_same_field():
    # A cross-reference problem in an incident's requires is reported at
    # msel.0.incident.requires.<capability>; a type problem there must be too.
    reference = only(mutated(lambda d: d["msel"][0]["incident"].update(requires={"hazmat": 1})))
    assert reference.path == "msel.0.incident.requires.hazmat"
    schema = only(mutated(lambda d: d["msel"][0]["incident"].update(requires={"patrol": "x"})))
    assert schema.path == "msel.0.incident.requires.patrol"


def test_escalation_row_field_paths():
    row = {
        "seq": 2,
        "time": 60,
        "type": "escalation",
        "incident": "INC1",
        "description": "worse",
        "add_requires": {"patrol": "many"},
        "secondary": {"id": "INC2", "incident_type": "medical"},
    }
    paths = {p.path for p in problems_of(scenario_dict(msel=[incident(), row]))}
    assert paths == {"msel.1.add_requires.patrol", "msel.1.secondary.location"}


def test_road_closure_row_field_path():
    row = closure(2, 60, roads=["Main Street"])
    row["action"] = "demolish"
    problem = only(scenario_dict(msel=[incident(), row]))
    assert problem.path == "msel.1.action"
    assert "'close'" in problem.message and "'open'" in problem.message


def test_generated_map_field_path():
    def change(d):
        d["map"] = {"kind": "generated", "columns": 2}

    problem = only(mutated(change))
    assert problem.path == "map.columns"


# -- times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:02", 120.0), ("1:30", 5400.0), ("01:00:05", 3605.0), (90, 90.0), (12.5, 12.5)],
)
def test_times_parse(text, seconds):
    assert parse_offset(text) == seconds


@pytest.mark.parametrize("text", ["1:75", "00:60", "01:00:60", "25", "abc", "", "-01:00", -5, True])
def test_bad_times_are_rejected(text):
    with pytest.raises(ValueError, match=r"HH:MM|negative|boolean"):
        parse_offset(text)


def test_bad_duration_is_reported_at_its_field():
    problem = only(mutated(lambda d: d["metadata"].update(duration="1:75")))
    assert problem.path == "metadata.duration"
    assert "'1:75'" in problem.message and "HH:MM" in problem.message


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["msel"][0].update(time="\uff10\uff10:01"), "msel.0.time"),
        (lambda d: d["metadata"].update(duration="0\u0664:00"), "metadata.duration"),
        (lambda d: d["metadata"].update(start="\uff10\uff18:00"), "metadata.start"),
    ],
)
def test_a_time_in_other_digits_is_refused_at_its_field(change, path):
    problem = only(mutated(change))
    assert problem.path == path and "digits 0-9" in problem.message


def test_zero_duration_is_rejected():
    problem = only(mutated(lambda d: d["metadata"].update(duration=0)))
    assert problem == Problem("metadata.duration", "duration must be longer than zero")


def test_start_clock_must_be_a_time_of_day():
    problem = only(mutated(lambda d: d["metadata"].update(start="24:00")))
    assert problem.path == "metadata.start"
    assert "'24:00'" in problem.message


def test_format_offset_round_trips():
    assert format_offset(3725) == "01:02:05"
    assert parse_offset(format_offset(3725)) == 3725


# -- cross-reference problems -----------------------------------------------------------


@pytest.mark.parametrize("section", ["agencies", "stations", "units"])
def test_duplicate_ids(section):
    def change(d):
        d[section].append(dict(d[section][0]))

    found = problems_of(mutated(change))
    first_id = scenario_dict()[section][0]["id"]
    assert Problem(f"{section}.3.id", f"duplicate id {first_id!r}") in found


def test_duplicate_incident_ids_across_injects():
    data = scenario_dict(msel=[incident("INC1"), incident("INC1", seq=2, time=60)])
    assert problems_of(data) == [Problem("msel.1.incident.id", "duplicate incident id 'INC1'")]


def test_duplicate_msel_sequence_numbers():
    data = scenario_dict(msel=[incident("INC1"), incident("INC2", seq=1, time=60)])
    assert problems_of(data) == [Problem("msel.1.seq", "duplicate sequence number 1")]


def test_unknown_station():
    problem = only(mutated(lambda d: d["units"][0].update(station="NOPE")))
    assert problem == Problem("units.0.station", "unknown station 'NOPE' (stations: ES, FS, PS)")


def test_unknown_agency_of_a_unit_and_a_station():
    def change(d):
        d["units"][0]["agency"] = "sheriff"
        d["stations"][0]["agency"] = "sheriff"

    found = problems_of(mutated(change))
    reason = "unknown agency 'sheriff' (agencies: ems, fire, police)"
    assert Problem("units.0.agency", reason) in found
    assert Problem("stations.0.agency", reason) in found


def test_unknown_mutual_aid_partner_and_self_aid():
    def change(d):
        d["agencies"][1]["mutual_aid"] = ["county", "fire"]

    found = problems_of(mutated(change))
    reason = "unknown agency 'county' (agencies: ems, fire, police)"
    assert Problem("agencies.1.mutual_aid.0", reason) in found
    assert Problem("agencies.1.mutual_aid.1", "an agency cannot ask itself for mutual aid") in found


def test_unknown_unit_in_a_resource_change():
    row = {
        "seq": 2,
        "time": 60,
        "type": "resource_change",
        "unit": "X9",
        "change": "out_of_service",
        "description": "breakdown",
    }
    data = scenario_dict(msel=[incident(), row])
    assert problems_of(data) == [Problem("msel.1.unit", "unknown unit 'X9' (units: F1, M1, P1)")]


def test_unknown_objective_and_recipient():
    row = incident()
    row["objectives"] = ["OBJ9"]
    row["to"] = ["police", "coastguard"]
    found = problems_of(scenario_dict(msel=[row]))
    assert Problem("msel.0.objectives.0", "unknown objective 'OBJ9' (objectives: none)") in found
    reason = "unknown agency 'coastguard' (agencies: ems, fire, police)"
    assert Problem("msel.0.to.1", reason) in found


def test_known_objective_is_accepted():
    data = scenario_dict()
    data["msel"][0]["objectives"] = ["OBJ1"]
    data["scoring"] = {
        "objectives": [{"id": "OBJ1", "title": "Respond", "core_capability": "Operational"}]
    }
    build(data)


def test_requirement_no_unit_can_meet():
    problem = only(mutated(lambda d: d["msel"][0]["incident"].update(requires={"hazmat": 1})))
    assert problem == Problem(
        "msel.0.incident.requires.hazmat", "no unit in the scenario has 'hazmat'"
    )


def test_a_bls_requirement_met_only_by_als_crews_is_fine():
    # As the engine dispatches them: an ALS crew meets a BLS need.
    def change(d):
        d["units"] = [u for u in d["units"] if u["id"] != "M1"]
        d["units"].append(unit("M1", "ems", ["als", "transport"], "ES"))
        d["msel"][0]["incident"].update(requires={"bls": 1}, calls={"count": 1, "agency": "ems"})

    scenario = build(mutated(change))
    assert build_atlas(scenario, "test.yaml").scenario is scenario


def test_precondition_capability_no_unit_has():
    pre = [{"id": "safe", "name": "made safe", "capability": "hazmat"}]
    problem = only(mutated(lambda d: d["msel"][0]["incident"].update(preconditions=pre)))
    assert problem.path == "msel.0.incident.preconditions.0.capability"
    assert "'hazmat'" in problem.message


def test_patients_need_a_hospital():
    def change(d):
        d["hospitals"] = []
        d["msel"][0]["incident"]["casualties"] = {"immediate": 1}

    problem = only(mutated(change))
    assert problem == Problem(
        "msel.0.incident.casualties", "patients need a hospital; none declared"
    )


def test_incident_that_needs_nothing():
    problem = only(mutated(lambda d: d["msel"][0]["incident"].update(requires={})))
    assert problem.path == "msel.0.incident.requires"
    assert "needs no units" in problem.message


def test_inject_after_the_end_of_the_exercise():
    problem = only(mutated(lambda d: d["msel"][0].update(time="04:01")))
    reason = "falls after the end of the exercise (metadata.duration: 04:00:00)"
    assert problem == Problem("msel.0.time", reason)


def test_a_bare_number_duration_is_named_as_seconds_when_an_inject_falls_after_it():
    def two(data: dict) -> None:
        data["metadata"]["duration"] = 2
        data["msel"][0]["time"] = "00:00:03"

    problem = only(mutated(two))
    assert problem.path == "msel.0.time"
    assert problem.message == (
        "falls after the end of the exercise (metadata.duration: 00:00:02; "
        'a bare number is seconds: write "02:00" for two hours)'
    )


def test_a_bare_number_duration_long_enough_for_every_inject_is_accepted():
    build(mutated(lambda d: d["metadata"].update(duration=4 * 3600)))


def test_inject_exactly_at_the_end_is_allowed():
    build(mutated(lambda d: d["msel"][0].update(time="04:00")))


def test_escalation_of_an_incident_that_starts_later():
    escalate = {
        "seq": 2,
        "time": "00:10",
        "type": "escalation",
        "incident": "INC2",
        "description": "worse",
        "add_requires": {"patrol": 1},
    }
    data = scenario_dict(msel=[incident(), escalate, incident("INC2", seq=3, time="00:20")])
    assert problems_of(data) == [Problem("msel.1.incident", "incident 'INC2' starts later")]


def test_escalation_of_an_unknown_incident():
    escalate = {"seq": 2, "time": 60, "type": "escalation", "incident": "GHOST", "description": "x"}
    data = scenario_dict(msel=[incident(), escalate])
    reason = "unknown incident 'GHOST' (incidents: INC1)"
    assert problems_of(data) == [Problem("msel.1.incident", reason)]


@pytest.mark.parametrize("missing", ["police", "fire", "ems"])
def test_each_home_discipline_is_required(missing):
    def change(d):
        keep = [a for a in d["agencies"] if a["kind"] != missing]
        d["agencies"] = keep
        ids = {a["id"] for a in keep}
        d["stations"] = [s for s in d["stations"] if s["agency"] in ids]
        d["units"] = [u for u in d["units"] if u["agency"] in ids]
        d["msel"][0]["incident"]["calls"]["agency"] = keep[0]["id"]
        d["msel"][0]["to"] = [keep[0]["id"]]
        d["msel"][0]["incident"]["requires"] = {
            "police": {"fire_suppression": 1},
            "fire": {"patrol": 1},
            "ems": {"patrol": 1},
        }[missing]

    found = problems_of(mutated(change))
    assert found == [Problem("agencies", f"needs a home {missing} agency")]


@pytest.mark.parametrize("written", ["Home", " HOME "])
def test_home_is_home_in_any_case(written):
    scenario = build(mutated(lambda d: d["agencies"][2].update(jurisdiction=written)))
    assert scenario.agencies[2].is_home


def test_an_empty_jurisdiction_is_reported():
    problem = only(mutated(lambda d: d["agencies"][2].update(jurisdiction=" ")))
    assert problem.path == "agencies.2.jurisdiction"
    assert "give 'home'" in problem.message


def test_a_neighbouring_agency_does_not_count_as_home():
    data = mutated(lambda d: d["agencies"][2].update(jurisdiction="County"))
    assert Problem("agencies", "needs a home ems agency") in problems_of(data)


# -- the map (build_atlas) --------------------------------------------------------------


def test_location_off_the_map():
    problem = only(mutated(lambda d: d["stations"][0].update(location={"x": 9000, "y": 9000})))
    assert problem.path == "stations.0.location"
    assert "(9000, 9000) is off the map" in problem.message


def test_radio_site_at_an_unknown_node():
    site = {"id": "north", "location": {"node": "Q"}}
    system = {"id": "county", "sites": [site]}
    problem = only(mutated(lambda d: d["communications"].update(systems=[system])))
    assert problem.path == "communications.systems.0.sites.0.location"
    assert problem.message.startswith("unknown road node 'Q'")


def test_a_channel_may_not_take_the_id_of_an_added_dispatch_channel():
    tactical = {"id": "police-dispatch", "kind": "tactical", "system": "county"}
    tactical["members"] = ["police"]
    plan = {"systems": [{"id": "county"}], "channels": [tactical]}
    problem = only(mutated(lambda d: d["communications"].update(plan)))
    assert problem.path == "communications.channels.0.id"
    assert "dispatch channel the exercise adds for police" in problem.message


def test_a_declared_dispatch_channel_keeps_its_agencys_usual_id():
    own = {"id": "police-dispatch", "kind": "dispatch", "system": "county", "members": ["police"]}
    plan = {"systems": [{"id": "county"}], "channels": [own]}
    scenario = build(mutated(lambda d: d["communications"].update(plan)))
    build_atlas(scenario)


def test_location_near_a_road_snaps():
    scenario = build(mutated(lambda d: d["stations"][0].update(location={"x": 1040, "y": 30})))
    atlas = build_atlas(scenario)
    assert atlas.roads.ids[atlas.locate(scenario.stations[0].location)] == "M"


def test_incident_at_an_unknown_node():
    problem = only(scenario_dict(msel=[incident(at="Q")]))
    reason = "unknown road node 'Q' (nodes: D1, D2, H, I, M, S)"
    assert problem == Problem("msel.0.incident.location", reason)


def test_unknown_road_name_in_a_closure():
    data = scenario_dict(msel=[incident(), closure(2, 60, roads=["Nowhere Street"])])
    roads = "Back Road, East Lane, Hospital Road, Main Street, West Lane"
    reason = f"no road named 'Nowhere Street' (roads: {roads})"
    assert problems_of(data) == [Problem("msel.1.roads.0", reason)]


def test_closure_of_nodes_no_road_joins():
    data = scenario_dict(msel=[incident(), closure(2, 60, edges=[["S", "I"]])])
    reason = "no road joins S and I (a closure names two neighbouring nodes)"
    assert problems_of(data) == [Problem("msel.1.edges.0", reason)]


def _told(*facts: str) -> dict:
    row = {"seq": 2, "time": 60, "type": "information", "description": "x", "to": ["police"]}
    return {**row, "facts": list(facts)}


def test_a_closure_fact_names_a_street_of_the_map():
    """A misspelt street in a closure fact would teach a fact no road ever matches."""
    data = scenario_dict(msel=[incident(), _told("closure:Main Street", "closure:Mian Street")])
    problem = only(data)
    assert problem.path == "msel.1.facts.1"
    assert problem.message.startswith("no road named 'Mian Street' (roads: ")


def test_a_closure_fact_is_spelt_as_the_map_spells_it():
    """Facts match by their text: a street in another case is named, with the right one."""
    problem = only(scenario_dict(msel=[incident(), _told("closure:main street")]))
    assert problem.path == "msel.1.facts.0"
    assert "no road named 'main street'" in problem.message and "Main Street" in problem.message


def test_road_names_match_case_insensitively():
    data = scenario_dict(msel=[incident(), closure(2, 60, roads=["main STREET"])])
    build_atlas(build(data))


def test_closure_names_something():
    row = {"seq": 2, "time": 60, "type": "road_closure", "description": "x"}
    found = problems_of(scenario_dict(msel=[incident(), row]))
    assert len(found) == 1 and "at least one road or edge" in found[0].message


def test_disconnected_explicit_graph():
    data = mutated(lambda d: d["map"]["nodes"].append({"id": "Z", "x": 50, "y": 50}))
    problem = only(data)
    assert problem.path == "map"
    assert "not strongly connected" in problem.message and "'Z'" in problem.message


def test_one_way_dead_end_is_not_strongly_connected():
    def change(d):
        d["map"]["nodes"].append({"id": "X", "x": 4000, "y": 0})
        d["map"]["edges"].append({"from": "H", "to": "X", "oneway": True})

    problem = only(mutated(change))
    assert problem.path == "map" and "'X'" in problem.message


def test_edge_to_an_unknown_node():
    problem = only(mutated(lambda d: d["map"]["edges"][0].update(to="ZZ")))
    assert problem == Problem("map.edges.0.to", "unknown node 'ZZ' (nodes: D1, D2, H, I, M, S)")


def test_edge_from_a_node_to_itself():
    problem = only(mutated(lambda d: d["map"]["edges"][0].update(to="S")))
    assert problem == Problem("map.edges.0", "an edge cannot join a node to itself")


# -- files ------------------------------------------------------------------------------


def test_load_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert info.value.problems == [Problem("", "file not found")]
    assert info.value.lines() == [f"{path}: file not found"]


def test_load_bad_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("metadata:\n  id: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load(path)
    (problem,) = info.value.problems
    assert problem.path == ""
    assert problem.message.startswith("not valid YAML (line ")


def test_load_bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"metadata": }', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert info.value.problems[0].message == "not valid JSON: Expecting value at line 1, column 14"


def test_load_a_document_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert info.value.problems == [Problem("", "expected a mapping of scenario sections")]


def test_load_valid_yaml_and_json_give_the_same_scenario(tmp_path):
    data = scenario_dict()
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "s.json").write_text(json.dumps(data), encoding="utf-8")
    assert load(tmp_path / "s.yaml") == load(tmp_path / "s.json") == parse(data)


def test_rendered_lines_name_the_file_then_the_field(tmp_path):
    data = mutated(lambda d: d["units"][0].update(colour="red"))
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert info.value.lines() == [f"{path}: unit P1 at units.0.colour: unknown field"]
    assert str(info.value) == f"{path}: unit P1 at units.0.colour: unknown field"


def test_unit_builder_matches_schema():
    # The builder's unit() helper produces what the schema expects.
    data = scenario_dict()
    data["units"].append(unit("P2", "police", ["patrol"], "PS", crew=3))
    assert build(data).units[-1].crew == 3


SHIPPED = sorted(SCENARIOS.glob("*.yaml")) + sorted(SCENARIOS.glob("*.json"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_scenario_loads_and_builds(path: Path):
    scenario = load(path)
    atlas = build_atlas(scenario, str(path))
    assert len(atlas.roads) >= 2


def test_there_is_at_least_one_shipped_scenario():
    assert SHIPPED


def test_an_unknown_node_on_a_big_map_names_the_closest_ids():
    """On a generated city the valid ids are thousands: name the nearest spellings."""
    ids = [f"r{r}c{c}" for r in range(40) for c in range(40)]
    hint = suggest("r20c13x", ids, "nodes")
    assert hint.startswith(" (closest: r20c13, ") and hint.endswith("; 1600 nodes in all)")


def test_a_water_area_needs_an_outline_of_three_corners():
    def change(d):
        d["map"]["water"] = [{"name": "Pond", "outline": [[0, 0], [10, 10]]}]

    problem = only(mutated(change))
    assert problem.path == "map.water.0.outline" and "at least 3" in problem.message


def test_a_map_without_its_kind_names_the_field():
    problem = only(mutated(lambda d: d["map"].pop("kind")))
    assert problem == Problem("map.kind", "required field is missing")


def test_a_closure_fact_naming_no_street_is_reported_once():
    problem = only(scenario_dict(msel=[incident(), _told("closure:")]))
    assert problem.path == "msel.1.facts.0"
    assert problem.message.startswith("expected topic:subject")


def test_a_map_kind_left_empty_is_missing_and_an_empty_inject_type_unknown():
    assert only(mutated(lambda d: d["map"].update(kind=None))) == Problem(
        "map.kind", "required field is missing"
    )
    problem = only(mutated(lambda d: d["msel"].append({"seq": 2, "time": 60, "type": ""})))
    assert problem.path == "msel.1.type" and problem.message.startswith("unknown type ''")


def test_a_need_no_home_agency_answers_says_to_name_one_with_responsible():
    """``command: 1`` without an emergency management agency was refused with no way out."""
    row = incident(requires={"patrol": 1, "command": 1})
    data = mutated(lambda d: d.update(msel=[row]))
    data["units"].append(unit("BC1", "fire", ["command"], "FS"))
    problem = only(data)
    assert problem.path == "msel.0.incident.requires.command"
    assert problem.message == (
        "no home emergency_management agency answers it; name the agency that does at this "
        "incident with responsible: {command: AGENCY} (agencies with a command unit: fire)"
    )
    data["msel"][0]["incident"]["responsible"] = {"command": "fire"}
    build(data)  # the fix the message gives is accepted
