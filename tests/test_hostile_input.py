"""Hostile and mistyped input: a clean ``FILE: field: reason``, exit 2, never a traceback.

The cases are those of issue 11, each reproduced before it was fixed. Cases that once
hung or overflowed the stack run in a subprocess with a timeout, so a regression fails
the test instead of stalling the suite.
"""

import copy
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, SCENARIOS, scenario_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.cli import main
from simulator.scenario import ScenarioError, parse
from simulator.scenario.document import parse_yaml
from simulator.scenario.limits import MAX_FILE_BYTES, MAX_SEED, SHOWN_CHARS
from simulator.world import build_atlas

SMALL = SCENARIOS / "small_town_collision.yaml"  # a hand-drawn graph
CITY = SCENARIOS / "riverton_night_shift.yaml"  # a generated map
NAN, INF = math.nan, math.inf
# A subprocess gets this long; each case finishes in a second or two when it is fixed.
TIMEOUT_S = 60


def base(path: Path = SMALL) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def put(data: dict, path: str, value: Any) -> dict:
    """Set ``a.b.0.c`` in nested data; returns the data."""
    *parents, last = (int(p) if p.isdigit() else p for p in path.split("."))
    target = data
    for part in parents:
        target = target[part] if isinstance(part, int) else target.setdefault(part, {})
    target[last] = value
    return data


def write_yaml(tmp_path: Path, data: dict, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def assert_clean(code: int, err: str, file: Path | str, field: str, reason: str = "") -> str:
    """Exit 2 and one line ``FILE: field: reason`` on stderr, with no traceback."""
    assert "Traceback" not in err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    # A field inside a named item is labelled first: ``FILE: unit E9 at units.2.crew: ``.
    where = rf"(\S.* at )?{re.escape(field)}: " if field else ""
    assert re.match(rf"{re.escape(str(file))}: {where}", lines[0]), lines[0]
    assert reason in lines[0]
    return lines[0]


def validate(path: Path, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    code = main(["validate", str(path)])
    return code, capsys.readouterr().err


def subprocess_cli(*args: str, timeout: float = TIMEOUT_S) -> tuple[int, str, float]:
    """``run_sim.py ARGS`` in a fresh interpreter: exit code, stderr, seconds taken."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "run_sim.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return done.returncode, done.stderr, time.monotonic() - started


# -- 1. finite numbers in scenario files ------------------------------------------------

FINITE = "must be a finite number"
TIME_FINITE = "time must be a finite number of seconds"

NUMBER_CASES = [
    # (base file, field path, value, reason in the message)
    (SMALL, "map.nodes.6.x", NAN, FINITE),
    (SMALL, "map.nodes.6.x", 1e308, "less than or equal to 10000000"),
    (SMALL, "map.edges.0.length", 1e300, "less than or equal to"),
    (SMALL, "hospitals.0.location", {"x": NAN, "y": 0}, ""),
    (SMALL, "metadata.duration", NAN, TIME_FINITE),
    (SMALL, "metadata.duration", INF, TIME_FINITE),
    (SMALL, "metadata.duration", 1e300, "time must be at most 720:00:00"),
    (SMALL, "metadata.duration", "999:00", "time must be at most 720:00:00"),
    # More hours than three digits: the limit too, not "expected HH:MM".
    (SMALL, "metadata.duration", "9999:00", "time must be at most 720:00:00"),
    (SMALL, "msel.0.incident.calls.spread", NAN, TIME_FINITE),
    (SMALL, "msel.0.incident.escalation.0.after", NAN, TIME_FINITE),
    (SMALL, "msel.1.time", NAN, TIME_FINITE),
    (SMALL, "agencies.0.turnout_seconds", INF, FINITE),
    (SMALL, "agencies.0.psap.processing_seconds", 1e300, "less than or equal to"),
    (SMALL, "scoring.weights.duties", 1e308, "less than or equal to 1000"),
    (CITY, "map.jitter_m", 1e9, "must be at most block_m / 4"),
    (CITY, "map.local_kmh", INF, FINITE),
    (CITY, "map.arterial_kmh", 1e4, "less than or equal to 200"),
]


@pytest.mark.parametrize(("source", "field", "value", "reason"), NUMBER_CASES)
def test_a_number_that_is_not_finite_or_absurd_is_named_at_its_field(
    tmp_path, capsys, source, field, value, reason
):
    bad = write_yaml(tmp_path, put(base(source), field, value))
    code, err = validate(bad, capsys)
    where = f"{field}.x" if isinstance(value, dict) else field
    assert_clean(code, err, bad, where, reason)


@pytest.mark.parametrize("field", ["msel.0.incident.calls.spread", "metadata.duration"])
def test_run_refuses_a_nan_time_before_writing_anything(tmp_path, capsys, field):
    bad = write_yaml(tmp_path, put(base(), field, NAN))
    out, db = tmp_path / "run", tmp_path / "x.db"
    code = main(["run", str(bad), "--quiet", "--out", str(out), "--db", str(db)])
    assert_clean(code, capsys.readouterr().err, bad, field, TIME_FINITE)
    assert not out.exists() and not db.exists()


@pytest.mark.parametrize("duration", [".inf", "1.0e+300"])
def test_an_endless_exercise_is_refused_not_run_for_ever(tmp_path, duration):
    text = SMALL.read_text(encoding="utf-8").replace('duration: "02:00"', f"duration: {duration}")
    bad = tmp_path / "endless.yaml"
    bad.write_text(text, encoding="utf-8")
    out, db = tmp_path / "run", tmp_path / "x.db"
    code, err, _ = subprocess_cli("run", str(bad), "--quiet", "--out", str(out), "--db", str(db))
    assert_clean(code, err, bad, "metadata.duration", "time must be")


def test_the_longest_allowed_exercise_still_loads(tmp_path, capsys):
    good = write_yaml(tmp_path, put(base(), "metadata.duration", "720:00"), "long.yaml")
    assert main(["validate", str(good)]) == 0
    assert capsys.readouterr().out.strip() == f"{good}: ok"


def test_jitter_up_to_a_quarter_block_is_accepted(tmp_path, capsys):
    data = put(base(CITY), "map.jitter_m", 50)  # block_m 200
    assert main(["validate", str(write_yaml(tmp_path, data, "city.yaml"))]) == 0


# -- 2. the shape of the file -----------------------------------------------------------


def json_text(data: dict) -> str:
    return json.dumps(data, allow_nan=True)


def test_a_json_nan_literal_is_named_at_its_field(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json_text(put(base(), "metadata.duration", NAN)), encoding="utf-8")
    assert "NaN" in bad.read_text()
    code, err = validate(bad, capsys)
    assert_clean(code, err, bad, "metadata.duration", TIME_FINITE)


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_a_5000_digit_integer_is_refused(tmp_path, capsys, suffix):
    bad = tmp_path / f"bad.{suffix}"
    bad.write_text(f'{{"settings": {{"misroute_probability": {"9" * 5000}}}}}')
    code, err = validate(bad, capsys)
    assert_clean(code, err, bad, "", "a number with 5000 digits (at most 100)")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("brackets.json", "[" * 50_000 + "]" * 50_000),
        ("brackets.yaml", "[" * 50_000 + "]" * 50_000),
        ("maps.json", '{"a": ' * 5_000 + "1" + "}" * 5_000),
        ("maps.yaml", "{a: " * 5_000 + "1" + "}" * 5_000),
    ],
)
def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path, name, text):
    bad = tmp_path / name
    bad.write_text(text)
    code, err, _ = subprocess_cli("validate", str(bad))
    assert_clean(code, err, bad, "", "nested deeper than 100 levels")


def alias_bomb() -> str:
    """5 KB of YAML whose last alias stands for some 4 million values."""
    lines = ["x-anchors:", '  a0: &a0 ["' + "x" * 30 + '", "' + "y" * 30 + '"]']
    lines += [f"  a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    scenario = SMALL.read_text(encoding="utf-8").replace('duration: "02:00"', "duration: *a11")
    return "\n".join(lines) + "\n" + scenario


def test_an_alias_bomb_is_refused_quickly_in_one_short_line(tmp_path):
    bad = tmp_path / "bomb.yaml"
    bad.write_text(alias_bomb(), encoding="utf-8")
    assert bad.stat().st_size < 10_000
    code, err, seconds = subprocess_cli("validate", str(bad))
    line = assert_clean(code, err, bad, "", "aliases expand to")
    assert len(line) < 200 and seconds < 20  # was 23 s and a 722 MB line


def test_an_alias_that_contains_itself_is_refused(tmp_path, capsys):
    bad = tmp_path / "loop.yaml"
    bad.write_text("metadata: &m {id: x, again: *m}\n")
    code, err = validate(bad, capsys)
    assert_clean(code, err, bad, "", "refers to a list or mapping it is inside")


def test_a_few_aliases_still_work(tmp_path, capsys):
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace("beds: {immediate: 2, delayed: 4, minor: 6}", "beds: &beds {immediate: 2}")
    good = tmp_path / "aliases.yaml"
    good.write_text(text, encoding="utf-8")
    assert main(["validate", str(good)]) == 0


def test_a_value_in_a_message_is_cut_short(tmp_path, capsys):
    # Values our own checks quote: the message shows SHOWN_CHARS of them, not a megabyte.
    cases = [
        ("hospitals.0.location", ["x" * 1000] * 1000),
        ("metadata.duration", "y" * 10_000),  # under the text limit: our parser quotes it
        ("metadata.start", "z" * 10_000),
    ]
    for index, (field, value) in enumerate(cases):
        path = write_yaml(tmp_path, put(base(), field, value), f"bad{index}.yaml")
        code, err = validate(path, capsys)
        line = assert_clean(code, err, path, field, "got ")
        assert len(line) < len(f"{path}: {field}: ") + 70 + SHOWN_CHARS, line


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: no time spent writing it
    code, err = validate(big, capsys)
    assert_clean(code, err, big, "", "the file is too large")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    code, err, _ = subprocess_cli("validate", str(fifo), timeout=30)
    assert_clean(code, err, fifo, "", "not a regular file (a named pipe)")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_not_read_for_ever():
    code, err, _ = subprocess_cli("validate", "/dev/zero", timeout=30)
    assert_clean(code, err, "/dev/zero", "", "not a regular file (a character device)")


def test_a_directory_is_refused(tmp_path, capsys):
    code, err = validate(tmp_path, capsys)
    assert_clean(code, err, tmp_path, "", "not a regular file (a directory)")


def test_a_duplicate_yaml_key_names_the_key_line_and_column(tmp_path, capsys):
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace("  difficulty: introductory\n", "  difficulty: introductory\n  start: x\n")
    bad = tmp_path / "dup.yaml"
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  start: x") + 1
    code, err = validate(bad, capsys)
    where = f"(line {line}, column 3)"  # the key, past its two-space indent
    assert_clean(code, err, bad, "", f"not valid YAML {where}: duplicate key 'start'")


def test_a_duplicate_json_key_is_named_at_its_line_and_column(tmp_path, capsys):
    """As YAML's is: a key repeated in a long JSON file was named but not found."""
    text = json.dumps(base(), indent=2)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith('"difficulty"'))
    lines.insert(at + 1, '    "start": "00:00",')
    bad = tmp_path / "dup.json"
    bad.write_text("\n".join(lines), encoding="utf-8")
    code, err = validate(bad, capsys)
    where = f"at line {at + 2}, column 5"  # the second key, past its indent
    assert_clean(code, err, bad, "", f"not valid JSON: duplicate key 'start' {where}")


def test_a_key_repeated_only_in_another_object_is_no_duplicate():
    """The line is that of the object holding the key twice, not of the same key elsewhere."""
    from simulator.scenario.document import DocumentError, parse_json

    text = '{"a": {"id": 1, "v": [{"id": 2}, "id"]},\n "b": {"id": 3, "x": "\\"", "id": 4}}'
    with pytest.raises(DocumentError, match=r"duplicate key 'id' at line 2, column 28$"):
        parse_json(text)


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("empty.yaml", "", "the file is empty (only blank lines or comments)"),
        ("blank.yaml", "  \n\n\t\n", "the file is empty (only blank lines or comments)"),
        ("notes.yaml", "# to do\n  # later\n", "the file is empty (only blank lines or comments)"),
        ("empty.json", " \n", "the file is empty (only blank lines)"),
    ],
)
def test_an_empty_file_is_called_empty(tmp_path, capsys, name, text, reason):
    """Saying "expected a mapping" did not say the file (a save never made) was the problem."""
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    code, err = validate(bad, capsys)
    assert_clean(code, err, bad, "", f"{reason}: expected a mapping of scenario sections")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("\0" * 64, "(line 1, column 1): a NUL byte (U+0000): the file is not text"),
        ("metadata:\n  id: é\x07x\n", "(line 2, column 8): the character U+0007"),
    ],
)
def test_a_character_yaml_refuses_is_named_at_its_line_in_words(tmp_path, capsys, text, reason):
    """PyYAML's own words said 'in "<unicode string>", position 0'."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, err = validate(bad, capsys)
    line = assert_clean(code, err, bad, "", f"not valid YAML {reason}")
    assert "<unicode string>" not in line


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '{"metadata": {"id": "x", "title": "unterminated',
            "not valid JSON: Unterminated string starting at line 1, column 35",
        ),
        ('{\n  "metadata": {}\n  "units": []\n}', "Expecting ',' delimiter at line 3, column 3"),
    ],
)
def test_a_json_syntax_error_gives_the_whole_reason_with_line_and_column(
    tmp_path, capsys, text, reason
):
    bad = tmp_path / "syntax.json"
    bad.write_text(text, encoding="utf-8")
    code, err = validate(bad, capsys)
    assert assert_clean(code, err, bad, "", reason).endswith(reason)


def test_merge_keys_are_not_duplicates():
    data = parse_yaml("base: &b {x: 1, y: 2}\npoint:\n  <<: *b\n  y: 3\n")
    assert data["point"] == {"x": 1, "y": 3}


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_a_utf8_byte_order_mark_is_accepted(tmp_path, capsys, suffix):
    text = SMALL.read_text(encoding="utf-8") if suffix == "yaml" else json_text(base())
    good = tmp_path / f"bom.{suffix}"
    good.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert main(["validate", str(good)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("metadata: {start: 2023-02-30}\n", "cannot read '2023-02-30': day is out of range"),
        ("metadata: {start: !!int xyz}\n", "cannot read 'xyz'"),
    ],
)
def test_a_scalar_python_cannot_hold_is_a_yaml_error(tmp_path, capsys, text, reason):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    code, err = validate(bad, capsys)
    column = text.index("start: ") + len("start: ") + 1  # the value that cannot be read
    assert_clean(code, err, bad, "", f"not valid YAML (line 1, column {column}): {reason}")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("metadata: {title: !!binary aGVsbG8=}\n", "!!binary is not scenario data; write text"),
        ("agencies: !!set {police, fire}\n", "!!set is not scenario data; write a list"),
        ("metadata: !!omap [{title: x}]\n", "!!omap is not scenario data; write a mapping"),
        ("metadata: !!pairs [{title: x}]\n", "!!pairs is not scenario data; write a mapping"),
    ],
)
def test_a_yaml_type_json_has_not_is_refused_at_its_line(tmp_path, capsys, text, reason):
    bad = tmp_path / "bad.yaml"
    bad.write_text("# a scenario\n" + text)
    code, err = validate(bad, capsys)
    column = text.index("!!") + 1  # the tagged value
    assert_clean(code, err, bad, "", f"not valid YAML (line 2, column {column}): {reason}")


def test_the_bundled_scenarios_read_as_safe_load_reads_them():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert parse_yaml(text) == yaml.safe_load(text), path.name


def test_thousands_of_problems_print_a_bounded_list(tmp_path, capsys):
    data = base()
    data["units"] = [{"id": f"U{i}", "colour": "red"} for i in range(2_000)]
    bad = write_yaml(tmp_path, data)
    assert main(["validate", str(bad)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 101, len(lines)
    assert lines[-1].startswith(f"{bad}: ") and lines[-1].endswith("more problems not shown")


# -- 3. command-line arguments ----------------------------------------------------------


def test_a_seed_past_2_63_is_refused_before_a_run_directory_exists(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["run", str(SMALL), "--seed", "99999999999999999999999", "--out", str(out)]
    with pytest.raises(SystemExit) as info:
        main([*args, "--quiet", "--db", str(tmp_path / "x.db")])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "Traceback" not in err
    assert (
        err.strip()
        .splitlines()[-1]
        .endswith(f"argument --seed: must be at most {MAX_SEED} (2**63 - 1)")
    )
    assert not out.exists()


@pytest.mark.parametrize(("seed", "ok"), [(str(MAX_SEED), True), (str(MAX_SEED + 1), False)])
def test_the_seed_bound_is_2_63_minus_1(capsys, seed, ok):
    from simulator.cli import _parser

    if ok:
        assert _parser().parse_args(["run", "x.yaml", "--seed", seed]).seed == MAX_SEED
        return
    with pytest.raises(SystemExit):
        _parser().parse_args(["run", "x.yaml", "--seed", seed])
    assert "must be at most" in capsys.readouterr().err


def test_a_replayed_manifest_with_a_huge_seed_is_bad_input(tmp_path, capsys):
    out = tmp_path / "run"
    db = str(tmp_path / "x.db")
    assert (
        main(["run", str(SMALL), "--until", "00:05", "--out", str(out), "--quiet", "--db", db]) == 0
    )
    manifest = json.loads((out / "run.json").read_text())
    (out / "run.json").write_text(json.dumps({**manifest, "seed": 2**70}))
    capsys.readouterr()
    code = main(["replay", str(out)])
    assert_clean(code, capsys.readouterr().err, out / "run.json", "seed", "from 0 to")


# -- 4. command files -------------------------------------------------------------------


def staging(x: object, y: object = 0) -> dict:
    return {"type": "staging_area", "agency": "police", "id": "S9", "x": x, "y": y}


RECALL = {"type": "recall", "agency": "police", "units": ["P1"]}


def line(t: str, command: dict) -> str:
    """A command-file line with ``t`` written exactly as given (NaN, 1e999, ...)."""
    return '{"t": ' + t + ', "command": ' + json.dumps(command, allow_nan=True) + "}"


COMMAND_CASES = [
    # (raw JSON line, field, reason)
    (line("NaN", RECALL), "t", "must be a time in seconds"),
    (line("Infinity", RECALL), "t", "must be a time in seconds"),
    (line("1e999", RECALL), "t", "must be a time in seconds"),
    (line("true", RECALL), "t", "got a boolean"),
    (line("1" + "0" * 5000, RECALL), "", "5001 digits"),
    (line("60", staging(1e308)), "command.staging_area.x", "less than or equal to"),
    (line("60", staging(NAN)), "command.staging_area.x", "finite"),
    (line("60", staging(0, INF)), "command.staging_area.y", "finite"),
    (line("60", staging(69_000)), "command", "is off the map"),
    ("[" * 50_000 + "]" * 50_000, "", "nested deeper than 100 levels"),
]


@pytest.mark.parametrize(("line", "field", "reason"), COMMAND_CASES)
def test_a_bad_command_line_is_named_by_line_and_field(tmp_path, capsys, line, field, reason):
    orders = tmp_path / "orders.jsonl"
    orders.write_text(line + "\n", encoding="utf-8")
    out, db = tmp_path / "run", tmp_path / "x.db"
    args = ["run", str(SMALL), "--commands", str(orders), "--quiet", "--out", str(out)]
    code = main([*args, "--db", str(db)])
    where = f"line 1: {field}" if field else "line 1"
    assert_clean(code, capsys.readouterr().err, orders, where, reason)
    assert not out.exists()


def test_a_staging_area_near_a_road_is_still_given(tmp_path, capsys):
    orders = tmp_path / "orders.jsonl"
    orders.write_text(json.dumps({"t": 60, "command": staging(790.5, 20)}) + "\n")
    out = tmp_path / "run"
    args = ["run", str(SMALL), "--commands", str(orders), "--quiet", "--out", str(out)]
    assert main([*args, "--until", "00:05", "--db", str(tmp_path / "x.db")]) == 0
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert any(e["kind"] == "command.accepted" and e["data"]["source"] == "trainee" for e in events)


def test_a_command_file_with_a_byte_order_mark_is_read(tmp_path, capsys):
    orders = tmp_path / "orders.jsonl"
    orders.write_bytes(b"\xef\xbb\xbf" + json.dumps({"t": 60, "command": RECALL}).encode())
    args = ["run", str(SMALL), "--commands", str(orders), "--quiet", "--until", "00:05"]
    assert main([*args, "--out", str(tmp_path / "r"), "--db", str(tmp_path / "x.db")]) == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_command_file_that_is_a_pipe_is_refused(tmp_path):
    fifo = tmp_path / "orders.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "run"
    args = ("run", str(SMALL), "--commands", str(fifo), "--quiet", "--out", str(out))
    code, err, _ = subprocess_cli(*args, "--db", str(tmp_path / "x.db"), timeout=30)
    assert_clean(code, err, fifo, "", "not a regular file (a named pipe)")


# -- 5. any number anywhere: a clean error or a valid scenario --------------------------

HOSTILE_NUMBERS = [NAN, INF, -INF, 1e308, -1e308, 1e300, 10**30, 2**63, -1, 0, 5e-324, 1e7 + 1]


def number_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Where the numbers are in plain data (booleans are not numbers here)."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in number_paths(v, (*prefix, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in number_paths(v, (*prefix, i))]
    is_number = isinstance(data, int | float) and not isinstance(data, bool)
    return [prefix] if is_number else []


SMALL_SCENARIO = scenario_dict()
PATHS = number_paths(SMALL_SCENARIO)


def mutate(changes: list[tuple[tuple, object]]) -> dict:
    data = copy.deepcopy(SMALL_SCENARIO)
    for path, value in changes:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return data


@settings(
    max_examples=50,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(HOSTILE_NUMBERS)),
        min_size=1,
        max_size=3,
    )
)
def test_any_hostile_number_gives_a_clean_error_or_a_valid_scenario(changes):
    text = yaml.safe_dump(mutate(changes))
    try:
        scenario = parse(parse_yaml(text), "fuzz.yaml")
        build_atlas(scenario, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.problems
        for line in exc.lines():
            assert line.startswith("fuzz.yaml: ") and "\n" not in line and len(line) < 600
        return
    assert math.isfinite(scenario.metadata.duration)
    assert all(math.isfinite(n.x) and math.isfinite(n.y) for n in scenario.map.nodes)


def test_the_fuzzed_paths_cover_every_section():
    sections = {path[0] for path in PATHS}
    assert {"map", "settings", "agencies", "msel"} <= sections


def test_a_text_longer_than_the_limit_is_refused_without_echoing_it(tmp_path, capsys):
    """A megabyte title would be drawn and logged everywhere: refused, and never repeated."""
    from simulator.scenario.limits import MAX_TEXT_CHARS

    data = scenario_dict()
    data["metadata"]["title"] = "T" * (MAX_TEXT_CHARS + 1)
    path = tmp_path / "long.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "metadata.title" in err and f"at most {MAX_TEXT_CHARS} characters" in err
    assert "T" * 1000 not in err


def test_an_unquoted_clock_time_means_the_time_written_not_base_60_seconds():
    """YAML 1.1 reads ``time: 1:30`` as 90; a trainer means T+01:30."""
    data = scenario_dict(duration="04:00")
    data["msel"][0]["time"] = "@TIME@"
    text = yaml.safe_dump(data).replace("'@TIME@'", "1:30")
    assert "time: 1:30\n" in text
    parsed = parse_yaml(text)
    assert parsed["msel"][0]["time"] == "1:30"
    assert parse(parsed).msel[0].time == 5400.0
    assert parse_yaml("count: 12\nbig: 1_000\n") == {"count": 12, "big": 1000}


def test_ctrl_c_before_a_run_begins_is_one_line_and_exit_130(monkeypatch, capsys):
    import simulator.cli as cli

    def interrupted(_args, _console):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_handler", lambda _name: interrupted)
    assert cli.main(["validate", "anything.yaml"]) == 130
    assert capsys.readouterr().err.strip().splitlines() == ["interrupted"]


@pytest.mark.parametrize(
    ("field", "typo", "meant"),
    [
        ("units.0", "capabilites", "capabilities"),
        ("metadata", "strat", "start"),
        ("map.edges.0", "nmae", "name"),  # inside the map's tagged union (kind: graph)
        ("msel.0.incident", "requries", "requires"),  # inside an inject's (type: incident)
    ],
)
def test_a_misspelt_field_is_given_the_name_it_was_probably_meant_as(
    tmp_path, capsys, field, typo, meant
):
    """An "unknown field" beside "required field is missing" left the author to pair them."""
    data = base()
    *parents, index = field.split(".")
    holder = data
    for part in [*parents, index]:
        holder = holder[int(part)] if part.isdigit() else holder[part]
    holder[typo] = holder.pop(meant, "x")
    code = main(["validate", str(write_yaml(tmp_path, data))])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"{field}.{typo}: unknown field; did you mean {meant!r}?" in err


def test_a_field_like_none_of_the_models_gets_no_guess(tmp_path, capsys):
    bad = write_yaml(tmp_path, put(base(), "units.0.zzzz", 1))
    code = main(["validate", str(bad)])
    line = assert_clean(code, capsys.readouterr().err, bad, "units.0.zzzz", "unknown field")
    assert line.endswith("units.0.zzzz: unknown field")
