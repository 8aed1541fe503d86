"""The operations console: the map, the panels and the trainee's actions.

Each frame it advances the exercise to the wall-clock target (``clock.Pace``), takes the
trainee's picture (``picture.Picture``), gives the dispatches waiting for a share
(``handoff.Handoffs``), feeds the log and draws. Orders go through ``actions.submit``
and ``Handoffs.poll`` only, both ``Exercise.submit``; a message the trainee writes
(Write, Reply, a resource request, a public statement) is finished in the
``compose.Compose`` overlay and submitted the same way. What each order did is said at
the bottom of the map in ``notices``' words.
"""

from collections.abc import Callable
from typing import cast

import pygame

from simulator.commands import CommandBase, PublicStatement, SendMessage, Share
from simulator.events import CONTROLLER
from simulator.exercise import Result
from simulator.scenario.timing import format_offset
from simulator.view.actions import Option, Selection, options, submit
from simulator.view.app import App, Screen
from simulator.view.board import Board
from simulator.view.camera import Camera
from simulator.view.clock import SPEEDS, Pace
from simulator.view.compose import Compose
from simulator.view.confirm import Confirm
from simulator.view.draft import Draft
from simulator.view.ending import Ending
from simulator.view.handoff import Handoffs, Outcome
from simulator.view.help import Help
from simulator.view.input import Intent
from simulator.view.layers import RoadLayer
from simulator.view.ledger import Ledger
from simulator.view.log import Log
from simulator.view.markers import Markers
from simulator.view.messaging import new_message, reply
from simulator.view.narrate import Narrator
from simulator.view.notices import parts, share_for, statement
from simulator.view.option import Context, steady
from simulator.view.palette import (
    BLACK,
    MUTED,
    ORANGE,
    PANEL_BG,
    PANEL_EDGE,
    ROW_HILITE,
    TEXT,
    VERMILLION,
    WHITE,
    YELLOW,
)
from simulator.view.picture import Picture
from simulator.view.public import PublicMood
from simulator.view.roster import Roster
from simulator.view.selection import SelectionPanel
from simulator.view.session import TRAINEE, Session
from simulator.view.text import Text
from simulator.view.words import plain_reason

TOAST_S = 6.0  # how long a rejection or notice stays on screen (wall seconds)
ROAD_PICK_PX = 6
# How often the action list follows the exercise while nothing is clicked (wall s):
# an option greyed out a moment ago (a command unit not yet on scene) may be possible.
OPTIONS_REFRESH_S = 0.5
END_QUESTION = "End the exercise now? The run is recorded as it stands."
# A networked seat ends only its own part: the server goes on and keeps the record.
LEAVE_QUESTION = "Leave the exercise now? It goes on for the other seats."
PAUSED = {False: "PAUSED  (space to resume)", True: "PAUSED by the exercise controller"}
# A / R / S with no such action for the selection: what to select first (recall needs
# no incident).
NOTHING_TO = {
    "assign": "Nothing to assign: select units and an incident first.",
    "recall": "Nothing to recall: select units first.",
    "stage": "Nothing to send to staging: select units first.",
}
CLOSE_ANSWERS = ("Yes, close the window (Enter / Y)", "No, keep playing (Esc)")


class Console(Screen):
    """The main screen while the exercise runs."""

    def __init__(self, app: App, session: Session, speed: int = 1):
        super().__init__(app)
        self.session = session
        self.exercise = session.exercise
        self.roles = session.roles
        names = [self.exercise.scenario.agency(a).name for a in self.roles]
        self.playing = f"Playing: {', '.join(names)}"  # the top bar's (a desk says its own)
        self.picture = Picture(self.exercise, self.roles)
        self.mood = PublicMood()
        self.pace = Pace()
        self.pace.set(speed)
        self.camera = Camera()
        self.roads = RoadLayer(self.exercise.atlas, app.text)
        self.markers = Markers(self.exercise, app.text)
        self.markers.played = frozenset(self.roles)
        self.board = Board(app.text)
        agencies = {a.id: a.name for a in self.exercise.scenario.agencies}
        self.roster = Roster(app.text, self.markers.kinds, agencies, tuple(self.roles))
        narrator = Narrator(self.exercise.scenario, self.roles, self.picture.messages)
        self.log = Log(app.text, frozenset(self.roles), narrator)
        self.panel = SelectionPanel(app.text)
        self.selection = Selection()
        self.ledger = Ledger(self.exercise, self.roles)
        self.handoffs = Handoffs(self.exercise, narrator.names)
        self.options: list[Option] = []
        # What the list was made for (None: a new selection, even of the same things) and
        # the actions given since: the numbers hold while the selection does.
        self._selected: tuple | None = ()
        self._given: set[str] = set()
        self._drafting = ""  # the key of the option whose text entry is open
        self._options_at = (0.0, -1)  # wall time and log length of the last refresh
        self.toast = ("", 0.0)
        self.rects: dict[str, pygame.Rect] = {}
        self.buttons: list[tuple[pygame.Rect, str, int]] = []
        self.snapshot = self.picture.snapshot(force=True)
        self._layout()
        self.camera.fit(self.exercise.atlas.roads.xy)

    # -- layout ------------------------------------------------------------------------

    def _layout(self) -> None:
        w, h = self.app.size
        text = self.app.text
        top = text.line + 10
        side = max(330, int(w * 0.28))
        log_h = max(140, int(h * 0.22))
        column = h - top
        board_h, roster_h = int(column * 0.36), int(column * 0.32)
        self.rects = {
            "bar": pygame.Rect(0, 0, w, top),
            "map": pygame.Rect(0, top, w - side, h - top - log_h),
            "log": pygame.Rect(0, h - log_h, w - side, log_h),
            "board": pygame.Rect(w - side, top, side, board_h),
            "roster": pygame.Rect(w - side, top + board_h, side, roster_h),
            "selection": pygame.Rect(
                w - side, top + board_h + roster_h, side, column - board_h - roster_h
            ),
        }
        m = self.rects["map"]
        self.camera.resize(m.x, m.y, m.width, m.height)
        self._size = (w, h)

    # -- intents -----------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        """Route an intent to time control, the camera, a panel or an action."""
        name = intent.name
        simple = {
            "pause": lambda: self._pace(self.pace.toggle),
            "faster": lambda: self._pace(lambda: self.pace.step(1)),
            "slower": lambda: self._pace(lambda: self.pace.step(-1)),
            "fit": lambda: self.camera.fit(self.exercise.atlas.roads.xy),
            "zoom_in": lambda: self.camera.zoom(1),
            "zoom_out": lambda: self.camera.zoom(-1),
            "log_tab": self.log.next_tab,
            "roster_status": self.roster.cycle_status,
            "roster_agency": self.roster.cycle_agency,
            "next_incident": self._next_incident,
            "message": self._write,
            "help": self._help,
            "end": self._end,  # Ctrl+Q: a deliberate chord, so it does not ask
        }
        if name == "hover":  # only the panel follows the pointer: nothing to refresh
            self.panel.point_at(intent.pos)
            return
        if name in simple:
            simple[name]()
        elif name == "pan" or (
            name == "drag" and self.camera.contains(*(intent.start or (-1, -1)))
        ):
            self.camera.pan(*intent.delta)
        elif name == "wheel":
            self._wheel(intent)
        elif name == "cancel":
            self.selection.clear()
            self._selected = None
        elif name == "confirm" and self.log.reply() is not None:
            self._reply()
        elif name == "option":
            self._refresh_selection()
            self._choose_number(intent.index)
        elif name in ("assign", "recall", "stage"):
            self._refresh_selection()
            self._choose_kind(name)
        elif name == "click":
            self._click(intent)
        elif name == "right_click":
            self._right_click(intent)
        self._refresh_selection()

    def _help(self) -> None:
        self.app.push(Help(self.app))

    def _ask_end(self) -> None:
        """The End button asks first: one stray click must not close the run."""
        self.app.push(Confirm(self.app, self._question(), self._end))

    def close(self) -> bool:
        """The window's close button asks as the End button does, until the exercise ends."""
        if self.session.closed or self.exercise.ended:
            return False
        self.app.push(Confirm(self.app, self._question(), self._close_window, CLOSE_ANSWERS))
        return True

    def _question(self) -> str:
        return LEAVE_QUESTION if getattr(self.exercise, "remote", False) else END_QUESTION

    def _close_window(self) -> None:
        self.session.close(TRAINEE)
        self.app.running = False

    def _end(self) -> None:
        self.session.close(TRAINEE)
        self.app.replace(Ending(self.app, self.session))

    def _wheel(self, intent: Intent) -> None:
        steps = intent.delta[1]
        for key in ("board", "roster", "log", "selection"):
            if self.rects[key].collidepoint(intent.pos):
                panel = {
                    "board": self.board,
                    "roster": self.roster,
                    "log": self.log,
                    "selection": self.panel,
                }[key]
                panel.scroll_by(int(-steps))
                return
        if self.camera.contains(*intent.pos):
            self.camera.zoom(steps, intent.pos)

    def _next_incident(self) -> None:
        self._selected = None
        ids = [i.id for i in self.snapshot.incidents]
        if ids:
            at = ids.index(self.selection.incident) + 1 if self.selection.incident in ids else 0
            self.selection.choose_incident(ids[at % len(ids)])

    def _click(self, intent: Intent) -> None:
        pos = intent.pos
        for rect, action, value in self.buttons:
            if rect.collidepoint(pos):
                self._button(action, value)
                return
        # A click on the map, board or roster selects anew, even the same things; one
        # on the log (a tab, a line to reply to) or the panel keeps the numbers.
        if any(self.rects[k].collidepoint(pos) for k in ("map", "board", "roster")):
            self._selected = None
        if self.rects["board"].collidepoint(pos):
            hit = self.board.hit(pos)
            if hit is not None:
                self.selection.choose_incident(str(hit))
        elif self.rects["roster"].collidepoint(pos):
            hit = self.roster.hit(pos)
            if hit is not None:
                self.selection.toggle_unit(str(hit), intent.add)
        elif self.rects["log"].collidepoint(pos):
            self._click_log(self.log.hit(pos))
        elif self.rects["selection"].collidepoint(pos):
            hit = self.panel.hit(pos)
            if isinstance(hit, int):
                self._choose(hit)
        elif self.camera.contains(*pos):
            self._click_map(intent)

    def _click_log(self, hit: object) -> None:
        """A tab shows its channel; a line is picked; the buttons write or reply."""
        if not isinstance(hit, tuple):
            return
        what, value = hit
        if what == "tab":
            self.log.choose(value)
        elif what == "line":
            self.log.pick(value)
        elif value == "write":
            self._write()
        elif value == "reply":
            self._reply()

    def _click_map(self, intent: Intent) -> None:
        snap, pos = self.snapshot, intent.pos
        crowd = self.markers.crowd_at(self.camera, snap.units, pos)
        if crowd:  # a stack of units: select them all (shift adds them)
            if not intent.add:
                self.selection.toggle_unit(crowd[0], False)
            for unit in crowd:
                if unit not in self.selection.units:
                    self.selection.toggle_unit(unit, True)
            return
        unit = self.markers.unit_at(self.camera, snap.units, pos)
        if unit is not None:
            self.selection.toggle_unit(unit, intent.add)
            return
        incident = self.markers.incident_at(self.camera, snap.incidents, pos)
        if incident is not None:
            self.selection.choose_incident(incident)
            return
        road = self.roads.nearest(self.camera, pos, ROAD_PICK_PX)
        if road is not None:
            self.selection.units.clear()
            self.selection.incident, self.selection.road = None, road
        elif not intent.add:
            self.selection.clear()
        if not self.selection.units:  # a point of the map: a staging area may go there
            self.selection.point = self.camera.to_world(*pos)

    def _right_click(self, intent: Intent) -> None:
        incident = self.markers.incident_at(self.camera, self.snapshot.incidents, intent.pos)
        if incident is None and self.rects["board"].collidepoint(intent.pos):
            hit = self.board.hit(intent.pos)
            incident = str(hit) if hit is not None else None
        if incident is not None and self.selection.units:
            self.selection.choose_incident(incident)
            self._refresh_selection()
            self._choose_kind("assign")

    def _pace(self, change: Callable[[], None]) -> None:
        """Change the pace, unless a served exercise's controller sets it for every seat."""
        if getattr(self.exercise, "remote", False):
            self._notice("The exercise controller sets the pace for every seat.")
        else:
            change()

    def _button(self, action: str, value: int) -> None:
        if action == "speed":
            self._pace(lambda: self.pace.set(value))
        elif action == "pause":
            self._pace(self.pace.toggle)
        elif action == "help":
            self._help()
        elif action == "end":
            self._ask_end()

    # -- actions -----------------------------------------------------------------------

    def _refresh_selection(self) -> None:
        self.snapshot = self.picture.snapshot(self.app.wall, force=True)
        self._drop_gone()
        fresh = options(self.exercise, self.snapshot, self.selection, self.roles, self.ledger)
        self._options_at = (self.app.wall, len(self.exercise.log))
        if self.selection.key() != self._selected:
            self._selected, self.panel.scroll, self.panel.focus = self.selection.key(), 0, None
            self.panel.keep = 0
            self.options, self._given = fresh, set()
        else:  # the same selection: each action keeps its number
            self.options = steady(self.options, fresh, self._given)
        self.panel.options = self.options
        self.panel.summary = self._summary()
        self.board.selected = self.selection.incident
        self.roster.selected = list(self.selection.units)
        for panel in (self.panel, self.board, self.roster):
            panel.dirty = True

    def _drop_gone(self) -> None:
        """Unselect an incident no longer on the board (resolved): nothing is left to order."""
        chosen = self.selection.incident
        if chosen is not None and all(i.id != chosen for i in self.snapshot.incidents):
            self.selection.incident = None

    def _summary(self) -> str:
        sel = self.selection
        parts = []
        if sel.units:
            parts.append(f"Units: {', '.join(sel.units)}")
        if sel.incident:
            parts.append(f"Incident: {sel.incident}")
        if sel.road is not None:
            roads = self.exercise.atlas.roads
            parts.append(f"Road: {roads.names[sel.road] or 'unnamed'}")
        elif sel.point is not None and not sel.units:
            node, _ = self.exercise.atlas.roads.nearest(*sel.point)
            parts.append(f"Map point near {self.exercise.atlas.roads.ids[node]}")
        if not parts:
            return "Nothing selected. Click a unit, an incident or a road; shift adds units."
        return "  ".join(parts)

    def _choose_kind(self, kind: str) -> None:
        index = next((n for n, o in enumerate(self.options) if o.kind == kind), None)
        if index is None:
            self._notice(NOTHING_TO[kind])
        else:
            self._choose(index)

    def _choose_number(self, number: int) -> None:
        """A number key: its action, or why nothing happens (it must not be silent)."""
        panel = self.panel
        index = panel.scroll + number - 1
        shown = min(len(self.options) - panel.scroll, panel.room)
        if number <= shown:
            panel.keep = max(panel.keep, panel.room)  # the next rows keep their numbers
            self._choose(index)
        elif not self.options:
            self._notice(f"Nothing at {number}: no action for this selection.")
        else:  # the keys number the rows drawn, from the first scrolled to
            rows = f"1 to {shown}" if shown > 1 else "1"
            more = "; scroll the wheel for the rest" if index < len(self.options) else ""
            self._notice(f"Nothing at {number}: the panel shows {rows} here{more}.")

    def _choose(self, index: int) -> None:
        if not 0 <= index < len(self.options):
            return
        option = self.options[index]
        self.panel.focus = index
        if not option.enabled:
            self._notice(f"{option.label}: {option.reason}")
            return
        if option.draft is not None:
            self._compose(option.draft, option.key)
            return
        if option.warning:
            answers = ("Share anyway (Enter / Y)", "Do not share (Esc)")
            self.app.push(Confirm(self.app, option.warning, lambda: self._give(option), answers))
            return
        self._give(option)

    def _give(self, option: Option) -> None:
        """Submit an option's commands and show what became of them."""
        self._replace_waiting(option)
        self._given.add(option.key)  # before: the list may be rebuilt as the orders land
        since = len(self.exercise.log)
        results = submit(self.exercise, option)
        if not any(r.accepted for r in results):  # a refused one is not "done"
            self._given.discard(option.key)
        held = {
            (c.agency, f): known.value
            for c in option.commands
            if isinstance(c, Share)
            for f in c.facts
            if (known := self.exercise.knowledge(c.agency).get(f)) is not None
        }
        lines = parts(option, results, self.log.narrator.names, held)
        lines += self._defer(option, results, since)
        if option.reason:  # units left out of an assignment, and why
            lines.append(f"Not ordered: {option.reason}")
        self._notice("\n".join(lines))
        self.log.add(self.picture.news())

    # -- messages ----------------------------------------------------------------------

    def _context(self) -> Context:
        return Context(self.exercise, self.snapshot, tuple(self.roles), self.ledger)

    def _write(self) -> None:
        """A new message (about the selected incident, if one is selected)."""
        self._compose(new_message(self._context(), self.selection.incident))

    def _reply(self) -> None:
        """Answer the message picked in the log, to the agency that sent it."""
        to = self.log.reply()
        if to is None:
            self._notice("Nothing to reply to: click a message in the log first.")
            return
        self._compose(reply(self._context(), to))

    def _compose(self, draft: Draft, key: str = "") -> None:
        """Open the text entry; ``key``: the option it came from, done once sent."""
        self._drafting = key
        self.app.push(Compose(self.app, self.exercise, draft, self._send))

    def _send(self, command: CommandBase) -> Result:
        """Submit what was written in the overlay; its result shows like any order's."""
        names = self.log.narrator.names
        if isinstance(command, PublicStatement):
            option = Option("statement", statement(command, names), (command,))
        else:  # the entry writes a statement or a message
            message = cast(SendMessage, command)
            to = message.to
            where = names.agency(to) if to else f"channel {names.channel(message.channel)}"
            option = Option("message", f"Message to {where} sent", (command,))
        (result,) = submit(self.exercise, option)
        if result.accepted and self._drafting:
            self._given.add(self._drafting)  # its row is marked done, not "no longer possible"
        self._notice("\n".join(parts(option, [result], names)))
        self.log.add(self.picture.news())
        self._refresh_selection()
        return result

    def _replace_waiting(self, option: Option) -> None:
        """A new order for a unit cancels its dispatch still waiting for a share."""
        units = {u for c in option.commands for u in _units(c)}
        names = self.log.narrator.names
        for handoff in self.handoffs.cancel(units):
            self.log.note(self.exercise.now, f"no longer waiting: {handoff.label(names)}")

    def _defer(self, option: Option, results: list[Result], since: int) -> list[str]:
        """Start waiting for each deferred dispatch whose share was accepted."""
        lines, names = [], self.log.narrator.names
        for dispatch in option.deferred:
            share = share_for(option, results, dispatch.agency)
            if share is None:
                continue  # the share was refused: the notice says it was not given
            handoff = self.handoffs.add(dispatch, share.agency, since)
            label = handoff.label(names)
            lines.append(f"Waiting: {label} once {names.whose(dispatch.agency)} CAD holds it")
            self.log.note(self.exercise.now, f"waiting for the share: {label}")
        return lines

    def _outcomes(self, outcomes: list[Outcome]) -> None:
        """Show what became of dispatches that were waiting for a share."""
        self.log.add(self.picture.news())
        lines = [outcome.line(self.log.narrator.names) for outcome in outcomes]
        for outcome, line in zip(outcomes, lines, strict=True):
            if outcome.result is None:
                self.log.note(self.exercise.now, line, alert=True)
        self._notice("\n".join(lines))
        self._refresh_selection()

    def _notice(self, message: str) -> None:
        self.toast = (plain_reason(message), self.app.wall + TOAST_S)

    def _pace_shown(self) -> float:
        """The speed the bar marks: ours, or a server's exactly (it may be none of ours)."""
        return self.exercise.speed if getattr(self.exercise, "remote", False) else self.pace.speed

    def _server_pace(self, surface: pygame.Surface, text: Text, x: int) -> int:
        """A server's speed that is none of the bar's buttons, shown as it is after them."""
        speed = self._pace_shown()
        if self.pace.paused or speed in SPEEDS:
            return x
        bar = self.rects["bar"]
        piece = text.render(f"{speed:g}x (server)", text.base, BLACK, True)
        box = pygame.Rect(x, 4, piece.get_width() + 14, bar.height - 8)
        pygame.draw.rect(surface, YELLOW, box, border_radius=4)
        surface.blit(piece, piece.get_rect(center=box.center))
        return box.right + 4

    # -- frame -------------------------------------------------------------------------

    def update(self, wall_dt: float) -> None:
        """Advance the exercise to this frame's target and take the new picture."""
        if self.app.size != self._size:
            self._layout()
        if getattr(self.exercise, "remote", False):  # the bar shows the server's pace
            self.pace.speed = min(SPEEDS, key=lambda s: abs(s - self.exercise.speed))
            self.pace.paused = self.exercise.paused
        target = self.pace.target(self.exercise.now, wall_dt)
        if target > self.exercise.now:
            self.exercise.advance(target)
        outcomes = self.handoffs.poll()
        if outcomes:
            self._outcomes(outcomes)
        self.snapshot = self.picture.snapshot(self.app.wall)
        news = self.picture.news()
        if news:
            self.log.add(news)
        self._follow_options()
        if self.exercise.ended:
            self._end()

    def _follow_options(self) -> None:
        """Refresh the action list now and then while the exercise runs."""
        wall, seen = self._options_at
        if len(self.exercise.log) != seen and self.app.wall - wall >= OPTIONS_REFRESH_S:
            self._refresh_selection()

    def draw(self, surface: pygame.Surface) -> None:
        """Map, panels, top bar, then banners."""
        snap = self.snapshot
        surface.set_clip(self.rects["map"])
        marks = tuple((incident.x, incident.y) for incident in snap.incidents)
        self.roads.draw(surface, self.camera, snap.congested_roads, snap.closed, marks)
        chosen = {
            "units": set(self.selection.units),
            "incident": self.selection.incident,
            "point": self.selection.point,
        }
        self.markers.draw(surface, self.camera, snap, chosen, self.roads.names_shown)
        surface.set_clip(None)
        wall = self.app.wall
        self.board.snapshot = self.roster.snapshot = snap
        self.board.draw(surface, self.rects["board"], wall)
        self.roster.draw(surface, self.rects["roster"], wall)
        self.panel.draw(surface, self.rects["selection"], wall)
        self.log.draw(surface, self.rects["log"], wall)
        self._bar(surface)
        self._banners(surface)

    def _bar(self, surface: pygame.Surface) -> None:
        text = self.app.text
        bar = self.rects["bar"]
        surface.fill(PANEL_BG, bar)
        pygame.draw.line(surface, PANEL_EDGE, bar.bottomleft, bar.bottomright)
        clock = f"T+{format_offset(self.exercise.now)}  ({_time_of_day(self.exercise)})"
        x = 8
        label = text.render(clock, text.large if bar.height > text.large else text.base, TEXT, True)
        surface.blit(label, (x, (bar.height - label.get_height()) // 2))
        x += label.get_width() + 16
        self.buttons = []
        for action, value, caption in [
            ("pause", 0, "II"),
            *(("speed", s, f"{s}x") for s in SPEEDS),
        ]:
            chosen = self.pace.paused if action == "pause" else self._pace_shown() == value
            waiting = chosen and self.pace.paused and action == "speed"
            box = _bar_button(surface, text, caption, (x, bar.height), chosen, waiting)
            self.buttons.append((box, action, value))
            x = box.right + 4
        x = self._server_pace(surface, text, x)
        right = self._bar_buttons(surface, text)
        x = self._pause_badge(surface, text, x)
        self.mood.update(self.exercise.log.events)
        playing = "   ".join(p for p in (self.playing, self.mood.line()) if p)
        roles = text.render(
            text.fit(playing, right - x - 16, text.small),
            text.small,
            MUTED,
        )
        surface.blit(roles, (x + 12, (bar.height - roles.get_height()) // 2))

    def _bar_buttons(self, surface: pygame.Surface, text: Text) -> int:
        """End and Help at the bar's right end; returns the left edge they leave free."""
        bar = self.rects["bar"]
        right = bar.right - 8
        for action, caption in (("end", "End (Ctrl+Q)"), ("help", "Help (F1)")):
            piece = text.render(caption, text.small, TEXT)
            box = pygame.Rect(0, 4, piece.get_width() + 14, bar.height - 8)
            box.right = right
            pygame.draw.rect(surface, ROW_HILITE, box, border_radius=4)
            surface.blit(piece, piece.get_rect(center=box.center))
            self.buttons.append((box, action, 0))
            right = box.left - 6
        return right

    def _pause_badge(self, surface: pygame.Surface, text: Text, x: int) -> int:
        """While paused, a yellow badge in the bar after the speeds; returns where it ends.

        It sits in the bar, not over the map, where it hid the incident at the top of
        the map (its label, badge and the units near it).
        """
        self.rects.pop("paused", None)
        if not self.pace.paused:
            return x
        bar = self.rects["bar"]
        label = text.render(self._paused(), text.base, BLACK, True)
        box = pygame.Rect(x + 12, 3, label.get_width() + 20, bar.height - 6)
        pygame.draw.rect(surface, YELLOW, box, border_radius=4)
        surface.blit(label, label.get_rect(center=box.center))
        self.rects["paused"] = box
        return box.right

    def _paused(self) -> str:
        """The banner, saying who resumes: this trainee, or the controller for all."""
        if getattr(self.exercise, "seat", None) == CONTROLLER:  # the controller's own desk
            return "PAUSED for everyone  (space resumes)"
        return PAUSED[getattr(self.exercise, "remote", False)]

    def _banners(self, surface: pygame.Surface) -> None:
        text = self.app.text
        area = self.rects["map"]
        trouble = self.session.trouble()
        if trouble:
            label = text.render(text.fit(trouble, area.width - 40, text.small), text.small, WHITE)
            box = label.get_rect(midtop=(area.centerx, area.top + 52)).inflate(20, 8)
            pygame.draw.rect(surface, VERMILLION, box, border_radius=4)
            surface.blit(label, label.get_rect(center=box.center))
        message, until = self.toast
        if message and self.app.wall < until:
            bottom = area.bottom - 10
            for line in reversed(message.split("\n")):
                bottom = self._toast_line(surface, line, bottom) - 4

    def _toast_line(self, surface: pygame.Surface, line: str, bottom: int) -> int:
        """One line of a notice, coloured by what it says; returns its top.

        Wrapped, not cut: a refused action's whole reason is what its number shows.
        """
        text, area = self.app.text, self.rects["map"]
        colour = ROW_HILITE
        if line.startswith(("Rejected", "Nothing", "Not ordered")):
            colour = VERMILLION
        elif line.startswith("Waiting"):
            colour = ORANGE
        rows = [
            text.render(row, text.base, TEXT, True)
            for row in text.wrap(line, area.width - 40, text.base) or [line]
        ]
        width = max(r.get_width() for r in rows)
        box = pygame.Rect(0, 0, width + 20, len(rows) * text.line + 10)
        box.midbottom = (area.centerx, bottom)
        pygame.draw.rect(surface, colour, box, border_radius=6)
        for n, row in enumerate(rows):
            surface.blit(row, row.get_rect(midtop=(box.centerx, box.y + 5 + n * text.line)))
        return box.top


def _bar_button(
    surface: pygame.Surface,
    text: Text,
    caption: str,
    at: tuple[int, int],
    chosen: bool,
    waiting: bool,
) -> pygame.Rect:
    """A pause or speed button: yellow when chosen; a speed waiting out a pause outlined."""
    x, bar_height = at
    piece = text.render(caption, text.base, YELLOW if waiting else BLACK if chosen else TEXT, True)
    box = pygame.Rect(x, 4, piece.get_width() + 14, bar_height - 8)
    pygame.draw.rect(surface, YELLOW if chosen else ROW_HILITE, box, border_radius=4)
    if waiting:
        pygame.draw.rect(surface, ROW_HILITE, box.inflate(-4, -4), border_radius=3)
    surface.blit(piece, piece.get_rect(center=box.center))
    return box


def _units(command: CommandBase) -> list[str]:
    """The units a command orders, if any."""
    units = getattr(command, "units", None)
    if units is not None:
        return list(units)
    unit = getattr(command, "unit", None)
    return [unit] if isinstance(unit, str) else []


def _time_of_day(exercise) -> str:
    hours, minutes = (int(p) for p in exercise.scenario.metadata.start.split(":")[:2])
    total = int(hours * 3600 + minutes * 60 + exercise.now) % 86400
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}"
