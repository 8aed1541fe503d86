"""Automated players' timers: lost notices and unanswered aid are tried again, on time.

Police take a call about an incident that needs fire as well, while their CAD is down
and the dispatch phone lines are saturated for 40 minutes: every notice to fire is
lost until then. Nothing else happens meanwhile, so no event would prompt the
dispatcher; its timers must wake it.
"""

import pytest
from conftest import agency, build, incident, scenario_dict, unit

from simulator.build import build_exercise
from simulator.players.profile import DEFAULT, profile
from simulator.players.sop import BLOCKED_RETRY_S, RESEND_LIMIT

OUTAGE_S = 2400.0


def outage(**fault) -> dict:
    return {"to": ["police"], "description": "down", "minutes": OUTAGE_S / 60, **fault}


def cut_off_notice() -> dict:
    data = scenario_dict(
        msel=[
            outage(seq=1, time=0, type="fault", fault="cad", target="police"),
            outage(seq=2, time=0, type="fault", fault="phone", target="dispatch-phone"),
            incident(seq=3, requires={"patrol": 1, "fire_suppression": 1}, work_minutes=10),
        ],
        duration="02:00",
    )
    data["communications"] = {"forget_probability": 0.0}
    return data


def test_a_notice_lost_in_an_outage_is_sent_again_on_time_until_it_gets_through():
    scenario = build(cut_off_notice())
    exercise = build_exercise(scenario, 0)
    exercise.advance(exercise.end)
    events = exercise.log.events
    notices = [e for e in events if e.kind == "message.queued" and e.data["to"] == "fire"]
    first = notices[0].t
    retry = scenario.communications.retry_seconds
    # At the plan's retry interval RESEND_LIMIT times, then every ten minutes.
    quick = [first + retry * (k + 1) for k in range(RESEND_LIMIT)]
    slow = [quick[-1] + BLOCKED_RETRY_S * (k + 1) for k in range(len(notices) - 1 - len(quick))]
    assert [e.t for e in notices] == pytest.approx([first, *quick, *slow])
    # The first after the lines came back got through, and fire went.
    assert slow[-2] < OUTAGE_S <= slow[-1]
    (delivered,) = [e for e in events if e.kind == "message.delivered" and e.agency == "fire"]
    assert delivered.data["message"] == notices[-1].data["message"]
    opened = next(e for e in events if e.kind == "cad.opened" and e.agency == "fire")
    assert opened.t == delivered.t
    assert any(e.kind == "incident.resolved" for e in events)


def test_a_reminder_hands_subscribers_an_empty_batch_at_its_time_once():
    exercise = build_exercise(build(scenario_dict(msel=[incident(time=3000)])), 0, automated=())
    heard: list[tuple[float, int]] = []
    exercise.subscribe(lambda batch: heard.append((exercise.now, len(batch))))
    exercise.advance(100)
    heard.clear()
    for at in (500.0, 500.0, 50.0):  # twice the same time: one batch; a past time: none
        exercise.remind(at)
    exercise.advance(1000)
    assert heard == [(500.0, 0)]


def busy_first_partner(start: float = 0.0) -> dict:
    """INC1 needs two patrols; police have one. County's only one is out of service."""
    return scenario_dict(
        agencies=[
            agency("police", "police", turnout_seconds=30, mutual_aid=["county", "state"]),
            agency("county", "police", jurisdiction="County", turnout_seconds=30),
            agency("state", "police", jurisdiction="State", turnout_seconds=30),
            agency("fire", "fire"),
            agency("ems", "ems"),
        ],
        stations=[
            {"id": f"{a[0].upper()}S", "agency": a, "location": "S"}
            for a in ("police", "county", "state", "fire", "ems")
        ],
        units=[
            unit("P1", "police", ["patrol"], "PS"),
            unit("C1", "county", ["patrol"], "CS", status="out_of_service"),
            unit("ST1", "state", ["patrol"], "SS"),
            unit("F1", "fire", ["fire_suppression"], "FS"),
            unit("M1", "ems", ["als", "bls", "transport"], "ES"),
        ],
        msel=[incident(time=start, requires={"patrol": 2}, work_minutes=90)],
        duration="02:00",
    )


# Asked first at 56 s, or at 241.1 s: there (241.1 + 900) - 241.1 falls short of 900 in
# floating point, so the retry is judged against the time it was set for.
@pytest.mark.parametrize("start", [0.0, 185.1])
def test_a_partner_that_sends_nothing_is_passed_over_for_the_next_on_time(start):
    scenario = build(busy_first_partner(start))
    exercise = build_exercise(scenario, 0)
    exercise.advance(exercise.end)
    events = exercise.log.events
    asked = [(e.t, e.data["to"]) for e in events if e.kind == "mutual_aid.requested"]
    retry = profile(DEFAULT).aid_retry_s
    assert [to for _, to in asked] == ["county", "state"]
    assert asked[1][0] == pytest.approx(asked[0][0] + retry)  # nothing else prompted it
    assert any(e.kind == "unit.on_scene" and e.unit == "ST1" for e in events)
    assert any(e.kind == "incident.resolved" for e in events)
