"""The community as an actor (issue 14): trust, tips, rumours and public statements.

The default test map and agencies, with a community section (trust 60, the police
with a PIO) and one false rumour R1 released at 00:10 that its readers call the police
about. Spread steps every 10 minutes.
"""

import json
import re
from typing import Any

import pytest
from conftest import (
    SCENARIOS,
    agency,
    build,
    closure,
    exercise,
    first,
    incident,
    kinds,
    scenario_dict,
)

from simulator.build import build_exercise
from simulator.cli import main
from simulator.commands import PublicStatement
from simulator.exercise import Exercise
from simulator.review.findings import findings
from simulator.review.queueing import waits
from simulator.review.score import score
from simulator.scenario.loader import ScenarioError
from simulator.terminal import Terminal

RUMOUR_AT = 600.0
STEP = 600.0


def rumour(**changes: Any) -> dict:
    row = {
        "seq": 2,
        "time": RUMOUR_AT,
        "type": "rumour",
        "to": ["police"],
        "description": "Posts claim a second crash was covered up",
        "rumour": "R1",
        "claim": "Police covered up a second crash",
        "reach": 1000,
        "growth": 3.0,
        "calls_per_thousand": 30,
    }
    return {**row, **changes}


def community_data(msel: list[dict] | None = None, **community: Any) -> dict:
    data = scenario_dict(msel=msel if msel is not None else [incident(), rumour()])
    data["community"] = {"trust": 60, "pio": ["police"], **community}
    return data


def statement(ex: Exercise, **kw: Any):
    fields = {"agency": "police", "text": "It is false.", "rumour": "R1", "stance": "deny"}
    return ex.submit(PublicStatement(**{**fields, **kw}), source="test")


def trust_after(ex: Exercise) -> float:
    changes = kinds(ex, "trust.changed")
    return changes[-1].data["trust"] if changes else 60.0


def test_a_scenario_without_a_community_logs_nothing_of_it():
    ex = exercise(msel=[incident(), rumour()])
    ex.advance(ex.end)
    assert not kinds(ex, "community.started", "rumour.started", "trust.changed")
    told = [e.agency for e in kinds(ex, "information.received") if e.data["seq"] == 2]
    assert told == ["police"]
    assert not ex.submit(PublicStatement(agency="police", text="x"), source="test").accepted


def test_an_unanswered_rumour_grows_and_brings_calls_to_the_psap():
    ex = exercise(community_data())
    ex.advance(RUMOUR_AT + 4 * STEP)
    spread = kinds(ex, "rumour.spread")
    reach = [e.data["reach"] for e in spread]
    assert reach == sorted(reach) and reach[-1] > 3 * 1000
    calls = kinds(ex, "community.call")
    assert calls and all(e.agency == "police" and e.data["reason"] == "rumour" for e in calls)
    assert sum(e.data["calls"] for e in spread[:-1]) <= len(calls)
    assert [e.data["reason"] for e in kinds(ex, "trust.changed")].count("rumour_spreading") == 4


def test_an_accurate_statement_stops_its_growth_and_cuts_the_calls():
    answered = exercise(community_data())
    answered.advance(RUMOUR_AT + 60)
    assert statement(answered).accepted
    ignored = exercise(community_data())
    for ex in (answered, ignored):
        ex.advance(RUMOUR_AT + 6 * STEP)
    reach = [e.data["reach"] for e in kinds(answered, "rumour.spread")]
    assert reach == sorted(reach, reverse=True) and reach[0] < 1000
    assert first(answered, "rumour.countered").data["rumour"] == "R1"
    assert len(kinds(answered, "community.call")) < len(kinds(ignored, "community.call"))
    assert trust_after(answered) > trust_after(ignored)


def test_an_inaccurate_statement_costs_trust_and_answers_nothing():
    ex = exercise(community_data())
    ex.advance(RUMOUR_AT + 60)
    before = ex.engine.community.trust
    assert statement(ex, stance="confirm").accepted
    issued = first(ex, "statement.issued")
    assert issued.data["accurate"] is False and issued.data["contradicts"] == ["rumour:R1"]
    assert first(ex, "trust.changed", reason="inaccurate_statement").data["delta"] == -10.0
    assert ex.engine.community.trust < before
    assert not kinds(ex, "rumour.countered")


def test_a_wrong_fact_in_a_statement_is_inaccurate():
    data = community_data(msel=[incident(casualties={"minor": 2})])
    ex = exercise(data)
    ex.advance(300)
    result = statement(ex, rumour=None, stance="inform", facts={"casualties:INC1": 5})
    assert result.accepted
    assert first(ex, "statement.issued").data["contradicts"] == ["casualties:INC1"]


@pytest.mark.parametrize(
    "kw, reason",
    [
        ({"agency": "fire"}, "no public information officer"),
        ({"rumour": "R9"}, "no rumour 'R9'"),
        ({"stance": "inform"}, "denies or confirms"),
        ({"rumour": None}, "names the rumour"),
        ({"rumour": None, "stance": "inform", "facts": {"incident:INC1": 1}}, "not"),
    ],
)
def test_statements_that_cannot_be_given_are_rejected(kw, reason):
    ex = exercise(community_data())
    ex.advance(RUMOUR_AT + 1)
    result = statement(ex, **kw)
    assert not result.accepted and reason in result.reason


def test_trust_falls_when_a_patient_dies_and_rises_with_a_prompt_response():
    deadly = incident(casualties={"immediate": 1}, requires={"patrol": 1})
    data = community_data(msel=[deadly])
    data["settings"]["casualties"] = {"immediate_survival_minutes": 5}
    ex = exercise(data)
    ex.advance(ex.end)
    died = first(ex, "trust.changed", reason="death")
    assert died.data["delta"] == -6.0 and died.incident == "INC1"
    assert ex.engine.community.trust < 60


def test_silence_after_a_major_incident_costs_trust_and_a_timely_statement_earns_it():
    major = incident(priority=1)
    silent = exercise(community_data(msel=[major]))
    silent.advance(3600 + 1)
    assert first(silent, "statement.overdue").data["due"] == "first"
    assert first(silent, "trust.changed", reason="silence").data["delta"] == -6.0
    spoken = exercise(community_data(msel=[major]))
    spoken.advance(600)
    assert statement(spoken, rumour=None, stance="inform").accepted
    spoken.advance(3600 + 1)
    assert first(spoken, "trust.changed", reason="statement_on_time").data["delta"] == 4.0
    assert not kinds(spoken, "statement.overdue")


def test_tips_come_more_often_when_trust_is_high():
    def tips(trust: float) -> int:
        data = community_data(msel=[incident()], trust=trust)
        data["community"]["tips"] = {"agency": "police", "per_hour": 30}
        ex = exercise(data)
        ex.advance(ex.end)
        return len([e for e in kinds(ex, "community.call") if e.data["reason"] == "tip"])

    assert tips(0) == 0
    assert tips(90) > 2 * tips(20) > 0


def test_a_tip_teaches_the_tip_line_a_listed_fact():
    row = incident(hazards=[{"id": "gun", "kind": "armed_suspect", "reported": False}])
    data = community_data(msel=[row], trust=100)
    data["community"]["tips"] = {"agency": "police", "per_hour": 60, "facts": ["hazard:INC1/gun"]}
    ex = exercise(data)
    ex.advance(ex.end)
    learned = first(ex, "fact.learned", fact="hazard:INC1/gun")
    assert learned.data["via"] == "tip" and learned.agency == "police"


def test_a_tip_about_a_closure_comes_only_once_the_road_is_closed():
    shut = {**closure(2, 1800, roads=["Back Road"]), "to": ["fire"]}  # police not told
    data = community_data(msel=[incident(), shut], trust=100)
    data["community"]["tips"] = {
        "agency": "police",
        "per_hour": 60,
        "facts": ["closure:Back Road"],
    }
    ex = exercise(data)
    ex.advance(ex.end)
    learned = [
        e
        for e in kinds(ex, "fact.learned")
        if e.data["fact"] == "closure:Back Road" and e.data["via"] == "tip"
    ]
    assert len(learned) == 1 and learned[0].t > 1800 and learned[0].data["value"] is True


def test_an_unanswered_rumour_past_its_crowd_size_starts_the_crowd():
    crowd = {
        "id": "CROWD-1",
        "title": "Crowd",
        "location": "M",
        "incident_type": "civil_disturbance",
        "requires": {"patrol": 1},
        "calls": {"count": 1, "agency": "police"},
    }
    ex = exercise(community_data(msel=[incident(), rumour(crowd_at=2000, crowd=crowd)]))
    ex.advance(ex.end)
    gathered = first(ex, "rumour.crowd")
    assert first(ex, "incident.started", incident="CROWD-1").t == gathered.t


def run_profile(data: dict, profile: str) -> Exercise:
    scenario = build(data)
    ex = build_exercise(scenario, 0, profiles=dict.fromkeys(("police", "fire", "ems"), profile))
    ex.advance(ex.end)
    return ex


def test_sop_answers_the_rumour_and_speaks_in_time_poor_never_does():
    data = community_data(msel=[incident(priority=1), rumour()])
    sop, poor = run_profile(data, "sop"), run_profile(data, "poor")
    assert not kinds(poor, "statement.issued")
    issued = kinds(sop, "statement.issued")
    assert issued and all(e.data["accurate"] for e in issued)
    assert first(sop, "rumour.countered").t < RUMOUR_AT + 30 * 60
    assert issued[0].data["first"] and issued[0].t <= 3600
    assert sop.engine.community.trust > poor.engine.community.trust


def test_expert_answers_the_rumour_sooner_than_sop():
    data = community_data(msel=[incident(priority=1), rumour()])
    sop, expert = run_profile(data, "sop"), run_profile(data, "expert")
    assert first(expert, "rumour.countered").t < first(sop, "rumour.countered").t


def test_public_information_measures_and_the_community_outcome_are_scored():
    data = community_data(msel=[incident(priority=1), rumour()])
    data["scoring"] = {
        "objectives": [
            {
                "id": "PIW",
                "title": "Public information",
                "core_capability": "Public Information and Warning",
                "measures": [
                    {"metric": "first_statement_time", "target": 3600},
                    {"metric": "rumours_countered", "target": 1, "at_most": False},
                    {"metric": "trust_at_end", "target": 50, "at_most": False},
                ],
            }
        ]
    }
    scenario = build(data)
    sop, poor = run_profile(data, "sop"), run_profile(data, "poor")
    good, bad = score(scenario, sop.log.events), score(scenario, poor.log.events)
    assert good.objectives[0].score > bad.objectives[0].score
    assert [m.met for m in bad.objectives[0].measures][:2] == [False, False]
    assert "community" in good.outcome_score.components
    assert good.community.countered == 1 and bad.community.countered == 0
    trust = bad.objectives[0].measures[2]  # a level at the end, not a count of anything
    assert trust.statistic == "level"
    (finding,) = [
        f
        for f in findings(bad, (None, None), waits(scenario, poor.log.events))
        if f.metric == "trust_at_end"
    ]
    assert trust.met == (trust.value >= 50)  # a floor of 50 on the 0-100 reading
    verdict = "Target met" if trust.value >= 50 else "Target not met"
    assert finding.analysis == f"{verdict}: {trust.value:g} when the exercise ended."
    assert finding.title.startswith(f"Community trust at the end (0-100): {trust.value:g} (level)")


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"community": {"pio": ["nobody"]}}, "community.pio.0: unknown agency 'nobody'"),
        ({"community": {"trust": 140}}, "community.trust"),
        ({"rumour": {"psap": "nobody"}}, "unknown agency 'nobody'"),
        ({"rumour": {"about": "NOPE"}}, "unknown incident 'NOPE'"),
        ({"rumour": {"crowd_at": 10}}, "crowd_at and crowd together"),
        ({"rumour": {"growth": -1}}, "growth"),
        ({"community": {"tips": {"agency": "police", "facts": ["hazard:INC1/x"]}}}, "no hazard"),
    ],
)
def test_bad_community_input_is_a_clean_error_with_exit_2(tmp_path, capsys, change, expected):
    data = community_data()
    data["community"].update(change.get("community", {}))
    data["msel"][1].update(change.get("rumour", {}))
    with pytest.raises(ScenarioError) as caught:
        build(data)
    assert expected in str(caught.value)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_map_view_bar_shows_trust_and_rumours():
    from simulator.view.public import PublicMood

    ex = exercise(community_data())
    ex.advance(RUMOUR_AT + STEP)
    mood = PublicMood()
    mood.update(ex.log.events)
    assert mood.line() == f"Trust {ex.engine.community.trust:.0f}/100 | R1 spreading"
    assert statement(ex).accepted
    mood.update(ex.log.events)
    assert mood.line().endswith("R1 answered")
    plain = PublicMood()
    plain.update(exercise().log.events)
    assert plain.line() == ""


def test_the_granite_scenario_declares_a_rumour_and_a_pio():
    from simulator.scenario.loader import load

    scenario = load(SCENARIOS / "granite_retaliation_night.yaml")
    assert scenario.community is not None and scenario.community.pio == ["granite_pd"]
    assert any(row.type == "rumour" for row in scenario.msel)


def test_every_seat_hears_the_public_but_not_whether_a_rumour_is_true():
    from simulator.network.roles import Hearing, Seat

    ex = exercise(community_data())
    ex.advance(RUMOUR_AT + STEP)
    fire = Hearing(Seat("fire", ("fire",)))
    heard = {e.kind for e in ex.log.events if fire.hears(e, None)}
    assert {"community.started", "trust.changed", "rumour.spread"} <= heard
    assert "rumour.started" not in heard and "rumour.noticed" not in heard


def test_the_selection_panel_offers_to_deny_a_noticed_rumour_and_doing_so_counters_it():
    from simulator.view.actions import Selection, options
    from simulator.view.picture import Picture

    ex = exercise(community_data())
    ex.advance(RUMOUR_AT + 60)
    snapshot = Picture(Terminal(ex, ("police",)), ("police",)).snapshot(force=True)
    offered = {o.label: o for o in options(ex, snapshot, Selection(), ("police",))}
    deny = offered['Deny rumour R1: "Police covered up a second crash"']
    assert deny.enabled and 'Confirm rumour R1: "Police covered up a second crash"' in offered
    assert not deny.commands and ex.submit(deny.draft.statement).accepted  # issued as drafted
    assert first(ex, "rumour.countered").data["rumour"] == "R1"
    fire = {o.label for o in options(ex, snapshot, Selection(), ("fire",))}
    assert not [label for label in fire if "rumour" in label]  # fire has no PIO


def test_the_reports_community_rows_read_as_words_not_ids():
    """'1 calls' and 'prompt_response +5' were the engine's words, not a reader's."""
    from simulator.review.community import CommunitySummary, RumourRow, community_rows

    one = RumourRow("R1", "A bomb went off", 60.0, 1500, 900.0, False, 1)
    summary = CommunitySummary(
        60, 72, 57, 600.0, 706.0, 3, 0, 0, 2, 1, (one,),
        {"prompt_response": 5.0, "responder_hurt": -3.0}, (),
    )  # fmt: skip
    rows = dict(map(tuple, community_rows(summary)))
    assert rows["rumour R1: A bomb went off"] == "peak reach 1500, answered T+00:15:00, 1 call"
    assert rows["what moved trust"] == "prompt responses +5, responders hurt -3"


def test_an_automated_pio_speaks_as_its_agency_of_its_incident_and_never_by_ids():
    """OEM's statements read 'Police are responding ... tonight'; a denial named 'R1'."""
    from simulator.players.community import attach_pio

    data = community_data(
        msel=[incident(priority=1, incident_type="suspicious_package"), rumour(time=1800)],
        pio=["oem"],
        update_minutes=30,
    )
    data["agencies"].append(agency("oem", "emergency_management", name="County OEM"))
    data["agencies"][-1].pop("psap")
    data["msel"][1]["to"] = ["oem"]
    data["msel"].append(  # the emergency operations centre hears of the incident
        {"seq": 3, "time": 60, "type": "information", "to": ["oem"], "description": "EOC",
         "facts": ["incident:INC1"]}
    )  # fmt: skip
    ex = exercise(data)
    attach_pio(ex, {a["id"]: "expert" for a in data["agencies"]})
    ex.advance(ex.end)
    said = [e.data["text"] for e in kinds(ex, "statement.issued")]
    denial = next(t for t in said if "false" in t)
    assert denial.startswith("County OEM: a claim circulating on social media is false")
    assert "R1" not in denial and "covered up" not in denial
    first = next(t for t in said if "false" not in t)
    assert first.startswith("County OEM is responding to a suspicious package.")
    assert first.endswith("We will give an update within 30 minutes.") and "Police" not in first


@pytest.mark.parametrize(
    "name",
    [
        "meridian_riverfest_package",
        "ashbury_protest_misinformation",
        "granite_retaliation_night",
        "calloway_transit_trafficking",
    ],
)
def test_the_bundled_automated_pios_speak_by_name_never_by_ids(name):
    """Every statement an automated PIO gives in the bundled scenarios with a public
    (OEM and police in Meridian) names its agency and no incident, rumour or agency id."""
    from golden import run_scenario

    ex = run_scenario(SCENARIOS / f"{name}.yaml")
    scenario = ex.scenario
    ids = {a.id for a in scenario.agencies} | {e.incident for e in ex.log if e.incident}
    ids |= {r.rumour for r in scenario.msel if getattr(r, "rumour", None)}
    said = kinds(ex, "statement.issued")
    assert said
    for event in said:
        text = event.data["text"]
        assert scenario.agency(event.agency).name in text, text
        assert not set(re.findall(r"[\w-]+", text)) & ids and "_" not in text, text
