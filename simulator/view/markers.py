"""Things drawn on the map each frame: facilities, incidents, closures, units, labels.

Icons are drawn first, then road-closure signs (above incident badges, moved clear of
them), then every label at once through ``placement.Placer`` so no label covers another.
"""

import math

import numpy as np
import pygame

from simulator.exercise import Exercise, UnitView
from simulator.view.camera import Camera
from simulator.view.icons import (
    closure_icon,
    facility_icon,
    hospital_icon,
    incident_icon,
    staging_icon,
    unit_icon,
)
from simulator.view.palette import BLACK, CLOSED, LABEL_PLATE, ORANGE, SELECTED, VERMILLION, WHITE
from simulator.view.picture import KnownIncident, Snapshot
from simulator.view.placement import Placer
from simulator.view.text import Text

# Labels of units and places appear once the map is zoomed in this far (pixels per
# metre); incidents are always named.
LABEL_SCALE = 0.12
# Units drawn within this many pixels of each other share a spot and fan out.
FAN_PX = 4
# Closure signs closer than this many sign widths to one already drawn are left out.
SIGN_SPACING = 2.5


class Markers:
    """Draws the dynamic map layer and finds what is under the pointer."""

    def __init__(self, exercise: Exercise, text: Text):
        self.text = text
        atlas, scenario = exercise.atlas, exercise.scenario
        self.roads = atlas.roads
        xy = atlas.roads.xy
        kinds = {a.id: a.kind.value for a in scenario.agencies}
        self.kinds = kinds
        self.stations = [
            (kinds[s.agency], *xy[atlas.locate(s.location)]) for s in scenario.stations
        ]
        self.hospitals = [
            (h.name or h.id, *xy[atlas.locate(h.location)]) for h in scenario.hospitals
        ]
        self.staging = [
            (s.name or s.id, *xy[atlas.locate(s.location)]) for s in scenario.staging_areas
        ]
        self.labels: list[tuple[str, pygame.Rect]] = []  # placed at the last frame
        self.badges: list[pygame.Rect] = []  # incident badges drawn at the last frame
        self.signs: list[pygame.Rect] = []  # closure signs drawn at the last frame

    def sizes(self, camera: Camera) -> tuple[int, int]:
        """Unit and incident icon sizes for the zoom (never illegibly small)."""
        base = self.text.base
        unit = int(max(base * 0.95, min(base * 1.4, base * camera.scale * 8)))
        return unit, int(unit * 1.6)

    def draw(self, surface: pygame.Surface, camera: Camera, snap: Snapshot, chosen: dict) -> None:
        """Facilities, incidents, units and selection rings, closure signs, then labels."""
        unit_size, incident_size = self.sizes(camera)
        zoomed = camera.scale >= LABEL_SCALE
        fac = max(10, unit_size - 2)
        placer = Placer()
        named: list[tuple[int, str, pygame.Rect, bool]] = []  # priority, text, icon, must
        for x, y, radius in snap.holes:
            at = camera.to_screen(x, y)
            pygame.draw.circle(surface, VERMILLION, at, max(4, radius * camera.scale), 2)
            named.append((1, "radio coverage lost", pygame.Rect(at, (0, 0)), True))
        for kind, x, y in self.stations:
            placer.block(self._blit(surface, facility_icon(kind, fac), camera.to_screen(x, y)))
        for name, x, y in self.hospitals:
            rect = self._blit(surface, hospital_icon(fac + 4), camera.to_screen(x, y))
            placer.block(rect)
            if zoomed:
                named.append((3, name, rect, False))
        for name, x, y in self.staging:
            rect = self._blit(surface, staging_icon(fac + 2), camera.to_screen(x, y))
            placer.block(rect)
            if zoomed:
                named.append((3, name, rect, False))
        for area, x, y in snap.staging:  # opened during the run: always named (STG-1)
            rect = self._blit(surface, staging_icon(fac + 2), camera.to_screen(x, y))
            placer.block(rect)
            named.append((2, area, rect, True))
        posts = set(snap.posts)
        self.badges = []
        for incident in snap.incidents:
            rect = self._incident(surface, camera, incident, incident_size, chosen)
            if rect is not None:
                self.badges.append(rect)
                placer.block(rect)
                name = f"{incident.id}  ICP" if (incident.x, incident.y) in posts else incident.id
                named.append((0, name, rect, True))
        if chosen.get("point") is not None:
            self._point(surface, camera.to_screen(*chosen["point"]), unit_size)
        selected = chosen["units"]
        placed = self.placed(camera, snap.units)
        for unit in snap.units:
            at = placed[unit.id]
            if not camera.contains(*at):
                continue
            icon = unit_icon(self.kinds.get(unit.agency, ""), unit.status.value, unit_size)
            rect = self._blit(surface, icon, at)
            placer.block(rect)
            if unit.id in selected:
                pygame.draw.circle(surface, SELECTED, at, unit_size * 0.8, 2)
                named.append((0, unit.id, rect, True))
            elif zoomed:
                named.append((4, unit.id, rect, False))
        self.signs = self._closures(surface, camera, snap.closed, unit_size + 2)
        for rect in self.signs:
            placer.reserve(rect)
        for _, name, icon, must in sorted(named, key=lambda n: n[0]):
            self._label(surface, placer, name, icon, must)
        self.labels = placer.labels

    def _incident(
        self, surface, camera, incident: KnownIncident, size: int, chosen: dict
    ) -> pygame.Rect | None:
        at = camera.to_screen(incident.x, incident.y)
        if not camera.contains(*at):
            return None
        rect = self._blit(surface, incident_icon(incident.type, incident.priority, size), at)
        if incident.id == chosen["incident"]:
            pygame.draw.rect(surface, SELECTED, rect.inflate(8, 8), 3, border_radius=6)
        if incident.unmet:
            badge = (at[0] + size // 2, at[1] - size // 2)
            radius = max(7, self.text.small // 2 + 1)
            pygame.draw.circle(surface, ORANGE, badge, radius)
            pygame.draw.circle(surface, BLACK, badge, radius, 1)
            digit = self.text.render(str(min(incident.unmet, 99)), self.text.small, BLACK, True)
            surface.blit(digit, digit.get_rect(center=badge))
            rect = rect.union(
                pygame.Rect(0, 0, 2 * radius, 2 * radius).move(badge[0] - radius, badge[1] - radius)
            )
        return rect

    def _closures(
        self, surface: pygame.Surface, camera: Camera, closed: frozenset[int], size: int
    ) -> list[pygame.Rect]:
        """A no-entry sign on each closed road, clear of incident badges.

        The dashed road itself is on the base map; the sign is drawn above everything
        else on it, moved along the road or around it until no badge covers it, with a
        line back to the road when it had to move.
        """
        signs: list[pygame.Rect] = []
        icon = closure_icon(size)
        done: set[tuple[int, int]] = set()
        for edge in sorted(closed):
            u, v = int(self.roads.src[edge]), int(self.roads.dst[edge])
            if (v, u) in done:
                continue
            done.add((u, v))
            a = np.array(camera.to_screen(*self.roads.xy[u]), float)
            b = np.array(camera.to_screen(*self.roads.xy[v]), float)
            mid = (a + b) / 2
            if not camera.contains(*mid):
                continue
            if any(math.dist(mid, s.center) < size * SIGN_SPACING for s in signs):
                continue
            spot = _clear_spot(mid, b - a, size, self.badges + signs)
            rect = icon.get_rect(center=(round(spot[0]), round(spot[1])))
            if math.dist(spot, mid) > size / 2:
                pygame.draw.line(surface, BLACK, mid, spot, 3)
                pygame.draw.line(surface, CLOSED, mid, spot, 1)
            surface.blit(icon, rect)
            signs.append(rect)
        return signs

    def _point(self, surface: pygame.Surface, at: tuple[int, int], size: int) -> None:
        """A cross-hair where the trainee clicked: "here" for a staging area."""
        x, y = at
        for dx, dy in ((1, 0), (0, 1)):
            a = (x - dx * size, y - dy * size)
            b = (x + dx * size, y + dy * size)
            pygame.draw.line(surface, BLACK, a, b, 4)
            pygame.draw.line(surface, SELECTED, a, b, 2)
        pygame.draw.circle(surface, SELECTED, at, max(4, size // 2), 2)

    def _blit(
        self, surface: pygame.Surface, icon: pygame.Surface, at: tuple[int, int]
    ) -> pygame.Rect:
        """Draw an icon centred on a point; its rectangle on screen."""
        rect = icon.get_rect(center=at)
        surface.blit(icon, rect)
        return rect

    def _label(self, surface, placer: Placer, name: str, icon: pygame.Rect, must: bool) -> None:
        """A label on a dark plate, where the placer finds room for it."""
        label = self.text.render(name, self.text.small, WHITE)
        spot = placer.place(name, (label.get_width() + 4, label.get_height()), icon, must)
        if spot is not None:
            pygame.draw.rect(surface, LABEL_PLATE, spot, border_radius=3)
            surface.blit(label, (spot.x + 2, spot.y))

    def placed(self, camera: Camera, units: tuple[UnitView, ...]) -> dict[str, tuple[int, int]]:
        """Where each unit is drawn on screen.

        Units at one spot (a station, a scene) fan out in a ring, so every one of them
        can be seen and clicked.
        """
        size = self.sizes(camera)[0]
        spots: dict[tuple[int, int], list[UnitView]] = {}
        for unit in units:
            sx, sy = camera.to_screen(unit.x, unit.y)
            spots.setdefault((round(sx / FAN_PX), round(sy / FAN_PX)), []).append(unit)
        out = {}
        for group in spots.values():
            centre = camera.to_screen(group[0].x, group[0].y)
            out.update(_fan(sorted(group, key=lambda u: u.id), centre, size))
        return out

    def unit_at(self, camera: Camera, units: tuple[UnitView, ...], pos) -> str | None:
        """The unit nearest a screen point, within its icon (where it is drawn)."""
        placed = self.placed(camera, units)
        best, best_d = None, self.sizes(camera)[0] * 0.7
        for unit in units:
            sx, sy = placed[unit.id]
            d = max(abs(sx - pos[0]), abs(sy - pos[1]))
            if d <= best_d:
                best, best_d = unit.id, d
        return best

    def incident_at(self, camera: Camera, incidents: tuple[KnownIncident, ...], pos) -> str | None:
        """The incident nearest a screen point, within its badge."""
        found = [(i.id, i.x, i.y) for i in incidents]
        return _nearest(camera, found, pos, self.sizes(camera)[1] * 0.7)


def _nearest(camera: Camera, items: list, pos, within: float) -> str | None:
    best, best_d = None, within
    for ident, x, y in items:
        sx, sy = camera.to_screen(x, y)
        d = max(abs(sx - pos[0]), abs(sy - pos[1]))
        if d <= best_d:
            best, best_d = ident, d
    return best


def _fan(group: list[UnitView], centre: tuple[int, int], size: int) -> dict:
    """A ring of icons around a shared spot, one step apart (a lone unit stays put)."""
    if len(group) == 1:
        return {group[0].id: centre}
    radius = max(size, size * 1.1 * len(group) / (2 * math.pi))
    out = {}
    for i, unit in enumerate(group):
        angle = 2 * math.pi * i / len(group) - math.pi / 2
        out[unit.id] = (
            int(centre[0] + radius * math.cos(angle)),
            int(centre[1] + radius * math.sin(angle)),
        )
    return out


def _clear_spot(mid: np.ndarray, along: np.ndarray, size: int, taken: list) -> np.ndarray:
    """The point nearest ``mid`` (along the road first, then around) free of ``taken``."""
    length = float(np.hypot(*along)) or 1.0
    step = along / length
    side = np.array([-step[1], step[0]])
    tries = [mid]
    for k in range(1, 9):
        reach = k * size * 0.75
        tries += [mid + step * reach, mid - step * reach, mid + side * reach, mid - side * reach]
    half = size // 2 + 1
    for spot in tries:
        rect = pygame.Rect(round(spot[0]) - half, round(spot[1]) - half, 2 * half, 2 * half)
        if rect.collidelist(taken) < 0:
            return spot
    return tries[-1]
