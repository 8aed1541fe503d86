"""The text-entry overlay: write a message, pick whom it goes to, send it or not.

Keys type text (pygame ``TEXTINPUT``; up to 500 characters, as ``SendMessage``
allows); Backspace deletes, Up/Down change the recipient, Tab the kind (information,
resource request, tasking), Enter sends and Esc cancels. A public statement opens with
the words drafted for the PIO, to issue as they are (Enter) or edited. The engine's verdict is shown
before anything is sent (``Exercise.check``): a message it would refuse is not sent,
and its reason stays on the overlay with the text, so nothing typed is lost. An
accepted message closes the overlay; the console shows the result. The clock does not
run while the overlay is up (only the top screen is updated).
"""

from collections.abc import Callable

import pygame
from pydantic import ValidationError

from simulator.commands import CommandBase
from simulator.exercise import Result
from simulator.scenario.problem import plain
from simulator.terminal import SeatView
from simulator.view.app import App, Screen
from simulator.view.draft import KIND_LABELS, KINDS, MAX_TEXT, Draft
from simulator.view.input import Intent
from simulator.view.option import give
from simulator.view.palette import (
    BLACK,
    MAP_BG,
    MUTED,
    PANEL_BG,
    PANEL_EDGE,
    ROW_HILITE,
    SKY_BLUE,
    TEXT,
    VERMILLION,
    YELLOW,
)
from simulator.view.words import agency_reason

Sender = Callable[[CommandBase], Result]
REPEAT = (400, 35)  # held keys (Backspace) repeat after 400 ms, every 35 ms
HINT = "Enter sends   Esc cancels   Up/Down: recipient   Tab: kind"
STATEMENT_HINT = "Edit the words as your PIO would   Enter issues it   Esc cancels"


class Compose(Screen):
    """An overlay editing one ``Draft``; ``send`` submits the finished message."""

    overlay = True
    typing = True

    def __init__(self, app: App, exercise: SeatView, draft: Draft, send: Sender):
        super().__init__(app)
        self.exercise = exercise
        self.draft = draft
        self.send = send
        self.text = draft.text[:MAX_TEXT]
        self.kind = draft.kind
        self.at = 0  # the recipient chosen
        self.problem = ""
        self.buttons: dict[str, pygame.Rect] = {}
        self._repeat = pygame.key.get_repeat()
        pygame.key.set_repeat(*REPEAT)
        pygame.key.start_text_input()

    # -- editing ---------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        """Type, delete, choose recipient or kind, send or cancel."""
        name = intent.name
        if name == "click":
            name = next((k for k, r in self.buttons.items() if r.collidepoint(intent.pos)), "")
        if name == "text":
            self.type(intent.text)
        elif name == "backspace":
            self.text, self.problem = self.text[:-1], ""
        elif name in ("next", "prev"):
            self.step(1 if name == "next" else -1)
        elif name == "kind" and self.draft.statement is None:
            self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        elif name == "confirm":
            self.submit()
        elif name == "cancel":
            self.leave()

    def type(self, text: str) -> None:
        """Add typed characters, up to the 500 the engine takes."""
        room = MAX_TEXT - len(self.text)
        self.text += text[:room]
        self.problem = f"At most {MAX_TEXT} characters." if len(text) > room else ""

    def step(self, by: int) -> None:
        """Choose the next (or previous) recipient."""
        count = len(self.draft.recipients)
        if count:
            self.at = (self.at + by) % count
            self.problem = ""

    def command(self) -> CommandBase | None:
        """The message as it stands, or None with the problem noted."""
        if not self.draft.recipients:
            self.problem = "There is nobody to send it to."
            return None
        text = self.text.strip()
        if not text:
            self.problem = (
                "Type the statement first: an empty one tells the public nothing."
                if self.draft.statement is not None
                else "Type the message first."
            )
            return None
        try:
            return self.draft.command(self.draft.recipients[self.at], self.kind, text)
        except ValidationError as exc:
            self.problem = plain(exc.errors(include_url=False)[0])
            return None

    def submit(self) -> None:
        """Send it if the engine would take it; otherwise keep it and say why not."""
        command = self.command()
        if command is None:
            return
        verb = "send" if self.draft.statement is None else "issue it"
        result, why = give(self.exercise.check, self.send, command, verb)
        # Agencies by name, as the panel gives the engine's reasons.
        self.problem = agency_reason(why, self.exercise.scenario.agency_names())
        if result:
            self.leave()

    def leave(self) -> None:
        """Leave the overlay (key repeat back as it was).

        Not ``close``: that is the window's close button asking each screen, and the
        console's question must come up over the draft, not in place of it.
        """
        pygame.key.set_repeat(*self._repeat)
        self.app.pop()

    # -- drawing ---------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """A box over the lower part of the window: who to, kind, the text, the hint."""
        text = self.app.text
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 120))
        surface.blit(shade, (0, 0))
        box = pygame.Rect(0, 0, min(w - 40, 900), text.line * 6 + text.small_line * 8 + 40)
        box.midbottom = (w // 2, h - 20)
        pygame.draw.rect(surface, PANEL_BG, box, border_radius=8)
        pygame.draw.rect(surface, PANEL_EDGE, box, 2, border_radius=8)
        x, y = box.x + 16, box.y + 12
        surface.blit(text.render(self.draft.title, text.large, TEXT, True), (x, y))
        y += text.large + 10
        y = self._recipient(surface, x, y, box.right - 16)
        kind = "public statement" if self.draft.statement else f"{KIND_LABELS[self.kind]}   (Tab)"
        y = self._field(surface, x, y, "Kind", kind)
        if self.draft.incident:
            y = self._field(surface, x, y, "About", self.draft.incident)
        y = self._editor(surface, pygame.Rect(x, y + 4, box.width - 32, text.small_line * 5 + 10))
        self._footer(surface, box, y + 6)

    def _recipient(self, surface: pygame.Surface, x: int, y: int, right: int) -> int:
        """The recipient line, "To: <recipient> (n of m)", with arrows to click."""
        text = self.app.text
        recipients = self.draft.recipients
        self.buttons = {}
        label = recipients[self.at].label if recipients else "(nobody)"
        count = f"   {self.at + 1} of {len(recipients)}, Up/Down" if len(recipients) > 1 else ""
        y = self._field(surface, x, y, "To", text.fit(label + count, right - x - 140, text.base))
        if len(recipients) > 1:
            for n, (name, caption) in enumerate((("prev", "<"), ("next", ">"))):
                box = pygame.Rect(right - 60 + n * 32, y - text.line - 2, 28, text.line)
                pygame.draw.rect(surface, ROW_HILITE, box, border_radius=4)
                piece = text.render(caption, text.base, TEXT, True)
                surface.blit(piece, piece.get_rect(center=box.center))
                self.buttons[name] = box
        return y

    def _field(self, surface: pygame.Surface, x: int, y: int, name: str, value: str) -> int:
        text = self.app.text
        surface.blit(text.render(f"{name}:", text.base, MUTED), (x, y))
        surface.blit(text.render(value, text.base, SKY_BLUE, True), (x + 70, y))
        return y + text.line + 2

    def _editor(self, surface: pygame.Surface, area: pygame.Rect) -> int:
        """The text, wrapped, with a cursor at its end, and how much is left."""
        text = self.app.text
        pygame.draw.rect(surface, MAP_BG, area, border_radius=4)
        pygame.draw.rect(surface, YELLOW, area, 1, border_radius=4)
        lines = _wrap(text, self.text, area.width - 16) or [""]
        rows = max(1, (area.height - 10) // text.small_line)
        y = area.y + 5
        for line in lines[-rows:]:
            surface.blit(text.render(line, text.small, TEXT), (area.x + 8, y))
            y += text.small_line
        last = text.font(text.small).size(lines[-1])[0]
        cursor_y = area.y + 5 + (min(len(lines), rows) - 1) * text.small_line
        pygame.draw.line(
            surface,
            YELLOW,
            (area.x + 9 + last, cursor_y + 1),
            (area.x + 9 + last, cursor_y + text.small_line - 2),
            2,
        )
        count = text.render(f"{len(self.text)}/{MAX_TEXT}", text.small, MUTED)
        surface.blit(count, count.get_rect(topright=(area.right, area.bottom + 3)))
        return area.bottom + text.small_line

    def _footer(self, surface: pygame.Surface, box: pygame.Rect, y: int) -> None:
        """The problem (vermillion) or the keys, and the Send and Cancel buttons."""
        text = self.app.text
        x = box.x + 16
        if self.problem:
            line = text.fit(self.problem, box.width - 260, text.small)
            surface.blit(text.render(line, text.small, VERMILLION, True), (x, y + 4))
        else:
            hint = STATEMENT_HINT if self.draft.statement else HINT
            surface.blit(text.render(hint, text.small, MUTED), (x, y + 4))
        right = box.right - 16
        for name, caption, fill, ink in (
            ("cancel", "Cancel (Esc)", ROW_HILITE, TEXT),
            ("confirm", "Issue (Enter)" if self.draft.statement else "Send (Enter)", YELLOW, BLACK),
        ):
            piece = text.render(caption, text.base, ink, True)
            button = pygame.Rect(0, y, piece.get_width() + 20, text.line + 6)
            button.right = right
            pygame.draw.rect(surface, fill, button, border_radius=5)
            surface.blit(piece, piece.get_rect(center=button.center))
            self.buttons[name] = button
            right = button.left - 8


def _wrap(text, value: str, width: int) -> list[str]:
    """Wrapped lines that keep the typed spaces' effect on where the cursor is."""
    lines = text.wrap(value, width, text.small)
    if value.endswith(" ") and lines:
        lines[-1] += " "
    return lines
