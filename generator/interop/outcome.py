"""The one shape of every import: a format reads its input into a plan (records to write, entries
left out), and `run_import` carries the plan out (or, with dry-run, only shows it).

Plans are carried out by records.store, so whatever an import leaves in data/ validates:
  - an all-or-nothing plan (segboard's own exports, Markdown tables) writes every record or,
    when anything is left out or fails validation, none;
  - any other plan writes what it can and reports the rest, removing records that fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.interop.foreign_yaml import UnreadableFile
from generator.problems import Problem, Severity
from generator.records.model import Catalog
from generator.records.store import write_keeping_valid, write_validated
from generator.records.validation import validate_repository

LEFT_OUT = "left-out"  # the rule id of every entry an import could not map


def unreadable(file: UnreadableFile) -> Problem:
    """A foreign file an import cannot read: left out, and why, where its place is known."""
    return left_out(file.path, file.reason, file.line or 0, column=file.column or 0)


def left_out(
    path: Path, message: str, line: int = 0, severity: Severity = Severity.ERROR, column: int = 0
) -> Problem:
    """An entry of `path` that is not imported, and why (line 0: its place is unknown).

    A warning is a part of an entry left out while the entry itself is imported (a code link
    for a paper whose record exists): it is reported, and blocks nothing.
    """
    return Problem(path, line, (column or 1) if line else 0, severity, message, LEFT_OUT)


@dataclass
class ImportPlan:
    files: dict[Path, str] = field(default_factory=dict)  # record path -> its text
    left_out: list[Problem] = field(default_factory=list)
    all_or_nothing: bool = False


@dataclass
class ImportOutcome:
    """What an import wrote (or, with dry-run, would write) and what it left out."""

    written: list[Path]
    left_out: list[Problem]
    planned: dict[Path, str]


class Format(Protocol):
    """An import format: reads one input (a file or folder) into a plan."""

    def plan(self, root: Path, catalog: Catalog, path: Path) -> ImportPlan: ...


def carry_out(root: Path, plan: ImportPlan, dry_run: bool = False) -> ImportOutcome:
    blocking = any(problem.is_error for problem in plan.left_out)
    if dry_run or not plan.files or (plan.all_or_nothing and blocking):
        return ImportOutcome([], plan.left_out, plan.files)
    if plan.all_or_nothing:
        return ImportOutcome(write_validated(root, plan.files), plan.left_out, plan.files)
    written, invalid = write_keeping_valid(root, plan.files)
    return ImportOutcome(written, plan.left_out + invalid, plan.files)


def run_import(root: Path, fmt: Format, path: Path, dry_run: bool = False) -> ImportOutcome:
    """Read `path` in the given format against the repository's records, and carry it out."""
    catalog = validate_repository(root).catalog
    return carry_out(root, fmt.plan(root, catalog, path), dry_run)
