"""Hugging Face evaluation results: the `.eval_results/*.yaml` files of a model repository.

The format, as learned from Hugging Face's own documentation and code (nothing here is guessed):
  - https://huggingface.co/docs/hub/eval-results (huggingface/hub-docs docs/hub/eval-results.md,
    as of commit 242f4a1e, 2026-08);
  - its specification, https://github.com/huggingface/hub-docs/blob/main/eval_results.yaml
    (task_id required since hub-docs #2179, notes since #2183, source.org since #2161);
  - huggingface_hub's `EvalResultEntry`, `parse_eval_result_entries` and
    `eval_result_entries_to_yaml` (src/huggingface_hub/_eval_results.py; 2.4.0 is installed).

A file is a YAML list; each entry is one score of the model on one benchmark task:
`dataset` {`id`: the benchmark's Hub dataset id, `task_id`: a task defined by that benchmark's
eval.yaml, optional `revision`}, `value`, and optionally `verifyToken`, `date`, `source`
{`url`, `name`, `user`, `org`} and `notes`. An entry names no metric and no split: the benchmark's
task stands for both. So segboard reads them as follows:
  - `dataset.id` is matched through the dataset records' `aliases` ('scene_parse_150' is ADE20K);
  - `task_id` is matched through the metric catalogue's aliases ('mean_iou' is miou); a task id
    that names no metric segboard knows (such as 'default') is reported and left out;
  - the split comes from --split (recorded in an 'inferred' curation entry);
  - the entries of one model folder on one benchmark (with the same `notes`) become one record,
    named after the folder; the paper comes from --paper or the arxiv: tag of the folder's
    README.md, as for model cards.
PATH is a model folder, a folder of model folders, an `.eval_results` folder or one file.
`verifyToken` is Hugging Face's to give and check: never written, and not read as segboard's
verification. Exports write one entry per metric (`dataset.id`: the dataset id, `task_id`: the
metric id) and carry the whole record under a `segboard` key of the file's first entry, which
huggingface_hub's parser ignores, so they come back exactly. (The documentation does not say
whether the Hub's push-time check accepts that extra key.)
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.atomic_files import write_atomic
from generator.errors import UsageError
from generator.interop.foreign_yaml import UnreadableFile, front_matter, read_yaml
from generator.interop.hf_cards import CardOptions, card_paper
from generator.interop.mapper import Entry
from generator.interop.names import number_text, plain_text
from generator.interop.outcome import ImportPlan, left_out, unreadable
from generator.interop.own import OWN_KEY, OwnEntry, is_own, own_plan, plan_beside_own
from generator.problems import Problem
from generator.reading import LEADS_OUT, leads_out, real_path
from generator.records.model import Catalog, Result

FOLDER = ".eval_results"


def eval_results_entries(catalog: Catalog, result: Result) -> list[dict[str, Any]]:
    """The `.eval_results` entries of one result: one per metric, the record under `segboard`."""
    from generator.interop.exports import segboard_extras

    source = result.document.data["source"]
    entries: list[dict[str, Any]] = []
    for metric_id, value in result.metrics.items():
        entry: dict[str, Any] = {
            "dataset": {"id": result.dataset, "task_id": metric_id},
            "value": value,
            "source": {"url": source["url"], "name": source["kind"]},
        }
        if not entries:
            entry[OWN_KEY] = segboard_extras(catalog, result)
        entries.append(entry)
    return entries


def write_eval_results(catalog: Catalog, folder: Path) -> list[Path]:
    """One model folder per result, holding `.eval_results/<dataset>_<split>.yaml`."""
    paths = []
    for result in catalog.results:
        name = f"{result.dataset}_{result.split}.yaml"
        path = folder / result.id.replace("/", "--") / FOLDER / name
        text = yaml.safe_dump(
            eval_results_entries(catalog, result), sort_keys=False, allow_unicode=True, width=100
        )
        write_atomic(path, text)
        paths.append(path)
    return paths


@dataclass
class _Group:
    """The entries of one model on one benchmark: one record's metrics."""

    file: Path
    dataset: str
    notes: str
    source_url: str | None
    metrics: dict[str, Any] = field(default_factory=dict)


def _models(path: Path) -> dict[Path, list[Path]]:
    """Model folder -> its eval-results files, for a model folder, a folder of model folders,
    an .eval_results folder or one file."""
    if path.is_file():
        return {path.parent.parent if path.parent.name == FOLDER else path.parent: [path]}
    if path.name == FOLDER:
        path = path.parent
    models: dict[Path, list[Path]] = {}
    folders = [path / FOLDER] if (path / FOLDER).is_dir() else sorted(path.rglob(FOLDER))
    for folder in folders:
        files = sorted(p for p in folder.glob("*") if p.suffix in (".yaml", ".yml"))
        if files and folder.is_dir():
            models[folder.parent] = files
    if not models:
        raise UsageError(f"{path}: no evaluation results (.eval_results/*.yaml) found")
    return models


def _entries(file: Path, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """The file's entries that are mappings, numbered from 1; the rest goes to problems."""
    try:
        data = read_yaml(file, unique_keys=True)
    except UnreadableFile as exc:
        problems.append(unreadable(exc))
        return []
    if not isinstance(data, list):
        problems.append(left_out(file, "not a list of evaluation results"))
        return []
    entries = []
    for number, entry in enumerate(data, 1):
        if isinstance(entry, dict):
            entries.append((number, entry))
        else:
            problems.append(left_out(file, f"entry {number} is not a mapping"))
    return entries


def _group_key(
    file: Path, number: int, entry: dict[str, Any], problems: list[Problem]
) -> tuple[str, str, str | None, str, Any] | None:
    """(dataset id, notes, source url, task id, value) of a foreign entry, or None."""
    try:
        dataset = entry.get("dataset")
        if not isinstance(dataset, dict) or not dataset.get("id") or not dataset.get("task_id"):
            raise ValueError("it needs dataset.id and dataset.task_id")
        if "value" not in entry:
            raise ValueError("it has no value")
        if number_text(entry["value"]) is None:
            value = reprlib.repr(entry["value"])
            problems.append(left_out(file, f"entry {number}: value {value} is not a number"))
            return None
        source = entry.get("source") or {}
        if not isinstance(source, dict):
            raise ValueError("source is not a mapping")
        url = plain_text(source["url"], "source url") if source.get("url") else None
        return (
            plain_text(dataset["id"], "dataset id"),
            plain_text(entry.get("notes") or "", "notes"),
            url,
            plain_text(dataset["task_id"], "task id"),
            entry["value"],
        )
    except (TypeError, ValueError) as exc:
        problems.append(left_out(file, f"entry {number}: not in the expected form ({exc})"))
        return None


@dataclass
class HfEvalResults:
    """`segboard import hf-eval-results`: a model repository folder or one of its files."""

    options: CardOptions = field(default_factory=CardOptions)

    def plan(self, root: Path, catalog: Catalog, path: Path) -> ImportPlan:
        problems: list[Problem] = []
        own: list[OwnEntry] = []
        groups: dict[Path, dict[tuple[str, str], _Group]] = {}
        for model, files in _models(path).items():
            for file in files:
                if path.is_dir() and leads_out(file, path):
                    problems.append(left_out(file, LEADS_OUT))
                    continue
                own += self._read(file, groups.setdefault(model, {}), problems)
        foreign = {model: found for model, found in groups.items() if found}
        self.options.refuse_several(path, len(foreign), "models")
        if own and not foreign and not problems:
            return own_plan(root, own)
        plan, mapper = plan_beside_own(root, catalog, self.options.split, own, problems)
        for model, found in foreign.items():
            for mapped in self._mapped(model, list(found.values()), mapper.problems):
                mapper.add(mapped)
        return plan

    def _read(
        self, file: Path, groups: dict[tuple[str, str], _Group], problems: list[Problem]
    ) -> list[OwnEntry]:
        """Add the file's foreign entries to the model's groups; its own entries, returned."""
        entries = _entries(file, problems)
        if any(is_own(entry.get(OWN_KEY)) for _, entry in entries):
            return [OwnEntry(file, "", e[OWN_KEY]) for _, e in entries if is_own(e.get(OWN_KEY))]
        for number, entry in entries:
            key = _group_key(file, number, entry, problems)
            if key is None:
                continue
            dataset, notes, url, task, value = key
            group = groups.setdefault((dataset, notes), _Group(file, dataset, notes, url))
            if task in group.metrics:
                message = f"entry {number}: task {task!r} of {dataset} is given twice"
                problems.append(left_out(file, message))
            else:
                group.metrics[task] = value
        return []

    def _mapped(self, model: Path, groups: list[_Group], problems: list[Problem]) -> list[Entry]:
        """One Entry per group; a group without paper or source is reported instead."""
        card = model / "README.md"
        front: dict[str, Any] = {}
        body = ""
        if card.is_file():
            try:
                front, body = front_matter(card)
            except UnreadableFile as exc:
                problems.append(unreadable(exc))
        paper, no_paper = card_paper(front, body, self.options)
        name = real_path(model).name
        entries = []
        for group in groups:
            label = f"model {name!r}, benchmark {group.dataset!r}"
            if group.notes:
                label += f" ({group.notes})"
            source_url = group.source_url or self.options.source_url
            if paper is None:
                problems.append(left_out(group.file, f"{label}: {no_paper}"))
            elif not source_url:
                problems.append(left_out(group.file, f"{label}: no source; give --source-url"))
            else:
                entries.append(
                    Entry(
                        file=group.file,
                        label=label,
                        name=name,
                        method=self.options.method or name,
                        dataset_names=[group.dataset],
                        split=None,
                        metrics=group.metrics,
                        paper=paper,
                        paper_title=self.options.paper_title,
                        source_url=source_url,
                        source_detail=f"Hugging Face evaluation results, {group.file.name}",
                        backbone=self.options.backbone,
                        weights=list(self.options.weights),
                        scale=self.options.scale,
                    )
                )
        return entries
