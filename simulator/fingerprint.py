"""The program's own fingerprint: a hash of its source, for caches of what it played.

A cached automated-players baseline is a run those players played; after an upgrade
they may play it differently, and a trainee's run would be compared with what the old
program did. The version number alone does not move with every change, the source does.
"""

import functools
import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 over every module of the package, by path and content (in path order)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
