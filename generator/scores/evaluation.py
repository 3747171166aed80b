"""`segboard eval`: a confusion matrix from folders of ground-truth and predicted label maps.

Files are paired by their path relative to each folder. Decoding a PNG costs far more than
counting its pixels, so both happen in worker processes, each returning only its small matrix.
Every problem (a missing or extra prediction, a size mismatch, an RGB image, a corrupt or
truncated file, a decompression bomb, a value outside the classes) is collected and reported
with the file it concerns; nothing is counted when any file is bad.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import re
import stat
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from generator.errors import DataError, UsageError
from generator.reading import kind_of
from generator.records.model import Catalog
from generator.scores.files import RefusedFile, open_regular, png_size
from generator.scores.metrics import (
    ConfusionAccumulator,
    LabelError,
    confusion_matrix,
    label_lookup,
    map_labels,
    reduce_zero_label,
    scores,
)
from generator.workers import can_fork, pool_of

LABEL_SUFFIXES = (".png",)
MAX_PIXELS = 64_000_000  # a label map larger than this is treated as a decompression bomb
# `segboard eval` keeps its confusion matrices (K x K int64 counts) within this budget: about
# MATRICES_PER_WORKER in each worker process (its running total and one image's counts as they
# are built) and MATRICES_IN_MAIN in the main process (the total and a worker's arriving one).
MEMORY_BUDGET = 1 << 30
MATRICES_PER_WORKER = 3
MATRICES_IN_MAIN = 2


@dataclass(frozen=True)
class Conventions:
    """How ground-truth files map to class indices, and what is ignored."""

    num_classes: int
    ignore_index: int = 255
    reduce_zero_label: bool = False
    id_to_train_id: tuple[tuple[int, int], ...] = ()
    class_names: tuple[str, ...] = ()
    dataset: str | None = None
    split: str | None = None

    def __post_init__(self) -> None:
        """Label conventions rewrite 8-bit label maps through 256-entry tables."""
        if not (self.reduce_zero_label or self.id_to_train_id):
            return
        values = [self.ignore_index, *(v for pair in self.id_to_train_id for v in pair)]
        if any(not 0 <= value <= 255 for value in values):
            where = f"{self.dataset}'s label conventions" if self.dataset else "label conventions"
            raise UsageError(
                f"{where} apply to 8-bit label maps: the ignore label and every label id must "
                "be between 0 and 255"
            )

    def prepare_ground_truth(self, labels: NDArray[np.uint8]) -> NDArray[np.uint8]:
        if self.id_to_train_id:
            return map_labels(labels, self._lookup())
        if self.reduce_zero_label:
            return reduce_zero_label(labels, self.ignore_index)
        return labels

    @functools.cache  # noqa: B019 (instances are frozen and few: one per evaluation)
    def _lookup(self) -> NDArray[np.uint8]:
        return label_lookup(list(self.id_to_train_id), self.ignore_index)


@dataclass
class Evaluation:
    matrix: NDArray[np.int64]
    images: int
    files_digest: str
    conventions: Conventions
    scores: dict[str, float] = field(default_factory=dict)


def pair_files(gt_dir: Path, pred_dir: Path) -> list[tuple[str, Path, Path]]:
    """(relative path, ground truth, prediction) for every label map; unpaired files are errors,
    and so is a label map that is not a regular file (a FIFO named x.png is never opened)."""
    for folder, what in ((gt_dir, "--gt"), (pred_dir, "--pred")):
        if not folder.is_dir():
            raise UsageError(f"{what} {folder} is not a folder")
    problems: list[str] = []
    truths, predictions = _listing_of(gt_dir, problems), _listing_of(pred_dir, problems)
    problems += [
        f"{pred_dir / name}: no ground truth {gt_dir / name}"
        for name in sorted(predictions.keys() - truths.keys())
    ]
    problems += [
        f"{gt_dir / name}: the prediction {pred_dir / name} is missing"
        for name in sorted(truths.keys() - predictions.keys())
    ]
    if problems:
        raise DataError(_listing(problems))
    if not truths:
        raise DataError(f"{gt_dir}: no label maps ({', '.join(LABEL_SUFFIXES)}) found")
    return [(name, truths[name], predictions[name]) for name in sorted(truths)]


def _listing_of(folder: Path, problems: list[str]) -> dict[str, Path]:
    """Every label map under `folder` by relative path; those that are not regular files (nor
    folders) are listed too, for pairing, and reported in `problems`."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in LABEL_SUFFIXES:
            continue
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            problems.append(f"{path}: it cannot be read ({exc.strerror or exc})")
        else:
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                problems.append(f"{path}: it is {kind_of(mode)}, not a regular file")
        found[path.relative_to(folder).as_posix()] = path
    return found


def _listing(problems: list[str], limit: int = 50) -> str:
    shown = problems[:limit]
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problem(s) with the label maps:\n" + "\n".join(shown) + more


def read_label_map(path: Path) -> NDArray[np.uint8]:
    """A palette (P) or grayscale (L) PNG as its label indices; anything else is an error.

    Before Pillow decodes anything, the file must be a regular file that starts with the PNG
    signature and an IHDR chunk whose width x height is at most MAX_PIXELS; Pillow then opens it
    as a PNG only, with its own decompression-bomb limit set to the same figure."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # deliberately: Pillow's bomb check uses the same limit
    try:
        with open_regular(path) as file:
            width, height = png_size(file.read(24))
            if width * height > MAX_PIXELS:
                raise DataError(_bomb(path))
            file.seek(0)
            return _decode_png(path, file)
    except RefusedFile as exc:
        raise DataError(f"{path}: {exc}") from None
    except OSError as exc:
        raise DataError(f"{path}: it cannot be read ({exc.strerror or exc})") from None


def _bomb(path: Path) -> str:
    return f"{path}: larger than {MAX_PIXELS:,} pixels (a decompression bomb?)"


def _decode_png(path: Path, file: BinaryIO) -> NDArray[np.uint8]:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=["PNG"]) as image:
                if image.mode not in ("P", "L"):
                    raise DataError(
                        f"{path}: a {image.mode} image; label maps must be palette (P) or "
                        "grayscale (L) PNGs holding class indices"
                    )
                image.load()
                return np.asarray(image, dtype=np.uint8)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DataError(_bomb(path)) from None
    except DataError:
        raise
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow names the open file by its object ('<_io.BufferedReader name=4>'): drop it
        reason = re.sub(r"\s*<_io\.[^>]*>", "", str(exc)).rstrip(" :") or type(exc).__name__
        raise DataError(f"{path}: not a readable PNG (corrupt or truncated: {reason})") from None


def _evaluate_pairs(
    pairs: list[tuple[str, Path, Path]], conventions: Conventions
) -> tuple[NDArray[np.int64], int, list[str]]:
    accumulator = ConfusionAccumulator(conventions.num_classes, conventions.ignore_index)
    problems = []
    for _, gt_path, pred_path in pairs:
        try:
            gt = conventions.prepare_ground_truth(read_label_map(gt_path))
            pred = read_label_map(pred_path)
            if gt.shape != pred.shape:
                raise DataError(
                    f"{pred_path}: {pred.shape[1]}x{pred.shape[0]} pixels, but the ground truth "
                    f"is {gt.shape[1]}x{gt.shape[0]}"
                )
            accumulator.matrix += confusion_matrix(
                gt, pred, conventions.num_classes, conventions.ignore_index
            )
            accumulator.images += 1
        except LabelError as exc:
            problems.append(f"{pred_path if exc.where == 'prediction' else gt_path}: {exc}")
        except DataError as exc:
            problems.append(str(exc))
    return accumulator.matrix, accumulator.images, problems


def _evaluate_chunk(
    pairs: list[tuple[str, Path, Path]], conventions: Conventions
) -> tuple[NDArray[np.int64], int, list[str], int]:
    """What a worker returns for one chunk: its matrix, images, problems, and the chunk's size."""
    return (*_evaluate_pairs(pairs, conventions), len(pairs))


def files_digest(pairs: list[tuple[str, Path, Path]]) -> str:
    """SHA-256 of the sorted relative paths: which files the matrix was computed from. A name
    that is not UTF-8 counts as the bytes it is on disk (as Python keeps them: surrogateescape)."""
    names = "\n".join(name for name, _, _ in pairs)
    return hashlib.sha256(names.encode("utf-8", "surrogateescape")).hexdigest()


def evaluate(
    gt_dir: Path,
    pred_dir: Path,
    conventions: Conventions,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    jobs = workers_within_budget(conventions.num_classes, jobs)
    pairs = pair_files(gt_dir, pred_dir)
    total = np.zeros((conventions.num_classes, conventions.num_classes), dtype=np.int64)
    images, problems, done = 0, [], 0
    if jobs <= 1:
        chunks = [pairs[i : i + 16] for i in range(0, len(pairs), 16)]
        for chunk in chunks:
            matrix, count, errors = _evaluate_pairs(chunk, conventions)
            total += matrix
            images += count
            problems += errors
            done += len(chunk)
            if progress:
                progress(done, len(pairs))
    else:
        size = max(1, min(64, len(pairs) // (jobs * 4) or 1))
        chunks = [pairs[i : i + size] for i in range(0, len(pairs), size)]
        method = "fork" if can_fork() else "spawn"  # fork is fast, but not always safe
        context = multiprocessing.get_context(method)
        # an interrupt ends the workers at once; otherwise they finish (generator/workers.py)
        with pool_of(context, jobs) as pool:
            work = functools.partial(_evaluate_chunk, conventions=conventions)
            for matrix, count, errors, size in pool.imap_unordered(work, chunks):
                total += matrix
                images += count
                problems += errors
                done += size
                if progress:
                    progress(done, len(pairs))
    if problems:
        raise DataError(_listing(sorted(problems)))
    return Evaluation(total, images, files_digest(pairs), conventions, scores(total))


def workers_within_budget(num_classes: int, jobs: int) -> int:
    """How many worker processes evaluate `num_classes` classes: at most `jobs`, and no more than
    keep the confusion matrices within MEMORY_BUDGET. A class count that does not fit even with
    one worker is refused (UsageError) before any file is read."""
    each = num_classes * num_classes * 8
    fit = (MEMORY_BUDGET // each - MATRICES_IN_MAIN) // MATRICES_PER_WORKER
    if fit < 1:
        least = each * (MATRICES_PER_WORKER + MATRICES_IN_MAIN)
        raise UsageError(
            f"{num_classes:,} classes are too many to evaluate: each confusion matrix is "
            f"{num_classes:,}x{num_classes:,} 64-bit counts ({_gib(each)}), and evaluating holds "
            f"{MATRICES_PER_WORKER + MATRICES_IN_MAIN} of them at once even with one worker "
            f"({_gib(least)}); the limit is {_gib(MEMORY_BUDGET)}"
        )
    return max(1, min(jobs, fit))


def _gib(size: int) -> str:
    return f"{size / (1 << 30):,.1f} GiB" if size >= 1 << 30 else f"{size / (1 << 20):,.1f} MiB"


def conventions_for(catalog: Catalog, dataset_id: str, split: str | None) -> Conventions:
    """Conventions from a dataset record of data/."""
    dataset = catalog.datasets.get(dataset_id)
    if dataset is None:
        known = ", ".join(sorted(catalog.datasets)) or "none"
        raise UsageError(f"no dataset {dataset_id!r} in data/datasets/ (known: {known})")
    if split is not None and split not in dataset.splits:
        raise UsageError(f"{dataset_id} has no split {split!r} ({', '.join(dataset.splits)})")
    data = dataset.data
    conventions = data.get("label_conventions") or {}
    return Conventions(
        num_classes=data["num_classes"],
        ignore_index=data["ignore_label"],
        reduce_zero_label=bool(conventions.get("reduce_zero_label")),
        id_to_train_id=tuple((int(a), int(b)) for a, b in conventions.get("id_to_train_id", [])),
        class_names=tuple(data["classes"]),
        dataset=dataset_id,
        split=split,
    )


def choose_conventions(
    catalog: Catalog | None,
    dataset: str | None,
    split: str | None,
    num_classes: int | None,
    ignore_index: int | None,
) -> Conventions:
    """The conventions `segboard eval` applies: a dataset's (with --dataset; the catalog is then
    required), or plain class indices (--num-classes); --ignore-index overrides either."""
    if dataset is not None:
        if num_classes is not None:
            raise UsageError("give either --dataset or --num-classes, not both")
        if catalog is None:
            raise UsageError("--dataset needs the repository's records")
        chosen = conventions_for(catalog, dataset, split)
        return chosen if ignore_index is None else replace(chosen, ignore_index=ignore_index)
    if num_classes is None:
        raise UsageError("give --dataset ID (a dataset of data/) or --num-classes K")
    return Conventions(num_classes, 255 if ignore_index is None else ignore_index, split=split)


def as_json(evaluation: Evaluation) -> dict[str, Any]:
    from generator.scores.metrics import per_class_accuracy, per_class_iou

    def numbers(values: np.ndarray) -> list[float | None]:
        return [None if np.isnan(v) else float(100 * v) for v in values]

    return {
        **evaluation.scores,  # keyed by the metric catalogue's ids: miou, pixel-accuracy, ...
        "per_class_iou": numbers(per_class_iou(evaluation.matrix)),
        "per_class_accuracy": numbers(per_class_accuracy(evaluation.matrix)),
        "num_images": evaluation.images,
        "num_classes": evaluation.conventions.num_classes,
        "ignore_index": evaluation.conventions.ignore_index,
        "dataset": evaluation.conventions.dataset,
        "split": evaluation.conventions.split,
    }


def terminal_progress(done: int, total: int) -> None:
    """A one-line progress bar on standard error, only when it is a terminal."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    end = "\n" if done == total else ""
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} images{end}")
    sys.stderr.flush()


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def as_text(evaluation: Evaluation) -> str:
    """A table of IoU and accuracy per class, and the scores, for a terminal."""
    conventions = evaluation.conventions
    summary = as_json(evaluation)
    names = conventions.class_names or tuple(str(i) for i in range(conventions.num_classes))
    width = max(len(n) for n in names)
    lines = [f"{'class':<{width}}  {'IoU':>7}  {'Acc':>7}"]
    columns = zip(names, summary["per_class_iou"], summary["per_class_accuracy"], strict=True)
    for name, iou, acc in columns:
        cells = [f"{v:7.2f}" if v is not None else "    n/a" for v in (iou, acc)]
        lines.append(f"{name:<{width}}  {cells[0]}  {cells[1]}")
    lines.append(
        f"\n{evaluation.images} images, {conventions.num_classes} classes: "
        f"mIoU {summary['miou']:.2f}, pixel accuracy {summary['pixel-accuracy']:.2f}, "
        f"mean accuracy {summary['mean-accuracy']:.2f}, fwIoU {summary['fwiou']:.2f}, "
        f"mean Dice {summary['mean-dice']:.2f}"
    )
    return "\n".join(lines) + "\n"
