"""Fixed places: stations, hospitals and staging areas."""

from pydantic import Field

from simulator.scenario.base import Ident, Location, Model

# More beds than any hospital has; only keeps the count a number.
MAX_BEDS = 10_000


class Station(Model):
    """Where units are housed and return to."""

    id: Ident
    name: str = ""
    agency: Ident
    location: Location


class Beds(Model):
    """Receiving capacity by START category."""

    immediate: int = Field(default=4, ge=0, le=MAX_BEDS)
    delayed: int = Field(default=8, ge=0, le=MAX_BEDS)
    minor: int = Field(default=12, ge=0, le=MAX_BEDS)


class BedHours(Model):
    """Hours a patient holds an emergency-department bed before it is free again."""

    immediate: float = Field(default=6.0, gt=0, le=720)
    delayed: float = Field(default=4.0, gt=0, le=720)
    minor: float = Field(default=2.0, gt=0, le=720)


class Hospital(Model):
    """A receiving hospital; transports go to the nearest one with a free bed."""

    id: Ident
    name: str = ""
    location: Location
    beds: Beds = Beds()
    bed_hours: BedHours = Field(
        default=BedHours(),
        description="Emergency-department length of stay by category, after which the bed "
        "is free again (local setting; CMS ED-1 medians for admitted patients run 4-6 h)",
    )
    agency: Ident | None = Field(default=None, description="Hospital agency, if it plays")


class StagingArea(Model):
    """A pre-planned staging area; units wait here while a scene is unsafe."""

    id: Ident
    name: str = ""
    location: Location
