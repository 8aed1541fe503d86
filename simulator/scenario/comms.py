"""Communications: radio systems and their sites, channels, and how agencies share.

A scenario that declares nothing still communicates: each agency gets its own dispatch
radio (full coverage), a phone line to every other dispatch centre and a CAD-to-CAD
data link between home agencies (see ``simulator.engine.comms.default_plan``).
"""

from typing import Literal

from pydantic import Field, model_validator

from simulator.scenario.base import Ident, Location, Model
from simulator.scenario.limits import MAX_COORD_M, MAX_SECONDS, shown

ChannelKind = Literal["dispatch", "tactical", "interop", "phone", "data", "bridge"]
Medium = Literal["radio", "phone", "data"]

MEDIUM: dict[str, Medium] = {
    "dispatch": "radio",
    "tactical": "radio",
    "interop": "radio",
    "phone": "phone",
    "data": "data",
    "bridge": "phone",
}


class RadioSite(Model):
    """A tower: units within its radius can reach the system while it is up and linked."""

    id: Ident
    location: Location
    radius_m: float = Field(
        default=6000.0, gt=0, le=MAX_COORD_M, description="Reliable portable coverage"
    )


class RadioSystem(Model):
    """A trunked or conventional radio system; its sites form a linked network."""

    id: Ident
    name: str = ""
    sites: list[RadioSite] = Field(
        default_factory=list, description="No sites means coverage everywhere"
    )
    links: list[tuple[Ident, Ident]] = Field(
        default_factory=list, description="Site-to-site backhaul; a site cut off from the core"
    )
    core: Ident | None = Field(default=None, description="The switching site; default the first")

    @model_validator(mode="after")
    def _sites_known(self) -> "RadioSystem":
        ids = {s.id for s in self.sites}
        for a, b in self.links:
            for site in (a, b):
                if site not in ids:
                    raise ValueError(f"link names unknown site {shown(site)}")
        if self.core is not None and self.core not in ids:
            raise ValueError(f"core names unknown site {shown(self.core)}")
        return self


class Channel(Model):
    """A path messages travel: a talkgroup, a phone line, a data link or a bridge.

    Airtime is ``setup_seconds + words / words_per_second``; a voice channel carries
    ``capacity`` transmissions at once and queues the rest.
    """

    id: Ident
    name: str = ""
    kind: ChannelKind
    system: Ident | None = Field(default=None, description="Radio system (radio channels)")
    members: list[Ident] = Field(min_length=1, description="Agency ids or agency kinds")
    capacity: int = Field(default=1, ge=1, le=1000)
    words_per_second: float = Field(
        default=2.5, ge=0.1, le=1e6, description="About 150 spoken words/min"
    )
    setup_seconds: float = Field(
        default=2.0, ge=0, le=MAX_SECONDS, description="Keying up, dialling, logging"
    )
    latency_seconds: float = Field(
        default=0.5, ge=0, le=MAX_SECONDS, description="Delivery delay after airtime"
    )
    loss_probability: float = Field(default=0.02, ge=0, le=1)

    @property
    def medium(self) -> Medium:
        """Voice radio, phone or data, by kind."""
        return MEDIUM[self.kind]

    @model_validator(mode="after")
    def _radio_has_system(self) -> "Channel":
        if self.medium == "radio" and self.system is None:
            raise ValueError(f"a {self.kind} channel is a radio channel and needs a 'system'")
        if self.medium != "radio" and self.system is not None:
            raise ValueError(f"a {self.kind} channel is not radio; remove 'system'")
        return self


class Communications(Model):
    """Radio systems, channels and the rules of sharing information."""

    systems: list[RadioSystem] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    talkaround_m: float = Field(
        default=1500.0,
        ge=0,
        le=MAX_COORD_M,
        description="Direct unit-to-unit simplex range (SAFECOM level 2)",
    )
    patch_seconds: float = Field(
        default=240.0, ge=0, le=MAX_SECONDS, description="A dispatcher setting up a console patch"
    )
    command_post_seconds: float = Field(
        default=30.0,
        ge=0,
        le=MAX_SECONDS,
        description="A fact crossing a unified command post by liaison",
    )
    retry_seconds: float = Field(
        default=120.0,
        ge=1,
        le=MAX_SECONDS,
        description="A field unit re-trying a report that did not get out",
    )
    forget_probability: float = Field(
        default=0.1, ge=0, le=1, description="Chance an automated dispatcher forgets to share"
    )
