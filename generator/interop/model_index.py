"""Entries from model-index files that segboard did not write (e.g. OpenMMLab's metafiles).

Papers with Code's model-index format: Collections (a method and its paper) and Models (a
trained model with its Results: Task, Dataset, Metrics). A model-index.yml may pull in
metafiles with `Import` globs. Each Result becomes one `Entry` for the Mapper. A file that segboard
exported carries each record under the Models' `segboard` Metadata and comes back exactly.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import DataError, UsageError
from generator.interop.foreign_yaml import UnreadableFile, read_yaml
from generator.interop.mapper import Entry, Mapper
from generator.interop.names import plain_text
from generator.interop.outcome import ImportPlan, left_out, unreadable
from generator.interop.own import OWN_KEY, OwnEntry, own_plan
from generator.problems import Problem
from generator.reading import LEADS_OUT, leads_out
from generator.records.model import Catalog

# OpenMMLab's config names end in the training crop: ..._cityscapes-512x1024
_CROP_IN_NAME = re.compile(r"-(?P<h>[0-9]{2,5})x(?P<w>[0-9]{2,5})$")


def _relative(file: Path, folder: Path) -> str:
    """The metafile's path below the model-index's folder ('configs/pspnet/metafile.yaml')."""
    try:
        return file.relative_to(folder).as_posix()
    except ValueError:
        return file.name


@dataclass
class ModelIndex:
    """`segboard import model-index`: one metafile, or a model-index.yml with Import globs."""

    split: str = "val"
    source_url: str | None = None
    framework: str | None = None
    scale: str | None = None
    source_kind: str = "model-zoo"

    def plan(self, root: Path, catalog: Catalog, path: Path) -> ImportPlan:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        index = read_yaml(path) or {}
        models = index.get("Models") if isinstance(index, dict) else None
        models = models if isinstance(models, list) else []
        own = [
            m
            for m in models
            if isinstance(m, dict)
            and isinstance(m.get("Metadata"), dict)
            and OWN_KEY in m["Metadata"]
        ]
        if models and len(own) == len(models) and not index.get("Import"):
            exported = [
                OwnEntry(path, f"model {m.get('Name')!r}", m["Metadata"][OWN_KEY]) for m in own
            ]
            return own_plan(root, exported)
        if self.source_url is None:
            raise UsageError(
                "this model-index was not written by segboard: give --source-url (the page its "
                "numbers come from)"
            )
        mapper = Mapper(root, catalog, self.split)
        for entry in entries(path, self.source_url, self.framework, self.scale, mapper.problems):
            entry.source_kind = self.source_kind
            mapper.add(entry)
        return mapper.plan()


_PATTERN = re.compile(r"[*?\[]")  # what makes an Import entry a glob pattern


def documents(path: Path, problems: list[Problem]) -> list[tuple[Path, Any]]:
    """The file and the metafiles its Import globs name, in a stable order.

    A metafile that cannot be read goes to `problems`; the file itself must be readable.
    """
    index = read_yaml(path) or {}
    if not isinstance(index, dict):
        raise DataError(f"{path}: not a model-index mapping")
    found = [(path, index)]
    imports = index.get("Import")
    for pattern in imports if isinstance(imports, list) else []:
        below = Path(str(pattern))
        if not isinstance(pattern, str) or not below.parts or not pattern.strip():
            message = f"Import {reprlib.repr(pattern)}: not the path of a file (or a pattern)"
            problems.append(left_out(path, message))
            continue
        if below.is_absolute() or ".." in below.parts:
            message = f"Import {pattern!r}: only files below the model-index's folder are read"
            problems.append(left_out(path, message))
            continue
        try:
            metafiles = sorted(path.parent.glob(pattern))
        except ValueError as exc:  # "'**' can only be an entire path component"
            problems.append(left_out(path, f"Import {pattern!r}: {exc}"))
            continue
        for metafile in metafiles:
            if leads_out(metafile, path.parent):
                problems.append(left_out(metafile, LEADS_OUT))
                continue
            if _PATTERN.search(pattern) and metafile.is_dir():  # a pattern's folders are passed
                continue
            try:
                found.append((metafile, read_yaml(metafile) or {}))
            except UnreadableFile as exc:
                problems.append(unreadable(exc))
    return found


def entries(
    path: Path,
    source_url: str,
    framework: str | None,
    scale: str | None,
    problems: list[Problem],
) -> Iterator[Entry]:
    """One Entry per Result; malformed models and repeated names go to `problems`."""
    found = documents(path, problems)
    collections = _collections(found)
    seen: set[str] = set()
    for file, document in found:
        models = document.get("Models", []) if isinstance(document, dict) else []
        for model in models if isinstance(models, list) else []:
            if not isinstance(model, dict):
                problems.append(left_out(file, "an entry of Models is not a mapping"))
                continue
            try:
                name = plain_text(model.get("Name", ""), "Name")
            except TypeError as exc:
                problems.append(left_out(file, f"an entry of Models: {exc}"))
                continue
            where = f"model {name!r}"
            if name in seen:
                problems.append(left_out(file, f"{where}: the name is used twice"))
                continue
            seen.add(name)
            try:
                origin = (file, where, path.parent)
                yield from _model_entries(model, name, origin, collections, source_url,
                                          framework, scale, problems)  # fmt: skip
            except (AttributeError, TypeError, ValueError) as exc:
                problems.append(left_out(file, f"{where}: not in the expected form ({exc})"))


def _collections(found: list[tuple[Path, Any]]) -> dict[str, dict[str, Any]]:
    """The Collections of every document by name (a later one of the same name wins); one
    that is not a mapping with a text Name is passed over, as are Collections not listed."""
    named = {}
    for _, document in found:
        listed = document.get("Collections") if isinstance(document, dict) else None
        for collection in listed if isinstance(listed, list) else []:
            if isinstance(collection, dict) and isinstance(collection.get("Name"), str):
                named[collection["Name"]] = collection
    return named


def _model_entries(
    model: dict[str, Any],
    name: str,
    origin: tuple[Path, str, Path],
    collections: dict[Any, Any],
    source_url: str,
    framework: str | None,
    scale: str | None,
    problems: list[Problem],
) -> list[Entry]:
    file, where, index_folder = origin
    named = model.get("In Collection")
    collection = (collections.get(named) if isinstance(named, str) else None) or {}
    paper = collection.get("Paper") or {}
    paper_url = plain_text(paper.get("URL", ""), "Paper URL")
    if "arxiv.org/abs/" not in paper_url:
        problems.append(left_out(file, f"{where}: its collection names no arXiv paper"))
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
            problems.append(
                left_out(file, f"{where}: weights without a framework; give --framework")
            )
            return []
        weights = [
            (plain_text(model["Weights"], "Weights"), plain_text(weights_framework, "Framework"))
        ]
    architecture = metadata.get("Architecture") or []
    architecture = architecture if isinstance(architecture, list) else [architecture]
    backbone = metadata.get("backbone") or (architecture[0] if architecture else None)
    head = plain_text(architecture[-1], "Architecture") if len(architecture) > 1 else None
    crop = _CROP_IN_NAME.search(name)
    results = model.get("Results") or []
    return [
        Entry(
            file=file,
            label=where,
            name=name,
            method=plain_text(model.get("In Collection") or name, "In Collection"),
            dataset_names=[plain_text(result.get("Dataset", ""), "Dataset")],
            split=None,
            metrics=dict(result.get("Metrics") or {}),
            paper=paper_url,  # the mapper reads the arXiv id from it
            paper_title=paper.get("Title"),
            source_url=source_url.replace("{path}", _relative(file, index_folder)),
            source_detail=f"model-index entry {name}",
            backbone=plain_text(backbone, "backbone") if backbone else None,
            weights=weights,
            scale=scale,
            decode_head=head,
            crop_size=(int(crop["h"]), int(crop["w"])) if crop else None,
        )
        for result in ([results] if isinstance(results, dict) else results)
    ]
