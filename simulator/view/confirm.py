"""A yes/no question over the console, for the one action that cannot be taken back.

Ending the exercise closes the run record, so a stray click on "End" must not do it:
the console asks first. Enter or Y (or the "Yes" button) answers yes; Esc (or "No")
keeps playing. The clock does not run while the question is up (only the top screen
is updated), so nothing happens behind the trainee's back.
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

    def __init__(self, app: App, question: str, on_yes: Callable[[], None]):
        super().__init__(app)
        self.question = question
        self.on_yes = on_yes
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
        title = text.render(self.question, text.large, TEXT, True)
        box = pygame.Rect(0, 0, max(title.get_width() + 48, 420), title.get_height() + 96)
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, PANEL_BG, box, border_radius=8)
        pygame.draw.rect(surface, PANEL_EDGE, box, 2, border_radius=8)
        surface.blit(title, title.get_rect(midtop=(box.centerx, box.y + 16)))
        self.buttons = {}
        y = box.bottom - text.line - 22
        for caption, answer, colour, ink, dx in (
            ("Yes, end it (Enter / Y)", "confirm", YELLOW, BLACK, -1),
            ("No, keep playing (Esc)", "cancel", ROW_HILITE, TEXT, 1),
        ):
            label = text.render(caption, text.base, ink, True)
            button = pygame.Rect(0, y, label.get_width() + 24, text.line + 10)
            button.centerx = box.centerx + dx * (button.width // 2 + 8)
            pygame.draw.rect(surface, colour, button, border_radius=5)
            surface.blit(label, label.get_rect(center=button.center))
            self.buttons[answer] = button
