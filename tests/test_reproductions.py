"""Settings that make scores comparable, and reproductions beside the claims they re-implement."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

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
