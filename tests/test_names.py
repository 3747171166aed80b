"""How the importers read names and numbers written by other tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.interop.markdown import parse_tables
from generator.interop.names import (
    dataset_names,
    method_and_backbone,
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


# --- a model name's method and backbone (issue #15, item 9) -------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "backbone"),
    [
        # the fixture's seed tables
        ("DeepLab_v3-MobileNet-v2 + COCO", "DeepLab_v3", "MobileNet-v2"),
        ("DeepLab_v3-ResNet-101", "DeepLab_v3", "ResNet-101"),
        ("DeepLab_v3-Xception-65 + ImageNet", "DeepLab_v3", "Xception-65"),
        ("PSPNet-ResNet-101 + COCO", "PSPNet", "ResNet-101"),
        ("PSPNet-ResNet-50", "PSPNet", "ResNet-50"),
        ("RefineNet-ResNet-101", "RefineNet", "ResNet-101"),
        ("ResNet-38 Model A1-2", "ResNet-38", None),
        ("ResNet-38 Model A2-2", "ResNet-38", None),
        # a network name with its depth, then what follows it
        ("ResNet-38", "ResNet-38", None),
        ("ResNet-38-Xception-65", "ResNet-38", "Xception-65"),
        ("Net-2-1-ResNet-50", "Net-2-1", "ResNet-50"),
        ("Wider or Deeper", "Wider or Deeper", None),
        ("Fancy-Net-R50 + COCO + MS", "Fancy", "Net-R50"),
    ],
)
def test_a_model_name_gives_its_method_and_backbone(
    name: str, method: str, backbone: str | None
) -> None:
    assert method_and_backbone(name) == (method, backbone)


def test_no_seed_row_gets_a_backbone_that_starts_with_a_number() -> None:
    from .conftest import FIXTURE_REPO

    seed = (FIXTURE_REPO / "seed.md").read_text(encoding="utf-8")
    names = [row.model for table in parse_tables(seed) for row in table.rows]
    assert len(names) == 13
    for name in names:
        method, backbone = method_and_backbone(name)
        assert backbone is None or backbone[0].isalpha(), (name, method, backbone)
        assert not method[-1:].isspace() and method in name
