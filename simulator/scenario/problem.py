"""Scenario problems, reported as ``FILE: path.to.field: what is wrong``.

A problem inside a named item also says which, as the author wrote it:
``FILE: inject seq 40 at msel.3.to.0: unknown agency 'fd' (agencies: ...)``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.scenario.base import IDENT_PATTERN
from simulator.scenario.limits import MAX_PROBLEMS, clipped

MISSING = "required field is missing"
_PLAIN = {
    "extra_forbidden": "unknown field",
    "missing": MISSING,
    "finite_number": "must be a finite number (not NaN or infinity)",
    "model_type": "expected a mapping of fields (name: value)",
    "model_attributes_type": "expected a mapping of fields (name: value)",
    "dict_type": "expected a mapping (key: value)",
    "list_type": "expected a list",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a scenario, located by its field path.

    ``label`` names the items on the path (``unit E9``); it is not part of what makes
    two problems the same.
    """

    path: str
    message: str
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # The last guard: whatever a check quotes, one problem stays one readable line.
        object.__setattr__(self, "path", clipped(self.path))
        object.__setattr__(self, "message", clipped(self.message))
        object.__setattr__(self, "label", clipped(self.label))

    def render(self, file: str) -> str:
        """Format for the terminal, naming the file first."""
        where = f"{self.path}: " if self.path else ""
        if self.label:
            where = f"{self.label} at {where}"
        return f"{file}: {where}{self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One rendered line per problem, the first ``MAX_PROBLEMS`` and a count of the rest.

        A file of a hundred thousand wrong units must not print a hundred thousand lines.
        """
        listed = [p.render(self.file) for p in self.problems[:MAX_PROBLEMS]]
        rest = len(self.problems) - MAX_PROBLEMS
        if rest > 0:
            listed.append(f"{self.file}: {rest} more problems not shown")
        return listed


def plain(error: Mapping[str, Any]) -> str:
    """A pydantic error's message in a trainer's words, not the library's.

    "Input should be a valid dictionary or instance of Metadata" says nothing to
    someone writing YAML; the common kinds are reworded, the rest lose the library's
    phrasing ("Input should be" reads "must be").
    """
    kind, context = error["type"], error.get("ctx") or {}
    if kind in _PLAIN:
        flag = repr(error.get("input"))
        return _PLAIN[kind] + (f", not {flag}" if flag in ("true", "false") else "")
    if kind == "too_short":
        return f"needs at least {_items(context.get('min_length'))}"
    if kind == "too_long":
        return f"holds at most {_items(context.get('max_length'))}"
    field = str(context.get("discriminator", "")).strip("'")
    if kind == "union_tag_invalid":
        tags = sorted(tag.strip(" '") for tag in str(context.get("expected_tags", "")).split(","))
        return f"unknown {field} {context.get('tag')!r} ({field}s: {', '.join(tags)})"
    if kind == "union_tag_not_found":
        return f"give its {field}"
    if kind == "string_pattern_mismatch" and context.get("pattern") == IDENT_PATTERN:
        return "an id may hold only ASCII letters (A-Z, a-z), digits and _ . -"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message.replace("Input should be", "must be").replace("String should", "must")


def _items(count: object) -> str:
    return f"{count} item" if count == 1 else f"{count} items"
