"""The help overlay (F1 or ?): every shortcut, the mouse, and the map legend."""

from collections.abc import Callable

import numpy as np
import pygame

from simulator.view.app import Screen
from simulator.view.icons import (
    SHAPES,
    closure_icon,
    facility_icon,
    hospital_icon,
    incident_icon,
    staging_icon,
    traffic_point_icon,
    unit_icon,
)
from simulator.view.input import KEYS, MOUSE_HELP, Intent
from simulator.view.layers import closed_line, congested_line
from simulator.view.markers import coverage_ring, stack_pile
from simulator.view.palette import MUTED, PANEL_BG, PANEL_EDGE, TEXT, YELLOW
from simulator.view.text import Text

# Draws one legend sample into a box (the map's own drawing functions, so the legend
# cannot drift from the map).
Sample = Callable[[pygame.Surface, pygame.Rect, Text], None]

# Planned operations, deconfliction and handling levels (issue 14), in words.
OPERATIONS_LEGEND = (
    "cross-hair in the lead's colour; its ring is the deconfliction radius,",
    "dashed until registered; grey when over, vermillion when compromised",
    "nothing selected: register them, answer conflict notices (1 .. 9)",
    "log badges TLP:RED NTK, TLP:AMBER LES: a fact's handling level",
)


class Help(Screen):
    """A panel over the console; any key or click closes it."""

    overlay = True

    def handle(self, intent: Intent) -> None:
        """Close on Esc, F1/?, Enter or a click."""
        if intent.name in ("cancel", "help", "confirm", "click"):
            self.app.pop()

    def draw(self, surface: pygame.Surface) -> None:
        """Two columns: keys and mouse on the left, the legend on the right."""
        text = self.app.text
        w, h = surface.get_size()
        box = pygame.Rect(0, 0, min(w - 40, 1100), min(h - 40, 760))
        box.center = (w // 2, h // 2)
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 150))
        surface.blit(shade, (0, 0))
        pygame.draw.rect(surface, PANEL_BG, box, border_radius=8)
        pygame.draw.rect(surface, PANEL_EDGE, box, 2, border_radius=8)
        title = text.render(
            "Help: keys, mouse and map legend  (Esc closes)", text.large, TEXT, True
        )
        surface.blit(title, (box.x + 16, box.y + 10))
        y0 = box.y + 20 + title.get_height()
        rows = [(b.label, b.help) for b in KEYS if b.label and b.intent != "option"]
        rows.insert(6, ("1 .. 9", "choose an action in the selection panel"))
        rows += list(MOUSE_HELP)
        y = self._keys(surface, box.x + 16, y0, rows)
        desk = self.app.translator.help_rows
        if desk:  # the controller's desk is up: its keys too
            surface.blit(
                text.render("Controller's desk", text.base, TEXT, True), (box.x + 16, y + 6)
            )
            self._keys(surface, box.x + 16, y + 6 + text.line, desk)
        self._legend(surface, box.x + box.width // 2 + 30, y0, box.width // 2 - 46)

    def _keys(self, surface: pygame.Surface, x: int, y: int, rows) -> int:
        """Key and what it does, one row each; returns the top of the next row."""
        text = self.app.text
        key_w = text.font(text.base).size("Shift + click")[0] + 16
        for key, what in rows:
            surface.blit(text.render(key, text.small, YELLOW, True), (x, y))
            surface.blit(text.render(what, text.small, TEXT), (x + key_w, y))
            y += text.small_line
        return y

    def _legend(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        text = self.app.text
        size = text.line
        surface.blit(
            text.render("Units: shape and colour by agency", text.base, TEXT, True), (x, y)
        )
        y += text.line
        for kind, shape in SHAPES.items():
            if kind == "hospital":
                continue
            surface.blit(unit_icon(kind, "en_route", size), (x, y))
            label = f"{kind.replace('_', ' ')} ({shape})"
            surface.blit(text.render(label, text.small, TEXT), (x + size + 8, y + 2))
            y += size + 2
        y += 6
        for status, what in (
            ("available", "hollow: available"),
            ("en_route", "filled: dispatched, en route, staged"),
            ("on_scene", "white edge: on scene"),
            ("transporting", "white dot: transporting / at hospital"),
            ("out_of_service", "grey with a cross: out of service"),
        ):
            surface.blit(unit_icon("ems", status, size), (x, y))
            surface.blit(text.render(what, text.small, TEXT), (x + size + 8, y + 2))
            y += size + 2
        y += 6
        surface.blit(text.render("Incidents", text.base, TEXT, True), (x, y))
        y += text.line
        for priority in (1, 2, 3):
            surface.blit(incident_icon("structure_fire", priority, size + 4), (x, y))
            label = f"priority {priority} ring; orange badge = units still needed"
            surface.blit(text.render(label, text.small, MUTED), (x + size + 12, y + 4))
            y += size + 6
        y = self._map_legend(surface, x, y + 6, width // 2)
        y += 6
        surface.blit(text.render("Planned operations", text.base, TEXT, True), (x, y))
        y += text.line
        for line in OPERATIONS_LEGEND:
            surface.blit(text.render(line, text.small, MUTED), (x, y))
            y += text.small_line

    def _map_legend(self, surface: pygame.Surface, x: int, y: int, column: int) -> int:
        """Places, roads and radio on the map, two to a row; returns the next row's top."""
        text = self.app.text
        surface.blit(text.render("On the map", text.base, TEXT, True), (x, y))
        y += text.line
        size = text.line + 4
        for n, (sample, words) in enumerate(MAP_LEGEND):
            left = x + (n % 2) * column
            sample(surface, pygame.Rect(left, y, 2 * size, size), text)
            surface.blit(text.render(words, text.small, TEXT), (left + 2 * size + 8, y + 4))
            if n % 2:
                y += size + 4
        return y + (size + 4) * (len(MAP_LEGEND) % 2)


def _icon(icon: Callable[[int], pygame.Surface]) -> Sample:
    """A sample of a map icon, centred in the box."""

    def sample(surface: pygame.Surface, box: pygame.Rect, text: Text) -> None:
        drawn = icon(box.height)
        surface.blit(drawn, drawn.get_rect(center=box.center))

    return sample


def _road(line: Callable[..., None]) -> Sample:
    """A sample of a road drawn as the base map draws it."""
    return lambda surface, box, text: line(
        surface, np.array(box.midleft), np.array(box.midright), 4
    )


MAP_LEGEND: tuple[tuple[Sample, str], ...] = (
    (_icon(hospital_icon), "hospital"),
    (_icon(lambda size: facility_icon("fire", size)), "station (its agency's shape)"),
    (_icon(staging_icon), "staging area"),
    (_icon(traffic_point_icon), "traffic control point"),
    (_icon(closure_icon), "road closed (sign)"),
    (_road(closed_line), "road closed"),
    (_road(congested_line), "traffic jam"),
    (
        lambda surface, box, text: coverage_ring(surface, box.center, box.height / 2),
        "radio coverage lost",
    ),
    (
        lambda surface, box, text: stack_pile(
            surface, text, unit_icon("police", "available", box.height - 6), box.center, 24
        ),
        "stack of units (click: all)",
    ),
)
