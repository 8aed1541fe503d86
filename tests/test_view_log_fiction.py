"""The trainee's log keeps the exercise's fiction and is not cluttered by the bots.

An ad-hoc inject reads as from the simulated world, as a scripted one does; an
automated player's share that teaches nothing new is not shown at all.
"""

import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from conftest import SCENARIOS
from view_helpers import exercise_of, run_to, start, start_file

from simulator.commands import AddInject
from simulator.view.words import message_label


def _texts(console) -> list[str]:
    return [e.text for e in console.log.entries]


def test_the_controllers_ad_hoc_inject_reads_as_from_the_simulation_cell(app):
    console = start(app, ("police",))
    said = AddInject(text="A tanker driver says the valve is leaking.", to=["police"])
    assert exercise_of(console).submit(said, source="controller").accepted
    app.frame(1 / 60)
    lines = [t for t in _texts(console) if "valve is leaking" in t]
    assert lines == ["SimCell tells you (phone): A tanker driver says the valve is leaking."]
    assert not any("controller" in t.lower() for t in _texts(console))


def _shares_to(exercise, agency: str) -> dict[str, bool]:
    """Each share delivered to ``agency`` from another: whether it taught it anything."""
    shares = {
        str(e.data["message"])
        for e in exercise.log.events
        if e.kind == "message.queued" and e.data["type"] == "share" and e.agency != agency
    }
    taught = {
        str(e.data["message"])
        for e in exercise.log.events
        if e.kind == "fact.learned" and e.agency == agency and e.data.get("message")
    }
    return {
        str(e.data["message"]): str(e.data["message"]) in taught
        for e in exercise.log.events
        if e.kind == "message.delivered" and e.agency == agency and str(e.data["message"]) in shares
    }


def test_another_agencys_share_of_nothing_new_is_not_in_the_log(app):
    console = start_file(app, ("fire",), SCENARIOS / "small_town_collision.yaml")
    run_to(app, console, 7200)
    shares = _shares_to(exercise_of(console), "fire")
    told = [m for m, news in shares.items() if news]
    empty = [m for m, news in shares.items() if not news]
    assert empty and told  # the automated police and EMS players shared both kinds
    texts = _texts(console)
    assert not any("nothing new" in t for t in texts), [t for t in texts if "nothing new" in t]
    assert not [m for m in empty if any(f"({message_label(m)} " in t for t in texts)]
    assert all(any(f"({message_label(m)} " in t for t in texts) for m in told)
