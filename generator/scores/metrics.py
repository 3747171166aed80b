"""Segmentation metrics from label maps and confusion matrices (numpy only).

A confusion matrix has one row per ground-truth class and one column per predicted class.
Pixels whose ground truth is the ignore label are not counted. Any other value outside
[0, K) -- in the ground truth or in the prediction -- is an error that names the value (some
tools silently drop or miscount such pixels).

Conventions for scores, all on the records' 0-100 scale:
  * a class absent from both the ground truth and the prediction has an undefined IoU (NaN) and
    is left out of the means; this is what Hugging Face `evaluate`'s mean_iou and mmsegmentation
    do. Alternatives seen elsewhere count such a class as 0 (lowering mIoU) or as 1 (raising it);
  * a class absent from the ground truth has an undefined accuracy (NaN), left out likewise;
  * frequency-weighted IoU weighs each class by its share of ground-truth pixels.

Counting is the hot loop. Label maps of real data are piecewise constant, so for 8-bit maps the
flattened maps are cut into runs where either of them changes (byte comparisons), and a
histogram of the (ground truth, prediction) pair at each run start, weighted by run lengths,
gives the counts: no 64-bit temporary per pixel and no boolean mask selecting pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from generator.scores.rounding import combine

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


class LabelError(ValueError):
    """A label map holds a value that is neither a class index nor the ignore label."""

    def __init__(self, where: str, value: int, num_classes: int, ignore_index: int | None) -> None:
        allowed = f"0-{num_classes - 1}"
        if ignore_index is not None and where == "ground truth":
            allowed += f" or the ignore label {ignore_index}"
        super().__init__(f"{where} holds the value {value}, outside {allowed}")
        self.where = where
        self.value = value


def _check_shapes(gt: np.ndarray, pred: np.ndarray) -> None:
    if gt.shape != pred.shape:
        raise ValueError(f"ground truth is {gt.shape} but prediction is {pred.shape}")


def _pair_histogram_uint8(gt: NDArray[np.uint8], pred: NDArray[np.uint8]) -> IntArray:
    """A 256 x 256 table of (gt value, pred value) pixel counts, by runs of equal pairs.

    A run ends where the ground truth or the prediction changes; both comparisons stay on
    bytes, and the 16-bit code (gt << 8 | pred) is built only for the first pixel of each run.
    """
    g, p = gt.reshape(-1), pred.reshape(-1)
    if g.size == 0:
        return np.zeros((256, 256), dtype=np.int64)
    change = g[1:] != g[:-1]
    change |= p[1:] != p[:-1]
    starts = np.flatnonzero(change)
    starts += 1
    bounds = np.concatenate(([0], starts, [g.size]))
    first = bounds[:-1]
    codes = g[first].astype(np.uint16)
    codes <<= 8
    codes |= p[first]
    counts = np.bincount(codes, weights=np.diff(bounds), minlength=65536)
    return np.rint(counts).astype(np.int64).reshape(256, 256)


def _pair_histogram_general(
    gt: np.ndarray, pred: np.ndarray, num_classes: int, ignore_index: int | None
) -> IntArray:
    """The same table for other integer types, checked first (slower: one pass per check)."""
    gt = gt.reshape(-1).astype(np.int64)
    pred = pred.reshape(-1).astype(np.int64)
    keep = np.ones(gt.shape, dtype=bool) if ignore_index is None else gt != ignore_index
    bad_gt = keep & ((gt < 0) | (gt >= num_classes))
    if bad_gt.any():
        raise LabelError("ground truth", int(gt[bad_gt][0]), num_classes, ignore_index)
    bad_pred = keep & ((pred < 0) | (pred >= num_classes))
    if bad_pred.any():
        raise LabelError("prediction", int(pred[bad_pred][0]), num_classes, ignore_index)
    counts = np.bincount(num_classes * gt[keep] + pred[keep], minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


def confusion_matrix(
    gt: np.ndarray, pred: np.ndarray, num_classes: int, ignore_index: int | None = 255
) -> IntArray:
    """(K, K) int64 counts: rows ground truth, columns prediction; ignored pixels skipped."""
    if num_classes < 1:
        raise ValueError("num_classes must be at least 1")
    _check_shapes(gt, pred)
    if gt.dtype != np.uint8 or pred.dtype != np.uint8 or num_classes > 256:
        return _pair_histogram_general(gt, pred, num_classes, ignore_index)
    table = _pair_histogram_uint8(gt, pred)
    if ignore_index is not None and 0 <= ignore_index < 256:
        table[ignore_index, :] = 0
    rows = np.flatnonzero(table[num_classes:].any(axis=1))
    if rows.size:
        raise LabelError("ground truth", int(rows[0]) + num_classes, num_classes, ignore_index)
    columns = np.flatnonzero(table[:num_classes, num_classes:].any(axis=0))
    if columns.size:
        raise LabelError("prediction", int(columns[0]) + num_classes, num_classes, ignore_index)
    return np.ascontiguousarray(table[:num_classes, :num_classes])


@dataclass
class ConfusionAccumulator:
    """A confusion matrix built image by image; two accumulators merge (parallel workers)."""

    num_classes: int
    ignore_index: int | None = 255
    matrix: IntArray = field(init=False)
    images: int = 0

    def __post_init__(self) -> None:
        self.matrix = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)

    def update(self, gt: np.ndarray, pred: np.ndarray) -> None:
        self.matrix += confusion_matrix(gt, pred, self.num_classes, self.ignore_index)
        self.images += 1

    def merge(self, other: ConfusionAccumulator) -> ConfusionAccumulator:
        if (other.num_classes, other.ignore_index) != (self.num_classes, self.ignore_index):
            raise ValueError("cannot merge accumulators with different classes or ignore label")
        self.matrix += other.matrix
        self.images += other.images
        return self


# --- scores from a confusion matrix ---------------------------------------------------------


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> FloatArray:
    out = np.full(numerator.shape, np.nan, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _parts(matrix: np.ndarray) -> tuple[FloatArray, FloatArray, FloatArray]:
    matrix = np.asarray(matrix, dtype=np.float64)
    tp = np.diag(matrix)
    return tp, matrix.sum(axis=0) - tp, matrix.sum(axis=1) - tp  # tp, fp, fn


def per_class_iou(matrix: np.ndarray) -> FloatArray:
    """IoU per class in [0, 1]; NaN for a class absent from ground truth and prediction."""
    tp, fp, fn = _parts(matrix)
    return _divide(tp, tp + fp + fn)


def per_class_accuracy(matrix: np.ndarray) -> FloatArray:
    """Recall per class in [0, 1]; NaN for a class absent from the ground truth."""
    tp, _, fn = _parts(matrix)
    return _divide(tp, tp + fn)


def per_class_dice(matrix: np.ndarray) -> FloatArray:
    """Dice (F1) per class in [0, 1]; NaN for a class absent from ground truth and prediction."""
    tp, fp, fn = _parts(matrix)
    return _divide(2 * tp, 2 * tp + fp + fn)


def _nanmean(values: FloatArray) -> float:
    present = values[~np.isnan(values)]
    return float(present.mean()) if present.size else float("nan")


def mean_iou(matrix: np.ndarray) -> float:
    return 100 * _nanmean(per_class_iou(matrix))


def pixel_accuracy(matrix: np.ndarray) -> float:
    matrix = np.asarray(matrix, dtype=np.float64)
    total = matrix.sum()
    return 100 * float(np.trace(matrix) / total) if total else float("nan")


def mean_accuracy(matrix: np.ndarray) -> float:
    return 100 * _nanmean(per_class_accuracy(matrix))


def frequency_weighted_iou(matrix: np.ndarray) -> float:
    matrix = np.asarray(matrix, dtype=np.float64)
    total = matrix.sum()
    if not total:
        return float("nan")
    frequency = matrix.sum(axis=1) / total
    iou = per_class_iou(matrix)
    present = ~np.isnan(iou)
    return 100 * float((frequency[present] * iou[present]).sum())


def mean_dice(matrix: np.ndarray) -> float:
    return 100 * _nanmean(per_class_dice(matrix))


def scene_parsing_score(matrix: np.ndarray) -> float:
    """ADE20K's challenge score: the mean of pixel accuracy and mIoU."""
    return combine([pixel_accuracy(matrix), mean_iou(matrix)])


# Metric ids of data/metrics.yaml -> how to compute them from a confusion matrix.
SCORERS = {
    "miou": mean_iou,
    "pixel-accuracy": pixel_accuracy,
    "mean-accuracy": mean_accuracy,
    "fwiou": frequency_weighted_iou,
    "mean-dice": mean_dice,
    "scene-parsing-score": scene_parsing_score,
}


def scores(matrix: np.ndarray) -> dict[str, float]:
    """Every metric of the catalogue that a confusion matrix determines, on a 0-100 scale."""
    return {metric: scorer(matrix) for metric, scorer in SCORERS.items()}


# --- dataset label conventions --------------------------------------------------------------


def reduce_zero_label(labels: NDArray[np.uint8], ignore_index: int = 255) -> NDArray[np.uint8]:
    """ADE20K: 0 ('other') becomes the ignore label, every other label moves down by one."""
    if labels.dtype != np.uint8:
        raise TypeError("reduce_zero_label expects uint8 label maps")
    table = np.arange(256, dtype=np.int16) - 1
    table[0] = ignore_index
    table[ignore_index] = ignore_index
    return table.astype(np.uint8)[labels]


def label_lookup(pairs: list[tuple[int, int]], ignore_index: int = 255) -> NDArray[np.uint8]:
    """A 256-entry table mapping label ids to train ids; unlisted ids go to the ignore label."""
    table = np.full(256, ignore_index, dtype=np.uint8)
    for label_id, train_id in pairs:
        table[label_id] = train_id
    return table


def map_labels(labels: NDArray[np.uint8], table: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Cityscapes: label ids to train ids through a lookup table, staying uint8."""
    return table[labels]
