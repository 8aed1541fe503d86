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
        numeric, holders = _numeric_keys(cls)
        flagged = {k: _Flag(v) for k, v in data.items() if isinstance(v, bool) and k in numeric}
        flagged |= {k: _flagged(v) for k, v in data.items() if k in holders and _has_flag(v)}
        return {**data, **flagged} if flagged else data


def _has_flag(value: Any) -> bool:
    """Whether true or false stands anywhere in a list or mapping of numbers."""
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(_has_flag(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_flag(v) for v in value)
    return False


def _flagged(value: Any) -> Any:
    """A list or mapping of numbers with every true or false in it flagged."""
    if isinstance(value, bool):
        return _Flag(value)
    if isinstance(value, dict):
        return {k: _flagged(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_flagged(v) for v in value]
    return value


class _Flag:
    """True or false where a number was expected (no number validator accepts it)."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value).lower()


# Per model: the keys of its number fields, and of its lists and mappings of numbers.
_NUMERIC: dict[type, tuple[frozenset[str], frozenset[str]]] = {}


def _numeric_keys(model: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    """The field names and aliases of a model's number fields and number holders.

    A field with a parser of its own (a time: ``HH:MM`` or seconds) refuses true or
    false itself, in its own words.
    """
    if model not in _NUMERIC:
        numbers, holders = set(), set()
        for name, info in model.model_fields.items():
            if any(isinstance(m, BeforeValidator) for m in info.metadata):
                continue
            keys = {name, info.alias or name}
            if _is_number(info.annotation):
                numbers |= keys
            elif _holds_numbers(info.annotation):
                holders |= keys
        _NUMERIC[model] = (frozenset(numbers), frozenset(holders))
    return _NUMERIC[model]


def _holds_numbers(annotation: Any) -> bool:
    """Whether a field is a list, tuple or mapping (values) of numbers, at any depth."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _holds_numbers(args[0])
    if origin in (Union, UnionType):
        return any(_holds_numbers(a) for a in args if a is not type(None))
    if origin is dict:
        return _is_number(args[1]) or _holds_numbers(args[1])
    if origin in (list, tuple, set, frozenset):
        inner = [a for a in args if a is not Ellipsis]
        return bool(inner) and all(_is_number(a) or _holds_numbers(a) for a in inner)
    return False


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
