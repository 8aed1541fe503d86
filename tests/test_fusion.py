"""A fusion centre that receives, combines and disseminates (issue 14).

INC1 at I has three hidden hazards. Fire is told of ``chem`` (T+10 s) and police of
``gun`` (T+20 s) by information injects; together they give ``trap`` to an analyst
the rule allows (the regional intelligence centre ``ric``, a police-kind agency)
after two minutes of analysis.
"""

import json
from typing import Any

import pytest
from conftest import (
    SCENARIOS,
    agency,
    build,
    exercise,
    first,
    incident,
    joint_data,
    kinds,
)

from simulator.build import build_exercise
from simulator.exercise import Exercise
from simulator.players.fusion import DELAY_S
from simulator.review.intelligence import summary
from simulator.review.report import RunMeta, build_report, render
from simulator.review.score import score
from simulator.scenario import load
from simulator.scenario.loader import ScenarioError
from simulator.scenario.timing import parse_offset
from simulator.view.sentences import sentence
from simulator.view.words import Names

CHEM, GUN, TRAP = "hazard:INC1/chem", "hazard:INC1/gun", "hazard:INC1/trap"
ANALYSIS_S = 120.0


def fusion_data(handling: list[dict] | None = None, **rule: Any) -> dict:
    """Police, fire, EMS, the feds and the intelligence centre; one combination rule."""
    data = joint_data(extra_agencies=(agency("ric", "police"),), msel=[incident(time=600)])
    data["msel"][0]["incident"]["hazards"] = [
        {"id": "chem", "kind": "chemical"},
        {"id": "gun", "kind": "armed_suspect"},
        {"id": "trap", "kind": "structural"},
    ]
    for seq, (t, to, fact) in enumerate([(10, "fire", CHEM), (20, "police", GUN)], start=2):
        data["msel"].append(
            {
                "seq": seq,
                "time": t,
                "type": "information",
                "to": [to],
                "description": "found",
                "facts": [fact],
            }
        )
    combine = {"facts": [CHEM, GUN], "gives": TRAP, "by": ["ric"], "minutes": 2, **rule}
    data["intelligence"] = {"combine": [combine], "handling": handling or []}
    return data


def rule(level: str, owner: str, recipients: list[str], needed_by: list[str]) -> dict:
    """A handling rule for the combined fact."""
    return {
        "fact": TRAP,
        "level": level,
        "owner": owner,
        "recipients": recipients,
        "needed_by": needed_by,
    }


def players(data: dict, profile: str) -> Exercise:
    """Every agency automated on one profile."""
    return build_exercise(build(data), 0, profiles=dict.fromkeys(_ids(data), profile))


def _ids(data: dict) -> list[str]:
    return [a["id"] for a in data["agencies"]]


def _tell(ex: Exercise, agency_id: str, *facts: str) -> None:
    for fact in facts:
        assert ex.engine.learn(agency_id, fact, ex.engine.truth(fact) or "x", "message")


def learned_via(ex: Exercise, agency_id: str, fact: str) -> list[tuple[float, str, str]]:
    return [
        (e.t, e.data["via"], e.data["source"])
        for e in kinds(ex, "fact.learned")
        if e.agency == agency_id and e.data["fact"] == fact
    ]


# -- the engine's analysis -------------------------------------------------------------


def test_an_analyst_holding_both_facts_learns_the_combination_after_the_analysis_time():
    ex = exercise(fusion_data())
    ex.advance(30.0)
    _tell(ex, "ric", CHEM)
    ex.advance(40.0)
    assert not kinds(ex, "intelligence.combined")  # one fact is not enough
    _tell(ex, "ric", GUN)
    ex.advance(40.0 + ANALYSIS_S + 1.0)
    done = first(ex, "intelligence.combined")
    assert (done.agency, done.data["fact"], done.data["sources"]) == ("ric", TRAP, [CHEM, GUN])
    assert done.t == pytest.approx(40.0 + ANALYSIS_S) and done.data["began"] == 40.0
    # The incident has not begun: the analyst foresees what the scenario holds.
    assert learned_via(ex, "ric", TRAP) == [(done.t, "analysis", "ric")]
    assert ex.engine.knowledge.value("ric", TRAP) == "structural"


def test_an_agency_the_rule_does_not_name_never_combines():
    ex = exercise(fusion_data())
    ex.advance(30.0)
    _tell(ex, "police", CHEM)  # police now hold both (GUN by inject)
    ex.advance(ex.end)
    assert not kinds(ex, "intelligence.combined")
    assert not ex.engine.knowledge.knows("police", TRAP)


def test_a_rule_may_name_a_kind_and_each_analyst_combines_once():
    ex = exercise(fusion_data(by=["police"]))
    ex.advance(30.0)
    _tell(ex, "police", CHEM)
    _tell(ex, "ric", CHEM, GUN)
    ex.advance(ex.end)
    assert sorted(e.agency for e in kinds(ex, "intelligence.combined")) == ["police", "ric"]


def test_an_analyst_that_found_the_result_meanwhile_has_nothing_to_combine():
    ex = exercise(fusion_data())
    ex.advance(30.0)
    _tell(ex, "ric", CHEM, GUN)
    ex.advance(60.0)
    assert ex.engine.learn("ric", TRAP, "structural", "unit")
    ex.advance(ex.end)
    assert not kinds(ex, "intelligence.combined")


def test_a_scenario_without_combination_rules_logs_none():
    ex = exercise()
    ex.advance(ex.end)
    assert not kinds(ex, "intelligence.combined")
    assert not ex.engine.analysis.active


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"facts": [CHEM, "hazard:INC1/nothing"]},
            "intelligence.combine.0.facts.1: incident 'INC1' has no hazard 'nothing'",
        ),
        ({"gives": "incident:NOPE"}, "intelligence.combine.0.gives: unknown incident 'NOPE'"),
        ({"gives": CHEM}, "intelligence.combine.0.gives: 'hazard:INC1/chem' is one of its own"),
        ({"by": ["cia"]}, "intelligence.combine.0.by.0: unknown agency or kind 'cia'"),
        ({"facts": [CHEM]}, "intelligence.combine.0.facts"),
    ],
)
def test_combination_rule_problems_are_reported_by_field(changes, message):
    with pytest.raises(ScenarioError) as caught:
        build(fusion_data(**changes))
    assert message in str(caught.value)


def test_validate_exits_2_naming_the_file_and_field(tmp_path, capsys):
    from simulator.cli import main

    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(fusion_data(by=["cia"])))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "intelligence.combine.0.by.0" in err
    assert "Traceback" not in err


# -- the players: reports in, the fusion desk out --------------------------------------


def test_sop_reports_and_disseminates_after_its_delay_within_the_handling_level():
    handling = [rule("law_enforcement_sensitive", "ric", ["fire"], ["police", "fire", "ems"])]
    ex = players(fusion_data(handling), "sop")
    ex.advance(ex.end)  # desks act on events: the quiet first ten minutes hold the reports
    delay = DELAY_S["sop"]
    t_chem, via, by = learned_via(ex, "ric", CHEM)[0]
    assert (via, by) == ("message", "fire") and t_chem >= 10.0 + delay
    done = first(ex, "intelligence.combined")
    [(t, via, by)] = learned_via(ex, "fire", TRAP)  # cleared by the owner
    assert (via, by) == ("message", "ric") and t >= done.t + delay
    # EMS is not law enforcement and not cleared: the centre never sends it (police's
    # crew found the trap for itself, and may warn anyone of it).
    assert "ric" not in {by for _, _, by in learned_via(ex, "ems", TRAP)}
    assert learned_via(ex, "feds", TRAP) == []  # allowed, but does not need it
    assert not kinds(ex, "intelligence.overshared")


def test_expert_passes_it_on_at_once():
    ex = players(fusion_data([rule("public", "ric", [], ["police", "ems"])]), "expert")
    ex.advance(500.0)
    done = first(ex, "intelligence.combined")
    assert done.t < 20.0 + 60.0 + ANALYSIS_S  # both reports came in at once
    for partner in ("police", "ems", "fire"):  # fire reported a source: it hears back
        [(t, via, by)] = learned_via(ex, partner, TRAP)
        assert (via, by) == ("message", "ric") and t - done.t < 60.0


def test_need_to_know_goes_only_to_the_owners_cleared_recipients():
    handling = [rule("need_to_know", "feds", ["police"], ["police", "ems"])]
    ex = players(fusion_data(handling), "expert")
    ex.advance(600.0)
    assert first(ex, "intelligence.combined").agency == "ric"
    assert [by for _, _, by in learned_via(ex, "police", TRAP)] == ["ric"]
    assert learned_via(ex, "ems", TRAP) == [] and learned_via(ex, "fire", TRAP) == []
    assert not kinds(ex, "intelligence.overshared")


@pytest.mark.parametrize("profile", ["poor", "idle"])
def test_poor_and_idle_never_report_nor_disseminate(profile):
    ex = players(fusion_data(), profile)
    ex.advance(600.0)
    assert learned_via(ex, "ric", CHEM) == [] and not kinds(ex, "intelligence.combined")


# -- the record: report and view -------------------------------------------------------


def test_the_report_lists_who_combined_what_when_and_who_got_it():
    ex = players(fusion_data([rule("public", "ric", [], ["police"])]), "expert")
    ex.advance(ex.end)
    [made] = summary(ex.scenario, ex.log.events)["combined"]
    assert (made["by"], made["fact"], made["sources"]) == ("ric", TRAP, [CHEM, GUN])
    assert ("police", "ric") in {(g["agency"], g["from"]) for g in made["got"]}
    meta = RunMeta("r", None, [], ["police"], 0, "2026-01-01T00:00:00", None, "done", "h", None)
    events = ex.log.events
    doc = build_report(ex.scenario, events, score(ex.scenario, events), meta, [], None)
    md = render(doc, "md")
    assert "Facts combined by analysts" in md and "hazard:INC1/chem, hazard:INC1/gun" in md
    assert "Facts combined by analysts" in render(doc, "html")


def test_the_view_log_says_what_the_analyst_linked():
    ex = players(fusion_data(description="The trap is rigged"), "expert")
    ex.advance(600.0)
    names = Names(ex.scenario, ("police",))
    text = sentence(first(ex, "intelligence.combined"), names)
    assert text == (
        "Ric linked what was reported (hazard at INC1: chem; hazard at INC1: gun): "
        "The trap is rigged"
    )


# -- Eastfield: the regional intelligence centre links the powder and the overdoses ---------


def _eastfield(profile: str) -> Exercise:
    scenario = load(SCENARIOS / "eastfield_warrant_day.yaml")
    ex = build_exercise(scenario, 0, profiles={a.id: profile for a in scenario.agencies})
    ex.advance(parse_offset("01:50"))
    return ex


def test_eastfield_sop_warns_every_crash_agency_before_the_crash_and_nobody_is_hurt_there():
    ex = _eastfield("sop")
    crash = first(ex, "incident.started", incident="CRASH-1").t
    done = first(ex, "intelligence.combined")
    assert done.agency == "marlow_ric" and done.data["fact"] == "hazard:CRASH-1/bundles"
    for partner in ("eastfield_pd", "eastfield_fire", "eastfield_ems"):
        [(t, via, by)] = learned_via(ex, partner, "hazard:CRASH-1/bundles")[:1]
        assert (via, by) == ("message", "marlow_ric") and t < crash
    assert not [e for e in kinds(ex, "unit.harmed") if e.incident == "CRASH-1"]


def test_eastfield_poor_players_report_nothing_and_crews_are_hurt_at_the_crash():
    ex = _eastfield("poor")
    assert not kinds(ex, "intelligence.combined")
    ex.advance(ex.end)
    assert [e for e in kinds(ex, "unit.harmed") if e.incident == "CRASH-1"]
