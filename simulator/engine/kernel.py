"""The kernel: simulation time, the event bus and the random streams.

As small as SimPy's core and no more. ``emit`` appends an event to the log, then tells
the watchers that asked for its kind, in the order they registered; ``at`` schedules a
callback. Nothing here knows any subsystem: they all sit on top of it.
"""

from collections.abc import Callable
from typing import Any

import simpy

from simulator.engine.streams import Streams
from simulator.events import Event, EventLog

Watcher = Callable[[Event], None]


class Kernel:
    """The clock, the append-only log with its watchers, and the exercise's streams."""

    def __init__(self, seed: int, log: EventLog) -> None:
        self.seed = seed
        self.log = log
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self._watchers: list[tuple[frozenset[str] | None, Watcher]] = []
        self._by_kind: dict[str, tuple[Watcher, ...]] = {}  # who hears a kind, in order

    @property
    def now(self) -> float:
        """Simulation seconds since the exercise started."""
        return self.env.now

    def watch(self, watcher: Watcher, *kinds: str) -> None:
        """Hear every later event of these kinds (of every kind if none are named)."""
        self._watchers.append((frozenset(kinds) or None, watcher))
        self._by_kind.clear()

    def emit(self, kind: str, **fields: Any) -> Event:
        """Record a state change at the current simulation time, then tell the watchers.

        The event is in the log before any watcher reacts to it; watchers hear it in the
        order they registered, so the side effects of one event keep one order.
        """
        event = self.log.record(self.env.now, kind, fields)
        watchers = self._by_kind.get(kind)
        if watchers is None:
            watchers = self._by_kind[kind] = tuple(
                watcher for kinds, watcher in self._watchers if kinds is None or kind in kinds
            )
        for watcher in watchers:
            watcher(event)
        return event

    def at(self, delay: float, action: Callable[..., None], *args: Any) -> None:
        """Call ``action(*args)`` after ``delay`` seconds of simulation time."""
        event = self.env.timeout(max(0.0, delay))
        event.callbacks.append(lambda _event: action(*args))
