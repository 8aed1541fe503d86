"""Things drawn on the map each frame: facilities, incidents, units, the selection."""

import math

import pygame

from simulator.exercise import Exercise, UnitView
from simulator.view.camera import Camera
from simulator.view.icons import (
    facility_icon,
    hospital_icon,
    incident_icon,
    staging_icon,
    unit_icon,
)
from simulator.view.palette import BLACK, ORANGE, SELECTED, TEXT, VERMILLION, WHITE
from simulator.view.picture import KnownIncident, Snapshot
from simulator.view.text import Text

# Labels appear once the map is zoomed in this far (pixels per metre).
LABEL_SCALE = 0.12
# Units drawn within this many pixels of each other share a spot and fan out.
FAN_PX = 4


class Markers:
    """Draws the dynamic map layer and finds what is under the pointer."""

    def __init__(self, exercise: Exercise, text: Text):
        self.text = text
        atlas, scenario = exercise.atlas, exercise.scenario
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

    def sizes(self, camera: Camera) -> tuple[int, int]:
        """Unit and incident icon sizes for the zoom (never illegibly small)."""
        base = self.text.base
        unit = int(max(base * 0.75, min(base * 1.3, base * camera.scale * 8)))
        return unit, int(unit * 1.6)

    def draw(self, surface: pygame.Surface, camera: Camera, snap: Snapshot, chosen: dict) -> None:
        """Facilities, then incidents, then units, with selection rings."""
        unit_size, incident_size = self.sizes(camera)
        labels = camera.scale >= LABEL_SCALE
        fac = max(10, unit_size - 2)
        for x, y, radius in snap.holes:
            at = camera.to_screen(x, y)
            pygame.draw.circle(surface, VERMILLION, at, max(4, radius * camera.scale), 2)
            self._label(surface, "radio coverage lost", at, 0)
        for kind, x, y in self.stations:
            self._blit(surface, facility_icon(kind, fac), camera.to_screen(x, y))
        for name, x, y in self.hospitals:
            at = camera.to_screen(x, y)
            self._blit(surface, hospital_icon(fac + 4), at)
            if labels:
                self._label(surface, name, at, fac)
        for name, x, y in self.staging:
            at = camera.to_screen(x, y)
            self._blit(surface, staging_icon(fac + 2), at)
            if labels:
                self._label(surface, name, at, fac)
        for area, x, y in snap.staging:  # opened during the run: always named (STG-1)
            at = camera.to_screen(x, y)
            self._blit(surface, staging_icon(fac + 2), at)
            self._label(surface, area, at, fac)
        for incident in snap.incidents:
            self._incident(surface, camera, incident, incident_size, chosen)
        for x, y in snap.posts:
            sx, sy = camera.to_screen(x, y)
            self._label(surface, "ICP", (sx + incident_size, sy - incident_size), 0)
        if chosen.get("point") is not None:
            self._point(surface, camera.to_screen(*chosen["point"]), unit_size)
        selected = chosen["units"]
        placed = self.placed(camera, snap.units)
        for unit in snap.units:
            at = placed[unit.id]
            if not camera.contains(*at):
                continue
            icon = unit_icon(self.kinds.get(unit.agency, ""), unit.status.value, unit_size)
            self._blit(surface, icon, at)
            if unit.id in selected:
                pygame.draw.circle(surface, SELECTED, at, unit_size * 0.8, 2)
            if labels or unit.id in selected:
                self._label(surface, unit.id, at, unit_size)

    def _incident(self, surface, camera, incident: KnownIncident, size: int, chosen: dict) -> None:
        at = camera.to_screen(incident.x, incident.y)
        if not camera.contains(*at):
            return
        self._blit(surface, incident_icon(incident.type, incident.priority, size), at)
        if incident.id == chosen["incident"]:
            pygame.draw.rect(
                surface,
                SELECTED,
                pygame.Rect(0, 0, size + 8, size + 8).move(
                    at[0] - size // 2 - 4, at[1] - size // 2 - 4
                ),
                3,
                border_radius=6,
            )
        if incident.unmet:
            badge = (at[0] + size // 2, at[1] - size // 2)
            radius = max(7, self.text.small // 2 + 1)
            pygame.draw.circle(surface, ORANGE, badge, radius)
            pygame.draw.circle(surface, BLACK, badge, radius, 1)
            digit = self.text.render(str(min(incident.unmet, 99)), self.text.small, BLACK, True)
            surface.blit(digit, digit.get_rect(center=badge))
        self._label(surface, incident.id, at, size)

    def _point(self, surface: pygame.Surface, at: tuple[int, int], size: int) -> None:
        """A cross-hair where the trainee clicked: "here" for a staging area."""
        x, y = at
        for dx, dy in ((1, 0), (0, 1)):
            a = (x - dx * size, y - dy * size)
            b = (x + dx * size, y + dy * size)
            pygame.draw.line(surface, BLACK, a, b, 4)
            pygame.draw.line(surface, SELECTED, a, b, 2)
        pygame.draw.circle(surface, SELECTED, at, max(4, size // 2), 2)

    def _blit(self, surface: pygame.Surface, icon: pygame.Surface, at: tuple[int, int]) -> None:
        surface.blit(icon, (at[0] - icon.get_width() // 2, at[1] - icon.get_height() // 2))

    def _label(self, surface: pygame.Surface, name: str, at: tuple[int, int], size: int) -> None:
        shadow = self.text.render(name, self.text.small, BLACK)
        label = self.text.render(name, self.text.small, WHITE if name else TEXT)
        x, y = at[0] - label.get_width() // 2, at[1] + size // 2 + 1
        surface.blit(shadow, (x + 1, y + 1))
        surface.blit(label, (x, y))

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
