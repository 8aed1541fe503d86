"""The incident board: incidents the trainee's CAD holds, priority, needs, time open."""

import pygame

from simulator.scenario.timing import format_offset
from simulator.view.icons import incident_icon
from simulator.view.palette import MUTED, ORANGE, ROW_HILITE, TEXT, priority_colour
from simulator.view.panel import PAD, Panel
from simulator.view.picture import KnownIncident, Snapshot


class Board(Panel):
    """Known incidents, most urgent first; click one to select it."""

    title = "Incidents"

    def __init__(self, text):
        super().__init__(text)
        self.snapshot: Snapshot | None = None
        self.selected: str | None = None

    def heading(self) -> str:
        """Title with the count of known incidents and of those short of units."""
        incidents = self.snapshot.incidents if self.snapshot else ()
        short = sum(1 for i in incidents if i.unmet)
        return f"Incidents  {len(incidents)} known, {short} short of units"

    def render(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """Two lines per incident: id, type, age; then each need as assigned/required."""
        incidents = self.snapshot.incidents if self.snapshot else ()
        if not incidents:
            self.empty(surface, body, "No incidents in your CAD yet.")
            return
        text = self.text
        row_h = text.line + text.small_line + 4
        visible = self.rows_fit(body, row_h)
        self.scroll = min(self.scroll, max(0, len(incidents) - visible))
        y = body.y
        for incident in incidents[self.scroll : self.scroll + visible]:
            row = pygame.Rect(0, y, body.width, row_h)
            if incident.id == self.selected:
                pygame.draw.rect(surface, ROW_HILITE, row)
            self._row(surface, incident, y, body.width)
            self.add_hit(row, incident.id)
            y += row_h

    def _row(self, surface: pygame.Surface, incident: KnownIncident, y: int, width: int) -> None:
        text = self.text
        size = text.line - 2
        surface.blit(incident_icon(incident.type, incident.priority, size), (PAD, y + 2))
        x = PAD + size + 6
        chip = text.render(
            f"P{incident.priority}", text.small, priority_colour(incident.priority), True
        )
        surface.blit(chip, (x, y + 3))
        x += chip.get_width() + 6
        age = format_offset(max(0.0, self.snapshot.now - incident.opened))
        age_label = text.render(age, text.small, MUTED)
        surface.blit(age_label, (width - age_label.get_width() - PAD, y + 3))
        room = width - x - age_label.get_width() - 2 * PAD
        title = text.fit(f"{incident.id} {incident.type.replace('_', ' ')}", room)
        surface.blit(text.render(title, text.base, TEXT), (x, y + 1))
        x, y2 = PAD + size + 6, y + text.line
        for need in incident.needs:
            short = need.assigned < need.required
            label = f"{need.capability.value} {need.assigned}/{need.required}"
            piece = text.render(label, text.small, ORANGE if short else MUTED, short)
            if x + piece.get_width() > width - PAD:
                break
            surface.blit(piece, (x, y2))
            x += piece.get_width() + 10
