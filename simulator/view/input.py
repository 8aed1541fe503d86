"""The input translator: the only reader of pygame's event queue.

It turns raw events into ``Intent`` records named for what the trainee means
("pause", "assign", "click"), so screens never look at key codes and the help overlay
lists exactly the bindings that exist (``KEYS``).

While the trainee types (``Translator.typing``, set for a screen that takes text),
letters are text, not shortcuts: ``TEXTINPUT`` events give "text" intents, and only
the editing keys (``TYPING_KEYS``: Enter, Esc, Backspace, Up, Down, Tab) give intents.
"""

from dataclasses import dataclass

import pygame

# Pixels the mouse may move with a button down before a click becomes a drag.
DRAG_SLOP = 4


@dataclass(frozen=True)
class Intent:
    """One thing the trainee asked for; ``pos``/``delta`` for pointer intents."""

    name: str
    pos: tuple[int, int] = (0, 0)
    delta: tuple[float, float] = (0.0, 0.0)
    add: bool = False
    index: int = 0
    start: tuple[int, int] | None = None  # where a drag began
    text: str = ""  # what was typed ("text" intents)


@dataclass(frozen=True)
class Binding:
    """A key (with or without ctrl) and the intent it gives."""

    key: int
    intent: str
    label: str
    help: str
    ctrl: bool = False
    index: int = 0


KEYS: tuple[Binding, ...] = (
    Binding(pygame.K_SPACE, "pause", "Space", "pause / resume"),
    Binding(pygame.K_RIGHTBRACKET, "faster", "]", "faster (1x 2x 4x 8x 16x 60x)"),
    Binding(pygame.K_LEFTBRACKET, "slower", "[", "slower"),
    Binding(pygame.K_a, "assign", "A", "assign selected units to selected incident"),
    Binding(pygame.K_r, "recall", "R", "recall selected units"),
    Binding(pygame.K_s, "stage", "S", "send selected units to the nearest staging area"),
    *(
        Binding(getattr(pygame, f"K_{n}"), "option", str(n), f"action {n} in the panel", index=n)
        for n in range(1, 10)
    ),
    Binding(pygame.K_ESCAPE, "cancel", "Esc", "clear selection / close overlay"),
    Binding(pygame.K_TAB, "log_tab", "Tab", "next radio log tab (all, inbox, channels)"),
    Binding(pygame.K_u, "roster_status", "U", "roster: filter by status"),
    Binding(pygame.K_g, "roster_agency", "G", "roster: filter by agency"),
    Binding(pygame.K_n, "next_incident", "N", "select the next incident on the board"),
    Binding(pygame.K_m, "message", "M", "write a message to an agency or onto a channel"),
    Binding(pygame.K_f, "fit", "F / Home", "fit the whole map in view"),
    Binding(pygame.K_HOME, "fit", "", ""),
    Binding(pygame.K_EQUALS, "zoom_in", "+ / wheel", "zoom in"),
    Binding(pygame.K_PLUS, "zoom_in", "", ""),
    Binding(pygame.K_KP_PLUS, "zoom_in", "", ""),
    Binding(pygame.K_MINUS, "zoom_out", "-", "zoom out"),
    Binding(pygame.K_KP_MINUS, "zoom_out", "", ""),
    Binding(pygame.K_LEFT, "pan", "Arrows", "pan the map", index=0),
    Binding(pygame.K_RIGHT, "pan", "", "", index=1),
    Binding(pygame.K_UP, "pan", "", "", index=2),
    Binding(pygame.K_DOWN, "pan", "", "", index=3),
    Binding(pygame.K_F1, "help", "F1 / ?", "this help"),
    Binding(
        pygame.K_RETURN,
        "confirm",
        "Enter",
        "start (briefing); yes to a question; reply to the message picked in the log",
    ),
    Binding(pygame.K_KP_ENTER, "confirm", "", ""),
    Binding(pygame.K_PAGEUP, "page_up", "PgUp / PgDn", "briefing: scroll a long agency list"),
    Binding(pygame.K_PAGEDOWN, "page_down", "", ""),
    Binding(pygame.K_y, "yes", "Y", "yes to a question (the End button asks first)"),
    Binding(pygame.K_q, "end", "Ctrl+Q", "end the exercise now, without asking", ctrl=True),
)
MOUSE_HELP: tuple[tuple[str, str], ...] = (
    ("Left click", "select a unit, incident or road (map or lists)"),
    ("Shift + click", "add or remove a unit from the selection"),
    ("Right click", "assign the selected units to the incident clicked"),
    ("Drag", "pan the map"),
    ("Wheel", "zoom the map at the pointer; scroll a list"),
    ("Click a log line", "pick it; a message picked can be answered (Reply, Enter)"),
    ("Click the map", "select a point there: open a staging area at it"),
    ("Click a road", "close or open it; share a closure you know of with others"),
    ("Writing", "Enter sends, Esc cancels, Up/Down: recipient, Tab: kind"),
)
# While typing a message: what each editing key does (the overlay lists them too).
TYPING_KEYS: dict[int, str] = {
    pygame.K_RETURN: "confirm",
    pygame.K_KP_ENTER: "confirm",
    pygame.K_ESCAPE: "cancel",
    pygame.K_BACKSPACE: "backspace",
    pygame.K_UP: "prev",
    pygame.K_DOWN: "next",
    pygame.K_TAB: "kind",
}
_PAN = ((1, 0), (-1, 0), (0, 1), (0, -1))  # left, right, up, down: the view moves
PAN_STEP = 80.0


class Translator:
    """Reads the pygame event queue each frame and returns intents."""

    # Keys of a desk this translator adds to ``KEYS`` (key, what it does): the help lists them.
    help_rows: tuple[tuple[str, str], ...] = ()

    def __init__(self) -> None:
        self._press: tuple[int, int] | None = None
        self._dragging = False
        self.typing = False  # the top screen takes text: letters are not shortcuts
        self._closing = False  # the window's close button was pressed; SDL's quit follows

    def read(self) -> list[Intent]:
        """Every intent since the last frame."""
        out: list[Intent] = []
        for event in pygame.event.get():
            out += self.translate(event)
        return out

    def translate(self, event: pygame.event.Event) -> list[Intent]:
        """The intents one raw event gives (usually none or one)."""
        kind = event.type
        if kind == pygame.WINDOWCLOSE:
            self._closing = True
            return [Intent("close")]
        if kind == pygame.QUIT:
            # After the close button, SDL's quit is part of it (the screen asks first);
            # alone it is a signal (Ctrl+C, a shutdown), which ends at once.
            closing, self._closing = self._closing, False
            return [] if closing else [Intent("quit")]
        if kind == pygame.VIDEORESIZE:
            return [Intent("resize", pos=(event.w, event.h))]
        if kind == pygame.TEXTINPUT:
            text = getattr(event, "text", "")
            return [Intent("text", text=text)] if self.typing and text else []
        if kind == pygame.KEYDOWN:
            return self._typing_key(event) if self.typing else self._key(event)
        if kind == pygame.MOUSEWHEEL:
            return [Intent("wheel", pos=pygame.mouse.get_pos(), delta=(0.0, float(event.y)))]
        if kind == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
            self._press, self._dragging = event.pos, False
            return []
        if kind == pygame.MOUSEMOTION and self._press is not None and event.buttons[0]:
            moved = abs(event.pos[0] - self._press[0]) + abs(event.pos[1] - self._press[1])
            if self._dragging or moved > DRAG_SLOP:
                self._dragging = True
                return [Intent("drag", pos=event.pos, delta=event.rel, start=self._press)]
            return []
        if kind == pygame.MOUSEMOTION and self._press is None:
            return [Intent("hover", pos=event.pos)]
        if kind == pygame.MOUSEBUTTONUP and event.button in (1, 3):
            dragged, self._press, self._dragging = self._dragging, None, False
            if dragged:
                return []
            mods = getattr(event, "mod", pygame.key.get_mods())
            add = bool(mods & (pygame.KMOD_SHIFT | pygame.KMOD_CTRL))
            name = "click" if event.button == 1 else "right_click"
            return [Intent(name, pos=event.pos, add=add)]
        return []

    def _typing_key(self, event: pygame.event.Event) -> list[Intent]:
        """Only the editing keys; the characters come as ``TEXTINPUT``."""
        name = TYPING_KEYS.get(event.key)
        return [Intent(name)] if name else []

    def _key(self, event: pygame.event.Event) -> list[Intent]:
        if getattr(event, "unicode", "") == "?":
            return [Intent("help")]
        ctrl = bool(event.mod & pygame.KMOD_CTRL)
        for binding in KEYS:
            if binding.key == event.key and binding.ctrl == ctrl:
                if binding.intent == "pan":
                    dx, dy = _PAN[binding.index]
                    return [Intent("pan", delta=(dx * PAN_STEP, dy * PAN_STEP))]
                return [Intent(binding.intent, index=binding.index)]
        return []
