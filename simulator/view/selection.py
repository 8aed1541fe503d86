"""The selection panel: what is selected and the numbered actions possible for it."""

import pygame

from simulator.view.actions import Option
from simulator.view.palette import BLUISH_GREEN, GREY, MUTED, ROW_HILITE, TEXT, YELLOW
from simulator.view.panel import PAD, Panel
from simulator.view.words import plain_reason

TICK_W = 14  # the done mark, drawn (the bundled font has no check-mark glyph)


class SelectionPanel(Panel):
    """A summary of the selection, then its actions (click, or press their number)."""

    title = "Selection"

    def __init__(self, text):
        super().__init__(text)
        self.summary = "Nothing selected. Click a unit, an incident or a road."
        self.options: list[Option] = []
        self.focus: int | None = None  # the action shown in full (pointed at or chosen)
        # Numbered rows the panel had room for when last drawn (nine when nothing was cut):
        # a short panel (960x600) fits fewer, and a number key must never give an order
        # the trainee cannot see. Counted from the room, not the rows: a list grown since
        # the last drawing must not refuse the numbers of rows about to be drawn.
        self.room = 9

    def render(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """Summary lines, then up to nine numbered actions.

        Possible actions are highlighted; refused ones greyed with the engine's reason;
        done ones carry a check mark and when or by whom, so nothing done is offered as
        if it were new. The action in ``focus`` (under the pointer, or last chosen) is
        wrapped in full: the beds, minutes or reason a cut line would hide.
        """
        text = self.text
        y = body.y + 2
        for line in text.wrap(self.summary, body.width - 2 * PAD, text.small)[:3]:
            surface.blit(text.render(line, text.small, MUTED), (PAD, y))
            y += text.small_line
        y += 4
        self.scroll = min(self.scroll, max(0, len(self.options) - 9))
        shown = self.options[self.scroll : self.scroll + 9]
        drawn = 0
        for number, option in enumerate(shown, start=1):
            if y + text.line > body.bottom:
                break
            y = self._row(surface, body, number, option, y)
            drawn += 1
        self.room = drawn if drawn < len(shown) else 9
        hidden = len(self.options) - self.scroll - drawn
        if hidden > 0 and y + text.small_line <= body.bottom:
            more = f"{hidden} more: scroll the wheel here"
            surface.blit(text.render(more, text.small, MUTED), (PAD, y))

    def _row(
        self, surface: pygame.Surface, body: pygame.Rect, number: int, option: Option, y: int
    ) -> int:
        """Draw one numbered action from ``y``; returns the next row's top."""
        text = self.text
        index = self.scroll + number - 1
        key = text.render(f"{number}", text.base, YELLOW if option.enabled else GREY, True)
        x = PAD + key.get_width() + 8 + (TICK_W + 6) * option.done
        lines = self._lines(option, body.width - PAD - x, index == self.focus)
        lines = lines[: max(1, (body.bottom - y - 2) // text.small_line)]
        row = pygame.Rect(2, y, body.width - 4, max(text.line, len(lines) * text.small_line + 6))
        if option.enabled:
            pygame.draw.rect(surface, ROW_HILITE, row, border_radius=4)
        surface.blit(key, (PAD, y + 1))
        if option.done:
            _tick(surface, pygame.Rect(x - TICK_W - 6, y + 3, TICK_W, text.line - 6))
        colour = MUTED if option.done else TEXT if option.enabled else GREY
        for n, line in enumerate(lines):
            surface.blit(text.render(line, text.small, colour), (x, y + 3 + n * text.small_line))
        self.add_hit(row, index)
        return row.bottom + 2

    def _lines(self, option: Option, room: int, whole: bool) -> list[str]:
        """The action's text: wrapped in full when in focus, else cut to its rows.

        A possible action takes one row; a refused or done one two, so its reason
        ("set up a command post at the incident first") is read, not cut mid-word.
        """
        label = option.label if option.enabled else f"{option.label} - {option.reason}"
        label = plain_reason(label)
        lines = self.text.wrap(label, room, self.text.small) or [label]
        if whole:
            return lines
        rows = 1 if option.enabled else 2
        if len(lines) <= rows:
            return lines
        rest = " ".join(lines[rows - 1 :])
        return [*lines[: rows - 1], self.text.fit(rest, room, self.text.small)]

    def point_at(self, pos: tuple[int, int]) -> None:
        """Show in full the action under the pointer (the last one stays when it leaves)."""
        index = self.hit(pos)
        if isinstance(index, int) and index != self.focus:
            self.focus, self.dirty = index, True


def _tick(surface: pygame.Surface, box: pygame.Rect) -> None:
    """A check mark in ``box``: this action was already taken."""
    points = [
        (box.left, box.top + box.height * 0.55),
        (box.left + box.width * 0.38, box.bottom - 1),
        (box.right, box.top + 1),
    ]
    pygame.draw.lines(surface, BLUISH_GREEN, False, points, 3)
