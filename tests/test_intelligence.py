"""Handling levels on facts (issue 14): who may hold a fact, over-sharing, withholding.

The feds learn at T+10 s (an information inject) that the armed men at INC1 are their
own agents: ``hazard:INC1/agents``, need to know, cleared for police, which needs it
within 120 s. Over-sharing it starts LEAK-1 60 s later.
"""

import json
from typing import Any

import pytest
from conftest import (
    SCENARIOS,
    build,
    exercise,
    first,
    joint_data,
    kinds,
    unit,
)

from simulator.build import build_exercise
from simulator.commands import Share
from simulator.exercise import Exercise
from simulator.review.findings import joint_findings
from simulator.review.intelligence import summary
from simulator.review.report import RunMeta, build_report, render
from simulator.review.roles import DutyGroup, role_scores
from simulator.review.score import score
from simulator.scenario import load
from simulator.scenario.loader import ScenarioError
from simulator.scenario.timing import parse_offset

FACT = "hazard:INC1/agents"


def intel_data(**rule: Any) -> dict:
    """Police, fire, EMS and the feds; INC1 at I with the feds' agents; one handling rule."""
    data = joint_data(extra_units=(unit("P2", "police", ["patrol", "traffic_control"], "PS"),))
    data["msel"][0]["incident"]["hazards"] = [
        {"id": "agents", "kind": "armed_suspect", "reported": False}
    ]
    data["msel"].append(
        {
            "seq": 2,
            "time": 10,
            "type": "information",
            "to": ["feds"],
            "description": "Those are our agents",
            "facts": ["incident:INC1", FACT],
        }
    )
    data["intelligence"] = {
        "handling": [
            {
                "fact": FACT,
                "level": "need_to_know",
                "owner": "feds",
                "recipients": ["police"],
                "needed_by": ["police"],
                "needed_within": 120,
                "if_leaked": {
                    "description": "the target hears of it",
                    "after": 60,
                    "incident": {
                        "id": "LEAK-1",
                        "location": "M",
                        "incident_type": "assault",
                        "requires": {"patrol": 1},
                        "calls": {"count": 1, "agency": "police"},
                    },
                },
                **rule,
            }
        ]
    }
    return data


def share(ex: Exercise, sender: str, to: str) -> None:
    result = ex.submit(Share(agency=sender, to=to, facts=[FACT]), source="test")
    assert result.accepted, result.reason


def at_feds(**rule: Any) -> Exercise:
    """Run until the feds know the fact."""
    ex = exercise(intel_data(**rule))
    ex.advance(11.0)
    assert ex.engine.knowledge.knows("feds", FACT)
    return ex


def test_nothing_is_logged_for_a_scenario_without_handling_rules():
    ex = exercise()
    ex.advance(ex.end)
    assert not [e for e in ex.log.events if e.kind.startswith("intelligence.")]


def test_the_caveat_travels_with_the_fact():
    ex = at_feds()
    caveat = first(ex, "intelligence.caveat", agency="feds")
    assert (caveat.data["level"], caveat.data["tlp"], caveat.data["permitted"]) == (
        "need_to_know",
        "TLP:RED",
        True,
    )


def test_sharing_with_a_cleared_partner_is_no_over_share():
    ex = at_feds()
    share(ex, "feds", "police")
    ex.advance(200.0)
    assert first(ex, "intelligence.caveat", agency="police").data["permitted"] is True
    assert not kinds(ex, "intelligence.overshared", "intelligence.compromised")


def test_over_sharing_burns_the_source_and_starts_the_leak_incident():
    ex = at_feds()
    share(ex, "feds", "fire")
    ex.advance(ex.end)
    over = first(ex, "intelligence.overshared")
    assert (over.agency, over.data["to"]) == ("feds", "fire")
    burnt = first(ex, "intelligence.compromised")
    assert burnt.t == pytest.approx(over.t + 60.0)
    assert first(ex, "incident.started", incident="LEAK-1").t == burnt.t
    assert ex.knows("feds", "LEAK-1")


def test_a_cleared_partner_passing_it_on_over_shares_too():
    ex = at_feds()
    share(ex, "feds", "police")
    ex.advance(100.0)
    share(ex, "police", "ems")
    ex.advance(200.0)
    over = first(ex, "intelligence.overshared")
    assert (over.agency, over.data["to"]) == ("police", "ems")


def test_law_enforcement_sensitive_goes_to_law_enforcement_only():
    ex = at_feds(level="law_enforcement_sensitive", recipients=[])
    share(ex, "feds", "police")
    share(ex, "feds", "ems")
    ex.advance(200.0)
    assert [e.data["to"] for e in kinds(ex, "intelligence.overshared")] == ["ems"]


@pytest.mark.parametrize(
    ("level", "tlp", "overshared"),
    [
        ("community", "TLP:GREEN", []),  # every agency of the exercise may hold it
        ("TLP:GREEN", "TLP:GREEN", []),  # written as the bulletin's label
        ("organisation_only", "TLP:AMBER+STRICT", ["ems", "fire"]),  # cleared police only
        ("tlp:amber+strict", "TLP:AMBER+STRICT", ["ems", "fire"]),
        ("TLP:RED", "TLP:RED", ["ems", "fire"]),
    ],
)
def test_every_tlp_label_has_its_level(level, tlp, overshared):
    ex = at_feds(level=level)
    assert first(ex, "intelligence.caveat", agency="feds").data["tlp"] == tlp
    for partner in ("police", "fire", "ems"):
        share(ex, "feds", partner)
    ex.advance(200.0)
    assert sorted(e.data["to"] for e in kinds(ex, "intelligence.overshared")) == overshared


def _handle(ex: Exercise, agency_id: str) -> DutyGroup | None:
    role = role_scores(ex.scenario, ex.log.events)[agency_id]
    return next((g for g in role.groups if g.name == "handle"), None)


def test_withholding_a_fact_a_partner_needs_is_a_missed_duty():
    ex = at_feds()
    ex.advance(ex.end)
    group = _handle(ex, "feds")
    assert group.credit == 0.0 and group.missed == 1
    assert _handle(ex, "fire") is None


def test_telling_the_partner_in_time_earns_full_credit_and_over_sharing_costs_the_sharer():
    ex = at_feds()
    share(ex, "feds", "police")
    ex.advance(100.0)
    share(ex, "police", "ems")
    ex.advance(ex.end)
    assert _handle(ex, "feds").credit == 1.0
    police = _handle(ex, "police")
    assert police.credit == 0.0 and police.missed == 1


def _report(ex: Exercise, fmt: str) -> str:
    meta = RunMeta("r", None, [], ["police"], 0, "2026-01-01T00:00:00", None, "done", "h", None)
    events = ex.log.events
    return render(
        build_report(ex.scenario, events, score(ex.scenario, events), meta, [], None), fmt
    )


def test_the_report_has_an_intelligence_section():
    ex = at_feds()
    share(ex, "feds", "fire")
    ex.advance(ex.end)
    measures = {m["measure"]: m["text"] for m in summary(ex.scenario, ex.log.events)["measures"]}
    assert measures == {
        "needed facts reaching partners in time": "0 of 1",
        "facts shared beyond their handling level": "1",
        "sources burnt or targets alerted": "1",
    }
    text = _report(ex, "md")
    assert "## Intelligence handling" in text and "| Handle intel |" in text
    assert "Intelligence handling" in _report(ex, "html")
    assert "intelligence" not in json.loads(_report(exercise_no_rules(), "json"))


def exercise_no_rules() -> Exercise:
    ex = exercise()
    ex.advance(ex.end)
    return ex


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"fact": "hazard:INC1/nothing"},
            "intelligence.handling.0.fact: incident 'INC1' has no hazard",
        ),
        ({"owner": "cia"}, "intelligence.handling.0.owner: unknown agency 'cia'"),
        ({"needed_by": ["nobody"]}, "intelligence.handling.0.needed_by.0: unknown agency"),
        (
            {"level": "TLP:PURPLE"},
            "intelligence.handling.0.level: 'TLP:PURPLE' is no TLP 2.0 label (TLP:CLEAR, "
            "TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)",
        ),
    ],
)
def test_handling_rule_problems_are_reported_by_field(rule, message):
    with pytest.raises(ScenarioError) as caught:
        build(intel_data(**rule))
    assert message in str(caught.value)


def test_an_agency_that_found_it_out_for_itself_may_warn_anyone():
    ex = exercise(intel_data())
    ex.advance(1.0)
    assert ex.engine.learn("police", FACT, "armed_suspect", "unit")  # its crew saw them
    share(ex, "police", "ems")
    ex.advance(200.0)
    assert not kinds(ex, "intelligence.overshared")
    assert [e.agency for e in kinds(ex, "intelligence.caveat")] == ["feds"]


def test_eastfield_a_dea_trainee_who_tells_fire_who_the_agents_are_burns_the_undercover():
    scenario = load(SCENARIOS / "eastfield_warrant_day.yaml")
    others = [a.id for a in scenario.agencies if a.id != "dea"]
    ex = build_exercise(scenario, 0, automated=others)
    ex.advance(parse_offset("00:37"))
    assert ex.engine.knowledge.knows("dea", "hazard:BUY-1/agents")
    result = ex.submit(Share(agency="dea", to="eastfield_fire", facts=["hazard:BUY-1/agents"]))
    assert result.accepted, result.reason
    ex.advance(parse_offset("01:05"))
    assert first(ex, "intelligence.overshared").data["to"] == "eastfield_fire"
    assert first(ex, "incident.started", incident="BURNED-1")


def test_findings_hold_the_over_sharer_responsible():
    ex = at_feds()
    share(ex, "feds", "police")
    ex.advance(100.0)
    share(ex, "police", "ems")
    ex.advance(ex.end)
    [found] = joint_findings(ex.scenario, ex.log.events)
    assert found.title == "1 fact shared beyond its handling level"
    assert found.responsible == "police"
