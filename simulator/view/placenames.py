"""Names on the base map: districts, then bridges, then streets, none overlapping.

A name is shown only when the zoom leaves room for it: districts when the name fits
inside the district, bridges once a block is a few pixels long, arterials once they are
far enough apart to be told apart, other streets only close in. Street names run along
their street (rotated, kept upright) and repeat along long streets; a name that would
overlap one already placed is left out. No name goes under the icons drawn over the
base map (stations with the units parked round them, hospitals, staging areas): a
street's name slides along its street to clear them, a bridge's moves along its deck, a
district's name moves up, down or aside, clear of bridge decks too, and is left out
where it finds no such place. The incidents on the map (``marks``) are kept clear the
same way, but a name goes under one rather than be left out.
"""

import itertools
import math

import numpy as np
import pygame

from simulator.view.markers import crowd_reach, incident_reach, unit_px
from simulator.view.palette import DISTRICT_NAME, LAND, STREET_NAME
from simulator.view.text import Text
from simulator.world.geography import Geography

# Block length in pixels from which each kind of name is shown.
BRIDGE_NAMES_PX = 4.0
MAJOR_NAMES_PX = 14.0
MINOR_NAMES_PX = 60.0
# Half the size of a station, hospital or staging icon (pixels): a district's name keeps
# this far off their centres.
LANDMARK_PX = 12
# How many lines of text a district's name may move up or down to keep off them.
LANDMARK_STEPS = 3
# Screen pixels between repeats of one street's name.
REPEAT_PX = 520
# Where a street's name tries to go, in label lengths from each repeat's place, to
# clear the icons on its street.
SLIDES = (0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5)
# How far a district's name may move aside (label widths) to clear an icon or a bridge.
ASIDE = 0.6
# A bridge deck's width (pixels): a district's name keeps this far off its middle line.
DECK_PX = 10
ROTATED_CACHE = 3000


class PlaceNames:
    """Places names on a base-map surface without overlaps."""

    def __init__(
        self,
        geography: Geography,
        xy: np.ndarray,
        text: Text,
        landmarks: np.ndarray | None = None,
        crowds: np.ndarray | None = None,
    ):
        self.geography = geography
        self.xy = xy
        self.landmarks = np.zeros((0, 2)) if landmarks is None else landmarks
        # Units based at each landmark: they are drawn in a ring round it.
        self.crowds = np.zeros(len(self.landmarks), int) if crowds is None else crowds
        self.icons: list[pygame.Rect] = []  # where the landmarks' icons cover the surface
        self.marks: list[pygame.Rect] = []  # where the incidents' markers do
        self._hit: set[tuple[int, int, int, int]] = set()  # the marks a name kept off
        self._probes: list[pygame.Rect] = []  # bridge names' first places: a mark moves them
        self._frame: tuple[pygame.Rect, np.ndarray, float] | None = None  # the last draw
        self.decks: list[tuple[tuple[float, float], tuple[float, float]]] = []  # bridges
        self.text = text
        self._rotated: dict[tuple, tuple[pygame.Surface, pygame.Surface]] = {}
        runs = [(s, run) for s in geography.streets if s.name for run in s.runs if len(run) > 1]
        self.runs = runs
        boxes = [(xy[run].min(axis=0), xy[run].max(axis=0)) for _, run in runs]
        self.lo = np.array([b[0] for b in boxes]).reshape(-1, 2)
        self.hi = np.array([b[1] for b in boxes]).reshape(-1, 2)
        self.bridge = np.array([s.bridge for s, _ in runs], bool)
        self.arterial = np.array([s.arterial for s, _ in runs], bool)
        self.placed: list[tuple[str, pygame.Rect]] = []  # names drawn at the last call

    def draw(
        self,
        surface: pygame.Surface,
        origin: np.ndarray,
        scale: float,
        block: float,
        marks: np.ndarray | None = None,
    ) -> None:
        """Name what fits at this zoom; ``block`` is a typical block's length in pixels.

        ``marks``: where the incidents' markers stand (world metres), drawn over the map.
        """
        self.placed = []
        taken: list[pygame.Rect] = []
        self.icons = self._icons(surface.get_rect(), origin, scale)
        self.marks = self._marks(surface.get_rect(), origin, scale, marks)
        self._hit = set()
        self._probes = []
        self._frame = (surface.get_rect(), origin, scale)
        self.decks = self._decks(origin, scale)
        for district in self.geography.districts:
            self._district(surface, district, origin, scale, taken)
        if block < BRIDGE_NAMES_PX:
            return
        w, h = surface.get_size()
        lo = (self.lo - origin) * scale
        hi = (self.hi - origin) * scale
        wanted = (
            self.bridge | (self.arterial & (block >= MAJOR_NAMES_PX)) | (block >= MINOR_NAMES_PX)
        )
        seen = np.flatnonzero(
            wanted & (hi[:, 0] >= 0) & (hi[:, 1] >= 0) & (lo[:, 0] < w) & (lo[:, 1] < h)
        )
        for k in sorted(seen, key=self._rank):
            street, run = self.runs[k]
            pts = (self.xy[run] - origin) * scale
            if street.bridge:
                self._bridge(surface, street.name, pts, taken)
            else:
                self._along(surface, street.name, pts, taken, int(k))

    def _icons(self, bounds: pygame.Rect, origin: np.ndarray, scale: float) -> list[pygame.Rect]:
        """The squares the landmarks' icons and parked units cover on the surface."""
        size = unit_px(self.text.base, scale)
        out = []
        for (x, y), crowd in zip((self.landmarks - origin) * scale, self.crowds, strict=True):
            half = max(LANDMARK_PX, crowd_reach(int(crowd), size))
            square = pygame.Rect(round(x) - half, round(y) - half, 2 * half, 2 * half)
            if square.colliderect(bounds):
                out.append(square)
        return out

    def keep(self, marks: np.ndarray) -> bool:
        """Take ``marks`` for the last draw's if no name would move for them; whether so.

        No name moves when the incidents gone were clear of every place a name tried
        and the new ones are clear of every name placed (and of a bridge's first places,
        which a marker there adds places to): then the surface drawn stands.
        """
        if self._frame is None:
            return False
        new = self._marks(*self._frame, marks)
        now = {tuple(rect) for rect in new}
        if any(hit not in now for hit in self._hit):
            return False
        before = {tuple(rect) for rect in self.marks}
        added = [rect for rect in new if tuple(rect) not in before]
        probes = [r for _, r in self.placed] + self._probes
        if any(rect.collidelist(probes) >= 0 for rect in added):
            return False
        self.marks = new
        return True

    def _unmarked(self, rect: pygame.Rect) -> bool:
        """Whether no incident's marker covers ``rect`` (noting those that do)."""
        hit = rect.collidelistall(self.marks)
        self._hit.update(tuple(self.marks[k]) for k in hit)
        return not hit

    def _marks(
        self, bounds: pygame.Rect, origin: np.ndarray, scale: float, marks: np.ndarray | None
    ) -> list[pygame.Rect]:
        """The squares the incidents' markers cover on the surface."""
        if marks is None or not len(marks):
            return []
        half = incident_reach(self.text, scale)
        out = []
        for x, y in ((marks - origin) * scale).tolist():
            square = pygame.Rect(round(x) - half, round(y) - half, 2 * half, 2 * half)
            if square.colliderect(bounds):
                out.append(square)
        return out

    def _decks(self, origin: np.ndarray, scale: float) -> list:
        """Each bridge's segments on the surface."""
        out = []
        for k in np.flatnonzero(self.bridge):
            pts = ((self.xy[self.runs[k][1]] - origin) * scale).tolist()
            out += [(tuple(a), tuple(b)) for a, b in itertools.pairwise(pts)]
        return out

    def _covers(self, rect: pygame.Rect, decks: bool = False) -> int:
        """How many landmarks (and, with ``decks``, bridge segments) a name there covers."""
        covered = len(rect.collidelistall(self.icons))
        if decks:
            wide = rect.inflate(DECK_PX, DECK_PX)
            covered += sum(1 for a, b in self.decks if wide.clipline(a, b))
        return covered

    def _rank(self, k: int) -> tuple[bool, bool]:
        """Bridges are named first, then arterials, then other streets."""
        street = self.runs[k][0]
        return (not street.bridge, not street.arterial)

    def _district(self, surface, district, origin, scale, taken: list[pygame.Rect]) -> None:
        name = district.name.upper()
        label = self.text.render(name, self.text.large, DISTRICT_NAME, True)
        if label.get_width() > self._room(district) * scale * 0.8:
            return
        rect = self._clear_of_landmarks(label, district, origin, scale)
        if rect is not None and rect.colliderect(surface.get_rect()):
            self._blit(surface, name, label, self._halo(name, self.text.large, True), rect, taken)

    def _room(self, district) -> float:
        """Metres a district's name may span: the district's width, or the way to the next.

        A hand-drawn map names a district at one intersection, or a column of them,
        whose width is nil: its name was never shown. There the name may reach as far
        as the nearest other district's centre, so two names still never meet.
        """
        x0, _, x1, _ = district.box
        gaps = [
            math.hypot(other.x - district.x, other.y - district.y)
            for other in self.geography.districts
            if other is not district
        ]
        return max(x1 - x0, min(gaps, default=math.inf))

    def _clear_of_landmarks(self, label, district, origin, scale) -> pygame.Rect | None:
        """Where a district's name goes, clear of the icons drawn over the base map.

        Its centre, else the nearest place below or above it (within the district, or
        ``LANDMARK_STEPS`` lines of text of its centre), or beside one of those within
        the district, that covers no station (nor its parked units), hospital or staging
        icon and crosses no bridge; the first such that an incident's marker covers when
        all do; None when there is none (the zoom leaves no room).
        """
        x, y = (district.x - origin[0]) * scale, (district.y - origin[1]) * scale
        x0, y0, x1, y1 = district.box
        left, right = (x0 - origin[0]) * scale, (x1 - origin[0]) * scale
        step = label.get_height()
        reach = max(LANDMARK_STEPS, int((y1 - y0) * scale / 2 // max(step, 1)))
        centre = label.get_rect(center=(round(x), round(y)))
        aside = round(label.get_width() * ASIDE)
        marked = None  # the first place only an incident's marker covers
        for k in range(reach + 1):
            for dy in (k * step, -k * step) if k else (0,):
                for dx in (0, -aside, aside):
                    rect = centre.move(dx, dy)
                    if dx and (rect.left < left or rect.right > right):
                        continue
                    if not self._covers(rect, decks=True):
                        if self._unmarked(rect):
                            return rect
                        if marked is None:
                            marked = rect
        return marked

    def _bridge(self, surface, name: str, pts: np.ndarray, taken: list[pygame.Rect]) -> None:
        """A bridge's name beside its middle, level; past an incident's marker if one is there."""
        mid = pts.mean(axis=0)
        label = self.text.render(name, self.text.small, STREET_NAME, True)
        halo = self._halo(name, self.text.small, True)
        right = label.get_rect(midleft=(round(mid[0] + 8), round(mid[1])))
        left = label.get_rect(midright=(round(mid[0] - 8), round(mid[1])))
        tries = [right, left]
        self._probes += tries
        on_right = [self.marks[k] for k in right.collidelistall(self.marks)]
        if on_right:
            tries.append(right.move(max(m.right for m in on_right) + 2 - right.left, 0))
        on_left = [self.marks[k] for k in left.collidelistall(self.marks)]
        if on_left:
            tries.append(left.move(min(m.left for m in on_left) - 2 - left.right, 0))
        self._hit.update(tuple(m) for m in on_right + on_left)
        marked = None
        for rect in tries:
            if rect.collidelist(taken) < 0 and not self._covers(rect):
                if self._unmarked(rect):
                    self._blit(surface, name, label, halo, rect, taken)
                    return
                if marked is None:
                    marked = rect
        if marked is not None:
            self._blit(surface, name, label, halo, marked, taken)

    def _along(self, surface, name: str, pts: np.ndarray, taken, index: int) -> None:
        """A street's name along it, every ``REPEAT_PX``, where it does not overlap."""
        step = np.hypot(*np.diff(pts, axis=0).T)
        distance = np.concatenate(([0.0], np.cumsum(step)))
        total = float(distance[-1])
        label = self.text.render(name, self.text.small, STREET_NAME)
        span = label.get_width() + 12
        if total < span:
            return
        bounds = surface.get_rect()
        offset = REPEAT_PX * ((index * 0.37) % 1)  # parallel streets do not line up
        for d in np.arange(span / 2 + offset % max(1.0, total - span), total - span / 2, REPEAT_PX):
            marked = None  # the first place only an incident's marker covers
            for slide in SLIDES:  # along the street, off the icons on it
                at = d + slide * span
                if not span / 2 <= at <= total - span / 2:
                    continue
                x = float(np.interp(at, distance, pts[:, 0]))
                y = float(np.interp(at, distance, pts[:, 1]))
                if not bounds.collidepoint(x, y):
                    continue
                a = [np.interp(at - span / 2, distance, pts[:, i]) for i in (0, 1)]
                b = [np.interp(at + span / 2, distance, pts[:, i]) for i in (0, 1)]
                angle = _upright(math.degrees(math.atan2(a[1] - b[1], b[0] - a[0])))
                fg, bg = self._turned(name, round(angle / 5) * 5)
                rect = fg.get_rect(center=(round(x), round(y)))
                if rect.collidelist(taken) < 0 and not self._covers(rect):
                    if self._unmarked(rect):
                        self._blit(surface, name, fg, bg, rect, taken)
                        break
                    if marked is None:
                        marked = (fg, bg, rect)
            else:
                if marked is not None:
                    self._blit(surface, name, *marked, taken)

    def _turned(self, name: str, angle: int) -> tuple[pygame.Surface, pygame.Surface]:
        key = (name, self.text.small, angle)
        found = self._rotated.get(key)
        if found is None:
            if len(self._rotated) > ROTATED_CACHE:
                self._rotated.clear()
            label = self.text.render(name, self.text.small, STREET_NAME)
            halo = self._halo(name, self.text.small, False)
            found = (pygame.transform.rotate(label, angle), pygame.transform.rotate(halo, angle))
            self._rotated[key] = found
        return found

    def _halo(self, name: str, size: int, bold: bool) -> pygame.Surface:
        return self.text.render(name, size, LAND, bold)

    def _blit(self, surface, name, label, halo, rect: pygame.Rect, taken) -> None:
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            surface.blit(halo, rect.move(dx, dy))
        surface.blit(label, rect)
        taken.append(rect.inflate(6, 6))
        self.placed.append((name, rect))


def _upright(angle: float) -> float:
    """An angle in degrees turned by half a turn if needed, so text never reads upside down."""
    while angle > 90:
        angle -= 180
    while angle <= -90:
        angle += 180
    return angle
