"""The help overlay (F1 or ?): every shortcut, the mouse, and the map legend."""

import pygame

from simulator.view.app import Screen
from simulator.view.icons import SHAPES, incident_icon, unit_icon
from simulator.view.input import KEYS, MOUSE_HELP, Intent
from simulator.view.palette import MUTED, PANEL_BG, PANEL_EDGE, TEXT, YELLOW

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
        y = y0
        key_w = text.font(text.base).size("Shift + click")[0] + 16
        for key, what in rows:
            surface.blit(text.render(key, text.small, YELLOW, True), (box.x + 16, y))
            surface.blit(text.render(what, text.small, TEXT), (box.x + 16 + key_w, y))
            y += text.small_line
        self._legend(surface, box.x + box.width // 2 + 30, y0)

    def _legend(self, surface: pygame.Surface, x: int, y: int) -> None:
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
        y += 6
        surface.blit(text.render("Planned operations", text.base, TEXT, True), (x, y))
        y += text.line
        for line in OPERATIONS_LEGEND:
            surface.blit(text.render(line, text.small, MUTED), (x, y))
            y += text.small_line
