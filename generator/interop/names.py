"""Names other tools use, mapped onto segboard's ids: datasets, metrics and splits; and a
leaderboard's model name split into method and backbone.

The tables come from the records themselves (a dataset's id, name and `aliases`; a metric's id
and `aliases`), so teaching the importers a new name is a data change. Matching ignores case and
treats runs of spaces, hyphens and underscores alike: "Mean IoU", "mean_iou" and "mean-iou" are
one name. The importers report a name that is not in the tables; they never guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.records.model import Catalog, Dataset, name_key, split_model_name
from generator.records.texts import PLAIN_NUMBER

# Split names other tools write, for the split ids segboard's dataset records use.
SPLIT_SYNONYMS = {
    "validation": "val",
    "valid": "val",
    "dev": "val",
    "training": "train",
    "testing": "test",
}


@dataclass(frozen=True, slots=True)
class DatasetMatch:
    dataset: str
    extra_training_data: tuple[str, ...]  # what the name implies, e.g. SBD for "VOC 2012 + Aug"
    split: str | None = None  # the split the name stands for ("Cityscapes test"), if it says


def dataset_names(catalog: Catalog) -> dict[str, DatasetMatch]:
    table: dict[str, DatasetMatch] = {}
    for dataset in sorted(catalog.datasets.values(), key=lambda d: d.id):
        table.setdefault(name_key(dataset.id), DatasetMatch(dataset.id, ()))
        table.setdefault(name_key(dataset.name), DatasetMatch(dataset.id, ()))
        for alias in dataset.data.get("aliases", []):
            extra = tuple(alias.get("extra_training_data", []))
            match = DatasetMatch(dataset.id, extra, alias.get("split"))
            table.setdefault(name_key(alias["name"]), match)
    return table


def metric_names(catalog: Catalog) -> dict[str, str]:
    table: dict[str, str] = {}
    for metric in sorted(catalog.metrics.values(), key=lambda m: m.index):
        for name in (metric.id, *metric.aliases):
            table.setdefault(name_key(name), metric.id)
    return table


_NUMBER_PART = re.compile(r"-(\d[^\s-]*)")  # '-38' in 'ResNet-38': a depth or version


def method_and_backbone(name: str) -> tuple[str, str | None]:
    """A leaderboard's model name split into method and backbone, its suffixes left aside.

    'PSPNet-ResNet-101 + COCO' -> ('PSPNet', 'ResNet-101'). A dash followed by digits belongs
    to the network's name ('ResNet-38' is one network), and a backbone is only what follows
    another dash and starts with a letter: 'ResNet-38 Model A1-2' -> ('ResNet-38', None).
    A name without a dash is all method.
    """
    base = split_model_name(name)[0]
    head, dash, _ = base.partition("-")
    if not dash:
        return base.strip(), None
    method, rest = head, base[len(head) :]
    while (number := _NUMBER_PART.match(rest)) is not None:
        method, rest = f"{method}-{number[1]}", rest[number.end() :]
    if len(rest) > 1 and rest[0] == "-" and rest[1].isalpha():
        return method.strip(), rest[1:].strip()
    return method.strip(), None


def split_id(dataset: Dataset, name: str) -> str | None:
    """The dataset's split id for a split name such as 'validation', or None."""
    key = name_key(name)
    for candidate in (key, SPLIT_SYNONYMS.get(key, key)):
        if candidate in dataset.splits:
            return candidate
    return None


def number_text(value: Any) -> str | None:
    """A metric value as the text a record keeps, or None when it is not a plain number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        text = repr(float(value)) if isinstance(value, float) else str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    return text if PLAIN_NUMBER.match(text) else None


def plain_text(value: Any, what: str) -> str:
    """A name from a foreign file as text; a mapping or list raises TypeError (not a name)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"{what} is {type(value).__name__}, not text")
