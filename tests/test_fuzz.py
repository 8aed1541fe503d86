"""Fuzzing: whatever a scenario or command file says, a clean error or a valid run.

Hypothesis mutates a small scenario that uses every kind of inject (a value replaced
by one of many shapes, a key removed or added, an item repeated) and writes random
command files, and hand-made files cover shapes the mutations rarely reach. Each
example must end in a clean ``FILE: ...`` error (exit 2), or load, place on its map,
warn, run with automated players and score with nothing but finite numbers in its log:
never a traceback. ``deadline`` bounds each example's time (a hang fails the test
instead of passing slowly), and the example counts keep the whole file to some 10 s.
"""

import copy
import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import closure, incident, scenario_dict
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simulator.cli import main
from simulator.cli_exercise import load_scenario
from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.review.score import score
from simulator.scenario import ScenarioError
from simulator.scenario.advice import advice
from simulator.scenario.attainable import unattainable

IDS = ["police", "fire", "ems", "P1", "F1", "M1", "S", "I", "H", "INC1", "H1", "STG1"]
IDS += ["dispatch-phone", "cad-link", "patrol", "transport", "hazmat", "nobody", ""]
WORDS = ["00:10", "-1", "99:99", "graph", "generated", "phone", "close", "a" * 200]
NUMBERS = [0, -1, 1, 2**63, 10**30, 1e308, -1e308, 5e-324, 1e7 + 1, math.nan, math.inf]
LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.sampled_from(NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(IDS + WORDS),
    st.text(max_size=12),
)
VALUE = st.one_of(
    LEAF,
    st.lists(LEAF, max_size=3),
    st.dictionaries(st.sampled_from(["id", "x", "y", "kind", "agency", "count"]), LEAF, max_size=3),
)
FUZZ = settings(
    max_examples=200,
    deadline=5000,  # ms: a valid example runs in well under a second
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure is never a fluke
)


def rich_scenario() -> dict:
    """A valid scenario with every inject type, hazards, preconditions and escalation."""
    hurt = incident(
        "INC1",
        requires={"patrol": 1, "rescue": 1},
        casualties={"immediate": 1, "delayed": 1, "minor": 1},
        hazards=[{"id": "fuel", "kind": "chemical", "description": "fuel spill"}],
        preconditions=[{"id": "safe", "name": "Scene safe", "capability": "patrol", "minutes": 5}],
        escalation=[{"after": "00:20", "add_requires": {"patrol": 1}}],
    )
    rows = [
        hurt,
        {
            "seq": 2,
            "time": 120,
            "type": "information",
            "to": ["fire"],
            "description": "spill",
            "facts": ["hazard:INC1/fuel"],
        },
        {"seq": 3, "time": 180, "type": "fault", "fault": "cad", "target": "police"},
        {"seq": 4, "time": 240, "type": "resource_change", "unit": "F1"},
        closure(5, 300, roads=["Back Road"]),
        {"seq": 6, "time": 360, "type": "escalation", "incident": "INC1"},
    ]
    rows[2] |= {"description": "CAD down", "minutes": 10}
    rows[3] |= {"change": "out_of_service", "description": "breakdown"}
    rows[5] |= {"description": "worse", "add_casualties": {"minor": 2}}
    data = scenario_dict(msel=rows, staging_areas=[{"id": "STG1", "location": "M"}])
    data["scoring"] = {
        "objectives": [
            {
                "id": "O1",
                "title": "Respond",
                "core_capability": "Operational Coordination",
                "measures": [{"metric": "incidents_resolved", "target": 1}],
            }
        ]
    }
    return data


BASE = rich_scenario()


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(BASE)
MUTATION = st.tuples(st.sampled_from(["set", "delete", "repeat", "extra"]), st.sampled_from(PATHS))


def mutate(data: dict, op: str, path: tuple, value: Any) -> None:
    """Apply one mutation; a path an earlier one removed is skipped."""
    *parents, last = path
    target: Any = data
    for part in parents:
        try:
            target = target[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(target, list) and not (isinstance(last, int) and last < len(target)):
        return
    if (isinstance(target, dict) and last not in target) or not isinstance(target, dict | list):
        return
    if op == "set":
        target[last] = value
    elif op == "delete":
        del target[last]
    elif op == "repeat" and isinstance(target, list):
        target.append(copy.deepcopy(target[last]))
    elif op == "extra" and isinstance(target[last], dict):
        target[last]["colour"] = value


def check_scenario(path: Path) -> str:
    """A clean error, or everything a run does with the file works and stays finite."""
    try:
        scenario, atlas = load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems
        for line in exc.lines():
            assert line.startswith(f"{path}: ") and "\n" not in line and len(line) < 700
        return "clean error"
    advice(scenario)
    unattainable(scenario)
    exercise = Exercise(scenario, 0, atlas=atlas)
    attach_players(exercise, [a.id for a in scenario.agencies])
    exercise.advance(min(scenario.metadata.duration, 1800.0))
    text = "".join(event.to_json() for event in exercise.log.events)
    assert "NaN" not in text and "Infinity" not in text
    score(scenario, exercise.log.events)
    return "valid run"


counter = itertools.count()


@FUZZ
@given(mutations=st.lists(st.tuples(MUTATION, VALUE), min_size=1, max_size=4))
def test_a_mutated_scenario_is_a_clean_error_or_a_valid_run(tmp_path_factory, mutations):
    data = copy.deepcopy(BASE)
    for (op, path), value in mutations:
        mutate(data, op, path, value)
    path = tmp_path_factory.getbasetemp() / f"fuzz-{next(counter)}.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # NaN and Infinity as JSON allows
    event(check_scenario(path))


def test_the_fuzzed_scenario_is_valid_and_runs(tmp_path):
    path = tmp_path / "rich.yaml"
    path.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    scenario, _ = load_scenario(path)
    assert {row.type for row in scenario.msel} == {
        "incident",
        "information",
        "fault",
        "resource_change",
        "road_closure",
        "escalation",
    }
    assert check_scenario(path) == "valid run"


# -- command files --------------------------------------------------------------------------

COMMAND_TYPES = [
    "dispatch",
    "recall",
    "stage",
    "declare",
    "transport",
    "mutual_aid",
    "close_road",
    "open_road",
    "service",
    "message",
    "share",
    "patch",
    "command_post",
    "unified_command",
    "staging_area",
]
UNITS = st.lists(st.sampled_from(["P1", "F1", "M1", "Z9"]), min_size=0, max_size=3)
FIELDS = {
    "agency": st.sampled_from(["police", "police", "fire", "ems", "nobody"]),
    "incident": st.sampled_from(["INC1", "INC9"]),
    "units": UNITS,
    "unit": st.sampled_from(["P1", "F1", "M1", "Z9"]),
    "staging": st.sampled_from(["STG1", "STG9"]),
    "condition": st.sampled_from(["safe", "nope"]),
    "hospital": st.sampled_from(["H1", "H9"]),
    "to": st.sampled_from(["police", "fire", "ems", "nobody"]),
    "capability": st.sampled_from(["patrol", "rescue", "flying"]),
    "count": st.sampled_from([1, 2, 0, 51]),
    "road": st.sampled_from(["Main Street", "Nowhere Lane"]),
    "between": st.sampled_from([["S", "M"], ["S", "M"], ["S", "Q"], ["S"]]),
    "in_service": st.booleans(),
    "text": st.sampled_from(["on scene", "need help", "", "x" * 600]),
    "kind": st.sampled_from(["sitrep", "gossip"]),
    "channel": st.sampled_from(["police-dispatch", "dispatch-phone", "mpd"]),
    "channels": st.sampled_from([["police-dispatch", "fire-dispatch"], ["mpd", "mpd"]]),
    "facts": st.sampled_from([["hazard:INC1/fuel"], ["nonsense"]]),
    "id": st.sampled_from(["STG2", "bad id!"]),
    "node": st.sampled_from(["M", "Q"]),
    "x": st.sampled_from([0.0, 1000.0, 2000.0, 1e9, math.nan]),
    "y": st.sampled_from([0.0, 50.0, 900.0, -1e9, math.inf]),
}
# What each command type needs; the values come from FIELDS, mostly ones that exist.
NEEDS = {
    "dispatch": ["incident", "units"],
    "recall": ["units"],
    "stage": ["units", "staging"],
    "declare": ["incident", "condition"],
    "transport": ["unit", "hospital"],
    "mutual_aid": ["to", "incident", "capability"],
    "close_road": ["road"],
    "open_road": ["between"],
    "service": ["unit", "in_service"],
    "message": ["to", "text"],
    "share": ["to", "incident"],
    "patch": ["channels"],
    "command_post": ["incident", "unit"],
    "unified_command": ["incident"],
    "staging_area": ["id", "x", "y"],
}


@st.composite
def command(draw: st.DrawFn) -> dict:
    """A command of a random type with what it needs; now and then a wrong or extra field."""
    kind = draw(st.sampled_from(sorted(NEEDS)))
    row = {"type": kind, "agency": draw(FIELDS["agency"])}
    row |= {name: draw(FIELDS[name]) for name in NEEDS[kind]}
    if draw(st.integers(0, 19)) == 0:
        row[draw(st.sampled_from(sorted(FIELDS)))] = draw(LEAF)
    return row


COMMAND = command()
BAD_TIMES = [-1, math.nan, math.inf, True, "60", None, 10**400]
GARBAGE = ["", "{", "[]", "null", '{"t": 1}', "\ufeff{}", "{" * 200]
SOURCES = ["trainee", "controller", "player:fire", "", 7]


@st.composite
def line(draw: st.DrawFn) -> str:
    """One line of a command file: mostly well formed, now and then not."""
    roll = draw(st.integers(0, 29))
    if roll == 0:
        return draw(st.sampled_from(GARBAGE))
    ok = roll > 2
    row = {
        "t": draw(st.floats(0, 1800) if ok else st.sampled_from(BAD_TIMES)),
        "command": draw(COMMAND),
    }
    if roll == 3:
        row["source"] = draw(st.sampled_from(SOURCES))
    return json.dumps(row)


LINE = line()
RICH = None


def rich_file(directory: Path) -> Path:
    global RICH
    if RICH is None:
        RICH = directory / "rich.yaml"
        RICH.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    return RICH


@settings(FUZZ, max_examples=100)
@given(
    lines=st.lists(LINE, min_size=1, max_size=4),
    roles=st.sampled_from([[], [], ["police"], ["fire", "ems"]]),
)
def test_a_random_command_file_is_a_clean_error_or_a_valid_run(
    tmp_path_factory, capsys, lines, roles
):
    base = tmp_path_factory.getbasetemp()
    n = next(counter)
    orders = base / f"orders-{n}.jsonl"
    orders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["run", str(rich_file(base)), "--commands", str(orders), "--until", "00:30"]
    argv += ["--out", str(base / f"run-{n}"), "--quiet", "--db", str(base / "fuzz.sqlite")]
    if roles:
        argv += ["--roles", ",".join(roles)]
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 2), err
    event(f"exit {code}")
    if code == 2:
        assert all(line.startswith(f"{orders}: ") for line in err.splitlines()), err


# -- hand-made shapes ------------------------------------------------------------------------

HAND_MADE = {
    "empty": "",
    "a list": "[]",
    "null": "null",
    "a string": "just words",
    "units a mapping": "units: {P1: police}\n",
    "every section empty": "metadata: {}\nmap: {}\nagencies: []\nstations: []\nunits: []\n",
    "msel a number": json.dumps({**BASE, "msel": 7}),
    "an inject with no type": json.dumps({**BASE, "msel": [{"seq": 1, "time": 0}]}),
    "a map of one node": json.dumps(
        {**BASE, "map": {"kind": "graph", "nodes": [{"id": "S", "x": 0, "y": 0}], "edges": []}}
    ),
    "every agency foreign": json.dumps(
        {**BASE, "agencies": [{**a, "jurisdiction": "County"} for a in BASE["agencies"]]}
    ),
    "no transport carries": json.dumps(
        {**BASE, "units": [{**u, "patient_capacity": 0} for u in BASE["units"]]}
    ),
}


@pytest.mark.parametrize("text", HAND_MADE.values(), ids=HAND_MADE.keys())
def test_a_hand_made_shape_is_a_clean_error(tmp_path, capsys, text):
    path = tmp_path / "hand.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err and all(line.startswith(f"{path}: ") for line in err.splitlines()), err
