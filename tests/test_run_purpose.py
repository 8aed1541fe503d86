"""Run purposes: rehearsals (scripted or ``$SIMULATOR_PURPOSE``) stay out of history."""

import json

import pytest
import view_helpers  # noqa: F401
from conftest import SCENARIOS

from simulator.build import players_label
from simulator.cli import main
from simulator.scenario import load
from simulator.store.database import Store

SMALL = str(SCENARIOS / "small_town_collision.yaml")


@pytest.fixture
def wide(monkeypatch):
    """Rich tables wide enough that no cell is cut, so rows can be read back."""
    monkeypatch.setenv("COLUMNS", "300")


def history(capsys, *argv: str) -> tuple[list[list[str]], list[list[str]]]:
    """The rows of the runs table and of the trend table, as lists of cells."""
    assert main(["history", *argv]) == 0
    runs, trends = capsys.readouterr().out.split("Trend per trainee")
    return _rows(runs), _rows(trends)


def _rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if "│" in line]


def record(tmp_path, name: str, *argv: str) -> None:
    common = ["run", SMALL, "--seed", "4", "--quiet", "--trainee", "Ana"]
    assert main([*common, "--out", str(tmp_path / name), *argv]) == 0


def test_rehearsals_and_baselines_are_left_out_of_history_and_trends_unless_all(
    tmp_path, monkeypatch, capsys, wide
):
    record(tmp_path, "exercise", "--roles", "police")  # run 1, and its baseline: run 2
    monkeypatch.setenv("SIMULATOR_PURPOSE", "rehearsal")
    record(tmp_path, "rehearsal")  # run 3: all automated, so a different score
    capsys.readouterr()

    runs, trends = history(capsys)
    assert [r[0] for r in runs] == ["1"]
    # trainee, roles, automated players, runs
    assert [(r[0], r[2], r[3], r[4]) for r in trends] == [("Ana", "police", "sop", "1")]

    runs, trends = history(capsys, "--all")
    assert [(r[0], r[2], r[3]) for r in runs] == [
        ("1", "exercise", "Ana"),
        ("2", "baseline", "-"),
        ("3", "rehearsal", "Ana"),
    ]
    # Each purpose has its own trend: a rehearsal never moves the trainee's.
    assert [(r[0], r[1], r[5]) for r in trends] == [
        ("baseline", "-", "1"),
        ("exercise", "Ana", "1"),
        ("rehearsal", "Ana", "1"),
    ]


def test_a_scripted_play_is_recorded_as_a_rehearsal(tmp_path, capsys):
    shot = tmp_path / "map.png"
    args = ["play", SMALL, "--role", "police", "--speed", "60", "--out", str(tmp_path / "run")]
    assert main([*args, "--screenshot", str(shot), "--frames", "30"]) == 0
    assert "Recorded as run 1" in capsys.readouterr().out
    store = Store.open()
    assert [(r.id, r.purpose) for r in store.runs(purpose=None)] == [
        (1, "rehearsal"),
        (2, "baseline"),
    ]
    assert main(["history"]) == 0
    assert "No recorded exercises match (rehearsal and baseline runs: --all)" in (
        capsys.readouterr().out
    )


def test_a_play_ended_early_is_recorded_and_compared_as_far_as_it_went(tmp_path, capsys):
    shot, out = tmp_path / "map.png", tmp_path / "run"
    args = ["play", SMALL, "--role", "police", "--speed", "60", "--out", str(out)]
    assert main([*args, "--screenshot", str(shot), "--frames", "30"]) == 0
    capsys.readouterr()
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    store = Store.open()
    played, baseline = store.run(1), store.run(2)
    stopped = max(e.t for e in store.events(1))
    assert 0 < stopped == manifest["until"] < load(SMALL).metadata.duration
    # The automated baseline it is compared with stops at the same moment.
    assert baseline.purpose == "baseline" and baseline.until == stopped
    assert max(e.t for e in store.events(2)) == stopped
    # No --until was asked: the run keeps its length, and says it was ended early.
    assert played.until == load(SMALL).metadata.duration
    # The database keeps who stopped it, as run.json does: both reports name the trainee.
    assert played.stopped_by == "trainee" and manifest["stopped_by"] == "trainee"
    for run in ("1", str(out)):
        assert main(["report", run, "--format", "md"]) == 0
        text = capsys.readouterr().out
        assert "as --until asked" not in text and "or the exercise controller" not in text
        assert "(ended by the trainee (End or Ctrl+Q))" in text


@pytest.mark.parametrize("command", ["run", "play"])
def test_an_unknown_purpose_is_exit_2_before_anything_is_recorded(
    command, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SIMULATOR_PURPOSE", "drill")
    out = tmp_path / "run"
    extra = ["--role", "police", "--screenshot", str(tmp_path / "x.png"), "--frames", "5"]
    assert main([command, SMALL, "--out", str(out), *(extra if command == "play" else [])]) == 2
    err = capsys.readouterr().err
    assert "$SIMULATOR_PURPOSE: unknown purpose 'drill' (known: exercise, rehearsal)" in err
    assert "Traceback" not in err
    assert Store.open().runs(purpose=None) == []
    assert not out.exists()


def test_a_trend_is_one_scenario_version_and_one_set_of_roles(tmp_path, capsys, wide):
    """A harder target or another role is no change in the trainee's play."""
    record(tmp_path, "police-1", "--roles", "police")
    record(tmp_path, "ems-1", "--roles", "ems")
    harder = tmp_path / "small_town_collision.yaml"
    text = (SCENARIOS / "small_town_collision.yaml").read_text(encoding="utf-8")
    harder.write_text(text.replace("target: 600, agency: police", "target: 60, agency: police"))
    args = ["run", str(harder), "--seed", "4", "--quiet", "--trainee", "Ana", "--roles", "police"]
    assert main([*args, "--out", str(tmp_path / "police-2")]) == 0
    capsys.readouterr()
    _, trends = history(capsys)
    lines = sorted((r[1], r[2], r[4]) for r in trends)  # scenario, roles, runs
    assert len(lines) == 3 and all(runs == "1" for _, _, runs in lines)
    assert [roles for _, roles, _ in lines].count("police") == 2
    versions = {scenario for scenario, _, _ in lines}
    assert len(versions) == 2 and all(v.startswith("small-town-collision (") for v in versions)


def test_a_comment_or_layout_edit_is_the_same_scenario_version(tmp_path, capsys, wide):
    """A trainer fixing a comment must not split a trainee's trend in two."""
    record(tmp_path, "first", "--roles", "police")
    edited = tmp_path / "small_town_collision.yaml"
    text = (SCENARIOS / "small_town_collision.yaml").read_text(encoding="utf-8")
    text = text.replace(  # the same needs in another order
        "requires: {patrol: 1, traffic_control: 1, rescue: 2}",
        "requires: {rescue: 2, patrol: 1, traffic_control: 1}",
    )
    assert "rescue: 2, patrol: 1" in text
    edited.write_text("# Reviewed by the training officer.\n\n" + text.replace("\n", "\n\n", 3))
    args = ["run", str(edited), "--seed", "4", "--quiet", "--trainee", "Ana", "--roles", "police"]
    assert main([*args, "--out", str(tmp_path / "second")]) == 0
    capsys.readouterr()
    runs, trends = history(capsys)
    assert len(runs) == 2
    assert [(r[1], r[2], r[4]) for r in trends] == [("small-town-collision", "police", "2")]


def test_history_finds_a_trainee_in_any_case_and_a_scenario_by_its_file(tmp_path, capsys, wide):
    common = ["run", SMALL, "--seed", "4", "--quiet"]
    assert main([*common, "--trainee", "  B.  Chen ", "--out", str(tmp_path / "r")]) == 0
    capsys.readouterr()
    runs, _ = history(capsys, "--trainee", "b. chen", "--scenario", SMALL)
    assert [(r[0], r[2]) for r in runs] == [("1", "B. Chen")]  # recorded with one space
    runs, _ = history(capsys, "--trainee", "b chen")  # without the full stop
    assert [r[0] for r in runs] == ["1"]
    moved = tmp_path / "renamed.yaml"  # the same scenario, moved and renamed since
    moved.write_bytes((SCENARIOS / "small_town_collision.yaml").read_bytes())
    runs, _ = history(capsys, "--scenario", str(moved))
    assert [r[0] for r in runs] == ["1"]
    other = tmp_path / "small_town_collision.yaml"  # another scenario under the same name
    other.write_bytes((SCENARIOS / "riverton_night_shift.yaml").read_bytes())
    assert main(["history", "--scenario", str(other)]) == 0
    assert "No recorded exercises match" in capsys.readouterr().out
    broken = tmp_path / "broken.yaml"
    broken.write_text("foo: [", encoding="utf-8")
    for wanted, said in (
        (str(broken), f"--scenario: {broken}: not valid YAML"),
        (str(tmp_path), f"--scenario: {tmp_path} is a folder, not a scenario file"),
        ("", "--scenario: '' names no scenario"),
    ):
        assert main(["history", "--scenario", wanted]) == 2  # not an empty look-up
        assert capsys.readouterr().err.startswith(said)
    assert main(["history", "--trainee", "Diaz"]) == 0
    out = capsys.readouterr().out
    assert "No recorded exercises match" in out and "trainees recorded: B. Chen" in out
    assert main([*common, "--trainee", "   ", "--out", str(tmp_path / "blank")]) == 2
    assert capsys.readouterr().err.strip() == "--trainee: '' is no name (no letter or digit)"
    assert not (tmp_path / "blank").exists()
    assert main([*common, "--out", str(tmp_path / "anonymous")]) == 0  # recorded with no name
    for blank in ("", "."):
        assert main(["history", "--trainee", blank]) == 2  # not a look-up of nameless runs
    assert main([*common, "--trainee", "b. CHEN", "--out", str(tmp_path / "again")]) == 0
    capsys.readouterr()
    _, trends = history(capsys, "--trainee", "B. Chen")
    assert [(r[0], r[4]) for r in trends] == [("B. Chen", "2")]  # one trainee, one trend


def test_history_written_to_a_pipe_keeps_whole_names_and_hashes(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("COLUMNS", raising=False)  # a pipe: no terminal width to read
    record(tmp_path, "exercise", "--roles", "police")
    capsys.readouterr()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "small-town-collision" in out and "…" not in out


def test_a_trend_is_one_set_of_automated_partners(tmp_path, capsys, wide):
    """Beside idle or expert partners a trainee who did the same scores differently."""
    for n, profile in enumerate(("idle", "expert", "expert")):
        record(tmp_path, f"run-{n}", "--roles", "police", "--players", profile)
    capsys.readouterr()
    runs, trends = history(capsys)
    assert [r[4] for r in runs] == ["idle", "expert", "expert"]  # the automated column
    assert sorted((r[3], r[4]) for r in trends) == [("expert", "2"), ("idle", "1")]


def test_mixed_partners_are_named_agency_by_agency():
    assert players_label({"fire": "expert", "ems": "sop"}) == "ems=sop,fire=expert"
    assert players_label({"fire": "poor", "ems": "poor"}) == "poor"
    assert players_label({}) == "none"  # a trainee at every desk


def test_history_shows_what_the_trainee_did_apart_from_the_partners(tmp_path, capsys, wide):
    """An idle trainee beside able automated partners: own duties 0, overall well above."""
    record(tmp_path, "idle-1", "--roles", "police")
    record(tmp_path, "idle-2", "--roles", "police")
    capsys.readouterr()
    runs, trends = history(capsys)
    for row in runs:
        own, overall = row[-2], row[-1]
        assert own == "0.0" and float(overall) > 10, row
    (trend,) = trends
    assert trend[5:7] == ["0 -> 0", " -> ".join([f"{float(runs[0][-1]):.0f}"] * 2)]
