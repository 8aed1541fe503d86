"""Reading scenario files: YAML or JSON, safely, with every problem located."""

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.scenario.check import problems as reference_problems
from simulator.scenario.document import DocumentError, parse_json, parse_yaml
from simulator.scenario.model import Scenario
from simulator.scenario.msel import INJECT_TYPES
from simulator.scenario.problem import Problem, ScenarioError
from simulator.scenario.source import SourceError, read_text

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
    "finite_number": "must be a finite number (not NaN or infinity)",
}


def read_document(path: Path) -> Any:
    """Parse a file as JSON (``.json``) or YAML (anything else, ``safe_load`` only).

    The file must be a regular file of at most 2 MB (a pipe or a device is refused
    before reading); nesting, aliases, repeated keys and long integers are bounded
    (``simulator.scenario.document``).

    Raises:
        ScenarioError: the file is missing, unreadable, too large or not well formed.

    """
    name = str(path)
    try:
        text = read_text(path)
        if path.suffix.lower() == ".json":
            return parse_json(text)
        return parse_yaml(text)
    except (SourceError, DocumentError) as exc:
        raise ScenarioError(name, [Problem("", str(exc))]) from None


def parse(data: Any, name: str = "<scenario>") -> Scenario:
    """Validate parsed data into a Scenario, checking every cross-reference.

    Raises:
        ScenarioError: with one problem per wrong field.

    """
    if not isinstance(data, dict):
        raise ScenarioError(name, [Problem("", "expected a mapping of scenario sections")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(name, _from_pydantic(exc)) from None
    found = reference_problems(scenario)
    if found:
        raise ScenarioError(name, found)
    return scenario


def load(path: str | Path) -> Scenario:
    """Load and fully check a scenario file."""
    path = Path(path)
    return parse(read_document(path), str(path))


def _from_pydantic(exc: ValidationError) -> list[Problem]:
    found = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in _field_path(error["loc"]))
        message = _MESSAGES.get(error["type"], error["msg"])
        message = message.removeprefix("Value error, ")
        found.append(Problem(path, message))
    return list(dict.fromkeys(found))  # unique, in order (sorted by index was quadratic)


def _field_path(loc: tuple) -> list:
    # pydantic puts union tags (an inject's type, the map's kind) and validator names in
    # a location; they are not fields, so a trainer should not see them.
    out: list = []
    for index, part in enumerate(loc):
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        if _is_union_tag(loc, index):
            continue
        out.append(part)
    return out


def _is_union_tag(loc: tuple, index: int) -> bool:
    head, part = loc[0], loc[index]
    if head == "map" and index == 1:
        return part in ("graph", "generated")
    return head == "msel" and index == 2 and part in INJECT_TYPES
