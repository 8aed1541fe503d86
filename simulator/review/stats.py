"""Samples with the events behind them, and the distributions reports quote.

Every measured value keeps the time-stamped events it was computed from, so a finding
in the after-action report can cite them (HSEEP: observations are time-stamped).
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np

from simulator.events import Event


@dataclass(frozen=True, slots=True)
class Evidence:
    """One event a measurement rests on: where it is in the log and what it says."""

    seq: int
    t: float
    kind: str
    text: str
    agency: str | None = None


# Inside ``citing``: the log, and the evidence made so far by place in the log.
_cited: ContextVar[tuple[Sequence[Event], list[Evidence | None]] | None] = ContextVar(
    "cited", default=None
)


@contextmanager
def citing(log: Sequence[Event]) -> Iterator[None]:
    """Make the evidence of each event of ``log`` once within the block and share it.

    One arrival backs a travel time, a first-on-scene time and a duty; a city day's
    scores cite 32,000 events 64,000 times. An event is found at its place in the log
    (sequence number 1 is the first), so keeping what was made costs one slot per
    event; an event not at its place is cited afresh.
    """
    token = _cited.set((log, [None] * len(log)))
    try:
        yield
    finally:
        _cited.reset(token)


def cite(event: Event) -> Evidence:
    """Evidence for an event: its kind with the agency, unit and incident it names."""
    memo = _cited.get()
    if memo is None:
        return _evidence(event)
    log, made = memo
    seq = event.seq
    if type(seq) is not int or not 0 < seq <= len(log) or log[seq - 1] is not event:
        return _evidence(event)
    evidence = made[seq - 1]
    if evidence is None:
        evidence = made[seq - 1] = _evidence(event)
    return evidence


def _evidence(event: Event) -> Evidence:
    who = " ".join([p for p in (event.agency, event.unit, event.incident) if p])
    return Evidence(event.seq, event.t, event.kind, f"{event.kind} {who}".strip(), event.agency)


@dataclass(frozen=True, slots=True)
class Sample:
    """One observation of a metric, in seconds (or a count), and its evidence.

    A censored sample is a duty not done by the end of the run: its value is the time
    that had gone by (a lower bound), and it counts as missed once that reaches the
    target (before that, the duty had not yet fallen due).
    """

    value: float
    incident: str | None = None
    agency: str | None = None
    unit: str | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str = ""
    censored: bool = False


def between(start: Event, end: Event, **kw: object) -> Sample:
    """A sample measured from one event to another, citing both."""
    return Sample(value=round(end.t - start.t, 3), evidence=(cite(start), cite(end)), **kw)


def percentile(values: Sequence[float], q: float = 90.0) -> float | None:
    """The q-th percentile as the standards count it, or None when empty.

    The least value with at least q% of the values at or under it (nearest rank, numpy's
    ``inverted_cdf``): so "90th percentile within target" and "90% within target" are
    one verdict, as NENA and NFPA state their targets. An interpolated percentile could
    fall within a target that only 89% of calls met.
    """
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), q, method="inverted_cdf"))


@dataclass(frozen=True)
class Distribution:
    """Count, mean, median, 90th percentile and maximum of some samples."""

    n: int
    mean: float | None
    p50: float | None
    p90: float | None
    max: float | None

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> "Distribution":
        """Summarise the values of ``samples``."""
        return cls.of_values([s.value for s in samples])

    @classmethod
    def of_values(cls, values: Sequence[float]) -> "Distribution":
        """Summarise some values, each rounded once to the tenth of a second reports quote.

        Every statistic is of the same rounded values, so median <= 90th percentile <=
        maximum holds in every table and one sample reads the same in every column; a
        maximum rounded apart from unrounded percentiles could fall below them.
        """
        shown = [round(float(v), 1) for v in values]
        if not shown:
            return cls(0, None, None, None, None)
        return cls(
            n=len(shown),
            mean=round(float(np.mean(shown)), 1),
            p50=percentile(shown, 50),
            p90=percentile(shown, 90),
            max=max(shown),
        )


def plural(n: int, forms: tuple[str, str]) -> str:
    """``n`` with the singular or plural form, as a reader expects ("1 unit", "2 units")."""
    return f"{n} {forms[0] if n == 1 else forms[1]}"
