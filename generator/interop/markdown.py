"""`segboard import markdown`: records from a leaderboard table in the seed's style.

The table has the columns Model | Score | Weights | Paper | Code (in any order, matched by
header name); links are Markdown links labelled by framework; N/A marks an empty cell. Name
suffixes such as " + COCO" or " + MS" become structured fields. Every row that cannot be read
is reported with its line; nothing is written unless every row can be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.contrib.scaffold import NewResult, _write_validated, paper_text, result_text, slug
from generator.errors import DataError, UsageError
from generator.records.model import Catalog

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_ARXIV = re.compile(r"^https?://arxiv\.org/abs/(\d{4}\.\d{4,5})(?:v\d+)?/?$")
COLUMNS = ("model", "score", "weights", "paper", "code")


@dataclass
class TableRow:
    line: int
    model: str
    score: str
    weights: list[tuple[str, str]]  # (framework label, url)
    paper_url: str | None
    code: list[tuple[str, str]] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@dataclass
class Table:
    """One table with the five columns: the line of its header, its rows and what was unreadable."""

    line: int
    rows: list[TableRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _read_row(number: int, cells: list[str], columns: dict[str, int], table: Table) -> None:
    if len(cells) < len(columns):
        table.problems.append(f"line {number}: {len(cells)} cells, expected {len(columns)}")
        return
    get = {column: cells[index] for column, index in columns.items()}
    if not get["model"]:
        table.problems.append(f"line {number}: no model name")
        return
    if not _NUMBER.match(get["score"]):
        table.problems.append(f"line {number}: the score {get['score']!r} is not a number")
        return
    links = {c: _LINK.findall(get[c]) for c in ("weights", "paper", "code")}
    for column in ("weights", "paper", "code"):
        if get[column] not in ("", "N/A") and not links[column]:
            table.problems.append(f"line {number}: the {column} cell {get[column]!r} holds no link")
    table.rows.append(
        TableRow(
            number,
            get["model"],
            get["score"],
            links["weights"],
            links["paper"][0][1] if links["paper"] else None,
            links["code"],
        )
    )


def parse_tables(text: str) -> list[Table]:
    """Every table whose header names the five columns, in the file's order."""
    tables: list[Table] = []
    columns: dict[str, int] | None = None  # the current table's, while inside one
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            columns = None  # any other line ends a table
            continue
        cells = _cells(line)
        if columns is None:
            names = [c.lower() for c in cells]
            if all(column in names for column in COLUMNS):
                columns = {column: names.index(column) for column in COLUMNS}
                tables.append(Table(number))
            continue
        if set(line.replace("|", "").strip()) <= set("-: "):
            continue  # the separator row
        _read_row(number, cells, columns, tables[-1])
    return tables


def parse_table(text: str) -> tuple[list[TableRow], list[str]]:
    """The rows of the first table whose header names the five columns; problems by line."""
    tables = parse_tables(text)
    if not tables:
        return [], ["no table with the columns Model | Score | Weights | Paper | Code"]
    return tables[0].rows, tables[0].problems


def _paper_id(url: str | None, catalog: Catalog) -> str | None:
    if url is None:
        return None
    for paper in catalog.papers.values():
        if paper.url.rstrip("/") == url.rstrip("/"):
            return paper.id
    match = _ARXIV.match(url)
    return match.group(1) if match else None


def _method_and_backbone(base: str) -> tuple[str, str | None]:
    method, _, backbone = base.partition("-")
    return method, (backbone or None)


def import_table(
    root: Path,
    catalog: Catalog,
    path: Path,
    dataset: str,
    split: str,
    source_url: str,
    paper_titles: dict[str, str],
) -> list[Path]:
    """Write one result record per row (and new paper records); return the paths written."""
    from generator.records.model import split_model_name

    if dataset not in catalog.datasets:
        raise UsageError(f"no dataset {dataset!r} in data/datasets/")
    board = next((b for b in catalog.datasets[dataset].leaderboards if b.split == split), None)
    if board is None:
        raise UsageError(f"{dataset} keeps no leaderboard for split {split!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    rows, problems = parse_table(text)
    files: dict[Path, str] = {}
    for row in rows:
        paper = _paper_id(row.paper_url, catalog)
        if paper is None:
            problems.append(f"line {row.line}: the paper link {row.paper_url!r} is neither a "
                            "paper of data/papers/ nor an arXiv abstract")  # fmt: skip
            continue
        if paper not in catalog.papers:
            title = paper_titles.get(paper)
            if title is None:
                problems.append(f"line {row.line}: paper {paper} has no record; add it, or give "
                                f"--paper-title {paper}=TITLE")  # fmt: skip
                continue
            files[root / "data" / "papers" / f"{paper}.yaml"] = paper_text(paper, title)
        method, backbone = _method_and_backbone(split_model_name(row.model)[0])
        record = NewResult(
            dataset=dataset, split=split, model=row.model, method=method, backbone=backbone,
            paper=paper, metrics={board.metric: row.score}, source_kind="leaderboard",
            source_url=source_url, source_detail=f"{path.name}, line {row.line}",
            weights=[(url, label) for label, url in row.weights],
        )  # fmt: skip
        target = root / "data" / "results" / dataset / split / f"{slug(row.model)}.yaml"
        if target.exists() or target in files:
            problems.append(f"line {row.line}: {target.relative_to(root)} already exists")
            continue
        files[target] = result_text(record)
    if problems:
        raise DataError(f"{path}: nothing was imported:\n" + "\n".join(problems))
    return _write_validated(root, files)
