"""Colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies).

Colour is never the only cue: every agency also has its own icon shape (``icons.py``).
"""

Colour = tuple[int, int, int]

BLACK: Colour = (0, 0, 0)
ORANGE: Colour = (230, 159, 0)
SKY_BLUE: Colour = (86, 180, 233)
BLUISH_GREEN: Colour = (0, 158, 115)
YELLOW: Colour = (240, 228, 66)
BLUE: Colour = (0, 114, 178)
VERMILLION: Colour = (213, 94, 0)
REDDISH_PURPLE: Colour = (204, 121, 167)

# Interface greys and text (a dark theme: bright icons on a dark map read best).
MAP_BG: Colour = (28, 32, 38)
PANEL_BG: Colour = (38, 43, 51)
PANEL_EDGE: Colour = (70, 78, 90)
ROW_HILITE: Colour = (60, 70, 88)
ROAD: Colour = (88, 96, 108)
ARTERIAL: Colour = (130, 138, 150)
# The base map: the city's land a shade lighter than the void around it, water blue
# (Okabe-Ito blue darkened, so icons stay the brightest things on the map).
LAND: Colour = (36, 41, 49)
WATER: Colour = (24, 62, 96)
BRIDGE: Colour = (196, 190, 176)
BRIDGE_EDGE: Colour = (12, 14, 18)
DISTRICT_NAME: Colour = (112, 124, 142)
STREET_NAME: Colour = (190, 197, 208)
LABEL_PLATE: Colour = (16, 18, 22)  # behind unit and incident labels
TEXT: Colour = (232, 234, 238)
MUTED: Colour = (160, 166, 176)
WHITE: Colour = (255, 255, 255)
GREY: Colour = (120, 120, 120)
CLOSED: Colour = VERMILLION
CONGESTED: Colour = ORANGE
SELECTED: Colour = YELLOW

AGENCY_KIND: dict[str, Colour] = {
    "police": SKY_BLUE,
    "fire": VERMILLION,
    "ems": BLUISH_GREEN,
    "public_works": YELLOW,
    "emergency_management": REDDISH_PURPLE,
    "federal": ORANGE,
    "hospital": WHITE,
}

# Incident badges by priority (1 is the most urgent).
PRIORITY: dict[int, Colour] = {1: VERMILLION, 2: ORANGE, 3: SKY_BLUE}


def agency_colour(kind: str) -> Colour:
    """The colour of an agency kind (grey for a kind the palette does not know)."""
    return AGENCY_KIND.get(kind, GREY)


def priority_colour(priority: int) -> Colour:
    """The badge colour of an incident priority (lower numbers are more urgent)."""
    return PRIORITY.get(priority, PRIORITY[3] if priority > 3 else PRIORITY[1])
