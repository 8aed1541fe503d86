"""The base map, drawn once to a cached surface and reused every frame.

Land, water, streets, bridges, congested streets, closed roads and the names of
districts, streets and bridges are drawn to a surface covering the view plus a quarter of
a view on every side. It is redrawn only on zoom, on a closure or reopening, when
congestion builds or clears, on a resize, or when panning leaves that margin. Streets
are drawn as whole lines (one ``pygame.draw.lines`` call per visible stretch of a
street, transformed with numpy), and minor streets are left out when they would be
closer than a few pixels, so a 100,000-node city stays a readable grid of arterials when
zoomed out and a redraw takes milliseconds, not a second.
"""

from collections import Counter

import numpy as np
import pygame

from simulator.view.camera import Camera
from simulator.view.palette import (
    ARTERIAL,
    BRIDGE,
    BRIDGE_EDGE,
    CLOSED,
    CONGESTED,
    LAND,
    MAP_BG,
    ROAD,
    WATER,
)
from simulator.view.placenames import PlaceNames
from simulator.view.text import Text
from simulator.world.atlas import Atlas
from simulator.world.geography import Geography, survey

# Minor streets are drawn once a typical block is at least this many pixels long.
MINOR_PX = 8.0
# The cached surface reaches this share of the view beyond each side of it.
MARGIN = 0.25
LOCAL, MAJOR, BRIDGED = 0, 1, 2


class RoadLayer:
    """The road network's geometry by street, and its cached rendering."""

    def __init__(self, atlas: Atlas, text: Text):
        self.roads = roads = atlas.roads
        self.geography: Geography = survey(roads, atlas.scenario.map)
        self.names = PlaceNames(self.geography, roads.xy, text, *_landmarks(atlas))
        self._edges(roads)
        self._lines(self.geography)
        self._surface: pygame.Surface | None = None
        self._key: tuple | None = None
        self._origin = (0.0, 0.0)  # world point at the surface's top-left
        self.builds = 0
        self.drawn: dict[int, int] = {}  # street class -> segments drawn at the last build
        self.names_shown: tuple[pygame.Rect, ...] = ()  # on screen at the last draw
        self._names_key: tuple = ()

    def _edges(self, roads) -> None:
        """One segment per road (a two-way road once), for picking a road by click."""
        n = max(len(roads), 1)
        forward = roads.src * n + roads.dst
        one_way = ~np.isin(roads.dst * n + roads.src, forward)
        self.edges = np.flatnonzero((roads.src < roads.dst) | one_way)
        self.a = roads.xy[roads.src[self.edges]]
        self.b = roads.xy[roads.dst[self.edges]]

    def _lines(self, geography: Geography) -> None:
        """Every street's runs as one point array; a segment joins point i and i + 1."""
        xy = self.roads.xy
        points, classes, starts = [], [], []
        at = 0
        for street in geography.streets:
            kind = BRIDGED if street.bridge else MAJOR if street.arterial else LOCAL
            for run in street.runs:
                points.append(xy[run])
                starts.append(at)
                classes.append(np.full(len(run) - 1, kind))
                at += len(run)
        self.points = np.vstack(points) if points else np.zeros((0, 2))
        segment = np.ones(len(self.points), bool)
        segment[[s - 1 for s in starts[1:]]] = False  # a run's last point starts none
        if len(segment):
            segment[-1] = False
        segments = np.flatnonzero(segment)
        kinds = np.concatenate(classes) if classes else np.zeros(0, int)
        a, b = self.points[segments], self.points[segments + 1]
        length = np.hypot(*(b - a).T)
        local = length[kinds == LOCAL]
        self.block_m = float(np.median(local if len(local) else length)) if len(length) else 1.0
        # Per class: segment starts and their boxes in metres, to cull before drawing.
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        self.classes = {
            kind: (segments[kinds == kind], lo[kinds == kind], hi[kinds == kind])
            for kind in (LOCAL, MAJOR, BRIDGED)
        }

    def minor_shown(self, scale: float) -> bool:
        """Whether minor streets are drawn at a zoom (pixels per metre)."""
        return self.block_m * scale >= MINOR_PX

    def draw(
        self,
        target: pygame.Surface,
        camera: Camera,
        congested: tuple[tuple[str, str], ...] = (),
        closed: frozenset[int] = frozenset(),
        marks: tuple[tuple[float, float], ...] = (),
    ) -> None:
        """Blit the cached map for the camera (rebuilding it if needed).

        ``congested``: the roads (node pairs) traffic has slowed now (the traffic news);
        ``closed``: the road edges the trainee knows are closed; ``marks``: where the
        incidents the trainee knows stand (world metres), whose markers names keep off.
        """
        key = (congested, camera.scale, camera.width, camera.height, closed, marks)
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
        same = inside and self._key is not None and key[:-1] == self._key[:-1]
        if same and key != self._key and self._keep(marks):
            self._key = key  # other incidents, but no name moves for them
        if key != self._key or not inside:
            self._build(camera, congested, closed, marks)
            self._key = key
            return self.draw(target, camera, congested, closed, marks)
        area = pygame.Rect(camera.left - int(sx), camera.top - int(sy), camera.width, camera.height)
        target.blit(self._surface, (camera.left, camera.top), area)
        names_key = (self.builds, int(sx), int(sy), tuple(target.get_clip()))
        if names_key != self._names_key:  # the same tuple while the map stays put
            self._names_key = names_key
            self.names_shown = tuple(
                shown
                for _, rect in self.names.placed
                if (shown := rect.move(int(sx), int(sy))).colliderect(target.get_clip())
            )

    def _keep(self, marks: tuple[tuple[float, float], ...]) -> bool:
        """Whether the map drawn stands for ``marks`` (no name moves for them)."""
        return self.names.keep(np.array(marks, float).reshape(-1, 2))

    def _build(
        self,
        camera: Camera,
        congested: tuple[tuple[str, str], ...],
        closed: frozenset[int],
        marks: tuple[tuple[float, float], ...],
    ) -> None:
        width = round(camera.width * (1 + 2 * MARGIN))
        height = round(camera.height * (1 + 2 * MARGIN))
        scale = camera.scale
        self._origin = (camera.cx - width / 2 / scale, camera.cy - height / 2 / scale)
        origin = np.array(self._origin)
        surface = pygame.Surface((width, height))
        surface.fill(MAP_BG)
        x0, y0, x1, y1 = self.geography.bounds
        pad = self.block_m / 2
        land = pygame.Rect(
            round((x0 - pad - origin[0]) * scale),
            round((y0 - pad - origin[1]) * scale),
            round((x1 - x0 + 2 * pad) * scale),
            round((y1 - y0 + 2 * pad) * scale),
        )
        surface.fill(LAND, land.clip(surface.get_rect()))
        for polygon in self.geography.water:
            pygame.draw.polygon(surface, WATER, (polygon - origin) * scale)
        block = self.block_m * scale
        minor = max(1, min(4, round(block / 14)))
        major = max(1 if block < 3 else 2, min(9, round(block / 8)))
        self.drawn = {}
        if self.minor_shown(scale):
            self._stroke(surface, origin, scale, LOCAL, [(ROAD, minor)])
        self._stroke(surface, origin, scale, MAJOR, [(ARTERIAL, major)])
        self._stroke(
            surface, origin, scale, BRIDGED, [(BRIDGE_EDGE, major + 4), (BRIDGE, major + 1)]
        )
        self._congested(surface, origin, scale, major + 2, congested)
        self._closed(surface, origin, scale, major + 3, closed)
        self.names.draw(surface, origin, scale, block, np.array(marks, float).reshape(-1, 2))
        self._surface = surface
        self.builds += 1

    def _stroke(
        self, surface: pygame.Surface, origin: np.ndarray, scale: float, kind: int, pens: list
    ) -> None:
        """Draw the visible stretches of one class of street as polylines."""
        starts, lo, hi = self.classes[kind]
        w, h = surface.get_size()
        x0, y0 = origin
        x1, y1 = x0 + w / scale, y0 + h / scale
        seen = starts[(hi[:, 0] >= x0) & (hi[:, 1] >= y0) & (lo[:, 0] < x1) & (lo[:, 1] < y1)]
        self.drawn[kind] = len(seen)
        if not len(seen):
            return
        breaks = np.flatnonzero(np.diff(seen) != 1) + 1
        # Consecutive segments of one run share their end points. The stretches go to
        # pygame as arrays: lists of points would be garbage the collector has to sweep.
        points = self.points
        stretches = [(points[s[0] : s[-1] + 2] - origin) * scale for s in np.split(seen, breaks)]
        lines = pygame.draw.lines
        for colour, width in pens:
            for stretch in stretches:
                lines(surface, colour, False, stretch, width)

    def _congested(
        self,
        surface: pygame.Surface,
        origin: np.ndarray,
        scale: float,
        width: int,
        pairs: tuple[tuple[str, str], ...],
    ) -> None:
        """Congested roads, solid orange over the street (closures dash over them)."""
        roads = self.roads
        for a, b in pairs:
            u, v = roads.index.get(a), roads.index.get(b)
            if u is None or v is None:
                continue
            start = (roads.xy[u] - origin) * scale
            end = (roads.xy[v] - origin) * scale
            congested_line(surface, start, end, width)

    def _closed(
        self,
        surface: pygame.Surface,
        origin: np.ndarray,
        scale: float,
        width: int,
        closed: frozenset[int],
    ) -> None:
        """Closed roads, dashed vermillion over the street."""
        done = set()
        for edge in sorted(closed):
            u, v = int(self.roads.src[edge]), int(self.roads.dst[edge])
            if (v, u) in done:
                continue
            done.add((u, v))
            a = (self.roads.xy[u] - origin) * scale
            b = (self.roads.xy[v] - origin) * scale
            closed_line(surface, a, b, width)

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


def congested_line(surface: pygame.Surface, a, b, width: int) -> None:
    """A road traffic has slowed: solid orange (shared by the map and the help's legend)."""
    pygame.draw.line(surface, CONGESTED, a, b, width)


def closed_line(surface: pygame.Surface, a: np.ndarray, b: np.ndarray, width: int) -> None:
    """A closed road: vermillion dashes (shared by the map and the help's legend)."""
    length = float(np.hypot(*(b - a)))
    steps = max(1, int(length // 8))
    for i in range(0, steps, 2):
        p = a + (b - a) * (i / steps)
        q = a + (b - a) * (min(i + 1, steps) / steps)
        pygame.draw.line(surface, CLOSED, p, q, width)


def _landmarks(atlas: Atlas) -> tuple[np.ndarray, np.ndarray]:
    """Where the scenario's stations, hospitals and staging areas stand, and their units.

    World metres, and how many units are based at each one's spot. Their icons, and the
    ring of units parked at a station, are drawn over the base map, so its names keep
    off them.
    """
    scenario = atlas.scenario
    places = [*scenario.stations, *scenario.hospitals, *scenario.staging_areas]
    nodes = [atlas.locate(p.location) for p in places]
    home = {s.id: atlas.locate(s.location) for s in scenario.stations}
    parked = Counter(home[u.station] for u in scenario.units if u.station in home)
    crowds = np.array([parked.get(node, 0) for node in nodes], int)
    return atlas.roads.xy[nodes].reshape(-1, 2), crowds
