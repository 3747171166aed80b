"""`segboard new`: write a new record (and its paper record when the paper is new).

The record is written, then the repository is validated; if the new files have any problem,
they are removed again and the problems reported, so a record that `new` leaves behind is
always valid. An existing file is never overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.atomic_files import write_atomic
from generator.errors import DataError, UsageError
from generator.interop.names import PLAIN_NUMBER
from generator.records.model import NAME_SUFFIXES, split_model_name
from generator.records.validation import validate_repository
from generator.reporting import as_text

_ARXIV_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class NewResult:
    dataset: str
    split: str
    model: str
    method: str
    paper: str
    metrics: dict[str, str]  # metric id -> the number as published, as text
    source_kind: str
    source_url: str
    backbone: str | None = None
    paper_title: str | None = None
    source_detail: str | None = None
    weights: list[tuple[str, str]] = field(default_factory=list)  # (url, framework)
    curation: list[dict[str, object]] = field(default_factory=list)  # decisions made on import

    def structured_from_name(self) -> tuple[list[str], list[str]]:
        """Extra training data and test-time augmentation implied by the name's suffixes."""
        extra: list[str] = []
        tta: list[str] = []
        for suffix in split_model_name(self.model)[1]:
            kind, value = NAME_SUFFIXES[suffix]
            (extra if kind == "extra_training_data" else tta).append(value)
        return extra, tta


def result_text(new: NewResult) -> str:
    extra, tta = new.structured_from_name()
    lines = [
        "# yaml-language-server: $schema=../../../../schema/result.schema.json",
        f"dataset: {new.dataset}",
        f"split: {new.split}",
        f"model: {_q(new.model)}",
        f"method: {_q(new.method)}",
    ]
    if new.backbone:
        lines.append(f"backbone: {_q(new.backbone)}")
    lines.append(f"paper: {_q(new.paper)}")
    lines.append("metrics:")
    for metric, value in new.metrics.items():
        if not PLAIN_NUMBER.match(value):
            raise UsageError(
                f"--metric {metric}={value}: write the number as published, e.g. 80.20"
            )
        lines.append(f"  {metric}: {value}")
    if extra:
        lines.append(f"extra_training_data: [{', '.join(extra)}]")
    if tta:
        lines.append(f"test_time_augmentation: [{', '.join(tta)}]")
    if new.weights:
        lines.append("weights:")
        for url, framework in new.weights:
            lines += [f"  - url: {_q(url)}", f"    framework: {framework}"]
    lines += ["source:", f"  kind: {new.source_kind}", f"  url: {_q(new.source_url)}"]
    if new.source_detail:
        lines.append(f"  detail: {_q(new.source_detail)}")
    if new.curation:
        lines.append("curation:")
        for entry in new.curation:
            lines.append("  - " + "\n    ".join(f"{k}: {_q(str(v))}" for k, v in entry.items()))
    return "\n".join(lines) + "\n"


def paper_text(paper_id: str, title: str) -> str:
    match = _ARXIV_ID.match(paper_id)
    if match is None:
        raise UsageError(
            f"paper {paper_id!r} has no record; for a paper without an arXiv id, add "
            f"data/papers/{paper_id}.yaml by hand (its date and URL cannot be derived)"
        )
    return (
        "# yaml-language-server: $schema=../../schema/paper.schema.json\n"
        f"id: {_q(paper_id)}\ntitle: {_q(title)}\nurl: https://arxiv.org/abs/{paper_id}\n"
        f'date: "20{match.group(1)}-{match.group(2)}"\n'
    )


def create_result(root: Path, new: NewResult) -> list[Path]:
    """Write the result (and paper) records; return the paths written."""
    target = root / "data" / "results" / new.dataset / new.split / f"{slug(new.model)}.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; edit it instead (segboard never overwrites)")
    files = {target: result_text(new)}
    paper = root / "data" / "papers" / f"{new.paper}.yaml"
    if not paper.exists():
        if not new.paper_title:
            raise UsageError(f"paper {new.paper} is new: give its title with --paper-title")
        files[paper] = paper_text(new.paper, new.paper_title)
    return _write_validated(root, files)


def dataset_text(
    dataset_id: str,
    name: str,
    homepage: str,
    classes: list[str],
    ignore_label: int,
    splits: list[tuple[str, int, str]],
    leaderboards: list[tuple[str, str]],
    description_en: str,
    description_zh: str,
) -> str:
    split_names = {
        "train": ("training set", "训练集"),
        "val": ("validation set", "验证集"),
        "test": ("test set", "测试集"),
    }
    lines = [
        "# yaml-language-server: $schema=../../schema/dataset.schema.json",
        f"id: {dataset_id}",
        f"name: {_q(name)}",
        f"homepage: {_q(homepage)}",
        "description:",
        f"  en: {_q(description_en)}",
        f"  zh: {_q(description_zh)}",
        f"num_classes: {len(classes)}",
        f"classes: [{', '.join(_q(c) for c in classes)}]",
        f"ignore_label: {ignore_label}",
        f"metrics: [{', '.join(sorted({m for _, m in leaderboards}))}]",
        "splits:",
    ]
    for split_id, images, labels in splits:
        en, zh = split_names.get(split_id, (split_id, split_id))
        lines += [
            f"  - id: {split_id}",
            f"    name: {{en: {_q(en)}, zh: {_q(zh)}}}",
            f"    images: {images}",
            f"    labels: {labels}",
        ]
    lines.append("leaderboards:")
    for split_id, metric in leaderboards:
        lines += [f"  - split: {split_id}", f"    metric: {metric}"]
    return "\n".join(lines) + "\n"


def create_dataset(root: Path, dataset_id: str, text: str) -> list[Path]:
    target = root / "data" / "datasets" / f"{dataset_id}.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; edit it instead (segboard never overwrites)")
    return _write_validated(root, {target: text})


def write_keeping_valid(root: Path, files: dict[Path, str]) -> tuple[list[Path], list[str]]:
    """Write the files; remove the result records that do not validate, and say why.

    A new paper record goes too when no kept result cites it. Returns (paths kept, one line per
    record left out). What is kept always validates.
    """
    for path, text in files.items():
        write_atomic(path, text)
    report = validate_repository(root, list(files))
    bad = {p.path for p in report.errors if p.path in files}
    left_out = [f"{problem.path}: {problem.message}" for problem in report.errors]
    papers = root / "data" / "papers"
    cited = {r.paper for r in report.catalog.results
             if r.document.path in files and r.document.path not in bad}  # fmt: skip
    bad |= {path for path in files if path.parent == papers and path.stem not in cited}
    for path in sorted(bad):
        path.unlink(missing_ok=True)
    kept = [path for path in files if path not in bad]
    if bad and kept and validate_repository(root, kept).errors:
        for path in kept:  # the rest depended on what was removed: keep nothing
            path.unlink(missing_ok=True)
        return [], [*left_out, "the remaining records depended on those left out"]
    return kept, left_out


def _write_validated(root: Path, files: dict[Path, str]) -> list[Path]:
    for path, text in files.items():
        write_atomic(path, text)
    report = validate_repository(root, list(files))
    if report.errors:
        for path in files:
            path.unlink(missing_ok=True)
            for folder in path.parents:  # folders made for the record go too, if left empty
                if folder == root / "data" or not folder.is_dir() or any(folder.iterdir()):
                    break
                folder.rmdir()
        raise DataError(
            "the new record would not be valid, so nothing was written:\n"
            + as_text(report.errors).rstrip()
        )
    return list(files)
