"""A trip through the road graph, timed, with positions interpolated on demand."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Trip:
    """Where a unit is going and when it passes each point.

    ``nodes[i]`` is the road node at ``points[i]``, or -1 for a start part-way along a
    road. The engine schedules one timeout for the whole trip; the view asks
    ``position(t)`` as often as it likes.
    """

    nodes: np.ndarray
    points: np.ndarray
    times: np.ndarray

    @property
    def start(self) -> float:
        """When the trip begins."""
        return float(self.times[0])

    @property
    def end(self) -> float:
        """When the trip arrives."""
        return float(self.times[-1])

    @property
    def destination(self) -> int:
        """The node the trip ends at."""
        return int(self.nodes[-1])

    def position(self, t: float) -> tuple[float, float]:
        """Interpolated x/y at time ``t`` (clamped to the trip)."""
        times = self.times
        if t <= times[0]:
            return float(self.points[0, 0]), float(self.points[0, 1])
        if t >= times[-1]:
            return float(self.points[-1, 0]), float(self.points[-1, 1])
        i = int(times.searchsorted(t, side="right"))
        span = times[i] - times[i - 1]
        f = (t - times[i - 1]) / span if span > 0 else 1.0
        p = self.points[i - 1] + (self.points[i] - self.points[i - 1]) * f
        return float(p[0]), float(p[1])

    def next_stop(self, t: float) -> int:
        """Index of the next intersection the unit can turn at, at time ``t``.

        A unit exactly at an intersection can still turn there; a start part-way along
        a road (node -1) is never a place to turn.
        """
        i = min(len(self.times) - 1, int(self.times.searchsorted(t)))
        if self.nodes[i] < 0:
            i += 1
        return i

    def edges_ahead(self, t: float) -> list[tuple[int, int]]:
        """Road edges the unit has not yet entered at time ``t``."""
        i = self.next_stop(t)
        nodes = self.nodes.tolist()
        return list(zip(nodes[i:-1], nodes[i + 1 :], strict=True))
