"""The unit roster: the trainee's units (and any shared with them), filterable."""

import pygame

from simulator.exercise import UnitView
from simulator.view.icons import unit_icon
from simulator.view.palette import MUTED, ROW_HILITE, TEXT
from simulator.view.panel import PAD, Panel
from simulator.view.picture import Snapshot

# Status filters, in the order U cycles through them.
STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "all": None,
    "available": frozenset({"available"}),
    "committed": frozenset({"dispatched", "en_route", "staged", "on_scene"}),
    "transport": frozenset({"transporting", "at_hospital", "returning"}),
    "out of service": frozenset({"out_of_service"}),
}


class Roster(Panel):
    """Units by agency and id; click to select, shift-click to add."""

    title = "Units"

    def __init__(
        self,
        text,
        kinds: dict[str, str],
        names: dict[str, str] | None = None,
        own: tuple[str, ...] = (),
    ):
        super().__init__(text)
        self.kinds = kinds
        self.names = names or {}  # agency id -> name, for the filter in the heading
        self.own = own  # the trainee's agencies: G shows these first
        self.snapshot: Snapshot | None = None
        self.selected: list[str] = []
        self.status = "all"
        self.agency: str | None = None
        self.hint = ""  # the rows left out at the last render ("+12 more ..."), if any

    def cycle_status(self) -> None:
        """Next status filter."""
        names = list(STATUS_FILTERS)
        self.status = names[(names.index(self.status) + 1) % len(names)]
        self.scroll, self.dirty = 0, True

    def cycle_agency(self) -> None:
        """Next agency filter: all, the trainee's own agencies, then the others by name.

        Only agencies with units shown are offered.
        """
        here = {u.agency for u in self.snapshot.units} if self.snapshot else set()
        mine = [a for a in self.own if a in here]
        rest = sorted(here - set(mine), key=lambda a: (self.names.get(a, a), a))
        agencies = [None, *mine, *rest]
        index = agencies.index(self.agency) if self.agency in agencies else 0
        self.agency = agencies[(index + 1) % len(agencies)]
        self.scroll, self.dirty = 0, True

    def shown(self) -> list[UnitView]:
        """Units passing the filters."""
        wanted = STATUS_FILTERS[self.status]
        units = self.snapshot.units if self.snapshot else ()
        return [
            u
            for u in units
            if (wanted is None or u.status.value in wanted)
            and (self.agency is None or u.agency == self.agency)
        ]

    def heading(self) -> str:
        """Title with the count shown and the filters (U: status, G: agency).

        The agency by name, as the log and the selection name it, cut to the panel's
        width ("Meridian Office of Emergen..."), never its id.
        """
        head = f"Units {len(self.shown())}  [U] {self.status}  [G] "
        if self.agency is None:
            return head + "all agencies"
        name = self.names.get(self.agency, self.agency)
        return head + _fit_bold(self.text, head, name, self.rect.width - 2 * PAD)

    def render(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """One line per unit: icon, id, type, status, incident."""
        units = self.shown()
        if not units:
            self.empty(surface, body, "No units match the filter.")
            return
        text = self.text
        row_h = text.line
        visible = self.rows_fit(body, row_h)
        self.hint = ""
        if len(units) > visible:  # the last row says how many more there are
            visible = max(1, visible - 1)
            self.scroll = min(self.scroll, len(units) - visible)
            self.hint = _more(self.scroll, len(units) - self.scroll - visible)
            label = text.render(text.fit(self.hint, body.width - 2 * PAD, text.small), text.small)
            surface.blit(label, (PAD, body.y + visible * row_h + 3))
        self.scroll = min(self.scroll, max(0, len(units) - visible))
        y = body.y
        width = body.width
        for unit in units[self.scroll : self.scroll + visible]:
            row = pygame.Rect(0, y, width, row_h)
            if unit.id in self.selected:
                pygame.draw.rect(surface, ROW_HILITE, row)
            icon = unit_icon(self.kinds.get(unit.agency, ""), unit.status.value, row_h - 4)
            surface.blit(icon, (PAD, y + 2))
            x = PAD + row_h + 2
            surface.blit(text.render(text.fit(unit.id, width // 4), text.base, TEXT), (x, y + 1))
            status = unit.status.value.replace("_", " ")
            if unit.incident:
                status += f" {unit.incident}"
            right = text.render(text.fit(status, width // 2 - PAD), text.small, MUTED)
            surface.blit(right, (width - right.get_width() - PAD, y + 3))
            kind = text.fit(unit.type, width // 2 - x - width // 4 + width // 4 - 10)
            surface.blit(text.render(kind, text.small, MUTED), (x + width // 4, y + 3))
            self.add_hit(row, unit.id)
            y += row_h


def _fit_bold(text, head: str, name: str, width: int) -> str:
    """``name`` cut with an ellipsis to fit after ``head`` in ``width`` pixels (bold)."""
    font = text.font(text.base)
    font.set_bold(True)
    try:
        if font.size(head + name)[0] <= width:
            return name
        while len(name) > 1 and font.size(f"{head}{name.rstrip()}...")[0] > width:
            name = name[:-1]
        return name.rstrip() + "..."
    finally:
        font.set_bold(False)


def _more(above: int, below: int) -> str:
    """The hint under a list that does not fit: how many rows are out of sight."""
    parts = [f"+{below} more below"] if below else []
    if above:
        parts.append(f"{above} above")
    return ", ".join(parts) + " (wheel scrolls; U, G filter)"
