"""The selection panel: what is selected and the numbered actions possible for it."""

import pygame

from simulator.view.actions import Option
from simulator.view.palette import BLUISH_GREEN, GREY, MUTED, ROW_HILITE, TEXT, YELLOW
from simulator.view.panel import PAD, Panel

TICK_W = 14  # the done mark, drawn (the bundled font has no check-mark glyph)


class SelectionPanel(Panel):
    """A summary of the selection, then its actions (click, or press their number)."""

    title = "Selection"

    def __init__(self, text):
        super().__init__(text)
        self.summary = "Nothing selected. Click a unit, an incident or a road."
        self.options: list[Option] = []

    def render(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """Summary lines, then up to nine numbered actions.

        Possible actions are highlighted; refused ones greyed with the engine's reason;
        done ones carry a check mark and when or by whom, so nothing done is offered as
        if it were new.
        """
        text = self.text
        y = body.y + 2
        for line in text.wrap(self.summary, body.width - 2 * PAD, text.small)[:3]:
            surface.blit(text.render(line, text.small, MUTED), (PAD, y))
            y += text.small_line
        y += 4
        self.scroll = min(self.scroll, max(0, len(self.options) - 9))
        shown = self.options[self.scroll : self.scroll + 9]
        for number, option in enumerate(shown, start=1):
            if y + text.line > body.bottom:
                break
            row = pygame.Rect(2, y, body.width - 4, text.line)
            colour = TEXT if option.enabled else GREY
            if option.enabled:
                pygame.draw.rect(surface, ROW_HILITE, row, border_radius=4)
            key = text.render(f"{number}", text.base, YELLOW if option.enabled else GREY, True)
            surface.blit(key, (PAD, y + 1))
            x = PAD + key.get_width() + 8
            if option.done:
                _tick(surface, pygame.Rect(x, y + 3, TICK_W, text.line - 6))
                x += TICK_W + 6
                colour = MUTED
            label = option.label if option.enabled else f"{option.label} - {option.reason}"
            room = body.width - PAD - x
            surface.blit(
                text.render(text.fit(label, room, text.small), text.small, colour), (x, y + 3)
            )
            self.add_hit(row, self.scroll + number - 1)
            y += text.line + 2
        hidden = len(self.options) - self.scroll - len(shown)
        if hidden > 0 and y + text.small_line <= body.bottom:
            more = f"{hidden} more: scroll the wheel here"
            surface.blit(text.render(more, text.small, MUTED), (PAD, y))


def _tick(surface: pygame.Surface, box: pygame.Rect) -> None:
    """A check mark in ``box``: this action was already taken."""
    points = [
        (box.left, box.top + box.height * 0.55),
        (box.left + box.width * 0.38, box.bottom - 1),
        (box.right, box.top + 1),
    ]
    pygame.draw.lines(surface, BLUISH_GREEN, False, points, 3)
