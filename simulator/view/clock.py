"""Simulation pacing: how far the exercise advances each frame.

Each frame the target is ``now + wall_dt * speed``; the engine processes every event up
to it, so nothing is ever skipped. One frame never asks for more than ``MAX_STEP_S``
of simulated time, so a slow frame makes the exercise lag instead of freezing the
window. Targets are whole milliseconds so the recorded command times replay exactly.
"""

from dataclasses import dataclass

SPEEDS: tuple[int, ...] = (1, 2, 4, 8, 16, 60)
MAX_STEP_S = 120.0


@dataclass
class Pace:
    """The trainee's speed choice and pause state."""

    speed: int = 1
    paused: bool = False

    def toggle(self) -> None:
        """Pause or resume (space)."""
        self.paused = not self.paused

    def set(self, speed: int) -> None:
        """Choose a speed from ``SPEEDS`` (unknown values are ignored).

        A pause stands: the trainee paused to think, and a new speed is for afterwards.
        """
        if speed in SPEEDS:
            self.speed = speed

    def step(self, direction: int) -> None:
        """One speed faster (+1) or slower (-1)."""
        index = SPEEDS.index(self.speed) + direction
        self.set(SPEEDS[max(0, min(len(SPEEDS) - 1, index))])

    def target(self, now: float, wall_dt: float) -> float:
        """The simulation time to reach this frame (``now`` itself while paused)."""
        if self.paused or wall_dt <= 0:
            return now
        return round(now + min(wall_dt * self.speed, MAX_STEP_S), 3)
