"""Player profiles: how well an automated agency plays, from doing nothing to doctrine.

Calibration runs every profile to prove the score rewards the response: ``idle`` does
nothing (a trainee who never touches the keys), ``poor`` sends the farthest unit,
never shares and never takes command, ``sop`` follows standard operating procedure
(the default simulation cell, which sends a structure fire it hosts a full first alarm
counted in firefighters, NFPA 1710), and ``expert`` does what doctrine says a strong
team does (never forgets to share, relays the hazards one partner reports to the others,
sends a commander to every multi-agency incident, its own or one it answers for mutual
aid, forms unified command early, moves a chief on from a scene whose unified command
already stands to one still waiting for command, holds crews at the perimeter of a
scene that needs hazmat or a tactical team until that specialist has sized it up,
spreads patients across hospitals from the status board, asks partners for aid
again sooner while still short, and posts traffic control at once wherever traffic
blocks the way to a scene).
Every profile sees only what its agency knows, as a trainee does.
"""

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """The choices that separate one automated player from another."""

    name: str
    summary: str
    acts: bool = True
    farthest: bool = False
    shares: bool = True
    never_forgets: bool = False
    relays: bool = False
    command: bool = True
    commander_early: bool = False
    cautious: bool = False  # holds crews at the perimeter until a specialist sized it up
    first_alarm: bool = True  # a fire agency sends heads enough to a structure fire (NFPA 1710)
    aid_retry_s: float = 900.0  # do not ask the same partner again sooner than this
    verified_tactical: bool = False  # no tactical team to a call flagged as a hoax till checked
    spreads: bool = False  # plans hospital destinations so no department is crowded
    # Traffic control points at congested streets near our scenes: after this long
    # (None: never), within this distance, and one street per jam or every street.
    traffic_after_s: float | None = 600.0
    traffic_radius_m: float = 1500.0
    traffic_every_street: bool = False


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("idle", "does nothing: the trainee who never touches the keys", acts=False),
        Profile(
            "poor",
            "farthest capable unit, never shares, never takes command, sends a fire only "
            "the companies its needs name, never posts traffic control",
            farthest=True,
            shares=False,
            command=False,
            first_alarm=False,
            traffic_after_s=None,
        ),
        Profile(
            "sop",
            "nearest capable unit by priority, mutual aid when short, shares by procedure "
            "(sometimes forgets), takes command on arrival, sends a fire it hosts a full "
            "first alarm (16 firefighters, 17 with an aerial: NFPA 1710), posts a spare "
            "traffic unit at a congested street near a scene after 10 minutes",
        ),
        Profile(
            "expert",
            "as SOP, but never forgets to share, relays hazards partners report to the other "
            "agencies at the incident, and sends a commander to every multi-agency incident "
            "at once, mutual aid included, for unified command, moving a chief on once "
            "unified command stands (NIMS doctrine), and holds crews at the perimeter until "
            "hazmat or a tactical team has sized up a scene that needs one (ERG, NFPA 470), "
            "spreads patients across hospitals so none is crowded past 85% of its beds "
            "(ICS transport group), and asks partners for aid again after 5 minutes, not 15, "
            "while still short, and posts spare traffic units at once at every congested "
            "street within 3 km of a scene",
            never_forgets=True,
            relays=True,
            commander_early=True,
            cautious=True,
            verified_tactical=True,
            spreads=True,
            aid_retry_s=300.0,
            traffic_after_s=0.0,
            traffic_radius_m=3000.0,
            traffic_every_street=True,
        ),
    )
}
DEFAULT = "sop"


def profile(name: str) -> Profile:
    """The profile called ``name``.

    Raises:
        ValueError: no such profile (the message lists the known ones).
    """
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown player profile {name!r} (known: {known})") from None


def parse_players(text: str, agencies: list[str], trainee: Collection[str] = ()) -> dict[str, str]:
    """``PROFILE`` for every agency, or ``AGENCY=PROFILE,...`` (the rest stay SOP).

    An agency named twice, or one the trainee plays (``trainee``), is refused: either
    way one of the user's settings would be silently ignored.

    Raises:
        ValueError: an unknown profile or agency, a malformed entry, an agency named
            twice or one the trainee plays.
    """
    text = text.strip()
    if "=" not in text:
        profile(text)
        return dict.fromkeys(sorted(agencies), text)
    out = dict.fromkeys(sorted(agencies), DEFAULT)
    named: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        agency, sep, name = (x.strip() for x in part.partition("="))
        if not sep or not agency or not name:
            raise ValueError(f"expected AGENCY=PROFILE, got {part!r}")
        if agency not in out:
            known = ", ".join(sorted(agencies))
            raise ValueError(f"unknown agency {agency!r} (this scenario has {known})")
        if agency in named:
            raise ValueError(f"{agency} is given twice ({named[agency]}, then {name})")
        if agency in trainee:
            raise ValueError(f"{agency} is played by the trainee (--roles), not automated")
        profile(name)
        out[agency] = named[agency] = name
    return out
