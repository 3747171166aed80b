"""The answers of `segboard new result`, checked one at a time against the repository.

Each check takes one answer (a flag's value or what was typed at a prompt) and returns the value
to record, or raises a UsageError saying what is wrong and how to fix it ("unknown metric 'miuo';
did you mean 'miou'?"). So the command can refuse a bad flag before asking anything, and ask
again at once for a bad answer instead of failing after the last prompt.
"""

from __future__ import annotations

import re
import reprlib
from functools import cached_property
from pathlib import Path

from generator.errors import UsageError
from generator.records.model import Catalog, Dataset
from generator.records.paper_ids import paper_id
from generator.records.places import checked_id, result_path, slug, slug_problem
from generator.records.suggestions import dataset_aliases, did_you_mean, metric_aliases
from generator.records.texts import PLAIN_NUMBER

METRIC_FORM = "write ID=VALUE, e.g. --metric miou=45.2"
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")


class ResultAnswers:
    """Checks for the answers of a new result, against the records of one repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dataset_id: str | None = None  # once the dataset is known, splits and metrics are
        self.split_id: str | None = None  # once the split is known too, the result's place is

    @cached_property
    def catalog(self) -> Catalog:
        from generator.records.validation import validate_repository

        return validate_repository(self.root).catalog

    def _dataset(self) -> Dataset:
        if self.dataset_id is None:
            raise UsageError("give the dataset first (--dataset)")
        return self.catalog.datasets[self.dataset_id]

    def dataset(self, text: str) -> str:
        value = text.strip()
        if value not in self.catalog.datasets:
            known = ", ".join(sorted(self.catalog.datasets)) or "none yet"
            guess = did_you_mean(value, self.catalog.datasets, dataset_aliases(self.catalog))
            if not guess:
                checked_id(value, "dataset")  # a path or other text that is no id at all
            raise UsageError(
                f"unknown dataset {value!r}"
                + (guess or f" (known: {known}; add one with segboard new dataset)")
            )
        self.dataset_id = value
        return value

    def split(self, text: str) -> str:
        value, dataset = text.strip(), self._dataset()
        ranked = sorted({board.split for board in dataset.leaderboards})
        if value not in dataset.splits:
            guess = did_you_mean(value, dataset.splits)
            raise UsageError(
                f"{dataset.id} has no split {value!r}"
                + (guess or f" (splits with a leaderboard: {', '.join(ranked)})")
            )
        if value not in ranked:
            raise UsageError(
                f"{dataset.id} keeps no leaderboard for split {value!r} (leaderboards: "
                f"{', '.join(ranked)})"
            )
        self.split_id = value
        return value

    def model(self, text: str) -> str:
        value = text.strip()
        why = slug_problem(value)
        if why is not None:
            raise UsageError(f"the model name {reprlib.repr(value)} {why}")
        if self.dataset_id and self.split_id:
            path = result_path(self.root, self.dataset_id, self.split_id, slug(value))
            if path.exists():
                raise UsageError(
                    f"{path.relative_to(self.root)} already exists: this model is on the "
                    "leaderboard; edit that file, or tell this result apart in its name"
                )
        return value

    def text(self, text: str) -> str:
        value = text.strip()
        if not value:
            raise UsageError("write something here")
        return value

    def paper(self, text: str) -> str:
        return paper_id(text, "--paper")

    def metric(self, text: str) -> tuple[str, str]:
        """'miou=80.20' -> ('miou', '80.20'): a metric of the dataset, its number as published."""
        key, sign, rest = text.partition("=")
        metric_id, number = key.strip(), rest.strip()
        if not sign or not metric_id or not number:
            raise UsageError(f"--metric {text.strip()}: {METRIC_FORM}")
        catalog, dataset = self.catalog, self._dataset()
        if metric_id not in catalog.metrics:
            guess = did_you_mean(metric_id, catalog.metrics, metric_aliases(catalog))
            listed = f" (the metrics of {dataset.id}: {', '.join(dataset.metrics)})"
            raise UsageError(f"unknown metric {metric_id!r}" + (guess or listed))
        if metric_id not in dataset.metrics:
            raise UsageError(
                f"{dataset.id} does not define metric {metric_id!r} (it defines: "
                f"{', '.join(dataset.metrics)})"
            )
        if not PLAIN_NUMBER.match(number):
            raise UsageError(
                f"--metric {metric_id}={number}: write the number as published, e.g. "
                f"--metric {metric_id}=45.2"
            )
        return metric_id, number

    def metrics(self, given: list[tuple[str, str]]) -> dict[str, str]:
        """The metrics given (`metric`'s answers) by id; one given twice with two values is a
        usage error, since which one was published cannot be told."""
        measured: dict[str, str] = {}
        for metric_id, number in given:
            if measured.get(metric_id, number) != number:
                raise UsageError(
                    f"--metric {metric_id} is given twice ({measured[metric_id]} and {number}); "
                    "give the published value once"
                )
            measured[metric_id] = number
        return measured

    def url(self, text: str) -> str:
        value = text.strip()
        if not _HTTP_URL.match(value):
            raise UsageError(f"{value!r} is not an http(s) URL; write it whole, with https://")
        return value


def class_names(text: str) -> list[str]:
    """--classes 'road, car, person' as the names in index order. An empty name would shift the
    indices of those after it, and a name given twice would name two classes: both refused."""
    names = [name.strip() for name in text.split(",")]
    for index, name in enumerate(names):
        if not name:
            raise UsageError(
                f"--classes: name {index + 1} of {len(names)} is empty; the names give the class "
                "indices in order, so write each one (a trailing comma counts too)"
            )
        if names.index(name) != index:
            raise UsageError(
                f"--classes: {name!r} is given twice (names {names.index(name) + 1} "
                f"and {index + 1}); each class needs a name of its own"
            )
    return names
