"""Pausing Python's cycle collector while a large structure with no cycles is built.

The collector runs after every few hundred new containers and, as they pile up, walks
them all again: reading a 100,000-node map spent half its time there, advancing an
exercise 6 to 8% (its log grows by the event), scoring a run a third. None of these
makes reference cycles, so the walks find nothing; memory is still freed as usual, by
reference counts. It lives in the lowest layer, the scenario's, as every layer uses it.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for a block or a decorated call, then restore it as it was.

    Pauses nest: an inner one leaves the collector off for the outer; an error in the
    block still restores it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
