"""Entries from model-index files that segboard did not write (e.g. OpenMMLab's metafiles).

Papers with Code's model-index format: Collections (a method and its paper) and Models (a
trained model with its Results: Task, Dataset, Metrics). A model-index.yml may pull in
metafiles with `Import` globs. Each Result becomes one `Entry` for the Mapper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from generator.errors import DataError
from generator.interop.mapper import Entry
from generator.interop.names import plain_text

ReadYaml = Callable[[Path], Any]


def documents(path: Path, read_yaml: ReadYaml, problems: list[str]) -> list[tuple[Path, Any]]:
    """The file and the metafiles its Import globs name, in a stable order.

    A metafile that cannot be read goes to `problems`; the file itself must be readable.
    """
    index = read_yaml(path) or {}
    if not isinstance(index, dict):
        raise DataError(f"{path}: not a model-index mapping")
    found = [(path, index)]
    for pattern in index.get("Import", []) or []:
        for metafile in sorted(path.parent.glob(str(pattern))):
            try:
                found.append((metafile, read_yaml(metafile) or {}))
            except DataError as exc:
                problems.append(str(exc))
    return found


def entries(
    path: Path,
    read_yaml: ReadYaml,
    source_url: str,
    framework: str | None,
    scale: str | None,
    problems: list[str],
) -> Iterator[Entry]:
    """One Entry per Result; malformed models and repeated names go to `problems`."""
    found = documents(path, read_yaml, problems)
    collections = {
        c.get("Name"): c
        for _, document in found
        if isinstance(document, dict)
        for c in document.get("Collections", []) or []
        if isinstance(c, dict)
    }
    seen: set[str] = set()
    for file, document in found:
        models = document.get("Models", []) if isinstance(document, dict) else []
        for model in models if isinstance(models, list) else []:
            if not isinstance(model, dict):
                problems.append(f"{file}: an entry of Models is not a mapping")
                continue
            try:
                name = plain_text(model.get("Name", ""), "Name")
            except TypeError as exc:
                problems.append(f"{file}: an entry of Models: {exc}")
                continue
            where = f"{file}: model {name!r}"
            if name in seen:
                problems.append(f"{where}: the name is used twice")
                continue
            seen.add(name)
            try:
                yield from _model_entries(model, name, where, collections, source_url,
                                          framework, scale, problems)  # fmt: skip
            except (AttributeError, TypeError, ValueError) as exc:
                problems.append(f"{where}: not in the expected form ({exc})")


def _model_entries(
    model: dict[str, Any],
    name: str,
    where: str,
    collections: dict[Any, Any],
    source_url: str,
    framework: str | None,
    scale: str | None,
    problems: list[str],
) -> list[Entry]:
    collection = collections.get(model.get("In Collection")) or {}
    paper = collection.get("Paper") or {}
    paper_url = plain_text(paper.get("URL", ""), "Paper URL")
    if "arxiv.org/abs/" not in paper_url:
        problems.append(f"{where}: its collection names no arXiv paper")
        return []
    metadata = model.get("Metadata") or {}
    frameworks = collection.get("Frameworks") or []
    frameworks = frameworks if isinstance(frameworks, list) else [frameworks]
    weights_framework = (
        metadata.get("Framework") or (frameworks[0] if frameworks else None) or framework
    )
    weights = []
    if model.get("Weights"):
        if not weights_framework:
            problems.append(f"{where}: weights without a framework; give --framework")
            return []
        weights = [
            (plain_text(model["Weights"], "Weights"), plain_text(weights_framework, "Framework"))
        ]
    architecture = metadata.get("Architecture") or []
    backbone = metadata.get("backbone") or (
        architecture[0] if isinstance(architecture, list) and architecture else None
    )
    results = model.get("Results") or []
    return [
        Entry(
            where=where,
            name=name,
            method=plain_text(model.get("In Collection") or name, "In Collection"),
            dataset_names=[plain_text(result.get("Dataset", ""), "Dataset")],
            split=None,
            metrics=dict(result.get("Metrics") or {}),
            paper=paper_url.split("arxiv.org/abs/", 1)[1].strip("/").split("v")[0] or None,
            paper_title=paper.get("Title"),
            source_url=source_url,
            source_detail=f"model-index entry {name}",
            backbone=plain_text(backbone, "backbone") if backbone else None,
            weights=weights,
            scale=scale,
        )
        for result in ([results] if isinstance(results, dict) else results)
    ]
