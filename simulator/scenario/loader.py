"""Reading scenario files: YAML or JSON, safely, with every problem located."""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from simulator.scenario.check import problems as reference_problems
from simulator.scenario.collector import collector_paused
from simulator.scenario.document import DocumentError, parse_json, parse_yaml
from simulator.scenario.model import Scenario
from simulator.scenario.msel import INJECT_TYPES
from simulator.scenario.naming import named
from simulator.scenario.partial import Checked, without_failures
from simulator.scenario.problem import MISSING, Problem, ScenarioError, plain
from simulator.scenario.source import SourceError, read_text
from simulator.scenario.spelling import did_you_mean

T = TypeVar("T")


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
        is_json = path.suffix.lower() == ".json"
        if _empty(text, comments=not is_json):
            held = "only blank lines" if is_json else "only blank lines or comments"
            raise DocumentError(f"the file is empty ({held}): {_SECTIONS}")
        return parse_json(text) if is_json else parse_yaml(text)
    except (SourceError, DocumentError) as exc:
        raise ScenarioError(name, [Problem("", str(exc))]) from None


_SECTIONS = "expected a mapping of scenario sections"


def _empty(text: str, *, comments: bool) -> bool:
    """Whether text holds nothing but blank lines (and ``#`` comments, in YAML).

    YAML reads such a file as no document at all: "expected a mapping" did not say
    that the file (a save that did not happen, the wrong path) was the problem.
    """
    return all(
        not line.strip() or (comments and line.lstrip().startswith("#"))
        for line in text.splitlines()
    )


def parse(data: Any, name: str = "<scenario>") -> Scenario:
    """Validate parsed data into a Scenario, checking every cross-reference.

    Raises:
        ScenarioError: with one problem per wrong field, schema and references together.

    """
    checked = examine(data)
    if checked.problems:
        raise ScenarioError(name, named(checked.problems, data))
    return checked.scenario


def load(path: str | Path) -> Scenario:
    """Load and fully check a scenario file."""
    path = Path(path)
    return parse(read_document(path), str(path))


def load_with(path: str | Path, stage: Callable[[Scenario], T]) -> tuple[Scenario, T]:
    """Load a scenario file and run one more checking stage on it (the map's).

    Every stage's problems come in one pass: the stage also runs when the earlier ones
    found problems, on what was left of the file, unless a section it needs failed.

    Raises:
        ScenarioError: every problem found, each labelled as the author wrote it.
    """
    path = Path(path)
    data = read_document(path)
    checked = examine(data)
    found = list(checked.problems)
    result = None
    if checked.scenario is not None and "map" in checked.whole:
        try:
            result = stage(checked.scenario)
        except ScenarioError as exc:
            found += checked.restore(exc.problems)
    if found:
        raise ScenarioError(str(path), named(found, data))
    return checked.scenario, result


@collector_paused()
def examine(data: Any) -> Checked:
    """Schema and cross-reference problems of parsed data, and the scenario if any.

    A schema problem in a list item (a unit, an inject) or in a section that can be
    stood in for leaves that item or section out, so the cross-references of the rest
    are still checked (``simulator.scenario.partial``).
    """
    if not isinstance(data, dict):
        return Checked(None, [Problem("", _SECTIONS)])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        schema = _from_pydantic(exc)
        checked = without_failures(data, [error["loc"] for error in exc.errors()])
        if checked.scenario is None:
            return Checked(None, schema)
        bare = _bare_duration(data)
        found = reference_problems(checked.scenario, checked.whole, bare_duration=bare)
        return replace(checked, problems=schema + checked.restore(found))
    return Checked(scenario, reference_problems(scenario, bare_duration=_bare_duration(data)))


def _bare_duration(data: dict) -> bool:
    """Whether ``metadata.duration`` is written as a bare number (seconds), not HH:MM."""
    metadata = data.get("metadata")
    duration = metadata.get("duration") if isinstance(metadata, dict) else None
    return isinstance(duration, int | float) and not isinstance(duration, bool)


def _from_pydantic(exc: ValidationError) -> list[Problem]:
    found = []
    for error in exc.errors(include_url=False):
        parts, message = _read(error)
        found.append(Problem(".".join(str(part) for part in parts), message))
    return list(dict.fromkeys(found))  # unique, in order (sorted by index was quadratic)


def _read(error: Any) -> tuple[list, str]:
    """One schema error's field path and message, as a trainer should read them.

    A missing or unknown map kind or inject type is named as that field (``map.kind``),
    not as pydantic's "discriminator"; one left empty (``kind:``) is missing. An unknown
    field is given the model's nearest field name, when one is close.
    """
    parts = _field_path(error["loc"])
    field = str((error.get("ctx") or {}).get("discriminator", "")).strip("'")
    if error["type"] in ("union_tag_not_found", "union_tag_invalid") and field:
        given = error["input"].get(field) if isinstance(error["input"], dict) else None
        return [*parts, field], MISSING if given is None else plain(error)
    if error["type"] == "extra_forbidden":
        return parts, plain(error) + did_you_mean(Scenario, tuple(error["loc"]))
    return parts, plain(error)


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
