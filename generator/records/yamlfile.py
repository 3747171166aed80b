"""A strict, position-keeping YAML loader for record files.

libyaml (through PyYAML's C parser) does the scanning and composing; yamlscalars decides what
every value means (YAML 1.2's core schema, with every YAML 1.1 surprise reported). This module
reads the file: size limit, UTF-8, several documents, syntax errors and pathological nesting are
reported here, each at its line. Nothing is ever constructed from a tag, so a ``!!python/...``
tag cannot run code.

Every value is loaded together with the 1-based line and column of its key (mapping entries) or
of itself (sequence items), so later checks can point at the offending line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode

from generator.problems import Position, Problem, error
from generator.reading import UnreadableInput, open_regular
from generator.records.yamlscalars import (
    BIDI,
    MAX_DEPTH,
    Builder,
    Composer,
    bidi_message,
    position,
)
from generator.records.yamlscalars import JsonPath as JsonPath  # the type records' paths have

MAX_RECORD_BYTES = 256 * 1024
# Fewer nesting markers than this cannot nest deep enough to strain libyaml's recursive composer.
_NESTING_MARKERS_BEFORE_SCAN = 512


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
            builder = Builder(self.path, track_aliases="*" in text, track_positions=True)
            composer = Composer(text)
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
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        where = (mark.line + 1, mark.column + 1)
        return error(
            path, where, "yaml-tab", "a tab character is used for indentation; indent with spaces"
        )
    if "expected a single document" in str(exc):
        return error(
            path,
            _mark_position(mark),
            "yaml-documents",
            "the file holds more than one YAML document; a record file holds exactly one "
            "(remove the '---' separator and what follows, or move it to its own file)",
        )
    where, message = syntax_error(exc, text)
    return error(path, where, "yaml-syntax", message)


def syntax_error(
    exc: yaml.MarkedYAMLError, text: str, whole: str = "the file"
) -> tuple[Position, str]:
    """Where a YAML syntax error stands in `text` (1-based line and column), and what it is
    ('invalid YAML: ...'): for records, mkdocs.yml and other tools' YAML alike.

    An error found where the text ends is placed by libyaml (and PyYAML) past the last line, on
    a line the file does not have; it is placed instead where what the file leaves unfinished
    begins (an open bracket or quote, a key without its colon), or else where the text ends.
    `whole`: what `text` is, as the message names it (a page's front matter, say)."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    content_ends = len(text.rstrip())
    if mark is None or mark.index < content_ends:
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        return _mark_position(mark), f"invalid YAML: {problem}{context}"
    start = exc.context_mark
    if exc.context and start is not None and start.index < content_ends:
        where = _mark_position(start)
        context = f" ({exc.context}, which starts here)"
    else:
        where = _position_of(text, content_ends)
        context = f" ({exc.context})" if exc.context else ""
    return where, f"invalid YAML: {problem}{context}; {whole} ends before it is complete"


def _mark_position(mark: yaml.Mark | None) -> Position:
    """A YAML mark's 1-based line and column ((1, 1) without one)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _nesting_too_deep(text: str) -> Position | None:
    """Where nesting first exceeds MAX_DEPTH, scanning events (libyaml's parser is iterative).

    The composer recurses once per level and crashes the process on a pathological file, so a
    file with many nesting markers is scanned first; ordinary records skip the scan.
    """
    markers = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    if markers < _NESTING_MARKERS_BEFORE_SCAN:
        return None
    parser = Composer(text)
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
                return _position_of(text, index)
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
    composer = Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return LoadResult(None, [_syntax_problem(exc, text, path)])
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, by its index
        return LoadResult(None, [_character_problem(exc, text, path)])
    except yaml.YAMLError as exc:  # other errors without a mark
        reason = " ".join(str(exc).split())
        return LoadResult(None, [error(path, (1, 1), "yaml-syntax", f"invalid YAML: {reason}")])
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
        return LoadResult(None, [error(path, position(root), "not-a-mapping", message)])
    builder = Builder(path, "*" in text, written_bidi=frozenset(BIDI.findall(text)))
    data = builder.build(root, (), 0)
    document = Document(path, data, builder.number_text, text, builder.substituted)
    return LoadResult(document, builder.problems + _bidi_controls(text, path))


def _character_problem(exc: yaml.reader.ReaderError, text: str, path: Path) -> Problem:
    where, message = character_error(exc, text)
    return error(path, where, "yaml-character", message)


def character_error(exc: yaml.reader.ReaderError, text: str) -> tuple[Position, str]:
    """A character YAML does not allow (a control character, say): its line and column in
    `text`, and what is wrong."""
    where = _position_of(text, min(max(exc.position, 0), len(text)))
    message = (
        f"the character U+{exc.character:04X} is not allowed in a YAML file (control characters "
        "other than tabs and line breaks are not); remove it"
    )
    return where, message


def yaml_error(
    exc: yaml.YAMLError, text: str, whole: str = "the file"
) -> tuple[Position | None, str]:
    """Any error of PyYAML's reading `text`: where it stands (None when PyYAML does not say)
    and what it is, as syntax_error and character_error give them."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return syntax_error(exc, text, whole)
    if isinstance(exc, yaml.reader.ReaderError):
        return character_error(exc, text)
    return None, "invalid YAML: " + " ".join(str(exc).split())


def _position_of(text: str, index: int) -> Position:
    """The 1-based line and column of the character at `index` of `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return (text.count("\n", 0, index) + 1, index - line_start + 1)


def _bidi_controls(text: str, path: Path) -> list[Problem]:
    """The bidirectional controls written as they are (those written as escapes in a
    double-quoted scalar are the Builder's to report)."""
    problems = []
    for match in BIDI.finditer(text):
        where = _position_of(text, match.start())
        problems.append(error(path, where, "text-bidi", bidi_message(match.group())))
    return problems


def load_file(path: Path, max_bytes: int = MAX_RECORD_BYTES) -> LoadResult:
    """Load one record file; never raises for bad content, and reads only regular files."""
    try:
        with open_regular(path) as handle:
            raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:
                size = os.fstat(handle.fileno()).st_size
                message = (
                    f"the file is {size:,} bytes; record files are limited to {max_bytes:,} bytes"
                )
                return LoadResult(None, [error(path, (1, 1), "too-large", message)])
    except UnreadableInput as exc:
        return LoadResult(None, [error(path, (1, 1), "unreadable", exc.reason)])
    text, problems = _decode(raw, path)
    if text is None:
        return LoadResult(None, problems)
    if not text.strip():
        return LoadResult(None, [error(path, (1, 1), "empty", "the file is empty")])
    return load_text(text, path)
