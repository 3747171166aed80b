"""Rules that look across records: references, consistency, duplicates, suspicious links.

Each rule is a function from the Catalog to Problems. Rules only see records that passed their
schema, so they can trust field types.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.interop.names import name_key
from generator.problems import Problem, error, warning
from generator.records.model import NAME_SUFFIXES, Catalog, Result, split_model_name
from generator.records.yamlfile import Document, JsonPath
from generator.scores.evidence import Evidence, EvidenceError, load_evidence
from generator.scores.metrics import SCORERS
from generator.scores.verification import derived_check, half_unit

Rule = Callable[[Catalog], Iterator[Problem]]

_ARXIV_ID = re.compile(r"^([0-9]{2})([0-9]{2})\.[0-9]{4,5}$")
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "gitee.com")
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def _at(document: Document, path: JsonPath) -> tuple[int, int]:
    return document.where(path)


# --- identity and place ---------------------------------------------------------------------


def ids_match_files(catalog: Catalog) -> Iterator[Problem]:
    for records in (catalog.datasets.values(), catalog.papers.values()):
        for record in records:
            stem = record.document.path.name[: -len(".yaml")]
            if record.id != stem:
                yield error(
                    record.document.path,
                    _at(record.document, ("id",)),
                    "id-file-name",
                    f"the id {record.id!r} does not match the file name; "
                    f"rename the file to {record.id}.yaml or change the id to {stem!r}",
                )
    for result in catalog.results:
        folder_dataset, folder_split, _ = result.id.split("/")
        for key, folder in (("dataset", folder_dataset), ("split", folder_split)):
            value = getattr(result, key)
            if value != folder:
                yield error(
                    result.document.path,
                    _at(result.document, (key,)),
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
                f"the file name {slug!r} is not a slug: use lower-case letters, digits and "
                "hyphens (e.g. pspnet-resnet-101-coco.yaml)",
            )


# --- the metric catalogue and datasets ------------------------------------------------------


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
                _at(document, ("metrics", index, "id")),
                "duplicate-id",
                f"metric {metric_id!r} is defined twice (first as entry {seen[metric_id] + 1})",
            )
            continue
        seen[metric_id] = index
    for metric in catalog.metrics.values():
        if metric.minimum >= metric.maximum:
            yield error(
                document.path,
                _at(document, ("metrics", metric.index, "range")),
                "metric-range",
                f"metric {metric.id!r}: the range [{metric.minimum}, {metric.maximum}] is empty",
            )
        for component in metric.components:
            if component not in catalog.metrics:
                yield error(
                    document.path,
                    _at(document, ("metrics", metric.index, "derived", "components")),
                    "unknown-metric",
                    f"metric {metric.id!r} is derived from {component!r}, which the catalogue "
                    "does not define",
                )
            elif catalog.metrics[component].components:
                yield error(
                    document.path,
                    _at(document, ("metrics", metric.index, "derived", "components")),
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
                _at(document, path),
                "ambiguous-name",
                f"{name!r} also names {kind} {first!r}; an importer could not tell which is "
                f"meant: remove it from one of them",
            )


def datasets_are_consistent(catalog: Catalog) -> Iterator[Problem]:
    for dataset in catalog.datasets.values():
        doc = dataset.document
        data = dataset.data
        path = doc.path
        if len(data["classes"]) != data["num_classes"]:
            yield error(
                path,
                _at(doc, ("classes",)),
                "class-count",
                f"{len(data['classes'])} class names are listed but num_classes is "
                f"{data['num_classes']}",
            )
        if 0 <= data["ignore_label"] < data["num_classes"]:
            yield error(
                path,
                _at(doc, ("ignore_label",)),
                "ignore-label",
                f"the ignore label {data['ignore_label']} is also a class index "
                f"(0-{data['num_classes'] - 1}); use a value outside the classes, such as 255",
            )
        yield from _unique(doc, data["splits"], "splits", "split")
        pairs = (data.get("label_conventions") or {}).get("id_to_train_id", [])
        seen_ids: set[int] = set()
        for index, (label_id, train_id) in enumerate(pairs):
            where = ("label_conventions", "id_to_train_id", index)
            if label_id in seen_ids:
                yield error(
                    path, _at(doc, where), "label-map", f"label id {label_id} is mapped twice"
                )
            seen_ids.add(label_id)
            if train_id >= data["num_classes"] and train_id != data["ignore_label"]:
                yield error(
                    path,
                    _at(doc, where),
                    "label-map",
                    f"label id {label_id} maps to train id {train_id}, which is neither a class "
                    f"(0-{data['num_classes'] - 1}) nor the ignore label",
                )
        for index, metric_id in enumerate(dataset.metrics):
            if metric_id not in catalog.metrics and not catalog.metrics_broken:
                yield error(
                    path,
                    _at(doc, ("metrics", index)),
                    "unknown-metric",
                    f"metric {metric_id!r} is not in data/metrics.yaml",
                )
        boards_seen: set[str] = set()
        for index, board in enumerate(dataset.leaderboards):
            if board.split not in dataset.splits:
                yield error(
                    path,
                    _at(doc, ("leaderboards", index, "split")),
                    "unknown-split",
                    f"leaderboard split {board.split!r} is not one of this dataset's splits "
                    f"({', '.join(dataset.splits)})",
                )
            if board.split in boards_seen:
                yield error(
                    path,
                    _at(doc, ("leaderboards", index, "split")),
                    "duplicate-leaderboard",
                    f"split {board.split!r} has two leaderboards; keep one",
                )
            boards_seen.add(board.split)
            if board.metric not in dataset.metrics:
                yield error(
                    path,
                    _at(doc, ("leaderboards", index, "metric")),
                    "leaderboard-metric",
                    f"the leaderboard ranks by {board.metric!r}, which is not in this dataset's "
                    f"metrics ({', '.join(dataset.metrics)})",
                )
        if "paper" in data:
            yield from _paper_reference(catalog, doc, data["paper"])


def _unique(doc: Document, items: list[dict[str, Any]], key: str, what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item["id"] in seen:
            yield error(
                doc.path,
                _at(doc, (key, index, "id")),
                "duplicate-id",
                f"{what} {item['id']!r} is listed twice",
            )
        seen.add(item["id"])


def _paper_reference(catalog: Catalog, doc: Document, paper_id: str) -> Iterator[Problem]:
    if paper_id not in catalog.papers and paper_id not in catalog.broken_papers:
        yield error(
            doc.path,
            _at(doc, ("paper",)),
            "unknown-paper",
            f"paper {paper_id!r} has no record; add data/papers/{paper_id}.yaml",
        )


def papers_are_consistent(catalog: Catalog) -> Iterator[Problem]:
    for paper in catalog.papers.values():
        match = _ARXIV_ID.match(paper.id)
        if match is None:
            continue
        expected = f"20{match.group(1)}-{match.group(2)}"
        if not paper.date.startswith(expected):
            yield error(
                paper.document.path,
                _at(paper.document, ("date",)),
                "paper-date",
                f"the date {paper.date!r} disagrees with the arXiv id {paper.id}, which was "
                f"issued in {expected}",
            )


# --- results --------------------------------------------------------------------------------


def results_reference_known_records(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        doc = result.document
        yield from _paper_reference(catalog, doc, result.paper)
        dataset = catalog.datasets.get(result.dataset)
        if dataset is None:
            if result.dataset not in catalog.broken_datasets:
                known = ", ".join(sorted(catalog.datasets)) or "none yet"
                yield error(
                    doc.path,
                    _at(doc, ("dataset",)),
                    "unknown-dataset",
                    f"dataset {result.dataset!r} has no record in data/datasets/ (known: {known})",
                )
            continue
        if result.split not in dataset.splits:
            yield error(
                doc.path,
                _at(doc, ("split",)),
                "unknown-split",
                f"{result.dataset} has no split {result.split!r} "
                f"(splits: {', '.join(dataset.splits)})",
            )
            continue
        board = next((b for b in dataset.leaderboards if b.split == result.split), None)
        if board is None:
            ranked = ", ".join(b.split for b in dataset.leaderboards)
            yield error(
                doc.path,
                _at(doc, ("split",)),
                "no-leaderboard",
                f"{result.dataset} keeps no leaderboard for split {result.split!r} "
                f"(leaderboards: {ranked})",
            )
            continue
        if catalog.metrics_broken:
            continue
        for metric_id, value in result.metrics.items():
            metric = catalog.metrics.get(metric_id)
            if metric is None:
                yield error(
                    doc.path,
                    _at(doc, ("metrics", metric_id)),
                    "unknown-metric",
                    f"metric {metric_id!r} is not in data/metrics.yaml",
                )
                continue
            if metric_id not in dataset.metrics:
                yield error(
                    doc.path,
                    _at(doc, ("metrics", metric_id)),
                    "metric-not-for-dataset",
                    f"{result.dataset} does not define metric {metric_id!r} "
                    f"(it defines: {', '.join(dataset.metrics)})",
                )
            if not metric.minimum <= value <= metric.maximum:
                yield error(
                    doc.path,
                    _at(doc, ("metrics", metric_id)),
                    "metric-range",
                    f"{metric_id} is {result.published_text(metric_id)}, outside its range "
                    f"[{metric.minimum:g}, {metric.maximum:g}]; values are on a 0-100 scale",
                )
        if board.metric not in result.metrics:
            yield error(
                doc.path,
                _at(doc, ("metrics",)),
                "missing-ranking-metric",
                f"the {result.dataset} {result.split} leaderboard ranks by {board.metric!r}, "
                "but this result gives no value for it",
            )


def derived_scores_agree(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        for metric_id in result.metrics:
            check = derived_check(catalog, result, metric_id)
            if check is None:
                continue
            published, recomputed, tolerance = check
            if abs(recomputed - published) > tolerance:
                components = catalog.metrics[metric_id].components
                listed = " and ".join(f"{c} ({result.published_text(c)})" for c in components)
                yield error(
                    result.document.path,
                    _at(result.document, ("metrics", metric_id)),
                    "derived-score",
                    f"{metric_id} is {result.published_text(metric_id)}, but the mean of {listed} "
                    f"is {recomputed.normalize()}; they differ by more than rounding "
                    f"(±{tolerance.normalize()})",
                )


def names_match_fields(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        _, suffixes = split_model_name(result.model)
        for suffix in suffixes:
            field_name, value = NAME_SUFFIXES[suffix]
            if value not in getattr(result, field_name):
                yield error(
                    result.document.path,
                    _at(result.document, ("model",)),
                    "name-suffix",
                    f"the model name says '+ {suffix}' but {field_name} does not list "
                    f"{value!r}; add it there or drop the suffix",
                )


def _model_identity(result: Result) -> tuple[str, frozenset[str]]:
    return result.base_name.casefold(), frozenset(result.extra_training_data)


def no_duplicate_results(catalog: Catalog) -> Iterator[Problem]:
    first: dict[tuple[str, str, str, frozenset[str], frozenset[str]], Result] = {}
    for result in catalog.results:
        key = (
            result.dataset,
            result.split,
            *_model_identity(result),
            frozenset(result.test_time_augmentation),
        )
        if key in first:
            other = first[key]
            yield error(
                result.document.path,
                _at(result.document, ("model",)),
                "duplicate-result",
                f"this result duplicates {other.id} ({other.model!r}): same dataset, split, "
                "model, training data and test-time augmentation",
            )
        else:
            first[key] = result


def _normal_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower().removeprefix('www.')}{path}{query}"


def _is_repository_page(normal: str) -> bool:
    """A repository's front page or folder view ('github.com/o/r', '.../tree/main/x')."""
    host, _, rest = normal.partition("/")
    if host not in _CODE_HOSTS:
        return False
    segments = [s for s in rest.split("?", 1)[0].split("/") if s]
    return len(segments) == 2 or (len(segments) >= 3 and segments[2] in ("tree", "src"))


def weights_links_are_plausible(catalog: Catalog) -> Iterator[Problem]:
    code_urls = {_normal_url(c.url) for p in catalog.papers.values() for c in p.code}
    by_board: dict[tuple[str, str, str], list[tuple[Result, int]]] = {}
    for result in catalog.results:
        for index, weights in enumerate(result.weights):
            normal = _normal_url(weights.url)
            by_board.setdefault((result.dataset, result.split, normal), []).append((result, index))
            if normal in code_urls or _is_repository_page(normal):
                yield warning(
                    result.document.path,
                    _at(result.document, ("weights", index, "url")),
                    "weights-is-code",
                    f"weights[{index}].url is a code repository, not a weights file; link the "
                    "file itself (or a release page), or acknowledge it with a 'kept' curation "
                    f"entry for weights[{index}].url",
                )
    for entries in by_board.values():
        if len(entries) == 1:
            continue
        for result, index in entries:
            other = next(
                (o for o, _ in entries if _model_identity(o) != _model_identity(result)), None
            )
            if other is not None:
                yield warning(
                    result.document.path,
                    _at(result.document, ("weights", index, "url")),
                    "weights-shared",
                    f"weights[{index}].url is also the weights of {other.model!r} ({other.id}) "
                    "on this leaderboard; two different models should not share one weights "
                    f"file. If it is right, acknowledge it with a 'kept' curation entry for "
                    f"weights[{index}].url",
                )


def curation_is_well_formed(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        for index, entry in enumerate(result.curation):
            if entry.action == "corrected" and not entry.has_published:
                yield error(
                    result.document.path,
                    _at(result.document, ("curation", index, "action")),
                    "curation",
                    "a 'corrected' decision must give the published value in 'published'",
                )
            unparsable = field_path(entry.field) is None
            # a correction may have removed the field; every other decision is about a value
            missing = (
                entry.action != "corrected"
                and _field_value(result.document.data, entry.field) is None
            )
            if unparsable or missing:
                yield error(
                    result.document.path,
                    _at(result.document, ("curation", index, "field")),
                    "curation",
                    f"the curation entry names {entry.field!r}, which this record does not have; "
                    "use a path such as 'metrics.miou' or 'weights[0].url'",
                )


def field_path(field: str) -> JsonPath | None:
    """'weights[0].url' -> ('weights', 0, 'url'); None when the text is not such a path."""
    path: list[str | int] = []
    position = 0
    for match in _FIELD_PART.finditer(field):
        if match.start() != position and field[position : match.start()] != ".":
            return None
        path.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    return tuple(path) if path and position == len(field) else None


def _field_value(data: object, field: str) -> object | None:
    path = field_path(field)
    if path is None:
        return None
    value = data
    for part in path:
        in_list = isinstance(part, int) and isinstance(value, list) and part < len(value)
        in_mapping = isinstance(part, str) and isinstance(value, dict) and part in value
        if not (in_list or in_mapping):
            return None
        value = value[part]  # type: ignore[index]
    return value


def evidence_verifies(catalog: Catalog) -> Iterator[Problem]:
    """Recompute every metric of every result that names an evidence file, and compare."""
    for result in catalog.results:
        if not result.evidence:
            continue
        doc = result.document
        target = (catalog.root / result.evidence["file"]).resolve()
        if catalog.root.resolve() not in target.parents or not target.is_file():
            yield error(
                doc.path,
                _at(doc, ("evidence", "file")),
                "evidence",
                f"the evidence file {result.evidence['file']} does not exist",
            )
            continue
        data = target.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != result.evidence["sha256"]:
            yield error(
                doc.path,
                _at(doc, ("evidence", "sha256")),
                "evidence",
                f"the evidence file's SHA-256 is {digest}, not the one recorded",
            )
            continue
        try:
            evidence = load_evidence(data)
        except EvidenceError as exc:
            yield error(
                doc.path,
                _at(doc, ("evidence", "file")),
                "evidence",
                f"{result.evidence['file']} cannot be used: {exc}",
            )
            continue
        problems = list(_compare_with_evidence(catalog, result, evidence))
        yield from problems
        if not problems:
            catalog.verified.add(result.id)


def _compare_with_evidence(
    catalog: Catalog, result: Result, evidence: Evidence
) -> Iterator[Problem]:
    doc = result.document
    dataset = catalog.datasets.get(result.dataset)
    meta = evidence.meta
    if dataset is not None and evidence.matrix.shape[0] != dataset.data["num_classes"]:
        yield error(
            doc.path,
            _at(doc, ("evidence", "file")),
            "evidence",
            f"the evidence has {evidence.matrix.shape[0]} classes but {result.dataset} has "
            f"{dataset.data['num_classes']}",
        )
        return
    for key, expected in (("dataset", result.dataset), ("split", result.split)):
        if meta.get(key) not in (None, expected):
            yield error(
                doc.path,
                _at(doc, ("evidence", "file")),
                "evidence",
                f"the evidence was computed on {key} {meta.get(key)!r}, not {expected!r}",
            )
    for metric_id in result.metrics:
        scorer = SCORERS.get(metric_id)
        if scorer is None:
            continue
        published = Decimal(result.published_text(metric_id))
        recomputed = Decimal(repr(scorer(evidence.matrix)))
        tolerance = half_unit(result.published_text(metric_id))
        if not abs(recomputed - published) <= tolerance:
            yield error(
                doc.path,
                _at(doc, ("metrics", metric_id)),
                "evidence-mismatch",
                f"{metric_id} is {result.published_text(metric_id)} in the record, but the "
                f"evidence gives {float(recomputed):.4f} (allowed: ±{tolerance.normalize()})",
            )


RULES: tuple[Rule, ...] = (
    ids_match_files,
    catalogue_is_consistent,
    names_are_unambiguous,
    datasets_are_consistent,
    papers_are_consistent,
    results_reference_known_records,
    derived_scores_agree,
    names_match_fields,
    no_duplicate_results,
    weights_links_are_plausible,
    curation_is_well_formed,
    evidence_verifies,
)


def acknowledged(problem: Problem, catalog_by_path: dict[Path, Result]) -> bool:
    """A warning about a field is acknowledged by a 'kept' curation entry naming that field."""
    result = catalog_by_path.get(problem.path)
    if result is None or problem.is_error:
        return False
    kept = {field_path(c.field) for c in result.curation if c.action == "kept"}
    for path in kept:
        if path is not None and result.document.where(path) == (problem.line, problem.column):
            return True
    return False
