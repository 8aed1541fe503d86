"""The trainee's log keeps the exercise's fiction and is not cluttered by the bots.

An ad-hoc inject reads as from the simulated world, as a scripted one does; an
automated player's share that teaches nothing new is not shown at all.
"""

import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from view_helpers import exercise_of, start

from simulator.commands import AddInject


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
