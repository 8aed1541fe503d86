"""The controller's desk: the map view of ground truth, with the exercise in hand.

A joined controller sees every agency (``Console`` over the controller's ``Mirror``);
``Desk`` wraps that console and adds what only the trainer may do, for everyone:
pause and resume, the speed, end the exercise, and the script: the MSEL listed with
each inject's seq, time and status, the one picked released now or held, and an
ad-hoc inject written in ``InjectEntry``. Clock actions go to the server as
``control`` messages; inject actions are engine commands (``ReleaseInject``...), so
the run records and replays them. The server keeps the clock: the bar shows its pace.
"""

from typing import Any, Protocol

import pygame
from pydantic import ValidationError

from simulator.commands import AddInject, CommandBase, HoldInject, ReleaseInject
from simulator.exercise import Result
from simulator.scenario.problem import plain
from simulator.scenario.timing import format_offset
from simulator.view.app import App, Screen
from simulator.view.clock import SPEEDS
from simulator.view.confirm import Confirm
from simulator.view.console import Console
from simulator.view.input import Intent, Translator
from simulator.view.option import give
from simulator.view.palette import (
    BLACK,
    MAP_BG,
    MUTED,
    ORANGE,
    PANEL_BG,
    PANEL_EDGE,
    ROW_HILITE,
    SKY_BLUE,
    TEXT,
    VERMILLION,
    YELLOW,
)

MAX_TEXT = 500  # AddInject.text's max_length
ROWS = 7  # MSEL rows the list keeps before the seats take their share of the room
MIN_ROWS = 3  # MSEL rows shown however small the window
MIN_SEATS = 2  # seats listed (dropped ones first) before the list takes more than MIN_ROWS
# The most of the map's width and height the panel covers: the map stays the picture.
SHARE_W, SHARE_H = 0.6, 0.7
WIDEST = 36  # the panel's widest, in base font sizes (wide enough for every button)
END_QUESTION = "End the exercise for every seat? The run is recorded as it stands."
# The controller's own keys (Ctrl+letter: the trainee's letter keys stay as they are).
CONTROL_KEYS: dict[tuple[int, bool], str] = {
    (pygame.K_r, True): "release",
    (pygame.K_h, True): "hold",
    (pygame.K_i, True): "adhoc",
    (pygame.K_PAGEUP, False): "inject_prev",
    (pygame.K_PAGEDOWN, False): "inject_next",
    (pygame.K_F2, False): "desk",
}
HINTS = (
    "Space pause",
    "[ ] speed",
    "PgUp/PgDn or wheel pick",
    "Ctrl+R release",
    "Ctrl+H hold",
    "Ctrl+I inject",
    "F2 hide",
)
STATUS_COLOUR = {"due": TEXT, "held": ORANGE, "released": MUTED}
DROP_SAYS = {"pause": "pauses the exercise", "continue": "leaves it running"}


class Controlled(Protocol):
    """What the desk needs of the controller's exercise (a ``Mirror``)."""

    injects: list[dict[str, Any]]
    seats: dict[str, Any]
    on_drop: str
    speed: float
    paused: bool

    def control(self, action: str, **fields: Any) -> str:
        """A clock action for everyone; "" or the refusal."""

    def submit(self, command: CommandBase, source: str = "trainee") -> Result:
        """Give a command through the server."""

    def check(self, command: CommandBase) -> str:
        """Why the engine would refuse a command now, or ""."""


class ControlTranslator(Translator):
    """The view's keys plus the controller's (``CONTROL_KEYS``)."""

    help_rows = (
        ("PgUp / PgDn", "pick the previous / next inject of the MSEL (or the wheel on it)"),
        ("Ctrl+R", "release the inject picked now"),
        ("Ctrl+H", "hold the inject picked"),
        ("Ctrl+I", "write an ad-hoc inject"),
        ("F2", "hide / show the controller's panel"),
        ("Space, [ ]", "pause, speed: for every seat"),
    )

    def _key(self, event: pygame.event.Event) -> list[Intent]:
        ctrl = bool(event.mod & pygame.KMOD_CTRL)
        name = CONTROL_KEYS.get((event.key, ctrl))
        return [Intent(name)] if name else super()._key(event)


def controller_desk(app: App, screen: Screen) -> Screen:
    """The controller's console wrapped in a desk; every other screen as it is."""
    if isinstance(screen, Console) and hasattr(screen.exercise, "injects"):
        return Desk(app, screen)
    return screen


class Desk(Screen):
    """The console with the controller's panel over the map's top right corner."""

    def __init__(self, app: App, console: Console):
        super().__init__(app)
        self.console = console
        self.exercise: Controlled = console.exercise  # type: ignore[assignment]  (a Mirror)
        self.picked: int | None = None  # seq of the MSEL row picked
        self.said = ""  # what became of the last action
        self.buttons: dict[str, pygame.Rect] = {}
        self.rows: dict[int, pygame.Rect] = {}
        self.shown = True  # F2 folds the panel away from the map under it
        self.box: pygame.Rect | None = None  # the panel drawn at the last frame
        app.translator = ControlTranslator()
        console.playing = "Controller (all agencies)"  # not a list of every agency's id

    # -- intents -------------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        """The controller's intents here; the map, lists and orders to the console."""
        name = intent.name
        if name == "click" and self._click(intent.pos):
            return
        if name == "wheel" and self.box is not None and self.box.collidepoint(intent.pos):
            self.pick_step(-round(intent.delta[1]))  # the list, not the map under it
            return
        actions = {
            "pause": self.pause,
            "faster": lambda: self.speed_step(1),
            "slower": lambda: self.speed_step(-1),
            "end": self.ask_end,
            "release": self.release,
            "hold": self.hold,
            "adhoc": self.adhoc,
            "inject_prev": lambda: self.pick_step(-1),
            "inject_next": lambda: self.pick_step(1),
            "desk": self.fold,
            "drop": self.toggle_drop,
        }
        if name in actions:
            actions[name]()
        else:
            self.console.handle(intent)

    def _click(self, pos: tuple[int, int]) -> bool:
        """A click on the panel or on the bar's clock buttons; False if elsewhere."""
        for name, rect in self.buttons.items():
            if rect.collidepoint(pos):
                self.handle(Intent(name))
                return True
        for seq, rect in self.rows.items():
            if rect.collidepoint(pos):
                self.picked = seq
                return True
        for rect, action, value in self.console.buttons:
            if rect.collidepoint(pos) and action in ("pause", "speed", "end"):
                if action == "speed":
                    self._say(self.exercise.control("speed", speed=value) or f"Speed {value}x")
                else:
                    self.handle(Intent(action))
                return True
        return False

    # -- the clock -----------------------------------------------------------------------

    def pause(self) -> None:
        """Pause or resume the exercise for everyone."""
        action = "resume" if self.exercise.paused else "pause"
        self._say(self.exercise.control(action) or f"{action.capitalize()}d for everyone")

    def speed_step(self, by: int) -> None:
        """One step of ``SPEEDS`` faster or slower, for everyone."""
        now = min(SPEEDS, key=lambda s: abs(s - self.exercise.speed))
        speed = SPEEDS[max(0, min(len(SPEEDS) - 1, SPEEDS.index(now) + by))]
        self._say(self.exercise.control("speed", speed=speed) or f"Speed {speed}x for everyone")

    def toggle_drop(self) -> None:
        """Choose whether a trainee seat dropping pauses the exercise for everyone."""
        choice = "continue" if self.exercise.on_drop == "pause" else "pause"
        refused = self.exercise.control("on_drop", on_drop=choice)
        self._say(refused or f"A seat that drops now {DROP_SAYS[choice]}")

    def ask_end(self) -> None:
        """End for everyone, after a question: it cannot be taken back."""
        self.app.push(Confirm(self.app, END_QUESTION, self._end))

    def _end(self) -> None:
        self._say(self.exercise.control("end", reason="ended by the controller") or "Ended")

    # -- the script ----------------------------------------------------------------------

    def rows_now(self) -> list[dict[str, Any]]:
        """The MSEL as the server last sent it."""
        return list(self.exercise.injects)

    def current(self) -> dict[str, Any] | None:
        """The row picked, or the next one not yet released."""
        rows = self.rows_now()
        picked = next((r for r in rows if r["seq"] == self.picked), None)
        return picked or next((r for r in rows if r["status"] != "released"), None)

    def pick_step(self, by: int) -> None:
        """Pick the next (or previous) row of the MSEL."""
        rows = self.rows_now()
        if not rows:
            return
        row = self.current()
        at = rows.index(row) if row in rows else -1
        self.picked = rows[max(0, min(len(rows) - 1, at + by))]["seq"]

    def release(self) -> None:
        """Release the row picked now (held or not yet due)."""
        row = self.current()
        if row is None:
            self._say("Nothing left to release.")
            return
        self._give(ReleaseInject(seq=row["seq"]), f"Released inject {row['seq']}")

    def hold(self) -> None:
        """Hold the row picked: it will not fire at its time."""
        row = self.current()
        if row is None:
            self._say("Nothing left to hold.")
            return
        self._give(HoldInject(seq=row["seq"]), f"Holding inject {row['seq']}")

    def adhoc(self) -> None:
        """Write an ad-hoc inject in the overlay."""
        agencies = [a.id for a in self.console.exercise.scenario.agencies]
        started = self.console.exercise.log.of_kind("incident.started")
        incidents = list(dict.fromkeys(e.incident for e in started if e.incident))
        self.app.push(InjectEntry(self.app, self.exercise, sorted(agencies), incidents, self._sent))

    def _sent(self, result: Result) -> None:
        self._say("Inject sent" if result.accepted else f"Rejected: {result.reason}")

    def _give(self, command: CommandBase, done: str) -> None:
        result = self.exercise.submit(command)
        self._say(done if result.accepted else f"Rejected: {result.reason}")

    def close(self) -> bool:
        """The window's close button asks, as the console's does, before leaving."""
        return self.console.close()

    def fold(self) -> None:
        """Show or hide the panel (the map under it); the keys work either way."""
        self.shown = not self.shown

    def _say(self, line: str) -> None:
        self.said = line

    # -- frame ---------------------------------------------------------------------------

    def update(self, wall_dt: float) -> None:
        """The console's frame, its bar showing the server's pace."""
        pace = self.console.pace
        pace.paused = self.exercise.paused
        pace.speed = min(SPEEDS, key=lambda s: abs(s - self.exercise.speed))
        self.console.update(wall_dt)

    def draw(self, surface: pygame.Surface) -> None:
        """The console, then the panel over the map's top right corner."""
        self.console.draw(surface)
        self._panel(surface)

    def _panel(self, surface: pygame.Surface) -> None:
        """The panel, within its share of the map: rows and seats take the room left.

        The MSEL list keeps the row picked in view and says how many rows are above and
        below it; seats that find no room are counted in the seats' line.
        """
        area = self.console.rects["map"]
        if not self.shown:
            self._tab(surface, area)
            return
        text = self.app.text
        bound = _bounds(area, text.base)
        inner = bound.width - 20
        rows, current = self.rows_now(), self.current()
        seats = sorted(
            ((n, s) for n, s in self.exercise.seats.items() if n != "controller"), key=_attention
        )
        flow = _flow(text, self._captions(), inner)
        hints = _pack(text, HINTS, inner)
        fixed = self._fixed_height(flow, hints)
        listed, seated = self._share(bound.height - fixed, len(rows), len(seats))
        shown = _window(rows, current, listed)
        height = fixed + self._list_height(len(shown), len(rows)) + self._seats_height(seated)
        box = pygame.Rect(bound.x, bound.y, bound.width, height)
        self.box = box
        pygame.draw.rect(surface, PANEL_BG, box, border_radius=6)
        pygame.draw.rect(surface, PANEL_EDGE, box, 2, border_radius=6)
        x, y = box.x + 10, box.y + 8
        state = "PAUSED" if self.exercise.paused else f"{self.exercise.speed:g}x"
        title = text.fit(f"Controller: MSEL ({len(rows)} injects)   {state}", inner, text.base)
        surface.blit(text.render(title, text.base, YELLOW, True), (x, y))
        y = self._list(surface, rows, shown, current, (x, y + text.line + 4), inner)
        y = self._details(surface, current, (x, y + 2), inner) + 4
        y = self._buttons(surface, flow, (x, y)) + 4
        y = self._seats(surface, seats[:seated], len(seats), (x, y), inner)
        said = self.said or "Release or hold the inject picked; end with Ctrl+Q."
        colour = VERMILLION if said.startswith("Rejected") else SKY_BLUE
        _small(surface, text, said, (x, y), inner, colour)
        for line in hints:
            y += text.small_line + 2
            _small(surface, text, line, (x, y), inner, MUTED)

    def _tab(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        """The folded panel: a tab that brings it back."""
        text = self.app.text
        self.rows, self.box = {}, None
        tab = text.render("Controller (F2)", text.small, BLACK, True)
        box = tab.get_rect(topright=(area.right - 10, area.top + 10)).inflate(14, 8)
        pygame.draw.rect(surface, YELLOW, box, border_radius=5)
        surface.blit(tab, tab.get_rect(center=box.center))
        self.buttons = {"desk": box}

    def _captions(self) -> list[tuple[str, str]]:
        return [
            ("release", "Release (Ctrl+R)"),
            ("hold", "Hold (Ctrl+H)"),
            ("adhoc", "Add inject (Ctrl+I)"),
            ("pause", "Resume" if self.exercise.paused else "Pause"),
            ("drop", f"On drop: {self.exercise.on_drop}"),
        ]

    def _fixed_height(self, flow: list, hints: list[str]) -> int:
        """The panel's height but for the MSEL list and the seats."""
        text = self.app.text
        title = 8 + text.line + 4
        details = 2 + 3 * (text.small_line + 2) + 4
        buttons = flow[-1][2].bottom + 4
        said = (1 + len(hints)) * (text.small_line + 2) + 8
        return title + details + buttons + said

    def _list_height(self, shown: int, total: int) -> int:
        """The MSEL list's height: its rows, and the line saying how many are not shown."""
        text = self.app.text
        body = shown * (text.line + 2) if total else text.line
        return body + (text.small_line + 2 if shown < total else 0)

    def _seats_height(self, listed: int) -> int:
        return (1 + listed) * self.app.text.line + 4

    def _share(self, room: int, rows: int, seats: int) -> tuple[int, int]:
        """How many MSEL rows and seats the panel lists in ``room`` pixels.

        The list first (up to ``ROWS``, leaving room for ``MIN_SEATS`` seats, never under
        ``MIN_ROWS``), then the seats, then more of the list if every seat fits.
        """
        listed = min(rows, ROWS)
        while listed > min(rows, MIN_ROWS) and (
            self._list_height(listed, rows) + self._seats_height(min(seats, MIN_SEATS)) > room
        ):
            listed -= 1
        left = room - self._list_height(listed, rows) - self._seats_height(0)
        seated = max(0, min(seats, left // self.app.text.line))
        while (
            seated == seats
            and listed < rows
            and self._list_height(listed + 1, rows) + self._seats_height(seated) <= room
        ):
            listed += 1
        return listed, seated

    def _list(
        self,
        surface: pygame.Surface,
        rows: list[dict[str, Any]],
        shown: list[dict[str, Any]],
        current: dict[str, Any] | None,
        at: tuple[int, int],
        width: int,
    ) -> int:
        """The MSEL rows shown, then how many are above and below them (and the keys)."""
        text = self.app.text
        x, y = at
        self.rows = {}
        for row in shown:
            line = pygame.Rect(x - 4, y, width + 8, text.line)
            y = self._row(surface, row, row is current, line)
        if not rows:
            surface.blit(text.render("No MSEL injects.", text.base, MUTED), (x, y))
            return y + text.line
        if len(shown) < len(rows):
            above = rows.index(shown[0])
            below = len(rows) - above - len(shown)
            parts = [f"{above} above (PgUp)"] * bool(above) + [f"{below} more (PgDn)"] * bool(below)
            _small(surface, text, "   ".join(parts), (x, y), width, TEXT)
            y += text.small_line + 2
        return y

    def _buttons(self, surface: pygame.Surface, flow: list, at: tuple[int, int]) -> int:
        """The desk's buttons, in as many lines as the panel's width needs."""
        text = self.app.text
        self.buttons = {}
        for name, caption, place in flow:
            button = place.move(at)
            ink = BLACK if name == "release" else TEXT
            pygame.draw.rect(surface, YELLOW if name == "release" else ROW_HILITE, button, 0, 5)
            piece = text.render(
                text.fit(caption, button.width - 14, text.small), text.small, ink, True
            )
            surface.blit(piece, piece.get_rect(center=button.center))
            self.buttons[name] = button
        return at[1] + flow[-1][2].bottom

    def _seats(
        self, surface: pygame.Surface, seats: list, total: int, at: tuple[int, int], width: int
    ) -> int:
        """Each trainee seat listed: connected or not, and its last action with its time.

        The heading counts every seat by state, and those left out for want of room.
        """
        text = self.app.text
        x, y = at
        heading = f"Seats: {_tally(self.exercise.seats)}"
        if total > len(seats):
            heading += f" ({total - len(seats)} not listed)"
        surface.blit(
            text.render(text.fit(heading, width, text.base), text.base, YELLOW, True), (x, y)
        )
        y += text.line
        for name, seat in seats:
            state, colour = _state(seat)
            if state == "dropped" and seat.get("dropped_at") is not None:
                state += f" at T+{format_offset(seat['dropped_at'])[:5]}"  # how long unmanned
            last = seat["last_action"] or "no action yet"
            if seat["last_action"] and seat["last_at"] is not None:
                last += f" at T+{format_offset(seat['last_at'])[:5]}"
            _small(surface, text, f"{name}: {state}; {last}", (x, y), width, colour)
            y += text.line
        return y + 4

    def _details(
        self, surface: pygame.Surface, row: dict[str, Any] | None, at: tuple[int, int], width: int
    ) -> int:
        """The picked row's expected action, what it serves and the controller's notes.

        The HSEEP MSEL's columns: the objectives a row serves name their core capability
        in the scenario's scoring, so the row needs no copy of it.
        """
        text = self.app.text
        x, y = at
        expected = (row or {}).get("expected_action") or "none stated"
        notes = (row or {}).get("notes") or "none"
        serves = self._serves((row or {}).get("objectives") or [])
        lines = (
            (f"Expected: {expected}", TEXT),
            (f"Serves: {serves}", MUTED),
            (f"Notes: {notes}", MUTED),
        )
        for line, colour in lines:
            _small(surface, text, line if row else "", (x, y), width, colour)
            y += text.small_line + 2
        return y

    def _serves(self, objectives: list[str]) -> str:
        """Objectives with their core capabilities: "OBJ2 (Operational Communications)"."""
        capability = {
            o.id: o.core_capability for o in self.console.exercise.scenario.scoring.objectives
        }
        named = [f"{o} ({capability[o]})" if o in capability else o for o in objectives]
        return "; ".join(named) or "no objective named"

    def _row(
        self, surface: pygame.Surface, row: dict[str, Any], on: bool, rect: pygame.Rect
    ) -> int:
        """One MSEL row: seq, time, status, what it is; the row picked highlighted."""
        text = self.app.text
        if on:
            pygame.draw.rect(surface, ROW_HILITE, rect, border_radius=4)
        status = row["status"]
        if row["released"] is not None:
            status = f"out {format_offset(row['released'])[:5]}"
        elif status == "held" and row.get("contingency"):
            status = "contingency"  # held until play needs it, not held back
        cells = [
            (f"{row['seq']:>3}", TEXT),
            (f"T+{format_offset(row['time'])[:5]}", TEXT),
            (status, STATUS_COLOUR.get(row["status"], TEXT)),
        ]
        x = rect.x + 4
        for (cell, colour), width in zip(cells, _columns(text), strict=True):
            surface.blit(text.render(cell, text.base, colour, on), (x, rect.y + 1))
            x += width
        what = text.fit(f"{row['type']}: {row['description']}", rect.right - x - 4, text.small)
        surface.blit(text.render(what, text.small, MUTED if not on else TEXT), (x, rect.y + 3))
        self.rows[row["seq"]] = rect
        return rect.bottom + 2


def _small(
    surface: pygame.Surface, text: Any, line: str, at: tuple[int, int], width: int, colour: Any
) -> None:
    """One line of small text, cut to ``width``."""
    surface.blit(text.render(text.fit(line, width, text.small), text.small, colour), at)


def _bounds(area: pygame.Rect, base: int) -> pygame.Rect:
    """The most of the map the panel may cover, at its top right corner.

    ``SHARE_W`` of its width (at most ``WIDEST`` font sizes), ``SHARE_H`` of its height.
    """
    width = min(base * WIDEST, int(area.width * SHARE_W))
    bound = pygame.Rect(0, 0, width, int(area.height * SHARE_H))
    bound.topright = (area.right - 10, area.top + 10)
    return bound


def _columns(text: Any) -> tuple[int, ...]:
    """The widths of an MSEL row's seq, time and status cells, for the font's size."""
    samples = ("000", "T+00:00", "contingency")
    return tuple(
        text.render(s, text.base, TEXT, True).get_width() + text.base // 2 for s in samples
    )


def _flow(text: Any, captions: list[tuple[str, str]], width: int) -> list:
    """Buttons laid out left to right, a new line when the next would pass ``width``.

    Each as (name, caption, rectangle from the top left of the buttons).
    """
    x = y = 0
    out = []
    for name, caption in captions:
        ink = BLACK if name == "release" else TEXT
        wide = min(width, text.render(caption, text.small, ink, True).get_width() + 14)
        if x and x + wide > width:
            x, y = 0, y + text.line + 8
        out.append((name, caption, pygame.Rect(x, y, wide, text.line + 4)))
        x += wide + 6
    return out


def _pack(text: Any, items: tuple[str, ...], width: int) -> list[str]:
    """Key hints joined into lines of small text no wider than ``width``."""
    font = text.font(text.small)
    lines: list[str] = []
    for item in items:
        joined = f"{lines[-1]}  {item}" if lines else item
        if lines and font.size(joined)[0] <= width:
            lines[-1] = joined
        else:
            lines.append(item)
    return lines


def _state(seat: dict[str, Any]) -> tuple[str, Any]:
    """A seat's state in words, and its colour."""
    if seat["connected"]:
        return "connected", SKY_BLUE
    return ("dropped", ORANGE) if seat["joins"] else ("not joined", MUTED)


def _attention(item: tuple[str, dict[str, Any]]) -> tuple[int, str]:
    """Dropped seats first, then connected ones, then those not joined; by name."""
    name, seat = item
    return (["dropped", "connected", "not joined"].index(_state(seat)[0]), name)


def _tally(seats: dict[str, Any]) -> str:
    """The trainee seats counted by state: "2 connected, 1 dropped, 6 not joined"."""
    states = [_state(s)[0] for n, s in seats.items() if n != "controller"]
    counts = [(states.count(k), k) for k in ("connected", "dropped", "not joined")]
    return ", ".join(f"{n} {k}" for n, k in counts if n) or "none"


def _window(rows: list[dict[str, Any]], current: dict[str, Any] | None, size: int) -> list:
    """At most ``size`` rows, keeping the current one in view."""
    if len(rows) <= size:
        return rows
    at = rows.index(current) if current in rows else 0
    start = max(0, min(len(rows) - size, at - size // 2))
    return rows[start : start + size]


class InjectEntry(Screen):
    """Write an ad-hoc inject: its text, its recipients, the incident it is about.

    Up/Down move between the recipients and the incident line, Tab (or a click) ticks
    a recipient or steps the incident, Enter sends, Esc cancels. The engine's verdict
    comes first (``check``): a refused inject stays here with its reason.
    """

    overlay = True
    typing = True

    def __init__(
        self,
        app: App,
        exercise: Controlled,
        agencies: list[str],
        incidents: list[str],
        done: Any,
    ):
        super().__init__(app)
        self.exercise = exercise
        self.agencies = agencies
        self.incidents = [None, *incidents]
        self.done = done
        self.chosen: set[str] = set()
        self.incident: str | None = None
        self.at = 0  # the line under the cursor: an agency, or the incident (last)
        self.text = ""
        self.problem = ""
        self.buttons: dict[str, pygame.Rect] = {}
        self.lines: dict[int, pygame.Rect] = {}
        pygame.key.start_text_input()

    def handle(self, intent: Intent) -> None:
        """Type, tick recipients, choose the incident, send or cancel."""
        name = intent.name
        if name == "click":
            line = next((n for n, r in self.lines.items() if r.collidepoint(intent.pos)), None)
            if line is not None:
                self.at, name = line, "kind"
            else:
                name = next((k for k, r in self.buttons.items() if r.collidepoint(intent.pos)), "")
        if name == "text":
            room = MAX_TEXT - len(self.text)
            self.text += intent.text[:room]
            self.problem = f"At most {MAX_TEXT} characters." if len(intent.text) > room else ""
        elif name == "backspace":
            self.text, self.problem = self.text[:-1], ""
        elif name in ("next", "prev"):
            self.at = (self.at + (1 if name == "next" else -1)) % (len(self.agencies) + 1)
        elif name == "kind":
            self.toggle()
        elif name == "confirm":
            self.send()
        elif name == "cancel":
            self.app.pop()

    def toggle(self) -> None:
        """Tick or untick the agency under the cursor, or step the incident."""
        if self.at < len(self.agencies):
            self.chosen ^= {self.agencies[self.at]}
        else:
            index = self.incidents.index(self.incident) + 1
            self.incident = self.incidents[index % len(self.incidents)]
        self.problem = ""

    def command(self) -> AddInject | None:
        """The inject as it stands, or None with the problem noted."""
        if not self.chosen:
            self.problem = "Tick at least one recipient (Tab)."
            return None
        if not self.text.strip():
            self.problem = "Type the inject first."
            return None
        to = [a for a in self.agencies if a in self.chosen]
        try:
            return AddInject(text=self.text.strip(), to=to, incident=self.incident)
        except ValidationError as exc:
            self.problem = plain(exc.errors(include_url=False)[0])
            return None

    def send(self) -> None:
        """Send it if the engine would take it; otherwise keep it and say why not."""
        command = self.command()
        if command is None:
            return
        result, self.problem = give(self.exercise.check, self.exercise.submit, command)
        if result:
            self.app.pop()
            self.done(result)

    def draw(self, surface: pygame.Surface) -> None:
        """A box: recipients with ticks, the incident, the text, the keys."""
        text = self.app.text
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 120))
        surface.blit(shade, (0, 0))
        count = len(self.agencies) + 1
        box = pygame.Rect(0, 0, min(w - 40, 760), text.line * (count + 4) + text.small_line * 7)
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, PANEL_BG, box, border_radius=8)
        pygame.draw.rect(surface, PANEL_EDGE, box, 2, border_radius=8)
        x, y = box.x + 16, box.y + 12
        title = "Ad-hoc inject from the controller (an information inject, now)"
        surface.blit(text.render(title, text.large, TEXT, True), (x, y))
        y += text.large + 10
        self.lines = {}
        for n in range(count):
            if n < len(self.agencies):
                agency = self.agencies[n]
                label = f"[{'x' if agency in self.chosen else ' '}] {agency}"
            else:
                label = f"About: {self.incident or 'no incident'}   (Tab steps)"
            line = pygame.Rect(x - 4, y, box.width - 24, text.line)
            if n == self.at:
                pygame.draw.rect(surface, ROW_HILITE, line, border_radius=4)
            surface.blit(text.render(label, text.base, SKY_BLUE, n == self.at), (x, y + 1))
            self.lines[n] = line
            y += text.line
        area = pygame.Rect(x, y + 6, box.width - 32, text.small_line * 3 + 10)
        pygame.draw.rect(surface, MAP_BG, area, border_radius=4)
        pygame.draw.rect(surface, YELLOW, area, 1, border_radius=4)
        wrapped = text.wrap(self.text, area.width - 16, text.small) or [""]
        ty = area.y + 5
        for piece in wrapped[-3:]:
            surface.blit(text.render(piece, text.small, TEXT), (area.x + 8, ty))
            ty += text.small_line
        y = area.bottom + 8
        if self.problem:
            line, colour = self.problem, VERMILLION
        else:
            line, colour = "Enter sends  Esc cancels  Up/Down: line  Tab: tick or step", MUTED
        _small(surface, text, line, (x, y + 4), box.width - 280, colour)
        self.buttons = {}
        right = box.right - 16
        for name, caption, fill, ink in (
            ("cancel", "Cancel (Esc)", ROW_HILITE, TEXT),
            ("confirm", "Send (Enter)", YELLOW, BLACK),
        ):
            piece = text.render(caption, text.base, ink, True)
            button = pygame.Rect(0, y, piece.get_width() + 20, text.line + 6)
            button.right = right
            pygame.draw.rect(surface, fill, button, border_radius=5)
            surface.blit(piece, piece.get_rect(center=button.center))
            self.buttons[name] = button
            right = button.left - 8
