"""YAML the way Obsidian reads it: the YAML 1.2 core schema on PyYAML's C parser.

PyYAML implements YAML 1.1, where `no`, `on` and `12:30` are a boolean and a
base-60 number, and `2026-11-20` is a timestamp. Obsidian keeps all of those as
strings (dates are typed by the key, not by YAML), so this loader resolves only
null, bool, int and float, with the 1.2 spellings. Anchors and aliases are
refused before anything is built (no alias bombs), duplicate keys are refused,
and every top-level key comes back with its line. Front matter of plain
`name: value` lines, as most is, is read without building libyaml's nodes
(`simple_mapping`, held to libyaml's answer by a property test), and PyYAML
is not even imported until a note needs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from followup_md.errors import NoteError

if TYPE_CHECKING:
    import yaml

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN)$"
)


# The implicit types in the order the resolver tries them, each with the first
# characters it is tried on (every value its pattern matches starts with one).
_IMPLICIT: tuple[tuple[str, re.Pattern[str], list[str]], ...] = (
    ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", _BOOL, list("tTfF")),
    ("tag:yaml.org,2002:int", _INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789.")),
)


@cache
def core_loader() -> type[yaml.CSafeLoader]:
    """libyaml's CSafeLoader with the YAML 1.2 core schema's implicit types
    only (PyYAML is imported here, the first time a note needs it)."""
    import yaml

    if not yaml.__with_libyaml__:  # pragma: no cover - checked by a test too
        raise ImportError("followup-md needs PyYAML built with libyaml (its C loader)")

    class CoreLoader(yaml.CSafeLoader):
        """CSafeLoader with the YAML 1.2 core schema's implicit types only."""

    CoreLoader.yaml_implicit_resolvers = {}
    for tag, pattern, first in _IMPLICIT:
        CoreLoader.add_implicit_resolver(tag, pattern, first)
    return CoreLoader


def _int(value: str) -> int | str:
    if value.startswith("0o"):
        return int(value[2:], 8)
    if value.startswith("0x"):
        return int(value[2:], 16)
    if len(value.lstrip("+-")) > _MOST_DIGITS:  # int() would refuse it (ValueError): kept as the text it is
        return value
    return int(value, 10)


_MOST_DIGITS = 4300  # the decimal digits Python reads into an int (sys.get_int_max_str_digits)


def _float(value: str) -> float:
    lowered = value.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(value)


_SCALARS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:null": lambda value: None,
    "tag:yaml.org,2002:bool": lambda value: value in ("true", "True", "TRUE"),
    "tag:yaml.org,2002:int": _int,
    "tag:yaml.org,2002:float": _float,
    # An explicit `!!timestamp` stays text: dates are typed by their key.
    "tag:yaml.org,2002:timestamp": str,
}


def _value(node: yaml.Node) -> Any:
    """A composed node as plain Python values (the composer has resolved every
    tag already; building values here skips PyYAML's constructor machinery)."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        convert = _SCALARS.get(node.tag)
        if convert is None:
            raise ValueError(f"unsupported tag {node.tag!r}")
        return convert(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_value(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key, value in node.value:
            name = _value(key)
            if not isinstance(name, str | int | float | bool | None):
                raise ValueError("a key must be a plain value")
            mapping[name] = _value(value)
        return mapping
    raise ValueError(f"unsupported node {node.tag!r}")  # pragma: no cover


MAX_FRONT_MATTER = 64 * 1024  # characters; a real one is a few hundred
MAX_DEPTH = 32  # nested lists and maps; flat keys need one or two
_WIDEST = 2 * MAX_DEPTH * 4  # the widest indentation let through (spaces before a line's text)


def _too_deep(text: str) -> bool:
    """Whether flow collections (`[[[…`) or indentation nest deeper than
    MAX_DEPTH: libyaml's composer recurses per level and crashes the process
    (not an exception) somewhere past ten thousand. Most front matter has too
    few brackets to nest that deep and no run of spaces that wide: it is not
    looked at character by character."""
    if text.count("[") + text.count("{") <= MAX_DEPTH and " " * (_WIDEST + 1) not in text:
        return False
    return _flow_too_deep(text) or _widest_indent(text) > _WIDEST


def _flow_too_deep(text: str) -> bool:
    """Whether flow collections nest deeper than MAX_DEPTH (brackets in quotes aside)."""
    depth = 0
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
        elif char == "\n":
            quote = ""  # a quote does not run past the line for this purpose
    return False


def _widest_indent(text: str) -> int:
    """The most spaces any line starts with."""
    return max((len(line) - len(line.lstrip(" ")) for line in text.splitlines()), default=0)


def _first_anchor(text: str) -> int | None:
    """0-based line of the first anchor or alias, by the parser's own events."""
    import yaml

    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            return int(mark.line) if mark is not None else 0
    return None


def load_mapping(text: str, path: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse front matter text into (values, 1-based line of each key).

    `first_line` is the 1-based line of the text's first line in the note.
    Raises NoteError for anything that is not a flat, alias-free mapping.
    """
    _check_bounds(text, path, first_line)
    simple = simple_mapping(text, first_line)
    if simple is not None:
        return simple
    return _load_with_yaml(text, path, first_line)


def _load_with_yaml(text: str, path: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    """`load_mapping` by libyaml: any front matter, every error at its line."""
    import yaml

    try:
        if ("&" in text or "*" in text) and (line := _first_anchor(text)) is not None:
            raise NoteError(
                "YAML anchors and aliases are not supported in front matter; write the value out",
                path,
                first_line + line,
            )
        return _compose(text, path, first_line)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark is not None else 0)
        problem = error.problem or error.context or "invalid YAML"
        raise NoteError(f"front matter is not valid YAML: {problem}", path, line) from None
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        raise NoteError(f"front matter is not valid YAML: {error}", path, first_line) from None


def _check_bounds(text: str, path: str, first_line: int) -> None:
    """NoteError for front matter too large or nested too deep to parse safely."""
    if len(text) > MAX_FRONT_MATTER:
        raise NoteError(
            f"front matter is larger than {MAX_FRONT_MATTER // 1024} KiB; followup-md leaves it alone",
            path,
            first_line,
        )
    if ("[" in text or "{" in text or "  " in text) and _too_deep(text):
        raise NoteError(
            f"front matter nests deeper than {MAX_DEPTH} levels; followup-md leaves it alone",
            path,
            first_line,
        )


def _compose(text: str, path: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    """The one document of `text`, which must be a mapping (or empty)."""
    import yaml

    loader = core_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise NoteError("front matter must be a list of `key: value` lines", path, first_line)
        return _keyed_values(node, path, first_line)
    finally:
        loader.dispose()


def _keyed_values(
    node: yaml.MappingNode, path: str, first_line: int
) -> tuple[dict[str, Any], dict[str, int]]:
    """A mapping's values by key, and each key's line; every key a name, once."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = _value(key_node)
        line = first_line + key_node.start_mark.line
        if not isinstance(key, str):
            raise NoteError(f"front matter key {key!r} is not a name", path, line)
        if key in lines:
            raise NoteError(f"duplicate key {key!r} (first on line {lines[key]})", path, line)
        values[key] = _value(value_node)
        lines[key] = line
    return values, lines


# A line of the front matter most notes have: a name, then a plain value of
# the safest characters (or none) or a double-quoted one without escapes.
_SIMPLE_LINE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_-]{0,127}):"  # a short name (libyaml caps a key at 1024 characters)
    r"(?:[ ]+(?:([A-Za-z0-9](?:[A-Za-z0-9 ._@/+,()'=-]|:(?![ \n]))*(?<![ :]))"  # plain, no ": " or " #"
    r'|"([ !#-\[\]-~]*)"))?\n'  # double-quoted: printable ASCII but `"` and `\`
)


def simple_mapping(text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """What libyaml reads from front matter whose every line is `name: value`
    in the simple form (`_SIMPLE_LINE`, ASCII, no comment, no repeated or
    non-string key), without building its nodes; None for any other text.
    A property test holds it to `_load_with_yaml` on generated front matter."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    at = 0
    for number, found in enumerate(_SIMPLE_LINE.finditer(text)):
        key, plain, quoted = found.groups()
        if found.start() != at or key in lines or not _is_name(key):
            return None
        values[key] = quoted if quoted is not None else _resolved(plain or "")
        lines[key] = first_line + number
        at = found.end()
    return (values, lines) if at == len(text) else None


def _types_by_first() -> dict[str, list[tuple[re.Pattern[str], Callable[[str], Any]]]]:
    """The implicit types a plain scalar may have by its first character, in
    the resolver's order, each with how `_value` makes it."""
    table: dict[str, list[tuple[re.Pattern[str], Callable[[str], Any]]]] = {}
    for tag, pattern, firsts in _IMPLICIT:
        for first in firsts:
            table.setdefault(first, []).append((pattern, _SCALARS[tag]))
    return table


_TYPES_BY_FIRST = _types_by_first()


@lru_cache(maxsize=4096)  # the vault's key names (128 characters at most): bounded over a long watch
def _is_name(key: str) -> bool:
    """Whether the resolver keeps a plain key as a string (not `null`, `true`…)."""
    return isinstance(_resolved(key), str)


def _resolved(plain: str) -> Any:
    """A plain scalar's value as the resolver and `_value` make it."""
    for pattern, convert in _TYPES_BY_FIRST.get(plain[:1], ()):
        if pattern.match(plain):
            return convert(plain)
    return plain
