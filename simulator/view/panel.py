"""A side panel drawn to a cached surface and redrawn only when needed.

Text rendering is the costly part of a frame, so a panel re-renders when its size
changes, when the trainee interacts with it (``dirty``), or at most every
``REFRESH_S`` wall seconds while the exercise runs.
"""

import pygame

from simulator.view.palette import MUTED, PANEL_BG, PANEL_EDGE, TEXT
from simulator.view.text import Text

REFRESH_S = 0.25
PAD = 6


class Panel:
    """A titled, scrollable list whose rows can be clicked."""

    title = ""

    def __init__(self, text: Text):
        self.text = text
        self.rect = pygame.Rect(0, 0, 1, 1)
        self.scroll = 0
        self.dirty = True
        self._surface: pygame.Surface | None = None
        self._drawn_at = -1e9
        self._hits: list[tuple[pygame.Rect, object]] = []

    def draw(self, target: pygame.Surface, rect: pygame.Rect, wall: float) -> None:
        """Blit the panel, re-rendering it first if it is stale."""
        if rect.size != self.rect.size or self.dirty or wall - self._drawn_at >= REFRESH_S:
            self.rect = rect.copy()
            self._surface = pygame.Surface(rect.size)
            self._hits = []
            self._surface.fill(PANEL_BG)
            body = self._header(self._surface)
            self.render(self._surface, body)
            pygame.draw.rect(self._surface, PANEL_EDGE, self._surface.get_rect(), 1)
            self._drawn_at, self.dirty = wall, False
        self.rect = rect.copy()
        target.blit(self._surface, rect)

    def _header(self, surface: pygame.Surface) -> pygame.Rect:
        label = self.text.render(self.heading(), self.text.base, TEXT, bold=True)
        surface.blit(label, (PAD, PAD // 2))
        top = self.text.line + PAD // 2
        pygame.draw.line(surface, PANEL_EDGE, (0, top), (surface.get_width(), top))
        return pygame.Rect(0, top + 2, surface.get_width(), surface.get_height() - top - 2)

    def heading(self) -> str:
        """The title line (subclasses add counts and filters)."""
        return self.title

    def render(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """Draw the panel's rows into ``body`` (subclasses)."""

    def add_hit(self, rect: pygame.Rect, key: object) -> None:
        """Make a rectangle (panel coordinates) clickable, answering ``key``."""
        self._hits.append((rect, key))

    def hit(self, pos: tuple[int, int]) -> object | None:
        """The key of the clickable row under a screen position, if any."""
        local = (pos[0] - self.rect.x, pos[1] - self.rect.y)
        for rect, key in self._hits:
            if rect.collidepoint(local):
                return key
        return None

    def scroll_by(self, rows: int) -> None:
        """Scroll the list (wheel over the panel)."""
        self.scroll = max(0, self.scroll + rows)
        self.dirty = True

    def rows_fit(self, body: pygame.Rect, row_height: int) -> int:
        """How many rows of ``row_height`` fit in the body."""
        return max(1, body.height // row_height)

    def empty(self, surface: pygame.Surface, body: pygame.Rect, message: str) -> None:
        """Draw a muted line in an empty list."""
        surface.blit(self.text.render(message, self.text.small, MUTED), (PAD, body.y + PAD))
