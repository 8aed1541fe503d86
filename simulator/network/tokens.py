"""Join tokens: one secret per seat, written where only the trainer can read it."""

import json
import os
import secrets
from pathlib import Path


def new_tokens(seats: list[str]) -> dict[str, str]:
    """A fresh random token for each seat name (seat -> token).

    Hexadecimal, 144 bits: a URL-safe token can begin with "-", and ``--token -x...``
    on a command line is then read as an option, not the token.
    """
    return {seat: secrets.token_hex(18) for seat in seats}


def write_tokens(path: Path, tokens: dict[str, str]) -> None:
    """Write ``seat -> token`` as JSON, readable by the owner only (the tokens are keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file already there keeps its mode otherwise
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(tokens, indent=2) + "\n")
