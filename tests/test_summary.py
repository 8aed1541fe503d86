"""The end-of-run summary the CLI prints and the map view's end screen shows."""

import pytest
from conftest import SCENARIOS, LogBuilder

from simulator.build import build_exercise
from simulator.review.findings import seconds_text
from simulator.review.score import score
from simulator.review.summary import summarise
from simulator.scenario import load


def test_response_counts_a_crew_held_outside_for_its_incident_as_arrived():
    """As the after-action report does (NFPA 1710's arrival), so one label means one thing."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1")
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(200, "unit.staged", "ems", "M1", "I1", at="perimeter", reason="waiting")
    log.add(500, "unit.on_scene", "ems", "M1", "I1", prev="staged")
    log.add(300, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(400, "unit.staged", "fire", "E1", None, at="STG", reason="pre-positioned")
    log.add(900, "incident.resolved", incident="I1")
    summary = summarise(log.events)
    got = [(r.agency, r.responses, r.mean) for r in summary.response]
    assert got == [("ems", 1, 200.0), ("police", 1, 300.0)]  # no incident: not an arrival
    assert (summary.incidents, summary.resolved, summary.end) == (1, 1, 900.0)
    assert summary.response[0].p90 == pytest.approx(200.0)


def test_the_summary_gives_the_reports_first_on_scene_figures_for_every_agency():
    """Mutual aid credited to its asker, one rounding: the console and the report agree."""
    scenario = load(SCENARIOS / "harbor_district_mci.yaml")
    exercise = build_exercise(scenario, 3)
    exercise.advance(scenario.metadata.duration)
    events = exercise.log.events
    report = score(scenario, events).distributions["first_on_scene"]
    summary = {r.agency: r for r in summarise(events).response if r.responses}
    assert summary and set(summary) == set(report) - {"all"}
    for agency, row in summary.items():
        d = report[agency]
        assert (row.responses, seconds_text(row.mean), seconds_text(row.p90)) == (
            d.n,
            seconds_text(d.mean),
            seconds_text(d.p90),
        )


def test_an_agency_needed_where_it_never_arrived_has_a_row_with_the_count_and_no_times():
    """A table without it read as if it had nothing to answer while its patients died."""
    log = LogBuilder()
    for n, incident in enumerate(("I1", "I2")):
        log.add(n, "incident.started", incident=incident, agencies=["ems", "police"])
        log.add(n, "call.received", "police", incident=incident, call=f"C{n}")
    log.add(300, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    log.add(900, "exercise.ended")
    rows = {r.agency: r for r in summarise(log.events).response}
    ems, police = rows["ems"], rows["police"]
    assert (ems.responses, ems.unreached, ems.mean, ems.p90) == (0, 2, None, None)
    assert ems.unreached_text() == "needed at 2 incidents, reached none"
    assert (police.responses, police.unreached, police.mean) == (1, 1, 300.0)
    assert police.unreached_text() == "1 more not reached"
