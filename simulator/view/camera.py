"""World metres <-> screen pixels for the map area: pan, zoom about a point, fit."""

import math
from dataclasses import dataclass

import numpy as np

MIN_SCALE = 0.005  # pixels per metre
MAX_SCALE = 2.0
ZOOM_STEP = 1.25
MAX_STEPS = math.ceil(math.log(MAX_SCALE / MIN_SCALE) / math.log(ZOOM_STEP))  # whole range
# Fitted, no node comes nearer the map area's edge than this: room for the unit icons
# fanned out above a station and the names written under a place.
EDGE_PX = 48


@dataclass
class Camera:
    """The map viewport: world point at its centre, pixels per metre, screen rect."""

    cx: float = 0.0
    cy: float = 0.0
    scale: float = 0.1
    left: int = 0
    top: int = 0
    width: int = 800
    height: int = 600
    bounds: tuple[float, float, float, float] | None = None  # the map: x0, y0, x1, y1
    fitted: bool = False  # showing the whole map, as fit() left it

    def resize(self, left: int, top: int, width: int, height: int) -> None:
        """Place the viewport on screen (after a window resize).

        A view still showing the whole map is fitted again, so a larger window shows a
        larger city rather than the same one small in the middle.
        """
        self.left, self.top, self.width, self.height = left, top, max(width, 1), max(height, 1)
        if self.fitted and self.bounds is not None:
            self._fit_bounds(self.bounds)

    def to_screen(self, x: float, y: float) -> tuple[int, int]:
        """Screen pixel of a world point."""
        sx = self.left + self.width / 2 + (x - self.cx) * self.scale
        sy = self.top + self.height / 2 + (y - self.cy) * self.scale
        return int(sx), int(sy)

    def to_screen_array(self, xy: np.ndarray) -> np.ndarray:
        """Screen pixels of many world points (an N x 2 array), vectorised."""
        centre = np.array([self.left + self.width / 2, self.top + self.height / 2])
        return (xy - np.array([self.cx, self.cy])) * self.scale + centre

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        """World point under a screen pixel."""
        x = self.cx + (sx - self.left - self.width / 2) / self.scale
        y = self.cy + (sy - self.top - self.height / 2) / self.scale
        return x, y

    def contains(self, sx: float, sy: float) -> bool:
        """Whether a screen pixel is inside the map area."""
        return self.left <= sx < self.left + self.width and self.top <= sy < self.top + self.height

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by a screen-pixel drag (never off the map)."""
        self.cx -= dx / self.scale
        self.cy -= dy / self.scale
        self._clamp()

    def zoom(self, steps: float, about: tuple[float, float] | None = None) -> None:
        """Zoom in (positive) or out by whole steps, keeping ``about`` fixed on screen."""
        if not steps:  # a sideways scroll: the view, fitted or not, stays as it is
            return
        # More steps than span the whole range only overflow (a wheel may report any).
        steps = min(MAX_STEPS, max(-MAX_STEPS, steps))
        sx, sy = about or (self.left + self.width / 2, self.top + self.height / 2)
        wx, wy = self.to_world(sx, sy)
        self.scale = min(MAX_SCALE, max(MIN_SCALE, self.scale * ZOOM_STEP**steps))
        nx, ny = self.to_world(sx, sy)
        self.cx += wx - nx
        self.cy += wy - ny
        self._clamp()

    def fit(self, xy: np.ndarray, margin: float = 0.05) -> None:
        """Show every point of ``xy`` with a margin; they are the map the view keeps to."""
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        self.bounds = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
        self._fit_bounds(self.bounds, margin)

    def _fit_bounds(self, bounds: tuple[float, float, float, float], margin: float = 0.05) -> None:
        x0, y0, x1, y1 = bounds
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2
        span_x, span_y = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        room_x = self.width - 2 * max(EDGE_PX, margin * self.width)
        room_y = self.height - 2 * max(EDGE_PX, margin * self.height)
        scale = min(max(room_x, 1.0) / span_x, max(room_y, 1.0) / span_y)
        self.scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        self.fitted = True

    def _clamp(self) -> None:
        """Keep the centre of the view over the map: panning never loses the city."""
        self.fitted = False
        if self.bounds is None:
            return
        x0, y0, x1, y1 = self.bounds
        self.cx = min(max(self.cx, x0), x1)
        self.cy = min(max(self.cy, y0), y1)
