"""Exports to model-index and Hugging Face model cards, read back with those projects' tools."""

from __future__ import annotations

import json
import re
from pathlib import Path

import huggingface_hub as hub
import modelindex
import pytest

from generator.records.validation import validate_repository

from .conftest import FIXTURE_RESULTS, run_segboard


def test_model_index_loads_with_the_model_index_package(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "model-index.yml"
    completed = run_segboard("export", "--format", "model-index", "-o", str(target), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    index = modelindex.load(str(target))
    models = {model.name: model for model in index.models}
    assert len(models) == FIXTURE_RESULTS
    psp = models["cityscapes/test/pspnet-resnet-101-coarse"]
    assert psp.in_collection == "1612.01105"
    [result] = psp.results
    assert result.dataset == "Cityscapes" and result.metrics["mIoU"] == 80.2
    extras = psp.metadata.data["segboard"]  # what model-index has no field for
    text = target.read_text()
    assert "metrics_as_published:" in text and "miou: '80.20'" in text  # nothing lost
    assert extras["model"] == "PSPNet-ResNet-101 + Coarse"
    assert extras["extra_training_data"] == ["cityscapes-coarse"]
    assert extras["verification"] == "claimed"
    assert extras["corrections"]["model"] == "PSPNet-ResNet-101 + COCO"  # the published name
    resnet = models["ade20k/val/resnet-38-model-a1-2"].metadata.data["segboard"]
    assert resnet["corrections"] == {"metrics.scene-parsing-score": 61.56}


def test_hf_cards_parse_with_huggingface_hub(repo: Path, tmp_path: Path) -> None:
    completed = run_segboard("export", "--format", "hf", "-o", str(tmp_path / "cards"), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    cards = sorted((tmp_path / "cards").glob("*/README.md"))
    assert len(cards) == FIXTURE_RESULTS
    card = hub.ModelCard.load(
        tmp_path / "cards/ade20k--val--deeplab-v3-xception-65-imagenet/README.md"
    )
    results = {r.metric_type: r for r in card.data.eval_results}
    assert results["scene-parsing-score"].metric_value == 64.08
    assert results["miou"].metric_value == 45.65
    assert results["miou"].dataset_split == "val" and results["miou"].dataset_name == "ADE20K"
    assert results["miou"].task_type == "image-segmentation"
    assert results["miou"].verified is None  # never claimed: it is Hugging Face's to set
    assert "arxiv:1802.02611" in card.data.tags  # how the Hub links a card to its paper
    for path in cards:  # no `verified:` key (Hugging Face's), but segboard's own check state
        text = path.read_text()
        assert not re.search(r"^\s*verified:", text, re.MULTILINE)
        assert re.search(r"^  verification: (claimed|consistent|verified)$", text, re.MULTILINE)
    corrected = (tmp_path / "cards/ade20k--val--resnet-38-model-a1-2/README.md").read_text()
    assert "verification: consistent" in corrected
    assert "  corrections:\n    metrics.scene-parsing-score: 61.56\n" in corrected


def test_hf_export_needs_a_folder(repo: Path) -> None:
    completed = run_segboard("export", "--format", "hf", cwd=repo)
    assert completed.returncode == 2
    assert "give -o DIR" in completed.stderr


def records(root: Path) -> dict[str, dict]:
    import yaml

    return {
        str(path.relative_to(root)): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((root / "data/results").rglob("*.yaml"))
    }


@pytest.mark.parametrize(
    ("fmt", "target", "command"),
    [("hf", "cards", "hf"), ("model-index", "model-index.yml", "model-index")],
)
def test_export_then_import_gives_back_the_same_records(
    repo: Path, tmp_path: Path, fmt: str, target: str, command: str
) -> None:
    import shutil

    before = records(repo)
    texts = {p: (repo / p).read_text() for p in before}
    assert (
        run_segboard("export", "--format", fmt, "-o", str(tmp_path / target), cwd=repo).returncode
        == 0
    )
    shutil.rmtree(repo / "data/results")
    completed = run_segboard("import", command, str(tmp_path / target), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert len(completed.stdout.splitlines()) == FIXTURE_RESULTS
    assert records(repo) == before
    for path, text in texts.items():  # numbers keep their published decimals
        for line in text.splitlines():
            if line.startswith("  miou: "):
                assert line in (repo / path).read_text()


METAFILE = """\
Collections:
- Name: PSPNet
  Paper:
    Title: Pyramid Scene Parsing Network
    URL: https://arxiv.org/abs/1612.01105
Models:
- Name: pspnet_r50-d8_512x512_20k_voc12aug
  In Collection: PSPNet
  Metadata:
    backbone: R-50-D8
  Results:
  - Task: Semantic Segmentation
    Dataset: Pascal VOC 2012 + Aug
    Metrics:
      mIoU: 76.78
      mIoU(ms+flip): 77.39
  Weights: https://download.example.org/pspnet_voc.pth
- Name: pspnet_r50-d8_512x512_80k_ade20k
  In Collection: PSPNet
  Results:
  - Task: Semantic Segmentation
    Dataset: ADE20K
    Metrics:
      mIoU: 41.13
      aAcc: 79.95
- Name: pspnet_r50-d8_512x512_80k_ade20k
  In Collection: PSPNet
  Results: []
- Name: pspnet_r101-d8_512x512_80k_ade20k
  In Collection: PSPNet
  Results:
    Task: Semantic Segmentation
    Dataset: ADE20K
    Metrics:
      mIoU: 43.57
- Name: pspnet_camvid
  In Collection: PSPNet
  Results:
  - Task: Semantic Segmentation
    Dataset: CamVid
    Metrics:
      mIoU: 70.0
- Name: pspnet_fscore
  In Collection: PSPNet
  Results:
  - Task: Semantic Segmentation
    Dataset: Cityscapes
    Metrics:
      mFscore: 80.0
"""
MMSEG = "https://github.com/open-mmlab/mmsegmentation"


def test_foreign_metafiles_are_mapped_and_the_rest_reported(repo: Path, tmp_path: Path) -> None:
    metafile = tmp_path / "metafile.yml"
    metafile.write_text(METAFILE)
    args = ["import", "model-index", str(metafile), "--source-url", MMSEG, "--framework", "PyTorch"]
    dry = run_segboard(*args, "--dry-run", cwd=repo)
    assert dry.returncode == 1, dry.stderr  # some entries are left out
    assert "--- data/results/pascal-voc-2012/val/pspnet-r50-d8-512x512-20k-voc12aug-sbd.yaml" in (
        dry.stdout
    )
    assert not (
        repo / "data/results/pascal-voc-2012/val/pspnet-r50-d8-512x512-20k-voc12aug-sbd.yaml"
    ).exists()
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 1, completed.stderr  # written, but not everything
    assert completed.stdout.splitlines() == [
        "data/results/pascal-voc-2012/val/pspnet-r50-d8-512x512-20k-voc12aug-sbd.yaml",
        "data/results/pascal-voc-2012/val/pspnet-r50-d8-512x512-20k-voc12aug-sbd-ms-flip.yaml",
        "data/results/ade20k/val/pspnet-r50-d8-512x512-80k-ade20k.yaml",
    ]
    assert completed.stderr.splitlines()[-1] == "wrote 3 files; left out 4 (see above)"
    import yaml

    flip = yaml.safe_load((repo / completed.stdout.splitlines()[1]).read_text())
    assert flip["model"] == "pspnet_r50-d8_512x512_20k_voc12aug + SBD + MS + Flip"
    assert flip["extra_training_data"] == ["sbd"]  # from the dataset alias
    assert flip["test_time_augmentation"] == ["multi-scale", "flip"]  # from mIoU(ms+flip)
    assert flip["metrics"] == {"miou": 77.39}
    assert flip["curation"] == [  # the metafile names no split: --split (val) says it
        {
            "field": "split",
            "action": "inferred",
            "reason": "The source names no split; val was given on import (--split).",
        }
    ]
    assert flip["weights"] == [
        {"url": "https://download.example.org/pspnet_voc.pth", "framework": "PyTorch"}
    ]
    stderr = completed.stderr
    assert (
        "model 'pspnet_r101-d8_512x512_80k_ade20k': ade20k ranks by scene-parsing-score, which "
        "the entry does not give (it gives miou)" in stderr
    )
    assert "model 'pspnet_r50-d8_512x512_80k_ade20k': the name is used twice" in stderr
    ade20k = yaml.safe_load((repo / completed.stdout.splitlines()[2]).read_text())
    # the challenge score that ranks ADE20K is the mean of the two given components
    assert ade20k["metrics"] == {"miou": 41.13, "pixel-accuracy": 79.95,
                                 "scene-parsing-score": 60.54}  # fmt: skip
    assert ade20k["curation"][-1] == {
        "field": "metrics.scene-parsing-score", "action": "added",
        "reason": "The source gives pixel accuracy and mean intersection over union but not "
                  "this score; it is their mean, computed on import.",
    }  # fmt: skip
    assert "unknown dataset 'CamVid'" in stderr
    assert "metric 'mFscore' = 80.0 is not one segboard knows" in stderr
    assert validate_repository(repo).errors == []


def test_an_unreadable_metafile_is_reported_and_the_others_imported(
    repo: Path, tmp_path: Path
) -> None:
    (tmp_path / "configs/pspnet").mkdir(parents=True)
    (tmp_path / "configs/pspnet/metafile.yml").write_text(METAFILE)
    (tmp_path / "configs/broken").mkdir()
    (tmp_path / "configs/broken/metafile.yml").write_text("Models: [unclosed\n")
    index = tmp_path / "model-index.yml"
    index.write_text("Import:\n- configs/*/metafile.yml\n")
    args = ["import", "model-index", str(index), "--source-url", MMSEG, "--framework", "PyTorch"]
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 1
    # at the bracket that the file leaves open, not past its last line
    assert f"{tmp_path}/configs/broken/metafile.yml:1:9: error: invalid YAML" in completed.stderr
    assert "data/results/pascal-voc-2012/val/pspnet-r50-d8-512x512-20k-voc12aug-sbd.yaml" in (
        completed.stdout.splitlines()
    )


def test_foreign_files_need_a_source(repo: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "model-index.yml"
    foreign.write_text("Models:\n  - Name: pspnet_r50\n    Results: []\n")
    completed = run_segboard("import", "model-index", str(foreign), cwd=repo)
    assert completed.returncode == 2
    assert "give --source-url" in completed.stderr


def test_foreign_values_that_fail_validation_are_left_out(repo: Path, tmp_path: Path) -> None:
    metafile = tmp_path / "metafile.yml"
    metafile.write_text(
        METAFILE.replace("mIoU(ms+flip): 77.39", "mIoU(ms+flip): 177.39")  # out of range
    )
    args = ["import", "model-index", str(metafile), "--source-url", MMSEG, "--framework", "PyTorch"]
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.splitlines() == [
        "data/results/pascal-voc-2012/val/pspnet-r50-d8-512x512-20k-voc12aug-sbd.yaml",
        "data/results/ade20k/val/pspnet-r50-d8-512x512-80k-ade20k.yaml",
    ]
    assert "miou is 177.39, outside its range [0, 100]" in completed.stderr
    assert not (
        repo
        / "data/results/pascal-voc-2012/val/pspnet-r50-d8-512x512-20k-voc12aug-sbd-ms-flip.yaml"
    ).exists()
    assert validate_repository(repo).errors == []


def test_a_model_card_shows_names_as_text_not_markup(repo: Path, tmp_path: Path) -> None:
    """The card's Markdown body writes names escaped: HTML, a '|' or a ']' in a model name or
    a paper title shows as itself on the Hub, and the paper link keeps its address."""
    record = repo / "data/results/cityscapes/test/pspnet-resnet-101.yaml"
    hostile = "PSPNet <b>bold</b> | *star* [x](javascript:alert(1))"
    text = record.read_text()
    record.write_text(text.replace("model: PSPNet-ResNet-101", f"model: {json.dumps(hostile)}"))
    completed = run_segboard("export", "--format", "hf", "-o", str(tmp_path / "cards"), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    card = (tmp_path / "cards/cityscapes--test--pspnet-resnet-101/README.md").read_text()
    body = card.split("\n---\n", 1)[1]
    assert "<b>" not in body and "](javascript:" not in body
    assert (
        "# PSPNet &lt;b&gt;bold&lt;/b&gt; \\| \\*star\\* \\[x\\]\\(javascript:alert\\(1\\)\\)"
        in body
    )
    assert "[Pyramid Scene Parsing Network](<https://arxiv.org/abs/1612.01105>)" in body
    front = hub.ModelCard.load(tmp_path / "cards/cityscapes--test--pspnet-resnet-101/README.md")
    assert front.data.model_name == hostile  # the front matter keeps the name as it is
