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
from .scaffold import _write_validated

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


def import_model_index(root: Path, path: Path) -> list[Path]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    index = _read_yaml(path) or {}
    models = index.get("Models", []) if isinstance(index, dict) else []
    entries = [
        (f"{path} model {model.get('Name')!r}", (model.get("Metadata") or {}).get("segboard"))
        for model in models
        if isinstance(model, dict)
    ]
    if not entries:
        raise DataError(f"{path}: no Models")
    return _collect(root, entries)
