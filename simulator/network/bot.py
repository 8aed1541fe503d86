"""An automated player in a seat over the network: rehearsals, tests, an empty chair.

It is the same ``SopPlayer`` the server runs for agencies without a seat, with the same
operations desk (``attach_operations``: registering the seat's planned operations and
answering conflict notices, by profile), reading a ``Mirror`` of what its seat is told
instead of the exercise itself. A dropped
connection is rejoined with the same token, asking for the events it missed.
"""

import time
from dataclasses import dataclass

from simulator.network.link import Link, LinkError
from simulator.network.mirror import Mirror
from simulator.players.operations import attach_operations
from simulator.players.profile import profile
from simulator.players.sop import SopPlayer
from simulator.scenario.model import Scenario
from simulator.world.atlas import build_atlas

# Tries to rejoin after a drop, waiting 0.5, 1, 2... 16 s between them (31.5 s in all):
# longer than the server takes to free a seat whose connection went silent (three times
# its ``KEEPALIVE_S``, 15 s), so a seat that dropped without a word gets back in.
REJOIN_TRIES = 7


@dataclass
class Seated:
    """A client's seat: the connection and the mirror it feeds."""

    link: Link
    mirror: Mirror
    bot: str | None = None  # the automated player's profile, told the server at each hello


def sit(url: str, token: str, *, timeout: float = 10.0, bot: str | None = None) -> Seated:
    """Join the exercise at ``url`` with ``token``: the seat and its picture.

    ``bot``: the profile of the automated player taking the seat (None: a person).

    Raises:
        LinkError: the server cannot be reached or refuses the token.
    """
    link = Link(url, token, timeout=timeout, bot=bot)
    welcome = link.welcome
    scenario = Scenario.model_validate(welcome["scenario"])
    atlas = build_atlas(scenario, "<server>")
    mirror = Mirror(welcome, scenario, atlas, link.request)
    link.on_message = mirror.feed
    return Seated(link, mirror, bot)


def rejoin(url: str, token: str, seated: Seated) -> None:
    """Connect again after a drop, asking for the events heard since the last one.

    Raises:
        LinkError: every try failed.
    """
    problem: LinkError | None = None
    for attempt in range(REJOIN_TRIES):
        if attempt:
            time.sleep(rejoin_delay(attempt))  # a network blip or a restarting server
        try:
            reconnect(url, token, seated)
        except LinkError as exc:
            problem = exc
            if exc.code == "bad_token":
                break
            continue
        return
    raise problem or LinkError("cannot rejoin")


def rejoin_delay(attempt: int) -> float:
    """Seconds to wait before try ``attempt`` (from 1): 0.5, 1, 2 ... 16 s, 31.5 s in all."""
    return 0.25 * 2**attempt


def reconnect(url: str, token: str, seated: Seated) -> None:
    """One try to connect again, asking for the events heard since the last one.

    Raises:
        LinkError: the server cannot be reached or refuses the token.
    """
    link = Link(url, token, since=seated.mirror.last_seq, bot=seated.bot)
    link.on_message = seated.mirror.feed
    seated.mirror.rebind(link.request, link.welcome)
    seated.link = link


def play_seat(url: str, token: str, name: str, *, seated: Seated | None = None) -> Mirror:
    """Play a seat with the automated player ``name`` until the exercise ends.

    Returns:
        The seat's mirror (its log holds every event the seat heard).

    Raises:
        LinkError: the server refused the token or went away for good.
    """
    seated = seated or sit(url, token, bot=name)
    mirror = seated.mirror
    style = profile(name)
    if style.acts:
        for agency in mirror.agencies:
            SopPlayer(mirror, agency, style)
    attach_operations(mirror, dict.fromkeys(mirror.agencies, name))
    while not mirror.ended:
        try:
            message = seated.link.receive(1.0)
            if message is not None:
                mirror.feed(message)
                mirror.deliver()
        except LinkError as exc:
            if exc.code != "closed":
                raise
            if mirror.ended:  # the end arrived with the answer to one of its orders
                break
            rejoin(url, token, seated)
    seated.link.close()
    return mirror
