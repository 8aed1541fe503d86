"""Record a run into the database as it proceeds, in batches.

The CLI subscribes ``Recorder.on_events`` to the exercise; the recorder commits the
new events and commands every ``BATCH`` events or ``EVERY_S`` simulated seconds, so a
run that is killed keeps everything committed before. The rest, the run's status and
its scores are written together at the end.

A write that fails (a full disk, a database made read-only) must not raise inside the
engine, which calls the recorder: the failure is kept in ``failure``, nothing more is
written, and the command driving the run stops it and says so.
"""

from collections.abc import Sequence

from simulator.events import Event
from simulator.store.database import Store, StoreError

BATCH = 500
EVERY_S = 300.0


class Recorder:
    """Writes one run's new events and commands to the store in transactions."""

    def __init__(self, store: Store, run: int, events: Sequence[Event], commands: Sequence[dict]):
        self.store = store
        self.run = run
        self._events = events
        self._commands = commands
        self._written = 0
        self._commands_written = 0
        self._last_t = 0.0
        self.failure = ""  # why the database could not be written, once it could not

    def on_events(self, batch: list[Event]) -> None:
        """Subscriber: flush when enough events or simulated time have gone by."""
        if not batch or self.failure:
            return
        pending = len(self._events) - self._written
        if pending >= BATCH or batch[-1].t - self._last_t >= EVERY_S:
            try:
                self.flush()
            except StoreError as exc:
                self.failure = str(exc)

    def flush(self) -> None:
        """Commit every event and command not yet written.

        Raises:
            StoreError: the database cannot be written.
        """
        events, commands = self._pending()
        if events or commands:
            self.store.append(self.run, events, commands)
            self._written_through(events, commands)

    def finish(self, *, complete: bool, events_sha256: str, scores: dict) -> None:
        """Write what is left, the run's status and its scores in one transaction.

        Raises:
            StoreError: the database cannot be written.
        """
        events, commands = self._pending()
        self.store.finish_run(
            self.run,
            complete=complete,
            events_sha256=events_sha256,
            scores=scores,
            events=events,
            commands=commands,
        )
        self._written_through(events, commands)

    def _pending(self) -> tuple[list[Event], list[tuple[int, dict]]]:
        events = list(self._events[self._written :])
        start = self._commands_written
        return events, list(enumerate(self._commands[start:], start=start + 1))

    def _written_through(self, events: list[Event], commands: list[tuple[int, dict]]) -> None:
        self._written += len(events)
        self._commands_written += len(commands)
        if events:
            self._last_t = events[-1].t
