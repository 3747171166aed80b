"""Entries from Hugging Face model cards that segboard did not write.

A card's front matter may hold a `model-index`: a list of models, each with results made of a
task, a dataset (`type` is the Hub dataset id, `name` a display name, `split`), metrics (`type`,
`value`) and an optional source. A card states no paper, backbone or weights, so those come from
the command line (`--paper`, `--backbone`, `--weights`) or from an `arxiv:` tag; values such as
0.4236 (the `evaluate` library's fractions) need `--scale`. Each result becomes one `Entry`.

Cards that segboard exported carry the record under a `segboard` key and come back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.interop.foreign_yaml import UnreadableFile, front_matter
from generator.interop.mapper import Entry
from generator.interop.names import plain_text
from generator.interop.outcome import ImportPlan, left_out, unreadable
from generator.interop.own import OWN_KEY, OwnEntry, is_own, own_plan, plan_beside_own
from generator.problems import Problem
from generator.reading import LEADS_OUT, leads_out
from generator.records.model import Catalog
from generator.records.paper_ids import paper_id

SEGMENTATION_TASKS = {"image-segmentation", "semantic-segmentation"}
_ARXIV_TAG = re.compile(r"^arxiv:(\d{4}\.\d{4,5})(v\d+)?$", re.IGNORECASE)
_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")


@dataclass
class CardOptions:
    """What the command line adds to a card."""

    paper: str | None = None
    paper_title: str | None = None
    method: str | None = None
    backbone: str | None = None
    split: str | None = None
    source_url: str | None = None
    weights: list[tuple[str, str]] = field(default_factory=list)
    scale: str | None = None

    def refuse_several(self, path: Path, count: int, what: str) -> None:
        """--weights and --source-url describe one model's files: refuse them for several."""
        if count > 1 and (self.weights or self.source_url):
            raise UsageError(
                f"{path} holds {count} {what} not written by segboard: --weights and "
                f"--source-url name one model's files, so import those {what} one at a time"
            )


def card_paper(front: dict[str, Any], body: str, options: CardOptions) -> tuple[str | None, str]:
    """(paper id, why there is none): --paper, else the card's one `arxiv:` tag."""
    if options.paper:
        return paper_id(options.paper, "--paper"), ""
    tags = front.get("tags") or []
    ids = sorted({m[1] for t in tags if isinstance(t, str) and (m := _ARXIV_TAG.match(t))})
    if len(ids) == 1:
        return ids[0], ""
    if ids:
        return None, f"the card is tagged with several papers ({', '.join(ids)}); give --paper"
    linked = sorted(set(_ARXIV_LINK.findall(body)))
    hint = f" (the card links arXiv {', '.join(linked)})" if linked else ""
    return None, f"the card names no paper (no arxiv: tag); give --paper{hint}"


def entries(
    card: Path, front: dict[str, Any], body: str, options: CardOptions, problems: list[Problem]
) -> Iterator[Entry]:
    """One Entry per result of the card's model-index; what cannot be read goes to problems."""
    index = front.get("model-index")
    if not isinstance(index, list) or not index:
        problems.append(left_out(card, "no model-index in its front matter"))
        return
    paper, no_paper = card_paper(front, body, options)
    for number, model in enumerate(index, 1):
        if not isinstance(model, dict) or not isinstance(model.get("results"), list):
            problems.append(left_out(card, f"model-index entry {number} has no results list"))
            continue
        name = plain_text(model.get("name") or "", "name")
        if not name:
            problems.append(left_out(card, f"model-index entry {number} has no name"))
            continue
        for position, result in enumerate(model["results"], 1):
            at = f"model {name!r}, result {position}"
            try:
                entry = _entry(card, at, name, result, paper, options)
            except (AttributeError, TypeError, ValueError) as exc:
                problems.append(left_out(card, f"{at}: not in the expected form ({exc})"))
                continue
            if isinstance(entry, str):
                problems.append(left_out(card, f"{at}: {entry}"))
            elif paper is None:
                problems.append(left_out(card, f"{at}: {no_paper}"))
            else:
                yield entry


def _entry(
    card: Path, at: str, name: str, result: dict[str, Any], paper: str | None, options: CardOptions
) -> Entry | str:
    """The Entry for one result, or why there is none."""
    task = plain_text((result.get("task") or {}).get("type", ""), "task type")
    if task not in SEGMENTATION_TASKS:
        return f"task {task!r} is not semantic segmentation"
    dataset = result.get("dataset") or {}
    config = plain_text(dataset.get("config") or "", "dataset config")
    if any(word in config.casefold() for word in ("instance", "panoptic")):
        return f"dataset config {config!r} is not semantic segmentation"
    candidates = [
        plain_text(dataset[k], f"dataset {k}") for k in ("type", "name") if dataset.get(k)
    ]
    metrics: dict[str, Any] = {}
    for metric in result.get("metrics") or []:
        metric_type = plain_text(metric.get("type", ""), "metric type")
        if metric_type in metrics:
            return f"metric {metric_type!r} is given twice"
        metrics[metric_type] = metric.get("value")
    source = result.get("source") or {}
    source_url = source.get("url") or options.source_url
    if not source_url:
        return "the result names no source; give --source-url (the card's page on the Hub)"
    return Entry(
        file=card,
        label=at,
        name=name,
        method=options.method or name,
        dataset_names=candidates,
        split=plain_text(dataset["split"], "split") if dataset.get("split") else None,
        metrics=metrics,
        paper=paper,
        paper_title=options.paper_title,
        source_url=plain_text(source_url, "source url"),
        source_detail=f"model card, model-index entry {name}",
        backbone=options.backbone,
        weights=list(options.weights),
        scale=options.scale,
    )


@dataclass
class HfCards:
    """`segboard import hf`: a README.md or a folder of them."""

    options: CardOptions = field(default_factory=CardOptions)

    def plan(self, root: Path, catalog: Catalog, path: Path) -> ImportPlan:
        cards = sorted(path.rglob("README.md")) if path.is_dir() else [path]
        if not cards or (not path.is_dir() and not path.is_file()):
            raise UsageError(f"{path}: no model card (README.md) found")
        problems: list[Problem] = []
        own: list[OwnEntry] = []
        foreign: list[tuple[Path, dict[str, Any], str]] = []
        for card in cards:
            if path.is_dir() and leads_out(card, path):
                problems.append(left_out(card, LEADS_OUT))
                continue
            try:
                front, body = front_matter(card)
            except UnreadableFile as exc:
                problems.append(unreadable(exc))
                continue
            if is_own(front.get(OWN_KEY)):
                own.append(OwnEntry(card, "", front[OWN_KEY]))
            else:
                foreign.append((card, front, body))
        self.options.refuse_several(path, len(foreign), "cards")
        if own and not foreign and not problems:
            return own_plan(root, own)
        plan, mapper = plan_beside_own(root, catalog, self.options.split, own, problems)
        for card, front, body in foreign:
            for entry in entries(card, front, body, self.options, mapper.problems):
                mapper.add(entry)
        return plan
