"""Options that conflict, or that another option would make pointless, are refused.

``play`` and ``join`` refuse them alike, by name, with exit code 2 and no traceback,
before anything is connected to, opened or recorded.
"""

import pytest
from conftest import SCENARIOS

from simulator.cli import main

SMALL = str(SCENARIOS / "small_town_collision.yaml")
NOWHERE = "ws://127.0.0.1:1"  # nothing listens: a refusal must come before connecting


def _refused(capsys, argv: list[str]) -> str:
    """The one-line message of a command refused as bad input (exit 2)."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "cannot connect" not in err
    return err.strip()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--frames", "3"], "--screenshot and --frames go together"),
        (["--screenshot", "shot.png"], "--screenshot and --frames go together"),
        (
            ["--bot", "sop", "--screenshot", "shot.png", "--frames", "3"],
            "--screenshot does not go with --bot (a bot's seat has no window)",
        ),
        (["--bot", "sop", "--size", "1920x1080"], "--size does not go with --bot"),
    ],
)
def test_join_refuses_options_it_would_ignore_as_play_does(capsys, tmp_path, options, message):
    options = [str(tmp_path / o) if o.endswith(".png") else o for o in options]
    assert _refused(capsys, ["join", NOWHERE, "--token", "x", *options]).startswith(message)


def test_play_refuses_a_screen_to_show_with_no_screenshot(capsys):
    err = _refused(capsys, ["play", SMALL, "--role", "police", "--show", "end"])
    assert err == "--show goes with --screenshot (the screen to capture)"


@pytest.mark.parametrize("command", ["play", "join"])
@pytest.mark.parametrize("name", ["shot.txt", "shot", "shot.gif", "shot.png.bak"])
def test_a_screenshot_not_named_as_an_image_pygame_writes_is_refused(
    command, name, tmp_path, capsys
):
    shot = tmp_path / name
    head = ["play", SMALL, "--role", "police"] if command == "play" else ["join", NOWHERE]
    argv = [*head, "--screenshot", str(shot), "--frames", "3"]
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--token", "x"] if command == "join" else argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "argument --screenshot: expected a .png, .jpg, .jpeg, .bmp or .tga file" in err
    assert name in err and not shot.exists()


@pytest.mark.parametrize("name", ["shot.PNG", "shot.jpeg", "shot.bmp", "shot.tga"])
def test_every_image_format_pygame_writes_is_taken(name, tmp_path, capsys):
    """Past the name's check, the seat is looked for: the name itself was accepted."""
    argv = ["join", NOWHERE, "--token", "x", "--screenshot", str(tmp_path / name)]
    assert main([*argv, "--frames", "3"]) == 2
    assert "cannot connect" in capsys.readouterr().err


@pytest.mark.parametrize(
    "fact", ["incident:INC1", "casualties:INC1", "hazard:INC1/fuel", "closure:Bridge 1"]
)
def test_a_fact_of_each_form_is_taken_to_the_exercise(fact, capsys):
    """Past the form's check, the server is looked for: the exercise judges the rest."""
    argv = ["control", NOWHERE, "--token", "x", "inject", "--to", "fire", "--fact", fact, "t"]
    assert main(argv) == 2
    assert "cannot connect" in capsys.readouterr().err


def test_the_server_states_the_speeds_it_takes():
    """It said "from 0 to 600" but refused 0."""
    from simulator.network.protocol import ProtocolError, decode

    with pytest.raises(ProtocolError, match="more than 0 and at most 600"):
        decode('{"type": "control", "id": 1, "action": "speed", "speed": 0}')
    assert decode('{"type": "control", "id": 1, "action": "speed", "speed": 600}')["speed"] == 600
