"""`segboard import hf` and `segboard import model-index`: records back from segboard's exports.

Both exports carry every field of a record under a `segboard` key, so a record comes back
exactly. An entry without that key (a card or metafile written by another tool) is reported by
name, never guessed at; mapping foreign model-index files through dataset aliases is not done yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, UsageError
from .scaffold import _write_validated, write_keeping_valid

FIELD_ORDER = (
    "dataset", "split", "model", "method", "backbone", "paper", "metrics",
    "extra_training_data", "test_time_augmentation", "weights", "source", "curation",
    "evidence", "notes",
)  # fmt: skip
MAX_BYTES = 4 * 1024 * 1024


def record_text(extras: dict[str, Any]) -> str:
    """A result record from the `segboard` key of an export, numbers exactly as published."""
    fields = {key: extras[key] for key in FIELD_ORDER if key in extras and key != "metrics"}
    lines = ["# yaml-language-server: $schema=../../../../schema/result.schema.json"]
    for key in FIELD_ORDER:
        if key == "metrics":
            lines.append("metrics:")
            for metric, text in extras["metrics_as_published"].items():
                lines.append(f"  {metric}: {text}")
        elif key in fields:
            dumped = yaml.safe_dump({key: fields[key]}, sort_keys=False, allow_unicode=True,
                                    width=100)  # fmt: skip
            lines.append(dumped.rstrip("\n"))
    return "\n".join(lines) + "\n"


def _read_yaml(path: Path, text: str | None = None) -> Any:
    try:
        if text is None:
            if path.stat().st_size > MAX_BYTES:
                raise DataError(f"{path}: larger than {MAX_BYTES:,} bytes")
            text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: not readable YAML ({exc})") from None


def _front_matter(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---" not in text[4:]:
        raise DataError(f"{path}: no YAML front matter (a model card starts with ---)")
    return _read_yaml(path, text[4 : text.index("\n---", 4)])


def _target(root: Path, extras: dict[str, Any]) -> Path:
    dataset, split, slug = str(extras["result"]).split("/")
    return root / "data" / "results" / dataset / split / f"{slug}.yaml"


def _collect(root: Path, entries: list[tuple[str, Any]]) -> list[Path]:
    files: dict[Path, str] = {}
    problems = []
    for where, extras in entries:
        if not isinstance(extras, dict) or "result" not in extras:
            problems.append(f"{where}: not exported by segboard (no `segboard` key); foreign "
                            "model-index entries are not imported yet")  # fmt: skip
            continue
        target = _target(root, extras)
        if target.exists() or target in files:
            problems.append(f"{where}: {target.relative_to(root)} already exists")
            continue
        files[target] = record_text(extras)
    if problems:
        raise DataError("nothing was imported:\n" + "\n".join(problems))
    return _write_validated(root, files)


def import_hf(root: Path, path: Path) -> list[Path]:
    cards = sorted(path.rglob("README.md")) if path.is_dir() else [path]
    if not cards or not cards[0].is_file():
        raise UsageError(f"{path}: no model card (README.md) found")
    return _collect(
        root, [(str(card), (_front_matter(card) or {}).get("segboard")) for card in cards]
    )


def import_model_index(
    root: Path,
    path: Path,
    catalog: Any = None,
    split: str = "val",
    source_url: str | None = None,
    framework: str | None = None,
    dry_run: bool = False,
) -> tuple[list[Path], list[str], dict[Path, str]]:
    """Records from a model-index file: segboard's own exports exactly, others by mapping.

    Returns (paths written, entries left out with why, what would be written for --dry-run).
    """
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    index = _read_yaml(path) or {}
    models = index.get("Models", []) if isinstance(index, dict) else []
    own = [m for m in models if isinstance(m, dict) and (m.get("Metadata") or {}).get("segboard")]
    if models and len(own) == len(models) and not index.get("Import"):
        entries = [(f"{path} model {m.get('Name')!r}", m["Metadata"]["segboard"]) for m in own]
        return _collect(root, entries), [], {}
    if source_url is None:
        raise UsageError(
            "this model-index was not written by segboard: give --source-url (the page its "
            "numbers come from)"
        )
    files, problems = foreign_model_index(root, catalog, path, split, source_url, framework)
    if dry_run or not files:
        return [], problems, files
    written, invalid = write_keeping_valid(root, files)
    return written, problems + invalid, files


# --- foreign model-index files (Papers with Code's format, as OpenMMLab's metafiles use it) ----

# model-index metric names -> (metric id, test-time augmentation the name implies)
FOREIGN_METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "miou": ("miou", ()),
    "miou(ms+flip)": ("miou", ("multi-scale", "flip")),
    "aacc": ("pixel-accuracy", ()),
    "macc": ("mean-accuracy", ()),
    "mdice": ("mean-dice", ()),
}
_TTA_SUFFIX = {("multi-scale", "flip"): " + MS + Flip"}


def _aliases(catalog: Any) -> dict[str, tuple[str, list[str]]]:
    table = {}
    for dataset in catalog.datasets.values():
        table[dataset.name.casefold()] = (dataset.id, [])
        for alias in dataset.data.get("aliases", []):
            table[alias["name"].casefold()] = (
                dataset.id,
                list(alias.get("extra_training_data", [])),
            )
    return table


def _number_text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    text = repr(float(value)) if isinstance(value, float) else str(value)
    return text if "e" not in text.lower() else None


def foreign_model_index(
    root: Path, catalog: Any, path: Path, split: str, source_url: str, framework: str | None
) -> tuple[dict[Path, str], list[str]]:
    """Records (path -> text) and problems from a foreign model-index file or metafile."""
    index = _read_yaml(path) or {}
    if not isinstance(index, dict):
        raise DataError(f"{path}: not a model-index mapping")
    documents = [index]
    for pattern in index.get("Import", []) or []:
        documents += [_read_yaml(p) or {} for p in sorted(path.parent.glob(str(pattern)))]
    collections = {c.get("Name"): c for d in documents for c in d.get("Collections", []) or []
                   if isinstance(c, dict)}  # fmt: skip
    aliases = _aliases(catalog)
    files: dict[Path, str] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for document in documents:
        models = document.get("Models", []) if isinstance(document, dict) else []
        for model in models if isinstance(models, list) else []:
            if not isinstance(model, dict):
                problems.append(f"{path}: an entry of Models is not a mapping; left out")
                continue
            name = str(model.get("Name", ""))
            where = f"{path}: model {name!r}"
            try:
                _map_model(model, name, where, collections, aliases, catalog, root, split,
                           source_url, framework, files, problems, seen)  # fmt: skip
            except (AttributeError, TypeError, ValueError, KeyError) as exc:
                problems.append(f"{where}: not in the expected form ({exc}); left out")
    return files, problems


def _map_model(
    model: dict[str, Any],
    name: str,
    where: str,
    collections: dict[Any, Any],
    aliases: dict[str, tuple[str, list[str]]],
    catalog: Any,
    root: Path,
    split: str,
    source_url: str,
    framework: str | None,
    files: dict[Path, str],
    problems: list[str],
    seen: set[str],
) -> None:
    """Map one foreign Model onto records (appended to `files`) or problems."""
    from .scaffold import NewResult, paper_text, result_text, slug

    if name in seen:
        problems.append(f"{where}: the name is used twice; left out")
        return
    seen.add(name)
    collection = collections.get(model.get("In Collection"), {})
    paper_url = (collection.get("Paper") or {}).get("URL", "")
    paper_id = paper_url.rstrip("/").rsplit("/", 1)[-1] if "arxiv.org/abs/" in paper_url else None
    if paper_id is None:
        problems.append(f"{where}: its collection names no arXiv paper; left out")
        return
    if paper_id not in catalog.papers:
        title = (collection.get("Paper") or {}).get("Title")
        if not title:
            problems.append(f"{where}: paper {paper_id} has no record and no title")
            return
        files[root / "data" / "papers" / f"{paper_id}.yaml"] = paper_text(paper_id, title)
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
            return
        weights = [(str(model["Weights"]), str(weights_framework))]
    results = model.get("Results") or []
    architecture = metadata.get("Architecture") or []
    backbone = metadata.get("backbone") or (
        architecture[0] if isinstance(architecture, list) and architecture else None
    )
    backbone = str(backbone) if backbone else None
    for result in [results] if isinstance(results, dict) else results:
        dataset_name = str(result.get("Dataset", ""))
        match = aliases.get(dataset_name.casefold())
        if match is None:
            problems.append(f"{where}: unknown dataset {dataset_name!r}; add an alias to "
                            "its dataset record")  # fmt: skip
            continue
        dataset_id, extra = match
        board = next((b for b in catalog.datasets[dataset_id].leaderboards
                      if b.split == split), None)  # fmt: skip
        if board is None:
            problems.append(f"{where}: {dataset_id} keeps no leaderboard for {split!r}")
            continue
        groups: dict[tuple[str, ...], dict[str, str]] = {}
        for metric_name, value in (result.get("Metrics") or {}).items():
            known = FOREIGN_METRICS.get(str(metric_name).casefold())
            text = _number_text(value)
            if known is None or text is None:
                problems.append(f"{where}: metric {metric_name!r} = {value!r} is not one "
                                "segboard knows; left out")  # fmt: skip
                continue
            groups.setdefault(known[1], {})[known[0]] = text
        for tta, metrics in groups.items():
            if board.metric not in metrics:
                problems.append(f"{where}: {dataset_id} ranks by {board.metric}, which "
                                "the entry does not give; left out")  # fmt: skip
                continue
            display = (
                name
                + "".join(f" + {s}" for s, (k, v) in _suffixes().items() if v in extra)
                + _TTA_SUFFIX.get(tta, "")
            )
            record = NewResult(
                dataset=dataset_id, split=split, model=display,
                method=str(model.get("In Collection") or name),
                backbone=backbone, paper=paper_id, metrics=metrics,
                source_kind="model-zoo", source_url=source_url, weights=weights,
                source_detail=f"model-index entry {name}",
            )  # fmt: skip
            text = result_text(record)  # suffixes give extra data and augmentation
            target = root / "data/results" / dataset_id / split / f"{slug(display)}.yaml"
            if target.exists() or target in files:
                problems.append(f"{where}: {target.relative_to(root)} already exists")
                continue
            files[target] = text


def _suffixes() -> dict[str, tuple[str, str]]:
    from .model import NAME_SUFFIXES

    return {s: v for s, v in NAME_SUFFIXES.items() if v[0] == "extra_training_data"}
