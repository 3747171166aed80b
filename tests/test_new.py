"""`segboard new result` and `segboard new dataset`: valid records, or nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.records.validation import validate_repository

from .conftest import run_segboard

HRNET = [
    "new", "result", "--dataset", "cityscapes", "--split", "test",
    "--model", "HRNet-W48 + Coarse", "--method", "HRNet", "--backbone", "HRNetV2-W48",
    "--paper", "1904.04514",
    "--paper-title", "Deep High-Resolution Representation Learning for Visual Recognition",
    "--metric", "miou=81.60", "--weights", "PyTorch=https://example.org/hrnet.pth?x=1",
    "--source-kind", "paper", "--source-url", "https://arxiv.org/abs/1904.04514",
]  # fmt: skip


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in (root / "data").rglob("*") if p.is_file()}


def test_new_result_writes_a_valid_record_and_its_paper(repo: Path) -> None:
    completed = run_segboard(*HRNET, cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "data/results/cityscapes/test/hrnet-w48-coarse.yaml",
        "data/papers/1904.04514.yaml",
    ]
    record = (repo / "data/results/cityscapes/test/hrnet-w48-coarse.yaml").read_text()
    assert record.startswith(
        "# yaml-language-server: $schema=../../../../schema/result.schema.json"
    )
    assert "  miou: 81.60\n" in record  # as published, decimals kept
    assert "extra_training_data: [cityscapes-coarse]" in record  # from the name's suffix
    assert 'date: "2019-04"' in (repo / "data/papers/1904.04514.yaml").read_text()
    report = validate_repository(repo)
    assert report.problems == []


def test_new_never_overwrites(repo: Path) -> None:
    assert run_segboard(*HRNET, cwd=repo).returncode == 0
    before = (repo / "data/results/cityscapes/test/hrnet-w48-coarse.yaml").read_text()
    again = run_segboard(*HRNET, cwd=repo)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert (repo / "data/results/cityscapes/test/hrnet-w48-coarse.yaml").read_text() == before


def test_an_invalid_record_leaves_nothing_behind(repo: Path) -> None:
    before = files(repo)
    args = [a if a != "miou=81.60" else "miou=181.60" for a in HRNET]
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 1
    assert "nothing was written" in completed.stderr and "metric-range" in completed.stderr
    assert files(repo) == before


def test_missing_values_are_usage_errors_when_not_on_a_terminal(repo: Path) -> None:
    completed = run_segboard("new", "result", "--dataset", "cityscapes", cwd=repo)
    assert completed.returncode == 2
    assert "missing: --split, --model, --method, --paper, --metric" in completed.stderr


def test_new_result_asks_on_a_terminal(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    answers = "cityscapes\ntest\nPSPNet-ResNet-50\nPSPNet\n1612.01105\nmiou=75.00\npaper\n"
    answers += "https://arxiv.org/abs/1612.01105\n"
    answers += "\n" * 5  # the optional settings: Enter skips each
    result = CliRunner().invoke(cli, ["new", "result", "--interactive"], input=answers)
    assert result.exit_code == 0, result.output
    assert (repo / "data/results/cityscapes/test/pspnet-resnet-50.yaml").is_file()


def test_new_result_asks_for_the_settings_too(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    answers = "cityscapes\ntest\nPSPNet-ResNet-50\nPSPNet\n1612.01105\nmiou=75.00\npaper\n"
    answers += "https://arxiv.org/abs/1612.01105\nResNet-50\nPPM\n49.1\n\n713x713\n"
    result = CliRunner().invoke(cli, ["new", "result", "--interactive"], input=answers)
    assert result.exit_code == 0, result.output
    record = (repo / "data/results/cityscapes/test/pspnet-resnet-50.yaml").read_text()
    assert 'backbone: "ResNet-50"' in record and 'decode_head: "PPM"' in record
    assert "crop_size: [713, 713]" in record and "parameters_m: 49.1" in record
    assert "flops_g" not in record


def test_new_dataset_then_a_result_on_it(repo: Path) -> None:
    completed = run_segboard(
        "new", "dataset", "--id", "camvid", "--name", "CamVid",
        "--homepage", "https://example.org/camvid", "--classes", "sky, building, road",
        "--split", "train:367:public", "--split", "test:233:public",
        "--leaderboard", "test:miou",
        "--description-en", "Driving videos from Cambridge, labelled frame by frame.",
        "--description-zh", "剑桥的驾驶视频，逐帧标注。",
        cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "data/datasets/camvid.yaml"
    result = run_segboard(
        "new", "result", "--dataset", "camvid", "--split", "test", "--model", "SegNet",
        "--method", "SegNet", "--paper", "1612.01105", "--metric", "miou=60.10",
        "--source-kind", "paper", "--source-url", "https://arxiv.org/abs/1612.01105",
        cwd=repo,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert validate_repository(repo).problems == []
