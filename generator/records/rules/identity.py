"""Rules on identity: ids match file names and places, the metric catalogue is coherent, and
every name an importer matches stands for one dataset or metric."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.problems import Problem, error
from generator.records.model import Catalog, name_key
from generator.records.places import PAPERS_INDEX_ID
from generator.records.yamlfile import Document, JsonPath
from generator.reporting import printable


def ids_match_files(catalog: Catalog) -> Iterator[Problem]:
    for records in (catalog.datasets.values(), catalog.papers.values()):
        for record in records:
            stem = record.document.path.name[: -len(".yaml")]
            if record.id != stem:
                yield error(
                    record.document.path,
                    record.document.where(("id",)),
                    "id-file-name",
                    f"the id {record.id!r} does not match the file name; "
                    f"rename the file to {record.id}.yaml or change the id to {stem!r}",
                )
    index = catalog.papers.get(PAPERS_INDEX_ID)
    if index is not None:
        yield error(
            index.document.path,
            index.document.where(("id",)),
            "reserved-id",
            f"the paper id {PAPERS_INDEX_ID!r} is the name of the site's list of papers "
            f"(papers/), so this paper's page could not be published; choose another slug "
            "(e.g. the first author's name and the year) and rename the file to match",
        )
    for result in catalog.results:
        folder_dataset, folder_split, _ = result.id.split("/")
        for key, folder in (("dataset", folder_dataset), ("split", folder_split)):
            value = getattr(result, key)
            if value != folder:
                yield error(
                    result.document.path,
                    result.document.where((key,)),
                    "result-location",
                    f"{key} is {value!r} but the file is in the {folder!r} folder; results live "
                    f"at data/results/<dataset>/<split>/<slug>.yaml",
                )
        slug = result.id.rsplit("/", 1)[1]
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            yield error(
                result.document.path,
                (1, 1),
                "result-file-name",
                f"the file name '{printable(slug)}' is not a slug: use lower-case letters, "
                "digits and hyphens (e.g. pspnet-resnet-101-coco.yaml)",
            )


def catalogue_is_consistent(catalog: Catalog) -> Iterator[Problem]:
    document = catalog.metrics_document
    if document is None:
        return
    seen: dict[str, int] = {}
    for index, entry in enumerate(document.data["metrics"]):
        metric_id = entry["id"]
        if metric_id in seen:
            yield error(
                document.path,
                document.where(("metrics", index, "id")),
                "duplicate-id",
                f"metric {metric_id!r} is defined twice (first as entry {seen[metric_id] + 1})",
            )
            continue
        seen[metric_id] = index
    for metric in catalog.metrics.values():
        if metric.minimum >= metric.maximum:
            yield error(
                document.path,
                document.where(("metrics", metric.index, "range")),
                "metric-range",
                f"metric {metric.id!r}: the range [{metric.minimum}, {metric.maximum}] is empty",
            )
        for component in metric.components:
            if component not in catalog.metrics:
                yield error(
                    document.path,
                    document.where(("metrics", metric.index, "derived", "components")),
                    "unknown-metric",
                    f"metric {metric.id!r} is derived from {component!r}, which the catalogue "
                    "does not define",
                )
            elif catalog.metrics[component].components:
                yield error(
                    document.path,
                    document.where(("metrics", metric.index, "derived", "components")),
                    "derived-metric",
                    f"metric {metric.id!r} is derived from {component!r}, which is derived itself; "
                    "derive from measured metrics only",
                )


def names_are_unambiguous(catalog: Catalog) -> Iterator[Problem]:
    """A name the importers match (id, name or alias) may stand for one dataset or metric only.

    Ids and names claim first, so a clash is reported at the alias that causes it.
    """
    datasets = sorted(catalog.datasets.values(), key=lambda d: d.id)
    claims: list[tuple[str, str, Document, JsonPath]] = []  # (name, owner, where)
    for dataset in datasets:
        claims.append((dataset.id, dataset.id, dataset.document, ("id",)))
        claims.append((dataset.name, dataset.id, dataset.document, ("name",)))
    for dataset in datasets:
        for index, alias in enumerate(dataset.data.get("aliases", [])):
            claims.append((alias["name"], dataset.id, dataset.document, ("aliases", index, "name")))
    yield from _conflicts(claims, "dataset")
    document = catalog.metrics_document
    if document is None:
        return
    metrics = sorted(catalog.metrics.values(), key=lambda m: m.index)
    claims = [(m.id, m.id, document, ("metrics", m.index, "id")) for m in metrics]
    for metric in metrics:
        for index, alias in enumerate(metric.aliases):
            claims.append((alias, metric.id, document, ("metrics", metric.index, "aliases", index)))
    yield from _conflicts(claims, "metric")


def _conflicts(claims: list[tuple[str, str, Document, JsonPath]], kind: str) -> Iterator[Problem]:
    owners: dict[str, str] = {}
    for name, owner, document, path in claims:
        first = owners.setdefault(name_key(name), owner)
        if first != owner:
            yield error(
                document.path,
                document.where(path),
                "ambiguous-name",
                f"{name!r} also names {kind} {first!r}; an importer could not tell which is "
                f"meant: remove it from one of them",
            )
