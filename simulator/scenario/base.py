"""The base every scenario model shares: unknown fields are errors."""

from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

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

    @model_validator(mode="before")
    @classmethod
    def _no_true_for_a_number(cls, data: Any) -> Any:
        """``crew: true`` is a mistake, not 1: pydantic would read it as one.

        The flag is swapped for a value no number field accepts, so the field itself
        is reported ("expected a number") where it stands.
        """
        if not isinstance(data, dict):
            return data
        numeric = _numeric_keys(cls)
        flagged = {k: _Flag(v) for k, v in data.items() if isinstance(v, bool) and k in numeric}
        return {**data, **flagged} if flagged else data


class _Flag:
    """True or false where a number was expected (no number validator accepts it)."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value).lower()


_NUMERIC: dict[type, frozenset[str]] = {}  # per model: the keys of its number fields


def _numeric_keys(model: type[BaseModel]) -> frozenset[str]:
    """The field names and aliases of a model's plain number fields."""
    if model not in _NUMERIC:
        keys = set()
        for name, info in model.model_fields.items():
            if _is_number(info.annotation) and not any(
                isinstance(m, BeforeValidator) for m in info.metadata
            ):
                keys |= {name, info.alias or name}
        _NUMERIC[model] = frozenset(keys)
    return _NUMERIC[model]


def _is_number(annotation: Any) -> bool:
    """Whether a field holds a number (``int``, ``float``, optionally or annotated)."""
    if annotation in (int, float):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_number(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return any(_is_number(a) for a in get_args(annotation) if a is not type(None))
    return False


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
