"""Settings that make scores comparable, and reproductions beside the claims they re-implement."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from generator.records.validation import validate_repository

from .conftest import run_segboard

CLAIM = "cityscapes/test/pspnet-resnet-101"


def add_reproduction(repo: Path, miou: str = "77.10", reproduces: str | None = CLAIM) -> None:
    args = [
        "new", "result", "--dataset", "cityscapes", "--split", "test",
        "--model", "PSPNet-R101-D8 (mmseg)", "--method", "PSPNet", "--backbone", "R-101-D8",
        "--decode-head", "PSPHead", "--paper", "1612.01105", "--metric", f"miou={miou}",
        "--pretraining-data", "imagenet-1k", "--crop-size", "512x1024",
        "--parameters", "68.1", "--flops", "2048.6",
        "--source-kind", "reproduction",
        "--source-url", "https://github.com/open-mmlab/mmsegmentation", "--no-interactive",
    ]  # fmt: skip
    if reproduces:
        args += ["--reproduces", reproduces]
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 0, completed.stderr


def test_new_result_writes_the_settings(repo: Path) -> None:
    add_reproduction(repo)
    record = yaml.safe_load(
        (repo / "data/results/cityscapes/test/pspnet-r101-d8-mmseg.yaml").read_text()
    )
    assert record["decode_head"] == "PSPHead"
    assert record["pretraining_data"] == ["imagenet-1k"]
    assert record["crop_size"] == [512, 1024]
    assert (record["parameters_m"], record["flops_g"]) == (68.1, 2048.6)
    assert record["source"]["kind"] == "reproduction" and record["reproduces"] == CLAIM


def test_a_reproduction_is_not_ranked_but_shown_beside_its_claim(repo: Path) -> None:
    add_reproduction(repo, miou="99.90")  # better than every claim: still not ranked
    boards = json.loads(run_segboard("export", "--format", "json", cwd=repo).stdout)
    [board] = [b for b in boards if (b["dataset"], b["split"]) == ("cityscapes", "test")]
    assert all(row["source"]["kind"] != "reproduction" for row in board["rows"])
    assert board["rows"][0]["score_text"] != "99.90"
    [reproduction] = board["reproductions"]
    assert (reproduction["rank"], reproduction["reproduces"]) == (0, CLAIM)
    [claim] = [row for row in board["rows"] if row["result"] == CLAIM]
    assert [r["score_text"] for r in claim["reproduced_by"]] == ["99.90"]
    rows = list(
        csv.DictReader(io.StringIO(run_segboard("export", "--format", "csv", cwd=repo).stdout))
    )
    [line] = [r for r in rows if r["result"] == "cityscapes/test/pspnet-r101-d8-mmseg"]
    assert (line["rank"], line["crop_size"], line["reproduces"]) == ("", "512x1024", CLAIM)
    [claimed] = [r for r in rows if r["result"] == CLAIM]
    assert claimed["reproduced_by"] == "cityscapes/test/pspnet-r101-d8-mmseg"


def test_the_crop_size_must_be_height_by_width(repo: Path) -> None:
    completed = run_segboard(
        "new", "result", "--dataset", "cityscapes", "--split", "test", "--model", "X",
        "--method", "X", "--paper", "1612.01105", "--metric", "miou=70", "--crop-size", "big",
        "--source-kind", "paper", "--source-url", "https://x.org/", "--no-interactive", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "--crop-size big: write HEIGHTxWIDTH, e.g. 512x512" in completed.stderr


def two_boards(repo: Path) -> None:
    dataset = repo / "data/datasets/ade20k.yaml"
    text = dataset.read_text()
    board = "  - split: val\n    metric: scene-parsing-score\n"
    assert board in text
    dataset.write_text(text.replace(board, board + "  - split: val\n    metric: miou\n"))


def test_a_split_may_have_a_leaderboard_per_metric(repo: Path) -> None:
    two_boards(repo)
    completed = run_segboard(
        "new", "result", "--dataset", "ade20k", "--split", "val", "--model", "Modern-Net",
        "--method", "Modern", "--paper", "1612.01105", "--metric", "miou=60.5",
        "--source-kind", "paper", "--source-url", "https://arxiv.org/abs/1612.01105",
        "--no-interactive", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr  # mIoU alone is enough now
    boards = json.loads(run_segboard("export", "--format", "json", cwd=repo).stdout)
    ade = [b for b in boards if (b["dataset"], b["split"]) == ("ade20k", "val")]
    assert [(b["metric"], b["key"]) for b in ade] == [
        ("scene-parsing-score", "ade20k--val"),  # the first keeps its file names
        ("miou", "ade20k--val--miou"),
    ]
    by_metric = {b["metric"]: [row["model"] for row in b["rows"]] for b in ade}
    assert by_metric["miou"] == [  # ranked by mIoU: 60.5, 45.65, 43.34, 41.68
        "Modern-Net", "DeepLab_v3-Xception-65 + ImageNet", "ResNet-38 Model A1-2",
        "PSPNet-ResNet-50",
    ]  # fmt: skip
    assert "Modern-Net" not in by_metric["scene-parsing-score"]


def test_a_result_without_any_ranking_metric_names_them_all(repo: Path) -> None:
    two_boards(repo)
    record = repo / "data/results/ade20k/val/pspnet-resnet-50.yaml"
    text = record.read_text()
    text = text.replace("  scene-parsing-score: 60.86\n", "").replace("  miou: 41.68\n", "")
    record.write_text(text)
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 1
    assert (
        "the ade20k val leaderboards rank by 'scene-parsing-score' or 'miou', but this result "
        "gives no value for any of them [missing-ranking-metric]"
    ) in completed.stdout


METAFILE = """\
Collections:
- Name: PSPNet
  Paper:
    Title: Pyramid Scene Parsing Network
    URL: https://arxiv.org/abs/1612.01105
  Frameworks: [PyTorch]
Models:
- Name: pspnet_r101-d8_4xb2-80k_cityscapes-512x1024
  In Collection: PSPNet
  Results:
    Task: Semantic Segmentation
    Dataset: Cityscapes
    Metrics:
      mIoU: 79.76
  Metadata:
    Architecture: [R-101-D8, PSPNet]
"""


def test_a_model_zoo_imports_as_reproductions_with_its_settings(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "configs" / "pspnet"
    folder.mkdir(parents=True)
    (folder / "metafile.yaml").write_text(METAFILE)
    (tmp_path / "model-index.yml").write_text("Import:\n- configs/*/metafile.yaml\n")
    base = "https://github.com/open-mmlab/mmsegmentation/blob/v1.2.2/"
    completed = run_segboard(
        "import", "model-index", str(tmp_path / "model-index.yml"), "--split", "val",
        "--source-kind", "reproduction", "--source-url", base + "{path}", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    [written] = completed.stdout.splitlines()
    record = yaml.safe_load((repo / written).read_text())
    assert record["source"] == {
        "kind": "reproduction",
        "url": base + "configs/pspnet/metafile.yaml",
        "detail": "model-index entry pspnet_r101-d8_4xb2-80k_cityscapes-512x1024",
    }
    assert (record["backbone"], record["decode_head"]) == ("R-101-D8", "PSPNet")
    assert record["crop_size"] == [512, 1024]


def test_the_site_shows_the_reproduced_figure_beside_the_claim(site_repo: Path) -> None:
    add_reproduction(site_repo, miou="77.10")
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 0, completed.stderr
    page = (site_repo / "site/datasets/cityscapes/index.html").read_text()
    row = page.split('<tr id="cityscapes--test--pspnet-resnet-101"', 1)[1].split("</tr>", 1)[0]
    assert "reproduced: 77.10" in row
    # the reproduction is a row of its own, hidden until asked for, unranked, naming the claim
    reproduction = page.split('<tr id="cityscapes--test--pspnet-r101-d8-mmseg"', 1)[1]
    reproduction = reproduction.split("</tr>", 1)[0]
    assert reproduction.startswith(' data-sb-pos="')
    assert 'data-sb-kind="reproduction"' in reproduction and " hidden>" in reproduction
    assert '<td data-label="Rank"></td>' in reproduction
    assert '<a href="#cityscapes--test--pspnet-resnet-101">PSPNet-ResNet-101</a>' in reproduction


def test_link_reproductions_links_only_an_unambiguous_match(repo: Path) -> None:
    claim = repo / "data/results/cityscapes/test/pspnet-resnet-101.yaml"
    claim.write_text(claim.read_text() + "crop_size: [512, 1024]\ndecode_head: PSPNet\n")
    add_reproduction(repo, reproduces=None)  # R-101-D8, 512x1024, PSPHead
    completed = run_segboard("link-reproductions", cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "cityscapes/test/pspnet-r101-d8-mmseg reproduces cityscapes/test/pspnet-resnet-101"
    ]
    record = repo / "data/results/cityscapes/test/pspnet-r101-d8-mmseg.yaml"
    assert yaml.safe_load(record.read_text())["reproduces"] == CLAIM
    again = run_segboard("link-reproductions", cwd=repo)  # nothing left to link
    assert again.stdout == "" and "linked 0 reproductions" in again.stderr


def test_settings_and_links_survive_the_export_round_trip(repo: Path, tmp_path: Path) -> None:
    add_reproduction(repo)
    results = repo / "data/results"
    before = {p: yaml.safe_load(p.read_text()) for p in results.rglob("*.yaml")}
    exported = tmp_path / "model-index.yml"
    written = run_segboard("export", "--format", "model-index", "-o", str(exported), cwd=repo)
    assert written.returncode == 0, written.stderr
    for path in before:
        path.unlink()
    completed = run_segboard("import", "model-index", str(exported), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    after = {p: yaml.safe_load(p.read_text()) for p in results.rglob("*.yaml")}
    assert after == before  # the settings and `reproduces` come back exactly


@pytest.mark.parametrize(
    ("ending", "linked"),
    [("...\n", False), ("# the end, without a line break", True), ("\n\n\n", True)],
    ids=["document-end", "comment", "blank-lines"],
)
def test_linking_never_leaves_a_record_that_does_not_validate(
    repo: Path, ending: str, linked: bool
) -> None:
    """`reproduces:` is added to the end of the record's text. A record that ends where an added
    line would be read differently (after '...', YAML's end of a document) is named and left as
    it was, exit status 1; the others are linked, and every record still validates."""
    claim = repo / "data/results/cityscapes/test/pspnet-resnet-101.yaml"
    claim.write_text(claim.read_text() + "crop_size: [512, 1024]\ndecode_head: PSPNet\n")
    add_reproduction(repo, reproduces=None)
    record = repo / "data/results/cityscapes/test/pspnet-r101-d8-mmseg.yaml"
    record.write_text(record.read_text() + ending)
    assert validate_repository(repo).ok
    before = record.read_text()
    completed = run_segboard("link-reproductions", cwd=repo)
    assert "Traceback" not in completed.stderr
    report = validate_repository(repo)
    assert report.ok, report.errors
    if linked:
        assert completed.returncode == 0, completed.stderr
        assert yaml.safe_load(record.read_text())["reproduces"] == CLAIM
    else:
        assert completed.returncode == 1, completed.stderr
        assert record.read_text() == before
        assert f"{record}: adding 'reproduces: {CLAIM}' at its end would change" in (
            completed.stderr
        )
        assert "linked 0 reproductions; 1 left for you to link" in completed.stderr
