"""The incident board: incidents the trainee's CAD holds, priority, needs, time open."""

from collections.abc import Callable, Sequence

import pygame

from simulator.exercise import Need
from simulator.scenario.timing import format_offset
from simulator.view.icons import incident_icon
from simulator.view.palette import MUTED, ORANGE, ROW_HILITE, TEXT, priority_colour
from simulator.view.panel import PAD, Panel
from simulator.view.picture import KnownIncident, Snapshot

GAP = 10  # pixels between two needs on a line


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
        self._needs(surface, incident, PAD + size + 6, y + text.line, width)

    def _needs(
        self, surface: pygame.Surface, incident: KnownIncident, x: int, y: int, width: int
    ) -> None:
        """Each need as assigned/required, those short first (see ``need_labels``)."""
        text = self.text
        font = text.font(text.small)
        for label, short in need_labels(incident.needs, width - PAD - x, lambda s: font.size(s)[0]):
            piece = text.render(label, text.small, ORANGE if short else MUTED, short)
            surface.blit(piece, (x, y))
            x += piece.get_width() + GAP


def need_labels(
    needs: Sequence[Need], room: int, width_of: Callable[[str], int]
) -> list[tuple[str, bool]]:
    """The labels of one line of needs, each with whether it is short, in ``room`` pixels.

    Those short come first, and what does not fit is counted ("+5 more (1 short)"): a
    mass-casualty incident needs many things, and the one still short (transport 0/38)
    must not be the one cut off the line.
    """
    ordered = sorted(needs, key=lambda n: n.assigned >= n.required)  # stable
    out: list[tuple[str, bool]] = []
    for i, need in enumerate(ordered):
        short = need.assigned < need.required
        label = f"{need.capability.value.replace('_', ' ')} {need.assigned}/{need.required}"
        rest = ordered[i + 1 :]  # room is kept for counting them while any follow
        reserve = width_of(_more(rest)) + GAP if rest else 0
        if width_of(label) + reserve > room:
            return [*out, (_more(ordered[i:]), short)]  # short ones first: any left is
        out.append((label, short))
        room -= width_of(label) + GAP
    return out


def _more(needs: Sequence[Need]) -> str:
    """The needs left off a line, as "+5 more (1 short)"."""
    late = sum(1 for n in needs if n.assigned < n.required)
    return f"+{len(needs)} more" + (f" ({late} short)" if late else "")
