"""Reading YAML that other tools wrote (model-index files, model-card front matter), bounded.

Unlike records, foreign files are read with PyYAML's safe loader as they are; what keeps them
harmless is the bounds: a size limit before reading, a nesting limit, and a limit on how many
values the aliases expand to (an alias bomb is refused before anything walks it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator.errors import DataError
from generator.reading import UnreadableInput, read_text
from generator.records.yamlfile import yaml_error

MAX_BYTES = 4 * 1024 * 1024
MAX_VALUES = 1_000_000  # values in a foreign file once its aliases are expanded
_FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.MULTILINE)


class UnreadableFile(DataError):
    """A foreign file that cannot be used; `reason` says why."""

    def __init__(
        self, path: Path, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        place = f":{line}:{column}" if line and column else f":{line}" if line else ""
        super().__init__(f"{path}{place}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column

    @classmethod
    def from_yaml_error(
        cls, path: Path, exc: yaml.YAMLError, text: str, first_line: int = 1, whole: str = ""
    ) -> UnreadableFile:
        """PyYAML's error reading `text` (the file's text from line `first_line` on: `whole`
        names that part, the whole file by default), at its line and column in the file."""
        where, message = yaml_error(exc, text, whole or "the file")
        if where is None:
            return cls(path, message)
        return cls(path, message, where[0] + first_line - 1, where[1])


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that gives a key twice (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
                seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # a key that is a list or mapping: left to the reader
                continue
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first given at line {first})",
                    key_node.start_mark,
                )  # fmt: skip
        return super().construct_mapping(node, deep)


def read_yaml(
    path: Path,
    text: str | None = None,
    unique_keys: bool = False,
    first_line: int = 1,
    whole: str = "",
) -> Any:
    """A foreign YAML file (or the given text from it, which starts at the file's line
    `first_line`, and which `whole` names), refused when too large, too deep or an alias bomb
    (or, with unique_keys, when a mapping gives a key twice)."""
    if text is None:
        text = _read(path)
    loader = _UniqueKeyLoader if unique_keys else yaml.SafeLoader
    try:
        data = yaml.load(text, Loader=loader)  # both are safe loaders
    except yaml.YAMLError as exc:
        raise UnreadableFile.from_yaml_error(path, exc, text, first_line, whole) from None
    except RecursionError:
        raise UnreadableFile(path, "nested too deeply to read") from None
    if _expanded_size(data) > MAX_VALUES:
        raise UnreadableFile(
            path,
            f"its aliases (*name) expand to more than {MAX_VALUES:,} values; "
            "write the values out instead",
        )
    return data


def check_shape(
    path: Path, text: str, max_values: int, max_depth: int, first_line: int = 1, whole: str = ""
) -> None:
    """Refuse YAML text that is nested deeper than `max_depth`, whose aliases expand to more
    than `max_values` values, or that gives a mapping's key twice (PyYAML keeps the last
    silently), judged from its node graph alone: no value is constructed, so a file whose tags
    only its own reader knows (MkDocs' !relative) is judged too; and text that is not YAML, at
    the line and column of the error (its reader would read it with the same parser). `text`
    starts at the file's line `first_line`, and is the part of it that `whole` names (the
    whole file by default)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # in Python: deep nesting raises
    except yaml.YAMLError as exc:
        raise UnreadableFile.from_yaml_error(path, exc, text, first_line, whole) from None
    except RecursionError:
        raise UnreadableFile(path, "nested too deeply to read") from None
    # every node once, children first: aliases share their node, so a bomb costs its text
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values once expanded, levels)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)] if root is not None else []
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        below = [sizes[id(child)] for child in children]
        size = 1 + sum(values for values, _ in below)
        levels = (1 + max(levels for _, levels in below)) if below else 0
        sizes[id(node)] = (size, levels)
        line = node.start_mark.line + first_line
        if levels > max_depth:
            raise UnreadableFile(path, f"values nested deeper than {max_depth} levels", line)
        if size > max_values:
            raise UnreadableFile(
                path,
                f"its aliases (*name) expand to more than {max_values:,} values; write the "
                "values out instead",
                line,
            )
        if isinstance(node, yaml.MappingNode):
            _refuse_repeated_keys(path, node, first_line)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _refuse_repeated_keys(path: Path, node: yaml.MappingNode, first_line: int) -> None:
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + first_line
        first = seen.get((key.tag, key.value))
        seen.setdefault((key.tag, key.value), line)
        if first is not None:
            raise UnreadableFile(
                path,
                f"the key {key.value!r} is given twice (first at line {first}); YAML keeps only "
                "the last, so remove one",
                line,
            )


def _expanded_size(data: Any) -> int:
    """How many values the document holds with every alias expanded (shared parts counted once
    per use, computed without expanding them)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, children_done = stack.pop()
        if not isinstance(value, dict | list) or id(value) in sizes:
            continue
        children = list(value.values()) if isinstance(value, dict) else value
        if children_done:
            sizes[id(value)] = 1 + sum(
                sizes.get(id(c), 1) if isinstance(c, dict | list) else 1 for c in children
            )
            if sizes[id(value)] > MAX_VALUES:
                return sizes[id(value)]
        else:
            stack.append((value, True))
            stack.extend((c, False) for c in children)
    return sizes.get(id(data), 1)


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a Markdown file such as a model card."""
    text = _read(path).replace("\r\n", "\n")
    closing = _FRONT_MATTER_END.search(text, 4) if text.startswith("---\n") else None
    if closing is None:
        raise UnreadableFile(path, "no YAML front matter (a model card starts with a --- line)")
    front = read_yaml(path, text[4 : closing.start()], first_line=2, whole="the front matter")
    if not isinstance(front, dict):
        raise UnreadableFile(path, "the front matter is not a mapping")
    return front, text[closing.end() :]


def _read(path: Path) -> str:
    """The file's text: a regular file (a link the user named is followed) of at most MAX_BYTES."""
    try:
        return read_text(path, MAX_BYTES, follow_links=True)
    except UnreadableInput as exc:
        if exc.reason.startswith("the file is"):
            raise UnreadableFile(path, f"larger than {MAX_BYTES:,} bytes") from None
        raise UnreadableFile(path, f"not readable ({exc.reason})") from None
