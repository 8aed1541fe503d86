"""Systems down: how long each fault inject kept a system out (HSEEP: Cybersecurity).

An outage runs from ``fault.started`` to its ``fault.ended`` (a fixed outage) or
``fault.restored`` (the restoring incident's work done), or to the end of the run,
when it is still down (a censored sample: at least that long). The ``system_downtime``
metric judges these durations, in seconds; a system that is one agency's (its CAD or
records) counts for that agency.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.stats import Evidence, Sample, cite

# Faults on one agency's own system: the outage is that agency's to measure.
AGENCY_SYSTEMS = frozenset({"cad", "records"})


@dataclass(frozen=True)
class Outage:
    """One fault inject's outage: what, how long, and what brought it back."""

    fault: str
    target: str
    seq: int
    started: float
    back: float | None  # None: still down when the run ended
    restored_by: str | None  # the incident whose work restored it
    seconds: float
    evidence: tuple[Evidence, ...]

    def sample(self) -> Sample:
        """The outage as a ``system_downtime`` sample."""
        agency = self.target if self.fault in AGENCY_SYSTEMS else None
        return Sample(
            value=self.seconds,
            incident=self.restored_by,
            agency=agency,
            evidence=self.evidence,
            note=f"{self.fault} {self.target}",
            censored=self.back is None,
        )


def outages(events: Iterable[Event]) -> tuple[Outage, ...]:
    """Every outage in a log, in the order the faults struck."""
    open_: dict[int, Event] = {}
    done: list[Outage] = []
    end = 0.0
    for e in events:
        end = e.t
        if e.kind == "fault.started":
            open_[payload(e).seq] = e
        elif e.kind in ("fault.ended", "fault.restored"):
            start = open_.pop(payload(e).seq, None)
            if start is not None:
                done.append(_outage(start, e, end))
    done += [_outage(start, None, end) for start in open_.values()]
    return tuple(sorted(done, key=lambda o: (o.started, o.seq)))


def _outage(start: Event, back: Event | None, end: float) -> Outage:
    fault = payload(start)
    until = back.t if back is not None else end
    restored = back.incident if back is not None and back.kind == "fault.restored" else None
    evidence = (cite(start),) + ((cite(back),) if back is not None else ())
    return Outage(
        fault=fault.fault,
        target=fault.target,
        seq=fault.seq,
        started=start.t,
        back=None if back is None else back.t,
        restored_by=restored,
        seconds=round(until - start.t, 3),
        evidence=evidence,
    )
