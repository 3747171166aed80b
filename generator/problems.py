"""Findings as plain objects: every kind (a record's problem, a broken link, an import entry left
out, an evidence mismatch, a seed row not given back) is a Problem handed to the one reporter
(generator.reporting). Nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

Position = tuple[int, int]
NO_POSITION: Position = (0, 0)  # the file is known, the place in it is not


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where it is (file, 1-based line and column, or 0 when unknown), how bad,
    what is wrong and what to do, and the id of the rule that found it."""

    path: Path
    line: int
    column: int
    severity: Severity
    message: str
    rule: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def positioned(self) -> bool:
        return self.line > 0


def error(path: Path, where: Position, rule: str, message: str) -> Problem:
    return Problem(path, where[0], where[1], Severity.ERROR, message, rule)


def warning(path: Path, where: Position, rule: str, message: str) -> Problem:
    return Problem(path, where[0], where[1], Severity.WARNING, message, rule)
