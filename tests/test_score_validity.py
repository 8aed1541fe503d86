"""The score rewards the response, not inaction: end to end, and on hand-built logs."""

import json

import pytest
from conftest import (
    SCENARIOS,
    LogBuilder,
    agency,
    build,
    exercise,
    incident,
    one_objective,
    run_until,
    scenario_dict,
    unit,
)

from simulator.cli import main
from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.players.perimeter import Perimeter
from simulator.players.profile import parse_players
from simulator.review.compare import compare
from simulator.review.rating import MeasureResult
from simulator.review.score import score
from simulator.review.stats import Sample
from simulator.scenario import load
from simulator.scenario.attainable import unattainable
from simulator.scenario.vocabulary import Capability
from simulator.viewpoint import Viewpoint

SMALL = SCENARIOS / "small_town_collision.yaml"
RIVERTON = SCENARIOS / "riverton_night_shift.yaml"


def play(path, profiles, until=None, seed=0):
    scenario = load(path)
    exercise = Exercise(scenario, seed)
    agencies = [a.id for a in scenario.agencies]
    attach_players(exercise, agencies, {**dict.fromkeys(agencies, "sop"), **profiles})
    exercise.advance(scenario.metadata.duration if until is None else until)
    if not exercise.ended:
        exercise.finish("stopped by the trainee")
    return score(scenario, exercise.log.events)


@pytest.fixture(scope="module")
def small():
    agencies = [a.id for a in load(SMALL).agencies]
    return {
        "sop": play(SMALL, {}),
        "idle": play(SMALL, dict.fromkeys(agencies, "idle")),
        "poor": play(SMALL, dict.fromkeys(agencies, "poor")),
        "idle police": play(SMALL, {"police": "idle"}),
    }


def test_nobody_acting_scores_far_below_automated_play(small):
    assert small["sop"].overall >= 80
    assert small["idle"].overall <= small["sop"].overall - 25


def test_an_idle_trainee_scores_near_zero_on_its_own_duties(small):
    idle = small["idle police"].roles["police"]
    # SOP police respond, dispatch and share well but never send their sergeant to set up
    # unified command (the expert does): well above an idle trainee, short of perfect.
    assert small["sop"].roles["police"].score >= 60
    assert idle.score is not None and idle.score <= 10
    respond = next(g for g in idle.groups if g.name == "respond")
    assert respond.missed == len(respond.duties) > 0
    # Fire never heard of the collision (police took the calls and told nobody): that is
    # not fire's failure, so fire has no duty to be scored on.
    assert small["idle police"].roles["fire"].score is None


def test_poor_play_scores_below_sop(small):
    assert small["poor"].overall <= small["sop"].overall - 20


def test_quitting_early_never_beats_playing_on():
    full = play(RIVERTON, {"police": "idle"})
    quit_early = play(RIVERTON, {"police": "idle"}, until=16 * 60)
    assert full.complete and not quit_early.complete
    assert quit_early.played == pytest.approx(16 / 240)
    assert quit_early.overall < full.overall
    assert quit_early.overall == pytest.approx(quit_early.window_overall * 16 / 240, abs=0.1)


def test_automated_players_set_up_command_and_earn_its_duty():
    result = play(RIVERTON, {})
    commands = [
        g for r in result.roles.values() for g in r.groups if g.name == "command" and g.duties
    ]
    assert commands, "no agency had a command duty"
    assert any(not s.censored for g in commands for s in g.duties)
    poor = play(RIVERTON, {a.id: "poor" for a in load(RIVERTON).agencies})
    poor_commands = [g for r in poor.roles.values() for g in r.groups if g.name == "command"]
    assert all(s.censored for g in poor_commands for s in g.duties)


# -- hand-built logs -----------------------------------------------------------------------


def test_a_count_with_no_opportunity_is_not_observed_and_never_performed():
    for metric in ("unsafe_entries", "messages_lost", "casualties_deceased"):
        log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police"])
        log.add(600, "exercise.ended", reason="duration reached")
        (objective,) = score(one_objective(metric, 0), log.events).objectives
        assert objective.measures[0].value is None, metric
        assert (objective.rating, objective.score) == (None, None), metric


def test_an_undone_duty_is_a_miss_at_its_elapsed_time():
    scenario = one_objective("first_on_scene", 315)
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police"])
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(60, "cad.opened", "police", incident="I1", via="call")
    log.add(2000, "exercise.ended", reason="duration reached")
    result = score(scenario, log.events)
    (measure,) = result.objectives[0].measures
    assert (measure.value, measure.met, measure.credit, measure.missed) == (2000.0, False, 0.0, 1)
    police = result.roles["police"]
    assert police.score == 0.0


def test_a_duty_not_yet_due_does_not_count():
    scenario = one_objective("first_on_scene", 315)
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police"])
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(100, "exercise.ended", reason="stopped")
    (objective,) = score(scenario, log.events).objectives
    assert objective.measures[0].value is None and objective.rating is None


def test_graded_credit_tells_good_from_adequate():
    scenario = one_objective("first_on_scene", 300)

    def arrive(t):
        log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police"])
        log.add(0, "call.received", "police", incident="I1", call="C1")
        log.add(t, "unit.on_scene", "police", "P1", "I1", prev="en_route")
        return score(scenario, log.events).objectives[0].score

    assert arrive(250) == 100.0
    assert 100.0 > arrive(450) > arrive(700) > arrive(900) == 0.0


def test_only_the_responsible_agencies_have_a_duty_to_take_command():
    """NIMS: an assisting (mutual-aid) agency works under the host's command."""
    data = scenario_dict(
        units=[
            unit("P1", "police", ["patrol"], "PS"),
            unit("PC", "police", ["command"], "PS"),
            unit("FC", "fire", ["command"], "FS"),
            unit("F1", "fire", ["fire_suppression"], "FS"),
        ]
    )
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police", "ems"])
    log.add(100, "unit.on_scene", "police", "PC", "I1", prev="en_route")
    log.add(120, "unit.on_scene", "fire", "F1", "I1", prev="en_route")  # sent as mutual aid
    log.add(1500, "exercise.ended", reason="duration reached")
    roles = score(build(data), log.events).roles
    police = {g.name: g for g in roles["police"].groups}
    note = "never in command: PC on scene, no command post was set up"
    assert [s.note for s in police["command"].duties] == [note]
    assert "command" not in {g.name for g in roles["fire"].groups}


def _command_scene() -> dict:
    """Police, fire and EMS, each with a commander of its own."""
    return scenario_dict(
        units=[
            unit("P1", "police", ["patrol"], "PS"),
            unit("PC", "police", ["command"], "PS"),
            unit("F1", "fire", ["fire_suppression"], "FS"),
            unit("FC", "fire", ["command"], "FS"),
            unit("M1", "ems", ["als", "transport"], "ES"),
            unit("EC", "ems", ["als", "command"], "ES"),
        ]
    )


def _fire_post_then_ems_commander() -> LogBuilder:
    """Fire sets up the post; EMS's commander reports in; police's commander never comes."""
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police", "fire", "ems"])
    log.add(100, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(150, "unit.on_scene", "fire", "FC", "I1", prev="en_route")
    log.add(160, "command_post.established", "fire", "FC", "I1", node="I", x=0.0, y=0.0)
    log.add(200, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
    log.add(230, "unit.on_scene", "ems", "EC", "I1", prev="en_route")
    return log


def test_a_commander_reporting_in_where_unified_command_cannot_form_is_in_command():
    """NIMS: one post; an agency with jurisdiction joins it when a partner's absence
    keeps unified command from forming, and that partner, not it, misses the duty."""
    log = _fire_post_then_ems_commander()
    log.add(1500, "exercise.ended", reason="duration reached")
    roles = score(build(_command_scene()), log.events).roles
    command = {a: next(g for g in r.groups if g.name == "command") for a, r in roles.items()}
    (ems,) = command["ems"].duties
    assert (ems.value, ems.unit, ems.censored) == (30.0, "EC", False)
    assert [e.seq for e in ems.evidence] == [5, 6]  # its first unit, then its commander
    assert command["ems"].credit == command["fire"].credit == 1.0
    (police,) = command["police"].duties
    assert police.censored and police.note == "never in command: its commander never came"


def test_reporting_in_is_in_command_and_unified_command_is_scored_as_coordination():
    """With every agency's commander at the one post, reporting in is the agency's part
    of command; unified command not forming is the coordination measure's miss, not a
    duty charged to whichever commander came last (any of them may form it)."""

    def ems_command(unified: bool) -> tuple[Sample, MeasureResult]:
        log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police", "ems"])
        log.add(100, "unit.on_scene", "police", "PC", "I1", prev="en_route")
        log.add(110, "command_post.established", "police", "PC", "I1", node="I", x=0.0, y=0.0)
        log.add(200, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
        log.add(230, "unit.on_scene", "ems", "EC", "I1", prev="en_route")
        if unified:
            log.add(300, "unified_command.established", incident="I1", agencies=["ems", "police"])
        log.add(1500, "exercise.ended", reason="duration reached")
        data = _command_scene()
        data["scoring"] = _objective("unified_command_time", 600)
        result = score(build(data), log.events)
        (duty,) = next(g for g in result.roles["ems"].groups if g.name == "command").duties
        (measure,) = result.objectives[0].measures
        return duty, measure

    for unified in (False, True):
        duty, _ = ems_command(unified)
        assert (duty.value, duty.unit, duty.censored) == (30.0, "EC", False)
    _, never = ems_command(unified=False)
    assert (never.value, never.met, never.missed) == (1300.0, False, 1)
    _, formed = ems_command(unified=True)
    assert (formed.value, formed.met, formed.missed) == (100.0, True, 0)


def test_command_verdicts_do_not_depend_on_which_commander_reported_in_first():
    """Fire's post; EMS's and police's commanders both report in, unified command never
    forms. Each agency did the same, so each gets the same verdict whichever came first."""

    def command(first: str, second: str, gap: float) -> dict[str, tuple]:
        log = LogBuilder().add(
            0, "incident.started", incident="I1", agencies=["police", "fire", "ems"]
        )
        log.add(100, "unit.on_scene", "police", "P1", "I1", prev="en_route")
        log.add(150, "unit.on_scene", "fire", "FC", "I1", prev="en_route")
        log.add(160, "command_post.established", "fire", "FC", "I1", node="I", x=0.0, y=0.0)
        log.add(200, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
        chiefs = {"ems": "EC", "police": "PC"}
        log.add(230, "unit.on_scene", first, chiefs[first], "I1", prev="en_route")
        log.add(230 + gap, "unit.on_scene", second, chiefs[second], "I1", prev="en_route")
        log.add(1500, "exercise.ended", reason="duration reached")
        roles = score(build(_command_scene()), log.events).roles
        out = {}
        for who in ("police", "ems", "fire"):
            (duty,) = next(g for g in roles[who].groups if g.name == "command").duties
            out[who] = (duty.value, duty.unit, duty.censored, duty.note)
        return out

    # The same instant, either order in the log: identical verdicts.
    assert command("ems", "police", 0) == command("police", "ems", 0)
    # A second apart, either way: both in command at their own commanders' arrival.
    ems_first, police_first = command("ems", "police", 1), command("police", "ems", 1)
    assert ems_first["ems"] == (30.0, "EC", False, "")
    assert police_first["ems"] == (31.0, "EC", False, "")
    assert ems_first["police"] == (131.0, "PC", False, "")
    assert police_first["police"] == (130.0, "PC", False, "")
    assert ems_first["fire"] == police_first["fire"] == (10.0, "FC", False, "")


def test_a_commander_gone_before_the_partners_post_was_set_up_never_reported_in():
    """One commander touring scenes put its agency 'in command' at each post set up later."""
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police", "fire"])
    log.add(100, "unit.on_scene", "police", "PC", "I1", prev="en_route")
    log.add(105, "unit.returning", "police", "PC", "I1", prev="on_scene")
    log.add(150, "unit.on_scene", "fire", "FC", "I1", prev="en_route")
    log.add(170, "command_post.established", "fire", "FC", "I1", node="I", x=0.0, y=0.0)
    log.add(1500, "exercise.ended", reason="duration reached")
    roles = score(build(_command_scene()), log.events).roles
    (duty,) = next(g for g in roles["police"].groups if g.name == "command").duties
    assert duty.censored
    assert duty.note == "never in command: PC on scene, it left before a command post was set up"
    # Still there when the post stood: reporting in, from the post.
    stayed = LogBuilder().add(0, "incident.started", incident="I1", agencies=["police", "fire"])
    for e in log.events:
        if e.kind not in ("incident.started", "unit.returning"):
            stayed.add(e.t, e.kind, e.agency, e.unit, e.incident, **e.data)
    roles = score(build(_command_scene()), stayed.events).roles
    (duty,) = next(g for g in roles["police"].groups if g.name == "command").duties
    assert (duty.value, duty.censored) == (70.0, False)


def test_an_agency_whose_commander_never_came_misses_even_where_unified_command_is_impossible():
    """A partner owning no commander keeps unified command from forming; the post of
    another agency still does not put an agency in command whose commander stayed away."""
    data = _command_scene()
    data["agencies"].append(agency("works", "public_works"))
    data["stations"].append({"id": "WS", "agency": "works", "location": "S"})
    data["units"].append(unit("W1", "works", ["public_works"], "WS"))
    log = LogBuilder().add(0, "incident.started", incident="I1", agencies=["fire", "ems", "works"])
    log.add(100, "unit.on_scene", "works", "W1", "I1", prev="en_route")
    log.add(150, "unit.on_scene", "fire", "FC", "I1", prev="en_route")
    log.add(160, "command_post.established", "fire", "FC", "I1", node="I", x=0.0, y=0.0)
    log.add(200, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
    log.add(1500, "exercise.ended", reason="duration reached")
    roles = score(build(data), log.events).roles
    (ems,) = next(g for g in roles["ems"].groups if g.name == "command").duties
    assert ems.censored and ems.note == "never in command: its commander never came"


def test_a_partner_taking_command_first_does_not_cost_the_others_their_command_duty():
    """Small Town, seed 1: an expert police sets up the post before EMS's supervisor
    arrives (fire never sends its chief). EMS reporting in keeps its duty, so the
    better police play no longer lowers the overall score below all-SOP play."""
    sop = play(SMALL, {}, seed=1)
    expert = play(SMALL, {"police": "expert"}, seed=1)
    ems = next(g for g in expert.roles["ems"].groups if g.name == "command")
    assert ems.missed == 0 and ems.duties[0].unit == "EMS-SUP"
    assert expert.roles["police"].score > sop.roles["police"].score
    assert expert.overall >= sop.overall


def test_outcomes_weigh_heavily():
    scenario = build(scenario_dict())
    base = LogBuilder().add(0, "incident.started", incident="I1", agencies=["ems"])
    base.add(0, "incident.casualties", incident="I1", immediate=4, delayed=0, minor=0, deceased=0)
    base.add(100, "unit.on_scene", "ems", "M1", "I1", prev="en_route")
    dead = LogBuilder()
    dead.events = list(base.events)
    for n in range(1, 5):
        dead.add(600 + n, "patient.died", incident="I1", patient=f"I1-P{n}")
    good = score(scenario, base.events).outcome_score
    bad = score(scenario, dead.events).outcome_score
    assert bad.components["survival"] == 0.0
    assert bad.score <= good.score - 25


# -- profiles and calibration -----------------------------------------------------------------


def test_players_option_parses_profiles_and_names_bad_ones():
    agencies = ["ems", "fire", "police"]
    assert parse_players("expert", agencies) == dict.fromkeys(agencies, "expert")
    assert parse_players("police=idle", agencies) == {
        "ems": "sop",
        "fire": "sop",
        "police": "idle",
    }
    with pytest.raises(ValueError, match="unknown player profile 'genius'"):
        parse_players("genius", agencies)
    with pytest.raises(ValueError, match="unknown agency 'navy'"):
        parse_players("navy=sop", agencies)


def test_run_with_a_bad_profile_exits_2(tmp_path, capsys):
    code = main(["run", str(SMALL), "--players", "lazy", "--out", str(tmp_path / "r"), "--quiet"])
    assert code == 2
    assert "--players: unknown player profile 'lazy'" in capsys.readouterr().err


def test_run_with_profiles_records_them_and_replays(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--players", "police=poor", "--out", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["players"]["police"] == "poor" and manifest["players"]["fire"] == "sop"
    assert main(["replay", str(out)]) == 0


def test_calibrate_orders_idle_and_poor_below_sop(capsys):
    code = main(["calibrate", str(SMALL), "--seeds", "3", "--jobs", "1", "--json"])
    (report,) = json.loads(capsys.readouterr().out)
    rows = {r["cell"]: r for r in report["rows"]}
    assert code == (0 if report["passed"] else 1)
    assert {"idle", "poor", "sop", "expert", "idle police", "idle fire", "idle ems"} <= set(rows)
    for cell in ("idle", "poor", "idle police", "idle fire", "idle ems"):
        assert rows[cell]["passed"], rows[cell]
        assert rows[cell]["gap"] < 0
    assert rows["sop"]["overall"]["n"] == 3 and rows["sop"]["passed"]


# -- validate warns about objectives that cannot be met ---------------------------------------


def _objective(metric, target, **kw):
    measure = {"metric": metric, "target": target, **kw}
    return {
        "objectives": [{"id": "O", "title": "t", "core_capability": "c", "measures": [measure]}]
    }


def test_validate_warns_when_unified_command_can_never_form(tmp_path, capsys):
    import yaml

    data = scenario_dict(msel=[incident(requires={"patrol": 1, "rescue": 1})])
    data["scoring"] = _objective("unified_command_time", 600)
    path = tmp_path / "no_commanders.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    where = f"{path}: warning: objective O at scoring.objectives.0.measures.0"
    assert f"{where}: unified command cannot" in err
    assert "fire, police own no command-capable unit" in err
    data["units"].append(unit("BC", "fire", ["command"], "FS"))
    data["units"].append(unit("SGT", "police", ["command"], "PS"))
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_validate_warns_of_a_full_assignment_measure_for_an_agency_of_command_units_only(
    tmp_path, capsys
):
    import yaml

    data = scenario_dict()
    data["agencies"].append({"id": "oem", "name": "OEM", "kind": "emergency_management"})
    data["stations"].append({"id": "EOC", "agency": "oem", "location": "S"})
    data["units"].append(unit("MCP", "oem", ["command"], "EOC"))
    data["scoring"] = _objective("full_assignment_on_scene", 1200, agency="oem")
    path = tmp_path / "oem.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    where = f"{path}: warning: objective O at scoring.objectives.0.measures.0"
    assert f"{where}: oem owns only command" in err
    data["scoring"] = _objective("first_on_scene", 1200, agency="oem")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_unattainable_names_impossible_counts():
    data = scenario_dict()
    data["scoring"] = _objective("incidents_resolved", 50, at_most=False)
    (problem,) = unattainable(build(data))
    assert problem.message == "target 50 but the scenario has 1 incidents"
    data["scoring"] = _objective("first_on_scene", 300, agency="oem")
    data["agencies"].append({"id": "oem", "name": "OEM", "kind": "emergency_management"})
    (problem,) = unattainable(build(data))
    assert problem.message == "oem owns no units, so this is never observed"


def test_patients_an_escalation_inject_adds_count_toward_a_transport_target():
    data = scenario_dict()
    data["msel"][0]["incident"]["casualties"] = {"delayed": 1}
    data["scoring"] = _objective("casualties_transported", 3, at_most=False)
    (problem,) = unattainable(build(data))
    assert problem.message == "target 3 but only 1 patients need transport"
    inject = {"seq": 2, "time": 600, "type": "escalation", "incident": "INC1"}
    inject |= {"description": "More hurt", "add_casualties": {"immediate": 1, "delayed": 1}}
    data["msel"].append(inject)
    assert unattainable(build(data)) == []


@pytest.mark.parametrize(
    "metric, reason",
    [
        ("verification_time", "no incident's calls are flagged as a possible hoax (calls.suspect)"),
        ("hoax_commitments", "no incident is a hoax"),
        ("system_downtime", "no fault inject takes a system down"),
    ],
)
def test_a_measure_the_scenario_gives_nothing_to_observe_is_named(metric, reason):
    data = scenario_dict()
    data["scoring"] = _objective(metric, 600)
    (problem,) = unattainable(build(data))
    assert problem.message == f"{reason}, so this is never observed"


def test_bundled_scenarios_have_no_unattainable_objective():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        assert unattainable(load(path)) == [], path.name


def test_calibration_markdown_marks_failures_and_unjudged_agencies():
    from simulator.calibration import Report, Row, Stat, to_markdown

    stat = Stat(80.0, 1.0, 3)
    report = Report("demo", 3)
    report.rows += [
        Row("expert", stat, None, "SOP 75.0", 5.0, ">= SOP + 10", False),
        Row("idle oem", stat, None, "-", 0.0, "no duty arose under SOP: not judged", True),
    ]
    text = to_markdown([report])
    assert "### demo (3 seeds per row): FAILS" in text
    assert "| expert | 80.0 ± 1.0 | 80.0 ± 1.0 | SOP 75.0 | +5.0 | >= SOP + 10 | **no** |" in text
    assert "| idle oem | 80.0 ± 1.0 | - | - | +0.0 |" in text


def test_a_scenario_whose_score_is_never_observed_cannot_be_calibrated(tmp_path, capsys):
    """No incident, nothing scored: "-" as run and history show it, exit 2, no FAILS."""
    import yaml

    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["msel"] = []
    path = tmp_path / "empty_msel.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["calibrate", str(path), "--seeds", "1", "--jobs", "1", "--markdown"]) == 2
    out, err = capsys.readouterr()
    assert "small-town-collision (1 seeds per row): score not observed: cannot be calibrated" in out
    assert "| sop | - | - | - | - | not observed | - |" in out
    assert "FAILS" not in out and "0.0" not in out
    assert "calibrate: small-town-collision: score not observed: cannot be calibrated" in err


def test_an_unscored_run_is_no_score_not_a_zero_in_the_calibration():
    from simulator.calibration import Cell, _judge

    sop, poor = Cell("sop", ()), Cell("poor", ())
    results = [(sop, (70.0, {})), (sop, (None, {})), (poor, (40.0, {})), (poor, (None, {}))]
    rows = {r.cell: r for r in _judge("demo", 2, results).rows}
    # Over the seeds that were scored: SOP 70 with no spread, not 35 +- 35.
    assert (rows["sop"].overall.mean, rows["sop"].overall.sd, rows["sop"].overall.n) == (70, 0, 1)
    assert (rows["poor"].gap, rows["poor"].passed) == (-30.0, True)


def test_expert_moves_a_chief_on_once_unified_command_stands():
    """NIMS transfer of command: a chief leaves a scene under unified command for the next.

    Never from a scene whose unified command does not include its agency (it would
    leave that agency's crews without command), and the expert beats SOP there.
    """
    scenario = load(RIVERTON)
    agencies = [a.id for a in scenario.agencies]
    exercise = Exercise(scenario, 0)
    attach_players(exercise, agencies, dict.fromkeys(agencies, "expert"))
    exercise.advance(scenario.metadata.duration)
    unified: dict[str, set[str]] = {}
    moved = []
    for e in exercise.log.events:
        if e.kind == "unified_command.established":
            unified[e.incident] = set(e.data["agencies"])
        previous = e.data.get("reassigned_from") if e.kind == "unit.dispatched" else None
        if previous and exercise.unit_can(e.unit, Capability.COMMAND):
            moved.append(e)
            assert e.agency in unified.get(previous, set()), (e.unit, previous)
    assert moved, "no chief moved on"
    sop = play(RIVERTON, {})
    expert = score(scenario, exercise.log.events)
    assert expert.overall > sop.overall


def played(scenario, profile: str) -> list:
    """The event log of seed 0 with every agency played by ``profile``."""
    agencies = [a.id for a in scenario.agencies]
    exercise = Exercise(scenario, 0)
    attach_players(exercise, agencies, dict.fromkeys(agencies, profile))
    exercise.advance(scenario.metadata.duration)
    return exercise.log.events


def test_expert_holds_crews_at_the_perimeter_until_hazmat_has_sized_up():
    """ERG/NFPA 470: the warehouse's hidden oxidiser harms SOP crews, not the expert's."""
    path = SCENARIOS / "warehouse_chemical_outage.yaml"
    scenario = load(path)
    runs = {name: played(scenario, name) for name in ("sop", "expert")}
    harmed = {n: [e for e in log if e.kind == "unit.harmed"] for n, log in runs.items()}
    assert any(e.data["hazard"] == "chemical" for e in harmed["sop"])
    assert not any(e.data["hazard"] == "chemical" for e in harmed["expert"])
    log = runs["expert"]
    held = [e for e in log if e.kind == "unit.staged" and e.data["reason"] == "held by dispatch"]
    assert any(e.incident == "WHSE-1" for e in held)
    hazmat_in = min(
        e.t
        for e in log
        if e.kind == "unit.on_scene" and e.incident == "WHSE-1" and e.unit.startswith("HM")
    )
    went_in = [
        e
        for e in log
        if e.kind == "unit.on_scene" and e.data.get("released") and e.incident == "WHSE-1"
    ]
    assert went_in and all(e.t > hazmat_in for e in went_in)
    assert score(scenario, log).overall > score(scenario, runs["sop"]).overall + 5


def aid_log(filled_by_asker: bool) -> LogBuilder:
    """EMS asks the county for an ambulance at 100; the county's only one is out till 500."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["ems"], requires={"transport": 1})
    log.add(50, "unit.dispatched", "county_ems", "CM1", "I0", prev="available")
    log.add(100, "mutual_aid.requested", "ems", incident="I1", to="county_ems", count=1)
    log.add(100, "mutual_aid.received", "county_ems", incident="I1", capability="transport")
    log.add(100, "cad.opened", "county_ems", incident="I1", via="mutual_aid")
    if filled_by_asker:
        log.add(300, "unit.dispatched", "ems", "M1", "I1", prev="available")
    log.add(500, "unit.returning", "county_ems", "CM1", "I0", prev="on_scene")
    if not filled_by_asker:
        log.add(560, "unit.dispatched", "county_ems", "CM1", "I1", prev="returning")
        log.add(800, "unit.on_scene", "county_ems", "CM1", "I1", prev="en_route")
    log.add(3000, "exercise.ended", reason="duration reached")
    return log


def test_a_mutual_aid_duty_runs_only_while_the_agency_could_answer():
    data = scenario_dict(
        agencies=[
            agency("police", "police"),
            agency("fire", "fire"),
            agency("ems", "ems"),
            agency("county_ems", "ems", jurisdiction="County"),
        ],
        stations=[
            {"id": "PS", "agency": "police", "location": "S"},
            {"id": "FS", "agency": "fire", "location": "S"},
            {"id": "ES", "agency": "ems", "location": "S"},
            {"id": "CS", "agency": "county_ems", "location": "H"},
        ],
        units=[
            unit("P1", "police", ["patrol"], "PS"),
            unit("F1", "fire", ["fire_suppression"], "FS"),
            unit("M1", "ems", ["transport", "bls"], "ES"),
            unit("CM1", "county_ems", ["transport", "bls"], "CS"),
        ],
    )
    scenario = build(data)
    county = score(scenario, aid_log(filled_by_asker=False).events).roles["county_ems"]
    groups = {g.name: g for g in county.groups}
    # Nothing free until 500: dispatched 60 s after it could, on scene 240 s after that.
    assert [s.value for s in groups["dispatch"].duties] == [60.0]
    assert [s.value for s in groups["respond"].duties] == [300.0]
    # The objectives' call processing times the request the same way.
    intervals = score(scenario, aid_log(filled_by_asker=False).events).intervals
    assert [s.value for s in intervals.of("call_processing", "county_ems")] == [60.0]
    # EMS filled the need itself before the county had anything free: no county duty.
    filled = score(scenario, aid_log(filled_by_asker=True).events)
    assert filled.roles["county_ems"].score is None
    assert filled.intervals.of("call_processing", "county_ems") == []


def test_specialists_go_in_while_other_crews_wait_at_the_perimeter():
    """A scene needing hazmat and a tactical team: neither specialist waits for the other."""
    data = scenario_dict(
        msel=[incident(requires={"patrol": 1, "hazmat": 1, "tactical": 1})],
        units=[
            unit("P1", "police", ["patrol"], "PS"),
            unit("HM1", "police", ["hazmat"], "PS"),
            unit("T1", "police", ["tactical"], "PS"),
            unit("F1", "fire", ["fire_suppression"], "FS"),
        ],
    )
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "INC1"))
    view = ex.cad_incident("police", "INC1")
    go, hold = Perimeter(Viewpoint(ex, "police", "test")).split(view, ["HM1", "P1", "T1"])
    assert (go, hold) == (["HM1", "T1"], ["P1"])


def test_after_a_blast_even_specialists_wait_for_rescues_survey():
    """FEMA US&R structural triage: no entry to a collapse zone before rescue's survey.

    Rescue itself is not held by it (it surveys from outside), so the bomb squad waiting
    for rescue and rescue waiting for the sweep never wait on each other.
    """
    rig = {"id": "rig", "kind": "structural", "harm": "crew_injured"}
    data = scenario_dict(
        msel=[
            incident(
                incident_type="explosion",
                requires={"patrol": 1, "tactical": 1, "rescue": 1},
                hazards=[rig],
            )
        ],
        units=[
            unit("P1", "police", ["patrol"], "PS"),
            unit("T1", "police", ["tactical"], "PS"),
            unit("R1", "fire", ["rescue"], "FS"),
            unit("F1", "fire", ["fire_suppression"], "FS"),
        ],
    )
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "INC1"))
    perimeter = Perimeter(Viewpoint(ex, "police", "test"))
    view = ex.cad_incident("police", "INC1")
    assert perimeter.split(view, ["T1"]) == ([], ["T1"])
    ex.engine.learn("police", "hazard:INC1/rig", "structural", "message", by="police")
    assert perimeter.split(view, ["T1"]) == (["T1"], [])  # the damage is known
    # Played through: fire's rescue, held for the sweep, surveys from outside and the
    # bomb squad goes in on the word, unhurt.
    ex = exercise(data)
    attach_players(ex, ["police", "fire"], {"police": "expert", "fire": "expert"})
    ex.advance(ex.end)
    log = ex.log.events
    assert not [e for e in log if e.kind == "unit.harmed"]
    learned = min(e.t for e in log if e.kind == "fact.learned" and "rig" in e.data["fact"])
    entered = min(e.t for e in log if e.kind == "unit.on_scene" and e.unit == "T1")
    assert entered > learned


def test_harbor_expert_bomb_squad_waits_for_the_stage_survey_and_is_not_hurt():
    """Harbor's unreported stage rig hurts the SOP bomb squad, never the expert's."""
    path = SCENARIOS / "harbor_district_mci.yaml"
    scenario = load(path)
    runs = {name: played(scenario, name) for name in ("sop", "expert")}
    harmed = {n: [e for e in log if e.kind == "unit.harmed"] for n, log in runs.items()}
    assert any(e.data["hazard"] == "structural" for e in harmed["sop"])
    assert not harmed["expert"]
    log = runs["expert"]
    learned = min(
        e.t for e in log if e.kind == "fact.learned" and e.data["fact"] == "hazard:MCI-01/stage"
    )
    bomb_in = min(e.t for e in log if e.kind == "unit.on_scene" and e.unit == "BOMB-1")
    assert bomb_in > learned
    assert score(scenario, log).overall > score(scenario, runs["sop"]).overall + 10


def test_an_idle_trainee_never_rates_an_objective_above_the_baseline():
    """Harbor, seed 4, idle police: unified command never fell due, the escalation was
    scripted and nobody arrived to breach a span, so OBJ5 once read P beside SOP's U."""
    path = SCENARIOS / "harbor_district_mci.yaml"
    idle = play(path, {"police": "idle"}, seed=4)
    baseline = play(path, {}, seed=4)
    obj5 = next(o for o in idle.objectives if o.id == "OBJ5")
    assert obj5.rating is None
    assert [m.metric for m in obj5.measures if m.set_aside] == [
        "incidents_escalated",
        "span_of_control_breaches",
    ]
    ratings = [row for row in compare(idle, baseline) if row.unit == "rating"]
    assert ratings and not [row.label for row in ratings if row.better == "run"]
