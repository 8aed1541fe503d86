"""The radio and message log: what the trainee hears, by channel, with an inbox.

It reads events generically (any ``message.*`` kind, information, injects, CAD notices,
command answers), so radio traffic appears as soon as the engine emits it.
"""

from dataclasses import dataclass

import pygame

from simulator.events import Event
from simulator.scenario.timing import format_offset
from simulator.view.palette import MUTED, ORANGE, ROW_HILITE, SKY_BLUE, TEXT, VERMILLION
from simulator.view.panel import PAD, Panel
from simulator.view.picture import addressed_to

LIMIT = 2000


@dataclass(frozen=True)
class Entry:
    """One log line: when, on which channel, its text, whether it is for the trainee."""

    t: float
    channel: str
    text: str
    inbox: bool
    alert: bool


def channel_of(event: Event) -> str:
    """The channel a line is filed under: the radio channel, else where it came from."""
    if event.data.get("channel"):
        return str(event.data["channel"])
    if event.kind.startswith("command."):
        return "orders"
    if event.kind in ("inject.released", "information.received"):
        return "controller"
    return "CAD"


def describe(event: Event) -> str:
    """A short human sentence for an event."""
    d, kind = event.data, event.kind
    who = event.agency or ""
    if kind.startswith("message."):
        return _message(event)
    if kind == "command.rejected":
        return f"REJECTED {d.get('command', {}).get('type', '')}: {d.get('reason', '')}"
    if kind == "command.accepted":
        command = dict(d.get("command", {}))
        typ = command.pop("type", "")
        command.pop("agency", None)
        return f"{who} {typ} {' '.join(_arguments(command))}"
    if kind == "cad.opened":
        return f"{who} CAD: new incident {event.incident} (via {d.get('via', '')})"
    if kind == "information.received":
        return f"to {who}: {d.get('text', '')}"
    if kind == "inject.released":
        return f"inject {d.get('seq', '')}: {d.get('description', '')}"
    if kind == "fact.learned":
        return f"{who} learned {d.get('fact', '')} (via {d.get('via', '')})"
    if kind.startswith("road."):
        # An agency's order is credited to it; a scripted closure ("MSEL 7") is not named.
        by = str(d.get("by") or "")
        by = f" (by {by})" if by and not by.startswith("MSEL") else ""
        return f"{kind.split('.')[1]}: {', '.join(d.get('names') or [])}{by}"
    if kind == "incident.precondition_ready":
        return f"{event.incident}: ready to declare {d.get('condition', '')}"
    if kind.startswith("patch."):
        return f"{who} patch {kind.split('.')[1]}: {' + '.join(d.get('channels') or [])}"
    if kind.startswith("fault."):
        return f"{d.get('fault', '')} fault {kind.split('.')[1]}: {d.get('target', '')}"
    if kind == "unit.harmed":
        return f"{event.unit} HARMED at {event.incident}: {d.get('hazard')} ({d.get('effect')})"
    subject = event.unit or event.incident or ""
    reason = d.get("reason") or d.get("condition") or ""
    return f"{kind} {subject} {reason}".strip()


def _arguments(command: dict) -> list[str]:
    """A command's fields as words: lists joined by commas, a true flag by its name."""
    out = []
    for name, value in command.items():
        if isinstance(value, bool):
            out += [name] if value else []
        elif isinstance(value, list):
            out += [",".join(map(str, value))] if value else []
        else:
            out.append(str(value))
    return out


def _message(event: Event) -> str:
    """One line per message step: who to whom, how, and what it carried."""
    d, step = event.data, event.kind.split(".", 1)[1]
    mid = d.get("message", "")
    if step == "queued":
        to = d.get("to") or d.get("channel") or ""
        sender = event.unit or event.agency or ""
        level = f", SAFECOM {d['level']}" if d.get("level") else ""
        body = d.get("text") or ", ".join(d.get("facts") or []) or d.get("type", "")
        return f"{mid} {d.get('type', '')} {sender} -> {to} by {d.get('path')}{level}: {body}"
    if step == "delivered":
        return f"{mid} delivered to {event.agency} after {d.get('latency', 0):.0f} s"
    if step == "lost":
        return f"{mid} LOST ({d.get('reason', '')})"
    return f"{mid} {step} after {d.get('wait', 0):.0f} s in the queue"


class Log(Panel):
    """Tabs: all, inbox, then one per channel heard; newest line at the bottom."""

    title = "Radio and messages"

    def __init__(self, text, agencies: frozenset[str]):
        super().__init__(text)
        self.agencies = agencies
        self.entries: list[Entry] = []
        self.tab = "all"
        self.unread = 0

    def add(self, events: list[Event]) -> None:
        """File new events (from ``Picture.news``)."""
        for event in events:
            inbox = addressed_to(event, self.agencies)
            alert = event.kind in ("command.rejected", "message.lost") or inbox
            line = " ".join(describe(event).split())  # scenario text may hold newlines
            self.entries.append(Entry(event.t, channel_of(event), line, inbox, alert))
            self.unread += inbox and self.tab != "inbox"
            self.dirty = True
        del self.entries[:-LIMIT]

    def note(self, t: float, text: str, alert: bool = False) -> None:
        """A line of the console's own (no event): what an order waits for, or why not.

        Filed under ``orders`` with the engine's verdicts on commands.
        """
        self.entries.append(Entry(t, "orders", text, False, alert))
        self.dirty = True
        del self.entries[:-LIMIT]

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
        if self.tab == "inbox":
            return [e for e in self.entries if e.inbox]
        return [e for e in self.entries if e.channel == self.tab]

    def render(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """A row of tabs, then the lines (scrolling back from the newest)."""
        text = self.text
        x = PAD + text.font(text.base).size(self.title)[0] + 20
        for tab in self.tabs():
            label = f"inbox ({self.unread})" if tab == "inbox" and self.unread else tab
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
        lines = self.shown()
        if not lines:
            self.empty(surface, body, "Nothing heard yet.")
            return
        row_h = text.small_line + 1
        visible = self.rows_fit(body, row_h)
        self.scroll = min(self.scroll, max(0, len(lines) - visible))
        end = len(lines) - self.scroll
        y = body.y + 2
        for entry in lines[max(0, end - visible) : end]:
            colour = (
                VERMILLION
                if entry.text.startswith("REJECTED")
                else (ORANGE if entry.alert else TEXT)
            )
            stamp = text.render(format_offset(entry.t), text.small, MUTED)
            channel = text.render(f"[{entry.channel}]", text.small, SKY_BLUE)
            surface.blit(stamp, (PAD, y))
            surface.blit(channel, (PAD + stamp.get_width() + 6, y))
            x = PAD + stamp.get_width() + channel.get_width() + 12
            line = text.fit(entry.text, body.width - x - PAD, text.small)
            surface.blit(text.render(line, text.small, colour), (x, y))
            y += row_h
