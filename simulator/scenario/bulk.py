"""Building a large, lasting structure at once, with the cyclic collector paused.

Python's cyclic collector runs after every few hundred new containers and, as they pile
up, scans them all again: reading a 100,000-node map or a city-sized scenario spent
about half its time there, though nothing built is garbage. ``bulk`` pauses it for the
build and resumes it after (as it was: builds nest).
"""

import gc
from contextlib import ContextDecorator
from types import TracebackType


class _Bulk(ContextDecorator):
    """Pause the cyclic collector within (a ``with`` block or a decorated function)."""

    def __init__(self) -> None:
        self._was: list[bool] = []

    def __enter__(self) -> "_Bulk":
        self._was.append(gc.isenabled())
        gc.disable()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._was.pop():
            gc.enable()


bulk = _Bulk()
