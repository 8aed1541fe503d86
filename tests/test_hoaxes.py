"""Hoax calls ("swatting") and their verification (issue 14).

On the default map, a police call flagged as a possible hoax at I (200 s from the
station): a patrol car P1 and a tactical team T1 at S. The PSAP's check takes the
scenario's verify_minutes (4 by default).
"""

import json
from typing import Any

import pytest
from conftest import CAD_OPENS, build, exercise, first, incident, kinds, scenario_dict, unit

from simulator.build import build_exercise
from simulator.cli import main
from simulator.commands import Dispatch, VerifyCall
from simulator.exercise import Exercise
from simulator.scenario.loader import ScenarioError
from simulator.terminal import Terminal

VERIFY_S = 4 * 60.0


def hoax_data(hoax: bool = True, **settings: Any) -> dict:
    row = incident(
        "H1",
        priority=1,
        incident_type="shooting",
        requires={"patrol": 1, "tactical": 1},
        calls={"count": 1, "agency": "police", "suspect": True},
        hoax=hoax,
    )
    units = [
        unit("P1", "police", ["patrol", "traffic_control"], "PS"),
        unit("T1", "police", ["tactical"], "PS"),
        unit("F1", "fire", ["fire_suppression", "rescue"], "FS"),
        unit("M1", "ems", ["als", "bls", "transport"], "ES"),
    ]
    return scenario_dict(msel=[row], units=units, settings=settings)


def verify(ex: Exercise, agency: str = "police"):
    return ex.submit(VerifyCall(agency=agency, incident="H1"), source="test")


def test_a_suspect_call_is_flagged_and_a_verified_hoax_is_stood_down():
    ex = exercise(hoax_data())
    ex.advance(CAD_OPENS)
    flagged = first(ex, "call.flagged")
    assert (flagged.agency, flagged.incident) == ("police", "H1")
    assert verify(ex).accepted
    ex.advance(CAD_OPENS + VERIFY_S)
    answer = first(ex, "incident.verified")
    assert answer.t == CAD_OPENS + VERIFY_S and answer.data["hoax"] is True
    assert first(ex, "incident.resolved", incident="H1").t == answer.t


def test_a_genuine_call_stays_open_once_verified():
    ex = exercise(hoax_data(hoax=False))
    ex.advance(CAD_OPENS)
    assert verify(ex).accepted
    ex.advance(CAD_OPENS + VERIFY_S + 1)
    assert first(ex, "incident.verified").data["hoax"] is False
    assert not kinds(ex, "incident.resolved")


def test_a_tactical_team_sent_to_an_unverified_hoax_is_tied_up():
    ex = exercise(hoax_data())
    ex.advance(CAD_OPENS)
    assert ex.submit(Dispatch(agency="police", incident="H1", units=["T1"]), "test").accepted
    ex.advance(ex.end)
    escalated = first(ex, "incident.escalated", incident="H1")
    assert "unverified hoax" in escalated.data["reason"]
    checked = exercise(hoax_data(verify_minutes=1))  # the answer comes before T1 arrives
    checked.advance(CAD_OPENS)
    assert verify(checked).accepted
    checked.submit(Dispatch(agency="police", incident="H1", units=["T1"]), "test")
    checked.advance(checked.end)
    assert not kinds(checked, "incident.escalated")
    assert kinds(checked, "unit.returning", unit="T1")


@pytest.mark.parametrize(
    "when, reason", [(0.0, "not in police's CAD"), (CAD_OPENS, "already verifying")]
)
def test_a_check_that_cannot_start_is_rejected(when, reason):
    ex = exercise(hoax_data())
    ex.advance(when)
    if when:
        assert verify(ex).accepted
    result = verify(ex)
    assert not result.accepted and reason in result.reason


def run_profile(data: dict, profile: str) -> Exercise:
    ex = build_exercise(build(data), 0, profiles=dict.fromkeys(("police", "fire", "ems"), profile))
    ex.advance(ex.end)
    return ex


def test_sop_verifies_poor_does_not_and_the_expert_holds_the_team_until_checked():
    data = hoax_data()
    poor, sop, expert = (run_profile(data, p) for p in ("poor", "sop", "expert"))
    assert not kinds(poor, "incident.verified") and kinds(poor, "incident.escalated")
    assert first(sop, "incident.verified").data["hoax"] is True
    assert not [e for e in kinds(expert, "unit.dispatched") if e.unit == "T1"]
    assert [e.unit for e in kinds(sop, "unit.dispatched")].count("T1") == 1


def test_nothing_is_logged_without_suspect_calls():
    ex = run_profile(scenario_dict(), "sop")
    assert not kinds(ex, "call.flagged", "incident.verified")


@pytest.mark.parametrize(
    "settings, expected", [({"verify_minutes": 0}, "verify_minutes"), ({}, "hoax")]
)
def test_bad_hoax_input_is_a_clean_error_with_exit_2(tmp_path, settings, expected):
    data = hoax_data(**settings)
    if not settings:
        data["msel"][0]["incident"]["hoax"] = "perhaps"
    with pytest.raises(ScenarioError) as caught:
        build(data)
    assert expected in str(caught.value)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["validate", str(path)]) == 2


def test_lakeport_declares_its_swatting_calls_as_flagged_hoaxes():
    from conftest import SCENARIOS

    from simulator.scenario.check import incidents
    from simulator.scenario.loader import load

    specs = {s.id: s for _, _, s in incidents(load(SCENARIOS / "lakeport_swatting_wave.yaml"))}
    hoaxes = {i for i, s in specs.items() if s.hoax}
    assert hoaxes == {"HOAX-1", "HOAX-2", "HOAX-3", "HOAX-4"}
    assert {i for i, s in specs.items() if s.calls.suspect} == {"HOAX-3", "HOAX-4"}


def test_the_selection_panel_offers_to_verify_a_flagged_call():
    from simulator.view.actions import Selection, options, submit
    from simulator.view.picture import Picture

    ex = exercise(hoax_data())
    ex.advance(CAD_OPENS)
    snapshot = Picture(Terminal(ex, ("police",)), ("police",)).snapshot(force=True)
    offered = {o.label: o for o in options(ex, snapshot, Selection(incident="H1"), ("police",))}
    option = offered["Verify the call (possible hoax)"]
    assert all(r.accepted for r in submit(ex, option))
    ex.advance(CAD_OPENS + VERIFY_S)
    assert first(ex, "incident.verified").data["hoax"] is True


# -- scoring: verification time and tactical teams sent to hoaxes --------------------------


def _scored(data: dict, profile: str):
    from simulator.review.score import score

    scenario = build(data)
    ex = build_exercise(scenario, 0, profiles={a.id: profile for a in scenario.agencies})
    ex.advance(ex.end)
    return score(scenario, ex.log.events).hoaxes


def _measure(summary, metric: str, target: float):
    from simulator.review.hoaxes import hoax_measure
    from simulator.scenario.scoring import Measure

    return hoax_measure(Measure(metric=metric, target=target), summary, 3600.0)


def test_the_check_is_timed_from_the_flag_and_a_team_sent_before_it_counts():
    summary = _scored(hoax_data(), "sop")
    [row] = summary.flagged
    assert (row.incident, row.agency, row.hoax) == ("H1", "police", True)
    assert row.verified - row.flagged == pytest.approx(VERIFY_S)
    assert [s.unit for s in summary.commitments] == ["T1"]  # SOP sends it before the answer
    assert _measure(summary, "verification_time", 300).met is True
    assert _measure(summary, "hoax_commitments", 0).met is False


def test_the_expert_holds_the_team_so_no_commitment_is_counted():
    summary = _scored(hoax_data(), "expert")
    assert summary.commitments == ()
    assert _measure(summary, "hoax_commitments", 0).met is True


def test_nobody_acting_earns_nothing_for_the_hoax_measures():
    summary = _scored(hoax_data(), "idle")
    assert summary.flagged[0].verified is None  # never checked: a censored miss
    late = _measure(summary, "verification_time", 300)
    assert late.met is False
    assert _measure(summary, "hoax_commitments", 0).value is None  # no team ever moved


def test_a_run_without_flagged_calls_has_no_hoax_summary():
    assert _scored(scenario_dict(), "sop") is None


def test_the_report_lists_each_flagged_call_with_its_check():
    from simulator.review.hoaxes import hoax_rows

    rows = hoax_rows(_scored(hoax_data(), "sop"))
    assert rows == [["H1", "police", "T+00:00:56", "T+00:04:56 (4 min)", "hoax", "T1"]]


def test_a_hoax_with_casualties_is_refused_at_its_field():
    """A hoax resolves once verified: patients written there would be left to die."""
    with pytest.raises(ScenarioError, match=r"msel\.0\.incident\.hoax: a hoax has no casualties"):
        build(scenario_dict(msel=[incident(hoax=True, casualties={"immediate": 3})]))
    assert build(scenario_dict(msel=[incident(hoax=True)])).msel[0].incident.hoax


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ({"escalation": [{"after": 600, "add_casualties": {"minor": 2}}]}, "no casualties: an"),
        ({"hazards": [{"id": "gun", "kind": "armed_suspect"}]}, "no hazards"),
        ({"hazards": [{"id": "gas", "kind": "chemical", "harm": "casualties"}]}, "no hazards"),
    ],
)
def test_a_hoax_cannot_get_casualties_later_either(spec, why):
    """An injured crew is a patient too: a hoax resolved once checked would leave it."""
    with pytest.raises(ScenarioError, match=rf"incident\.hoax: a hoax has {why}"):
        build(scenario_dict(msel=[incident(hoax=True, **spec)]))


def test_an_escalation_inject_adding_casualties_to_a_hoax_is_refused():
    row = {
        "seq": 2,
        "time": 600,
        "type": "escalation",
        "to": ["police"],
        "description": "More callers",
        "incident": "INC1",
        "add_casualties": {"minor": 2},
    }
    with pytest.raises(ScenarioError, match=r"msel\.1\.add_casualties: a hoax has no casualties"):
        build(scenario_dict(msel=[incident(hoax=True), row]))
