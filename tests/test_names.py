"""How the importers read names and numbers written by other tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.interop.names import (
    dataset_names,
    metric_names,
    name_key,
    number_text,
    plain_text,
    split_id,
)
from generator.records.model import Catalog
from generator.records.texts import as_percent
from generator.records.validation import validate_repository


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return validate_repository(Path(__file__).resolve().parents[1]).catalog


def test_names_match_whatever_their_case_and_separators() -> None:
    assert name_key("Mean IoU") == name_key("mean_iou") == name_key(" mean-IoU ") == "mean_iou"
    assert name_key("Pascal VOC 2012 + Aug") != name_key("Pascal VOC 2012")


def test_the_tables_come_from_the_records(catalog: Catalog) -> None:
    datasets = dataset_names(catalog)
    assert datasets[name_key("scene_parse_150")].dataset == "ade20k"  # a Hub dataset id
    voc_aug = datasets[name_key("PASCAL VOC 2012 + aug")]
    assert (voc_aug.dataset, voc_aug.extra_training_data) == ("pascal-voc-2012", ("sbd",))
    assert datasets[name_key("cityscapes")].extra_training_data == ()
    metrics = metric_names(catalog)
    assert metrics["mean_iou"] == metrics["miou"] == "miou"
    assert metrics["overall_accuracy"] == metrics["aacc"] == "pixel-accuracy"
    assert metrics[name_key("mAcc")] == "mean-accuracy"
    assert "accuracy" not in metrics  # ambiguous: never mapped
    assert "score" not in metrics


def test_split_names(catalog: Catalog) -> None:
    ade20k = catalog.datasets["ade20k"]
    assert [split_id(ade20k, n) for n in ("validation", "VAL", "test", "training")] == [
        "val", "val", "test", "train",
    ]  # fmt: skip
    assert split_id(catalog.datasets["pascal-context"], "holdout") is None


@pytest.mark.parametrize(
    ("value", "text"),
    [(80.2, "80.2"), (42, "42"), ("80.20", "80.20"), (" 7.5 ", "7.5"), (1e-7, None),
     (float("nan"), None), (True, None), ("1e3", None), ("-3", None), ([1], None), (None, None)],
)  # fmt: skip
def test_number_text_takes_plain_numbers_only(value: object, text: str | None) -> None:
    assert number_text(value) == text


@pytest.mark.parametrize(
    ("fraction", "percent"),
    [("0.4236", "42.36"), ("0.5", "50"), ("1", "100"), ("0.123456789", "12.3456789")],
)
def test_fractions_become_percentages_exactly(fraction: str, percent: str) -> None:
    assert as_percent(fraction) == percent


def test_plain_text_refuses_structures() -> None:
    assert plain_text(" ADE20K ", "name") == "ADE20K"
    assert plain_text(2012, "name") == "2012"
    with pytest.raises(TypeError, match="name is list, not text"):
        plain_text(["a"], "name")
    with pytest.raises(TypeError, match="name is bool"):
        plain_text(True, "name")
