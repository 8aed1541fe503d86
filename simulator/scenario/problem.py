"""Scenario problems, reported as ``FILE: path.to.field: what is wrong``."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a scenario, located by its field path."""

    path: str
    message: str

    def render(self, file: str) -> str:
        """Format for the terminal, naming the file first."""
        where = f"{self.path}: " if self.path else ""
        return f"{file}: {where}{self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found."""

    def __init__(self, file: str, problems: list[Problem]):
        super().__init__("\n".join(p.render(file) for p in problems))
        self.file = file
        self.problems = problems

    def lines(self) -> list[str]:
        """One rendered line per problem."""
        return [p.render(self.file) for p in self.problems]
