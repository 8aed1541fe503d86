"""An agency's viewpoint: its own CAD, knowledge and units, and only its own orders."""

import pytest
from conftest import SCENARIOS, exercise, run_until

from simulator.build import build_exercise
from simulator.commands import Dispatch
from simulator.events import Event
from simulator.scenario import load
from simulator.terminal import Terminal
from simulator.viewpoint import Viewpoint


def test_reads_are_the_agencys_own_and_orders_for_another_agency_are_refused():
    ex = exercise()
    police, fire = Viewpoint(ex, "police", "player:police"), Viewpoint(ex, "fire", "player:fire")
    run_until(ex, lambda: police.knows("INC1"))
    assert not fire.knows("INC1") and fire.cad_incident("INC1") is None
    assert police.cad_entry("INC1").via == "call"
    assert {u.agency for u in police.units()} == {"police"}
    assert set(police.free_units()) == {u.id for u in police.units()}
    with pytest.raises(ValueError, match="fire cannot give police's orders"):
        fire.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert not ex.log.of_kind("command.accepted") and not ex.log.of_kind("command.rejected")
    result = police.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert result.accepted and ex.commands[-1]["source"] == "player:police"


def test_a_local_players_feed_is_what_its_seat_hears():
    """An automated player reacts to its seat's events only, as a networked bot does."""
    scenario = load(SCENARIOS / "riverton_night_shift.yaml")
    ex = build_exercise(scenario, 0, automated=[a.id for a in scenario.agencies])
    fed: list[Event] = []
    Viewpoint(ex, "fire", "player:fire").subscribe(fed.extend)
    seat = Terminal(ex, ("fire",))
    ex.advance(2 * 3600)
    assert fed == list(seat.log.events)
    assert not {e.kind for e in fed} & {"incident.started", "fact.critical"}
    others = [e for e in ex.log.events if e.agency not in ("fire", None)]
    assert {e.kind for e in others} & {"fact.learned", "cad.opened", "unit.dispatched"}
    assert not [e for e in fed if e.kind == "fact.learned" and e.agency != "fire"]


@pytest.mark.parametrize("name", ["riverton_night_shift", "eastfield_warrant_day"])
def test_a_batch_is_heard_as_its_events_are_one_by_one(name):
    # ``heard`` decides the commonest rules inline: it must agree with ``hears``.
    from simulator.network.roles import Hearing, Seat, Senders

    scenario = load(SCENARIOS / f"{name}.yaml")
    ex = build_exercise(scenario, 0, automated=[a.id for a in scenario.agencies])
    ex.advance(scenario.metadata.duration)
    events = ex.log.events
    for agency in sorted(a.id for a in scenario.agencies):
        batch, single = Hearing(Seat(agency, (agency,))), Hearing(Seat(agency, (agency,)))
        senders = Senders().of(events)
        one_by_one = [
            single.shown(e) for e, s in zip(events, senders, strict=True) if single.hears(e, s)
        ]
        assert batch.heard(events, senders) == one_by_one
        assert one_by_one and len(one_by_one) < len(events)
