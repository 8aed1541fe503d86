"""A yes/no question over the console, for actions that cannot be taken back.

Ending the exercise closes the run record, so a stray click on "End" must not do it:
the console asks first; so it does before a share that would over-share a fact. Enter
or Y (or the "Yes" button) answers yes; Esc (or "No") keeps playing. The clock does not
run while the question is up (only the top screen is updated), so nothing happens
behind the trainee's back.
"""

from collections.abc import Callable

import pygame

from simulator.view.app import App, Screen
from simulator.view.input import Intent
from simulator.view.palette import BLACK, PANEL_BG, PANEL_EDGE, ROW_HILITE, TEXT, YELLOW

YES = frozenset({"confirm", "yes"})


class Confirm(Screen):
    """An overlay asking one question; ``on_yes`` runs after it closes on a yes."""

    overlay = True

    def __init__(
        self,
        app: App,
        question: str,
        on_yes: Callable[[], None],
        answers: tuple[str, str] = ("Yes, end it (Enter / Y)", "No, keep playing (Esc)"),
    ):
        super().__init__(app)
        self.question = question
        self.on_yes = on_yes
        self.answers = answers
        self.buttons: dict[str, pygame.Rect] = {}

    def handle(self, intent: Intent) -> None:
        """Yes (Enter, Y) closes it and runs ``on_yes``; No (Esc) just closes it."""
        answer = intent.name
        if answer == "click":
            answer = next((k for k, r in self.buttons.items() if r.collidepoint(intent.pos)), "")
        if answer in YES:
            self.app.pop()
            self.on_yes()
        elif answer == "cancel":
            self.app.pop()

    def draw(self, surface: pygame.Surface) -> None:
        """The question in a box in the middle, with its two buttons."""
        text = self.app.text
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 150))
        surface.blit(shade, (0, 0))
        rows = [
            text.render(line, text.large, TEXT, True)
            for line in text.wrap(self.question, int(w * 0.6), text.large)
        ]
        tall = sum(r.get_height() for r in rows)
        wide = max(r.get_width() for r in rows)
        box = pygame.Rect(0, 0, max(wide + 48, 420), tall + 96)
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, PANEL_BG, box, border_radius=8)
        pygame.draw.rect(surface, PANEL_EDGE, box, 2, border_radius=8)
        y = box.y + 16
        for row in rows:
            surface.blit(row, row.get_rect(midtop=(box.centerx, y)))
            y += row.get_height()
        self.buttons = {}
        y = box.bottom - text.line - 22
        yes, no = self.answers
        for caption, answer, colour, ink, dx in (
            (yes, "confirm", YELLOW, BLACK, -1),
            (no, "cancel", ROW_HILITE, TEXT, 1),
        ):
            label = text.render(caption, text.base, ink, True)
            button = pygame.Rect(0, y, label.get_width() + 24, text.line + 10)
            button.centerx = box.centerx + dx * (button.width // 2 + 8)
            pygame.draw.rect(surface, colour, button, border_radius=5)
            surface.blit(label, label.get_rect(center=button.center))
            self.buttons[answer] = button
