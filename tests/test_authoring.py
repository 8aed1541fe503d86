"""What a trainer writing or running an exercise is told (issue 11, authoring and misuse).

Errors name things as the author wrote them and list the valid choices; problems of
every checking stage come in one pass; silent no-ops are warned about; and input that
was accepted though it could not mean what it said is refused.
"""

import json

import pytest
from conftest import SCENARIOS

from simulator.cli import main

SMALL = SCENARIOS / "small_town_collision.yaml"


def clean(code: int, err: str) -> list[str]:
    assert "Traceback" not in err
    assert code == 2, err
    return err.strip().splitlines()


# -- runs --------------------------------------------------------------------------------


def test_a_zero_length_run_is_refused_before_anything_is_recorded(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["run", str(SMALL), "--until", "00:00", "--out", str(out), "--quiet"])
    lines = clean(code, capsys.readouterr().err)
    assert lines == [
        "--until: 00:00 is the start of the exercise, so nothing would be played or "
        "scored; give a time after the start"
    ]
    assert not out.exists()


def test_a_trainee_commands_only_the_agencies_it_plays(tmp_path, capsys):
    orders = tmp_path / "orders.jsonl"
    rows = [
        {"t": 60, "command": {"type": "recall", "agency": "police", "units": ["P1"]}},
        {"t": 90, "command": {"type": "recall", "agency": "fire", "units": ["E1"]}},
        {
            "t": 95,
            "source": "controller",
            "command": {"type": "recall", "agency": "fire", "units": ["E1"]},
        },
    ]
    orders.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "run"
    argv = ["run", str(SMALL), "--commands", str(orders), "--out", str(out), "--quiet"]
    lines = clean(main([*argv, "--roles", "police"]), capsys.readouterr().err)
    assert lines == [
        f"{orders}: line 2: command.agency: 'fire' is played by the automated players in this "
        "run (--roles police); a trainee commands only the agencies it plays: police"
    ]
    assert not out.exists()
    assert main(argv) == 0  # without --roles, the file's author plays every agency


@pytest.mark.parametrize("until", ["00:01", "00:10"])
def test_a_short_run_still_runs(tmp_path, until):
    out = tmp_path / "run"
    assert main(["run", str(SMALL), "--until", until, "--out", str(out), "--quiet"]) == 0
