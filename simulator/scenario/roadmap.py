"""The map block of a scenario: an explicit road graph or a seeded synthetic city."""

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simulator.scenario.base import Coordinate, Ident, Model
from simulator.scenario.limits import MAX_COORD_M, MAX_KMH, MAX_SEED, MIN_KMH, shown


class RoadNode(Model):
    """An intersection, in metres."""

    id: Ident
    x: Coordinate
    y: Coordinate
    district: str | None = Field(
        default=None, max_length=80, description="District it lies in (named on the map)"
    )


class WaterArea(Model):
    """A river, lake or harbour drawn on the map (the engine never reads it)."""

    name: str | None = Field(default=None, max_length=80)
    outline: list[tuple[Coordinate, Coordinate]] = Field(
        min_length=3, max_length=2000, description="Polygon corners [x, y] in metres"
    )


class RoadEdge(Model):
    """A road segment; two-way unless ``oneway``."""

    source: Ident = Field(alias="from")
    target: Ident = Field(alias="to")
    length: float | None = Field(
        default=None,
        ge=1,
        le=MAX_COORD_M,
        description="Metres; straight-line distance when omitted",
    )
    speed_kmh: float = Field(default=40.0, ge=MIN_KMH, le=MAX_KMH)
    oneway: bool = False
    name: str | None = Field(default=None, description="Street name, for closures by name")


class ExplicitMap(Model):
    """A hand-drawn road graph."""

    kind: Literal["graph"] = "graph"
    nodes: list[RoadNode] = Field(min_length=2)
    edges: list[RoadEdge] = Field(min_length=1)
    water: list[WaterArea] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _ids_unique(self) -> "ExplicitMap":
        seen: set[str] = set()
        for node in self.nodes:
            if node.id in seen:
                raise ValueError(f"duplicate node id {shown(node.id)}")
            seen.add(node.id)
        return self

    @field_validator("edges")
    @classmethod
    def _one_road_each_way(cls, edges: list[RoadEdge]) -> list[RoadEdge]:
        # The road graph holds one road each way between two nodes: a second would
        # silently replace the first, and closing the first by name would close nothing.
        ways: dict[tuple[str, str], int] = {}
        for i, edge in enumerate(edges):
            pairs = [(edge.source, edge.target)]
            if not edge.oneway and edge.target != edge.source:
                pairs.append((edge.target, edge.source))
            for pair in pairs:
                if pair in ways:
                    raise ValueError(
                        f"edges {ways[pair]} and {i} both lead from {shown(pair[0])} to "
                        f"{shown(pair[1])}: one road each way between two nodes (add a node "
                        "part-way along one of them)"
                    )
                ways[pair] = i
        return edges


class GeneratedMap(Model):
    """A seeded synthetic city: districts on a grid, arterials, a river and bridges."""

    kind: Literal["generated"] = "generated"
    seed: int = Field(default=1, ge=0, le=MAX_SEED)
    columns: int = Field(default=30, ge=3, le=400)
    rows: int = Field(default=30, ge=3, le=400)
    block_m: float = Field(default=200.0, gt=20, le=2000)
    jitter_m: float = Field(
        default=15.0, ge=0, description="Random shift of each intersection; at most block_m / 4"
    )
    arterial_every: int = Field(default=5, ge=2, le=400)
    local_kmh: float = Field(default=40.0, ge=MIN_KMH, le=MAX_KMH)
    arterial_kmh: float = Field(default=65.0, ge=MIN_KMH, le=MAX_KMH)
    river: bool = True
    bridges: int = Field(default=3, ge=1, le=400)
    oneway_share: float = Field(
        default=0.15, ge=0, le=0.5, description="Share of local streets made one-way"
    )
    districts: list[str] = Field(
        default_factory=lambda: ["Northside", "Downtown", "Eastgate", "Riverside"],
        min_length=1,
        description="District names, laid out on a near-square grid",
    )

    @field_validator("jitter_m")
    @classmethod
    def _jitter_keeps_the_grid(cls, value: float, info: ValidationInfo) -> float:
        # A quarter block each way keeps neighbours at least half a block apart, so the
        # streets of the grid stay in order (a jitter of 1e9 m scattered them).
        block = info.data.get("block_m")
        if block is not None and value > block / 4:
            raise ValueError(f"must be at most block_m / 4 ({block / 4:g} m), got {value:g}")
        return value

    @model_validator(mode="after")
    def _river_fits(self) -> "GeneratedMap":
        if self.river and self.bridges > self.columns:
            raise ValueError(f"bridges ({self.bridges}) cannot exceed columns ({self.columns})")
        return self


MapSpec = Annotated[ExplicitMap | GeneratedMap, Field(discriminator="kind")]
