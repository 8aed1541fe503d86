"""Traffic control: how soon a traffic point stood on each congested road.

Every street a ``traffic.congested`` names is a duty (a jam naming none, one duty):
get a traffic control point onto it so that responders drive through. Its sample runs
from the congestion to the first ``traffic.point_set`` on that street (on one of the
jam's edges, for a jam naming no street), or, censored, to when it cleared (or the end)
if none ever did. Credit is full within ``TARGET_S`` and falls to none at
``ZERO_S`` (see ``credit``); the outcome score takes the mean as its ``traffic``
component, only in a run that had congestion.
"""

from dataclasses import dataclass, replace

from simulator.events import Event
from simulator.review.outcomes import OUTCOME_WEIGHTS, OutcomeScore
from simulator.review.stats import Sample, between

# A point within 10 minutes of congestion earns full credit (a patrol sergeant's
# first traffic post on a major incident); after 40 minutes, none.
TARGET_S = 600.0
ZERO_S = 2400.0


@dataclass(frozen=True)
class TrafficSummary:
    """Each congested street's time to its first traffic point, and the run's credit."""

    samples: tuple[Sample, ...]
    credit: float


def traffic_summary(log: list[Event]) -> TrafficSummary | None:
    """The run's traffic control, or None when no road was congested."""
    jams = [e for e in log if e.kind == "traffic.congested"]
    if not jams:
        return None
    points = [e for e in log if e.kind == "traffic.point_set"]
    released = [e for e in log if e.kind == "traffic.point_released"]
    ends = {int(e.data["seq"]): e for e in log if e.kind == "traffic.cleared"}
    last = log[-1]
    samples = []
    for jam in jams:
        end = ends.get(int(jam.data["seq"]), last)
        edges = {tuple(pair) for pair in jam.data["edges"]}
        for street in jam.data["names"] or [""]:
            standing = next(
                (
                    p
                    for p in points
                    if p.t < jam.t and _on(p, street, edges) and not _released(p, released, jam.t)
                ),
                None,
            )
            if standing is not None:  # posted before the jam: controlled from its start
                samples.append(between(jam, jam, agency=standing.agency, unit=standing.unit))
                continue
            point = next(
                (p for p in points if jam.t <= p.t <= end.t and _on(p, street, edges)), None
            )
            if point is None:
                note = f"no traffic point on {street or 'its roads'}"
                samples.append(between(jam, end, note=note, censored=True))
            else:
                samples.append(between(jam, point, agency=point.agency, unit=point.unit))
    mean = sum(credit(s) for s in samples) / len(samples)
    return TrafficSummary(tuple(samples), round(mean, 4))


def credit(sample: Sample) -> float:
    """Full within ``TARGET_S``, falling linearly to none at ``ZERO_S``; none if never."""
    if sample.censored:
        return 0.0
    late = max(0.0, sample.value - TARGET_S)
    return max(0.0, 1.0 - late / (ZERO_S - TARGET_S))


def with_traffic(outcome: OutcomeScore, summary: TrafficSummary | None) -> OutcomeScore:
    """The outcome score with traffic control as one more component, when there was any."""
    if summary is None:
        return outcome
    components = {**outcome.components, "traffic": summary.credit}
    total = sum(OUTCOME_WEIGHTS[k] for k in components)
    score = round(100 * sum(OUTCOME_WEIGHTS[k] * v for k, v in components.items()) / total, 1)
    timely = sum(1 for s in summary.samples if not s.censored and s.value <= TARGET_S)
    note = (
        f"{timely} of {len(summary.samples)} congested roads had a traffic point "
        f"within {TARGET_S / 60:.0f} minutes"
    )
    notes = {**outcome.notes, "traffic": note}
    return replace(outcome, score=score, components=components, notes=notes)


def _released(point: Event, released: list[Event], by: float) -> bool:
    """Whether the point's unit left it (at or) before ``by``."""
    return any(r.unit == point.unit and point.t <= r.t <= by for r in released)


def _on(point: Event, street: str, edges: set[tuple[str, ...]]) -> bool:
    """Whether a point controls the street (by name), or an unnamed jam's roads."""
    if street:
        return point.data["road"] == street
    return bool(edges & {tuple(pair) for pair in point.data["edges"]})
