"""A scripted road closure or reopening reaches every agency it names, whatever the road.

The MSEL's "the Mill Bridge is closed" tells police, fire and EMS. A trainee whose
police put up its own barrier first must not keep that word from fire and EMS: the
report would then charge police with a closure it had no way to pass on.
"""

from conftest import ROOT

from simulator.commands import CloseRoad, OpenRoad
from simulator.exercise import Exercise
from simulator.scenario import load

SMALL = ROOT / "scenarios" / "small_town_collision.yaml"
CLOSURE = "closure:Mill Bridge"


def _learned(exercise: Exercise, fact: str) -> dict[str, tuple[float, object]]:
    """Each agency's first learning of ``fact``: when, and the value it learnt."""
    found: dict[str, tuple[float, object]] = {}
    for event in exercise.log.of_kind("fact.learned"):
        if event.data["fact"] == fact:
            found.setdefault(event.agency, (event.t, event.data["value"]))
    return found


def test_the_scripted_closure_reaches_fire_and_ems_after_a_police_barrier():
    exercise = Exercise(load(SMALL), seed=0)
    exercise.advance(60)
    assert exercise.submit(CloseRoad(agency="police", road="Mill Bridge")).accepted
    exercise.advance(700)
    learned = _learned(exercise, CLOSURE)
    assert learned["police"][0] == 60  # its own barrier
    for agency in ("fire", "ems"):  # the MSEL's word at 00:10, as with no barrier
        assert learned[agency][0] == 600, learned
    closed = exercise.log.of_kind("road.closed")
    assert [e.data["by"] for e in closed] == ["police"]  # the road closed once, by police


def test_the_scripted_reopening_reaches_police_after_it_lifted_its_own_barrier():
    exercise = Exercise(load(SMALL), seed=0)
    exercise.advance(700)  # closed by the MSEL at 00:10
    assert exercise.submit(OpenRoad(agency="fire", road="Mill Bridge")).accepted
    exercise.advance(5500)  # the MSEL's "reopens" at 01:30, to police only
    told = [
        e
        for e in exercise.log.of_kind("fact.learned")
        if e.agency == "police" and e.data["fact"] == CLOSURE
    ]
    assert told[-1].t == 5400 and not told[-1].data["value"]  # police hears it is open
