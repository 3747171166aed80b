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

from generator.errors import UsageError
from generator.interop.mapper import Entry, Mapper
from generator.interop.names import method_and_backbone
from generator.interop.outcome import ImportPlan, left_out
from generator.reading import UnreadableInput, read_text
from generator.records.model import Catalog
from generator.records.paper_ids import paper_id

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
COLUMNS = ("model", "score", "weights", "paper", "code")
MAX_TABLE_BYTES = 4 * 1024 * 1024


@dataclass
class TableRow:
    line: int
    model: str
    score: str
    weights: list[tuple[str, str]]  # (framework label, url)
    paper_url: str | None
    code: list[tuple[str, str]] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    """A row's cells, split as GitHub's Markdown splits them: at each pipe but one written
    '\\|', which is a pipe inside its cell; the row's outer pipes are optional."""
    row = line.strip()
    cells, cell, index, delimited = [], [], 0, False
    while index < len(row):
        char = row[index]
        delimited = char == "|"
        if char == "\\" and index + 1 < len(row):  # an escape: kept, but for an escaped pipe
            following = row[index + 1]
            cell.append("|" if following == "|" else char + following)
            index += 2
            continue
        if delimited:
            cells.append("".join(cell))
            cell = []
        else:
            cell.append(char)
        index += 1
    cells.append("".join(cell))
    if row.startswith("|"):
        cells = cells[1:]
    if delimited and cells:  # the row ends with a pipe of its own: nothing follows it
        cells = cells[:-1]
    return [cell.strip() for cell in cells]


# what a backslash escapes in Markdown text: ASCII punctuation (CommonMark, "Backslash escapes")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _text(cell: str) -> str:
    """A cell's text as it reads: 'PSPNet \\*' is 'PSPNet *'."""
    return _ESCAPED.sub(r"\1", cell)


@dataclass
class Table:
    """One table with the five columns: the line of its header, its rows and what was unreadable."""

    line: int
    rows: list[TableRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)


def _read_row(number: int, cells: list[str], columns: dict[str, int], table: Table) -> None:
    if len(cells) < len(columns):
        table.problems.append((number, f"{len(cells)} cells, expected {len(columns)}"))
        return
    get = {column: cells[index] for column, index in columns.items()}
    if not get["model"]:
        table.problems.append((number, "no model name"))
        return
    if not _NUMBER.match(get["score"]):
        table.problems.append((number, f"the score {get['score']!r} is not a number"))
        return
    links = {c: _LINK.findall(get[c]) for c in ("weights", "paper", "code")}
    for column in ("weights", "paper", "code"):
        if get[column] not in ("", "N/A") and not links[column]:
            table.problems.append((number, f"the {column} cell {get[column]!r} holds no link"))
    table.rows.append(
        TableRow(
            number,
            _text(get["model"]),
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


def _paper_id(url: str | None, catalog: Catalog) -> str | None:
    if url is None:
        return None
    for paper in catalog.papers.values():
        if paper.url.rstrip("/") == url.rstrip("/"):
            return paper.id
    try:
        return paper_id(url)
    except UsageError:
        return None


@dataclass
class MarkdownTable:
    """`segboard import markdown`: the first table of a file, as one leaderboard's results.

    All or nothing: when any row cannot be read or mapped, no record is written.
    """

    dataset: str
    split: str
    source_url: str
    paper_titles: dict[str, str] = field(default_factory=dict)

    def plan(self, root: Path, catalog: Catalog, path: Path) -> ImportPlan:
        dataset = catalog.datasets.get(self.dataset)
        if dataset is None:
            raise UsageError(f"no dataset {self.dataset!r} in data/datasets/")
        board = next((b for b in dataset.leaderboards if b.split == self.split), None)
        if board is None:
            raise UsageError(f"{self.dataset} keeps no leaderboard for split {self.split!r}")
        try:
            text = read_text(path, MAX_TABLE_BYTES, follow_links=True)
        except UnreadableInput as exc:
            raise UsageError(f"{path}: {exc.reason}") from None
        tables = parse_tables(text)
        mapper = Mapper(root, catalog, self.split)
        if not tables:
            message = "no table with the columns Model | Score | Weights | Paper | Code"
            mapper.problems.append(left_out(path, message))
        for table in tables[:1]:
            mapper.problems += [left_out(path, m, line) for line, m in table.problems]
            for row in table.rows:
                entry = self._entry(path, catalog, row, board.metric, mapper)
                if entry is not None:
                    mapper.add(entry)
        return mapper.plan(all_or_nothing=True)

    def _entry(
        self, path: Path, catalog: Catalog, row: TableRow, metric: str, mapper: Mapper
    ) -> Entry | None:
        paper = _paper_id(row.paper_url, catalog)
        if paper is None:
            message = (
                f"the paper link {row.paper_url!r} is neither a paper of data/papers/ nor an "
                "arXiv abstract"
            )
            mapper.problems.append(left_out(path, message, row.line))
            return None
        method, backbone = method_and_backbone(row.model)
        return Entry(
            file=path,
            label="",
            line=row.line,
            name=row.model,
            method=method,
            dataset_names=[self.dataset],
            split=self.split,
            metrics={metric: row.score},
            paper=paper,
            paper_title=self.paper_titles.get(paper),
            source_url=self.source_url,
            source_detail=f"{path.name}, line {row.line}",
            backbone=backbone,
            weights=[(url, label) for label, url in row.weights],
            scale="percent",
            source_kind="leaderboard",
            code=[(url, label) for label, url in row.code],
        )
