"""Stopping a long job from outside as the keyboard would: SIGTERM read as Ctrl+C."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (a session manager, ``timeout``, ``kill``) stops a run as Ctrl+C does.

    Python's default dies at once: no summary, the run left "running" and a baseline
    left half-played. Raised as KeyboardInterrupt in the main thread, it takes Ctrl+C's
    path: the run is recorded as stopped and compared. The old handler is put back
    after. Off the main thread (a test's or an embedding's), signals cannot be set.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        # None: a handler set outside Python, which cannot be put back; the default is.
        signal.signal(signal.SIGTERM, signal.SIG_DFL if old is None else old)
