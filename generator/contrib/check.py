"""`segboard check`: in one command, everything a pull request must pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.contrib.links import BROKEN, WARNING, LinkConfig, check_links, collect
from generator.contrib.seed import SeedConfig, check_seed
from generator.errors import SegboardError
from generator.problems import Problem
from generator.reporting import as_text, display_path


@dataclass
class Step:
    name: str
    ok: bool
    summary: str
    lines: list[str] = field(default_factory=list)


def run_checks(root: Path) -> list[Step]:
    """Validate (with evidence), compare with the seed tables when the repository names them,
    build the site strictly, and check every link's form offline."""
    from generator.records.validation import validate_repository
    from generator.site.build import build_site

    steps = []
    report = validate_repository(root)
    problems: list[Problem] = report.problems
    steps.append(
        Step(
            "validate",
            report.ok,
            f"{len(report.errors)} errors, {len(report.warnings)} warnings, "
            f"{len(report.catalog.verified)} results verified from evidence",
            as_text(problems).splitlines(),
        )
    )
    seed = SeedConfig.from_pyproject(root)
    if seed is not None:
        given = check_seed(report.catalog, seed)
        steps.append(
            Step(
                "seed",
                not given.problems,
                f"{given.rows} rows of {display_path(seed.file)}, "
                f"{len(given.problems)} not given back by the records",
                as_text(given.problems).splitlines(),
            )
        )
    if not report.ok:
        steps.append(Step("build", False, "skipped: the data has errors"))
        return steps
    try:
        built = build_site(root)
        steps.append(Step("build", True, f"{built.pages} pages, no MkDocs warnings"))
        site = built.site_dir
    except SegboardError as exc:
        steps.append(Step("build", False, "failed", str(exc).splitlines()))
        site = None
    found = collect(root, site)
    reports = check_links(found, LinkConfig.from_pyproject(root), root, offline=True)
    bad = [r for r in reports if r.status in (BROKEN, WARNING)]
    lines = [
        f"{s.path}:{s.line}:{s.column}: {r.status}: {r.url}: {r.message}"
        for r in bad
        for s in r.sources
    ]
    broken = sum(1 for r in bad if r.status == BROKEN)
    steps.append(
        Step("links (offline)", broken == 0, f"{len(reports)} links, {broken} broken", lines)
    )
    return steps
