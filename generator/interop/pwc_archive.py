"""Results from the archived Papers with Code evaluation tables (`segboard import pwc-archive`).

The format, as learned from paperswithcode/sota-extractor (its README, and the marshmallow
schemas that read and write `evaluation-tables.json`: sota_extractor/taskdb/v01/schemas.py):
a JSON array of task objects, each

    {"task": name, "description", "categories": [...], "synonyms": [...], "source_link",
     "datasets": [{"dataset": name, "description",
                   "sota": {"metrics": [names],
                            "rows": [{"model_name", "paper_title", "paper_url",
                                      "paper_date": "YYYY-MM-DD" or null,
                                      "code_links": [{"title", "url"}], "model_links": [...],
                                      "metrics": {name: value}, "uses_additional_data": bool}]},
                   "subdatasets": [the same shape, named by "subdataset"]}],
     "subtasks": [task objects of the same shape]}

Only the tasks named in `tasks` (compared without regard to case; "Semantic Segmentation" and
"Real-Time Semantic Segmentation" by default), wherever they are nested, are read; other
segmentation subtasks (weakly- or semi-supervised, few-shot, 3D, video) measure something else
and are skipped by name. A table's dataset name maps to a dataset id and split through the
`aliases` of the dataset records ("Cityscapes test": cityscapes, split test); metric names through
the metric catalogue ("Mean IoU (class)" is miou); a value "45.2" or "45.2%" is a number, anything
else is left out with the task, dataset and row named. Each row becomes an `Entry` for the Mapper
with source kind `aggregator` (shown beside the claims, never ranked with them), and a new paper
record when `paper_url` is an arXiv address; its date comes from the arXiv id (the records' rule),
not from `paper_date`. Code links are reported, not written: the archive does not say their
framework, which a paper record's code entry needs. A row whose model is already on its split,
or repeated in the archive, is left out. The file is streamed (interop.json_stream): one top-level
task at a time is in memory, an unrelated task included, since its name is only known once read.
"""

from __future__ import annotations

import reprlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.interop.json_stream import array_items
from generator.interop.mapper import Entry, Mapper
from generator.interop.names import dataset_names, method_and_backbone, metric_names, number_text
from generator.interop.outcome import ImportPlan, left_out
from generator.problems import Severity
from generator.records.model import AGGREGATOR, Catalog, name_key
from generator.records.paper_ids import paper_id
from generator.records.places import result_path, slug, slug_problem

ARCHIVE_URL = "https://github.com/paperswithcode/paperswithcode-data"
DEFAULT_TASKS = ("Semantic Segmentation", "Real-Time Semantic Segmentation")
MAX_NAME = 250  # characters of a model name or paper title (the records' own limit)

# why a row is left out, as the summary counts it
UNKNOWN_DATASET = "unknown dataset"
NO_SPLIT = "alias names no split"
NO_ARXIV = "no arXiv paper"
BAD_VALUE = "metric value not a number"
NO_METRIC = "no ranking metric"
ALREADY = "model already on the split"
REPEATED = "repeated in the archive"
MALFORMED = "not in the archive's form"
NOT_MAPPED = "not mapped (see the findings)"


@dataclass
class Tally:
    """What became of the rows of one dataset/split (or of one unknown dataset)."""

    found: int = 0
    importable: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


@dataclass
class _Table:
    task: str
    name: str  # the dataset's name in the archive
    rows: list[Any]
    known_metrics: set[str]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def value_text(value: Any) -> str | None:
    """A metric value as a record's number text: 45.2, "45.2" and "45.2%" all give "45.2"."""
    if isinstance(value, Decimal):
        value = str(value)
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
    return number_text(value)


@dataclass
class PwcArchive:
    """`segboard import pwc-archive`: reads the archive into a plan, and keeps a summary."""

    source_url: str = ARCHIVE_URL
    tasks: tuple[str, ...] = DEFAULT_TASKS
    summary: dict[str, Tally] = field(default_factory=dict)
    tasks_read: int = 0
    tables_taken: int = 0
    skipped_subtasks: Counter[str] = field(default_factory=Counter)

    def plan(self, root: Path, catalog: Catalog, path: Path) -> ImportPlan:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        self._path = path
        self._catalog = catalog
        self._mapper = Mapper(root, catalog, None)
        self._datasets = dataset_names(catalog)
        self._metrics = metric_names(catalog)
        self._wanted = {name_key(task) for task in self.tasks}
        self._on_split: dict[tuple[str, str], dict[str, str]] = {}
        for result in catalog.results:
            names = self._on_split.setdefault((result.dataset, result.split), {})
            names.setdefault(slug(result.model), result.id)
            names.setdefault(result.id.rsplit("/", 1)[-1], result.id)
        self._code_reported: set[tuple[str, str]] = set()
        for number, task in enumerate(array_items(path, "task"), start=1):
            self.tasks_read += 1
            self._task(task, f"task {number}")
        return self._mapper.plan()

    def _problem(self, message: str, severity: Severity = Severity.ERROR) -> None:
        self._mapper.problems.append(left_out(self._path, message, 0, severity))

    def _task(self, task: Any, where: str) -> None:
        """Read a task (a table per dataset when it is wanted), then its subtasks."""
        if not isinstance(task, dict):
            self._problem(f"{where} is not a task object")
            return
        name = _text(task.get("task"))
        if name_key(name) in self._wanted:
            for dataset in _list(task.get("datasets")):
                self._dataset(name, dataset)
        elif "segmentation" in name.casefold():
            self.skipped_subtasks[name] += 1
        for subtask in _list(task.get("subtasks")):
            self._task(subtask, f"a subtask of {name or where!r}")

    def _dataset(self, task: str, dataset: Any) -> None:
        if not isinstance(dataset, dict):
            self._problem(f"task {task!r}: an entry of datasets is not an object")
            return
        name = _text(dataset.get("dataset") or dataset.get("subdataset"))
        sota = dataset.get("sota")
        rows = sota.get("rows") if isinstance(sota, dict) else None
        if isinstance(rows, list) and rows:
            metrics = {str(k) for row in rows if isinstance(row, dict)
                       for k in (row.get("metrics") or {})}  # fmt: skip
            self._table(_Table(task, name, rows, metrics))
        for subdataset in _list(dataset.get("subdatasets")):
            self._dataset(task, subdataset)

    def _table(self, table: _Table) -> None:
        self.tables_taken += 1
        where = f"task {table.task!r}, dataset {table.name!r}"
        match = self._datasets.get(name_key(table.name))
        split = match.split if match else None
        if match is None or split is None:
            key = f"{table.name!r} (not a known dataset and split)"
            reason = UNKNOWN_DATASET if match is None else NO_SPLIT
            tally = self.summary.setdefault(key, Tally())
            tally.found += len(table.rows)
            tally.reasons[reason] += len(table.rows)
            hint = "add an alias with its split to the dataset record"
            if match is None:
                count = _count(len(table.rows), "row")
                message = f"{where}: unknown dataset; {count} left out ({hint})"
            else:
                message = f"{where}: the alias names no split of {match.dataset}; {hint}"
            self._problem(message)
            return
        unknown = sorted(m for m in table.known_metrics if name_key(m) not in self._metrics)
        if unknown:
            shown = ", ".join(repr(m) for m in unknown)
            self._problem(f"{where}: metrics segboard does not know are left out: {shown}",
                          Severity.WARNING)  # fmt: skip
        tally = self.summary.setdefault(f"{match.dataset}/{split}", Tally())
        for number, row in enumerate(table.rows, start=1):
            tally.found += 1
            why = self._row(table, match.dataset, split, number, row)
            if why is None:
                tally.importable += 1
            else:
                tally.reasons[why] += 1

    def _row(self, table: _Table, dataset: str, split: str, number: int, row: Any) -> str | None:
        """Map one row; the reason it is left out, or None when it gives a record."""
        where = f"task {table.task!r}, dataset {table.name!r}, row {number}"
        if not isinstance(row, dict) or not isinstance(row.get("metrics", {}), dict):
            self._problem(f"{where}: not a row object with metrics")
            return MALFORMED
        model = _text(row.get("model_name"))
        if not model or len(model) > MAX_NAME or slug_problem(model) is not None:
            self._problem(f"{where}: the model name {reprlib.repr(model)} cannot be a record's")
            return MALFORMED
        where += f" ({model})"
        paper = self._paper(where, row)
        if paper is None:
            return NO_ARXIV
        metrics, bad = self._row_metrics(where, row)
        ranking = self._ranking(dataset, split, metrics)
        if not ranking:
            ranks_by = " or ".join(b.metric for b in self._catalog.datasets[dataset].leaderboards
                                   if b.split == split)  # fmt: skip
            self._problem(f"{where}: {dataset}/{split} ranks by {ranks_by}, which the row does "
                          f"not give as a number")  # fmt: skip
            return BAD_VALUE if bad else NO_METRIC
        on_split = self._on_split.setdefault((dataset, split), {})
        earlier = on_split.get(slug(model))
        if earlier is not None:
            reason = REPEATED if earlier.startswith("row ") else ALREADY
            said = "is repeated in the archive" if reason == REPEATED else "is already on the split"
            self._problem(f"{where}: model {model!r} {said} ({earlier})")
            return reason
        on_split[slug(model)] = f"row {number} of {table.name!r}"
        self._code(where, paper, row)
        method, backbone = method_and_backbone(model.split(" (", 1)[0])  # "X (Swin-L)": X
        extra = " (uses additional data, the archive says)" * bool(row.get("uses_additional_data"))
        entry = Entry(
            file=self._path,
            label=where,
            name=model,
            method=method or model,
            dataset_names=[dataset],
            split=split,
            metrics=metrics,
            paper=paper,
            paper_title=_text(row.get("paper_title"))[:MAX_NAME] or None,
            source_url=self.source_url,
            source_detail=f"{table.task} / {table.name} / row {number}: {model}{extra}",
            backbone=backbone,
            source_kind=AGGREGATOR,
        )
        target = result_path(self._mapper.root, dataset, split, slug(model))
        self._mapper.add(entry)
        return None if target in self._mapper.files else NOT_MAPPED

    def _paper(self, where: str, row: dict[str, Any]) -> str | None:
        url = _text(row.get("paper_url"))
        try:
            if "arxiv.org/" not in url.casefold():
                raise UsageError("")
            return paper_id(url)
        except UsageError:
            shown = reprlib.repr(url) if url else "none"
            self._problem(f"{where}: no arXiv paper (paper_url {shown})")
            return None

    def _row_metrics(self, where: str, row: dict[str, Any]) -> tuple[dict[str, str], bool]:
        """Metric id -> value text of the metrics segboard knows; and whether a value was bad."""
        metrics: dict[str, str] = {}
        bad = False
        for name, value in (row.get("metrics") or {}).items():
            metric_id = self._metrics.get(name_key(str(name)))
            if metric_id is None or value is None:
                continue  # an unknown metric is said once per table; null: not given
            text = value_text(value)
            if text is None:
                bad = True
                self._problem(f"{where}: metric {name!r} = {reprlib.repr(value)} is not a number")
            elif metric_id not in metrics:
                metrics[metric_id] = text
        return metrics, bad

    def _ranking(self, dataset: str, split: str, metrics: dict[str, str]) -> list[str]:
        """The split's ranking metrics the row gives, or can be derived from what it gives."""
        found = []
        for board in self._catalog.datasets[dataset].leaderboards:
            if board.split != split:
                continue
            components = self._catalog.metrics[board.metric].components
            if board.metric in metrics or (components and all(c in metrics for c in components)):
                found.append(board.metric)
        return found

    def _code(self, where: str, paper: str, row: dict[str, Any]) -> None:
        """Code links cannot be written (no framework): said once per paper and link."""
        record = self._catalog.papers.get(paper)
        listed = {repository.url for repository in record.code} if record else set()
        for link in _list(row.get("code_links")):
            url = _text(link.get("url")) if isinstance(link, dict) else ""
            if not url or url in listed or (paper, url) in self._code_reported:
                continue
            self._code_reported.add((paper, url))
            self._problem(f"{where}: the code link {url} is left out: the archive does not say "
                          f"its framework; add it to paper {paper}'s record by hand",
                          Severity.WARNING)  # fmt: skip

    def summary_lines(self) -> list[str]:
        """What was found per dataset/split, what can be imported, and why the rest cannot."""
        lines = [
            f"Papers with Code archive: {self.tasks_read} top-level tasks read, "
            f"{self.tables_taken} tables of {' / '.join(self.tasks)}"
        ]
        if self.skipped_subtasks:
            skipped = ", ".join(sorted(self.skipped_subtasks))
            lines.append(f"skipped segmentation tasks (another protocol): {skipped}")
        for key in sorted(self.summary):
            tally = self.summary[key]
            left = tally.found - tally.importable
            reasons = ", ".join(f"{reason}: {count}" for reason, count in
                                sorted(tally.reasons.items()))  # fmt: skip
            line = f"{key}: {_count(tally.found, 'row')}, {tally.importable} importable, "
            line += f"{left} left out"
            lines.append(line + (f" ({reasons})" if reasons else ""))
        if not self.summary:
            lines.append("no table of those tasks on any dataset")
        return lines


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
