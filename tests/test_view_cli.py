"""``run_sim.py play``: arguments, scripted screenshots, records that replay."""

import json
from pathlib import Path

import pygame
import pytest
import view_helpers  # noqa: F401
from conftest import SCENARIOS

from simulator.cli import main
from simulator.review.conduct import INTERRUPTED, VIEW_FAILED
from simulator.store.database import Store
from simulator.view.app import App

SMALL = str(SCENARIOS / "small_town_collision.yaml")


def test_unknown_role_is_exit_2_with_the_agencies(capsys):
    assert main(["play", SMALL, "--role", "navy"]) == 2
    err = capsys.readouterr().err
    assert "--role: unknown agency 'navy'" in err and "police" in err
    assert "Traceback" not in err


def test_screenshot_needs_frames(capsys, tmp_path):
    assert main(["play", SMALL, "--role", "police", "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "--screenshot and --frames go together" in capsys.readouterr().err


@pytest.mark.parametrize("show", ["briefing", "map", "help", "end"])
def test_screenshot_of_each_screen_is_saved_and_the_run_replays(show, tmp_path, capsys):
    shot, out = tmp_path / f"{show}.png", tmp_path / "run"
    args = ["play", SMALL, "--role", "police", "--speed", "60", "--out", str(out)]
    args += ["--screenshot", str(shot), "--frames", "90", "--show", show, "--size", "1920x1080"]
    assert main(args) == 0
    image = pygame.image.load(str(shot))
    assert image.get_size() == (1920, 1080)
    if show == "briefing":
        assert not out.exists() or not any(out.iterdir())  # the clock never started
        return
    capsys.readouterr()
    assert main(["replay", str(out)]) == 0
    assert "replay matches" in capsys.readouterr().out
    # Stopped after 90 frames, not at its end: the manifest says who stopped it.
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["until"] < 7200 and manifest["stopped_by"] == "trainee"


@pytest.mark.parametrize(
    ("size", "reason"),
    [("100000x100000", "the largest window is 7680x4320"), ("800x600", "the smallest")],
)
def test_a_window_size_out_of_range_is_named_at_its_option(tmp_path, capsys, size, reason):
    with pytest.raises(SystemExit) as stop:
        main(["play", str(SMALL), "--size", size])
    assert stop.value.code == 2
    assert f"argument --size: {reason}" in capsys.readouterr().err


def _five_minutes(tmp_path) -> Path:
    """The small town cut to five minutes (its later injects left out, so it validates)."""
    text = Path(SMALL).read_text(encoding="utf-8")
    head, tail = text.split("  - seq: 2", 1)
    text = head + tail[tail.index("\nscoring:") + 1 :]
    short = tmp_path / "five_minutes.yaml"
    short.write_text(text.replace('duration: "02:00"', 'duration: "00:05"'), encoding="utf-8")
    return short


def test_a_screenshot_run_stops_when_the_exercise_ends(tmp_path, capsys, monkeypatch):
    """Frames far past the end are not drawn: a huge --frames once never returned."""
    drawn = []
    frame = App.frame
    monkeypatch.setattr(App, "frame", lambda app, dt: drawn.append(dt) or frame(app, dt))
    shot, out = tmp_path / "end.png", tmp_path / "run"
    args = ["play", str(_five_minutes(tmp_path)), "--role", "police", "--speed", "60"]
    args += ["--out", str(out), "--screenshot", str(shot), "--frames", "20000"]
    assert main(args) == 0
    assert shot.is_file() and f"Screenshot: {shot}" in capsys.readouterr().out
    assert 300 <= len(drawn) <= 302, len(drawn)  # 60x: a simulated second a frame
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True and manifest["until"] == 300


def test_the_end_screen_names_the_record_by_its_whole_path(tmp_path, monkeypatch):
    """'Record written to run' meant nothing once the trainee had changed directory."""
    from simulator.view.ending import Ending

    ends = []
    init = Ending.__init__
    monkeypatch.setattr(Ending, "__init__", lambda e, *a: ends.append(e) or init(e, *a))
    scenario = _five_minutes(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["play", str(scenario), "--role", "police", "--speed", "60", "--out", "run"]
    assert main([*args, "--screenshot", "end.png", "--frames", "20000"]) == 0
    assert f"Record written to {tmp_path / 'run'}" in ends[-1]._kept()


@pytest.mark.parametrize(
    ("fault", "stopped_by", "reason", "status"),
    [
        (KeyboardInterrupt, "interrupted", INTERRUPTED, "incomplete"),  # it may land mid-instant
        (RuntimeError, "failed", VIEW_FAILED, "complete"),  # between frames: it replays
    ],
)
def test_a_play_stopped_from_the_terminal_or_by_a_fault_is_not_the_trainees_end(
    fault, stopped_by, reason, status, tmp_path, capsys, monkeypatch
):
    """Ctrl+C or a crash in the window was recorded as "ended by the trainee (End or Ctrl+Q)"."""
    run = App.run

    def run_then_fail(app, *args, **kwargs):
        run(app, *args, **kwargs)
        raise fault

    monkeypatch.setattr(App, "run", run_then_fail)
    out = tmp_path / "run"
    args = ["play", SMALL, "--role", "police", "--speed", "60", "--out", str(out)]
    args += ["--screenshot", str(tmp_path / "map.png"), "--frames", "60"]
    if fault is KeyboardInterrupt:
        assert main(args) == 130
    else:
        with pytest.raises(RuntimeError):
            main(args)
    assert f"Run directory: {out}" in capsys.readouterr().out
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["stopped_by"] == stopped_by
    assert manifest["complete"] is (status == "complete")
    store = Store.open()
    try:
        assert store.run(1).stopped_by == stopped_by and store.run(1).status == status
    finally:
        store.close()
    for record in ("1", str(out)):
        assert main(["report", record, "--format", "md"]) == 0
        text = capsys.readouterr().out
        assert f"| Exercise ended | {reason} |" in text
        assert "trainee (End" not in text
