"""The view reads events only through typed payloads, so a renamed field fails loudly.

A view that read ``event.data.get("x", default)`` would show a blank or "None" on the
trainee's map and log the day an emit site renamed ``x``; ``payload(event).x`` raises
instead, and tests/test_payloads.py checks every emit site against its declaration.
Behaviour tests on real events are here and in test_view_log.py (an escalation's and
an information inject's words, a message's text, as a run logs them).
"""

import ast
from collections.abc import Callable
from typing import Any

import pytest
from conftest import ROOT, SCENARIOS

from simulator.commands import Dispatch
from simulator.exercise import Exercise
from simulator.payloads import declaring, payload
from simulator.players import attach_players
from simulator.scenario import load
from simulator.view import narrate, operations
from simulator.view.narrate import Narrator
from simulator.view.sentences import sentence
from simulator.view.words import PATH, Names, listed, message_label, spaced

PACKAGE = ROOT / "simulator"
# Modules that must not touch ``Event.data``: the whole view, and the players' desks
# converted to payloads. players/sop.py is left out on purpose: its per-event loop
# (``_react``) reads ``data`` directly, as a dataclass per event would cost the city
# benchmark (docs/performance.md).
TYPED = sorted(PACKAGE.joinpath("view").rglob("*.py")) + [
    PACKAGE / "players" / name for name in ("fusion.py", "community.py", "operations.py")
]
# Reads of ``.data`` allowed in those modules, as "path:line" (none).
ALLOWED: set[str] = set()


def data_reads(source: str, name: str) -> list[str]:
    """Every ``<something>.data`` in a source: ``.data.get(``, ``.data[`` and aliases."""
    lines = sorted(
        node.lineno
        for node in ast.walk(ast.parse(source, filename=name))
        if isinstance(node, ast.Attribute) and node.attr == "data"
    )
    return [f"{name}:{line}" for line in lines]


def test_the_scan_sees_every_way_of_reading_data():
    source = "a = e.data.get('x')\nb = e.data['x']\nd = e.data\nc = d.get('x')\n"
    assert data_reads(source, "probe") == ["probe:1", "probe:2", "probe:3"]
    assert len(TYPED) > 40 and PACKAGE / "view" / "narrate.py" in TYPED


@pytest.mark.parametrize("path", TYPED, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_view_and_the_converted_desks_read_events_only_through_payloads(path):
    name = path.relative_to(ROOT).as_posix()
    reads = data_reads(path.read_text(encoding="utf-8"), name)
    assert [r for r in reads if r not in ALLOWED] == []


def test_the_views_kind_sets_match_the_declarations():
    # Each set names the kinds whose payload has a field; a field added to or renamed
    # in a declaration must be reflected there, or the view would skip it silently.
    assert declaring("channel") == narrate.ON_AIR
    assert declaring("reason", "unit.") >= narrate.BY_INJECT
    assert declaring("operation", "operation.") == operations.ONE_OPERATION
    named = declaring("agencies", "operation.", "deconfliction.")
    assert named == operations.NAMING_AGENCIES


# What the log line of a kind must show, read from its payload (the line is spaced).
SHOWS: dict[str, Callable[[Any, Names], str]] = {
    "incident.escalated": lambda p, n: " ".join(p.description.split()),
    "hospital.crowded": lambda p, n: f"{p.in_use} of {p.beds} {p.triage} beds",
    "hospital.over_capacity": lambda p, n: f"{n.hospital(p.hospital)} has no {p.triage} bed",
    "unit.transporting": lambda p, n: n.hospital(p.hospital),
    "unit.staged": lambda p, n: p.at,
    "unit.blocked": lambda p, n: p.road,
    "traffic.point_set": lambda p, n: p.road,
    "traffic.congested": lambda p, n: listed(p.names),
    "road.closed": lambda p, n: listed(p.names),
    "mutual_aid.received": lambda p, n: f"{p.count} {spaced(p.capability)}",
    "unified_command.established": lambda p, n: listed(n.agency(a) for a in p.agencies),
    "span.exceeded": lambda p, n: f"{p.units} units",
    "operation.phase": lambda p, n: p.operation,
    "intelligence.caveat": lambda p, n: f"({p.tlp})",
    "command.rejected": lambda p, n: p.reason,
    "exercise.ended": lambda p, n: p.reason,
}


@pytest.fixture(scope="module")
def runs() -> list[tuple[Any, list]]:
    """Every bundled scenario played to its end by SOP players: (scenario, events).

    A trainee's order the engine refuses is given at the start of each (automated
    players give none that are refused).
    """
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load(path)
        agencies = [a.id for a in scenario.agencies]
        exercise = Exercise(scenario, 0)
        attach_players(exercise, agencies, dict.fromkeys(agencies, "sop"))
        first = scenario.units[0]
        order = Dispatch(agency=first.agency, incident="NO-SUCH-CALL", units=[first.id])
        assert not exercise.submit(order).accepted
        exercise.advance(scenario.metadata.duration)
        out.append((scenario, exercise.log.events))
    return out


def test_log_lines_from_real_events_show_their_payloads_fields(runs):
    seen = set()
    for scenario, events in runs:
        names = Names(scenario, ())
        for event in events:
            if event.kind in SHOWS:
                line = " ".join((sentence(event, names) or "").split())
                assert SHOWS[event.kind](payload(event), names) in line, (event, line)
                seen.add(event.kind)
    assert seen == set(SHOWS)  # each kind was met in a real run, not only by hand


def test_a_delivered_message_reads_its_queued_records_path(runs):
    told = 0
    for scenario, events in runs:
        queued = {payload(e).message: e for e in events if e.kind == "message.queued"}
        taught: dict[tuple, list] = {}
        for e in events:
            if e.kind == "fact.learned" and payload(e).message:
                taught.setdefault((e.agency, payload(e).message), []).append(e)
        for event in events:
            if event.kind != "message.delivered" or event.agency is None:
                continue
            sent = payload(queued[payload(event).message])
            if sent.type == "mutual_aid_request":
                continue  # told by the request's own line
            learnt = taught.get((event.agency, sent.message), [])
            lines = Narrator(scenario, (event.agency,), queued).lines([event, *learnt])
            if not lines:  # another agency's share of nothing new: no line at all
                assert sent.type == "share" and not learnt, event
                continue
            (line,) = lines
            assert message_label(sent.message) in line.text
            assert sent.path and PATH.get(sent.path, spaced(sent.path)) in line.text
            told += 1
    assert told > 100  # shares, acknowledgements and crews' reports, by every path
