"""One trainee's exercise: what their seat sees, the agencies they play and the record."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from simulator.exercise import Exercise
from simulator.review.summary import Summary
from simulator.scenario.timing import format_offset
from simulator.terminal import SeatView

# Who or what ended a session, as its record keeps it (``stopped_by``): the report reads
# a trainee's End apart from a stop by the terminal or a fault.
TRAINEE = "trainee"  # the view's End, Ctrl+Q or the window's close button
INTERRUPTED = "interrupted"  # Ctrl+C or SIGTERM in the terminal
FAILED = "failed"  # the view raised: the run is kept as far as it went


@dataclass(frozen=True)
class Verdict:
    """A run's scores as the end screen shows them.

    ``complete``: the whole exercise was played (else the scores are pro-rated to
    ``end``); ``objectives``: each one's rating, title, core capability and score;
    ``untold``: why a role has no score when it was never told of what needed it
    (``untold_reasons``), so "no duty arose" does not read as a clean sheet.
    """

    overall: float | None
    complete: bool
    end: float
    roles: dict[str, float | None]
    objectives: tuple[tuple[str | None, str, str, float | None], ...]
    window: float | None = None  # an incomplete run's score over the stretch played
    untold: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Remote:
    """A run another machine records (a networked seat's server), as far as it has said.

    ``lines``: what became of the record and where the trainee's score is found;
    ``verdict``: the server's scores once it sent them. A seat's own picture (the events
    it heard) is no ground for a score, so without them the end screen shows none.
    ``summary``: the whole run's headline numbers, as the server counted them.
    """

    lines: tuple[str, ...]
    verdict: Verdict | None = None
    summary: Summary | None = None


@dataclass
class Session:
    """An exercise being played; ``close`` writes its run record exactly once.

    ``exercise`` is the seat's picture the view reads: a ``Terminal`` on a local
    exercise, a ``Mirror`` on a networked one. Never the ``Exercise`` itself, so what a
    trainee sees is scoped to their agencies by construction.
    """

    exercise: SeatView
    roles: tuple[str, ...]
    record: Path | None = None
    on_close: Callable[["Session"], None] | None = None
    # What the trainee must know at once, or "": the run is not being recorded any more
    # (a full disk), so it will be kept incomplete; the seat lost its server.
    trouble: Callable[[], str] = lambda: ""
    # A networked seat: what its server recorded, as told so far (None: recorded here).
    remote: Callable[[], Remote] | None = None
    closed: bool = field(default=False, init=False)
    # How ``close`` was told the session ended (``TRAINEE``, ``INTERRUPTED``, ``FAILED``).
    stopped_by: str = field(default="", init=False)
    # Where the run was kept and how to open its report, once ``on_close`` wrote it.
    saved: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        if isinstance(self.exercise, Exercise):
            raise TypeError("a session shows a seat's picture: wrap the exercise in a Terminal")

    def close(self, stopped_by: str) -> None:
        """End the exercise if it still runs, then write the run record (once).

        ``stopped_by`` says who ended it, so the record does not take a Ctrl+C or a
        crash for the trainee's End. The end matches what ``run_sim.py replay`` gives a
        run stopped at this time, so the replayed event log is identical; but Ctrl+C
        lands anywhere, mid-instant too, so an interrupted log ends as ``run``'s does.
        """
        if self.closed:
            return
        self.closed, self.stopped_by = True, stopped_by
        if not self.exercise.ended and stopped_by == INTERRUPTED:
            self.exercise.finish("interrupted")
        elif not self.exercise.ended:
            # What is due now happens first, as a replay stopped here runs it: an
            # order given the same instant otherwise ends the log before its effects.
            self.exercise.advance(self.exercise.now)
            self.exercise.finish(f"stopped at {format_offset(self.exercise.now)}")
        if self.on_close is not None:
            self.on_close(self)


Starter = Callable[[tuple[str, ...]], Session]
