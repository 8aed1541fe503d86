"""Record -> replay round trips: what a run records is exactly what its replay does."""

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.cli_exercise import _play_session
from simulator.cli_records import Recording, open_store, run_purpose
from simulator.commands import RequestMutualAid, SendMessage, SetService, Share
from simulator.events import Event
from simulator.scenario import load
from simulator.view.session import TRAINEE, Session
from simulator.world import build_atlas

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "scenarios" / "small_town_collision.yaml"


def _orders(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _recorded(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "commands.jsonl").read_text().splitlines()]


def test_commands_after_until_are_neither_played_nor_recorded_and_the_run_replays(tmp_path, capsys):
    early = {"type": "close_road", "agency": "police", "road": "High Street"}
    late = {"type": "close_road", "agency": "fire", "road": "Main Street"}
    orders = _orders(
        tmp_path / "orders.jsonl",
        {"t": 600, "command": early},
        {"t": 3600, "command": late},
        {"t": 1801, "command": late},
    )
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders)]
    assert main([*args, "--out", str(run), "--quiet"]) == 0
    assert "Commands not played: 2" in capsys.readouterr().out
    trainee = [c for c in _recorded(run) if c["source"] == "trainee"]
    assert [(c["t"], c["command"]) for c in trainee] == [(600.0, early)]
    events = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    assert all(e["data"].get("command") != late for e in events)
    assert events[-1]["kind"] == "exercise.ended" and events[-1]["t"] == 1800.0
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out


def test_a_command_due_exactly_at_the_stop_is_played(tmp_path, capsys):
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders = _orders(tmp_path / "orders.jsonl", {"t": 1800, "command": command})
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders)]
    assert main([*args, "--out", str(run), "--quiet"]) == 0
    assert "not played" not in capsys.readouterr().out
    assert [c["t"] for c in _recorded(run) if c["source"] == "trainee"] == [1800.0]
    assert main(["replay", str(run)]) == 0


# -- same-instant commands: the record keeps where each was given -------------------------


def _session(directory: Path, roles: tuple[str, ...] = ("fire",)) -> Session:
    """A map-view session (the trainee plays ``roles``), recorded as ``play`` records it."""
    scenario = load(SMALL)
    recording = Recording(
        open_store(None),
        scenario,
        SMALL,
        0,
        scenario.metadata.duration,
        list(roles),
        "tester",
        run_purpose(scripted=True),
    )
    atlas = build_atlas(scenario, str(SMALL))
    return _play_session(scenario, atlas, SMALL, 0, roles, "tester", directory, recording)


def _trainee(run: Path) -> list[dict]:
    return [c for c in _recorded(run) if c["source"] == "trainee"]


def test_two_orders_given_in_one_instant_replay_in_that_order(tmp_path, capsys):
    # The map view while paused: two orders with nothing in between. The mutual-aid
    # request starts work due at this very instant, and the county player would answer
    # it before the share if the replay let the engine and players run in between.
    run = tmp_path / "run"
    session = _session(run)
    exercise = session.exercise
    exercise.advance(400)
    aid = RequestMutualAid(agency="fire", to="county_fire", incident="INC1", capability="rescue")
    assert exercise.submit(aid).accepted
    assert exercise.submit(Share(agency="fire", to="police", incident="INC1")).accepted
    exercise.advance(900)
    session.close(TRAINEE)
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out
    first, second = _trainee(run)
    assert first["t"] == second["t"] == 400.0 and first["ticks"] == second["ticks"]
    assert second["after"] > first["after"]


def test_a_command_given_while_players_handle_the_same_events_replays_there(tmp_path, capsys):
    # A trainee's order given inside an event batch, at the instant automated players
    # react to the same events: the replay has to give it between the same two events.
    run = tmp_path / "run"
    session = _session(run, roles=("ems",))
    # The exercise behind the terminal: this scripted trainee reacts to every batch,
    # players' orders included, which no seat hears.
    exercise = session.exercise._exercise
    given: list[float] = []

    def trainee(batch: list[Event]) -> None:
        commands = [e for e in batch if e.kind.startswith("command.")]
        players = [e for e in commands if e.data["source"].startswith("player:")]
        if players and len(given) < 3:
            given.append(exercise.now)
            exercise.submit(Share(agency="ems", to="fire", incident=None, facts=[]))
            exercise.submit(SetService(agency="ems", unit="M2", in_service=len(given) % 2 == 0))

    exercise.subscribe(trainee)
    exercise.advance(1200)
    session.close(TRAINEE)
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out
    assert len(given) == 3
    # The clock's exact reading: a rounded time would move an order given between two
    # events of one instant after the first of them.
    assert [c["t"] for c in _trainee(run)] == [t for t in given for _ in range(2)]
    # At each of those instants players gave orders before the trainee's, and at some
    # the players' messages were queued after them: the trainee's orders sit between
    # two events of one instant, where only the recorded position can put them back.
    log = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    between = 0
    for t in sorted({round(t, 3) for t in given}):
        instant = [e for e in log if e["t"] == t]
        mine = [n for n, e in enumerate(instant) if e["data"].get("source") == "trainee"]
        assert mine and any(
            str(e["data"].get("source")).startswith("player:") for e in instant[: mine[0]]
        )
        later = instant[mine[-1] + 1 :]
        between += any(e["kind"] == "message.queued" and e["agency"] != "ems" for e in later)
    assert between


def test_an_older_record_without_positions_replays_by_time(tmp_path, capsys):
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders = _orders(tmp_path / "orders.jsonl", {"t": 600, "command": command})
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders)]
    assert main([*args, "--out", str(run), "--quiet"]) == 0
    rows = _recorded(run)
    assert all("after" in row and "ticks" in row for row in rows)
    # Such records wrote each time to the millisecond (the players' are not round).
    assert any(round(row["t"], 3) != row["t"] for row in rows)
    old = [
        {"t": round(row["t"], 3), "source": row["source"], "command": row["command"]}
        for row in rows
    ]
    (run / "commands.jsonl").write_text("".join(json.dumps(row) + "\n" for row in old))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([{"t": 5, "after": 3}], "line 1: ticks: required with after"),
        ([{"t": 5, "after": -1, "ticks": 2}], "line 1: after: must be a whole number"),
        ([{"t": 5, "after": 3, "ticks": 2.5}], "line 1: ticks: must be a whole number"),
        ([{"t": "NaN"}], "line 1: t: must be a time in seconds"),
        (
            [{"t": 5, "after": 9, "ticks": 40}, {"t": 5, "after": 12, "ticks": 39}],
            "line 2: ticks: 39 is before the 40 of a command due no later",
        ),
    ],
)
def test_a_damaged_position_is_bad_input(tmp_path, capsys, rows, problem):
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders = _orders(tmp_path / "orders.jsonl", *({**row, "command": command} for row in rows))
    args = ["run", str(SMALL), "--commands", str(orders), "--out", str(tmp_path / "r")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{orders}: {problem}" in err and "Traceback" not in err


# -- replay judges the log on disk and says where it parts ---------------------------------


def _plain_run(directory: Path) -> Path:
    assert main(["run", str(SMALL), "--until", "00:30", "--out", str(directory), "--quiet"]) == 0
    return directory


def _change_byte(path: Path, seq: int) -> tuple[str, str]:
    """Change one byte in the data of event ``seq``; its old and new line."""
    lines = path.read_bytes().split(b"\n")
    old = lines[seq - 1]
    at = old.index(b'"data":') + 12
    lines[seq - 1] = old[:at] + (b"Q" if old[at : at + 1] != b"Q" else b"R") + old[at + 1 :]
    path.write_bytes(b"\n".join(lines))
    return old.decode(), lines[seq - 1].decode()


def test_a_changed_byte_in_the_log_fails_the_replay_naming_the_event(tmp_path, capsys):
    run = _plain_run(tmp_path / "run")
    lines = (run / "events.jsonl").read_text().splitlines()
    seq = next(n for n, line in enumerate(lines, start=1) if n > 10 and len(line) > 200)
    kind = json.loads(lines[seq - 1])["kind"]
    original, changed = _change_byte(run / "events.jsonl", seq)
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    out = capsys.readouterr().out
    assert "replay DIFFERS" in out and "replay matches" not in out
    assert f"first difference at event {seq} ({kind}):" in out
    recorded = next(line for line in out.splitlines() if line.startswith("  recorded: "))
    replayed = next(line for line in out.splitlines() if line.startswith("  replayed: "))
    assert recorded.split(": ", 1)[1].strip("…") in changed
    assert replayed.split(": ", 1)[1].strip("…") in original
    assert len(recorded) < len(changed)  # shortened
    assert "run.json: events_sha256" in out and "changed after the run" in out
    assert "another build" not in out  # this build recorded it: the record is at fault


def test_a_replay_that_differs_says_when_another_build_recorded_the_run(tmp_path, capsys):
    run = _plain_run(tmp_path / "run")
    manifest = json.loads((run / "run.json").read_text())
    assert len(manifest["code"]) == 64  # the build that played it
    manifest["code"] = "0" * 64  # as if an earlier build, since fixed, had played it
    (run / "run.json").write_text(json.dumps(manifest))
    _change_byte(run / "events.jsonl", 12)
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    out = capsys.readouterr().out
    assert "replay DIFFERS" in out
    assert "recorded by another build of the simulator (code 000000000000, this one " in out


@pytest.mark.parametrize("cut", ["empty", "last line", "extra line"])
def test_a_log_cut_short_or_lengthened_fails_the_replay(tmp_path, capsys, cut):
    run = _plain_run(tmp_path / "run")
    log = run / "events.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    kept = {"empty": [], "last line": lines[:-1], "extra line": [*lines, lines[-1]]}[cut]
    log.write_text("".join(kept))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    out = capsys.readouterr().out
    seq = len(kept) + 1 if cut != "extra line" else len(lines) + 1
    kind = json.loads(lines[min(seq, len(lines)) - 1])["kind"]
    assert f"first difference at event {seq} ({kind}):" in out
    assert f"(nothing: the log ends after event {seq - 1})" in out


@pytest.mark.parametrize("change", ["edited", "dropped", "added"])
def test_a_player_order_in_the_record_not_given_again_fails_the_replay(tmp_path, capsys, change):
    # Players give their orders again in a replay and the events match all the same:
    # only the record's own lines, compared, show one edited, dropped or added.
    run = _plain_run(tmp_path / "run")
    path = run / "commands.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    (at, row) = next((i, json.loads(x)) for i, x in enumerate(lines) if "units" in x)
    row["command"]["units"] = ["X9"]
    kept = {
        "edited": [*lines[:at], json.dumps(row) + "\n", *lines[at + 1 :]],
        "dropped": lines[:at] + lines[at + 1 :],
        "added": [*lines, lines[-1]],
    }[change]
    path.write_text("".join(kept))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    out = capsys.readouterr().out
    # The events alone would pass, but the first line must not read as a pass.
    assert "replay matches" not in out
    assert out.startswith("replay FAILS: the events match (sha256 ")
    assert f"{path}: not the orders given in the replay" in out
    seq = len(lines) + 1 if change == "added" else at + 1
    order = f"{row['source']} {row['command']['type']}"
    last = json.loads(lines[-1])
    says = {  # both sides: the record's line alone named the untouched order after one dropped
        "edited": order,
        "dropped": f"the replay gave {order} here, missing from the record",
        "added": f"{last['source']} {last['command']['type']}, not given in the replay",
    }[change]
    assert f"first difference at line {seq} ({says}):" in out


def test_a_trainee_order_edited_in_the_record_is_named_by_its_own_line(tmp_path, capsys):
    """The replay gives the trainee's orders from the record, so it repeats an edited one:
    only the run's event log says what was given there, and the next line is untouched."""
    orders = tmp_path / "orders.jsonl"
    dispatch = {"agency": "ems", "type": "dispatch", "incident": "INC1"}
    given = [(600, ["M2"]), (900, ["M9"])]
    orders.write_text(
        "".join(
            json.dumps({"t": t, "command": {**dispatch, "units": units}}) + "\n"
            for t, units in given
        )
    )
    run = tmp_path / "run"
    argv = ["run", str(SMALL), "--until", "00:30", "--roles", "ems", "--commands", str(orders)]
    assert main([*argv, "--out", str(run), "--quiet"]) == 0
    path = run / "commands.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if '"units":["M2"]' in line)
    lines[at] = lines[at].replace('"M2"', '"M1"')
    path.write_text("".join(lines))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: not the orders given in the run (its event log)" in out
    assert f"first difference at line {at + 1} (trainee dispatch):" in out
    shown = out.splitlines()
    where = shown.index(f"first difference at line {at + 1} (trainee dispatch):")
    assert shown[where + 1].startswith("  recorded:  ") and '"units":["M1"]' in shown[where + 1]
    assert shown[where + 2].startswith("  event log: ") and '"units":["M2"]' in shown[where + 2]


def test_a_blank_line_in_the_record_s_commands_is_read_past_as_replay_reads_it(tmp_path, capsys):
    run = _plain_run(tmp_path / "run")
    path = run / "commands.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([lines[0], "\n", *lines[1:]]))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0, capsys.readouterr().out


def test_a_manifest_hash_that_is_not_the_files_fails_even_when_the_log_replays(tmp_path, capsys):
    run = _plain_run(tmp_path / "run")
    manifest = json.loads((run / "run.json").read_text())
    manifest["events_sha256"] = "0" * 64
    (run / "run.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("replay FAILS: the events match") and "replay matches" not in out
    assert f"events_sha256 {'0' * 64} is not the sha256 of" in out


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seed", "nine"),
        ("until", [1]),
        ("until", -5),
        ("automated", "police"),
        ("automated", ["nobody"]),
        ("players", {"police": "wizard"}),
    ],
)
def test_a_damaged_manifest_is_bad_input(tmp_path, capsys, field, value):
    run = _plain_run(tmp_path / "run")
    manifest = json.loads((run / "run.json").read_text())
    manifest[field] = value
    (run / "run.json").write_text(json.dumps(manifest))
    assert main(["replay", str(run)]) == 2
    err = capsys.readouterr().err
    assert f"{run / 'run.json'}: {field}: expected" in err and "Traceback" not in err


# -- sources: the player: prefix belongs to the automated players --------------------------


def test_a_command_file_claiming_a_player_source_is_refused(tmp_path, capsys):
    command = {"type": "close_road", "agency": "fire", "road": "High Street"}
    orders = _orders(
        tmp_path / "orders.jsonl", {"t": 600, "source": "player:fire", "command": command}
    )
    run = tmp_path / "run"
    assert main(["run", str(SMALL), "--commands", str(orders), "--out", str(run)]) == 2
    err = capsys.readouterr().err
    assert f"{orders}: line 1: source: 'player:fire' is kept for the automated players" in err
    assert "Traceback" not in err and not run.exists()


def test_trainee_and_controller_commands_round_trip_and_players_are_not_doubled(tmp_path, capsys):
    close = {"type": "close_road", "agency": "fire", "road": "High Street"}
    reopen = {"type": "open_road", "agency": "police", "road": "High Street"}
    orders = _orders(
        tmp_path / "orders.jsonl",
        {"t": 600, "source": "controller", "command": close},
        {"t": 900, "command": reopen},
    )
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders), "--out", str(run)]
    assert main([*args, "--quiet"]) == 0
    sources = [c["source"] for c in _recorded(run)]
    assert sources.count("controller") == sources.count("trainee") == 1
    assert any(s.startswith("player:") for s in sources)
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out


def test_an_interrupted_run_says_it_cannot_be_replayed_exactly(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--until", "00:10", "--out", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "run.json").read_text())
    manifest["complete"] = False  # as a run stopped by Ctrl-C records itself
    (out / "run.json").write_text(json.dumps(manifest))
    assert main(["replay", str(out)]) == 2
    assert "the run was interrupted" in capsys.readouterr().err


def test_a_position_passed_before_its_time_gives_the_command_at_its_time(tmp_path, capsys):
    # ticks 0 is the very start; a command said to be due at T+10:00 there cannot be
    # where it was given, and must not be given early.
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    orders = _orders(
        tmp_path / "orders.jsonl", {"t": 600, "after": 0, "ticks": 0, "command": command}
    )
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders), "--quiet"]
    assert main([*args, "--out", str(run)]) == 0
    (given,) = [row for row in _recorded(run) if row["source"] == "trainee"]
    assert given["t"] == 600.0
    log = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    (verdict,) = [
        e for e in log if e["kind"] == "command.accepted" and e["data"].get("source") == "trainee"
    ]
    assert verdict["t"] == 600.0


def test_a_position_reached_before_its_time_is_given_as_the_time_alone_would_give_it(
    tmp_path, capsys
):
    # Tick 45 is reached at about T+03:50 with a batch not yet handed to the players;
    # nothing else is due before T+04:10, so the clock could jump there at once. The
    # command must still come after the players have seen what happened by then.
    command = {"type": "close_road", "agency": "police", "road": "High Street"}
    rows = {}
    for name, line in {
        "placed": {"t": 250, "after": 0, "ticks": 45, "command": command},
        "timed": {"t": 250, "command": command},
    }.items():
        orders = _orders(tmp_path / f"{name}.jsonl", line)
        run = tmp_path / name
        args = ["run", str(SMALL), "--until", "00:30", "--commands", str(orders), "--quiet"]
        assert main([*args, "--out", str(run)]) == 0
        (rows[name],) = [row for row in _recorded(run) if row["source"] == "trainee"]
    assert rows["placed"] == rows["timed"]


def test_an_order_given_in_the_instant_the_trainee_ends_replays(tmp_path, capsys):
    # Paused, a message is sent and the window closed at once: what the message sets
    # off at that instant belongs to the record, as the replay (stopping there) runs it.
    run = tmp_path / "run"
    session = _session(run, ("police",))
    exercise = session.exercise
    exercise.advance(300)
    assert exercise.submit(SendMessage(agency="police", to="fire", text="hi")).accepted
    session.close(TRAINEE)
    log = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    kinds = [e["kind"] for e in log]
    assert kinds.index("message.queued") < kinds.index("exercise.ended")
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out


def test_a_view_that_fails_still_leaves_a_record_that_replays(tmp_path, capsys, monkeypatch):
    import simulator.view.play as view_play

    def failing_view(scenario, start, roles, **options):
        session = start(roles)
        session.exercise.advance(300)
        raise RuntimeError("the view broke")

    monkeypatch.setattr(view_play, "play", failing_view)
    run = tmp_path / "run"
    args = ["play", str(SMALL), "--role", "police", "--out", str(run)]
    with pytest.raises(RuntimeError, match="the view broke"):
        main(args)
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["until"] == 300.0
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (
            {"type": "service", "agency": "police", "unit": "P1", "in_service": "no"},
            "in_service: expected true or false",
        ),
        (
            {
                "type": "dispatch",
                "agency": "police",
                "incident": "INC1",
                "units": ["P1"],
                "hold": "yes",
            },
            "hold: expected true or false",
        ),
        (
            {
                "type": "mutual_aid",
                "agency": "fire",
                "to": "county_fire",
                "incident": "INC1",
                "capability": "rescue",
                "count": "2",
            },
            "count: expected a whole number",
        ),
        ({"type": "release_inject", "seq": "1"}, "seq: expected a whole number"),
    ],
)
def test_a_yes_no_or_count_given_as_text_is_refused_not_guessed(tmp_path, capsys, command, problem):
    orders = _orders(
        tmp_path / "orders.jsonl",
        {"t": 5, "source": "controller" if "seq" in command else "trainee", "command": command},
    )
    args = ["run", str(SMALL), "--commands", str(orders), "--out", str(tmp_path / "r")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err


def test_a_difference_is_named_by_the_recorded_events_kind(tmp_path, capsys):
    """The evaluator reads the record: two events swapped are named as the record has them."""
    run = _plain_run(tmp_path / "run")
    log = run / "events.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    kinds = [json.loads(line)["kind"] for line in lines]
    at = next(n for n in range(10, len(lines) - 1) if kinds[n] != kinds[n + 1])
    lines[at], lines[at + 1] = lines[at + 1], lines[at]
    log.write_text("".join(lines))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    assert f"first difference at event {at + 1} ({kinds[at + 1]}):" in capsys.readouterr().out
