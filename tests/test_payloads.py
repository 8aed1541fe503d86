"""Typed event payloads: every emitted event agrees with its kind's declaration."""

import ast
from pathlib import Path

import pytest
from conftest import SCENARIOS

from simulator.events import Event
from simulator.exercise import Exercise
from simulator.payloads import KINDS, UnknownKind, payload, problems
from simulator.players import attach_players
from simulator.scenario import load

ROOT = Path(__file__).resolve().parent.parent
ENVELOPE = {"agency", "unit", "incident"}


def emit_sites() -> list[tuple[str, int, str, set[str] | None]]:
    """Every ``emit("kind", ...)`` with a literal kind: (file, line, kind, keywords).

    Keywords are None where the call passes ``**data`` (only its literal part is known).
    """
    sites = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "emit"):
                continue
            if not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            names = {k.arg for k in node.keywords}
            keywords = None if None in names else names - ENVELOPE
            sites.append((path.name, node.lineno, node.args[0].value, keywords))
    return sites


def test_every_literal_emit_site_matches_a_declared_payload():
    sites = emit_sites()
    assert len(sites) > 40  # the scan sees the engine's emit calls
    for name, line, kind, keywords in sites:
        assert kind in KINDS, f"{name}:{line}: {kind} has no payload in simulator/payloads.py"
        if keywords is None:
            continue
        event = Event(1, 0.0, kind, data=dict.fromkeys(keywords))
        undeclared = [p for p in problems(event) if "undeclared" in p or "missing" in p]
        assert not undeclared, f"{name}:{line}: {undeclared}"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_event_of_a_bundled_scenario_agrees_with_its_payload(path):
    scenario = load(path)
    agencies = [a.id for a in scenario.agencies]
    seen = set()
    for profile in ("sop", "expert", "poor"):
        exercise = Exercise(scenario, 0)
        attach_players(exercise, agencies, dict.fromkeys(agencies, profile))
        exercise.advance(scenario.metadata.duration)
        for event in exercise.log.events:
            assert not problems(event), (event.seq, problems(event))
            seen.add(event.kind)
    assert {"incident.started", "unit.dispatched", "fact.learned"} <= seen


def test_a_payload_reads_by_attribute_and_a_renamed_field_fails_loudly():
    event = Event(
        3,
        12.5,
        "unit.dispatched",
        "fire",
        "E1",
        "I1",
        {"prev": "available", "reassigned_from": None, "eta": 300.0},
    )
    assert payload(event).eta == 300.0 and payload(event).reassigned_from is None
    renamed = Event(3, 12.5, "unit.dispatched", data={"prev": "available", "eta_s": 300.0})
    with pytest.raises(TypeError):
        payload(renamed)
    assert problems(renamed) == [
        "unit.dispatched: undeclared field 'eta_s'",
        "unit.dispatched: missing field 'reassigned_from'",
        "unit.dispatched: missing field 'eta'",
    ]
    with pytest.raises(UnknownKind):
        payload(Event(1, 0.0, "unit.teleported"))
    wrong = Event(1, 0.0, "call.answered", data={"call": "C1", "wait": "soon"})
    assert problems(wrong) == ["call.answered.wait: str is not float"]


def test_every_declared_kind_is_documented():
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    named = {k for k in KINDS if f"`{k}`" in text}
    families = {k for k in KINDS if f"`{k.split('.')[1]}`" in text}  # `treated` in a row
    assert sorted(set(KINDS) - named - families) == []
