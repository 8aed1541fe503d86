"""Reading an input file's text safely: a regular file, of bounded size, in UTF-8.

Scenario files and command files come from trainers' editors and from anywhere else a
path can point: a FIFO blocks a reader for ever and ``/dev/zero`` never ends, so the
kind of file and its size are checked before a byte is read.
"""

import os
import stat
from pathlib import Path

from simulator.scenario.limits import MAX_FILE_BYTES


class SourceError(Exception):
    """A file that cannot be read as text; the message is the reason, for one line."""


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text, decoded as UTF-8 (a leading byte-order mark is dropped).

    Raises:
        SourceError: missing, not a regular file, larger than ``limit``, unreadable or
            not UTF-8.
    """
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start + 1} cannot be decoded)") from None


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, once it is known to be a regular file of at most ``limit``.

    Raises:
        SourceError: missing, not a regular file, larger than ``limit`` or unreadable.
    """
    regular(path, limit)
    return _read_at_most(path, limit)


def regular(path: Path, limit: int) -> None:
    """Refuse what is no regular file of at most ``limit`` bytes (a pipe, a device).

    Raises:
        SourceError: missing, not a regular file or larger than ``limit``.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SourceError("file not found") from None
    except OSError as exc:
        raise SourceError(f"cannot read the file: {_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"not a regular file ({_kind(info.st_mode)}); give a file's path")
    if info.st_size > limit:
        raise SourceError(_too_large(limit, info.st_size))


def _read_at_most(path: Path, limit: int) -> bytes:
    # A file can grow after stat: read one byte past the limit to know.
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"cannot read the file: {_reason(exc)}") from None
    if len(data) > limit:
        raise SourceError(_too_large(limit, len(data)))
    return data


def _too_large(limit: int, size: int) -> str:
    mb = 1024 * 1024
    return f"the file is too large: {size / mb:.1f} MB, over the limit of {limit / mb:g} MB"


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "a special file")


def _reason(exc: OSError) -> str:
    return exc.strerror or os.strerror(exc.errno or 0) or type(exc).__name__
