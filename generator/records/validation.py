"""Validation: load every record, check it against its schema, then apply the cross-record rules
and the checks that recompute scores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import DataError, UsageError
from generator.problems import Problem
from generator.reading import real_path
from generator.records.loading import collector_paused, load_repository
from generator.records.memo import LoadMemo
from generator.records.model import Catalog
from generator.records.places import data_dir
from generator.records.rules import RECORD_RULES, acknowledged
from generator.records.yamlfile import load_file
from generator.reporting import as_text
from generator.scores.verification import EVIDENCE_RULES, SCORE_RULES


@dataclass
class ValidationReport:
    root: Path
    catalog: Catalog
    problems: list[Problem]
    files_checked: int
    acknowledged: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def require_ok(self, before: str) -> Catalog:
        """The catalog, or DataError listing every error ("fix them before <before>")."""
        if not self.ok:
            raise DataError(
                f"the data has {len(self.errors)} error(s); fix them before {before}:\n"
                + as_text(self.errors).rstrip()
            )
        return self.catalog


def validate_repository(
    root: Path,
    only: list[Path] | None = None,
    memo: LoadMemo | None = None,
    meanwhile: Callable[[], None] | None = None,
    when_loaded: Callable[[], None] | None = None,
) -> ValidationReport:
    """Every problem in the repository at `root`; with `only`, just those under these paths.

    The whole repository is always loaded, because cross-record rules need every record; a
    `memo` spares reading the files that have not changed since it was filled; `meanwhile` is
    called while worker processes read them (records/loading.py), and `when_loaded` once they
    are read, before the cross-record rules run (the memo is then complete: site/build.py).
    """
    selected = [_inside(root, p) for p in only] if only else None
    loaded = load_repository(root, memo, meanwhile)
    if when_loaded is not None:
        when_loaded()
    problems = list(loaded.problems)
    with collector_paused():
        for rule in (*RECORD_RULES, *SCORE_RULES):
            problems.extend(rule(loaded.catalog))
    by_path = {result.document.path: result for result in loaded.catalog.results}
    kept = [p for p in problems if acknowledged(p, by_path)]
    problems = [p for p in problems if not acknowledged(p, by_path)]
    if selected is not None:
        problems = [p for p in problems if _selected(p.path, selected)]
        kept = [p for p in kept if _selected(p.path, selected)]
    problems.sort(key=lambda p: (str(p.path), p.line, p.column, p.rule, p.message))
    return ValidationReport(root, loaded.catalog, problems, len(loaded.files), kept)


def _inside(root: Path, path: Path) -> Path:
    resolved = real_path(path)
    if not resolved.exists():
        raise UsageError(f"{path} does not exist")
    data = real_path(data_dir(root))
    if resolved != data and data not in resolved.parents:
        raise UsageError(f"{path} is not inside {data}; validate checks the repository's records")
    return resolved


def _selected(path: Path, selected: list[Path]) -> bool:
    resolved = real_path(path)
    return any(resolved == s or s in resolved.parents for s in selected)


@dataclass
class EvidenceReport:
    problems: list[Problem]  # evidence and evidence-mismatch findings only
    verified: int  # results whose every metric was recomputed from their evidence
    with_evidence: int  # results that name an evidence file


def verify_evidence(root: Path) -> EvidenceReport:
    """The evidence checks of validation on their own (`segboard verify`).

    A result that names an evidence file but fails its schema (an evidence path outside the
    repository, say) is counted, and its errors reported: it cannot be verified.
    """
    report = validate_repository(root)
    naming = {r.document.path for r in report.catalog.results if r.evidence}
    naming |= _broken_results_naming_evidence(report)
    problems = [
        p for p in report.problems if p.rule in EVIDENCE_RULES or (p.path in naming and p.is_error)
    ]
    return EvidenceReport(problems, len(report.catalog.verified), len(naming))


def _broken_results_naming_evidence(report: ValidationReport) -> set[Path]:
    valid = {r.document.path for r in report.catalog.results}
    broken = {p.path for p in report.errors if p.path not in valid and p.path.suffix == ".yaml"}
    naming = set()
    for path in broken:
        document = load_file(path).document
        if document is not None and isinstance(document.data, dict) and "evidence" in document.data:
            naming.add(path)
    return naming
