"""The briefing: situation, objectives, the trainee's agencies and resources.

Shown before the clock starts. Without roles chosen on the command line it is also the
role picker: click agencies (or press their number) and Enter starts.
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

    def handle(self, intent: Intent) -> None:
        """Enter starts; clicks and digits pick roles when they were not given."""
        if intent.name == "confirm":
            self.begin()
        elif intent.name == "cancel":
            self.app.pop()
        elif not self.fixed and intent.name == "option" and intent.index <= len(self.agencies):
            self.toggle(self.agencies[intent.index - 1])
        elif not self.fixed and intent.name == "click":
            for rect, agency in self.hits:
                if rect.collidepoint(intent.pos):
                    self.toggle(agency)

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
        self._roles(surface, w // 2 + 20, 30 + int(text.large * 1.3) + text.line + 16, w // 2 - 60)
        prompt = self.warning or f"{ENTER[self.running]}, Esc closes  (F1 in it for help)"
        label = text.render(prompt, text.large, ORANGE if self.warning else YELLOW, True)
        surface.blit(label, label.get_rect(midbottom=(w // 2, h - 20)))

    def _section(self, surface, title: str, lines: list[str], x: int, y: int) -> int:
        text = self.app.text
        surface.blit(text.render(title, text.base, YELLOW, True), (x, y))
        y += text.line + 2
        for line in lines:
            surface.blit(text.render(line, text.base, TEXT), (x, y))
            y += text.line
        return y

    def _roles(self, surface: pygame.Surface, x: int, y: int, width: int) -> None:
        text = self.app.text
        heading = "Your agencies" if self.fixed else "Choose your agencies (click or 1-9)"
        surface.blit(text.render(heading, text.base, YELLOW, True), (x, y))
        y += text.line + 4
        self.hits = []
        fleets: dict[str, Counter] = {a: Counter() for a in self.agencies}
        for unit in self.scenario.units:
            fleets[unit.agency][unit.type] += 1
        stations = Counter(s.agency for s in self.scenario.stations)
        for number, agency in enumerate(self.agencies, start=1):
            spec = self.scenario.agency(agency)
            playing = agency in self.roles
            if self.fixed and not playing:
                continue
            row = pygame.Rect(x - 6, y - 2, width, text.line + text.small_line + 6)
            if playing:
                pygame.draw.rect(surface, ROW_HILITE, row, border_radius=4)
            mark = "[x]" if playing else "[ ]"
            name = spec.name if self.fixed else f"{number}. {mark} {spec.name}"
            surface.blit(text.render(text.fit(name, width - 12), text.base, TEXT, playing), (x, y))
            detail = _resources(stations[agency], fleets[agency])
            surface.blit(
                text.render(text.fit(detail, width - 12, text.small), text.small, MUTED),
                (x, y + text.line),
            )
            self.hits.append((row, agency))
            y += row.height + 4
        if not self.fixed:
            note = "Agencies you do not choose are played by the computer (standard procedure)."
            for line in text.wrap(note, width, text.small):
                surface.blit(text.render(line, text.small, MUTED), (x, y))
                y += text.small_line


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
