"""Where a problem is, as the author wrote it: ``unit E9``, ``inject seq 40, incident I3``.

A field path (``msel.3.to.0``) is exact but makes the author count list items; the ids
and sequence numbers along it are what the author searches the file for. The label
is worked out from the file's own data, so it serves problems of every checking stage.
"""

import re
from dataclasses import replace
from typing import Any

from simulator.scenario.base import IDENT_PATTERN
from simulator.scenario.problem import Problem

# A list's key in the file, and what one of its items is called.
NOUNS = {
    "agencies": "agency",
    "stations": "station",
    "hospitals": "hospital",
    "staging_areas": "staging area",
    "units": "unit",
    "nodes": "node",
    "systems": "radio system",
    "sites": "site",
    "channels": "channel",
    "objectives": "objective",
    "hazards": "hazard",
    "preconditions": "precondition",
    "msel": "inject",
}
INCIDENT_KEYS = ("incident", "secondary")  # mappings that hold an incident


def named(problems: list[Problem], data: Any) -> list[Problem]:
    """The problems, each labelled with the named things its path passes through."""
    return [replace(p, label=p.label or label(p.path, data)) for p in problems]


def label(path: str, data: Any) -> str:
    """``unit E9`` for ``units.2.station``; "" when nothing on the path has a name."""
    names, node, key = [], data, ""
    for part in path.split(".") if path else []:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            names.append(_name(node, NOUNS.get(key, "")))
        elif isinstance(node, dict) and part in node:
            node = node[part]
            if part in INCIDENT_KEYS and isinstance(node, dict):
                names.append(_name(node, "incident"))
        else:
            break
        key = part
    return ", ".join(name for name in names if name)


def _name(item: Any, noun: str) -> str:
    if not noun or not isinstance(item, dict):
        return ""
    if noun == "inject":
        seq = item.get("seq")
        ok = isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < 10**9
        return f"inject seq {seq}" if ok else ""
    ident = item.get("id")
    if isinstance(ident, str) and re.fullmatch(IDENT_PATTERN, ident) and len(ident) <= 64:
        return f"{noun} {ident}"
    return ""
