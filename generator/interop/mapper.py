"""Turning results written by other tools into segboard records.

A format reader (model_index, hf_cards, markdown) turns each result it finds into an `Entry`:
names as the source wrote them. `Mapper` matches those names against the catalogue (through
interop.names), groups the metrics by the test-time augmentation their names imply, computes a
leaderboard's derived score when the source gives all its components, records every decision it
had to make (split, scale, computed score) as a curation entry, and collects what it cannot map
as problems (left-out entries), each naming the source. Nothing is guessed: an unknown dataset,
metric or split, a missing paper, a value whose scale is unclear, a name given twice, all are
reported and left out.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.interop.names import dataset_names, metric_names, number_text, split_id
from generator.interop.outcome import ImportPlan, left_out
from generator.problems import Problem, Severity
from generator.records.model import NAME_SUFFIXES, Catalog, name_key
from generator.records.paper_ids import paper_id
from generator.records.places import paper_path, result_path, slug, slug_problem
from generator.records.texts import NewResult, as_percent, paper_text, result_text
from generator.scores.rounding import derived_text

# A metric name may carry the test-time augmentation it was measured with: mIoU(ms+flip).
_TTA_IN_NAME = re.compile(r"^(?P<name>.+?)\s*\((?P<tta>[^()]+)\)$")
_TTA_NAMES = {"ms+flip": ("multi-scale", "flip"), "ms": ("multi-scale",), "flip": ("flip",)}
_TTA_SUFFIX = {
    ("multi-scale", "flip"): " + MS + Flip",
    ("multi-scale",): " + MS",
    ("flip",): " + Flip",
}
_EXTRA_SUFFIX = {value: suffix for suffix, (kind, value) in NAME_SUFFIXES.items()
                 if kind == "extra_training_data"}  # fmt: skip


@dataclass
class Entry:
    """One result as another tool wrote it; names are matched later."""

    file: Path  # the file it comes from
    label: str  # which entry of it, e.g. "model 'pspnet_r50'", prefixed to every problem
    name: str  # the model name as written
    method: str
    dataset_names: list[str]  # what the source calls the dataset, best candidate first
    split: str | None  # as written; None when the source names none
    metrics: dict[str, Any]  # metric name as written -> value as written
    paper: str | None  # a paper id (an arXiv id for a new paper)
    paper_title: str | None
    source_url: str
    source_detail: str
    backbone: str | None = None
    weights: list[tuple[str, str]] = field(default_factory=list)  # (url, framework)
    scale: str | None = None  # 'percent' or 'fraction' when the user said; None: decide or ask
    source_kind: str = "model-zoo"
    line: int = 0  # the entry's line in `file`, when the format keeps it
    decode_head: str | None = None
    crop_size: tuple[int, int] | None = None
    code: list[tuple[str, str]] = field(default_factory=list)  # (url, framework) of the paper


class Mapper:
    """Collects records (path -> text) and problems from entries."""

    def __init__(self, root: Path, catalog: Catalog, default_split: str | None) -> None:
        self.root = root
        self.catalog = catalog
        self.default_split = default_split
        self.datasets = dataset_names(catalog)
        self.metrics = metric_names(catalog)
        self.files: dict[Path, str] = {}
        self.problems: list[Problem] = []
        # the new paper records: path -> (id, title, code links gathered from every entry)
        self.new_papers: dict[Path, tuple[str, str, list[tuple[str, str]]]] = {}
        self.code_reported: set[tuple[str, str]] = set()  # (paper, url) said to be missing

    def leave_out(self, entry: Entry, message: str) -> None:
        text = f"{entry.label}: {message}" if entry.label else message
        self.problems.append(left_out(entry.file, text, entry.line))

    def plan(self, all_or_nothing: bool = False) -> ImportPlan:
        return ImportPlan(self.files, self.problems, all_or_nothing)

    def add(self, entry: Entry) -> None:
        """Map one entry: its records go to `files`, what cannot be mapped to `problems`."""
        place = self._place(entry)
        groups = self._metric_groups(entry) if place else None
        if place is None or groups is None:
            return
        dataset, split, ranking, extra, curation = place
        for tta, values in groups.items():
            metrics, scaled = self._scaled(entry, values)
            if metrics is None:
                continue
            added = [entry for metric in ranking for entry in self._derive(metric, metrics)]
            if not any(metric in metrics for metric in ranking):
                given = ", ".join(metrics) or "none"
                ranks_by = " or ".join(ranking)
                message = f"{dataset} ranks by {ranks_by}, which the entry does not give"
                self.leave_out(entry, f"{message} (it gives {given})")
                continue
            display = entry.name + "".join(f" + {_EXTRA_SUFFIX[e]}" for e in extra)
            display += _TTA_SUFFIX.get(tta, "")
            why = slug_problem(display)
            if why is not None:
                self.leave_out(entry, f"the name {reprlib.repr(display)} {why}")
                continue
            target = result_path(self.root, dataset, split, slug(display))
            if target.exists():
                self.leave_out(entry, f"{target.relative_to(self.root)} already exists")
            elif target in self.files:
                self.leave_out(entry, f"{target.relative_to(self.root)} comes from two entries")
            elif self._paper_known(entry):  # a paper record is written only for a result
                self.files[target] = result_text(
                    NewResult(
                        dataset=dataset,
                        split=split,
                        model=display,
                        method=entry.method,
                        backbone=entry.backbone,
                        paper=str(entry.paper),
                        metrics=metrics,
                        source_kind=entry.source_kind,
                        source_url=entry.source_url,
                        weights=entry.weights,
                        source_detail=entry.source_detail,
                        curation=curation + scaled + added,
                        decode_head=entry.decode_head,
                        crop_size=entry.crop_size,
                    )
                )
            else:
                return

    def _place(
        self, entry: Entry
    ) -> tuple[str, str, list[str], tuple[str, ...], list[dict[str, object]]] | None:
        """(dataset id, split id, ranking metrics, implied extra data, curation) or None."""
        match = next((self.datasets[name_key(n)] for n in entry.dataset_names
                      if name_key(n) in self.datasets), None)  # fmt: skip
        if match is None:
            names = " / ".join(repr(n) for n in entry.dataset_names) or "(none)"
            self.leave_out(entry, f"unknown dataset {names}; add an alias to its dataset record")
            return None
        dataset = self.catalog.datasets[match.dataset]
        split_name = entry.split if entry.split is not None else self.default_split
        if split_name is None:
            self.leave_out(entry, f"the source names no split of {dataset.id}; give --split")
            return None
        split = split_id(dataset, split_name)
        if split is None:
            self.leave_out(entry, f"{dataset.id} has no split {split_name!r} (it has "
                           f"{', '.join(dataset.splits)})")  # fmt: skip
            return None
        ranking = [b.metric for b in dataset.leaderboards if b.split == split]
        if not ranking:
            self.leave_out(entry, f"{dataset.id} keeps no leaderboard for {split!r}")
            return None
        curation: list[dict[str, object]] = []
        if entry.split is None:
            curation.append({"field": "split", "action": "inferred",
                             "reason": f"The source names no split; {split} was given on import "
                                       "(--split)."})  # fmt: skip
        return dataset.id, split, ranking, match.extra_training_data, curation

    def _metric_groups(self, entry: Entry) -> dict[tuple[str, ...], dict[str, str]] | None:
        """Metric id -> value text, per test-time augmentation; None after a problem."""
        groups: dict[tuple[str, ...], dict[str, str]] = {}
        for written, value in entry.metrics.items():
            name = str(written)
            tta: tuple[str, ...] = ()
            suffix = _TTA_IN_NAME.match(name)
            if suffix and name_key(suffix["tta"]) in _TTA_NAMES:
                name, tta = suffix["name"], _TTA_NAMES[name_key(suffix["tta"])]
            metric_id = self.metrics.get(name_key(name))
            text = number_text(value)
            if metric_id is None or text is None:
                what = "is not one segboard knows" if metric_id is None else "is not a number"
                self.leave_out(entry, f"metric {written!r} = {reprlib.repr(value)} {what}")
                continue
            group = groups.setdefault(tta, {})
            if metric_id in group:
                self.leave_out(entry, f"metric {metric_id} is given twice")
                return None
            group[metric_id] = text
        return groups

    def _derive(self, metric_id: str, metrics: dict[str, str]) -> list[dict[str, object]]:
        """Add a derived metric the source leaves out when all its components are given.

        ADE20K's challenge score is the mean of mIoU and pixel accuracy: computed exactly, and
        said so in an 'added' curation entry. Returns that entry (or nothing).
        """
        definition = self.catalog.metrics[metric_id]
        components = definition.components
        if metric_id in metrics or definition.combine is None or not components:
            return []
        if any(c not in metrics for c in components):
            return []
        metrics[metric_id] = derived_text([metrics[c] for c in components], definition.combine)
        names = " and ".join(self.catalog.metrics[c].name_en for c in components)
        return [{
            "field": f"metrics.{metric_id}",
            "action": "added",
            "reason": f"The source gives {names} but not this score; it is their mean, "
                      "computed on import.",
        }]  # fmt: skip

    def _paper_known(self, entry: Entry) -> bool:
        if entry.paper is None:
            self.leave_out(entry, "no paper")
            return False
        try:
            entry.paper = paper_id(entry.paper)
        except UsageError as exc:
            self.leave_out(entry, str(exc))
            return False
        if entry.paper in self.catalog.papers:
            self._code_listed(entry, entry.paper)
            return True
        target = paper_path(self.root, entry.paper)
        if target in self.new_papers:
            paper, title, code = self.new_papers[target]
            code += [link for link in entry.code if link[0] not in {url for url, _ in code}]
            self.files[target] = paper_text(paper, title, code)
            return True
        if not entry.paper_title:
            self.leave_out(
                entry, f"paper {entry.paper} has no record; add it, or give --paper-title"
            )
            return False
        code = list({url: (url, framework) for url, framework in entry.code}.values())
        try:
            self.files[target] = paper_text(entry.paper, entry.paper_title, code)
        except UsageError as exc:
            self.leave_out(entry, str(exc))
            return False
        self.new_papers[target] = (entry.paper, entry.paper_title, code)
        return True

    def _code_listed(self, entry: Entry, paper_id: str) -> None:
        """A code link the source gives for a paper whose record lacks it: a warning, since
        records are never changed by an import."""
        listed = {repository.url for repository in self.catalog.papers[paper_id].code}
        record = paper_path(self.root, paper_id).relative_to(self.root)
        for url, framework in entry.code:
            if url in listed or (paper_id, url) in self.code_reported:
                continue
            self.code_reported.add((paper_id, url))
            message = (
                f"the code link {url} ({framework}) is left out: the record of paper {paper_id} "
                f"does not list it; add it to {record} if it is that paper's code"
            )
            self.problems.append(left_out(entry.file, message, entry.line, Severity.WARNING))

    def _scaled(
        self, entry: Entry, values: dict[str, str]
    ) -> tuple[dict[str, str] | None, list[dict[str, object]]]:
        """Values on the records' scale (percent), with a curation entry per changed value."""
        percent = {m for m in values if self.catalog.metrics[m].is_percentage}
        scale = entry.scale
        if scale is None and any(float(values[m]) <= 1 for m in percent):
            shown = ", ".join(f"{m} = {values[m]}" for m in sorted(percent))
            self.leave_out(entry, f"{shown}: fractions of 1 or percentages? segboard records "
                        "percentages; give --scale fraction (multiply by 100) or --scale "
                        "percent")  # fmt: skip
            return None, []
        if scale != "fraction":
            return values, []
        scaled = dict(values)
        curation: list[dict[str, object]] = []
        for metric_id in sorted(percent):
            scaled[metric_id] = as_percent(values[metric_id])
            curation.append(
                {
                    "field": f"metrics.{metric_id}",
                    "action": "corrected",
                    "published": values[metric_id],
                    "reason": "The source gives a fraction of 1; segboard records percentages, so "
                    "the value is multiplied by 100.",
                }
            )
        return scaled, curation
