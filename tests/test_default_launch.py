"""The README's first command: ``run_sim.py`` with no arguments, as a person meets it."""

import json

import pygame
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from view_helpers import key

import simulator.view.play as view_play
from simulator.cli import main
from simulator.cli_exercise import DEFAULT_SCENARIO
from simulator.scenario import load


def test_with_a_display_the_default_launch_plays_through_its_first_keys(
    monkeypatch, tmp_path, capsys
):
    # A trainee at a screen: press 1 (the first agency), Enter (start), Ctrl+Q (end the
    # exercise), Enter (close the end screen). This once crashed after Enter.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISPLAY", ":0")
    opened = view_play.open_app

    def scripted(size, title):
        app = opened(size, title)
        key(pygame.K_1, "1")
        key(pygame.K_RETURN)
        key(pygame.K_q, mod=pygame.KMOD_CTRL)
        key(pygame.K_RETURN)
        return app

    monkeypatch.setattr(view_play, "open_app", scripted)
    assert main([]) == 0
    (manifest,) = tmp_path.glob("runs/*/run.json")
    record = json.loads(manifest.read_text())
    first = load(DEFAULT_SCENARIO).agencies[0].id
    assert record["roles"] == [first]  # 1 picks the first agency in the briefing's list
    assert record["complete"] and record["events"] > 2
    assert "Recorded as run" in capsys.readouterr().out


def test_with_only_an_offscreen_driver_the_default_launch_runs_headless(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")

    def no_window(size, title):  # a window here would wait for keys nobody presses
        raise AssertionError("opened a window with nobody to see it")

    monkeypatch.setattr(view_play, "open_app", no_window)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "No display: running the default scenario headless" in out
    assert "overall score" in out
