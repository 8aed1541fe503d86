"""Map icons drawn by code: one shape per agency kind, one symbol per incident kind.

Shapes differ as well as colours, so the map reads without colour vision. Status is
drawn on the shape: hollow when available, filled when committed, a white dot while
transporting, grey with a cross when out of service. Every icon is drawn once per
(shape, colour, size, status) and cached.
"""

import math
from functools import lru_cache

import pygame

from simulator.view.palette import (
    BLACK,
    GREY,
    VERMILLION,
    WHITE,
    Colour,
    agency_colour,
    priority_colour,
)

# Agency kind -> shape name (docs/view.md has the legend).
SHAPES: dict[str, str] = {
    "police": "triangle",
    "fire": "square",
    "ems": "circle",
    "public_works": "hexagon",
    "emergency_management": "diamond",
    "federal": "pentagon",
    "hospital": "cross",
}

# Incident type -> symbol drawn in its badge.
INCIDENT_SYMBOLS: dict[str, str] = {
    "structure_fire": "flame",
    "vehicle_fire": "flame",
    "wildland_fire": "flame",
    "explosion": "burst",
    "hazmat_release": "hazard",
    "drug_lab": "hazard",
    "suspicious_package": "hazard",
    "terrorism": "burst",
    "medical": "cross",
    "mass_casualty": "cross",
    "traffic_collision": "car",
    "traffic_hazard": "car",
    "infrastructure_failure": "bolt",
    "cyber_attack": "bolt",
}
CRIME = "shield"


def _polygon(sides: int, radius: float, centre: float, rotation: float) -> list[tuple]:
    return [
        (
            centre + radius * math.cos(rotation + 2 * math.pi * k / sides),
            centre + radius * math.sin(rotation + 2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def _outline(shape: str, size: int) -> list[tuple] | None:
    """The polygon of a shape in a ``size`` box, or None for a circle."""
    c, r = size / 2, size / 2 - 1.5
    return {
        "triangle": _polygon(3, r * 1.1, c, -math.pi / 2),
        "square": _polygon(4, r * 1.2, c, math.pi / 4),
        "diamond": _polygon(4, r, c, 0),
        "pentagon": _polygon(5, r, c, -math.pi / 2),
        "hexagon": _polygon(6, r, c, 0),
        "cross": [
            (c - r / 3, c - r),
            (c + r / 3, c - r),
            (c + r / 3, c - r / 3),
            (c + r, c - r / 3),
            (c + r, c + r / 3),
            (c + r / 3, c + r / 3),
            (c + r / 3, c + r),
            (c - r / 3, c + r),
            (c - r / 3, c + r / 3),
            (c - r, c + r / 3),
            (c - r, c - r / 3),
            (c - r / 3, c - r / 3),
        ],
    }.get(shape)


def _draw_shape(surface: pygame.Surface, shape: str, colour: Colour, width: int) -> None:
    size = surface.get_width()
    points = _outline(shape, size)
    if points is None:
        pygame.draw.circle(surface, colour, (size / 2, size / 2), size / 2 - 1.5, width)
    else:
        pygame.draw.polygon(surface, colour, points, width)


@lru_cache(maxsize=512)
def unit_icon(kind: str, status: str, size: int) -> pygame.Surface:
    """A unit's icon: its agency's shape and colour, drawn to show its status."""
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    shape = SHAPES.get(kind, "circle")
    colour = agency_colour(kind)
    if status == "out_of_service":
        _draw_shape(surface, shape, GREY, 0)
        pygame.draw.line(surface, BLACK, (3, 3), (size - 4, size - 4), 2)
        pygame.draw.line(surface, BLACK, (3, size - 4), (size - 4, 3), 2)
        return surface
    if status == "available":
        _draw_shape(surface, shape, BLACK, 0)
        _draw_shape(surface, shape, colour, max(2, size // 6))
        return surface
    _draw_shape(surface, shape, colour, 0)
    _draw_shape(surface, shape, BLACK if status != "on_scene" else WHITE, 1)
    if status in ("transporting", "at_hospital"):
        pygame.draw.circle(surface, WHITE, (size / 2, size / 2), max(2, size // 6))
    return surface


@lru_cache(maxsize=64)
def facility_icon(kind: str, size: int) -> pygame.Surface:
    """A station (its agency's shape, outlined in its colour on a dark plate)."""
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    pygame.draw.rect(surface, (20, 22, 26), surface.get_rect(), border_radius=3)
    pygame.draw.rect(surface, agency_colour(kind), surface.get_rect(), 2, border_radius=3)
    inner = pygame.Surface((size - 6, size - 6), pygame.SRCALPHA)
    _draw_shape(inner, SHAPES.get(kind, "circle"), agency_colour(kind), 0)
    surface.blit(inner, (3, 3))
    return surface


@lru_cache(maxsize=8)
def hospital_icon(size: int) -> pygame.Surface:
    """A hospital: a white plate with a red cross and an H-like outline."""
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    pygame.draw.rect(surface, WHITE, surface.get_rect(), border_radius=3)
    inner = pygame.Surface((size - 4, size - 4), pygame.SRCALPHA)
    _draw_shape(inner, "cross", (200, 30, 30), 0)
    surface.blit(inner, (2, 2))
    return surface


@lru_cache(maxsize=8)
def closure_icon(size: int) -> pygame.Surface:
    """A road closed: the no-entry sign, a vermillion disc with a white bar."""
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    c = size / 2
    pygame.draw.circle(surface, BLACK, (c, c), c)
    pygame.draw.circle(surface, VERMILLION, (c, c), c - 1.5)
    bar = pygame.Rect(0, 0, round(size * 0.62), max(2, round(size * 0.2)))
    bar.center = (round(c), round(c))
    pygame.draw.rect(surface, WHITE, bar)
    return surface


@lru_cache(maxsize=8)
def traffic_point_icon(size: int) -> pygame.Surface:
    """A traffic control point: a white-edged amber triangle (a road-works sign)."""
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    points = [(size / 2, 1), (size - 1, size - 2), (1, size - 2)]
    pygame.draw.polygon(surface, BLACK, points)
    inner = [(size / 2, 4), (size - 4, size - 4), (4, size - 4)]
    pygame.draw.polygon(surface, (240, 170, 20), inner)
    pygame.draw.line(surface, BLACK, (size / 2, size * 0.35), (size / 2, size * 0.65), 2)
    return surface


@lru_cache(maxsize=8)
def staging_icon(size: int) -> pygame.Surface:
    """A staging area: a hollow white diamond on a dark plate."""
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    _draw_shape(surface, "diamond", (20, 22, 26), 0)
    _draw_shape(surface, "diamond", WHITE, 2)
    pygame.draw.circle(surface, WHITE, (size / 2, size / 2), 2)
    return surface


def _symbol(surface: pygame.Surface, symbol: str, colour: Colour) -> None:
    size = surface.get_width()
    c, r = size / 2, size * 0.3
    if symbol == "flame":
        pygame.draw.polygon(
            surface,
            colour,
            [
                (c, c - r * 1.2),
                (c + r, c + r * 0.2),
                (c + r * 0.6, c + r),
                (c - r * 0.6, c + r),
                (c - r, c + r * 0.2),
            ],
        )
    elif symbol == "cross":
        pygame.draw.rect(surface, colour, (c - r * 0.35, c - r, r * 0.7, 2 * r))
        pygame.draw.rect(surface, colour, (c - r, c - r * 0.35, 2 * r, r * 0.7))
    elif symbol == "hazard":
        pygame.draw.polygon(surface, colour, _polygon(4, r * 1.2, c, 0))
        pygame.draw.line(surface, (20, 20, 20), (c, c - r * 0.6), (c, c + r * 0.2), 2)
        pygame.draw.circle(surface, (20, 20, 20), (c, c + r * 0.55), 1.5)
    elif symbol == "car":
        pygame.draw.rect(surface, colour, (c - r, c - r * 0.4, 2 * r, r), border_radius=2)
        pygame.draw.circle(surface, colour, (c - r * 0.5, c + r * 0.7), r * 0.3)
        pygame.draw.circle(surface, colour, (c + r * 0.5, c + r * 0.7), r * 0.3)
    elif symbol == "bolt":
        pygame.draw.polygon(
            surface,
            colour,
            [
                (c + r * 0.2, c - r * 1.1),
                (c - r * 0.7, c + r * 0.1),
                (c, c + r * 0.1),
                (c - r * 0.2, c + r * 1.1),
                (c + r * 0.7, c - r * 0.1),
                (c, c - r * 0.1),
            ],
        )
    elif symbol == "burst":
        points = []
        for k in range(16):
            radius = r * (1.2 if k % 2 == 0 else 0.55)
            angle = math.pi * k / 8
            points.append((c + radius * math.cos(angle), c + radius * math.sin(angle)))
        pygame.draw.polygon(surface, colour, points)
    else:  # shield: crime and public order
        pygame.draw.polygon(
            surface,
            colour,
            [(c - r, c - r), (c + r, c - r), (c + r, c), (c, c + r * 1.2), (c - r, c)],
        )


@lru_cache(maxsize=256)
def incident_icon(incident_type: str, priority: int, size: int) -> pygame.Surface:
    """An incident badge: a rounded plate ringed in its priority colour, with a symbol."""
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    ring = priority_colour(priority)
    pygame.draw.rect(surface, ring, surface.get_rect(), border_radius=size // 4)
    inner = surface.get_rect().inflate(-6, -6)
    pygame.draw.rect(surface, WHITE, inner, border_radius=size // 5)
    _symbol(surface, INCIDENT_SYMBOLS.get(incident_type, CRIME), (30, 30, 30))
    return surface
