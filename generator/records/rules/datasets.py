"""Rules on dataset and paper records: classes, ignore label, label maps, splits, leaderboards,
the splits aliases name, and the dates of papers with an arXiv id."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from generator.problems import Problem, error
from generator.records.model import Catalog, Dataset
from generator.records.paper_ids import arxiv_year_month
from generator.records.suggestions import did_you_mean, metric_aliases
from generator.records.yamlfile import Document


def datasets_are_consistent(catalog: Catalog) -> Iterator[Problem]:
    for dataset in catalog.datasets.values():
        doc = dataset.document
        data = dataset.data
        path = doc.path
        if len(data["classes"]) != data["num_classes"]:
            yield error(
                path,
                doc.where(("classes",)),
                "class-count",
                f"{len(data['classes'])} class names are listed but num_classes is "
                f"{data['num_classes']}",
            )
        first: dict[str, int] = {}
        for index, name in enumerate(data["classes"]):
            if name in first:  # per-class scores would show two rows of one name
                yield error(
                    path,
                    doc.where(("classes", index)),
                    "duplicate-class",
                    f"class {name!r} (index {index}) is listed already at index {first[name]}; "
                    "each class index needs a name of its own",
                )
            first.setdefault(name, index)
        if 0 <= data["ignore_label"] < data["num_classes"]:
            yield error(
                path,
                doc.where(("ignore_label",)),
                "ignore-label",
                f"the ignore label {data['ignore_label']} is also a class index "
                f"(0-{data['num_classes'] - 1}); use a value outside the classes, such as 255",
            )
        yield from _unique(doc, data["splits"], "splits", "split")
        yield from _label_map(dataset)
        for index, metric_id in enumerate(dataset.metrics):
            if metric_id not in catalog.metrics and not catalog.metrics_broken:
                yield error(
                    path,
                    doc.where(("metrics", index)),
                    "unknown-metric",
                    f"metric {metric_id!r} is not in data/metrics.yaml"
                    + did_you_mean(metric_id, catalog.metrics, metric_aliases(catalog)),
                )
        yield from _leaderboards(dataset)
        yield from _alias_splits(dataset)
        if "paper" in data:
            yield from paper_reference(catalog, doc, data["paper"])


def _alias_splits(dataset: Dataset) -> Iterator[Problem]:
    """An alias that names a split ('Cityscapes test') names one the dataset has."""
    for index, alias in enumerate(dataset.data.get("aliases", [])):
        if "split" in alias and alias["split"] not in dataset.splits:
            yield error(
                dataset.document.path,
                dataset.document.where(("aliases", index, "split")),
                "unknown-split",
                f"alias {alias['name']!r} names split {alias['split']!r}, which {dataset.id} "
                f"does not have (it has {', '.join(dataset.splits)})",
            )


def _label_map(dataset: Dataset) -> Iterator[Problem]:
    """Cityscapes-style label id -> train id pairs: each id once, each target a class or ignored."""
    doc, data = dataset.document, dataset.data
    path = doc.path
    pairs = (data.get("label_conventions") or {}).get("id_to_train_id", [])
    seen_ids: set[int] = set()
    for index, (label_id, train_id) in enumerate(pairs):
        where = ("label_conventions", "id_to_train_id", index)
        if label_id in seen_ids:
            yield error(path, doc.where(where), "label-map", f"label id {label_id} is mapped twice")
        seen_ids.add(label_id)
        if train_id >= data["num_classes"] and train_id != data["ignore_label"]:
            yield error(
                path,
                doc.where(where),
                "label-map",
                f"label id {label_id} maps to train id {train_id}, which is neither a class "
                f"(0-{data['num_classes'] - 1}) nor the ignore label",
            )


def _leaderboards(dataset: Dataset) -> Iterator[Problem]:
    """Each leaderboard on a split of the dataset, ranked by one of its metrics; a split may have
    several leaderboards (ADE20K val by the challenge score and by mIoU), one per metric."""
    doc = dataset.document
    path = doc.path
    boards_seen: set[tuple[str, str]] = set()
    for index, board in enumerate(dataset.leaderboards):
        if board.split not in dataset.splits:
            yield error(
                path,
                doc.where(("leaderboards", index, "split")),
                "unknown-split",
                f"leaderboard split {board.split!r} is not one of this dataset's splits "
                f"({', '.join(dataset.splits)}){did_you_mean(board.split, dataset.splits)}",
            )
        if (board.split, board.metric) in boards_seen:
            yield error(
                path,
                doc.where(("leaderboards", index, "split")),
                "duplicate-leaderboard",
                f"split {board.split!r} has two leaderboards ranked by {board.metric!r}; keep one",
            )
        boards_seen.add((board.split, board.metric))
        if board.metric not in dataset.metrics:
            yield error(
                path,
                doc.where(("leaderboards", index, "metric")),
                "leaderboard-metric",
                f"the leaderboard ranks by {board.metric!r}, which is not in this dataset's "
                f"metrics ({', '.join(dataset.metrics)})"
                + did_you_mean(board.metric, dataset.metrics),
            )


def _unique(doc: Document, items: list[dict[str, Any]], key: str, what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item["id"] in seen:
            yield error(
                doc.path,
                doc.where((key, index, "id")),
                "duplicate-id",
                f"{what} {item['id']!r} is listed twice",
            )
        seen.add(item["id"])


def paper_reference(catalog: Catalog, doc: Document, paper_id: str) -> Iterator[Problem]:
    if paper_id not in catalog.papers and paper_id not in catalog.broken_papers:
        yield error(
            doc.path,
            doc.where(("paper",)),
            "unknown-paper",
            f"paper {paper_id!r} has no record; add data/papers/{paper_id}.yaml",
        )


def papers_are_consistent(catalog: Catalog) -> Iterator[Problem]:
    for paper in catalog.papers.values():
        if not _real_date(paper.date):
            yield error(
                paper.document.path,
                paper.document.where(("date",)),
                "paper-date",
                f"{paper.date!r} is not a date of the calendar",
            )
            continue
        year_month = arxiv_year_month(paper.id)
        if year_month is None:
            continue
        expected = "-".join(year_month)
        if not paper.date.startswith(expected):
            yield error(
                paper.document.path,
                paper.document.where(("date",)),
                "paper-date",
                f"the date {paper.date!r} disagrees with the arXiv id {paper.id}, which was "
                f"issued in {expected}",
            )


def _real_date(text: str) -> bool:
    """'2017-02-30' has the form of a date (the schema checks that) but is not one."""
    parts = [int(part) for part in text.split("-")]
    try:
        datetime.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return False
    return True
