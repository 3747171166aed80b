"""Record texts: new records written as YAML with their schema line, numbers exactly as given.

Texts are built here and nowhere else; writing them (and keeping only what validates) is
records.store's job, and where they go is records.places'.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from generator.errors import UsageError
from generator.records.model import NAME_SUFFIXES, split_model_name
from generator.records.paper_ids import arxiv_year_month
from generator.records.places import schema_comment

PLAIN_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
# the order of a result record's fields, as `segboard new` and the importers write them
RESULT_FIELDS = (
    "dataset", "split", "model", "method", "backbone", "decode_head", "paper", "metrics",
    "extra_training_data", "test_time_augmentation", "pretraining_data", "crop_size",
    "parameters_m", "flops_g", "weights", "source", "reproduces", "curation", "evidence",
    "notes",
)  # fmt: skip


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class NewResult:
    dataset: str
    split: str
    model: str
    method: str
    paper: str
    metrics: dict[str, str]  # metric id -> the number as published, as text
    source_kind: str
    source_url: str
    backbone: str | None = None
    paper_title: str | None = None
    source_detail: str | None = None
    weights: list[tuple[str, str]] = field(default_factory=list)  # (url, framework)
    curation: list[dict[str, object]] = field(default_factory=list)  # decisions made on import
    decode_head: str | None = None
    pretraining_data: list[str] = field(default_factory=list)
    crop_size: tuple[int, int] | None = None
    parameters_m: str | None = None  # as published, as text
    flops_g: str | None = None
    reproduces: str | None = None  # for a reproduction: the claim's result id

    def structured_from_name(self) -> tuple[list[str], list[str]]:
        """Extra training data and test-time augmentation implied by the name's suffixes."""
        extra: list[str] = []
        tta: list[str] = []
        for suffix in split_model_name(self.model)[1]:
            kind, value = NAME_SUFFIXES[suffix]
            (extra if kind == "extra_training_data" else tta).append(value)
        return extra, tta


def result_text(new: NewResult) -> str:
    extra, tta = new.structured_from_name()
    lines = [
        schema_comment("result"),
        f"dataset: {new.dataset}",
        f"split: {new.split}",
        f"model: {_q(new.model)}",
        f"method: {_q(new.method)}",
    ]
    if new.backbone:
        lines.append(f"backbone: {_q(new.backbone)}")
    if new.decode_head:
        lines.append(f"decode_head: {_q(new.decode_head)}")
    lines.append(f"paper: {_q(new.paper)}")
    lines.append("metrics:")
    for metric, value in new.metrics.items():
        lines.append(f"  {metric}: {_number(value, f'--metric {metric}')}")
    lines += _settings_lines(new, extra, tta)
    if new.weights:
        lines.append("weights:")
        for url, framework in new.weights:
            lines += [f"  - url: {_q(url)}", f"    framework: {framework}"]
    lines += ["source:", f"  kind: {new.source_kind}", f"  url: {_q(new.source_url)}"]
    if new.source_detail:
        lines.append(f"  detail: {_q(new.source_detail)}")
    if new.reproduces:
        lines.append(f"reproduces: {new.reproduces}")
    if new.curation:
        lines.append("curation:")
        for entry in new.curation:
            lines.append("  - " + "\n    ".join(f"{k}: {_q(str(v))}" for k, v in entry.items()))
    return "\n".join(lines) + "\n"


def as_percent(text: str) -> str:
    """A fraction of 1 as a percentage, decimals shifted exactly: '0.4236' -> '42.36'."""
    return format(Decimal(text).scaleb(2), "f")


def _number(value: str, what: str) -> str:
    if not PLAIN_NUMBER.match(value):
        raise UsageError(f"{what}={value}: write the number as published, e.g. 80.20")
    return value


def _settings_lines(new: NewResult, extra: list[str], tta: list[str]) -> list[str]:
    """The fields that make scores comparable, in the schema's order."""
    lines = []
    if extra:
        lines.append(f"extra_training_data: [{', '.join(extra)}]")
    if tta:
        lines.append(f"test_time_augmentation: [{', '.join(tta)}]")
    if new.pretraining_data:
        lines.append(f"pretraining_data: [{', '.join(new.pretraining_data)}]")
    if new.crop_size:
        lines.append(f"crop_size: [{new.crop_size[0]}, {new.crop_size[1]}]")
    if new.parameters_m:
        lines.append(f"parameters_m: {_number(new.parameters_m, '--parameters')}")
    if new.flops_g:
        lines.append(f"flops_g: {_number(new.flops_g, '--flops')}")
    return lines


def paper_text(paper_id: str, title: str, code: list[tuple[str, str]] | None = None) -> str:
    """A new arXiv paper's record; `code` lists (url, framework) of repositories a source
    links, written as not official (the source does not say; a reviewer sets official: true)."""
    year_month = arxiv_year_month(paper_id)
    if year_month is None:
        raise UsageError(
            f"paper {paper_id!r} has no record; for a paper without an arXiv id, add "
            f"data/papers/{paper_id}.yaml by hand (its date and URL cannot be derived)"
        )
    lines = [
        schema_comment("paper"),
        f"id: {_q(paper_id)}",
        f"title: {_q(title)}",
        f"url: https://arxiv.org/abs/{paper_id}",
        f'date: "{year_month[0]}-{year_month[1]}"',
    ]
    if code:
        lines.append("code:")
        for url, framework in code:
            lines += [f"  - url: {_q(url)}", f"    framework: {framework}", "    official: false"]
    return "\n".join(lines) + "\n"


def dataset_text(
    dataset_id: str,
    name: str,
    homepage: str,
    classes: list[str],
    ignore_label: int,
    splits: list[tuple[str, int, str]],
    leaderboards: list[tuple[str, str]],
    description_en: str,
    description_zh: str,
) -> str:
    split_names = {
        "train": ("training set", "训练集"),
        "val": ("validation set", "验证集"),
        "test": ("test set", "测试集"),
    }
    lines = [
        schema_comment("dataset"),
        f"id: {dataset_id}",
        f"name: {_q(name)}",
        f"homepage: {_q(homepage)}",
        "description:",
        f"  en: {_q(description_en)}",
        f"  zh: {_q(description_zh)}",
        f"num_classes: {len(classes)}",
        f"classes: [{', '.join(_q(c) for c in classes)}]",
        f"ignore_label: {ignore_label}",
        f"metrics: [{', '.join(sorted({m for _, m in leaderboards}))}]",
        "splits:",
    ]
    for split_id, images, labels in splits:
        en, zh = split_names.get(split_id, (split_id, split_id))
        lines += [
            f"  - id: {split_id}",
            f"    name: {{en: {_q(en)}, zh: {_q(zh)}}}",
            f"    images: {images}",
            f"    labels: {labels}",
        ]
    lines.append("leaderboards:")
    for split_id, metric in leaderboards:
        lines += [f"  - split: {split_id}", f"    metric: {metric}"]
    return "\n".join(lines) + "\n"


def record_text(fields: dict[str, Any], metrics_as_published: dict[str, str]) -> str:
    """A result record from its fields (as segboard exports them), numbers exactly as published."""
    lines = [schema_comment("result")]
    for key in RESULT_FIELDS:
        if key == "metrics":
            lines.append("metrics:")
            lines += [f"  {metric}: {text}" for metric, text in metrics_as_published.items()]
        elif key in fields:
            dumped = yaml.safe_dump(
                {key: fields[key]}, sort_keys=False, allow_unicode=True, width=100
            )
            lines.append(dumped.rstrip("\n"))
    return "\n".join(lines) + "\n"
