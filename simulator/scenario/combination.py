"""Combination rules: facts that, held together, reveal another (a fusion centre's analysis).

Two reports that mean little apart (a powder seized at one scene, an overdose cluster
at another) can together tell an analyst something nobody reported: the batch is the
same, so the car that fled the takedown carries it too. A rule names the source facts,
the fact they give, who can analyse them (agency ids or kinds, e.g. the fusion centre)
and how long the analysis takes. The engine applies it (``engine/analysis.py``); the
fusion centre's desk passes the result on (``players/fusion.py``).
"""

from typing import Annotated

from pydantic import Field, StringConstraints

from simulator.scenario.base import Ident, Model
from simulator.scenario.limits import MAX_MINUTES

FactKey = Annotated[str, StringConstraints(max_length=200)]


class Combination(Model):
    """Source facts that, held by an analyst together, give it a new fact."""

    facts: list[FactKey] = Field(
        min_length=2,
        max_length=20,
        description="Fact keys an analyst must hold together, e.g. two hazards",
    )
    gives: FactKey = Field(description="The fact the analysis gives")
    by: list[Ident] = Field(
        min_length=1,
        max_length=50,
        description="Agency ids or agency kinds that can analyse them (e.g. the fusion centre)",
    )
    minutes: float = Field(default=10.0, ge=0, le=MAX_MINUTES, description="Analysis time")
    description: str = Field(default="", description="What the analyst concludes, for reports")

    def analyses(self, agency: str, kind: str) -> bool:
        """Whether an agency (of this kind) can make this analysis."""
        return agency in self.by or kind in self.by
