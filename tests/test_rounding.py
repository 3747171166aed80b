"""The one rounding rule, at its boundary, and the one derived-score combination."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.records.validation import validate_repository
from generator.scores import metrics
from generator.scores.rounding import agrees, combine, derived_text, half_unit
from generator.scores.verification import CLAIMED, CONSISTENT, state

from .conftest import copy_repository

RECORD = "data/results/ade20k/val/deeplab-v3-xception-65-imagenet.yaml"


@pytest.mark.parametrize(
    ("published", "value", "expected"),
    [
        ("64.08", Decimal("64.085"), True),  # exactly half a unit above: still rounds to it
        ("64.08", Decimal("64.075"), True),  # and below
        ("64.08", Decimal("64.0851"), False),
        ("64.08", Decimal("64.0749"), False),
        ("80", Decimal("80.5"), True),
        ("80", 80.6, False),
        ("80.60", 80.604, True),  # the trailing zero counts: half of 0.01
        ("80.60", 80.606, False),
    ],
)
def test_agreement_includes_the_boundary(published: str, value: Decimal, expected: bool) -> None:
    assert agrees(published, value) is expected


def test_half_unit_and_derived_text() -> None:
    assert half_unit("64.08") == Decimal("0.005")
    assert half_unit("80") == Decimal("0.5")
    assert derived_text(["41.68", "80.94"]) == "61.31"
    assert derived_text(["41.68", "80.95"]) == "61.315"  # one more decimal, to stay exact
    assert combine([Decimal("1"), Decimal("2")]) == Decimal("1.5")
    with pytest.raises(ValueError, match="cannot combine"):
        combine([1.0], "median")


def test_the_metric_module_derives_the_challenge_score_the_same_way() -> None:
    matrix = [[5, 1], [2, 7]]
    expected = combine([metrics.pixel_accuracy(matrix), metrics.mean_iou(matrix)])
    assert metrics.scene_parsing_score(matrix) == expected


def with_components(tmp_path: Path, score: str, accuracy: str, miou: str) -> Path:
    root = copy_repository(tmp_path / "repo")
    record = root / RECORD
    text = record.read_text()
    text = text.replace("scene-parsing-score: 64.08", f"scene-parsing-score: {score}")
    text = text.replace("pixel-accuracy: 82.52", f"pixel-accuracy: {accuracy}")
    record.write_text(text.replace("miou: 45.65", f"miou: {miou}"))
    return root


def test_a_derived_score_at_the_rounding_boundary_is_consistent(tmp_path: Path) -> None:
    root = with_components(tmp_path, "50.00", "80.00", "20.01")  # mean 50.005: the boundary
    report = validate_repository(root)
    assert [p for p in report.problems if p.rule == "derived-score"] == []
    [result] = [r for r in report.catalog.results if r.document.path == root / RECORD]
    assert state(report.catalog, result) == CONSISTENT


def test_a_derived_score_past_the_boundary_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = with_components(tmp_path, "50.00", "80.00", "20.02")  # mean 50.01
    report = validate_repository(root)
    [problem] = [p for p in report.problems if p.rule == "derived-score"]
    assert (problem.path, problem.line, problem.column) == (root / RECORD, 9, 3)
    assert problem.message == (
        "scene-parsing-score is 50.00, but the mean of pixel-accuracy (80.00) and miou (20.02) "
        "is 50.01; they differ by more than rounding (±0.005)"
    )
    [result] = [r for r in report.catalog.results if r.document.path == root / RECORD]
    assert state(report.catalog, result) == CLAIMED
