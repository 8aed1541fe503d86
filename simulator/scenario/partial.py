"""What is left of a scenario after its schema problems, so later checks still run.

A trainer who fixes a mistyped field should not then meet, one fix later, an unknown
channel the checks never reached. An item of a list (a unit, an inject) that fails the
schema is left out; a section that fails (``metadata``, ``map``, ``settings``,
``communications``, ``scoring``) is stood in for by a neutral one. The sections that
lost nothing are ``whole``: cross-reference checks that need any other are skipped
(an unknown id may be the one left out). Problems found on what is left are put back
at the file's own list indexes (``restore``).
"""

from dataclasses import dataclass, field

from pydantic import ValidationError

from simulator.scenario.check import SECTIONS
from simulator.scenario.model import Scenario
from simulator.scenario.problem import Problem

LISTS = ("agencies", "stations", "hospitals", "staging_areas", "units", "msel")
STAND_INS: dict[str, dict] = {
    "metadata": {"id": "stand-in", "title": "", "briefing": "", "duration": 1},
    "map": {"kind": "generated"},
    "settings": {},
    "communications": {},
    "scoring": {},
    "operations": {},
    "intelligence": {},
    "community": {},
}
# Sections a misspelt top-level key may have been meant as: absent, they are not whole.
OPTIONAL = frozenset(
    name
    for name, spec in Scenario.model_fields.items()
    if name in SECTIONS and not spec.is_required()
)


@dataclass(frozen=True)
class Checked:
    """A scenario (whole or partial) and the problems found in it so far."""

    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    whole: frozenset[str] = SECTIONS
    kept: dict[str, list[int]] = field(default_factory=dict)  # file index of each item kept

    def restore(self, problems: list[Problem]) -> list[Problem]:
        """Problems found on the partial scenario, at the file's list indexes."""
        return [self._restored(p) for p in problems]

    def _restored(self, problem: Problem) -> Problem:
        section, _, rest = problem.path.partition(".")
        index, dot, tail = rest.partition(".")
        if section not in self.kept or not index.isdigit():
            return problem
        path = f"{section}.{self.kept[section][int(index)]}{dot}{tail}"
        return Problem(path, problem.message, problem.label)


def without_failures(data: dict, locations: list[tuple]) -> Checked:
    """The scenario without the items and sections the schema refused at ``locations``.

    ``scenario`` is None when nothing sensible is left: a required section is itself
    wrong (missing, empty, not a list) or the rest still fails.
    """
    items: dict[str, set[int]] = {}
    sections: set[str] = set()
    for loc in locations:
        head = loc[0] if loc else None
        if head in LISTS and len(loc) > 1 and isinstance(loc[1], int):
            items.setdefault(head, set()).add(loc[1])
        elif head in STAND_INS or (isinstance(head, str) and head not in SECTIONS):
            sections.add(head)
        else:
            return Checked(None)
    trimmed = {key: value for key, value in data.items() if key not in sections}
    trimmed |= {name: STAND_INS[name] for name in sections if name in STAND_INS}
    kept: dict[str, list[int]] = {}
    for name, bad in items.items():
        if not isinstance(data.get(name), list):
            return Checked(None)
        kept[name] = [i for i in range(len(data[name])) if i not in bad]
        trimmed[name] = [data[name][i] for i in kept[name]]
    try:
        scenario = Scenario.model_validate(trimmed)
    except ValidationError:
        return Checked(None)
    lost = sections | set(items)
    if sections - SECTIONS:  # a misspelt section: any optional one may be what it meant
        lost |= {name for name in OPTIONAL if name not in data}
    return Checked(scenario, whole=SECTIONS - lost, kept=kept)
