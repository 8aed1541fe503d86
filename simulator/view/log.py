"""The radio and message log: what the trainee hears, in plain lines, by channel.

Lines come from ``narrate.Narrator`` (each thing told once, when the trainee's agency
learns it). Tabs filter it: all, the inbox (what is addressed to the trainee), then
each channel heard. A line can be picked with a click; a message picked can be
answered ("Reply", or Enter), and "Write" (or M) starts a new message. A line about a
fact with a handling level carries its badge ("TLP:RED NTK") in the TLP colour.
"""

from dataclasses import replace

import pygame

from simulator.events import Event
from simulator.scenario.timing import format_offset
from simulator.view.handling import badge_colour
from simulator.view.narrate import Entry, Narrator, ReplyTo, channel_of
from simulator.view.palette import (
    BLACK,
    GREY,
    MUTED,
    ORANGE,
    ROW_HILITE,
    SKY_BLUE,
    TEXT,
    VERMILLION,
    YELLOW,
)
from simulator.view.panel import PAD, Panel

LIMIT = 2000
WRAP_ROWS = 3  # rows one long line may take

__all__ = ["Entry", "Log", "channel_of"]


class Log(Panel):
    """Tabs: all, inbox, then one per channel heard; newest line at the bottom."""

    title = "Radio and messages"

    def __init__(self, text, agencies: frozenset[str], narrator: Narrator | None = None):
        super().__init__(text)
        self.agencies = agencies
        self.narrator = narrator or Narrator(None, agencies)
        self.entries: list[Entry] = []
        self.tab = "all"
        self.unread = 0
        self.picked: int | None = None  # the number of the line picked, if any
        self._count = 0

    # -- filing ----------------------------------------------------------------------

    def add(self, events: list[Event]) -> None:
        """File new events (from ``Picture.news``), one plain line per thing learnt."""
        for entry in self.narrator.lines(events):
            self._file(entry)

    def note(self, t: float, text: str, alert: bool = False) -> None:
        """A line of the console's own (no event): what an order waits for, or why not.

        Filed under ``orders`` with the engine's verdicts on commands.
        """
        self._file(Entry(t, "orders", text, False, alert, kind="note"))

    def _file(self, entry: Entry) -> None:
        self._count += 1
        self.entries.append(replace(entry, n=self._count))
        self.unread += entry.inbox and self.tab != "inbox"
        if self.scroll and self._on_tab(entry):
            self.scroll += 1  # scrolled back, the lines read stay put as news comes in
        self.dirty = True
        del self.entries[:-LIMIT]

    def scroll_by(self, rows: int) -> None:
        """Scroll the lines; newest at the bottom, so the wheel up goes back in time."""
        super().scroll_by(-rows)

    # -- tabs and picking -------------------------------------------------------------

    def tabs(self) -> list[str]:
        """All, inbox, then channels in order of first use."""
        channels = list(dict.fromkeys(e.channel for e in self.entries))
        return ["all", "inbox", *channels]

    def next_tab(self) -> None:
        """Cycle to the next tab (Tab key)."""
        tabs = self.tabs()
        self.choose(tabs[(tabs.index(self.tab) + 1) % len(tabs)] if self.tab in tabs else "all")

    def choose(self, tab: str) -> None:
        """Show one tab (the inbox marks everything read)."""
        self.tab, self.scroll, self.dirty = tab, 0, True
        if tab == "inbox":
            self.unread = 0

    def shown(self) -> list[Entry]:
        """Entries on the current tab."""
        if self.tab == "all":
            return self.entries
        return [e for e in self.entries if self._on_tab(e)]

    def _on_tab(self, entry: Entry) -> bool:
        return self.tab == "all" or (
            entry.inbox if self.tab == "inbox" else entry.channel == self.tab
        )

    def pick(self, n: int) -> None:
        """Pick a line (a click); picking it again lets it go."""
        self.picked = None if self.picked == n else n
        self.dirty = True

    def picked_entry(self) -> Entry | None:
        """The line picked, while it is still in the log."""
        return next((e for e in self.entries if e.n == self.picked), None)

    def reply(self) -> ReplyTo | None:
        """Whom the picked line can be answered to, if it can."""
        entry = self.picked_entry()
        return entry.reply if entry is not None else None

    # -- drawing ---------------------------------------------------------------------

    def render(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """The tabs and buttons, then the lines, newest at the bottom.

        A long line (a caller's words, a message) wraps onto up to ``WRAP_ROWS`` rows,
        so that what the trainee is told is read, not cut off.
        """
        left = self._buttons(surface)
        self._tabs(surface, left - 8)
        lines = self.shown()
        if not lines:
            self.empty(surface, body, "Nothing heard yet.")
            return
        row_h = self.text.small_line + 1
        room = self.rows_fit(body, row_h)
        self.scroll = min(self.scroll, len(lines) - 1)
        blocks: list[tuple[Entry, list[str]]] = []
        for entry in reversed(lines[: len(lines) - self.scroll]):
            full = self._wrapped(entry, body.width)
            rows = full[: room - sum(len(b) for _, b in blocks)]
            if not rows:
                break
            if len(rows) < len(full):  # the oldest line shown, cut by the panel's top
                room_px = body.width - self._indent(entry) - PAD
                rows[-1] = self.text.fit(f"{rows[-1]} ...", room_px, self.text.small)
            blocks.append((entry, rows))
        y = body.y + 2
        for entry, rows in reversed(blocks):
            y = self._entry(surface, entry, rows, pygame.Rect(0, y, body.width, row_h))
        if self.scroll:
            self._newer(surface, body)

    def _newer(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """Scrolled back: how many newer lines are below, and how to get to them."""
        s = "" if self.scroll == 1 else "s"
        label = self.text.render(
            f"{self.scroll} newer line{s} below (wheel down)", self.text.small, BLACK, True
        )
        chip = label.get_rect(bottomright=(body.right - PAD, body.bottom - 2)).inflate(12, 4)
        pygame.draw.rect(surface, YELLOW, chip, border_radius=4)
        surface.blit(label, label.get_rect(center=chip.center))

    def _indent(self, entry: Entry) -> int:
        """Where a line's text starts, after its time, channel and handling badge."""
        font = self.text.font(self.text.small)
        channel = f"[{self._channel(entry.channel)}]"
        start = PAD + font.size(format_offset(entry.t))[0] + font.size(channel)[0]
        badge = font.size(entry.badge)[0] + 14 if entry.badge else 0
        return start + 12 + badge

    def _wrapped(self, entry: Entry, width: int) -> list[str]:
        """The line's text in rows that fit, at most ``WRAP_ROWS`` (the last cut short)."""
        text, room = self.text, width - self._indent(entry) - PAD
        rows = text.wrap(entry.text, room, text.small) or [""]
        if len(rows) > WRAP_ROWS:
            rows = [*rows[: WRAP_ROWS - 1], " ".join(rows[WRAP_ROWS - 1 :])]
        return [text.fit(r, room, text.small) for r in rows]

    def _entry(
        self, surface: pygame.Surface, entry: Entry, rows: list[str], row: pygame.Rect
    ) -> int:
        """One line (its rows); returns the top of the next."""
        text = self.text
        block = pygame.Rect(row.x, row.y, row.width, row.height * len(rows))
        if entry.n == self.picked:
            pygame.draw.rect(surface, ROW_HILITE, block.inflate(-4, 0), border_radius=3)
        colour = VERMILLION if entry.refused else (ORANGE if entry.alert else TEXT)
        stamp = text.render(format_offset(entry.t), text.small, MUTED)
        surface.blit(stamp, (PAD, row.y))
        channel = text.render(f"[{self._channel(entry.channel)}]", text.small, SKY_BLUE)
        surface.blit(channel, (PAD + stamp.get_width() + 6, row.y))
        if entry.badge:
            x = PAD + stamp.get_width() + channel.get_width() + 12
            _badge(surface, text, entry.badge, (x, row.y))
        x, y = self._indent(entry), row.y
        for line in rows:
            surface.blit(text.render(line, text.small, colour), (x, y))
            y += row.height
        self.add_hit(block, ("line", entry.n))
        return y

    def _tabs(self, surface: pygame.Surface, right: int) -> None:
        """As many tabs as fit before ``right``; the current one always among them."""
        text = self.text
        x = PAD + text.font(text.base).size(self.title)[0] + 20
        tabs = self.tabs()
        fitted = self._fitting(tabs, x, right)
        if self.tab in tabs and self.tab not in fitted and fitted:
            fitted[-1] = self.tab
        for tab in fitted:
            label = self._tab_label(tab)
            colour = (
                ORANGE if tab == "inbox" and self.unread else (TEXT if tab == self.tab else MUTED)
            )
            piece = text.render(label, text.small, colour, tab == self.tab)
            box = pygame.Rect(x - 4, 2, piece.get_width() + 8, text.line - 2)
            if tab == self.tab:
                pygame.draw.rect(surface, ROW_HILITE, box, border_radius=4)
            surface.blit(piece, (x, 5))
            self.add_hit(box, ("tab", tab))
            x += box.width + 6
        hidden = len(tabs) - len(fitted)
        if hidden > 0:
            surface.blit(text.render(f"+{hidden} (Tab)", text.small, MUTED), (x, 5))

    def _tab_label(self, tab: str) -> str:
        if tab == "inbox":
            return f"inbox ({self.unread})" if self.unread else tab
        return tab if tab == "all" else self._channel(tab)

    def _channel(self, channel: str) -> str:
        """A channel as the trainee reads it: by its name ("Meridian EMS dispatch")."""
        return self.narrator.names.channel(channel)

    def _fitting(self, tabs: list[str], x: int, right: int) -> list[str]:
        font = self.text.font(self.text.small)
        more = font.size("+99 (Tab)")[0] + 6
        out: list[str] = []
        for n, tab in enumerate(tabs):
            width = font.size(self._tab_label(tab))[0] + 14
            room = right - (more if n < len(tabs) - 1 else 0)
            if x + width > room:
                break
            out.append(tab)
            x += width
        return out

    def _buttons(self, surface: pygame.Surface) -> int:
        """The "Write (M)" and "Reply (Enter)" buttons; returns their left edge.

        Reply is lit only while a message that can be answered is picked.
        """
        text = self.text
        right = surface.get_width() - PAD
        reply = self.reply()
        about = f"Reply to {reply.about} (Enter)" if reply else "Reply (Enter)"
        for key, caption, fill, ink in (
            ("write", "Write (M)", ROW_HILITE, TEXT),
            ("reply", about, YELLOW if reply else ROW_HILITE, BLACK if reply else GREY),
        ):
            piece = text.render(caption, text.small, ink, fill == YELLOW)
            box = pygame.Rect(0, 3, piece.get_width() + 12, text.line - 4)
            box.right = right
            pygame.draw.rect(surface, fill, box, border_radius=4)
            surface.blit(piece, piece.get_rect(center=box.center))
            self.add_hit(box, ("button", key))
            right = box.left - 6
        return right


def _badge(surface: pygame.Surface, text, badge: str, at: tuple[int, int]) -> None:
    """A handling badge: its TLP label and level on black, in the TLP colour (TLP 2.0)."""
    colour = badge_colour(badge)
    label = text.render(badge, text.small, colour, True)
    plate = label.get_rect(topleft=(at[0] + 3, at[1])).inflate(6, 0)
    pygame.draw.rect(surface, BLACK, plate, border_radius=3)
    pygame.draw.rect(surface, colour, plate, 1, border_radius=3)
    surface.blit(label, label.get_rect(center=plate.center))
