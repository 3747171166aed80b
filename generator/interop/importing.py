"""`segboard import hf` and `segboard import model-index`.

segboard's own exports carry every field of a record under a `segboard` key, so those records
come back exactly. Files written by other tools are read into entries (foreign_hf,
foreign_model_index) and mapped onto the catalogue by foreign.Mapper; what cannot be mapped is
reported and left out. Whatever is written validates: records that would not are removed again
and reported (scaffold.write_keeping_valid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.contrib.scaffold import _write_validated, write_keeping_valid
from generator.errors import DataError, UsageError
from generator.interop import hf_cards as foreign_hf
from generator.interop import model_index as foreign_model_index
from generator.interop.mapper import Mapper

FIELD_ORDER = (
    "dataset", "split", "model", "method", "backbone", "paper", "metrics",
    "extra_training_data", "test_time_augmentation", "weights", "source", "curation",
    "evidence", "notes",
)  # fmt: skip
MAX_BYTES = 4 * 1024 * 1024
MAX_VALUES = 1_000_000  # values in a foreign file once its aliases are expanded
_ID_PART = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.MULTILINE)


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
    """A foreign YAML file, refused when too large, too deep or an alias bomb."""
    try:
        if text is None:
            if path.stat().st_size > MAX_BYTES:
                raise DataError(f"{path}: larger than {MAX_BYTES:,} bytes")
            text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: not readable YAML ({exc})") from None
    except RecursionError:
        raise DataError(f"{path}: nested too deeply to read") from None
    if _expanded_size(data) > MAX_VALUES:
        raise DataError(
            f"{path}: its aliases (*name) expand to more than {MAX_VALUES:,} values; "
            "write the values out instead"
        )
    return data


def _expanded_size(data: Any) -> int:
    """How many values the document holds with every alias expanded (shared parts counted once
    per use, computed without expanding them)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, children_done = stack.pop()
        if not isinstance(value, dict | list) or id(value) in sizes:
            continue
        children = list(value.values()) if isinstance(value, dict) else value
        if children_done:
            sizes[id(value)] = 1 + sum(
                sizes.get(id(c), 1) if isinstance(c, dict | list) else 1 for c in children
            )
            if sizes[id(value)] > MAX_VALUES:
                return sizes[id(value)]
        else:
            stack.append((value, True))
            stack.extend((c, False) for c in children)
    return sizes.get(id(data), 1)


def _front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a model card."""
    if path.stat().st_size > MAX_BYTES:
        raise DataError(f"{path}: larger than {MAX_BYTES:,} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not readable ({exc})") from None
    text = text.replace("\r\n", "\n")
    closing = _FRONT_MATTER_END.search(text, 4) if text.startswith("---\n") else None
    if closing is None:
        raise DataError(f"{path}: no YAML front matter (a model card starts with a --- line)")
    front = _read_yaml(path, text[4 : closing.start()])
    if not isinstance(front, dict):
        raise DataError(f"{path}: the front matter is not a mapping")
    return front, text[closing.end() :]


def _target(root: Path, extras: dict[str, Any]) -> Path:
    parts = str(extras["result"]).split("/")
    if len(parts) != 3 or not all(_ID_PART.match(part) for part in parts):
        raise DataError(f"result id {extras['result']!r} is not dataset/split/slug")
    return root / "data" / "results" / parts[0] / parts[1] / f"{parts[2]}.yaml"


def _add_own(
    root: Path, entries: list[tuple[str, dict[str, Any]]], files: dict[Path, str]
) -> list[str]:
    """Add records from segboard's own exports to `files`; return the clashes."""
    problems = []
    for where, extras in entries:
        try:
            target = _target(root, extras)
        except DataError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if target.exists() or target in files:
            problems.append(f"{where}: {target.relative_to(root)} already exists")
            continue
        files[target] = record_text(extras)
    return problems


def _own_files(root: Path, entries: list[tuple[str, dict[str, Any]]]) -> dict[Path, str]:
    """Records from segboard's own exports; any clash stops the import (all or nothing)."""
    files: dict[Path, str] = {}
    problems = _add_own(root, entries, files)
    if problems:
        raise DataError("nothing was imported:\n" + "\n".join(problems))
    return files


def _own_outcome(root: Path, files: dict[Path, str], dry_run: bool) -> ImportOutcome:
    if dry_run:
        return ImportOutcome([], [], files)
    return ImportOutcome(_write_validated(root, files), [], files)


@dataclass
class ImportOutcome:
    """What an import wrote (or, with --dry-run, would write) and what it left out."""

    written: list[Path]
    left_out: list[str]
    planned: dict[Path, str]


def _finish(root: Path, mapper: Mapper, problems: list[str], dry_run: bool) -> ImportOutcome:
    problems = [*problems, *mapper.problems]
    if dry_run or not mapper.files:
        return ImportOutcome([], problems, mapper.files)
    written, invalid = write_keeping_valid(root, mapper.files)
    return ImportOutcome(written, problems + invalid, mapper.files)


def import_hf(
    root: Path,
    path: Path,
    catalog: Any,
    options: foreign_hf.CardOptions | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Records from model cards: segboard's own exactly, other cards by mapping."""
    options = options or foreign_hf.CardOptions()
    cards = sorted(path.rglob("README.md")) if path.is_dir() else [path]
    if not cards or not cards[0].is_file():
        raise UsageError(f"{path}: no model card (README.md) found")
    problems: list[str] = []
    own: list[tuple[str, dict[str, Any]]] = []
    foreign: list[tuple[Path, dict[str, Any], str]] = []
    for card in cards:
        try:
            front, body = _front_matter(card)
        except DataError as exc:
            problems.append(f"{exc}")
            continue
        extras = front.get("segboard")
        if isinstance(extras, dict) and "result" in extras:
            own.append((str(card), extras))
        else:
            foreign.append((card, front, body))
    if len(foreign) > 1 and (options.weights or options.source_url):
        raise UsageError(
            f"{path} holds {len(foreign)} cards not written by segboard: --weights and "
            "--source-url name one model's files, so import those cards one at a time"
        )
    if own and not foreign and not problems:
        return _own_outcome(root, _own_files(root, own), dry_run)
    mapper = Mapper(root, catalog, options.split)
    problems += _add_own(root, own, mapper.files)
    for card, front, body in foreign:
        for entry in foreign_hf.entries(str(card), front, body, options, mapper.problems):
            mapper.add(entry)
    return _finish(root, mapper, problems, dry_run)


def import_model_index(
    root: Path,
    path: Path,
    catalog: Any = None,
    split: str = "val",
    source_url: str | None = None,
    framework: str | None = None,
    dry_run: bool = False,
    scale: str | None = None,
) -> ImportOutcome:
    """Records from a model-index file: segboard's own exports exactly, others by mapping."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    index = _read_yaml(path) or {}
    models = index.get("Models", []) if isinstance(index, dict) else []
    own = [m for m in models if isinstance(m, dict) and (m.get("Metadata") or {}).get("segboard")]
    if models and len(own) == len(models) and not index.get("Import"):
        entries = [(f"{path} model {m.get('Name')!r}", m["Metadata"]["segboard"]) for m in own]
        return _own_outcome(root, _own_files(root, entries), dry_run)
    if source_url is None:
        raise UsageError(
            "this model-index was not written by segboard: give --source-url (the page its "
            "numbers come from)"
        )
    mapper = Mapper(root, catalog, split)
    for entry in foreign_model_index.entries(
        path, _read_yaml, source_url, framework, scale, mapper.problems
    ):
        mapper.add(entry)
    return _finish(root, mapper, [], dry_run)
