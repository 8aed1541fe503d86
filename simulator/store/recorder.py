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

from simulator.events import Event, EventLog
from simulator.store.database import EventRow, Store, StoreError, event_row

BATCH = 500
EVERY_S = 300.0


class Recorder:
    """Writes one run's new events and commands to the store in transactions."""

    def __init__(self, store: Store, run: int, log: EventLog, commands: Sequence[dict]):
        self.store = store
        self.run = run
        self._log = log
        self._commands = commands
        self._written = 0
        self._commands_written = 0
        self._last_t = 0.0
        self.failure = ""  # why the database could not be written, once it could not
        # Events flushed and not yet written, with the lines the log made of them (an
        # event is serialised once); those flushed before we began are made here.
        self._rows: list[EventRow] = [event_row(e, e.to_json()) for e in log.events[: log.flushed]]
        log.read_lines(self._take)

    def _take(self, events: list[Event], lines: list[str]) -> None:
        self._rows.extend(map(event_row, events, lines))

    def on_events(self, batch: list[Event]) -> None:
        """Subscriber: flush when enough events or simulated time have gone by."""
        if not batch or self.failure:
            return
        pending = len(self._log) - self._written
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

    def finish(
        self,
        *,
        complete: bool,
        events_sha256: str,
        scores: dict,
        actions: Sequence[dict] = (),
        stopped_by: str = "",
    ) -> None:
        """Write what is left, the run's status and its scores in one transaction.

        ``actions``: a served run's controller actions, stored with them; ``stopped_by``:
        who ended a ``play`` session early ("trainee", "interrupted", "failed"): its report
        says so.

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
            actions=actions,
            stopped_by=stopped_by,
        )
        self._written_through(events, commands)

    def _pending(self) -> tuple[list[EventRow], list[tuple[int, dict]]]:
        self._log.flush()  # every event so far has its line
        start = self._commands_written
        return list(self._rows), list(enumerate(self._commands[start:], start=start + 1))

    def _written_through(self, rows: list[EventRow], commands: list[tuple[int, dict]]) -> None:
        self._written += len(rows)
        del self._rows[: len(rows)]
        self._commands_written += len(commands)
        if rows:
            self._last_t = rows[-1][1]
