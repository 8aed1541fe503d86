"""The facade's clock: advance never goes back or past the end; the end is final."""

from conftest import exercise, kinds

from simulator.commands import SetService


def test_advance_never_goes_past_the_end_and_ends_once():
    ex = exercise(duration="00:30")
    ex.advance(10_000)
    assert ex.now == 1800 and ex.ended
    ex.advance(20_000)
    ended = kinds(ex, "exercise.ended")
    assert len(ended) == 1
    assert ended[0].data == {"reason": "duration reached"} and ended[0].t == 1800
    assert ex.log.events[-1] == ended[0]


def test_advance_never_goes_back():
    ex = exercise()
    ex.advance(500)
    count = len(ex.log.events)
    ex.advance(100)
    assert ex.now == 500
    assert len(ex.log.events) == count


def test_advance_stops_exactly_at_the_requested_time():
    ex = exercise()
    ex.advance(123.5)
    assert ex.now == 123.5
    assert all(e.t <= 123.5 for e in ex.log.events)


def test_the_exercise_started_event_describes_the_run():
    ex = exercise(seed=9)
    start = ex.log.events[0]
    assert start.kind == "exercise.started" and start.t == 0
    assert start.data["seed"] == 9
    assert start.data["scenario"] == "test-scenario"
    assert start.data["duration"] == 4 * 3600


def test_commands_after_finish_are_rejected():
    ex = exercise()
    ex.advance(30)
    ex.finish("stopped by controller")
    logged, recorded = len(ex.log.events), len(ex.commands)
    result = ex.submit(SetService(agency="police", unit="P1", in_service=False))
    assert not result.accepted and result.reason == "the exercise has ended"
    assert kinds(ex, "exercise.ended")[0].data == {"reason": "stopped by controller"}
    # Nothing after the end: a replay stops there and could never give it.
    assert (len(ex.log.events), len(ex.commands)) == (logged, recorded)
    assert ex.log.events[-1].kind == "exercise.ended" and result.event.kind == "command.rejected"


def test_nothing_happens_after_finish():
    ex = exercise()
    ex.advance(30)
    ex.finish("stopped by controller")
    ex.advance(ex.end)
    assert ex.log.events[-1].kind == "exercise.ended"
    assert len(kinds(ex, "exercise.ended")) == 1
