"""Scoring's shortcuts give the answers of the slow, obvious way (issue 10: scoring cost).

The idle-units sweep keeps classes of alike units instead of recounting every pair on
every change; evidence is made once per event while a log is scored; the cyclic
garbage collector waits while scores are built. Speed itself is measured by
``bench/engine.py``, not here.
"""

import contextlib
import gc
from collections import defaultdict

import pytest
from conftest import LogBuilder, build, scenario_dict, unit

from bench.city import city_scenario
from simulator.build import build_exercise
from simulator.events import Event
from simulator.review import score as score_module
from simulator.review.coordination import IDLE_GRACE_S, idle_units
from simulator.review.ledger import Ledger
from simulator.review.score import score
from simulator.review.stats import cite, citing


def recount_idle(scenario, events):
    """Idle (unit, incident) seconds by the definition: every pair recounted at each event."""
    fleet = Ledger(scenario, frozenset({"available"}))
    requires, agencies, known = {}, {}, defaultdict(set)
    idle, since = defaultdict(float), {}
    for e in events:
        if e.kind == "incident.started":
            requires[e.incident] = dict(e.data.get("requires", {}))
            agencies[e.incident] = set(e.data.get("agencies", []))
        elif e.kind == "incident.escalated" and "requires" in e.data:
            requires[e.incident] = dict(e.data["requires"])
        elif e.kind == "incident.resolved":
            requires.pop(e.incident, None)
        elif e.kind == "cad.opened":
            known[e.incident].add(e.agency)
        elif e.kind.startswith("unit.") and fleet.knows(e.unit) and "prev" in e.data:
            fleet.unit(e.unit, e.kind.removeprefix("unit."), e.incident)
        pairs = {
            (unit, incident)
            for incident, needs in requires.items()
            for capability, count in needs.items()
            if sum(
                1
                for u, at in fleet.assigned_to.items()
                if at == incident and capability in fleet.provides[u]
            )
            < count
            for unit, status in fleet.status.items()
            if status == "available"
            and capability in fleet.provides[unit]
            and fleet.agency[unit] in agencies[incident] & known[incident]
        }
        for pair in [p for p in since if p not in pairs]:
            idle[pair] += e.t - since.pop(pair)
        for pair in pairs:
            since.setdefault(pair, e.t)
    for pair in list(since):
        idle[pair] += events[-1].t - since.pop(pair)
    return sorted((u, i, round(s, 1)) for (u, i), s in idle.items() if s >= IDLE_GRACE_S)


@pytest.fixture(scope="module")
def busy_city():
    """A small generated city whose police dispatcher sits idle: many pairs come and go."""
    scenario = city_scenario(incidents=120, side=20, hours=3, units=60)
    exercise = build_exercise(scenario, 3, profiles={"police": "idle"})
    exercise.advance(scenario.metadata.duration)
    return scenario, exercise.log.events


def test_idle_units_by_class_match_a_full_recount(busy_city):
    scenario, events = busy_city
    fast = [(s.unit, s.incident, s.value) for s in idle_units(scenario, events)]
    assert fast == recount_idle(scenario, events)
    assert any(agency == "police" for agency in {s.agency for s in idle_units(scenario, events)})


def test_spells_run_from_the_later_of_free_and_wanted_to_the_first_to_end():
    """P1 is busy elsewhere when the need opens, P3 is of another class than P1 and P2."""
    units = [
        unit("P1", "police", ["patrol"], "PS"),
        unit("P2", "police", ["patrol"], "PS"),
        unit("P3", "police", ["patrol", "traffic_control"], "PS"),
    ]
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["police"], requires={"patrol": 1})
    log.add(10, "cad.opened", "police", incident="I1", via="call")
    log.add(10, "unit.dispatched", "police", "P1", "I2", prev="available")
    log.add(100, "unit.available", "police", "P1", prev="returning")
    log.add(400, "unit.dispatched", "police", "P2", "I1", prev="available")
    log.add(500, "incident.resolved", incident="I1")
    idle = idle_units(build(scenario_dict(units=units)), log.events)
    assert [(s.unit, s.value) for s in idle] == [("P1", 300.0), ("P2", 390.0), ("P3", 390.0)]


def test_evidence_is_made_once_per_event_of_the_log_while_citing():
    log = [
        Event(1, 0.0, "incident.started", incident="I1", data={}),
        Event(2, 12.5, "unit.on_scene", "fire", "E1", "I1", {"prev": "en_route"}),
    ]
    stray = Event(2, 12.5, "unit.on_scene", "fire", "E1", "I1", {})  # alike, not the log's
    with citing(log):
        first, again, elsewhere = cite(log[1]), cite(log[1]), cite(stray)
        assert cite(Event(9, 1.0, "x")).seq == 9  # past the end of the log: made afresh
    assert first is again
    assert elsewhere == first and elsewhere is not first
    assert cite(log[1]) == first and cite(log[1]) is not first  # outside: made afresh
    assert first.text == "unit.on_scene fire E1 I1"
    assert cite(log[0]).text == "incident.started I1"


@pytest.mark.parametrize("enabled", [True, False])
def test_scoring_leaves_the_garbage_collector_as_it_found_it(busy_city, enabled):
    scenario, events = busy_city
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        score(scenario, events)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_shared_evidence_changes_no_score(busy_city, monkeypatch):
    """Scores built with each event's evidence shared equal scores built without it."""
    scenario, events = busy_city
    shared = score(scenario, events).to_dict()
    monkeypatch.setattr(score_module, "citing", contextlib.nullcontext)
    assert score(scenario, events).to_dict() == shared
