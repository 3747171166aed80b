"""The seed tables: leaderboards a repository started from, which its records must still give back.

A repository may name, in pyproject.toml, the Markdown file it was first imported from and the
leaderboard each of its tables became:

    [tool.segboard.seed]
    file = "seed/semantic-segmentation.zh.md"
    tables = ["pascal-voc-2012/val", "pascal-voc-2012/test"]  # the file's tables, in order

`segboard check` then asks, for every row of every table, for a record on that leaderboard that,
with each curation entry's published value put back, shows the row's model, score, weights, paper
and code links, and for the rows of one table to keep their order. Results added since are
ignored, and so are code links a paper gained: only losing or changing what was published counts.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from generator.errors import UsageError
from generator.interop.markdown import TableRow, parse_tables
from generator.problems import Problem, error
from generator.ranking.order import rank
from generator.reading import UnreadableInput, leads_out, read_text
from generator.records.model import Catalog, Result
from generator.records.rules import field_path
from generator.settings import tool_settings

MAX_SEED_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class SeedConfig:
    file: Path
    tables: tuple[tuple[str, str], ...]  # (dataset, split) of each table, in the file's order

    @classmethod
    def from_pyproject(cls, root: Path) -> SeedConfig | None:
        """The [tool.segboard.seed] settings, or None when the repository names no seed."""
        path, settings = tool_settings(root, "seed")
        if settings is None:
            return None
        where = f"{path}: [tool.segboard.seed]"
        if set(settings) != {"file", "tables"}:
            raise UsageError(f"{where} needs exactly 'file' and 'tables'")
        file, tables = settings["file"], settings["tables"]
        if not isinstance(file, str) or not isinstance(tables, list):
            raise UsageError(f"{where}: 'file' is a path and 'tables' a list of 'DATASET/SPLIT'")
        keys = []
        for entry in tables:
            dataset, slash, split = str(entry).partition("/")
            if not (isinstance(entry, str) and slash and dataset and split and "/" not in split):
                raise UsageError(f"{where}: {entry!r} is not 'DATASET/SPLIT'")
            keys.append((dataset, split))
        if leads_out(root / file, root):
            raise UsageError(f"{where}: the file {file!r} is not inside the repository")
        return cls(root / file, tuple(keys))


@dataclass(frozen=True)
class _Row:
    """One result as it was published: curation entries' published values put back."""

    result: str
    model: str
    score: Decimal
    weights: tuple[tuple[str, str], ...]  # (framework, url)
    paper_url: str | None
    code: frozenset[tuple[str, str]]


def as_published(data: dict[str, Any], result: Result) -> dict[str, Any]:
    """The record's data with every published value of its curation entries put back."""
    data = copy.deepcopy(data)
    for entry in result.curation:
        path = field_path(entry.field)
        if not entry.has_published or path is None:
            continue
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        if entry.published is None:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = entry.published
    return data


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _published(catalog: Catalog) -> list[tuple[Result, dict[str, Any]]]:
    """Every result with its data as published."""
    published = []
    for result in catalog.results:
        try:
            published.append((result, as_published(result.document.data, result)))
        except (KeyError, IndexError, TypeError):
            continue  # a curation entry that names no field is reported by validation
    return published


def _published_rows(
    catalog: Catalog, published: list[tuple[Result, dict[str, Any]]], dataset: str, split: str
) -> list[_Row]:
    """The results published on a leaderboard, in the order their published scores rank them."""
    board = next(b for b in catalog.datasets[dataset].leaderboards if b.split == split)
    metric = board.metric
    frame_rows = []
    rows: dict[str, _Row] = {}
    for result, data in published:
        if (data.get("dataset"), data.get("split")) != (dataset, split):
            continue  # published elsewhere (a moved result says so in its curation)
        value = data.get("metrics", {}).get(metric)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        corrected = any(c.field == f"metrics.{metric}" and c.has_published for c in result.curation)
        text = str(value) if corrected else result.published_text(metric)
        paper = catalog.papers.get(str(data.get("paper")))
        rows[result.id] = _Row(
            result.id,
            str(data.get("model")),
            Decimal(text),
            tuple((w["framework"], w["url"]) for w in data.get("weights", [])),
            paper.url if paper else None,
            frozenset((c.framework, c.url) for c in paper.code) if paper else frozenset(),
        )
        frame_rows.append(
            {
                "result": result.id,
                "model": rows[result.id].model,
                "score": float(value),
                "paper_date": paper.date if paper else "9999-12",
            }
        )
    if not frame_rows:
        return []
    higher = catalog.metrics[metric].higher_is_better if metric in catalog.metrics else True
    ordered = rank(pd.DataFrame(frame_rows), higher_is_better=higher)
    return [rows[result_id] for result_id in ordered["result"]]


def _differences(row: TableRow, ours: _Row) -> list[str]:
    differences = []
    if _decimal(row.score) != ours.score:
        differences.append(f"score {row.score} was published, the record gives {ours.score}")
    seed_weights = tuple(row.weights)
    if seed_weights != ours.weights:
        differences.append(
            f"weights {list(seed_weights)} were published, the record gives {list(ours.weights)}"
        )
    if row.paper_url != ours.paper_url:
        differences.append(
            f"paper {row.paper_url} was published, the record's paper is {ours.paper_url}"
        )
    lost = [link for link in row.code if link not in ours.code]
    if lost:
        differences.append(f"code links {lost} were published, the paper no longer lists them")
    return differences


@dataclass(frozen=True)
class SeedReport:
    rows: int  # rows in the seed tables
    problems: list[Problem]  # rows the records no longer give back, by the row's line


def check_seed(catalog: Catalog, config: SeedConfig) -> SeedReport:
    """Compare every row of the seed tables with the records as published."""
    path = config.file
    try:
        text = read_text(path, MAX_SEED_BYTES, follow_links=True)
    except UnreadableInput as exc:
        message = f"cannot read the seed tables: {exc.reason}"
        return SeedReport(0, [error(path, (1, 1), "seed-tables", message)])
    tables = parse_tables(text)
    rows = sum(len(table.rows) for table in tables)
    if len(tables) != len(config.tables):
        message = (
            f"the file holds {len(tables)} tables, but [tool.segboard.seed] names "
            f"{len(config.tables)} leaderboards; name one DATASET/SPLIT per table, in order"
        )
        return SeedReport(rows, [error(path, (1, 1), "seed-tables", message)])
    problems: list[Problem] = []
    published = _published(catalog)
    for (dataset, split), table in zip(config.tables, tables, strict=True):
        board = f"{dataset}/{split}"
        dataset_record = catalog.datasets.get(dataset)
        if dataset_record is None or split not in {b.split for b in dataset_record.leaderboards}:
            message = f"{board} is not a leaderboard of data/datasets/; the table cannot be checked"
            problems.append(error(path, (table.line, 1), "seed-tables", message))
            continue
        problems += [
            error(path, (line, 1), "seed-tables", f"the table cannot be read: {message}")
            for line, message in table.problems
        ]
        ours = _published_rows(catalog, published, dataset, split)
        position = {row.result: index for index, row in enumerate(ours)}
        previous: tuple[int, str] | None = None  # the last matched row's place and model
        for row in table.rows:
            candidates = [r for r in ours if r.model == row.model]
            if not candidates:
                message = (
                    f"{board}: no record gives back the published row {row.model!r}; a seed row "
                    "is corrected with a curation entry, never removed"
                )
                problems.append(error(path, (row.line, 1), "seed-missing", message))
                continue
            differences = [_differences(row, r) for r in candidates]
            matching = [r for r, d in zip(candidates, differences, strict=True) if not d]
            if not matching:
                found = candidates[0]
                message = f"{board} {row.model!r} ({found.result}): " + "; ".join(differences[0])
                message += " (record a change as a curation entry with the published value)"
                problems.append(error(path, (row.line, 1), "seed-differs", message))
                continue
            place = position[matching[0].result]
            if previous is not None and place < previous[0]:
                message = (
                    f"{board}: {row.model!r} was published below {previous[1]!r}, but the "
                    "published scores now rank it above"
                )
                problems.append(error(path, (row.line, 1), "seed-order", message))
            previous = (place, row.model)
    return SeedReport(rows, problems)
