"""The exercise server: one authoritative exercise, a WebSocket connection per seat.

The engine never sees the network. The clock task advances the exercise by wall time
times the speed (nothing while paused); a seat's command is submitted the moment it
arrives, at the exercise's current point, and recorded with the seat as its source, so
the run replays like any other. After every advance and every command, each seat gets
the events it hears (``roles.Hearing``) and its changed state (``state.py``). Each
connection has its own send queue: a slow client never holds up the others.
"""

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from simulator.commands import COMMAND, ControllerCommand
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.network.protocol import (
    MAX_CLIENT_MESSAGE,
    VERSION,
    ProtocolError,
    decode,
    encode,
    error,
    event_json,
)
from simulator.network.roles import BOT_SOURCE, Hearing, Seat, Senders, calls_of
from simulator.network.state import inject_state, seat_state
from simulator.scenario.problem import plain
from simulator.scenario.timing import format_offset

# The controller's own commands (``ControllerCommand``): never a trainee's, whatever they name.
CONTROLLER_COMMANDS = frozenset(
    cls.model_fields["type"].default for cls in ControllerCommand.__subclasses__()
)
TICK_S = 0.02  # wall seconds between clock steps
STATE_S = 0.25  # a seat hearing nothing still gets positions and the clock this often
HELLO_S = 10.0  # a connection must say hello within this
RATE = 50.0  # messages a second a connection may send, on average
BURST = 200.0  # and at once
FRAME_LIMIT = 4 * MAX_CLIENT_MESSAGE + 64  # bytes: the longest message in UTF-8
QUEUE_LIMIT = 2000  # messages waiting for a client that does not read: it is dropped
# A connection pinged this often, silent this long to a ping and then to its close, is
# closed and its seat freed (within three times this): a classroom Wi-Fi drop leaves
# the server side open, and the seat's rejoin (which keeps trying longer, see
# ``bot.REJOIN_TRIES``) would be refused while the old connection looks alive.
KEEPALIVE_S = 5.0
log = logging.getLogger(__name__)


@dataclass
class Bucket:
    """A token bucket: ``RATE`` messages a second, ``BURST`` at once."""

    level: float = BURST
    at: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        """Whether one more message is within the limit (and count it)."""
        now = time.monotonic()
        self.level = min(BURST, self.level + (now - self.at) * RATE)
        self.at = now
        if self.level < 1.0:
            return False
        self.level -= 1.0
        return True


@dataclass
class Place:
    """A seat at the exercise: what it has heard, and who sits there now."""

    seat: Seat
    hearing: Hearing
    heard: list[Event] = field(default_factory=list)
    queue: asyncio.Queue | None = None  # the connected client's outgoing messages
    sent: dict[str, str] = field(default_factory=dict)  # state section -> JSON last sent
    state_at: float = 0.0  # wall time the state was last sent
    last_action: str = ""
    last_at: float | None = None  # exercise time of the last action
    joins: int = 0
    dropped_at: float | None = None  # exercise time its last connection dropped
    bot: str | None = None  # the profile of the automated player connected now, if one is
    trainee_joined: bool = False  # whether a person (no ``bot`` in the hello) ever sat here

    @property
    def source(self) -> str:
        """The source this seat's commands are recorded with, by whoever sits there now."""
        if self.bot is None:
            return self.seat.source
        return f"{BOT_SOURCE}{self.seat.name}"


@dataclass
class Control:
    """The controller's settings for everyone."""

    speed: float
    paused: bool = False
    on_drop: str = "continue"  # or "pause": a dropped trainee seat pauses the exercise


class Host:
    """Runs one exercise for its seats until it ends or the server is stopped."""

    def __init__(
        self,
        exercise: Exercise,
        seats: list[Seat],
        tokens: dict[str, str],
        *,
        speed: float,
        until: float,
        scenario: dict[str, Any],
        run: int | None = None,
        on_end: Callable[[], dict[str, Any]] | None = None,
        on_join: Callable[[], None] | None = None,
    ):
        """``run``: the number the run is recorded as (every seat is told at its welcome).

        ``on_end`` records the ended run and returns its scores (``recorded``), before the
        seats are let go: a seat's end screen says what the server recorded. ``on_join``
        is told each time a seat is taken, so the record says at once who sits where
        (``bots``): a server killed outright never reaches ``on_end``.
        """
        self.exercise = exercise
        calls = calls_of(exercise.scenario)
        self.places = {s.name: Place(s, Hearing(s, calls=calls)) for s in seats}
        self._tokens = {token: seat for seat, token in tokens.items()}
        self.control = Control(speed)
        self.until = until
        self._scenario = scenario
        self.run_number = run
        self._on_end = on_end
        self._on_join = on_join
        self._read = 0  # events of the log already handed out
        self._senders = Senders()
        self.actions: list[dict[str, Any]] = []  # the controller's actions, recorded
        self.stopped = asyncio.Event()
        self.complete = True

    # -- running ---------------------------------------------------------------------------

    async def run(self, host: str, port: int, ready: Callable[[int], None] | None = None) -> None:
        """Serve until the exercise ends (or ``stop``); ``ready`` gets the bound port."""
        # Frames over FRAME_LIMIT close the connection (1009) before they are read whole;
        # smaller ones over MAX_CLIENT_MESSAGE characters get an error and it goes on.
        async with serve(
            self._connection,
            host,
            port,
            max_size=FRAME_LIMIT,
            ping_interval=KEEPALIVE_S,
            ping_timeout=KEEPALIVE_S,
            close_timeout=KEEPALIVE_S,
        ) as server:
            bound = next(iter(server.sockets)).getsockname()[1]
            if ready is not None:
                ready(bound)
            clock = asyncio.create_task(self._clock())
            clock.add_done_callback(self._clock_done)
            await self.stopped.wait()
            clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await clock
            self._flush()
            self._recorded()
            await self._drain()

    def stop(self, complete: bool, reason: str) -> None:
        """End the run: ``complete`` False when the server is shut down mid-exercise."""
        if self.stopped.is_set():
            return
        self.complete = complete
        exercise = self.exercise
        if not exercise.ended:
            if complete:
                # As ``replay`` does at a stop: everything due by now happens first.
                exercise.advance(exercise.now)
            exercise.finish(reason if not complete else f"stopped at {format_offset(exercise.now)}")
        self.until = min(self.until, exercise.now)
        self._flush()
        self.stopped.set()

    async def _clock(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while not self.exercise.ended:
            await asyncio.sleep(TICK_S)
            now = loop.time()
            wall, last = now - last, now
            if not self.control.paused:
                target = round(min(self.until, self.exercise.now + wall * self.control.speed), 3)
                self.exercise.advance(target)
            if self.exercise.now >= self.until and not self.exercise.ended:
                self.stop(True, "")
            self._flush()
        self.stopped.set()

    def _clock_done(self, task: asyncio.Task) -> None:
        """A fault in the exercise stops the server with the run kept, marked incomplete."""
        if not task.cancelled() and task.exception() is not None:
            log.error("the exercise failed", exc_info=task.exception())
            self.stop(False, "server fault")

    def _recorded(self) -> None:
        """Record the run (``on_end``) and tell each seat its number and the seat's scores.

        Each seat hears only its own agencies' role scores (and why one has none); the
        overall score and the objectives' ratings are the exercise's, as the hotwash goes
        over them.
        """
        if self._on_end is None:
            return
        try:
            verdict = self._on_end()
        except Exception:  # the run directory is still written; the seats are not told
            log.exception("the run could not be recorded")
            return
        roles, untold = verdict.get("roles", {}), verdict.get("untold", {})
        for place in self.places.values():
            mine = {a: roles.get(a) for a in place.seat.agencies}
            told = {a: untold[a] for a in place.seat.agencies if a in untold}
            self._send(place, {"type": "recorded", **verdict, "roles": mine, "untold": told})

    async def _drain(self) -> None:
        """Give every client a moment to receive the last messages."""
        for place in self.places.values():
            if place.queue is not None:
                place.queue.put_nowait(None)
        await asyncio.sleep(0)

    # -- connections -----------------------------------------------------------------------

    async def _connection(self, ws: ServerConnection) -> None:
        place = await self._admit(ws)
        if place is None:
            return
        queue = place.queue
        writer = asyncio.create_task(_write(ws, queue))
        bucket = Bucket()
        self._changed()
        try:
            async for raw in ws:
                if place.queue is not queue:
                    # Dropped for not reading: the seat is no longer this socket's (a
                    # new one may hold it), so nothing it sends may act for the seat.
                    await ws.close(1008, "dropped: not reading")
                    break
                if not bucket.take():
                    self._send(place, error("rate_limited", "too many messages", _id(raw)))
                    continue
                self._handle(place, raw)
        except ConnectionClosed:
            pass
        finally:
            if place.queue is queue:
                place.queue = None
                self._dropped(place)
            queue.put_nowait(None)
            await writer

    async def _admit(self, ws: ServerConnection) -> Place | None:
        """The seat a hello's token opens, its welcome queued; None if refused."""
        try:
            hello = decode(await asyncio.wait_for(ws.recv(), HELLO_S))
            if hello["type"] != "hello":
                raise ProtocolError("bad_message", "say hello first")
            if hello["version"] != VERSION:
                raise ProtocolError("version", f"this server speaks protocol {VERSION}")
            name = self._tokens.get(hello["token"])
            if name is None:
                raise ProtocolError("bad_token", "unknown token")
            place = self.places[name]
            if hello.get("controller") and not place.seat.controller:
                # ``control``: refused before the seat is taken (no join, no drop).
                raise ProtocolError(
                    "not_controller", f"seat {name} is a trainee's, not the controller's"
                )
            if place.queue is not None:
                raise ProtocolError("token_in_use", f"seat {name} is already connected")
            bot = hello.get("bot")
            if bot is not None and place.seat.controller:
                raise ProtocolError("bad_message", "bot: the controller's seat is no player's")
        except ProtocolError as exc:
            await _refuse(ws, error(exc.code, str(exc)))
            return None
        except (TimeoutError, ConnectionClosed):
            await ws.close()
            return None
        # Taken at once, before any await: a second hello with the token is refused.
        place.queue, place.sent, place.joins = asyncio.Queue(), {}, place.joins + 1
        place.bot = bot
        place.trainee_joined = place.trainee_joined or bot is None
        since = hello.get("since", 0)
        since = since if type(since) is int else 0
        place.queue.put_nowait(encode(self._welcome(place)))
        missed = [e for e in place.heard if e.seq > since]
        place.queue.put_nowait(self._update(place, missed, state=True))
        self._joined()
        return place

    def _joined(self) -> None:
        """Tell ``on_join`` a seat was taken; a record it cannot write keeps the seat."""
        if self._on_join is None or self.stopped.is_set():  # recorded already, or closing
            return
        try:
            self._on_join()
        except Exception:
            log.exception("the record could not say who joined")

    def _welcome(self, place: Place) -> dict[str, Any]:
        seat = place.seat
        return {
            "type": "welcome",
            "version": VERSION,
            "seat": seat.name,
            "agencies": list(seat.agencies),
            "controller": seat.controller,
            "scenario": self._scenario,
            "now": self.exercise.now,
            "end": self.exercise.end,
            "speed": self.control.speed,
            "paused": self.control.paused,
            "draw": secrets.randbits(32),
            "run": self.run_number,
        }

    def _dropped(self, place: Place) -> None:
        place.dropped_at = self.exercise.now
        if self.control.on_drop == "pause" and not place.seat.controller:
            self.control.paused = True
        self._changed()

    # -- messages --------------------------------------------------------------------------

    def _handle(self, place: Place, raw: str | bytes) -> None:
        try:
            message = decode(raw)
            kind = message["type"]
            if kind == "ping":
                self._send(place, {"type": "pong", "id": message.get("id")})
            elif kind in ("command", "check"):
                self._command(place, message)
            elif kind == "control":
                self._control(place, message)
            else:
                raise ProtocolError("bad_message", "already joined", message.get("id"))
        except ProtocolError as exc:
            self._send(place, error(exc.code, str(exc), exc.request))

    def _command(self, place: Place, message: dict[str, Any]) -> None:
        request = message["id"]
        kind = message["command"].get("type")
        if kind in CONTROLLER_COMMANDS and not place.seat.controller:
            # Refused before it is read: a seat learns nothing of the controller's
            # commands from their problems (an agency not 'controller', a bad seq).
            raise ProtocolError("not_controller", f"only the controller may give {kind}", request)
        try:
            command = COMMAND.validate_python(message["command"])
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'command'}: {plain(e)}"
                for e in exc.errors(include_url=False)[:5]
            )
            raise ProtocolError("bad_command", problems[:500], request) from None
        if isinstance(command, ControllerCommand):
            # The controller's hand on the script: never a trainee's, whatever it names.
            if not place.seat.controller:
                raise ProtocolError(
                    "not_controller", f"only the controller may give {command.type}", request
                )
        elif command.agency not in place.seat.agencies:
            raise ProtocolError(
                "not_your_agency",
                f"seat {place.seat.name} cannot command {command.agency}",
                request,
            )
        if message["type"] == "check":
            self._send(
                place, {"type": "checked", "id": request, "reason": self.exercise.check(command)}
            )
            return
        result = self.exercise.submit(command, source=place.source)
        self.exercise.log.flush()  # to the run directory now, even while paused
        self._acted(place, f"{command.type} ({'accepted' if result.accepted else 'rejected'})")
        self._flush()
        self._send(
            place,
            {
                "type": "result",
                "id": request,
                "accepted": result.accepted,
                "reason": result.reason,
                "event": event_json(result.event),
            },
        )

    def _control(self, place: Place, message: dict[str, Any]) -> None:
        request = message.get("id")
        if not place.seat.controller:
            raise ProtocolError("not_controller", "only the controller runs the exercise", request)
        action, control = message["action"], self.control
        if action == "pause":
            control.paused = True
        elif action == "resume":
            control.paused = False
        elif action == "speed":
            control.speed = float(message["speed"])
        elif action == "on_drop":
            control.on_drop = message["on_drop"]
        exercise = self.exercise
        record = {k: v for k, v in message.items() if k not in ("type", "id")}
        self.actions.append(
            {"t": exercise.now, "after": len(exercise.log), "ticks": exercise.ticks, **record}
        )
        self._acted(place, action)
        self._send(place, {"type": "done", "id": request, "action": action})
        if action == "end":
            self.stop(True, "")
        self._changed()

    def _acted(self, place: Place, what: str) -> None:
        # The controller sees it with its next state (``seats``).
        place.last_action, place.last_at = what, self.exercise.now

    def _changed(self) -> None:
        """Tell everyone the clock settings (pause, speed) and the controller who is on."""
        for place in self.places.values():
            self._send(place, {"type": "clock", **self._clock_fields()})
            if place.seat.controller and place.queue is not None:
                place.queue.put_nowait(self._update(place, [], state=True))

    def seats(self) -> dict[str, Any]:
        """Each seat: agencies, connected, joins, when it dropped, last action and its time."""
        return {
            name: {
                "agencies": list(p.seat.agencies),
                "connected": p.queue is not None,
                "joins": p.joins,
                "dropped_at": p.dropped_at,
                "last_action": p.last_action,
                "last_at": p.last_at,
            }
            for name, p in self.places.items()
        }

    def bots(self) -> dict[str, str]:
        """Agencies whose seat only automated players sat in (``join --bot``): their profile.

        A seat a person joined even once is the trainee's: their orders are in it.
        """
        return {
            agency: p.bot
            for p in self.places.values()
            if p.bot is not None and not p.trainee_joined
            for agency in p.seat.agencies
        }

    def _clock_fields(self) -> dict[str, Any]:
        return {
            "now": self.exercise.now,
            "speed": self.control.speed,
            "paused": self.control.paused,
        }

    # -- sending ---------------------------------------------------------------------------

    def _flush(self) -> None:
        """Hand every seat the events it hears since the last flush, and its state.

        A player's seat gets its state with every batch of events, since it acts on the
        two together; the controller's (every agency: the costliest) comes at most every
        ``STATE_S``, its events at once.
        """
        events = self.exercise.log.events[self._read :]
        self._read += len(events)
        wall = time.monotonic()
        senders = self._senders.of(events)  # once for all seats
        for place in self.places.values():
            heard = place.hearing.heard(events, senders)
            place.heard.extend(heard)
            if place.queue is None:
                continue
            due = wall - place.state_at >= STATE_S
            state = due or (bool(heard) and not place.seat.controller)
            if heard or state:
                place.queue.put_nowait(self._update(place, heard, state=state))
                self._check_queue(place)

    def _update(self, place: Place, events: list[Event], *, state: bool) -> str:
        """An ``update``: the clock, the events, and (``state``) the sections that changed."""
        fields = {
            "type": "update",
            **self._clock_fields(),
            "events": [event_json(e) for e in events],
        }
        head = encode(fields)
        if not state:
            return head
        place.state_at = time.monotonic()
        sections = seat_state(self.exercise, place.seat.agencies)
        if place.seat.controller:
            sections["seats"] = self.seats()
            sections["injects"] = inject_state(self.exercise)
            sections["control"] = {"on_drop": self.control.on_drop}
        changed = []
        for name, section in sections.items():
            text = json.dumps(section, separators=(",", ":"), ensure_ascii=False)
            if place.sent.get(name) != text:
                place.sent[name] = text
                changed.append(f'"{name}":{text}')
        return f'{head[:-1]},"state":{{{",".join(changed)}}}}}'

    def _send(self, place: Place, message: dict[str, Any]) -> None:
        if place.queue is not None:
            place.queue.put_nowait(encode(message))
            self._check_queue(place)

    def _check_queue(self, place: Place) -> None:
        queue = place.queue
        if queue is not None and queue.qsize() > QUEUE_LIMIT:
            # A client this far behind is gone in all but name: let it rejoin afresh.
            log.warning("seat %s is not reading; dropping it", place.seat.name)
            place.queue = None
            queue.put_nowait(None)
            self._dropped(place)


async def _write(ws: ServerConnection, queue: asyncio.Queue) -> None:
    """Send a connection's queued messages in order until told to stop (None)."""
    try:
        while (text := await queue.get()) is not None:
            await ws.send(text)
    except ConnectionClosed:
        return
    await ws.close()


async def _refuse(ws: ServerConnection, message: dict[str, Any]) -> None:
    with contextlib.suppress(ConnectionClosed):
        await ws.send(encode(message))
        await ws.close(1008, message["code"])


def _id(raw: str | bytes) -> int | None:
    """The request id of a message refused unread, so its sender stops waiting for it."""
    try:
        return decode(raw).get("id")
    except ProtocolError:
        return None
