"""The road layer, drawn once to a cached surface and reused every frame.

Drawing every road segment each frame caps a large city near 70 FPS, so the roads are
drawn to a surface covering the view plus a margin of half a view on every side. It is
redrawn only on zoom, on a closure or reopening, on a resize, or when panning leaves
the margin. Closed roads are drawn on it in vermillion, dashed.
"""

import numpy as np
import pygame

from simulator.view.camera import Camera
from simulator.view.palette import ARTERIAL, CLOSED, MAP_BG, ROAD
from simulator.world.roads import RoadNetwork


class RoadLayer:
    """Undirected road segments and their cached rendering."""

    def __init__(self, roads: RoadNetwork):
        self.roads = roads
        keep = roads.src < roads.dst
        reverse = {(int(b), int(a)) for a, b in zip(roads.src, roads.dst, strict=True)}
        one_way = (
            np.array(
                [(int(b), int(a)) not in reverse for a, b in zip(roads.src, roads.dst, strict=True)]
            )
            if len(reverse)
            else np.zeros(len(roads.src), bool)
        )
        del reverse
        self.edges = np.flatnonzero(keep | one_way)
        self.a = roads.xy[roads.src[self.edges]]
        self.b = roads.xy[roads.dst[self.edges]]
        speed = roads.seconds[self.edges]
        length = np.hypot(*(self.b - self.a).T)
        with np.errstate(divide="ignore", invalid="ignore"):
            kmh = np.where(speed > 0, length / speed * 3.6, 0)
        self.arterial = kmh >= np.percentile(kmh, 75) if len(kmh) else kmh
        self._surface: pygame.Surface | None = None
        self._key: tuple | None = None
        self._origin = (0.0, 0.0)  # world point at the surface's top-left
        self.builds = 0

    def draw(self, target: pygame.Surface, camera: Camera) -> None:
        """Blit the cached roads for the camera (rebuilding them if needed)."""
        key = (
            camera.scale,
            camera.width,
            camera.height,
            len(self.roads.closed),
            tuple(sorted(self.roads.closed)[:64]),
        )
        ox, oy = self._origin
        sx = camera.left + camera.width / 2 + (ox - camera.cx) * camera.scale
        sy = camera.top + camera.height / 2 + (oy - camera.cy) * camera.scale
        inside = (
            self._surface is not None
            and sx <= camera.left
            and sy <= camera.top
            and sx + self._surface.get_width() >= camera.left + camera.width
            and sy + self._surface.get_height() >= camera.top + camera.height
        )
        if key != self._key or not inside:
            self._build(camera)
            self._key = key
            return self.draw(target, camera)
        area = pygame.Rect(camera.left - int(sx), camera.top - int(sy), camera.width, camera.height)
        target.blit(self._surface, (camera.left, camera.top), area)

    def _build(self, camera: Camera) -> None:
        width, height = camera.width * 2, camera.height * 2
        self._origin = (
            camera.cx - width / 2 / camera.scale,
            camera.cy - height / 2 / camera.scale,
        )
        surface = pygame.Surface((width, height))
        surface.fill(MAP_BG)
        origin = np.array(self._origin)
        pa = (self.a - origin) * camera.scale
        pb = (self.b - origin) * camera.scale
        lo = np.minimum(pa, pb)
        hi = np.maximum(pa, pb)
        visible = (hi[:, 0] >= 0) & (hi[:, 1] >= 0) & (lo[:, 0] < width) & (lo[:, 1] < height)
        thick = max(1, min(6, round(camera.scale * 12)))
        draw = pygame.draw.line
        for k in np.flatnonzero(visible & ~self.arterial):
            draw(surface, ROAD, pa[k], pb[k], max(1, thick // 2))
        for k in np.flatnonzero(visible & self.arterial):
            draw(surface, ARTERIAL, pa[k], pb[k], thick)
        closed = set(self.roads.closed)
        for k in np.flatnonzero(visible):
            if int(self.edges[k]) in closed or self._reverse_closed(int(self.edges[k]), closed):
                _dashed(surface, pa[k], pb[k], thick + 3)
        self._surface = surface
        self.builds += 1

    def _reverse_closed(self, edge: int, closed: set[int]) -> bool:
        back = self.roads.edge_of.get((int(self.roads.dst[edge]), int(self.roads.src[edge])))
        return back is not None and back in closed

    def nearest(self, camera: Camera, pos: tuple[int, int], within: float) -> int | None:
        """The road edge index under a screen point (within ``within`` pixels), if any."""
        x, y = camera.to_world(*pos)
        p = np.array([x, y])
        d = self.b - self.a
        length2 = np.maximum((d * d).sum(axis=1), 1e-9)
        t = np.clip(((p - self.a) * d).sum(axis=1) / length2, 0, 1)
        dist = np.hypot(*(self.a + d * t[:, None] - p).T)
        k = int(np.argmin(dist))
        return int(self.edges[k]) if dist[k] * camera.scale <= within else None


def _dashed(surface: pygame.Surface, a: np.ndarray, b: np.ndarray, width: int) -> None:
    length = float(np.hypot(*(b - a)))
    steps = max(1, int(length // 8))
    for i in range(0, steps, 2):
        p = a + (b - a) * (i / steps)
        q = a + (b - a) * (min(i + 1, steps) / steps)
        pygame.draw.line(surface, CLOSED, p, q, width)
