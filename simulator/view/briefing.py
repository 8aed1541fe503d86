"""The briefing: situation, objectives, the trainee's agencies and resources.

Shown before the clock starts. Without roles chosen on the command line it is also the
role picker: click agencies (or press their number) and Enter starts. Each agency's
stations and units wrap onto as many lines as they need; agencies that find no room
above the prompt are counted ("3 more below (PgDn)") and scroll in with PgUp/PgDn or
the wheel.
"""

from collections import Counter

import pygame

from simulator.scenario.model import Scenario
from simulator.view.app import App, Screen
from simulator.view.console import Console
from simulator.view.input import Intent
from simulator.view.palette import MAP_BG, MUTED, ORANGE, ROW_HILITE, TEXT, YELLOW
from simulator.view.session import Starter

# What Enter does: start a local exercise's clock, or join a served one already running.
ENTER = {False: "Enter starts the exercise", True: "Enter joins the exercise (it is running)"}


class Briefing(Screen):
    """The scenario's briefing and the roles; Enter starts the exercise."""

    def __init__(
        self,
        app: App,
        scenario: Scenario,
        start: Starter,
        roles: tuple[str, ...] = (),
        speed: int = 1,
        running: bool = False,
    ):
        super().__init__(app)
        self.running = running  # a served exercise: it runs already, Enter joins it
        self.scenario = scenario
        self.start = start
        self.fixed = bool(roles)
        self.roles = list(roles)
        self.speed = speed
        self.agencies = [a.id for a in scenario.agencies]
        self.hits: list[tuple[pygame.Rect, str]] = []
        self.warning = ""
        self.first = 0  # the first agency listed (the list scrolls when it is too long)
        self.listed = 0  # how many were listed at the last frame

    def handle(self, intent: Intent) -> None:
        """Enter starts; clicks and digits pick roles when they were not given."""
        if intent.name == "confirm":
            self.begin()
        elif intent.name == "cancel":
            self.app.pop()
        elif intent.name in ("page_up", "page_down", "wheel"):
            self.scroll(intent)
        elif not self.fixed and intent.name == "option" and intent.index <= len(self.agencies):
            self.toggle(self.agencies[intent.index - 1])
        elif not self.fixed and intent.name == "click":
            for rect, agency in self.hits:
                if rect.collidepoint(intent.pos):
                    self.toggle(agency)

    def scroll(self, intent: Intent) -> None:
        """A page of agencies (PgUp/PgDn) or one a notch of the wheel, up or down."""
        page = max(1, self.listed)
        step = {"page_up": -page, "page_down": page}.get(intent.name, -round(intent.delta[1]))
        self.first = max(0, min(len(self._entries()) - 1, self.first + step))

    def _entries(self) -> list[tuple[int, str]]:
        """The agencies listed, with their numbers: all of them, or those played."""
        numbered = enumerate(self.agencies, start=1)
        return [(n, a) for n, a in numbered if not self.fixed or a in self.roles]

    def toggle(self, agency: str) -> None:
        """Play or stop playing an agency."""
        if agency in self.roles:
            self.roles.remove(agency)
        else:
            self.roles.append(agency)
        self.warning = ""

    def begin(self) -> None:
        """Start the exercise with the chosen roles (at least one)."""
        if not self.roles:
            self.warning = "Choose at least one agency to play."
            return
        session = self.start(tuple(sorted(self.roles)))
        self.app.replace(Console(self.app, session, self.speed))

    def draw(self, surface: pygame.Surface) -> None:
        """Two columns: situation and objectives; agencies and their resources."""
        text = self.app.text
        surface.fill(MAP_BG)
        w, h = surface.get_size()
        meta = self.scenario.metadata
        x, y = 40, 30
        surface.blit(text.render(meta.title, int(text.large * 1.3), TEXT, True), (x, y))
        y += int(text.large * 1.3) + 6
        facts = (
            f"Starts {meta.start}, runs {_span(meta.duration)}  |  "
            f"{meta.difficulty}  |  {', '.join(meta.themes)}"
        )
        surface.blit(text.render(text.fit(facts, w - 80, text.small), text.small, MUTED), (x, y))
        y += text.line + 10
        col = w // 2 - 60
        y = self._section(surface, "Situation", text.wrap(meta.briefing, col), x, y)
        bullets = [f"- {o}" for o in meta.learning_objectives]
        lines = [line for b in bullets for line in text.wrap(b, col)]
        self._section(surface, "Objectives", lines, x, y + 10)
        prompt = self.warning or f"{ENTER[self.running]}, Esc closes  (F1 in it for help)"
        label = text.render(prompt, text.large, ORANGE if self.warning else YELLOW, True)
        place = surface.blit(label, label.get_rect(midbottom=(w // 2, h - 20)))
        top = 30 + int(text.large * 1.3) + text.line + 16
        self._roles(surface, pygame.Rect(w // 2 + 20, top, w // 2 - 60, place.top - 8 - top))

    def _section(self, surface, title: str, lines: list[str], x: int, y: int) -> int:
        text = self.app.text
        surface.blit(text.render(title, text.base, YELLOW, True), (x, y))
        y += text.line + 2
        for line in lines:
            surface.blit(text.render(line, text.base, TEXT), (x, y))
            y += text.line
        return y

    def _roles(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        """The agencies in ``area``, as many as fit from ``first``; the others counted."""
        text = self.app.text
        x, y, width = area.x, area.y, area.width
        heading = "Your agencies" if self.fixed else "Choose your agencies (click or 1-9)"
        surface.blit(text.render(heading, text.base, YELLOW, True), (x, y))
        y += text.line + 4
        self.hits = []
        entries = self._entries()
        self.first = min(self.first, max(0, len(entries) - 1))
        bottom = area.bottom - text.small_line - 4  # room for the line that counts
        self.listed = 0
        for number, agency in entries[self.first :]:
            height = self._role(surface, number, agency, (x, y), width, bottom)
            if not height:
                break
            self.listed += 1
            y += height
        above, below = self.first, len(entries) - self.first - self.listed
        notes = [f"{above} above (PgUp)"] * bool(above) + [f"{below} more below (PgDn)"] * bool(
            below
        )
        if notes:
            line = text.fit("   ".join(notes), width, text.small)
            surface.blit(text.render(line, text.small, YELLOW), (x, y))
        elif not self.fixed:
            note = "Agencies you do not choose are played by the computer (standard procedure)."
            for line in text.wrap(note, width, text.small):
                if y + text.small_line <= area.bottom:
                    surface.blit(text.render(line, text.small, MUTED), (x, y))
                y += text.small_line

    def _role(
        self,
        surface: pygame.Surface,
        number: int,
        agency: str,
        at: tuple[int, int],
        width: int,
        bottom: int,
    ) -> int:
        """One agency with all its stations and units (wrapped); its height, 0 if no room.

        The first agency listed is drawn even without room: the list is never empty.
        """
        text = self.app.text
        x, y = at
        detail = text.wrap(self._resources(agency), width - 12, text.small)
        row = pygame.Rect(x - 6, y - 2, width, text.line + text.small_line * len(detail) + 6)
        if row.bottom > bottom and self.listed:
            return 0
        playing = agency in self.roles
        if playing:
            pygame.draw.rect(surface, ROW_HILITE, row, border_radius=4)
        spec = self.scenario.agency(agency)
        name = spec.name if self.fixed else f"{number}. {'[x]' if playing else '[ ]'} {spec.name}"
        surface.blit(text.render(text.fit(name, width - 12), text.base, TEXT, playing), (x, y))
        for k, line in enumerate(detail):
            surface.blit(
                text.render(line, text.small, MUTED), (x, y + text.line + k * text.small_line)
            )
        self.hits.append((row, agency))
        return row.height + 4

    def _resources(self, agency: str) -> str:
        """What an agency brings (``_resources``), from the scenario."""
        fleet = Counter(u.type for u in self.scenario.units if u.agency == agency)
        stations = sum(1 for s in self.scenario.stations if s.agency == agency)
        return _resources(stations, fleet)


def _resources(stations: int, fleet: Counter) -> str:
    """What an agency brings, as "2 stations; ALS ambulance \u00d73, EMS supervisor".

    A unit type is the scenario's own words, often plural already ("victim
    advocates"), so it is counted, not inflected.
    """
    units = ", ".join(t if n == 1 else f"{t} \u00d7{n}" for t, n in sorted(fleet.items()))
    return f"{stations} station{'' if stations == 1 else 's'}; {units or 'no units'}"


def _span(seconds: float) -> str:
    """A duration as "3 h", "4 h 30 min" or "45 min" (not a clock time like 03:00:00)."""
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{minutes} min"] if minutes or not hours else [])
    return " ".join(parts)
