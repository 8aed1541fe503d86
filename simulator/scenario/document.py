"""Parsing scenario text as YAML or JSON with every hostile shape bounded.

``yaml.safe_load`` and ``json.loads`` build no objects beyond plain data, but they
still recurse once per nesting level (50,000 brackets end in RecursionError), let a
5 KB YAML file of aliases expand to millions of values, keep the last of two equal
keys without a word and turn a 5,000-digit integer into a ValueError. The readers
here refuse each of these with a :class:`DocumentError` naming the line when known.
"""

import json
import re
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from simulator.scenario.collector import collector_paused
from simulator.scenario.limits import (
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    MAX_DIGITS,
    SHOWN_CHARS,
    json_problem,
    shown,
)

_MERGE = "tag:yaml.org,2002:merge"


class DocumentError(Exception):
    """Text that is not a well-formed document; the message is the reason, one line."""


@collector_paused()
def parse_yaml(text: str) -> Any:
    """Plain data from YAML text (``safe_load`` semantics, bounded).

    Raises:
        DocumentError: not YAML, or nested, aliased, keyed or numbered beyond the limits.
    """
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        raise DocumentError(_unreadable(text, exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        if reason == "exceeded maximum nesting depth":  # libyaml's own bound, at 1000
            reason = _too_deep()
        raise DocumentError(f"not valid YAML{where}: {reason}") from None
    except RecursionError:
        raise DocumentError(f"not valid YAML: {_too_deep()}") from None
    finally:
        loader.dispose()


def parse_json(text: str, *, one_line: bool = False) -> Any:
    """Plain data from JSON text, bounded like :func:`parse_yaml`.

    ``NaN`` and ``Infinity`` are read as floats so the schema can name the field that
    holds one (every number there must be finite). ``one_line``: the text is a line
    the caller names, so a syntax error gives only its column.

    Raises:
        DocumentError: not JSON, or nested, keyed or numbered beyond the limits.
    """
    try:
        data = json.loads(text, parse_int=_json_int, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise DocumentError(json_problem(exc, one_line=one_line)) from None
    except _Duplicate as exc:
        where = _json_place(text, _duplicate_key_at(text), one_line=one_line)
        raise DocumentError(f"not valid JSON: {exc}{where}") from None
    except _Refused as exc:
        raise DocumentError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise DocumentError(f"not valid JSON: nested deeper than {MAX_DEPTH} levels") from None
    if _depth(data) > MAX_DEPTH:
        raise DocumentError(f"not valid JSON: nested deeper than {MAX_DEPTH} levels")
    return data


def _unreadable(text: str, exc: yaml.reader.ReaderError) -> str:
    """A character YAML refuses, named in words at its line and column.

    PyYAML's own wording ("... not allowed in "<unicode string>", position 0") names
    neither the line nor the character; a file of NUL bytes (a copy or save that did
    not finish) is the common case, and is not text at all.
    """
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    # The first one is the one refused (libyaml's position counts bytes, not characters).
    at = max(text.find(char), 0)
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    what = (
        "a NUL byte (U+0000): the file is not text (a copy or save that did not finish "
        "can leave one of zeros)"
        if char == "\0"
        else f"the character U+{ord(char):04X}, which YAML text may not hold"
    )
    return f"not valid YAML (line {line}, column {column}): {what}"


# -- JSON -------------------------------------------------------------------------------


class _Refused(ValueError):
    """Raised from inside ``json.loads`` hooks; carries the reason."""


class _Duplicate(_Refused):
    """A key written twice in one object (the hook is not told where)."""


def _json_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise _Refused(f"a number with {digits} digits (at most {MAX_DIGITS})")
    return int(text)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(f"duplicate key {shown(key)}")
        out[key] = value
    return out


# A JSON string, or any one character of the structure.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def _duplicate_key_at(text: str) -> int | None:
    """The offset of the first key written twice in one object, found by a token walk.

    ``json.loads`` hands its hooks no positions; this runs only once a duplicate is
    known, so a scenario's duplicate key is found by line as YAML's is.
    """
    stack: list[set[str] | None] = []  # per open object its keys; None for a list
    key_next = False
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in "{[":
            stack.append(set() if mark == "{" else None)
            key_next = mark == "{"
        elif mark in "}]":
            if stack:
                stack.pop()
            key_next = False
        elif mark == ",":
            key_next = bool(stack) and stack[-1] is not None
        elif mark != ":" and key_next and stack and stack[-1] is not None:
            key = json.loads(mark)
            if key in stack[-1]:
                return token.start()
            stack[-1].add(key)
            key_next = False
    return None


def _json_place(text: str, at: int | None, *, one_line: bool) -> str:
    """`` at line L, column C`` (or the column alone) of an offset; "" when unknown."""
    if at is None:
        return ""
    column = at - text.rfind("\n", 0, at)
    if one_line:
        return f" at column {column}"
    line = text.count("\n", 0, at) + 1
    return f" at line {line}, column {column}"


def _depth(data: Any) -> int:
    """Nesting depth of plain data, walked without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:  # deeper is refused anyway: stop walking
                stack += [(item, level + 1) for item in value]
    return deepest


# -- YAML -------------------------------------------------------------------------------


class _PyParser(Reader, Scanner, Parser):
    """The pure-Python reader, scanner and parser of ``yaml.SafeLoader``."""

    def __init__(self, stream: str):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


try:  # libyaml's parser, when PyYAML has it: about four times faster
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = _PyParser


class _BoundedLoader(Composer, _Parser, SafeConstructor, Resolver):
    """``SafeLoader`` with bounded nesting and alias expansion, and unique keys.

    Events come from libyaml when it is there (its parser keeps its own stack, never
    recursing); composing the nodes stays in Python, so every bound below applies.
    """

    def __init__(self, stream: str):
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self._aliased = False

    def compose_node(self, parent: Node | None, index: object) -> Node:
        """Compose one node, refusing nesting deeper than ``MAX_DEPTH``.

        The composer recurses once per level: the check comes before the recursion
        can exhaust Python's stack.
        """
        self._depth += 1
        try:
            if self.check_event(AliasEvent):
                self._aliased = True
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, _too_deep(), mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node:
        """Compose a document, then check what any aliases in it expand to."""
        node = super().compose_document()
        if self._aliased:  # without aliases, nothing expands and depth is checked already
            _check_expansion(node)
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        """A mapping, refusing a key written twice (YAML keeps the last, silently)."""
        if isinstance(node, MappingNode):
            _check_unique_keys(self, node)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """A node's value; a scalar Python cannot hold (``2023-02-30``) is a YAML error."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            what = shown(node.value) if isinstance(node.value, str) else "a value"
            reason = f"cannot read {what}: {str(exc)[:SHOWN_CHARS]}"
            raise ConstructorError(None, None, reason, node.start_mark) from None

    def construct_yaml_int(self, node: Node) -> int | str:
        """An integer of at most ``MAX_DIGITS`` digits; a clock time stays as written.

        YAML 1.1 reads an unquoted ``1:30`` as 90 (base 60), so ``time: 1:30`` would
        mean a minute and a half; a trainer means half past one, as ``"1:30"`` does.
        """
        if ":" in str(node.value):
            return str(node.value)
        digits = sum(ch.isalnum() for ch in str(node.value))
        if digits > MAX_DIGITS:
            raise ConstructorError(
                None, None, f"a number with {digits} digits (at most {MAX_DIGITS})", node.start_mark
            )
        return super().construct_yaml_int(node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)

# Tagged YAML types that ``safe_load`` builds and no scenario field means, and what to
# write instead: bytes would pass as text, and a set's order (so the order of whatever
# list it stood for) changes from one Python process to the next. (Dates stay: the
# metadata's start may be one.)
_NOT_DATA = {
    "binary": "text",
    "set": "a list",
    "omap": "a mapping",
    "pairs": "a mapping",
}


def _refuse(tag: str, instead: str) -> Any:
    def construct(loader: _BoundedLoader, node: Node) -> Any:
        reason = f"!!{tag} is not scenario data; write {instead}"
        raise ConstructorError(None, None, reason, node.start_mark)

    return construct


for _tag, _instead in _NOT_DATA.items():
    _BoundedLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse(_tag, _instead))


def _too_deep() -> str:
    return f"nested deeper than {MAX_DEPTH} levels"


def _check_unique_keys(loader: yaml.SafeLoader, node: MappingNode) -> None:
    seen: set[object] = set()
    for key_node, _ in node.value:
        if key_node.tag == _MERGE:
            continue  # ``<<: *base`` merges; keys written here may override it
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:
            continue  # an unhashable key: the constructor reports it
        if duplicate:
            raise ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"duplicate key {shown(key)}",
                key_node.start_mark,
            )


def _check_expansion(root: Node | None) -> None:
    """Refuse aliases that refer to themselves or expand beyond the limits.

    Every alias is the same node object as its anchor, so sizes are worked out once per
    node (memoised, without recursion) however many times it is referred to.
    """
    if root is None:
        return
    sizes: dict[int, tuple[int, int]] = {}  # node id: (values expanded, depth)
    open_ids: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            sizes[key] = _measure(node, sizes)
            open_ids.discard(key)
            if sizes[key][1] > MAX_DEPTH:
                raise ComposerError(None, None, f"aliases nest {_too_deep()}", node.start_mark)
            continue
        if key in sizes:
            continue
        if key in open_ids:
            raise ComposerError(
                None, None, "an alias refers to a list or mapping it is inside", node.start_mark
            )
        open_ids.add(key)
        stack.append((node, True))
        stack += [(child, False) for child in _children(node) if id(child) not in sizes]
    added = sizes[id(root)][0] - len(sizes)
    if added > MAX_ALIAS_VALUES:
        raise ComposerError(
            None,
            None,
            f"aliases expand to {added:,} more values (at most {MAX_ALIAS_VALUES:,})",
            root.start_mark,
        )


def _measure(node: Node, sizes: dict[int, tuple[int, int]]) -> tuple[int, int]:
    children = [sizes[id(child)] for child in _children(node)]
    return 1 + sum(size for size, _ in children), 1 + max((d for _, d in children), default=0)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
