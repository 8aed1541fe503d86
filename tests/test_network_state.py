"""A networked seat's picture answers as the exercise does, for the seat's agencies.

The server builds the picture from the exercise's own reads (never its engine), and the
client's ``Mirror`` answers from it: what the CAD holds, which units are free and
committed, how soon they arrive, and the controller's MSEL.
"""

import pytest

from simulator.network.mirror import Mirror
from simulator.network.state import inject_state, seat_state
from simulator.scenario.vocabulary import Capability
from tests.golden import SCENARIOS, set_up


@pytest.fixture(scope="module")
def riverton():
    exercise = set_up(SCENARIOS / "riverton_night_shift.yaml")
    exercise.advance(40 * 60)
    return exercise


def mirror_of(exercise, agencies):
    welcome = {
        "seat": "s1",
        "agencies": list(agencies),
        "end": exercise.end,
        "now": exercise.now,
        "speed": 1.0,
        "paused": False,
    }
    mirror = Mirror(welcome, exercise.scenario, exercise.atlas, request=lambda *_: {})
    mirror.feed({"now": exercise.now, "state": seat_state(exercise, agencies)})
    return mirror


@pytest.mark.parametrize("agency", ["ems", "fire", "police"])
def test_the_seat_s_cad_units_and_arrivals_match_the_exercise(riverton, agency):
    mirror = mirror_of(riverton, (agency,))
    lines = riverton.cad_lines(agency)
    assert lines, "the CAD holds incidents 40 minutes in"
    for incident, line in lines.items():
        assert mirror.cad_entry(agency, incident) == line
    assert mirror.free_units(agency) == riverton.free_units(agency)
    held = [i.id for i in riverton.cad(agency)]
    assert [i.id for i in mirror.cad(agency)] == held
    for incident in held:
        # What a bot seat's fire dispatcher counts first-alarm heads from.
        assert mirror.assigned(incident, (agency,)) == riverton.assigned(incident, (agency,))
        for capability in Capability:
            assert mirror.committed(agency, incident, capability) == riverton.committed(
                agency, incident, capability
            )
        for unit in riverton.free_units(agency):
            assert mirror.eta(unit, incident) == pytest.approx(riverton.eta(unit, incident))


def test_the_controller_s_msel_reads_as_the_script_stands(riverton):
    rows = inject_state(riverton)
    assert [r["seq"] for r in rows] == [i.seq for i in riverton.injects()]
    due = sorted(riverton.scenario.msel, key=lambda r: (r.time, r.seq))
    assert [r["seq"] for r in rows] == [r.seq for r in due]
    by_seq = {r.seq: r for r in riverton.scenario.msel}
    for row in rows:
        released = row["time"] <= riverton.now
        assert row["status"] == ("released" if released else "due")
        assert (row["released"] is not None) == released
        # The controller's desk shows the row's expected action and notes (HSEEP MSEL).
        assert row["expected_action"] == by_seq[row["seq"]].expected_action
        assert (row["notes"], row["contingency"]) == ("", False)
