"""The metric module against a deliberately naive implementation, and its conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from generator.scores import metrics as m

IGNORE = 255


def naive_matrix(gt: np.ndarray, pred: np.ndarray, k: int, ignore: int | None) -> list[list[int]]:
    matrix = [[0] * k for _ in range(k)]
    for g, p in zip(gt.ravel().tolist(), pred.ravel().tolist(), strict=True):
        if ignore is not None and g == ignore:
            continue
        matrix[g][p] += 1
    return matrix


def naive_scores(matrix: list[list[int]]) -> dict[str, float]:
    k = len(matrix)
    tp = [matrix[i][i] for i in range(k)]
    gt = [sum(matrix[i]) for i in range(k)]
    pr = [sum(matrix[r][i] for r in range(k)) for i in range(k)]
    total = sum(gt)
    ious = [tp[i] / (gt[i] + pr[i] - tp[i]) for i in range(k) if gt[i] + pr[i] - tp[i] > 0]
    accs = [tp[i] / gt[i] for i in range(k) if gt[i] > 0]
    dice = [2 * tp[i] / (gt[i] + pr[i]) for i in range(k) if gt[i] + pr[i] > 0]
    fw = sum(
        gt[i] / total * tp[i] / (gt[i] + pr[i] - tp[i])
        for i in range(k)
        if gt[i] + pr[i] - tp[i] > 0
    )
    miou = 100 * sum(ious) / len(ious)
    pa = 100 * sum(tp) / total
    return {
        "miou": miou,
        "pixel-accuracy": pa,
        "mean-accuracy": 100 * sum(accs) / len(accs),
        "fwiou": 100 * fw,
        "mean-dice": 100 * sum(dice) / len(dice),
        "scene-parsing-score": (pa + miou) / 2,
    }


@st.composite
def label_maps(draw: st.DrawFn, blocky: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
    k = draw(st.integers(1, 12))
    shape = draw(st.tuples(st.integers(1, 24), st.integers(1, 24)))
    values = st.one_of(st.integers(0, k - 1), st.just(IGNORE))
    gt = draw(hnp.arrays(np.uint8, shape, elements=values))
    pred = draw(hnp.arrays(np.uint8, shape, elements=st.integers(0, k - 1)))
    if blocky:  # long runs, like real label maps
        gt = np.repeat(gt, 7, axis=1)
        pred = np.repeat(pred, 7, axis=1)
    return gt, pred, k


@settings(max_examples=200, deadline=None)
@given(label_maps())
def test_matrix_equals_naive_counting(case: tuple[np.ndarray, np.ndarray, int]) -> None:
    gt, pred, k = case
    assert m.confusion_matrix(gt, pred, k).tolist() == naive_matrix(gt, pred, k, IGNORE)


@settings(max_examples=100, deadline=None)
@given(label_maps(blocky=True))
def test_runs_and_other_dtypes_count_the_same(case: tuple[np.ndarray, np.ndarray, int]) -> None:
    gt, pred, k = case
    expected = naive_matrix(gt, pred, k, IGNORE)
    assert m.confusion_matrix(gt, pred, k).tolist() == expected
    wide = m.confusion_matrix(gt.astype(np.int32), pred.astype(np.int64), k)
    assert wide.tolist() == expected


@settings(max_examples=200, deadline=None)
@given(label_maps())
def test_scores_equal_naive_scores(case: tuple[np.ndarray, np.ndarray, int]) -> None:
    gt, pred, k = case
    matrix = m.confusion_matrix(gt, pred, k)
    if matrix.sum() == 0:
        return
    expected = naive_scores(matrix.tolist())
    for name, value in m.scores(matrix).items():
        assert math.isclose(value, expected[name], rel_tol=0, abs_tol=1e-12), name


@settings(max_examples=100, deadline=None)
@given(label_maps(), st.randoms(use_true_random=False))
def test_relabelling_classes_permutes_the_matrix(case, random) -> None:
    gt, pred, k = case
    order = list(range(k))
    random.shuffle(order)
    table = np.arange(256, dtype=np.uint8)
    table[:k] = order
    matrix = m.confusion_matrix(gt, pred, k)
    relabelled = m.confusion_matrix(table[gt], table[pred], k)
    # a pixel (i, j) lands in cell (order[i], order[j])
    assert (relabelled[np.ix_(order, order)] == matrix).all()
    before, after = m.mean_iou(matrix), m.mean_iou(relabelled)
    assert (math.isnan(before) and math.isnan(after)) or math.isclose(before, after, abs_tol=1e-12)


@settings(max_examples=100, deadline=None)
@given(label_maps(), label_maps())
def test_merging_equals_concatenating(first, second) -> None:
    k = max(first[2], second[2])
    one = m.ConfusionAccumulator(k)
    one.update(first[0], first[1])
    two = m.ConfusionAccumulator(k)
    two.update(second[0], second[1])
    joined = np.concatenate([first[0].ravel(), second[0].ravel()])
    joined_pred = np.concatenate([first[1].ravel(), second[1].ravel()])
    assert (one.merge(two).matrix == m.confusion_matrix(joined, joined_pred, k)).all()
    assert one.images == 2


@settings(max_examples=100, deadline=None)
@given(label_maps())
def test_a_perfect_prediction_scores_100(case: tuple[np.ndarray, np.ndarray, int]) -> None:
    gt, _, k = case
    pred = np.where(gt == IGNORE, 0, gt).astype(np.uint8)
    matrix = m.confusion_matrix(gt, pred, k)
    if matrix.sum() == 0:
        return
    for name, value in m.scores(matrix).items():
        assert value == pytest.approx(100, abs=1e-12), name


def test_absent_classes_are_left_out_of_the_means() -> None:
    matrix = np.array([[5, 0, 0], [0, 0, 0], [1, 0, 4]])
    iou = m.per_class_iou(matrix)
    assert math.isnan(iou[1])
    assert m.mean_iou(matrix) == pytest.approx(100 * (5 / 6 + 4 / 5) / 2)


def test_values_outside_the_classes_are_errors_naming_the_value() -> None:
    gt = np.array([[0, 1], [2, 255]], dtype=np.uint8)
    with pytest.raises(m.LabelError, match="ground truth holds the value 2, outside 0-1"):
        m.confusion_matrix(gt, np.zeros_like(gt), 2)
    pred = np.array([[0, 7], [1, 1]], dtype=np.uint8)
    with pytest.raises(m.LabelError, match="prediction holds the value 7, outside 0-1"):
        m.confusion_matrix(np.zeros_like(pred), pred, 2)
    with pytest.raises(m.LabelError, match="value 300"):
        m.confusion_matrix(np.array([300]), np.array([0]), 2)
    ignored = np.array([[255, 0]], dtype=np.uint8)
    assert m.confusion_matrix(ignored, np.array([[9, 0]], dtype=np.uint8), 2).sum() == 1


def test_dataset_conventions() -> None:
    ade = np.array([0, 1, 150, 255], dtype=np.uint8)
    assert m.reduce_zero_label(ade).tolist() == [255, 0, 149, 255]
    table = m.label_lookup([(7, 0), (26, 13)])
    assert m.map_labels(np.array([7, 26, 0, 33], dtype=np.uint8), table).tolist() == [
        0,
        13,
        255,
        255,
    ]
    matrix = np.array([[3, 1], [0, 4]])
    assert m.scene_parsing_score(matrix) == pytest.approx(
        (m.pixel_accuracy(matrix) + m.mean_iou(matrix)) / 2
    )
