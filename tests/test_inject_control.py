"""The controller's hand on the script: hold, release and ad-hoc injects as engine commands.

Small-town MSEL: 1 (incident INC1) at 00:02, 2 (Mill Bridge closed) at 00:10, 3 (the
bridge reopens) at 01:30.
"""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from simulator.cli import main
from simulator.commands import COMMAND, AddInject, Dispatch, HoldInject, ReleaseInject
from simulator.exercise import Exercise
from simulator.review.conduct import TIME_UP, conduct
from simulator.scenario import load

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "scenarios" / "small_town_collision.yaml"
CONTROLLER = "controller"


@pytest.fixture(scope="module")
def scenario():
    return load(SMALL)


def _exercise(scenario) -> Exercise:
    return Exercise(scenario, 0, file=str(SMALL))


def _released(exercise: Exercise, seq: int) -> list:
    return [e for e in exercise.log.events if e.kind == "inject.released" and e.data["seq"] == seq]


def test_a_held_inject_does_not_fire_at_its_time(scenario):
    exercise = _exercise(scenario)
    exercise.advance(60)
    assert exercise.submit(HoldInject(seq=2), source=CONTROLLER).accepted
    exercise.advance(1200)
    assert _released(exercise, 2) == []
    assert not any(e.kind == "road.closed" for e in exercise.log.events)
    (held,) = exercise.log.of_kind("inject.held")
    assert (held.t, held.data["seq"]) == (600.0, 2)
    (placed,) = exercise.log.of_kind("inject.on_hold")
    assert placed.data == {"seq": 2, "type": "road_closure", "due": 600.0}


def test_release_fires_a_held_inject_now_and_only_once(scenario):
    exercise = _exercise(scenario)
    exercise.advance(60)
    exercise.submit(HoldInject(seq=2), source=CONTROLLER)
    exercise.advance(900)
    result = exercise.submit(ReleaseInject(seq=2), source=CONTROLLER)
    assert result.accepted, result.reason
    exercise.advance(1000)
    (released,) = _released(exercise, 2)
    assert released.t == 900.0 and released.data["by"] == CONTROLLER
    assert released.data["due"] == 600.0
    assert [e.t for e in exercise.log.of_kind("road.closed")] == [900.0]
    again = exercise.submit(ReleaseInject(seq=2), source=CONTROLLER)
    assert not again.accepted
    assert again.reason == "MSEL inject 2 was already released at T+00:15:00"


def test_release_fires_a_future_inject_now_and_not_again_at_its_time(scenario):
    exercise = _exercise(scenario)
    exercise.advance(30)
    assert exercise.submit(ReleaseInject(seq=1), source=CONTROLLER).accepted
    assert [e.incident for e in exercise.log.of_kind("incident.started")] == ["INC1"]
    exercise.advance(600)
    assert len(_released(exercise, 1)) == 1
    assert len(exercise.log.of_kind("incident.started")) == 1
    assert not exercise.log.of_kind("inject.held")


def test_holding_a_released_inject_or_an_unknown_seq_is_rejected_with_a_reason(scenario):
    exercise = _exercise(scenario)
    exercise.advance(200)  # MSEL 1 is out
    reasons = [
        exercise.submit(command, source=CONTROLLER).reason
        for command in (
            HoldInject(seq=1),
            ReleaseInject(seq=99),
            HoldInject(seq=2),
            HoldInject(seq=2),
        )
    ]
    assert reasons == [
        "MSEL inject 1 was already released at T+00:02:00",
        "no MSEL inject 99 (this scenario's injects: 1 to 3)",
        "",
        "MSEL inject 2 is already held",
    ]
    for bad in ({"seq": 0}, {"seq": "two"}, {"seq": 2, "agency": "police"}):
        with pytest.raises(ValidationError):
            COMMAND.validate_python({"type": "release_inject", **bad})
    # The reserved name gives no agency's order.
    refused = exercise.submit(Dispatch(agency=CONTROLLER, incident="INC1", units=["P1"]))
    assert refused.reason == "unknown agency 'controller'"


def test_an_adhoc_inject_reaches_only_its_recipients(scenario):
    exercise = _exercise(scenario)
    exercise.advance(300)
    command = AddInject(
        text="A bystander says the minibus is leaking diesel",
        to=["fire", "ems"],
        incident="INC1",
        facts=["hazard:INC1/fuel"],
    )
    since = len(exercise.log)
    result = exercise.submit(command, source=CONTROLLER)
    assert result.accepted, result.reason
    new = exercise.log.events[since:]
    (inject,) = [e for e in new if e.kind == "inject.released"]
    assert inject.incident == "INC1" and inject.data["to"] == ["fire", "ems"]
    assert inject.data["adhoc"] is True and inject.data["source"] == CONTROLLER
    assert inject.data["seq"] == 4  # after the MSEL's own numbers
    received = [e.agency for e in new if e.kind == "information.received"]
    assert received == ["fire", "ems"]
    learnt = {e.agency for e in new if e.kind == "fact.learned"}
    assert learnt == {"fire", "ems"}
    assert "hazard:INC1/fuel" in exercise.knowledge("fire")
    police_knew = exercise.knowledge("police").get("hazard:INC1/fuel")
    assert police_knew is None or police_knew.via != "inject"
    assert exercise.engine.script.msel.keys() == {1, 2, 3}
    assert not exercise.submit(ReleaseInject(seq=4), source=CONTROLLER).accepted


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"to": ["navy"]}, "unknown agency 'navy'"),
        ({"to": ["fire", "fire"]}, "an agency is listed twice"),
        ({"to": ["fire"], "incident": "INC9"}, "incident 'INC9' has not started"),
        ({"to": ["fire"], "facts": ["hazard:INC1/gas"]}, "fact 'hazard:INC1/gas': incident"),
        ({"to": ["fire"], "facts": ["rumour"]}, "fact 'rumour': expected topic:subject"),
        ({"to": ["fire"], "facts": ["closure:main street"]}, "fact 'closure:main street': no road"),
    ],
)
def test_a_bad_adhoc_inject_is_rejected_with_a_reason(scenario, fields, reason):
    exercise = _exercise(scenario)
    exercise.advance(300)
    result = exercise.submit(AddInject(text="x", **fields), source=CONTROLLER)
    assert not result.accepted and result.reason.startswith(reason)


def _orders(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_a_run_with_controller_inject_commands_replays_identically(tmp_path, capsys):
    rows = [
        {"t": 60, "source": CONTROLLER, "command": {"type": "hold_inject", "seq": 2}},
        {"t": 400, "source": CONTROLLER, "command": {"type": "release_inject", "seq": 3}},
        {
            "t": 700,
            "source": CONTROLLER,
            "command": {"type": "add_inject", "text": "Smoke", "to": ["fire"], "incident": "INC1"},
        },
        {"t": 900, "source": CONTROLLER, "command": {"type": "release_inject", "seq": 2}},
        {"t": 950, "source": CONTROLLER, "command": {"type": "release_inject", "seq": 7}},
    ]
    orders = _orders(tmp_path / "orders.jsonl", *rows)
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--until", "00:20", "--commands", str(orders), "--out", str(run)]
    assert main([*args, "--quiet"]) == 0
    recorded = [json.loads(line) for line in (run / "commands.jsonl").read_text().splitlines()]
    mine = [r for r in recorded if r["source"] == CONTROLLER]
    assert [r["command"]["type"] for r in mine] == [r["command"]["type"] for r in rows]
    assert all(r["command"]["agency"] == CONTROLLER for r in mine)
    events = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    kinds = [e["kind"] for e in events]
    assert "inject.on_hold" in kinds and "inject.held" in kinds
    assert kinds.count("command.rejected") >= 1  # seq 7: rejected, recorded, replayed
    capsys.readouterr()
    assert main(["replay", str(run)]) == 0
    assert "replay matches" in capsys.readouterr().out


def test_a_trainee_command_file_cannot_give_the_controllers_commands(tmp_path, capsys):
    rows = [{"t": 60, "command": {"type": "release_inject", "seq": 2}}]
    orders = _orders(tmp_path / "orders.jsonl", *rows)
    run = tmp_path / "run"
    args = ["run", str(SMALL), "--commands", str(orders), "--roles", "police", "--out", str(run)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{orders}: line 1: command.type: 'release_inject' is the exercise controller's" in err
    assert "Traceback" not in err and not run.exists()


def test_an_adhoc_closure_fact_spelt_as_the_map_teaches_the_street(scenario):
    exercise = _exercise(scenario)
    exercise.advance(300)
    command = AddInject(text="Main Street is shut", to=["fire"], facts=["closure:Main Street"])
    result = exercise.submit(command, source=CONTROLLER)
    assert result.accepted, result.reason
    assert "closure:Main Street" in exercise.knowledge("fire")


def test_a_contingency_inject_waits_for_the_controller_with_its_notes(scenario):
    """HSEEP: a contingency inject is released only if play needs it."""
    rows = list(scenario.msel)
    rows[1] = rows[1].model_copy(
        update={"contingency": True, "notes": "Only if police have not closed the bridge"}
    )
    exercise = Exercise(scenario.model_copy(update={"msel": rows}), 0, file=str(SMALL))
    exercise.advance(1200)
    assert _released(exercise, 2) == [] and not exercise.log.of_kind("road.closed")
    (held,) = exercise.log.of_kind("inject.held")
    assert (held.t, held.data["seq"]) == (600.0, 2)
    row = next(r for r in exercise.injects() if r.seq == 2)
    assert (row.status, row.contingency) == ("held", True)
    assert row.notes == "Only if police have not closed the bridge"
    assert row.expected_action == rows[1].expected_action
    assert exercise.submit(ReleaseInject(seq=2), source=CONTROLLER).accepted
    exercise.advance(1300)
    assert [e.t for e in exercise.log.of_kind("road.closed")] == [1200.0]


def test_a_contingency_row_never_released_is_listed_as_held_in_reserve(scenario):
    """The conduct section must not read "as scripted" over a contingency row never played."""
    rows = list(scenario.msel)
    rows[1] = rows[1].model_copy(update={"contingency": True})
    contingent = scenario.model_copy(update={"msel": rows})
    kept = Exercise(contingent, 0, file=str(SMALL))
    kept.advance(1200)
    found = conduct(contingent, kept.log.events, TIME_UP)
    assert not found["scripted"] and found["deviations"] == []
    (reserve,) = found["reserve"]
    assert (reserve["t"], reserve["row"]) == (600.0, 2)
    assert reserve["what"] == "Contingency row held in reserve, not played"
    # The scripted rows ran as planned; the contingency row is the one held (never "no
    # MSEL row was held" beside "row 2 was held").
    assert found["summary"].startswith(
        "No scripted MSEL row was held, released out of time or added. 1 contingency row "
        "(row 2) was held in reserve and not played: a contingency row plays only when the "
        "controller releases it, so this is by design, not a departure"
    )
    # Released by the controller, it was played: listed as released, nothing in reserve.
    played = Exercise(contingent, 0, file=str(SMALL))
    played.advance(900)
    assert played.submit(ReleaseInject(seq=2), source=CONTROLLER).accepted
    played.advance(1200)
    found = conduct(contingent, played.log.events, TIME_UP)
    assert found["reserve"] == []
    assert [d["what"] for d in found["deviations"]] == ["Contingency row released"]
