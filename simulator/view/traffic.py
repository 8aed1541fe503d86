"""Traffic as the trainee sees it: congested streets and the control points standing.

Followed from the event log (``traffic.*`` are public, as the traffic news and officers
in the road are), so a networked seat draws the same as a local console.
"""

from dataclasses import dataclass

from simulator.events import Event
from simulator.payloads import payload


@dataclass(frozen=True)
class ControlPoint:
    """A traffic control point standing: the officer, where, and the street held."""

    unit: str
    agency: str
    road: str
    x: float
    y: float


class TrafficBoard:
    """Congested streets and standing traffic points, followed from the log."""

    def __init__(self) -> None:
        self.jams: dict[int, tuple[str, ...]] = {}  # congestion seq -> streets
        self.roads: dict[int, tuple[tuple[str, str], ...]] = {}  # seq -> its node pairs
        self.points: dict[str, ControlPoint] = {}  # by unit
        self.read = 0

    def follow(self, log: list[Event]) -> None:
        """Read the events logged since the last call."""
        for event in log[self.read :]:
            if event.kind.startswith("traffic."):
                self.take(event)
        self.read = len(log)

    def take(self, event: Event) -> None:
        """Apply one traffic event."""
        if event.kind == "traffic.congested":
            jam = payload(event)
            self.jams[jam.seq] = tuple(jam.names)
            self.roads[jam.seq] = tuple((str(a), str(b)) for a, b in jam.edges)
        elif event.kind == "traffic.cleared":
            seq = payload(event).seq
            self.jams.pop(seq, None)
            self.roads.pop(seq, None)
        elif event.kind == "traffic.point_set":
            post = payload(event)
            self.points[str(event.unit)] = ControlPoint(
                str(event.unit), str(event.agency), post.road, float(post.x), float(post.y)
            )
        elif event.kind == "traffic.point_released":
            self.points.pop(str(event.unit), None)

    def congested(self) -> tuple[str, ...]:
        """The streets congested now, sorted."""
        return tuple(sorted({s for streets in self.jams.values() for s in streets}))

    def congested_roads(self) -> tuple[tuple[str, str], ...]:
        """The roads (node pairs) congested now, sorted: what the map draws."""
        return tuple(sorted({pair for pairs in self.roads.values() for pair in pairs}))

    def standing(self) -> tuple[ControlPoint, ...]:
        """The traffic points standing now, by unit."""
        return tuple(self.points[u] for u in sorted(self.points))
