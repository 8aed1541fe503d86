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
        # The room to keep while numbers are pressed: a row just done grows a line for
        # when it was done, and the ninth row fell off the short panel between the 7, 8
        # and 9 the trainee had read. Set by a number key; a new selection, a scroll or a
        # new size lets the rows take their own height again.
        self.keep = 0
        self._body: tuple[int, int] = (0, 0)

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
        if body.size != self._body:
            self._body, self.keep = body.size, 0
        lines = self._layout(shown, body, y)
        drawn = 0
        for number, (option, rows) in enumerate(zip(shown, lines, strict=True), start=1):
            if y + text.line > body.bottom:
                break
            y = self._row(surface, body, number, option, rows, y)
            drawn += 1
        self.room = drawn if drawn < len(shown) else 9
        hidden = len(self.options) - self.scroll - drawn
        if hidden > 0 and y + text.small_line <= body.bottom:
            more = f"{hidden} more: scroll the wheel here"
            surface.blit(text.render(more, text.small, MUTED), (PAD, y))

    def _layout(self, shown: list[Option], body: pygame.Rect, y: int) -> list[list[str]]:
        """Each shown action's lines, as the rows are to be drawn.

        Their own, or one row each (cut) when they would push a row the trainee numbered
        (``keep``) off the panel; the one in focus keeps its lines when it can.
        """
        width = [body.width - PAD - self._indent(n, o) for n, o in enumerate(shown, start=1)]
        focus = -1 if self.focus is None else self.focus - self.scroll
        pairs = enumerate(zip(shown, width, strict=True))
        whole = [self._lines(o, w, n == focus) for n, (o, w) in pairs]
        need = min(self.keep, len(shown))
        if self._fits(whole, body, y) >= need:
            return whole
        one = [self._lines(o, w, False, rows=1) for o, w in zip(shown, width, strict=True)]
        short = [whole[n] if n == focus else lines for n, lines in enumerate(one)]
        return short if self._fits(short, body, y) >= need else one

    def _fits(self, lines: list[list[str]], body: pygame.Rect, y: int) -> int:
        """How many of these rows the panel draws from ``y``."""
        count = 0
        for rows in lines:
            if y + self.text.line > body.bottom:
                break
            y += self._height(rows) + 2
            count += 1
        return count

    def _height(self, lines: list[str]) -> int:
        """A row's height for its lines of text."""
        return max(self.text.line, len(lines) * self.text.small_line + 6)

    def _indent(self, number: int, option: Option) -> int:
        """Where an action's text starts: after its number and its mark."""
        key = self.text.render(f"{number}", self.text.base, YELLOW, True)
        return PAD + key.get_width() + 8 + (TICK_W + 6) * option.done

    def _row(
        self,
        surface: pygame.Surface,
        body: pygame.Rect,
        number: int,
        option: Option,
        lines: list[str],
        y: int,
    ) -> int:
        """Draw one numbered action from ``y``; returns the next row's top."""
        text = self.text
        index = self.scroll + number - 1
        key = text.render(f"{number}", text.base, YELLOW if option.enabled else GREY, True)
        x = PAD + key.get_width() + 8 + (TICK_W + 6) * option.done
        lines = lines[: max(1, (body.bottom - y - 2) // text.small_line)]
        row = pygame.Rect(2, y, body.width - 4, self._height(lines))
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

    def _lines(self, option: Option, room: int, whole: bool, rows: int = 0) -> list[str]:
        """The action's text: wrapped in full when in focus, else cut to its rows.

        A possible action takes one row; a refused or done one two, so its reason
        ("set up a command post at the incident first") is read, not cut mid-word; an
        action may ask for more (``Option.rows``); ``rows`` cuts any to that many.
        """
        label = option.label if option.enabled else f"{option.label} - {option.reason}"
        label = plain_reason(label)
        lines = self.text.wrap(label, room, self.text.small) or [label]
        if whole:
            return lines
        rows = rows or max(option.rows, 1 if option.enabled else 2)
        if len(lines) <= rows:
            return lines
        rest = " ".join(lines[rows - 1 :])
        return [*lines[: rows - 1], self.text.fit(rest, room, self.text.small)]

    def scroll_by(self, rows: int) -> None:
        """Scroll the list: other rows, so they take their own height again."""
        super().scroll_by(rows)
        self.keep = 0

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
