"""Label placement on the map: each label beside its icon, never over another label.

Greedy, in priority order: a label tries the places around its icon (below, above,
right, left, then the corners) and takes the first that overlaps no label, no icon and
no street, bridge or district name already there. A label that need not be shown (a
hospital's, a parked unit's) is left out when there is no such place: the base map's
names and the icons stay readable, and a crowd of units reads as icons, not as a smear
of text. A label that must be shown (an incident, a selected unit) takes, failing that,
the place that covers least: another label last, then a facility's icon (a hospital's
cross), then other icons, then names (the base map's names give way to the exercise's
own); of places that cover alike, the first in that order.
"""

import pygame

GAP = 2


class Placer:
    """Occupied screen rectangles, and the labels placed so far."""

    def __init__(self, bounds: pygame.Rect | None = None) -> None:
        self.bounds = bounds  # the map's area: a label never runs off it
        self.icons: list[pygame.Rect] = []
        self.labels: list[tuple[str, pygame.Rect]] = []
        self._taken: list[pygame.Rect] = []
        self._names: list[pygame.Rect] = []
        self.facilities: list[pygame.Rect] = []

    def name(self, rect: pygame.Rect) -> None:
        """A street or place name on the base map: labels keep off it where they can."""
        self._names.append(rect)

    def block(self, rect: pygame.Rect) -> None:
        """An icon drawn on the map: labels keep off it where they can."""
        self.icons.append(rect)

    def facility(self, rect: pygame.Rect) -> None:
        """A station's, hospital's or staging area's icon: a label covers it only last."""
        self.icons.append(rect)
        self.facilities.append(rect)

    def reserve(self, rect: pygame.Rect) -> None:
        """Something no label may cover at all (a road-closure sign)."""
        self._taken.append(rect)

    def place(
        self, name: str, size: tuple[int, int], icon: pygame.Rect, must: bool = False
    ) -> pygame.Rect | None:
        """Where the label of ``icon`` goes, or None when it is left out."""
        spots = _spots(size, icon, self.bounds)
        reach = icon.inflate(2 * size[0] + 4 * GAP, 2 * size[1] + 4 * GAP)
        icons = [self.icons[k] for k in reach.collidelistall(self.icons)]  # the ones near
        names = [self._names[k] for k in reach.collidelistall(self._names)]
        for spot in spots:
            if (
                spot.collidelist(self._taken) < 0
                and spot.collidelist(icons) < 0
                and spot.collidelist(names) < 0
            ):
                return self._take(name, spot)
        if not must:
            return None
        near = [self.facilities[k] for k in reach.collidelistall(self.facilities)]

        def cover(spot: pygame.Rect) -> tuple[int, int, int, int]:
            return (
                len(spot.collidelistall(self._taken)),
                len(spot.collidelistall(near)),
                len(spot.collidelistall(icons)),
                len(spot.collidelistall(names)),
            )

        return self._take(name, min(spots, key=cover))  # the first of the least covering

    def _take(self, name: str, spot: pygame.Rect) -> pygame.Rect:
        self._taken.append(spot)
        self.labels.append((name, spot))
        return spot


def _spots(
    size: tuple[int, int], icon: pygame.Rect, bounds: pygame.Rect | None
) -> list[pygame.Rect]:
    """The places around the icon, in order; within ``bounds``, those inside first.

    The others follow moved inside: an icon at the map's edge keeps its label readable.
    """
    around = _around(size, icon)
    if bounds is None:
        return around
    inside = [spot for spot in around if bounds.contains(spot)]
    return inside + [spot.clamp(bounds) for spot in around if not bounds.contains(spot)]


def _around(size: tuple[int, int], icon: pygame.Rect) -> list[pygame.Rect]:
    w, h = size
    rect = pygame.Rect(0, 0, w, h)
    return [
        rect.move(icon.centerx - w // 2, icon.bottom + GAP),
        rect.move(icon.centerx - w // 2, icon.top - GAP - h),
        rect.move(icon.right + GAP, icon.centery - h // 2),
        rect.move(icon.left - GAP - w, icon.centery - h // 2),
        rect.move(icon.right + GAP, icon.bottom),
        rect.move(icon.right + GAP, icon.top - h),
        rect.move(icon.left - GAP - w, icon.bottom),
        rect.move(icon.left - GAP - w, icon.top - h),
    ]
