"""The main loop and the screen stack (briefing, console, help overlay, end screen).

Each frame: read intents (``input.Translator``), give them to the top screen, update it
with the wall-clock time since the last frame, draw. The wall clock is injected so tests
and screenshots run deterministically with no sleeping.
"""

import time
from collections.abc import Callable
from pathlib import Path

import pygame

from simulator.view.input import Intent, Translator
from simulator.view.text import Text

MIN_SIZE = (960, 600)


class Screen:
    """One screen of the stack; an overlay is drawn over the screens beneath it.

    A screen that ``typing`` takes text: while it is on top, keys type instead of
    giving their shortcuts.
    """

    overlay = False
    typing = False

    def __init__(self, app: "App"):
        self.app = app

    def handle(self, intent: Intent) -> None:
        """React to one intent."""

    def close(self) -> bool:
        """The window's close button was pressed: True if this screen asks first.

        A screen that asks puts its question up and closes the window on a yes; one
        that does not (the default) lets the window close at once.
        """
        return False

    def update(self, wall_dt: float) -> None:
        """Advance by ``wall_dt`` wall seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the whole screen."""


class App:
    """The window, the screen stack and the frame loop."""

    def __init__(self, size: tuple[int, int] = (1280, 720), title: str = "Joint operations"):
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption(title)
        self.surface = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.text = Text(size[1])
        self.translator = Translator()
        self.stack: list[Screen] = []
        self.running = True
        self._closing: Screen | None = None  # the question the close button put up
        # Wraps each screen put on the stack: the controller's desk wraps the console.
        self.decorate: Callable[[App, Screen], Screen] = lambda app, screen: screen
        self.wall = 0.0
        self.frames = 0
        # Work that goes on whatever screen is up: a networked seat reads its connection.
        self.background: Callable[[], None] = lambda: None

    @property
    def size(self) -> tuple[int, int]:
        """Window size in pixels."""
        return self.surface.get_size()

    def push(self, screen: Screen) -> None:
        """Put a screen on top."""
        self.stack.append(self.decorate(self, screen))

    def pop(self) -> None:
        """Remove the top screen (closing the app when none is left)."""
        self.stack.pop()
        if not self.stack:
            self.running = False

    def replace(self, screen: Screen) -> None:
        """Swap the top screen for another."""
        self.stack[-1:] = [self.decorate(self, screen)]

    def resize(self, size: tuple[int, int]) -> None:
        """Follow a window resize (never below ``MIN_SIZE``).

        SDL 2 has already resized the window's surface. A mode is set only when it has
        not (below the minimum size): setting one recreates the window under X11, which
        loses its maximised state.
        """
        size = (max(size[0], MIN_SIZE[0]), max(size[1], MIN_SIZE[1]))
        surface = pygame.display.get_surface()
        if surface is None or surface.get_size() != size:
            surface = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.surface = surface
        self.text.resize(size[1])

    def _ask_to_close(self) -> bool:
        """The close button: True while a screen asks first; pressed again, it closes.

        Screens are asked from the top down, so the console under an overlay asks too.
        """
        if self._closing in self.stack:
            return False
        for screen in reversed(self.stack):
            if screen.close():
                self._closing = self.stack[-1]
                return True
        return False

    def frame(self, wall_dt: float) -> None:
        """One frame: intents, update, draw."""
        self.wall += wall_dt
        self.background()
        # Decided once per frame: the key that opens a text entry and the character SDL
        # sends with it arrive together, and that character is not to be typed.
        self.translator.typing = bool(self.stack) and self.stack[-1].typing
        for intent in self.translator.read():
            if intent.name == "close":
                self.running = self._ask_to_close()
            elif intent.name == "quit":
                self.running = False
            elif intent.name == "resize":
                self.resize(intent.pos)
            elif self.stack:
                self.stack[-1].handle(intent)
        if not self.stack:
            return
        self.stack[-1].update(wall_dt)
        base = len(self.stack) - 1
        while base > 0 and self.stack[base].overlay:
            base -= 1
        for screen in self.stack[base:]:
            screen.draw(self.surface)
        pygame.display.flip()
        self.frames += 1

    def run(
        self,
        frames: int | None = None,
        clock: Callable[[], float] = time.perf_counter,
        fps: int = 60,
        over: Callable[[], bool] = lambda: False,
    ) -> None:
        """Run until closed, for ``frames`` frames, or until ``over`` says so.

        ``clock`` is the wall clock. ``over`` ends a scripted run whose exercise has
        ended: every later frame would draw the same end screen, for ever with a huge
        ``frames``.
        """
        ticker = pygame.time.Clock()
        last = clock()
        while self.running and (frames is None or self.frames < frames) and not over():
            now = clock()
            self.frame(now - last)
            last = now
            if frames is None:
                ticker.tick(fps)

    def screenshot(self, path: Path) -> None:
        """Save the current frame as an image."""
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(path))


def frame_clock(fps: float = 60.0) -> Callable[[], float]:
    """A fake wall clock that advances 1/fps per reading: one reading per frame."""
    ticks = iter(range(10**12))
    return lambda: next(ticks) / fps
