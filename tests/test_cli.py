"""The command line as a user meets it: exit codes, messages, files written."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import arguments, main
from simulator.events import read_events
from simulator.scenario import load

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "scenarios" / "small_town_collision.yaml"


def test_validate_ok(capsys):
    assert main(["validate", str(SMALL)]) == 0
    assert capsys.readouterr().out.strip() == f"{SMALL}: ok"


def test_validate_reports_every_problem_with_file_and_path(tmp_path, capsys):
    text = SMALL.read_text().replace("station: FS1, crew: 4}", "station: FS9, crew: 4}")
    text = text.replace('duration: "02:00"', 'duration: "02:00"\n  colour: red')
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    assert main(["validate", str(SMALL), str(bad)]) == 2
    out = capsys.readouterr()
    assert f"{SMALL}: ok" in out.out
    assert f"{bad}: metadata.colour: unknown field" in out.err


def test_validate_cross_reference_problem_names_field(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text().replace("station: FS1, crew: 4}", "station: FS9, crew: 4}"))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "units.2.station: unknown station 'FS9'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("metadata: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("", "expected a mapping"),
    ],
)
def test_validate_malformed_files(tmp_path, capsys, content, expected):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    assert main(["validate", str(bad)]) == 2
    assert expected in capsys.readouterr().err


def test_validate_missing_file(capsys):
    assert main(["validate", "no/such/file.yaml"]) == 2
    assert "no/such/file.yaml: file not found" in capsys.readouterr().err


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"metadata", "map", "agencies", "units", "msel"} <= set(schema["properties"])


def test_run_writes_a_complete_run_directory(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--seed", "3", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["seed"] == 3 and manifest["complete"] is True
    events = read_events((out / "events.jsonl").read_text().splitlines())
    assert events[0].kind == "exercise.started" and events[-1].kind == "exercise.ended"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert manifest["events"] == len(events)
    assert manifest["events_sha256"] in printed
    assert (out / "scenario.yaml").read_bytes() == SMALL.read_bytes()
    assert "Response time" in printed and "police" in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["incidents"] == 1


def test_a_run_no_unit_reached_says_so_instead_of_an_empty_response_table(tmp_path, capsys):
    argv = ["run", str(SMALL), "--until", "00:00:30", "--out", str(tmp_path / "run")]
    assert main([*argv, "--quiet", "--db", str(tmp_path / "db.sqlite")]) == 0
    printed = capsys.readouterr().out
    assert "No unit reached an incident: no response times.\n" in printed
    assert "Response time" not in printed and "90th percentile" not in printed


def test_a_run_names_an_agency_needed_that_reached_no_incident(tmp_path, capsys):
    """Only the agencies that arrived had rows: EMS that never came was silently left out.

    Each by its name, the id beside it: "ems" alone meant little to an evaluator.
    """
    argv = ["run", str(SMALL), "--players", "ems=idle", "--out", str(tmp_path / "run")]
    assert main([*argv, "--quiet", "--db", str(tmp_path / "db.sqlite")]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"│ Town EMS \(ems\) +│ +0 │ +1 │ +- │ +- │", printed)
    assert re.search(r"│ Town Police \(police\) +│ +1 │ +0 │", printed)
    assert "Town EMS (ems): needed at 1 incident, reached none\n" in printed


def test_run_until_stops_early_and_says_so(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--until", "00:30", "--out", str(out), "--quiet"]) == 0
    events = read_events((out / "events.jsonl").read_text().splitlines())
    assert events[-1].kind == "exercise.ended"
    assert events[-1].t == 1800.0
    assert "stopped at" in events[-1].data["reason"]
    assert max(e.t for e in events) == 1800.0


def test_same_seed_same_bytes_different_seed_differs(tmp_path):
    logs = []
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        out = tmp_path / name
        assert main(["run", str(SMALL), "--seed", seed, "--out", str(out), "--quiet"]) == 0
        logs.append((out / "events.jsonl").read_bytes())
    assert logs[0] == logs[1]
    assert logs[0] != logs[2]


def test_run_refuses_to_overwrite_a_run(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--out", str(out), "--quiet"]) == 0
    before = (out / "events.jsonl").read_bytes()
    assert main(["run", str(SMALL), "--out", str(out), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "events.jsonl").read_bytes() == before


@pytest.mark.parametrize("command", ["run", "play", "serve"])
def test_an_empty_out_is_refused_rather_than_taken_as_here(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("kept")
    with pytest.raises(SystemExit) as exited:
        main([command, str(SMALL), "--out", " "])
    assert exited.value.code == 2
    assert "--out: is empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    "args",
    [
        ["run", str(SMALL), "--seed", "minus"],
        ["run", str(SMALL), "--seed", "-1"],
        ["run", str(SMALL), "--until", "7:99"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_until_after_the_end_is_refused(tmp_path, capsys):
    assert main(["run", str(SMALL), "--until", "05:00", "--out", str(tmp_path / "r")]) == 2
    assert "after the end of the exercise" in capsys.readouterr().err


def test_commands_file_is_applied_and_recorded(tmp_path):
    orders = tmp_path / "orders.jsonl"
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders.write_text(json.dumps({"t": 300, "command": command}) + "\n")
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--commands", str(orders), "--out", str(out), "--quiet"]) == 0
    events = read_events((out / "events.jsonl").read_text().splitlines())
    accepted = [e for e in events if e.kind == "command.accepted" and e.data["source"] == "trainee"]
    assert len(accepted) == 1 and accepted[0].t == 300.0
    closed = [e for e in events if e.kind == "road.closed" and e.data["by"] == "police"]
    assert closed and closed[0].data["names"] == ["High Street"]
    recorded = [json.loads(line) for line in (out / "commands.jsonl").read_text().splitlines()]
    given = {"t": 300.0, "after": accepted[0].seq - 1, "source": "trainee", "command": command}
    assert given in [{k: c[k] for k in given} for c in recorded]


def test_the_summary_counts_the_trainees_orders_apart_from_the_players(tmp_path, capsys):
    """Three automated orders beside one of the trainee's must not read as the trainee's."""
    orders = tmp_path / "orders.jsonl"
    good = {"type": "close_road", "agency": "police", "road": "High Street"}
    bad = {"type": "dispatch", "agency": "police", "incident": "NOPE", "units": ["P1"]}
    orders.write_text(
        "".join(json.dumps({"t": t, "command": c}) + "\n" for t, c in ((60, good), (90, bad)))
    )
    out = tmp_path / "run"
    argv = ["run", str(SMALL), "--roles", "police", "--commands", str(orders), "--out", str(out)]
    assert main(argv) == 0
    table = capsys.readouterr().out
    events = read_events((out / "events.jsonl").read_text().splitlines())
    given = [e for e in events if e.kind.startswith("command.")]
    automated = [e for e in given if e.data["source"].startswith("player:")]
    taken = sum(e.kind == "command.accepted" for e in automated)
    assert automated and len(given) == len(automated) + 2
    assert re.search(r"yours \(police\)\s+│\s+1 / 1 ", table), table
    refused = len(automated) - taken
    assert re.search(rf"automated players'\s+│\s+{taken} / {refused} ", table), table


def test_roles_given_twice_add_up_and_a_role_never_told_says_so(tmp_path, capsys):
    """``--roles police --roles fire`` once recorded fire alone; fire's empty score hid why."""
    argv = ["run", str(SMALL), "--roles", "police", "--roles", "fire,police"]
    assert main([*argv, "--out", str(tmp_path / "r")]) == 0
    lines = capsys.readouterr().out.splitlines()
    # The idle trainee's police never passed the crash to their own fire desk.
    police = "  Town Police (police, your role): 0.0/100 (automated players in this role: "
    assert any(line.startswith(police) for line in lines), lines
    told = (
        "  Town Fire Rescue (fire, your role): no duty arose: never told of 1 incident needing "
        "it, known to Town Police (police) (automated players in this role: "
    )
    assert any(line.startswith(told) for line in lines), lines
    manifest = json.loads((tmp_path / "r" / "run.json").read_text())
    assert manifest["automated"] == sorted(
        a.id for a in load(SMALL).agencies if a.id not in ("fire", "police")
    )


def test_a_role_given_no_orders_in_a_headless_run_is_warned_of(tmp_path, capsys):
    """``--roles police --players expert`` silently ended at police 0/100: nothing said why."""
    argv = ["run", str(SMALL), "--roles", "police", "--players", "expert", "--quiet"]
    assert main([*argv, "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "warning: police is yours (--roles) and no order of yours was given" in err
    assert "--players does not play it (give --commands, or play it in the map view" in err
    orders = tmp_path / "orders.jsonl"
    command = {"type": "close_road", "agency": "fire", "road": "High Street"}
    orders.write_text(json.dumps({"t": 300, "command": command}) + "\n")
    roles = ["--roles", "fire,police", "--commands", str(orders)]
    assert main([*argv, *roles, "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert f"police is yours (--roles) and no order of yours was given (--commands {orders}" in err
    assert "fire is yours" not in err  # it was given its order


def test_bad_commands_file_names_line_and_field(tmp_path, capsys):
    orders = tmp_path / "orders.jsonl"
    orders.write_text(
        '{"t": 10, "command": {"type": "dispatch", "agency": "police", "incident": "X"}}\n'
        "not json\n"
        '{"t": 5, "command": {"type": "warp", "agency": "police"}}\n'
        '{"t": 6, "souce": "controller", "command": {"type": "release_inject", "seq": 2}}\n'
    )
    assert main(["run", str(SMALL), "--commands", str(orders), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert f"{orders}: line 1: command.dispatch.units:" in err
    assert f"{orders}: line 2: not valid JSON: Expecting value at column 1\n" in err
    assert f"{orders}: line 3: command: unknown type 'warp' (types: " in err
    assert f"{orders}: line 4: souce: unknown field (fields: after, command, " in err
    assert not (tmp_path / "r").exists()


def test_a_command_due_after_the_exercise_ends_is_refused(tmp_path, capsys):
    orders = tmp_path / "orders.jsonl"
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders.write_text(json.dumps({"t": 7201, "command": command}) + "\n")
    argv = ["run", str(SMALL), "--commands", str(orders), "--out", str(tmp_path / "r")]
    assert main([*argv, "--db", str(tmp_path / "db.sqlite")]) == 2
    err = capsys.readouterr().err
    assert f"{orders}: line 1: t: 02:00:01 is after the end of the exercise (02:00:00)" in err
    assert not (tmp_path / "r").exists()


def test_a_command_due_at_the_very_end_is_reported_not_played(tmp_path, capsys):
    # The exercise is over at T+02:00:00: the order cannot be given, and the trainer is told.
    orders = tmp_path / "orders.jsonl"
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders.write_text(json.dumps({"t": 7200, "command": command}) + "\n")
    out = tmp_path / "r"
    argv = ["run", str(SMALL), "--commands", str(orders), "--out", str(out)]
    assert main([*argv, "--db", str(tmp_path / "db.sqlite")]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert f"Commands not played: 1 from {orders}" in said
    assert "(due at or after T+02:00:00, when the run stopped)" in said
    assert "trainee" not in (out / "commands.jsonl").read_text()


def test_replay_matches_and_detects_tampering(tmp_path, capsys):
    orders = tmp_path / "orders.jsonl"
    orders.write_text(
        json.dumps(
            {"t": 200, "command": {"type": "close_road", "agency": "fire", "road": "Main Street"}}
        )
        + "\n"
    )
    out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                str(SMALL),
                "--seed",
                "9",
                "--commands",
                str(orders),
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["replay", str(out)]) == 0
    assert "replay matches" in capsys.readouterr().out
    manifest = json.loads((out / "run.json").read_text())
    manifest["seed"] = 10
    (out / "run.json").write_text(json.dumps(manifest))
    assert main(["replay", str(out)]) == 1
    assert "DIFFERS" in capsys.readouterr().out


def test_replay_of_a_non_run_directory(tmp_path, capsys):
    assert main(["replay", str(tmp_path)]) == 2
    assert "not a run directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    "scenario", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem
)
def test_every_bundled_scenario_runs_headless_to_the_end(scenario, tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(scenario), "--seed", "1", "--out", str(out), "--quiet"]) == 0
    events = read_events((out / "events.jsonl").read_text().splitlines())
    kinds = {e.kind for e in events}
    assert {"incident.started", "cad.opened", "unit.dispatched", "unit.on_scene"} <= kinds
    assert events[-1].kind == "exercise.ended"
    assert "incident.resolved" in kinds


def test_run_sim_py_with_no_arguments_runs_the_default(tmp_path):
    # With no display the map view cannot open: a one-line note, then the headless run.
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_sim.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "No display: running the default scenario headless" in result.stdout
    assert "Exercise summary" in result.stdout
    assert list((tmp_path / "runs").iterdir())


def test_help_imports_no_engine_nor_heavy_libraries():
    # --help must answer at once: the commands' code loads only when a command runs.
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from simulator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'numpy', 'scipy', 'networkx', 'simpy', 'matplotlib', 'pygame',\n"
        "         'simulator.scenario.model', 'simulator.exercise', 'simulator.review.score'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_run_stopped_a_second_in_says_how_little_it_played(tmp_path, capsys):
    """It read "ran to T+00:00:01" and "0%": now of how long, why, and the share to a digit."""
    db = tmp_path / "x.db"
    argv = ["run", str(SMALL), "--until", "00:00:01", "--quiet", "--out", str(tmp_path / "run")]
    assert main([*argv, "--db", str(db)]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[0]
        .endswith(
            "(small-town-collision, ran to T+00:00:01 of 02:00:00, as --until asked: "
            "0.01% of the exercise played)"
        )
    )
    assert main(["report", "1", "--db", str(db), "--format", "md"]) == 0
    header = capsys.readouterr().out.splitlines()[2]
    assert header.startswith("Run 1 · stopped at T+00:00:01 of 02:00 (as --until asked) · seed 0")


DIGITS_ONLY = "expected a whole number in the digits 0-9, got"
DECIMAL_ONLY = "expected a number in the digits 0-9 (like 2 or 0.5), got"
CLOCK_ONLY = "expected HH:MM or HH:MM:SS in the digits 0-9, got"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", str(SMALL), "--seed", "1_000"], f"--seed: {DIGITS_ONLY} '1_000'"),
        (["run", str(SMALL), "--seed", "\uff11\uff12\uff13"], f"--seed: {DIGITS_ONLY} "),
        (["play", str(SMALL), "--seed", "+7"], f"--seed: {DIGITS_ONLY} '+7'"),
        (["run", str(SMALL), "--seed", "-1"], "--seed: must not be negative"),
        (["play", str(SMALL), "--frames", " 9"], f"--frames: {DIGITS_ONLY} ' 9'"),
        (["play", str(SMALL), "--speed", "\uff16\uff10"], f"--speed: {DIGITS_ONLY} "),
        (["play", str(SMALL), "--size", "\uff11920x1080"], "--size: expected WIDTHxHEIGHT"),
        (["serve", str(SMALL), "--port", "8_765"], f"--port: {DIGITS_ONLY} '8_765'"),
        (["calibrate", str(SMALL), "--seeds", "\u00b2"], f"--seeds: {DIGITS_ONLY} "),
        (["serve", str(SMALL), "--speed", "1_0"], f"--speed: {DECIMAL_ONLY} '1_0'"),
        (["serve", str(SMALL), "--speed", "\uff12"], f"--speed: {DECIMAL_ONLY} "),
        (["serve", str(SMALL), "--speed", "1e2"], f"--speed: {DECIMAL_ONLY} '1e2'"),
        (["run", str(SMALL), "--until", "\uff10\uff10:30"], f"--until: {CLOCK_ONLY} "),
        (["serve", str(SMALL), "--until", "00:\u0663\u0660"], f"--until: {CLOCK_ONLY} "),
    ],
)
def test_a_number_not_in_plain_digits_is_refused_by_its_option(argv, message, capsys):
    """int() read "1_000", "+7" and full-width digits: a typo then ran as some number.

    The arguments are parsed only: one taken would otherwise start its command.
    """
    with pytest.raises(SystemExit) as exited:
        arguments(*argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {message}" in err and "Traceback" not in err


@pytest.mark.parametrize("text", ["2", "0.5", ".5", "600", "1."])
def test_a_speed_in_plain_digits_is_read(text):
    assert arguments("serve", str(SMALL), "--speed", text).speed == float(text)


def test_a_note_at_a_time_in_other_digits_is_refused_naming_at(tmp_path, capsys):
    db = tmp_path / "db.sqlite"
    argv = ["run", str(SMALL), "--until", "00:10", "--quiet", "--out", str(tmp_path / "r")]
    assert main([*argv, "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["note", "1", "--at", "\uff10\uff10:05", "x", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"--at: {CLOCK_ONLY} " in err and "Traceback" not in err
