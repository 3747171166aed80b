"""A strict, position-keeping YAML loader for record files.

libyaml (through PyYAML's C parser) does the scanning and composing; this module decides what
every plain scalar means. Typing is YAML 1.2's core schema, and every value that YAML 1.1 tools
read differently (``no``, ``on``, ``1:20``, ``0755``, unquoted dates, ``1e3``) is reported
instead of being silently converted. Tags, aliases, duplicate keys, several documents, bytes that
are not UTF-8 and oversized files are reported too. Nothing is ever constructed from a tag, so a
``!!python/...`` tag cannot run code.

Every value is loaded together with the 1-based line and column of its key (mapping entries) or
of itself (sequence items), so later checks can point at the offending line.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator.problems import Problem, error

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

MAX_RECORD_BYTES = 256 * 1024
MAX_DEPTH = 32
# Fewer nesting markers than this cannot nest deep enough to strain libyaml's recursive composer.
_NESTING_MARKERS_BEFORE_SCAN = 512

_IMPLICIT = "!"  # what our resolver answers for every untagged node
_STR_TAG = "tag:yaml.org,2002:str"

_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")
_EXPONENT_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?")

_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_YAML11_BOOLS = {
    word
    for base in ("yes", "no", "on", "off", "y", "n")
    for word in (base, base.capitalize(), base.upper())
}
_NOT_FINITE = {
    word
    for base in (".inf", "+.inf", "-.inf", ".nan")
    for word in (base, base.replace("inf", "Inf").replace("nan", "NaN"), base.upper())
}
_SPECIAL_WORDS = _NULLS | _TRUE | _FALSE | _YAML11_BOOLS | _NOT_FINITE
_NUMERIC_START = frozenset("0123456789+-.")


@dataclass
class Document:
    """A loaded record: plain data, the text of its numbers, and (on demand) where each part stands.

    Positions cost as much as the data itself to collect, and only records with a problem need
    them, so they are computed from `text` the first time `where` is asked.
    """

    path: Path
    data: Any
    number_text: dict[JsonPath, str] = field(default_factory=dict)
    text: str | None = None
    # paths whose value the loader had to replace because of a problem it reported
    substituted: set[JsonPath] = field(default_factory=set)
    _positions: dict[JsonPath, Position] | None = field(default=None, repr=False)

    @property
    def positions(self) -> dict[JsonPath, Position]:
        if self._positions is None:
            text = self.text
            if text is None:
                text = self.path.read_text(encoding="utf-8-sig")
            builder = _Builder(self.path, track_aliases="*" in text, track_positions=True)
            composer = _Composer(text)
            try:
                builder.build(composer.get_single_node(), (), 0)
            finally:
                composer.dispose()
            self._positions = builder.positions
            self._positions[()] = builder.root_position
        return self._positions

    def where(self, path: JsonPath) -> Position:
        """Line and column of `path`, or of its nearest ancestor that has one."""
        positions = self.positions
        while path:
            found = positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return positions.get((), (1, 1))


@dataclass
class LoadResult:
    document: Document | None
    problems: list[Problem]


class _Resolver(yaml.resolver.BaseResolver):
    """Answers one neutral tag for every untagged node: typing happens in `_Builder`."""

    def resolve(self, _kind: type, _value: Any, _implicit: Any) -> str:
        return _IMPLICIT

    def descend_resolver(self, _current_node: Any, _current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class _Composer(CParser, _Resolver):
    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _Resolver.__init__(self)


def _position(node: Any) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data, collecting problems (and positions if asked)."""

    def __init__(self, path: Path, track_aliases: bool, track_positions: bool = False) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.positions: dict[JsonPath, Position] = {}
        self.track_positions = track_positions
        self.number_text: dict[JsonPath, str] = {}
        self.seen: set[int] | None = set() if track_aliases else None
        self.alias_reported = False
        self.root_position: Position = (1, 1)
        self.substituted: set[JsonPath] = set()

    def report(self, where: Position, rule: str, message: str) -> None:
        self.problems.append(error(self.path, where, rule, message))

    def build(self, node: Any, json_path: JsonPath, depth: int) -> Any:
        if depth == 0:
            self.root_position = _position(node)
        if self.seen is not None:
            if id(node) in self.seen:
                if not self.alias_reported:
                    self.alias_reported = True
                    self.report(
                        _position(node),
                        "yaml-alias",
                        "the value anchored here (&name) is reused through an alias (*name); "
                        "records do not allow aliases: write the value out in full",
                    )
                self.substituted.add(json_path)
                return None
            self.seen.add(id(node))
        if node.tag != _IMPLICIT:
            self.report(
                _position(node),
                "yaml-tag",
                f"the YAML tag {node.tag!r} is not allowed in records; remove it "
                "(quote the value if it should be text)",
            )
            self.substituted.add(json_path)
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, json_path)
        if depth >= MAX_DEPTH:
            self.report(
                _position(node), "yaml-depth", f"values are nested deeper than {MAX_DEPTH} levels"
            )
            self.substituted.add(json_path)
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, json_path, depth)
        return self.sequence(node, json_path, depth)

    def mapping(self, node: MappingNode, json_path: JsonPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            # the common case: a plain, untagged word that cannot mean anything but text
            if not (
                key_node.tag == _IMPLICIT
                and key_node.style == ""
                and isinstance(key, str)
                and key
                and key[0] not in _NUMERIC_START
                and key not in _SPECIAL_WORDS
            ):
                key = self.key(key_node)
                if key is None:
                    continue
            if key in first_seen:
                self.report(
                    _position(key_node),
                    "yaml-duplicate-key",
                    f"duplicate key {key!r}; it was first given at line "
                    f"{first_seen[key].start_mark.line + 1}. Keep one of them",
                )
                continue
            key = sys.intern(key)  # field names repeat in every record: share one string
            first_seen[key] = key_node
            child_path = (*json_path, key)
            if self.track_positions:
                self.positions[child_path] = _position(key_node)
            result[key] = self.build(value_node, child_path, depth + 1)
        return result

    def key(self, node: Any) -> str | None:
        where = _position(node)
        if not isinstance(node, ScalarNode) or node.tag != _IMPLICIT:
            self.report(where, "yaml-key", "a key must be plain text (a field name)")
            return None
        value = self.scalar(node, None)
        if not isinstance(value, str):
            self.report(
                where,
                "yaml-key",
                f"the key {node.value!r} is not read as text; field names are words like "
                "'model' or 'score'",
            )
            return None
        return value

    def sequence(self, node: SequenceNode, json_path: JsonPath, depth: int) -> list[Any]:
        items = []
        for index, item_node in enumerate(node.value):
            child_path = (*json_path, index)
            if self.track_positions:
                self.positions[child_path] = _position(item_node)
            items.append(self.build(item_node, child_path, depth + 1))
        return items

    def scalar(self, node: ScalarNode, json_path: JsonPath | None) -> Any:
        value: Any
        text = node.value
        if node.style != "":  # quoted or block scalar: always text
            return text
        if text in _SPECIAL_WORDS:
            reported = len(self.problems)
            value = self.special_word(node, text)
            if json_path is not None and len(self.problems) > reported:
                self.substituted.add(json_path)
            return value
        if text[0] not in _NUMERIC_START:
            return text
        if _DECIMAL_INT.fullmatch(text):
            value = int(text)
        elif _DECIMAL_FLOAT.fullmatch(text):
            value = float(text)
        else:
            reported = len(self.problems)
            self.check_yaml11_number(node, text)
            if json_path is not None and len(self.problems) > reported:
                self.substituted.add(json_path)
            return text
        if json_path is not None:
            self.number_text[json_path] = text
        return value

    def special_word(self, node: ScalarNode, text: str) -> Any:
        if text in _NULLS:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text in _YAML11_BOOLS:
            self.report(
                _position(node),
                "yaml-1.1-boolean",
                f"{text!r} is read as a boolean by YAML 1.1 tools and as text by YAML 1.2 "
                f'tools; write true or false, or quote it ("{text}") if you mean the word',
            )
            return text
        self.report(
            _position(node),
            "yaml-not-finite",
            f"{text!r} is not a finite number; records hold finite numbers only",
        )
        return None

    def check_yaml11_number(self, node: ScalarNode, text: str) -> None:
        """Report plain scalars that some YAML version reads as a number or a date."""
        where = _position(node)
        if _EXPONENT_NUMBER.fullmatch(text):
            plain = repr(float(text))
            self.report(
                where,
                "yaml-exponent",
                f"{text!r} is read as text by YAML 1.1 tools and as a number by YAML 1.2 tools; "
                f"write the number without an exponent ({plain})",
            )
            return
        if _TIMESTAMP.fullmatch(text):
            self.report(
                where,
                "yaml-1.1-date",
                f'{text!r} is read as a date by YAML 1.1 tools; quote it ("{text}")',
            )
            return
        yaml11_tag = yaml.resolver.Resolver().resolve(ScalarNode, text, (True, False))
        if _SEXAGESIMAL.fullmatch(text) and yaml11_tag.endswith(("int", "float")):
            self.report(
                where,
                "yaml-1.1-sexagesimal",
                f"{text!r} is read as a base-60 number by YAML 1.1 tools; quote it "
                f'("{text}") if it is text',
            )
        elif yaml11_tag.endswith(("int", "float")):
            self.report(
                where,
                "yaml-1.1-number",
                f"{text!r} is read differently by YAML 1.1 and YAML 1.2 tools (hex, octal, "
                "leading zeros or '_' separators); write a plain decimal number, or quote it",
            )


def _decode(raw: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        message = (
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it with UTF-8 encoding"
        )
        return None, [error(path, (line, column), "encoding", message)]


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: Path) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return error(
            path, where, "yaml-tab", "a tab character is used for indentation; indent with spaces"
        )
    if "expected a single document" in str(exc):
        return error(
            path,
            where,
            "yaml-documents",
            "the file holds more than one YAML document; a record file holds exactly one "
            "(remove the '---' separator and what follows, or move it to its own file)",
        )
    context = f" ({exc.context})" if exc.context and exc.problem else ""
    return error(path, where, "yaml-syntax", f"invalid YAML: {problem}{context}")


def _nesting_too_deep(text: str) -> Position | None:
    """Where nesting first exceeds MAX_DEPTH, scanning events (libyaml's parser is iterative).

    The composer recurses once per level and crashes the process on a pathological file, so a
    file with many nesting markers is scanned first; ordinary records skip the scan.
    """
    markers = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    if markers < _NESTING_MARKERS_BEFORE_SCAN:
        return None
    parser = _Composer(text)
    depth = 0
    scanned = 0  # the index in text up to which events have been handed over
    try:
        while parser.check_event():
            event = parser.get_event()
            assert event is not None and event.start_mark and event.end_mark  # while events come
            scanned = event.end_mark.index
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return (event.start_mark.line + 1, event.start_mark.column + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" not in str(exc.problem):
            return None  # the composer reports the syntax error with its position
        # libyaml (in PyYAML 6.0.4 and later) refuses deep flow nesting while looking ahead,
        # before it hands over the level that crosses MAX_DEPTH: find that level in the text.
        mark = exc.problem_mark
        limit = mark.index if mark is not None else len(text)
        return _flow_level_past_limit(text, scanned, limit, depth) or (
            (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        )
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None


def _flow_level_past_limit(text: str, start: int, end: int, depth: int) -> Position | None:
    """Where flow brackets between start and end first nest deeper than MAX_DEPTH.

    Stops (None) at a quote or comment, where a bracket may be text rather than structure.
    """
    for index in range(start, end):
        char = text[index]
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line_start = text.rfind("\n", 0, index) + 1
                return (text.count("\n", 0, index) + 1, index - line_start + 1)
        elif char in "]}":
            depth -= 1
        elif char in "'\"#":
            return None
    return None


def load_text(text: str, path: Path) -> LoadResult:
    """Load one record from already decoded text."""
    too_deep = _nesting_too_deep(text)
    if too_deep is not None:
        message = f"values are nested deeper than {MAX_DEPTH} levels"
        return LoadResult(None, [error(path, too_deep, "yaml-depth", message)])
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return LoadResult(None, [_syntax_problem(exc, text, path)])
    except yaml.YAMLError as exc:  # reader errors without a mark
        return LoadResult(None, [error(path, (1, 1), "yaml-syntax", f"invalid YAML: {exc}")])
    except RecursionError:
        return LoadResult(
            None, [error(path, (1, 1), "yaml-depth", "values are nested too deeply to read")]
        )
    finally:
        composer.dispose()
    if root is None:
        return LoadResult(None, [error(path, (1, 1), "empty", "the file holds no record")])
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        message = f"a record must be a mapping of field names to values, but this file holds {kind}"
        return LoadResult(None, [error(path, _position(root), "not-a-mapping", message)])
    builder = _Builder(path, track_aliases="*" in text)
    data = builder.build(root, (), 0)
    document = Document(path, data, builder.number_text, text, builder.substituted)
    return LoadResult(document, builder.problems)


def load_file(path: Path, max_bytes: int = MAX_RECORD_BYTES) -> LoadResult:
    """Load one record file; never raises for bad content."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:
                size = os.fstat(handle.fileno()).st_size
                message = (
                    f"the file is {size:,} bytes; record files are limited to {max_bytes:,} bytes"
                )
                return LoadResult(None, [error(path, (1, 1), "too-large", message)])
    except OSError as exc:
        return LoadResult(None, [error(path, (1, 1), "unreadable", f"cannot read: {exc.strerror}")])
    text, problems = _decode(raw, path)
    if text is None:
        return LoadResult(None, problems)
    if not text.strip():
        return LoadResult(None, [error(path, (1, 1), "empty", "the file is empty")])
    return load_text(text, path)
