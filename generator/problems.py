"""Problems found in records, as plain objects handed to a reporter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where it is (file, 1-based line and column), how bad, and what to do."""

    path: Path
    line: int
    column: int
    severity: Severity
    message: str
    rule: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(path: Path, where: tuple[int, int], rule: str, message: str) -> Problem:
    return Problem(path, where[0], where[1], Severity.ERROR, message, rule)


def warning(path: Path, where: tuple[int, int], rule: str, message: str) -> Problem:
    return Problem(path, where[0], where[1], Severity.WARNING, message, rule)
