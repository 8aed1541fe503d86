"""Scenario problems, reported as ``FILE: path.to.field: what is wrong``.

A problem inside a named item also says which, as the author wrote it:
``FILE: inject seq 40 at msel.3.to.0: unknown agency 'fd' (agencies: ...)``.
"""

from dataclasses import dataclass, field

from simulator.scenario.limits import MAX_PROBLEMS, clipped


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
