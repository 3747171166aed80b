"""`segboard check`: in one command, everything a pull request must pass.

Each step gives its findings as Problems (rendered by the one reporter) and a one-line summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.contrib.links import BROKEN, LinkConfig, check_links, collect, link_problems
from generator.contrib.seed import SeedConfig, check_seed
from generator.contrib.site_links import check_site_links
from generator.errors import SegboardError
from generator.problems import Problem
from generator.records.model import Catalog
from generator.records.yamlfile import Document
from generator.reporting import display_path


@dataclass
class Step:
    name: str
    ok: bool
    summary: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a failed step said, when not a Problem


def run_checks(root: Path) -> list[Step]:
    """Validate (with evidence), compare with the seed tables when the repository names them,
    build the site strictly, check every link's form offline, and follow every link between
    the built site's pages (and every search entry) to its page and anchor."""
    from generator.records.validation import validate_repository
    from generator.site.build import build_site, records_memo

    memo = records_memo(root)  # what the build's own validation then reads, not the files again
    report = validate_repository(root, memo=memo)
    memo.save()
    summary = (
        f"{len(report.errors)} errors, {len(report.warnings)} warnings, "
        f"{len(report.catalog.verified)} results verified from evidence"
    )
    steps = [Step("validate", report.ok, summary, report.problems)]
    seed = SeedConfig.from_pyproject(root)
    if seed is not None:
        given = check_seed(report.catalog, seed)
        summary = (
            f"{given.rows} rows of {display_path(seed.file)}, "
            f"{len(given.problems)} not given back by the records"
        )
        steps.append(Step("seed", not given.problems, summary, given.problems))
    if not report.ok:
        steps.append(Step("build", False, "skipped: the data has errors"))
        return steps
    site = None
    try:
        built = build_site(root)
        steps.append(Step("build", True, f"{built.pages} pages, no MkDocs warnings"))
        site = built.site_dir
    except SegboardError as exc:
        steps.append(Step("build", False, "failed", notes=str(exc).splitlines()))
    reports = check_links(
        collect(root, site, loaded=_documents(report.catalog)),
        LinkConfig.from_pyproject(root),
        root,
        offline=True,
    )
    broken = sum(1 for r in reports if r.status == BROKEN)
    summary = f"{len(reports)} links, {broken} broken"
    steps.append(Step("links (offline)", broken == 0, summary, link_problems(reports)))
    if site is not None:
        inside = check_site_links(site)
        summary = (
            f"{inside.links:,} links between pages and {inside.search_entries:,} search entries, "
            f"{len(inside.problems)} broken"
        )
        steps.append(Step("site links", not inside.problems, summary, inside.problems))
    return steps


def _documents(catalog: Catalog) -> dict[Path, Document]:
    """The records validation loaded, by path (the links step reads them from here)."""
    documents = [
        *(result.document for result in catalog.results),
        *(dataset.document for dataset in catalog.datasets.values()),
        *(paper.document for paper in catalog.papers.values()),
        *([catalog.metrics_document] if catalog.metrics_document else []),
    ]
    return {document.path: document for document in documents}
