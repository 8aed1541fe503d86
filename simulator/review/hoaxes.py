"""Hoax calls ("swatting"): how quickly flagged calls were checked, and what they cost.

Read from the event log and the scenario (which incidents were hoaxes, which units are
tactical teams). A run without flagged calls or hoaxes has no hoax summary.

Measures:

- ``verification_time``: seconds from a call-taker flagging a call as a possible hoax
  (``call.flagged``) to the check's answer (``incident.verified``), one sample per
  flagged incident, by the flagging agency; a flag never checked by the end is a missed
  duty (censored at the time that had gone by);
- ``hoax_commitments``: tactical teams dispatched to a hoax before it was verified (each
  team once): the team a swatting call is meant to tie up, sent before anyone checked.
  Observed only once somebody acted on a hoax (checked it, or sent anyone to it), so a
  team that never moves earns nothing for it.
"""

from dataclasses import dataclass

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.rating import MeasureResult, evaluate
from simulator.review.stats import Evidence, Sample, cite
from simulator.scenario.check import incidents
from simulator.scenario.model import Scenario
from simulator.scenario.scoring import Measure
from simulator.scenario.timing import format_offset
from simulator.scenario.vocabulary import Capability

METRICS = frozenset({"verification_time", "hoax_commitments"})


@dataclass(frozen=True)
class FlaggedCall:
    """One incident flagged as a possible hoax: who flagged it, when it was checked."""

    incident: str
    agency: str
    flagged: float
    verified: float | None
    hoax: bool
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class HoaxSummary:
    """Every flagged call, and the tactical teams sent to hoaxes before a check."""

    hoaxes: int
    flagged: tuple[FlaggedCall, ...]
    commitments: tuple[Sample, ...]
    acted_on: int  # hoaxes somebody checked or sent units to (the opportunity)


def hoax_summary(scenario: Scenario, log: list[Event]) -> HoaxSummary | None:
    """The run's hoax calls (None when it had neither a flagged call nor a hoax)."""
    hoaxes = {spec.id for _, _, spec in incidents(scenario) if spec.hoax}
    started = {e.incident for e in log if e.kind == "incident.started"}
    flags: dict[str, Event] = {}
    checks: dict[str, Event] = {}
    for e in log:
        if e.kind == "call.flagged":
            flags.setdefault(str(e.incident), e)
        elif e.kind == "incident.verified":
            checks.setdefault(str(e.incident), e)
    if not flags and not hoaxes & started:
        return None
    rows = tuple(_row(flags[i], checks.get(i), i in hoaxes) for i in sorted(flags))
    tactical = {u.id for u in scenario.units if Capability.TACTICAL in u.capabilities}
    sent = [e for e in log if e.kind == "unit.dispatched" and e.incident in hoaxes]
    return HoaxSummary(
        hoaxes=len(hoaxes & started),
        flagged=rows,
        commitments=tuple(_commitments([e for e in sent if e.unit in tactical], checks)),
        acted_on=len(({str(e.incident) for e in sent} | set(checks)) & hoaxes),
    )


def _row(flag: Event, check: Event | None, hoax: bool) -> FlaggedCall:
    evidence = (cite(flag),) + ((cite(check),) if check is not None else ())
    return FlaggedCall(
        incident=str(flag.incident),
        agency=str(flag.agency),
        flagged=flag.t,
        verified=None if check is None else check.t,
        hoax=payload(check).hoax if check is not None else hoax,
        evidence=evidence,
    )


def _commitments(sent: list[Event], checks: dict[str, Event]) -> list[Sample]:
    """Tactical teams dispatched to a hoax before its check (each team once)."""
    out: dict[str, Sample] = {}
    for e in sent:
        check = checks.get(str(e.incident))
        if (check is None or e.t < check.t) and e.unit not in out:
            out[str(e.unit)] = Sample(
                1.0, incident=e.incident, agency=e.agency, unit=e.unit, evidence=(cite(e),)
            )
    return sorted(out.values(), key=lambda s: s.evidence[0].seq)


def hoax_measure(m: Measure, summary: HoaxSummary | None, end: float) -> MeasureResult:
    """One hoax measure (not observed in a run without flagged calls or hoaxes)."""
    if summary is None:
        return evaluate(m, [], value=None)
    if m.metric.value == "hoax_commitments":
        sent = [s for s in summary.commitments if m.agency is None or s.agency == m.agency]
        return evaluate(m, sent, value=len(sent) if summary.acted_on else None)
    rows = [r for r in summary.flagged if m.agency is None or r.agency == m.agency]
    return evaluate(m, [_delay(r, end) for r in rows])


def _delay(row: FlaggedCall, end: float) -> Sample:
    """Flag to check; a flag never checked counts the time gone by (censored)."""
    if row.verified is None:
        return Sample(round(end - row.flagged, 3), row.incident, row.agency, censored=True)
    delay = round(row.verified - row.flagged, 3)
    return Sample(delay, row.incident, row.agency, evidence=row.evidence)


def hoax_rows(summary: HoaxSummary | None) -> list[list[str]] | None:
    """Each flagged call as a report row (None: no flagged calls or hoaxes in the run)."""
    if summary is None:
        return None
    sent: dict[str, list[str]] = {}
    for s in summary.commitments:
        sent.setdefault(str(s.incident), []).append(str(s.unit))
    rows = []
    for r in summary.flagged:
        if r.verified is None:
            checked = "never checked"
        else:
            checked = f"T+{format_offset(r.verified)} ({(r.verified - r.flagged) / 60:.0f} min)"
        verdict = "hoax" if r.hoax else "genuine"
        teams = ", ".join(sent.get(r.incident, [])) or "none"
        rows.append(
            [r.incident, r.agency, f"T+{format_offset(r.flagged)}", checked, verdict, teams]
        )
    return rows
