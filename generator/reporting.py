"""The one reporter: Problems as text, GitHub Actions annotations or JSON.

Every command that reports findings hands its Problems here; nothing else formats them.
text:   path:line:col: severity: message [rule]   (path: severity: ... when the place is unknown)
github: ::severity file=...,line=...,col=...,title=rule::message
json:   a list of {path, line, column, severity, rule, message} (line and column null if unknown)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from generator.problems import Problem
from generator.reading import real_path

FORMATS = ("text", "github", "json")


def display_path(path: Path, base: Path | None = None) -> str:
    """The path relative to `base` (the current folder) when it lies inside it, printable."""
    base = base or Path.cwd()
    try:
        shown = (
            os.path.relpath(path, base) if path.is_absolute() and _inside(path, base) else str(path)
        )
    except ValueError:  # another drive on Windows
        shown = str(path)
    return printable(shown)


def printable(text: str) -> str:
    """`text` as a terminal shows it, on one line: the bytes of a file name that are not UTF-8
    (which Python holds as lone surrogates) as \\xNN, and control and invisible format
    characters (a line break, a terminal's escape, a bidirectional override) as escapes."""
    if text.isprintable():
        return text
    shown = []
    for character in text:
        code = ord(character)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode keeps it
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif character.isprintable():
            shown.append(character)
        else:
            shown.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
    return "".join(shown)


def _inside(path: Path, base: Path) -> bool:
    """Whether `path` is named inside `base`: its folder's links are followed, not its own (a
    symbolic link reported under data/ is shown where it is, not where it points)."""
    resolved, base = real_path(path.parent) / path.name, real_path(base)
    return resolved == base or base in resolved.parents


def _where(problem: Problem) -> str:
    where = display_path(problem.path)
    return f"{where}:{problem.line}:{problem.column}" if problem.positioned else where


def as_text(problems: Iterable[Problem]) -> str:
    return "".join(f"{_where(p)}: {p.severity.value}: {p.message} [{p.rule}]\n" for p in problems)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: Iterable[Problem]) -> str:
    """GitHub Actions workflow commands: one annotation per problem, on the record's line."""
    lines = []
    for p in problems:
        place = f",line={p.line},col={p.column}" if p.positioned else ""
        lines.append(
            f"::{p.severity.value} file={_escape_property(display_path(p.path))}{place},"
            f"title={_escape_property(p.rule)}::{_escape_data(p.message)}\n"
        )
    return "".join(lines)


def as_json(problems: Iterable[Problem]) -> str:
    rows = [
        {
            "path": display_path(p.path),
            "line": p.line if p.positioned else None,
            "column": p.column if p.positioned else None,
            "severity": p.severity.value,
            "rule": p.rule,
            "message": p.message,
        }
        for p in problems
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def render(problems: Iterable[Problem], fmt: str = "text") -> str:
    return {"text": as_text, "github": as_github, "json": as_json}[fmt](problems)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(errors: int, warnings: int, files: int, acknowledged: int = 0) -> str:
    text = f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"
    if acknowledged:
        text += f" ({acknowledged} more acknowledged by 'kept' curation entries)"
    return text
