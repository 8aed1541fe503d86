"""Fonts and a cache of rendered labels (rendering text every frame is slow).

The font is pygame's bundled default (freesansbold.ttf, GPL with font exception; see
assets/README.md). Sizes follow the window height so text stays readable from
1280x720 to 1920x1080.
"""

from collections import OrderedDict

import pygame

from simulator.view.palette import TEXT, Colour

CACHE_LIMIT = 4000


class Text:
    """Fonts at three sizes and an LRU cache of rendered strings."""

    def __init__(self, window_height: int):
        self._fonts: dict[int, pygame.font.Font] = {}
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self.resize(window_height)

    def resize(self, window_height: int) -> None:
        """Pick sizes for a window height (base 16 px at 720, 22 px at 1080)."""
        self.base = max(15, round(window_height / 46))
        self.small = max(14, round(self.base * 0.82))
        self.large = round(self.base * 1.5)
        self.line = self.font(self.base).get_linesize() + 2
        self.small_line = self.font(self.small).get_linesize() + 1

    def font(self, size: int) -> pygame.font.Font:
        """The default font at a pixel size (loaded once)."""
        if size not in self._fonts:
            self._fonts[size] = pygame.font.Font(None, size)
        return self._fonts[size]

    def render(
        self, text: str, size: int | None = None, colour: Colour = TEXT, bold: bool = False
    ) -> pygame.Surface:
        """A rendered label, from the cache when it was drawn before."""
        size = size or self.base
        key = (text, size, colour, bold)
        surface = self._cache.get(key)
        if surface is not None:
            self._cache.move_to_end(key)
            return surface
        font = self.font(size)
        font.set_bold(bold)
        text = text.replace("\0", "")  # SDL_ttf ends text at a NUL; a message may hold one
        if text and font.size(text)[0] == 0:
            # Only zero-width characters (a joiner, a direction mark): SDL_ttf refuses
            # to draw them, so they draw as nothing, a line high.
            surface = pygame.Surface((0, font.get_height()), pygame.SRCALPHA)
        else:
            surface = font.render(text, True, colour)
        font.set_bold(False)
        self._cache[key] = surface
        if len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)
        return surface

    def fit(self, text: str, width: int, size: int | None = None) -> str:
        """``text`` shortened with an ellipsis to fit ``width`` pixels."""
        font = self.font(size or self.base)
        if font.size(text)[0] <= width:
            return text
        while text and font.size(text + "...")[0] > width:
            text = text[:-1]
        return text + "..."

    def wrap(self, text: str, width: int, size: int | None = None) -> list[str]:
        """``text`` broken into lines no wider than ``width`` pixels."""
        font = self.font(size or self.base)
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if current and font.size(trial)[0] > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines
