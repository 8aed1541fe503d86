"""The map view of a seat: ``play``'s window, fed by the server instead of an engine.

Each frame the console "advances" the exercise; for a seat that means taking every
message that has arrived. The server keeps the time, so the view's own speed keys
change nothing here (the controller sets the pace for everyone). The controller's view
is the same map of every agency with its desk (``simulator.view.controller``): the
clock for everyone, the MSEL to release or hold, ad-hoc injects.
"""

from pathlib import Path
from typing import Any

from simulator.network.bot import Seated, rejoin
from simulator.network.link import LinkError
from simulator.network.mirror import Requester

WAIT_S = 10.0  # a scripted screenshot waits this long for the seat's first incident
LOST = "Connection to the server lost"
AGAIN = "The exercise goes on without this seat: close the window and join again"


def watch(
    seated: Seated,
    url: str,
    token: str,
    *,
    size: tuple[int, int],
    frames: int | None = None,
    shot: Path | None = None,
) -> None:
    """Open the window for the seat; return when it is closed (or the screenshot taken).

    Raises:
        simulator.view.play.NoDisplay: no window can be opened.
    """
    # The view (and pygame) load only when a window is wanted: nothing else here needs them.
    from simulator.view.controller import controller_desk
    from simulator.view.play import play
    from simulator.view.session import Session

    mirror = seated.mirror
    lost: list[str] = []  # why the seat lost its server for good (shown on the map)

    def bind() -> None:
        # A request on a dropped connection is refused with the reason (the order is
        # not given) instead of raising out of the view; the next frame rejoins.
        mirror.rebind(_answered(seated.link.request), seated.link.welcome)

    def pump() -> None:
        if lost:
            return
        try:
            while (message := seated.link.receive(0)) is not None:
                mirror.feed(message)
        except LinkError as exc:
            if mirror.ended:
                return
            try:
                rejoin(url, token, seated)
            except LinkError as why:
                lost.append(f"{LOST} ({why or exc}). {AGAIN}")
                return
            bind()
        mirror.deliver()

    bind()
    mirror.pump = pump
    if shot is not None:
        _first_incident(seated)

    def start(roles: tuple[str, ...]) -> "Session":
        close = lambda session: seated.link.close()  # noqa: E731
        return Session(mirror, roles, None, close, lambda: lost[0] if lost else "")

    scripted = shot is not None
    play(
        mirror.scenario,
        start,
        mirror.agencies,
        size=size,
        frames=frames if scripted else None,
        screenshot=shot,
        decorate=controller_desk if seated.link.welcome.get("controller") else None,
        background=pump,  # read under the briefing and overlays too: the server's
        # keepalive drops a seat that stops reading
        running=True,
    )
    seated.link.close()


def _first_incident(seated: Seated) -> None:
    """Wait (a scripted screenshot only) until the seat's CAD holds an incident."""
    mirror = seated.mirror
    for _ in range(int(WAIT_S * 10)):
        if any(mirror.cad(a) for a in mirror.agencies) or mirror.ended:
            return
        message = seated.link.receive(0.1)
        if message is not None:
            mirror.feed(message)


def _answered(request: Requester) -> Requester:
    """``request``, with a dropped connection answered as a refusal that says so."""

    def ask(message: dict[str, Any]) -> dict[str, Any]:
        try:
            return request(message)
        except LinkError as exc:
            return {"type": "error", "message": f"not sent: {LOST.lower()} ({exc})"}

    return ask
