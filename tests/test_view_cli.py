"""``run_sim.py play``: arguments, scripted screenshots, records that replay."""

import pygame
import pytest
import view_helpers  # noqa: F401
from conftest import SCENARIOS

from simulator.cli import main

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


@pytest.mark.parametrize(
    ("size", "reason"),
    [("100000x100000", "the largest window is 7680x4320"), ("800x600", "the smallest")],
)
def test_a_window_size_out_of_range_is_named_at_its_option(tmp_path, capsys, size, reason):
    with pytest.raises(SystemExit) as stop:
        main(["play", str(SMALL), "--size", size])
    assert stop.value.code == 2
    assert f"argument --size: {reason}" in capsys.readouterr().err
