"""Writing new records so that what stays always validates, and nothing else is left behind.

Files are written whole (atomic_files), the repository is validated, and records with problems
are removed again: all of them (`write_validated`, for `segboard new` and exact imports), or just
the failing ones and the paper records nobody cites any more (`write_keeping_valid`, for imports
that map foreign entries). An existing file is never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from generator.atomic_files import write_atomic
from generator.errors import DataError, UsageError
from generator.problems import Problem
from generator.records.places import data_dir, papers_dir
from generator.records.validation import validate_repository
from generator.reporting import as_text


def _write_new(files: dict[Path, str]) -> None:
    for path in files:
        if path.exists():
            raise UsageError(f"{path} already exists; edit it instead (segboard never overwrites)")
    for path, text in files.items():
        write_atomic(path, text)


def _remove(root: Path, paths: list[Path]) -> None:
    """Remove written files, and the folders made for them if they are left empty."""
    for path in paths:
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == data_dir(root) or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()


def write_validated(
    root: Path, files: dict[Path, str], warnings: list[Problem] | None = None
) -> list[Path]:
    """Write every file, or (when any of them has an error) none, raising DataError.

    The warnings about the files written are added to `warnings` when it is given.
    """
    _write_new(files)
    report = validate_repository(root, list(files))
    if report.errors:
        _remove(root, list(files))
        raise DataError(
            "the new record would not be valid, so nothing was written:\n"
            + as_text(report.errors).rstrip()
        )
    if warnings is not None:
        warnings += report.warnings
    return list(files)


def write_keeping_valid(root: Path, files: dict[Path, str]) -> tuple[list[Path], list[Problem]]:
    """Write the files; remove the result records that do not validate, and say why.

    A new paper record goes too when no kept result cites it. Returns (paths kept, the problems
    of the records left out). What is kept always validates.
    """
    _write_new(files)
    report = validate_repository(root, list(files))
    bad = {p.path for p in report.errors if p.path in files}
    cited = {r.paper for r in report.catalog.results
             if r.document.path in files and r.document.path not in bad}  # fmt: skip
    papers = papers_dir(root)
    bad |= {path for path in files if path.parent == papers and path.stem not in cited}
    _remove(root, sorted(bad))
    kept = [path for path in files if path not in bad]
    problems = list(report.errors)
    if bad and kept:
        remaining = validate_repository(root, kept).errors
        if remaining:  # the rest depended on what was removed: keep nothing
            _remove(root, kept)
            return [], problems + remaining
    return kept, problems
