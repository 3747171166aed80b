"""Rules on result records: what they reference exists, their numbers fit their metrics, their
names agree with their fields, and no result is recorded twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from generator.problems import Problem, error, warning
from generator.records.model import (
    NAME_SUFFIXES,
    Catalog,
    Dataset,
    Leaderboard,
    Result,
    comparable,
    split_model_name,
)
from generator.records.rules.datasets import paper_reference
from generator.records.suggestions import dataset_aliases, did_you_mean, metric_aliases
from generator.records.texts import as_percent


def results_reference_known_records(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        yield from paper_reference(catalog, result.document, result.paper)
        dataset = catalog.datasets.get(result.dataset)
        if dataset is None:
            yield from _unknown_dataset(catalog, result)
            continue
        boards = [b for b in dataset.leaderboards if b.split == result.split]
        if not boards:
            yield from _no_leaderboard(dataset, result)
        elif not catalog.metrics_broken:
            yield from _metrics_fit(catalog, dataset, result, boards)


def _unknown_dataset(catalog: Catalog, result: Result) -> Iterator[Problem]:
    if result.dataset in catalog.broken_datasets:
        return  # its record is broken, and reported there
    known = ", ".join(sorted(catalog.datasets)) or "none yet"
    guess = did_you_mean(result.dataset, catalog.datasets, dataset_aliases(catalog))
    yield error(
        result.document.path,
        result.document.where(("dataset",)),
        "unknown-dataset",
        f"dataset {result.dataset!r} has no record in data/datasets/"
        + (guess or f" (known: {known})"),
    )


def _no_leaderboard(dataset: Dataset, result: Result) -> Iterator[Problem]:
    doc = result.document
    if result.split not in dataset.splits:
        yield error(
            doc.path,
            doc.where(("split",)),
            "unknown-split",
            f"{result.dataset} has no split {result.split!r}"
            + (
                did_you_mean(result.split, dataset.splits)
                or f" (splits: {', '.join(dataset.splits)})"
            ),
        )
        return
    ranked = ", ".join(b.split for b in dataset.leaderboards)
    yield error(
        doc.path,
        doc.where(("split",)),
        "no-leaderboard",
        f"{result.dataset} keeps no leaderboard for split {result.split!r} "
        f"(leaderboards: {ranked})",
    )


def _metrics_fit(
    catalog: Catalog, dataset: Dataset, result: Result, boards: list[Leaderboard]
) -> Iterator[Problem]:
    """Every metric is in the catalogue and the dataset, within range; a ranking one given."""
    doc = result.document
    for metric_id, value in result.metrics.items():
        metric = catalog.metrics.get(metric_id)
        found: list[tuple[str, str]] = []  # (rule, message); positions are costly, so after
        if metric is None:
            guess = did_you_mean(metric_id, catalog.metrics, metric_aliases(catalog))
            found.append(
                ("unknown-metric", f"metric {metric_id!r} is not in data/metrics.yaml{guess}")
            )
        else:
            if metric_id not in dataset.metrics:
                message = (
                    f"{result.dataset} does not define metric {metric_id!r} "
                    f"(it defines: {', '.join(dataset.metrics)})"
                )
                found.append(("metric-not-for-dataset", message))
            if not metric.minimum <= value <= metric.maximum:
                message = (
                    f"{metric_id} is {result.published_text(metric_id)}, outside its range "
                    f"[{metric.minimum:g}, {metric.maximum:g}]; values are on a 0-100 scale"
                )
                found.append(("metric-range", message))
        for rule, message in found:
            yield error(doc.path, doc.where(("metrics", metric_id)), rule, message)
    ranking = [b.metric for b in boards]
    if not any(metric in result.metrics for metric in ranking):
        ranks_by = " or ".join(repr(metric) for metric in ranking)
        what = "leaderboard ranks" if len(ranking) == 1 else "leaderboards rank"
        yield error(
            doc.path,
            doc.where(("metrics",)),
            "missing-ranking-metric",
            f"the {result.dataset} {result.split} {what} by {ranks_by}, but this result gives "
            f"no value for {'it' if len(ranking) == 1 else 'any of them'}",
        )


def percentages_are_not_fractions(catalog: Catalog) -> Iterator[Problem]:
    """A percentage metric at most 1 is probably a fraction of 1 (0.812 for 81.2), unless the
    other results on its leaderboard are at most 1 too: a warning with the likely value."""
    boards: dict[tuple[str, str, str], list[Result]] = defaultdict(list)
    for result in catalog.results:
        for metric_id in result.metrics:
            metric = catalog.metrics.get(metric_id)
            if metric is not None and metric.is_percentage:
                boards[(result.dataset, result.split, metric_id)].append(result)
    for (dataset, split, metric_id), results in boards.items():
        for result in results:
            if not 0 < result.metrics[metric_id] <= 1:
                continue
            others = [r.metrics[metric_id] for r in results if r is not result]
            if any(value <= 1 for value in others):
                continue
            text = result.published_text(metric_id)
            context = f" and the other results on {dataset} {split} are above 1" if others else ""
            yield warning(
                result.document.path,
                result.document.where(("metrics", metric_id)),
                "metric-fraction",
                f"{metric_id} is {text}, a fraction of 1, but it is a percentage (0-100)"
                f"{context}; did you mean {as_percent(text)}? (If {text} is right, acknowledge "
                "it with a 'kept' curation entry.)",
            )


def names_match_fields(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        _, suffixes = split_model_name(result.model)
        for suffix in suffixes:
            field_name, value = NAME_SUFFIXES[suffix]
            if value not in getattr(result, field_name):
                yield error(
                    result.document.path,
                    result.document.where(("model",)),
                    "name-suffix",
                    f"the model name says '+ {suffix}' but {field_name} does not list "
                    f"{value!r}; add it there or drop the suffix",
                )


def model_identity(result: Result) -> tuple[str, frozenset[str]]:
    return comparable(result.base_name), frozenset(result.extra_training_data)


def no_duplicate_results(catalog: Catalog) -> Iterator[Problem]:
    first: dict[tuple[str, str, str, frozenset[str], frozenset[str]], Result] = {}
    for result in catalog.results:
        key = (
            result.dataset,
            result.split,
            *model_identity(result),
            frozenset(result.test_time_augmentation),
        )
        if key in first:
            other = first[key]
            yield error(
                result.document.path,
                result.document.where(("model",)),
                "duplicate-result",
                f"this result duplicates {other.id} ({other.model!r}): same dataset, split, "
                "model, training data and test-time augmentation",
            )
        else:
            first[key] = result
