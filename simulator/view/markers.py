"""Things drawn on the map each frame: facilities, operations, incidents, closures, units.

Icons are drawn first, then road-closure signs (above incident badges, moved clear of
them), then every label at once through ``placement.Placer`` so no label covers another.
"""

import math
from functools import lru_cache

import numpy as np
import pygame

from simulator.exercise import UnitView
from simulator.terminal import SeatView
from simulator.view.camera import Camera
from simulator.view.icons import (
    closure_icon,
    facility_icon,
    hospital_icon,
    incident_icon,
    staging_icon,
    traffic_point_icon,
    unit_icon,
)
from simulator.view.operations import OVER, Operation
from simulator.view.palette import (
    BLACK,
    CLOSED,
    GREY,
    LABEL_PLATE,
    ORANGE,
    SELECTED,
    VERMILLION,
    WHITE,
    agency_colour,
)
from simulator.view.picture import KnownIncident, Snapshot
from simulator.view.placement import Placer
from simulator.view.text import Text

# Labels of units and places appear once the map is zoomed in this far (pixels per
# metre); incidents are always named.
LABEL_SCALE = 0.12
# Units drawn within this many pixels (or three quarters of an icon, if more) of each
# other share a spot: up to FAN_MAX of them fan out in a ring, more make a stack.
FAN_PX = 4
FAN_MAX = 16
# Zoomed out (below LABEL_SCALE), rings stay small: more than this many make a stack.
FAN_FAR = 6
# The marker layer's transparent colour (never drawn: magenta is in no icon).
CLEAR = (255, 0, 255)
# An operation's title on the map is cut to this many characters (the log has it whole).
OP_TITLE = 28
# Closure signs closer than this many sign widths to one already drawn are left out.
SIGN_SPACING = 2.5
# Where a stack goes from its spot, in tenths of an icon: beside it, so a badge there
# shows; up-left unless a base-map name or another incident is there, then the first
# corner clear of them. Never up-right, where an incident's count of the units it still
# wants is, nor straight aside, where the pile's own count would cover the badge.
PILE_SIDES = ((-13, -13), (-13, 13), (13, 13))


class Markers:
    """Draws the dynamic map layer and finds what is under the pointer."""

    def __init__(self, exercise: SeatView, text: Text):
        self.text = text
        atlas, scenario = exercise.atlas, exercise.scenario
        self.roads = atlas.roads
        xy = atlas.roads.xy
        kinds = {a.id: a.kind.value for a in scenario.agencies}
        self.kinds = kinds
        self.stations = [
            (kinds[s.agency], *xy[atlas.locate(s.location)]) for s in scenario.stations
        ]
        self.hospitals = [
            (h.name or h.id, *xy[atlas.locate(h.location)]) for h in scenario.hospitals
        ]
        self.staging = [
            (s.name or s.id, *xy[atlas.locate(s.location)]) for s in scenario.staging_areas
        ]
        service = scenario.operations.deconfliction
        # A planned operation's ring: what the watch centre counts as "the same place".
        self.op_radius = service.radius_m if service is not None else 0.0
        self.played: frozenset[str] = frozenset()  # the trainee's agencies (set by the console)
        self.labels: list[tuple[str, pygame.Rect]] = []  # placed at the last frame
        self.facilities: list[pygame.Rect] = []  # stations, hospitals, staging: last frame
        self.badges: list[pygame.Rect] = []  # incident badges drawn at the last frame
        self.signs: list[pygame.Rect] = []  # closure signs drawn at the last frame
        self._overlay: pygame.Surface | None = None
        self._key: tuple | None = None
        self._placed: tuple[tuple, dict[str, tuple[int, int]]] | None = None
        self._names: tuple[pygame.Rect, ...] = ()  # the base map's names at the last frame
        # Crowds too big to fan out, drawn as one stack: screen point and units.
        self.stacks: list[tuple[tuple[int, int], tuple[UnitView, ...]]] = []

    def sizes(self, camera: Camera) -> tuple[int, int]:
        """Unit and incident icon sizes for the zoom (never illegibly small)."""
        unit = unit_px(self.text.base, camera.scale)
        return unit, incident_px(unit)

    def draw(
        self,
        surface: pygame.Surface,
        camera: Camera,
        snap: Snapshot,
        chosen: dict,
        names: tuple[pygame.Rect, ...] = (),
    ) -> None:
        """Blit the marker layer, painting it again only when something on it changed.

        Between two readings of unit positions (``picture.UNITS_REFRESH_S``) nothing on
        it moves, so most frames are one blit of a colour-keyed surface. ``names``: the
        base map's street and place names on screen, which labels keep off.
        """
        key = (
            names,
            _view(camera),
            self.text.base,
            snap.units,
            snap.incidents,
            snap.closed,
            snap.holes,
            snap.posts,
            snap.staging,
            snap.operations,
            snap.control_points,
            frozenset(chosen["units"]),
            chosen["incident"],
            chosen.get("point"),
        )
        self._names = names
        size = (camera.left + camera.width, camera.top + camera.height)
        if self._overlay is None or self._overlay.get_size() != size or not _same(key, self._key):
            if self._overlay is None or self._overlay.get_size() != size:
                self._overlay = pygame.Surface(size)
                self._overlay.set_colorkey(CLEAR)
            self._overlay.fill(CLEAR)
            self._paint(self._overlay, camera, snap, chosen, names)
            self._key = key
        area = pygame.Rect(camera.left, camera.top, camera.width, camera.height)
        surface.blit(self._overlay, area, area)

    def _paint(
        self,
        surface: pygame.Surface,
        camera: Camera,
        snap: Snapshot,
        chosen: dict,
        names: tuple[pygame.Rect, ...],
    ) -> None:
        """Facilities, incidents, units and selection rings, closure signs, then labels."""
        unit_size, incident_size = self.sizes(camera)
        zoomed = camera.scale >= LABEL_SCALE
        fac = max(10, unit_size - 2)
        placer = Placer(pygame.Rect(camera.left, camera.top, camera.width, camera.height))
        for rect in names:
            placer.name(rect)
        named: list[tuple[int, str, pygame.Rect, bool]] = []  # priority, text, icon, must
        for x, y, radius in snap.holes:
            at = camera.to_screen(x, y)
            coverage_ring(surface, at, radius * camera.scale)
            named.append((1, "radio coverage lost", pygame.Rect(at, (0, 0)), True))
        for kind, x, y in self.stations:
            placer.facility(self._blit(surface, facility_icon(kind, fac), camera.to_screen(x, y)))
        for name, x, y in self.hospitals:
            rect = self._blit(surface, hospital_icon(fac + 4), camera.to_screen(x, y))
            placer.facility(rect)
            if zoomed:
                named.append((3, name, rect, False))
        for name, x, y in self.staging:
            rect = self._blit(surface, staging_icon(fac + 2), camera.to_screen(x, y))
            placer.facility(rect)
            if zoomed:
                named.append((3, name, rect, False))
        for area, x, y in snap.staging:  # opened during the run: always named (STG-1)
            rect = self._blit(surface, staging_icon(fac + 2), camera.to_screen(x, y))
            placer.facility(rect)
            named.append((2, area, rect, True))
        for op in snap.operations:
            drawn = self._operation(surface, camera, op, unit_size)
            if drawn is not None:
                placer.block(drawn[0])
                named.append((1, self._op_label(op), drawn[1], True))
        posts = set(snap.posts)
        self.badges = []
        for incident in snap.incidents:
            rect = self._incident(surface, camera, incident, incident_size, chosen)
            if rect is not None:
                self.badges.append(rect)
                placer.block(rect)
                name = f"{incident.id}  ICP" if (incident.x, incident.y) in posts else incident.id
                named.append((0, name, rect, True))
        for point in snap.control_points:
            at = camera.to_screen(point.x, point.y)
            rect = self._blit(surface, traffic_point_icon(fac + 2), at)
            placer.block(rect)
            named.append((1, f"TCP {point.road} ({point.unit})", rect, zoomed))
        if chosen.get("point") is not None:
            self._point(surface, camera.to_screen(*chosen["point"]), unit_size)
        self._units(surface, camera, snap.units, chosen["units"], placer, named)
        self.signs = self._closures(surface, camera, snap.closed, unit_size + 2)
        for rect in self.signs:
            placer.reserve(rect)
        for _, name, icon, must in sorted(named, key=lambda n: n[0]):
            self._label(surface, placer, name, icon, must)
        self.labels = placer.labels
        self.facilities = placer.facilities

    def _units(self, surface, camera, units, selected, placer: Placer, named: list) -> None:
        """Every unit's icon in one ``blits`` call (a thousand units are common)."""
        size = self.sizes(camera)[0]
        placed = self.placed(camera, units)
        zoomed = camera.scale >= LABEL_SCALE
        left, top = camera.left, camera.top
        right, bottom = left + camera.width, top + camera.height
        half = size // 2
        icons: dict[tuple[str, str], pygame.Surface] = {}
        batch = []
        stacked = {u.id for _, crowd in self.stacks for u in crowd}
        for unit in units:
            if unit.id in stacked:
                continue
            x, y = placed[unit.id]
            if not (left <= x < right and top <= y < bottom):
                continue
            look = (unit.agency, unit.status.value)
            icon = icons.get(look)
            if icon is None:
                icon = icons[look] = unit_icon(self.kinds.get(unit.agency, ""), look[1], size)
            rect = pygame.Rect(x - half, y - half, size, size)
            batch.append((icon, rect))
            placer.block(rect)
            if unit.id in selected:
                named.append((0, unit.id, rect, True))
            elif zoomed:
                named.append((4, unit.id, rect, False))
        surface.blits(batch, doreturn=False)
        for centre, crowd in self.stacks:
            if camera.contains(*centre):
                placer.block(self._stack(surface, centre, crowd, size))
        for unit_id in selected:
            if unit_id in placed and camera.contains(*placed[unit_id]):
                pygame.draw.circle(surface, SELECTED, placed[unit_id], size * 0.8, 2)

    def _stack(self, surface, centre: tuple[int, int], crowd, size: int) -> pygame.Rect:
        """A pile of icons with a count: the most common kind of unit in the crowd."""
        looks = [(u.agency, u.status.value) for u in crowd]
        agency, status = max(set(looks), key=lambda look: (looks.count(look), look))
        icon = unit_icon(self.kinds.get(agency, ""), status, size)
        return stack_pile(surface, self.text, icon, centre, len(crowd))

    def _incident(
        self, surface, camera, incident: KnownIncident, size: int, chosen: dict
    ) -> pygame.Rect | None:
        at = camera.to_screen(incident.x, incident.y)
        if not camera.contains(*at):
            return None
        rect = self._blit(surface, incident_icon(incident.type, incident.priority, size), at)
        if incident.id == chosen["incident"]:
            pygame.draw.rect(surface, SELECTED, rect.inflate(8, 8), 3, border_radius=6)
        if incident.unmet:
            badge = (at[0] + size // 2, at[1] - size // 2)
            radius = _badge_radius(self.text)
            pygame.draw.circle(surface, ORANGE, badge, radius)
            pygame.draw.circle(surface, BLACK, badge, radius, 1)
            digit = self.text.render(str(min(incident.unmet, 99)), self.text.small, BLACK, True)
            surface.blit(digit, digit.get_rect(center=badge))
            rect = rect.union(
                pygame.Rect(0, 0, 2 * radius, 2 * radius).move(badge[0] - radius, badge[1] - radius)
            )
        return rect

    def _operation(
        self, surface: pygame.Surface, camera: Camera, op: Operation, size: int
    ) -> tuple[pygame.Rect, pygame.Rect] | None:
        """A planned operation: its lead's colour, a cross-hair badge, the watch centre's ring.

        Dashed while its lead has not registered it; grey once it is over, vermillion if
        compromised. Returns the badge's rectangle and where its label hangs: under the
        ring, clear of the crowd a station or a scene puts at its middle.
        """
        at = camera.to_screen(op.x, op.y)
        radius = max(size, round(self.op_radius * camera.scale))
        if not camera.contains(*at) and not camera.contains(at[0] + radius, at[1]):
            return None
        colour = agency_colour(self.kinds.get(op.lead, ""))
        if op.state == "compromised":
            colour = VERMILLION
        elif op.state in OVER:
            colour = GREY
        if op.registered is None and op.state not in OVER:
            _dashed_circle(surface, colour, at, radius)
        else:
            pygame.draw.circle(surface, colour, at, radius, 2)
        half = max(6, size // 2 + 2)
        pygame.draw.circle(surface, BLACK, at, half + 2)
        pygame.draw.circle(surface, colour, at, half)
        pygame.draw.circle(surface, BLACK, at, half // 2, 2)
        for dx, dy in ((1, 0), (0, 1)):
            a = (at[0] - dx * half, at[1] - dy * half)
            b = (at[0] + dx * half, at[1] + dy * half)
            pygame.draw.line(surface, BLACK, a, b, 2)
        badge = pygame.Rect(at[0] - half - 2, at[1] - half - 2, 2 * half + 4, 2 * half + 4)
        return badge, pygame.Rect(at[0] - 1, at[1] + radius - 1, 2, 2)

    def _op_label(self, op: Operation) -> str:
        """Id, title (cut short), window and phase; "NOT REGISTERED" for an own one not yet."""
        title = op.title if len(op.title) <= OP_TITLE else op.title[: OP_TITLE - 3] + "..."
        label = f"{op.id} {title} {op.window} {op.status}"
        if op.covert:
            label += " (covert)"
        if op.lead in self.played and op.registered is None and op.state not in OVER:
            label += " NOT REGISTERED"
        return label

    def _closures(
        self, surface: pygame.Surface, camera: Camera, closed: frozenset[int], size: int
    ) -> list[pygame.Rect]:
        """A no-entry sign on each closed road, clear of incident badges.

        The dashed road itself is on the base map; the sign is drawn above everything
        else on it, moved along the road or around it until no badge covers it, with a
        line back to the road when it had to move.
        """
        signs: list[pygame.Rect] = []
        icon = closure_icon(size)
        done: set[tuple[int, int]] = set()
        for edge in sorted(closed):
            u, v = int(self.roads.src[edge]), int(self.roads.dst[edge])
            if (v, u) in done:
                continue
            done.add((u, v))
            a = np.array(camera.to_screen(*self.roads.xy[u]), float)
            b = np.array(camera.to_screen(*self.roads.xy[v]), float)
            mid = (a + b) / 2
            if not camera.contains(*mid):
                continue
            if any(math.dist(mid, s.center) < size * SIGN_SPACING for s in signs):
                continue
            spot = _clear_spot(mid, b - a, size, self.badges + signs)
            rect = icon.get_rect(center=(round(spot[0]), round(spot[1])))
            if math.dist(spot, mid) > size / 2:
                pygame.draw.line(surface, BLACK, mid, spot, 3)
                pygame.draw.line(surface, CLOSED, mid, spot, 1)
            surface.blit(icon, rect)
            signs.append(rect)
        return signs

    def _point(self, surface: pygame.Surface, at: tuple[int, int], size: int) -> None:
        """A cross-hair where the trainee clicked: "here" for a staging area."""
        x, y = at
        for dx, dy in ((1, 0), (0, 1)):
            a = (x - dx * size, y - dy * size)
            b = (x + dx * size, y + dy * size)
            pygame.draw.line(surface, BLACK, a, b, 4)
            pygame.draw.line(surface, SELECTED, a, b, 2)
        pygame.draw.circle(surface, SELECTED, at, max(4, size // 2), 2)

    def _blit(
        self, surface: pygame.Surface, icon: pygame.Surface, at: tuple[int, int]
    ) -> pygame.Rect:
        """Draw an icon centred on a point; its rectangle on screen."""
        rect = icon.get_rect(center=at)
        surface.blit(icon, rect)
        return rect

    def _label(self, surface, placer: Placer, name: str, icon: pygame.Rect, must: bool) -> None:
        """A label on a dark plate, where the placer finds room for it."""
        label = self.text.render(name, self.text.small, WHITE)
        spot = placer.place(name, (label.get_width() + 4, label.get_height()), icon, must)
        if spot is not None:
            pygame.draw.rect(surface, LABEL_PLATE, spot, border_radius=3)
            surface.blit(label, (spot.x + 2, spot.y))

    def placed(self, camera: Camera, units: tuple[UnitView, ...]) -> dict[str, tuple[int, int]]:
        """Where each unit is drawn on screen.

        Units that would overlap (at a station, on a scene) fan out in a ring, so every
        one of them can be seen and clicked; more than ``FAN_MAX`` (``FAN_FAR`` zoomed
        out) are drawn as one stack with a count (``stacks``), whose click selects them
        all; a stack goes beside its spot, on a side clear of the base map's names and
        other incidents' badges where there is one (``PILE_SIDES``). Worked out with
        numpy, and kept while neither the units read, the view, the names shown nor the
        incidents' badges change.
        """
        key = (_view(camera), self.text.base, units, self._names, tuple(self.badges))
        if self._placed is not None and _same(key, self._placed[0]):
            return self._placed[1]
        size = self.sizes(camera)[0]
        most = FAN_MAX if camera.scale >= LABEL_SCALE else FAN_FAR
        out: dict[str, tuple[int, int]] = {}
        self.stacks = []
        if units:
            screen = camera.to_screen_array(np.array([(u.x, u.y) for u in units]))
            spot = np.round(screen / max(FAN_PX, size * 0.75)).astype(np.int64)
            code = spot[:, 0] * 1_000_003 + spot[:, 1]
            _, first, group, count = np.unique(
                code, return_index=True, return_inverse=True, return_counts=True
            )
            pixels = screen.astype(np.int64)
            xs, ys = pixels[:, 0].tolist(), pixels[:, 1].tolist()
            out = dict(zip([u.id for u in units], zip(xs, ys, strict=True), strict=True))
            members: dict[int, list[UnitView]] = {}
            for k in np.flatnonzero(count[group] > 1).tolist():
                members.setdefault(int(group[k]), []).append(units[k])
            for g, crowd in members.items():
                centre = (xs[first[g]], ys[first[g]])
                crowd.sort(key=lambda u: u.id)
                if len(crowd) > most:
                    pile = self._pile_side(centre, size, len(crowd))
                    self.stacks.append((pile, tuple(crowd)))
                    out.update(dict.fromkeys((u.id for u in crowd), pile))
                else:
                    out.update(_fan(crowd, centre, size))
        self._placed = (key, out)
        return out

    def _pile_side(self, centre: tuple[int, int], size: int, count: int) -> tuple[int, int]:
        """Where a stack of ``count`` beside ``centre`` covers least of names and incidents.

        Of the sides in ``PILE_SIDES``, the first that covers none, else the one that
        covers the fewest pixels of them; the incident at the spot itself is not counted.
        """
        keep = [*self._names, *(b for b in self.badges if not b.collidepoint(centre))]
        best, fewest = centre, None
        for dx, dy in PILE_SIDES:
            pile = (centre[0] + size * dx // 10, centre[1] + size * dy // 10)
            rect = pile_rect(self.text, size, pile, count)
            covered = sum(_area(rect.clip(keep[k])) for k in rect.collidelistall(keep))
            if fewest is None or covered < fewest:
                best, fewest = pile, covered
            if not covered:
                break
        return best

    def crowd_at(self, camera: Camera, units: tuple[UnitView, ...], pos) -> list[str]:
        """The units of the stack under a screen point (none when there is no stack)."""
        self.placed(camera, units)
        reach = self.sizes(camera)[0] * 0.7
        for (x, y), crowd in self.stacks:
            if max(abs(x - pos[0]), abs(y - pos[1])) <= reach:
                return [u.id for u in crowd]
        return []

    def unit_at(self, camera: Camera, units: tuple[UnitView, ...], pos) -> str | None:
        """The unit nearest a screen point, within its icon (where it is drawn)."""
        placed = self.placed(camera, units)
        best, best_d = None, self.sizes(camera)[0] * 0.7
        for unit in units:
            sx, sy = placed[unit.id]
            d = max(abs(sx - pos[0]), abs(sy - pos[1]))
            if d <= best_d:
                best, best_d = unit.id, d
        return best

    def incident_at(self, camera: Camera, incidents: tuple[KnownIncident, ...], pos) -> str | None:
        """The incident nearest a screen point, within its badge."""
        found = [(i.id, i.x, i.y) for i in incidents]
        return _nearest(camera, found, pos, self.sizes(camera)[1] * 0.7)


def unit_px(base: int, scale: float) -> int:
    """A unit icon's size for the font size and zoom (pixels per metre)."""
    return int(max(base * 0.95, min(base * 1.4, base * scale * 8)))


def incident_px(unit: int) -> int:
    """An incident's icon size beside units of ``unit`` pixels."""
    return int(unit * 1.6)


def incident_reach(text: Text, scale: float) -> int:
    """How far from an incident's spot (pixels, either way) its marker reaches.

    Its icon, and the badge counting the units it still wants at its top-right corner:
    the base map keeps its names off it where it can.
    """
    return incident_px(unit_px(text.base, scale)) // 2 + _badge_radius(text)


def _badge_radius(text: Text) -> int:
    return max(7, text.small // 2 + 1)


def crowd_reach(count: int, size: int) -> int:
    """How far from a spot (pixels, either way) ``count`` units of ``size`` there reach.

    They fan out in a ring round it, or pile up in a stack beside it (``placed``): the
    base map keeps its street names off a station's parked units this far out.
    """
    if count <= 1:
        return size // 2 + 2
    radius = _radius(min(count, FAN_MAX), size)
    pile = size * max(abs(d) for side in PILE_SIDES for d in side) / 10 if count > FAN_FAR else 0.0
    return math.ceil(max(radius, pile) + size / 2) + 2


def coverage_ring(surface: pygame.Surface, at: tuple[int, int], radius: float) -> None:
    """Radio coverage lost: a vermillion ring (shared by the map and the help's legend)."""
    pygame.draw.circle(surface, VERMILLION, at, max(4, radius), 2)


def stack_pile(
    surface: pygame.Surface, text: Text, icon: pygame.Surface, centre: tuple[int, int], count: int
) -> pygame.Rect:
    """A pile of three icons with a white count tag; its rectangle (map and legend)."""
    x, y = centre
    for shift in (4, 2, 0):
        rect = icon.get_rect(center=(x + shift, y - shift))
        surface.blit(icon, rect)
    number, tag = _count_tag(text, rect, count)
    pygame.draw.rect(surface, WHITE, tag, border_radius=4)
    pygame.draw.rect(surface, BLACK, tag, 1, border_radius=4)
    surface.blit(number, number.get_rect(center=tag.center))
    return rect.union(tag).inflate(4, 4)


def pile_rect(text: Text, size: int, centre: tuple[int, int], count: int) -> pygame.Rect:
    """The rectangle ``stack_pile`` covers with icons of ``size`` (without drawing it)."""
    top = pygame.Rect(0, 0, size, size)
    top.center = centre
    return top.union(_count_tag(text, top, count)[1]).inflate(4, 4)


def _count_tag(text: Text, top: pygame.Rect, count: int) -> tuple[pygame.Surface, pygame.Rect]:
    """A stack's count, and its tag at the top right of the pile's top icon."""
    number = text.render(str(count), text.small, BLACK, True)
    return number, number.get_rect(midleft=(top.right - 2, top.top + 2)).inflate(6, 0)


def _area(rect: pygame.Rect) -> int:
    return rect.width * rect.height


def _view(camera: Camera) -> tuple:
    """What of the camera decides where things are drawn."""
    return (
        camera.cx,
        camera.cy,
        camera.scale,
        camera.left,
        camera.top,
        camera.width,
        camera.height,
    )


def _same(key: tuple, last: tuple | None) -> bool:
    """Two frames' keys match: the big tuples by identity, the rest by value."""
    if last is None or len(key) != len(last):
        return False
    return all(
        a is b or (not (isinstance(a, tuple) and len(a) >= 64) and a == b)
        for a, b in zip(key, last, strict=True)
    )


def _nearest(camera: Camera, items: list, pos, within: float) -> str | None:
    best, best_d = None, within
    for ident, x, y in items:
        sx, sy = camera.to_screen(x, y)
        d = max(abs(sx - pos[0]), abs(sy - pos[1]))
        if d <= best_d:
            best, best_d = ident, d
    return best


def _fan(group: list[UnitView], centre: tuple[int, int], size: int) -> dict:
    """A ring of icons around a shared spot, one step apart (a lone unit stays put)."""
    if len(group) == 1:
        return {group[0].id: centre}
    x, y = centre
    return {
        unit.id: (x + dx, y + dy)
        for unit, (dx, dy) in zip(group, _ring(len(group), size), strict=True)
    }


@lru_cache(maxsize=256)
def _ring(count: int, size: int) -> tuple[tuple[int, int], ...]:
    """Offsets of ``count`` icons of ``size`` on a ring, the first at the top."""
    radius = _radius(count, size)
    return tuple(
        (
            int(radius * math.cos(2 * math.pi * i / count - math.pi / 2)),
            int(radius * math.sin(2 * math.pi * i / count - math.pi / 2)),
        )
        for i in range(count)
    )


def _radius(count: int, size: int) -> float:
    """The radius of the ring ``count`` icons of ``size`` make, one step apart."""
    return max(size, size * 1.1 * count / (2 * math.pi))


def _clear_spot(mid: np.ndarray, along: np.ndarray, size: int, taken: list) -> np.ndarray:
    """The point nearest ``mid`` (along the road first, then around) free of ``taken``."""
    length = float(np.hypot(*along)) or 1.0
    step = along / length
    side = np.array([-step[1], step[0]])
    tries = [mid]
    for k in range(1, 9):
        reach = k * size * 0.75
        tries += [mid + step * reach, mid - step * reach, mid + side * reach, mid - side * reach]
    half = size // 2 + 1
    for spot in tries:
        rect = pygame.Rect(round(spot[0]) - half, round(spot[1]) - half, 2 * half, 2 * half)
        if rect.collidelist(taken) < 0:
            return spot
    return tries[-1]


def _dashed_circle(
    surface: pygame.Surface, colour: tuple[int, int, int], at: tuple[int, int], radius: int
) -> None:
    """A dashed ring (an operation its lead has not entered in deconfliction)."""
    dashes = max(12, int(2 * math.pi * radius / 14))
    for n in range(0, dashes, 2):
        a0, a1 = 2 * math.pi * n / dashes, 2 * math.pi * (n + 1) / dashes
        p0 = (at[0] + radius * math.cos(a0), at[1] + radius * math.sin(a0))
        p1 = (at[0] + radius * math.cos(a1), at[1] + radius * math.sin(a1))
        pygame.draw.line(surface, colour, p0, p1, 2)
