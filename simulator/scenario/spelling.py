"""What a misspelt field name was probably meant to be, from the model it stands in.

``capabilites`` on a unit read "unknown field" beside "capabilities: required field is
missing", leaving the author to see the two were one. The fields the model at that
place has are found by walking pydantic's error location through the model's types.
"""

from difflib import get_close_matches
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo


def did_you_mean(root: type[BaseModel], loc: tuple) -> str:
    """``; did you mean 'capabilities'?`` for an unknown field at ``loc``, or ""."""
    if not loc or not isinstance(loc[-1], str):
        return ""
    names = {name for model in _models_at(root, loc[:-1]) for name in _names(model)}
    close = get_close_matches(loc[-1], sorted(names), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Tagged:
    """A union told apart by one field (``type``, ``kind``): the error names the tag next."""

    def __init__(self, field: str, members: list[Any]) -> None:
        self.field = field
        self.members = members


def _models_at(root: type[BaseModel], path: tuple) -> list[type[BaseModel]]:
    """The models an error location's parent can be (one, unless the path is ambiguous)."""
    kinds = _expand(root)
    for part in path:
        kinds = [found for kind in kinds for found in _step(kind, part)]
    return [kind for kind in kinds if _is_model(kind)]


def _expand(annotation: Any, info: FieldInfo | None = None) -> list[Any]:
    """A field's type as the kinds of value it takes: unions opened, annotations dropped."""
    origin, args = get_origin(annotation), get_args(annotation)
    tag = getattr(info, "discriminator", None) if info is not None else None
    if origin is Annotated:
        inner = next((m for m in args[1:] if isinstance(m, FieldInfo)), info)
        return _expand(args[0], inner)
    if origin in (Union, UnionType):
        members = [a for a in args if a is not type(None)]
        if isinstance(tag, str):
            return [_Tagged(tag, members)]
        return [kind for member in members for kind in _expand(member)]
    return [annotation]


def _step(kind: Any, part: object) -> list[Any]:
    """The kinds of value one step of a location leads to from a value of ``kind``."""
    if isinstance(kind, _Tagged):
        return [m for m in kind.members if _is_model(m) and part in _tags(m, kind.field)]
    origin, args = get_origin(kind), get_args(kind)
    if isinstance(part, int) and origin in (list, tuple, set, frozenset):
        return _expand(args[0]) if args else []
    if origin is dict and len(args) == 2:
        return _expand(args[1])
    if not isinstance(part, str):
        return []
    if "[" in part or part.startswith("function-"):
        return [kind]  # a validator's name in the location, not a field
    if _is_model(kind):
        for name, info in kind.model_fields.items():
            if part in (name, info.alias):
                return _expand(info.annotation, info)
        if part == kind.__name__:
            return [kind]  # a member of an untagged union, named by its class
    return []


def _tags(model: type[BaseModel], field: str) -> tuple:
    info = model.model_fields.get(field)
    annotation = info.annotation if info is not None else None
    return get_args(annotation) if get_origin(annotation) is Literal else ()


def _names(model: type[BaseModel]) -> list[str]:
    """A model's fields as an author writes them (``from``, not ``from_``)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)
