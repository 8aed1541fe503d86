"""Fixed places: stations, hospitals and staging areas."""

from pydantic import Field

from simulator.scenario.base import Ident, Location, Model


class Station(Model):
    """Where units are housed and return to."""

    id: Ident
    name: str = ""
    agency: Ident
    location: Location


class Beds(Model):
    """Receiving capacity by START category."""

    immediate: int = Field(default=4, ge=0)
    delayed: int = Field(default=8, ge=0)
    minor: int = Field(default=12, ge=0)


class Hospital(Model):
    """A receiving hospital; transports go to the nearest one with a free bed."""

    id: Ident
    name: str = ""
    location: Location
    beds: Beds = Beds()
    agency: Ident | None = Field(default=None, description="Hospital agency, if it plays")


class StagingArea(Model):
    """A pre-planned staging area; units wait here while a scene is unsafe."""

    id: Ident
    name: str = ""
    location: Location
