"""The map view of a seat: ``play``'s window, fed by the server instead of an engine.

Each frame the console "advances" the exercise; for a seat that means taking every
message that has arrived. The server keeps the time, so the view's own speed keys
change nothing here (the controller sets the pace for everyone). The controller's view
is the same map of every agency with its desk (``simulator.view.controller``): the
clock for everyone, the MSEL to release or hold, ad-hoc injects.
"""

from collections.abc import Callable
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from simulator.network.bot import REJOIN_TRIES, Seated, reconnect, rejoin_delay
from simulator.network.link import LinkError
from simulator.network.mirror import Mirror, Requester

if TYPE_CHECKING:  # the view (and pygame) load only when a window is wanted
    from simulator.review.summary import Summary
    from simulator.view.session import Remote, Starter

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

    mirror = seated.mirror
    start, pump = seat_session(seated, url, token)
    if shot is not None:
        _first_incident(seated)
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


def seat_session(seated: Seated, url: str, token: str) -> tuple["Starter", Callable[[], None]]:
    """The seat's session for the view, and the pump that reads its link every frame.

    At the end the link stays open until the server closes it: the server's record of
    the run (its number, the seat's scores) comes after the exercise's last events.
    A seat that leaves early closes it at once.
    """
    from simulator.view.session import Session

    mirror = seated.mirror
    link = _Connection(seated, url, token)

    def pump() -> None:
        if link.read():
            mirror.deliver()

    def close(session: Session) -> None:
        if mirror.left:
            seated.link.close()

    def start(roles: tuple[str, ...]) -> Session:
        told = lambda: recorded(mirror, url, waiting=not (link.closed or link.lost))  # noqa: E731
        return Session(mirror, roles, None, close, link.trouble, remote=told)

    mirror.pump = pump
    return start, pump


def recorded(mirror: Mirror, url: str, *, waiting: bool = False) -> "Remote":
    """What the end screen says of the run's record: the server keeps it, not this seat.

    The server's own word (run number, the seat's scores) once it came; else the number
    it gave at the welcome, and where the trainee's score is found. ``waiting``: the
    link is still open, so the server's word may yet come.
    """
    from simulator.view.session import Remote, Verdict

    server = urlsplit(url).netloc or url
    told, run = mirror.recorded, mirror.run
    report = f"on the server: run_sim.py report {run}" if run is not None else "its report"
    if told is not None and told.get("run") is None:
        return Remote((f"The server at {server} could not record this run: ask the controller.",))
    if told is not None:
        run, status = told["run"], "" if told.get("status") == "complete" else " (incomplete)"
        lines = (
            f"Recorded by the server at {server} as run {run}{status}; "
            "the scores are the server's.",
            f"After-action report: ask the controller (on the server: run_sim.py report {run}).",
        )
        roles = {str(a): v for a, v in dict(told.get("roles") or {}).items()}
        objectives = tuple(tuple(o) for o in told.get("objectives") or ())
        whole, end = bool(told.get("whole")), float(told.get("end", mirror.now))
        window = told.get("window")
        window = float(window) if isinstance(window, int | float) else None
        untold = {str(a): str(r) for a, r in dict(told.get("untold") or {}).items()}
        verdict = Verdict(told.get("overall"), whole, end, roles, objectives, window, untold)
        return Remote(lines, verdict, _summary(told.get("summary")))
    named = f" as run {run}" if run is not None else ""
    if mirror.left:
        first = f"You left; the exercise goes on at the server at {server}, recording it{named}."
    elif waiting:
        first = f"The server at {server} is recording this run{named}: waiting for its scores."
    else:
        first = f"Recorded by the server at {server}{named}, not on this machine."
    return Remote((first, f"Your score: ask the controller ({report})."))


def _summary(data: object) -> "Summary | None":
    """The server's run summary, or None if it sent none (or none this seat can read)."""
    from simulator.review.summary import Summary

    try:
        return Summary.from_dict(data) if isinstance(data, dict) else None
    except (TypeError, ValueError):  # a server of another version: its own words only
        return None


def _first_incident(seated: Seated) -> None:
    """Wait (a scripted screenshot only) until the seat's CAD holds an incident."""
    mirror = seated.mirror
    for _ in range(int(WAIT_S * 10)):
        if any(mirror.cad(a) for a in mirror.agencies) or mirror.ended:
            return
        message = seated.link.receive(0.1)
        if message is not None:
            mirror.feed(message)


class _Connection:
    """The seat's link as the window reads it, every frame, never waiting.

    A drop is rejoined one try a frame when it falls due (0.5 s, then 1, 2 ... 16 s
    apart), so the window keeps drawing and answering its close button meanwhile, and
    says on the map that it is rejoining; after the last try, or a refused token, it
    says the seat is lost. A request on a dropped link is refused with the reason (the
    order is not given) instead of raising out of the view.
    """

    def __init__(self, seated: Seated, url: str, token: str):
        self.seated, self.url, self.token = seated, url, token
        self.tries = 0  # tries to rejoin so far, while dropped
        self.due: float | None = None  # when the next try falls due, while dropped
        self.lost = ""  # why the seat lost its server for good
        self.closed = False  # the server closed the link after the exercise ended
        self._bind()

    def read(self) -> bool:
        """Take what has arrived (or try to rejoin, when due); whether the link is up."""
        if self.lost:
            return False
        if self.due is not None:
            return self._retry()
        mirror = self.seated.mirror
        try:
            while (message := self.seated.link.receive(0)) is not None:
                mirror.feed(message)
        except LinkError:
            if not mirror.ended:
                self.tries, self.due = 0, monotonic()  # the first try is at once
                return self._retry()
            self.closed = True
        return True

    def trouble(self) -> str:
        """What the map says of the link: lost, rejoining, or nothing."""
        if self.lost:
            return self.lost
        if self.due is not None:
            return f"{LOST}: rejoining (try {self.tries + 1} of {REJOIN_TRIES})"
        return ""

    def _retry(self) -> bool:
        if self.due is None or monotonic() < self.due:
            return False
        try:
            reconnect(self.url, self.token, self.seated)
        except LinkError as exc:
            self.tries += 1
            if exc.code == "bad_token" or self.tries >= REJOIN_TRIES:
                self.lost, self.due = f"{LOST} ({exc}). {AGAIN}", None
            else:
                self.due = monotonic() + rejoin_delay(self.tries)
            return False
        self.tries, self.due = 0, None
        self._bind()
        return True

    def _bind(self) -> None:
        self.seated.mirror.rebind(_answered(self.seated.link.request), self.seated.link.welcome)


def _answered(request: Requester) -> Requester:
    """``request``, with a dropped connection answered as a refusal that says so."""

    def ask(message: dict[str, Any]) -> dict[str, Any]:
        try:
            return request(message)
        except LinkError as exc:
            return {"type": "error", "message": f"not sent: {LOST.lower()} ({exc})"}

    return ask
