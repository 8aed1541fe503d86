"""The base every scenario model shares: unknown fields are errors."""

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from simulator.scenario.limits import MAX_COORD_M, MAX_TEXT_CHARS, shown

# Identifiers trainers type: letters, digits, dash, underscore, dot.
IDENT_PATTERN = r"^[A-Za-z0-9_.\-]+$"
Ident = Annotated[str, StringConstraints(pattern=IDENT_PATTERN, max_length=64)]
# Metres from the map's origin. Bounded so every distance and travel time stays a
# number the engine can use (a node at 1e308 m gave an ETA of 6.3e306 s).
Coordinate = Annotated[float, Field(ge=-MAX_COORD_M, le=MAX_COORD_M)]


class Model(BaseModel):
    """Strict, frozen scenario data; a misspelt field is reported, never ignored.

    Every number is finite (``allow_inf_nan=False``): NaN and infinity reach the
    engine as a traceback, a hang or non-standard JSON in the event log. Every text is
    at most ``MAX_TEXT_CHARS`` (a briefing is a few pages; a name a few words): a
    megabyte "title" would be drawn, logged and reported on every screen.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        allow_inf_nan=False,
        str_max_length=MAX_TEXT_CHARS,
    )


class Place(Model):
    """A road-graph node id, or x/y metres that snap to the nearest node."""

    node: Ident | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "Place":
        if self.node is None and (self.x is None or self.y is None):
            raise ValueError("give a node id, or both x and y")
        if self.node is not None and (self.x is not None or self.y is not None):
            raise ValueError("give a node id or x/y, not both")
        return self


def _place(value: Any) -> Any:
    if isinstance(value, str):
        return {"node": value}
    if isinstance(value, list | tuple) and len(value) == 2:
        return {"x": value[0], "y": value[1]}
    if isinstance(value, dict | Place):
        return value
    raise ValueError(f"expected a node id or {{x, y}}, got {shown(value)}")


_COORD_SCHEMA = {"type": "number", "minimum": -MAX_COORD_M, "maximum": MAX_COORD_M}

Location = Annotated[
    Place,
    BeforeValidator(_place),
    WithJsonSchema(
        {
            "description": "A road node id, or {x, y} in metres (snapped to the nearest node)",
            "anyOf": [
                {"type": "string", "pattern": IDENT_PATTERN},
                {
                    "type": "object",
                    "properties": {"x": _COORD_SCHEMA, "y": _COORD_SCHEMA},
                    "required": ["x", "y"],
                    "additionalProperties": False,
                },
            ],
        }
    ),
]
