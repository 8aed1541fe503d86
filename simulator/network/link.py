"""A seat's connection to the server: hello, requests and the stream of updates.

Synchronous on purpose: an automated player and the map view ask "would this order be
accepted?" or give an order in the middle of their own work and need the answer there.
Messages that arrive while a request waits (the updates its command caused) go to
``on_message`` in order, before the answer is returned.
"""

import contextlib
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from simulator.network.protocol import VERSION, encode

ANSWER_S = 30.0  # a request not answered in this long means the server is gone
MAX_SERVER_MESSAGE = 256 * 1024 * 1024  # the controller's picture of a city is large


class LinkError(Exception):
    """The server refused us, or cannot be reached; the message says which and why."""

    def __init__(self, message: str, code: str = "link"):
        super().__init__(message)
        self.code = code


class Link:
    """One open connection, past its hello: the welcome is in ``welcome``."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        since: int = 0,
        timeout: float = 10.0,
        bot: str | None = None,
        controller: bool = False,
    ):
        """Connect and say hello.

        ``bot``: the profile of the automated player taking the seat (``join --bot``),
        so the server records the seat as automated. ``controller``: only the
        controller's seat will do (``control``): the server refuses a trainee's token
        without taking its seat.
        """
        # Entered as a context manager, as websockets 17 asks; closed in ``close``.
        self._stack = contextlib.ExitStack()
        try:
            self._ws: ClientConnection = self._stack.enter_context(
                connect(url, max_size=MAX_SERVER_MESSAGE, open_timeout=timeout, compression=None)
            )
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
            raise LinkError(f"cannot connect to {url}: {exc}") from None
        except ValueError as exc:  # a port past 65535, a host that is no address
            raise LinkError(f"bad URL {url}: {exc}") from None
        self._ids = itertools.count(1)
        self.on_message: Callable[[dict[str, Any]], None] = lambda message: None
        hello: dict[str, Any] = {
            "type": "hello",
            "version": VERSION,
            "token": token,
            "since": since,
        }
        if bot is not None:
            hello["bot"] = bot
        if controller:
            hello["controller"] = True
        self._ws.send(encode(hello))
        first = self.receive(timeout)
        if first is None or first.get("type") != "welcome":
            self.close()
            if first is not None and first.get("type") == "error":
                raise LinkError(f"refused: {first.get('message')}", str(first.get("code")))
            raise LinkError("the server did not welcome us")
        self.welcome: dict[str, Any] = first

    def receive(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next message, or None after ``timeout`` seconds (0: only one waiting).

        Raises:
            LinkError: the connection closed.
        """
        try:
            raw = self._ws.recv(timeout=timeout)
        except TimeoutError:
            return None
        except ConnectionClosed as exc:
            raise LinkError(f"connection closed: {exc}", "closed") from None
        return json.loads(raw)

    def send(self, message: dict[str, Any]) -> None:
        """Send one message (no answer awaited)."""
        try:
            self._ws.send(encode(message))
        except ConnectionClosed as exc:
            raise LinkError(f"connection closed: {exc}", "closed") from None

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a request and return its answer; what arrives first goes to ``on_message``."""
        ident = next(self._ids)
        self.send({**message, "id": ident})
        # One deadline for the answer, however many updates arrive before it (a
        # refusal of a message it could not read carries no id, so none comes).
        deadline = time.monotonic() + ANSWER_S
        while True:
            answer = self.receive(max(0.0, deadline - time.monotonic()))
            if answer is None:
                raise LinkError(f"no answer from the server in {ANSWER_S:.0f} s")
            if answer.get("id") == ident and answer.get("type") != "update":
                return answer
            self.on_message(answer)

    def close(self) -> None:
        """Close the connection."""
        self._stack.close()
