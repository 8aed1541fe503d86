"""Reading scenario files: YAML or JSON, safely, with every problem located."""

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.scenario.check import problems as reference_problems
from simulator.scenario.model import Scenario
from simulator.scenario.msel import INJECT_TYPES
from simulator.scenario.problem import Problem, ScenarioError

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def read_document(path: Path) -> Any:
    """Parse a file as JSON (``.json``) or YAML (anything else, ``safe_load`` only).

    Raises:
        ScenarioError: the file is missing, unreadable or not well formed.

    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(name, [Problem("", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(name, [Problem("", f"cannot read the file: {exc}")]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            name, [Problem("", f"not valid JSON (line {exc.lineno}): {exc.msg}")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(name, [Problem("", f"not valid YAML{where}: {reason}")]) from None


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
    return sorted(set(found), key=found.index)


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
