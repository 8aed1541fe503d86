"""911 calls: queueing for call-takers, misrouting and transfer, CAD entries.

Every PSAP rings for 6 s and takes exactly 50 s to process a call (no spread), so a
call-taker is busy 56 s per call.
"""

import pytest
from conftest import (
    CAD_OPENS,
    PROCESSING,
    RING,
    agency,
    exercise,
    first,
    incident,
    kinds,
    scenario_dict,
)

from simulator.players.sop import attach_players
from simulator.review.intervals import response_intervals

TRANSFER = 45.0
CAD_LINK = 20.0


def calls(count: int, *, spread: float = 0, to: str = "police", **spec) -> dict:
    return incident(calls={"count": count, "spread": spread, "agency": to}, **spec)


def with_call_takers(n: int, **kw) -> dict:
    data = scenario_dict(**kw)
    data["agencies"][0]["psap"]["call_takers"] = n
    return data


def waits(ex) -> list[float]:
    return [e.data["wait"] for e in kinds(ex, "call.answered")]


def test_calls_queue_when_the_only_call_taker_is_busy():
    ex = exercise(with_call_takers(1, msel=[calls(4)]))
    ex.advance(1000)
    assert [e.t for e in kinds(ex, "call.received")] == [0, 0, 0, 0]
    busy = RING + PROCESSING
    assert waits(ex) == pytest.approx([RING, busy + RING, 2 * busy + RING, 3 * busy + RING])
    assert [e.t for e in kinds(ex, "call.answered")] == pytest.approx(waits(ex))


def test_a_second_call_taker_halves_the_queue():
    ex = exercise(with_call_takers(2, msel=[calls(4)]))
    ex.advance(1000)
    busy = RING + PROCESSING
    assert sorted(waits(ex)) == pytest.approx([RING, RING, busy + RING, busy + RING])


def test_first_processed_call_opens_the_cad_and_later_ones_are_duplicates():
    ex = exercise(with_call_takers(2, msel=[calls(3)]))
    ex.advance(1000)
    processed = kinds(ex, "call.processed")
    assert len(processed) == 1 and processed[0].t == pytest.approx(CAD_OPENS)
    duplicates = kinds(ex, "call.duplicate")
    assert len(duplicates) == 2
    assert {processed[0].data["call"], *(e.data["call"] for e in duplicates)} == {"C1", "C2", "C3"}
    (opened,) = [e for e in kinds(ex, "cad.opened") if e.agency == "police"]
    assert opened.t == pytest.approx(CAD_OPENS)
    assert opened.data["via"] == "call" and opened.data["source"] is None
    assert ex.engine.cads["police"].entries["INC1"].opened == pytest.approx(CAD_OPENS)


def test_calls_spread_over_time_arrive_within_the_spread():
    ex = exercise(msel=[calls(5, spread=300)])
    ex.advance(1000)
    received = [e.t for e in kinds(ex, "call.received")]
    assert received[0] == 0
    assert all(0 <= t <= 300 for t in received)
    assert received == sorted(received)
    assert len(set(received)) == 5


def test_misrouted_calls_are_transferred_to_the_right_psap():
    data = scenario_dict(msel=[calls(3, spread=120)], settings={"misroute_probability": 1})
    ex = exercise(data)
    ex.advance(2000)
    received = kinds(ex, "call.received")
    assert len(received) == 3
    assert all(e.agency in {"fire", "ems"} for e in received)
    transferred = kinds(ex, "call.transferred")
    assert len(transferred) == 3
    assert all(e.data["to"] == "police" for e in transferred)
    # The first call: answered at the wrong PSAP, transferred, answered and processed.
    first_call = [e for e in ex.log.events if e.data.get("call") == "C1"]
    assert [(e.kind, e.agency) for e in first_call] == [
        ("call.received", received[0].agency),
        ("call.answered", received[0].agency),
        ("call.transferred", received[0].agency),
        ("call.answered", "police"),
        ("call.processed", "police"),
    ]
    opened = [e for e in kinds(ex, "cad.opened") if e.agency == "police"]
    assert opened[0].t == pytest.approx(RING + TRANSFER + RING + PROCESSING)
    # The wrong PSAP never opens the incident from a call it only transferred.
    assert all(e.data["via"] != "call" for e in kinds(ex, "cad.opened") if e.agency != "police")
    # NENA times each call once, where it was first answered: 3 calls, 3 answer times.
    answers = response_intervals(ex.log.events).of("call_answer")
    assert [s.agency for s in answers] == [e.agency for e in received]


def test_no_misrouting_when_the_probability_is_zero():
    ex = exercise(msel=[calls(5, spread=120)])
    ex.advance(2000)
    assert all(e.agency == "police" for e in kinds(ex, "call.received"))
    assert not kinds(ex, "call.transferred")


def test_calls_are_never_misrouted_to_a_neighbouring_jurisdiction():
    data = scenario_dict(msel=[calls(8, spread=60)], settings={"misroute_probability": 1})
    data["agencies"].append(agency("county", "police", jurisdiction="County"))
    ex = exercise(data)
    ex.advance(3000)
    assert {e.agency for e in kinds(ex, "call.received")} <= {"fire", "ems"}


def test_the_call_taking_dispatcher_shares_the_incident_with_the_agencies_it_needs():
    row = calls(1, requires={"patrol": 1, "rescue": 1}, casualties={"minor": 1})
    ex = exercise(scenario_dict(msel=[row], communications={"forget_probability": 0}))
    attach_players(ex, ["ems", "fire", "police"])
    ex.advance(1000)
    opened = {e.agency: e for e in kinds(ex, "cad.opened")}
    assert set(opened) == {"police", "fire", "ems"}
    assert opened["police"].data["via"] == "call"
    for other in ("fire", "ems"):
        # Over the CAD-to-CAD link: 20 s latency plus a few milliseconds of airtime.
        assert opened[other].t == pytest.approx(CAD_OPENS + CAD_LINK, abs=0.1)
        assert opened[other].data["via"] == "notification"
        assert opened[other].data["source"] == "police"


def test_without_a_share_the_other_agencies_never_hear_of_it():
    row = calls(1, requires={"patrol": 1, "rescue": 1})
    ex = exercise(msel=[row])
    attach_players(ex, ["fire"])  # police is a trainee who never shares
    ex.advance(ex.end)
    assert ex.knows("police", "INC1") and not ex.knows("fire", "INC1")
    assert not [e for e in kinds(ex, "unit.dispatched") if e.agency == "fire"]


def test_a_declared_data_link_latency_is_used():
    row = calls(1, requires={"patrol": 1, "rescue": 1})
    link = {
        "id": "cad",
        "kind": "data",
        "members": ["police", "fire", "ems"],
        "latency_seconds": 300,
        "setup_seconds": 0,
        "words_per_second": 1000,
        "loss_probability": 0,
    }
    comms = {"channels": [link], "forget_probability": 0}
    ex = exercise(scenario_dict(msel=[row], communications=comms))
    attach_players(ex, ["police"])
    ex.advance(1000)
    fire = [e for e in kinds(ex, "cad.opened") if e.agency == "fire"]
    assert fire[0].t == pytest.approx(CAD_OPENS + 300, abs=1)
    delivered = first(ex, "message.delivered", agency="fire")
    assert delivered.data["channel"] == "cad" and delivered.data["latency"] >= 300


def test_agencies_the_incident_does_not_need_are_not_notified():
    ex = exercise(msel=[calls(1, requires={"patrol": 1})])
    ex.advance(1000)
    assert {e.agency for e in kinds(ex, "cad.opened")} == {"police"}
    assert not ex.knows("fire", "INC1") and not ex.knows("ems", "INC1")


def test_calls_reach_the_lead_agency_when_no_psap_is_named():
    row = incident(requires={"rescue": 1}, calls={"count": 1})
    ex = exercise(msel=[row])
    ex.advance(500)
    assert [e.agency for e in kinds(ex, "call.received")] == ["fire"]
    assert kinds(ex, "incident.started")[0].data["lead"] == "fire"


def test_the_cad_shows_needs_and_who_answers_them():
    row = calls(1, requires={"patrol": 1, "rescue": 2})
    ex = exercise(msel=[row])
    ex.advance(CAD_OPENS)
    (entry,) = ex.cad("police")
    assert entry.id == "INC1" and entry.opened == pytest.approx(CAD_OPENS)
    needs = {n.capability.value: (n.required, n.assigned, n.responsible) for n in entry.needs}
    assert needs == {"patrol": (1, 0, "police"), "rescue": (2, 0, "fire")}
    assert ex.cad("fire") == []  # not told yet


def test_information_inject_reaches_each_recipient():
    row = {
        "seq": 2,
        "time": 90,
        "type": "information",
        "to": ["fire", "ems"],
        "delivery": "radio",
        "description": "Gas smell reported",
    }
    ex = exercise(msel=[incident(), row])
    ex.advance(100)
    received = kinds(ex, "information.received")
    assert [(e.agency, e.t, e.data["text"]) for e in received] == [
        ("fire", 90, "Gas smell reported"),
        ("ems", 90, "Gas smell reported"),
    ]


def test_calls_after_delay_the_first_call_while_an_agency_told_first_notifies():
    """CCTV sees the bag before anyone calls: police told by fire's first-hand word."""
    row = incident(
        requires={"patrol": 1, "rescue": 1},
        calls={"count": 2, "spread": 60, "after": 600, "agency": "police"},
    )
    seen = {
        "seq": 2,
        "time": 0,
        "type": "information",
        "to": ["fire"],
        "description": "A camera shows it",
        "facts": ["incident:INC1"],
    }
    ex = exercise(scenario_dict(msel=[row, seen], communications={"forget_probability": 0}))
    attach_players(ex, ["fire"])
    ex.advance(500)
    received = kinds(ex, "call.received")
    assert received == []  # nobody has called yet
    assert first(ex, "cad.opened", agency="fire").data["via"] == "inject"
    told = first(ex, "cad.opened", agency="police")
    assert told.data["via"] == "notification" and told.data["source"] == "fire"
    ex.advance(1000)
    times = sorted(e.t for e in kinds(ex, "call.received"))
    assert len(times) == 2 and times[0] == pytest.approx(600) and times[1] <= 660
