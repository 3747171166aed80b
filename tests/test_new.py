"""`segboard new result` and `segboard new dataset`: valid records, or nothing at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.records.places import MAX_ID
from generator.records.validation import validate_repository

from .conftest import run_segboard

SCHEMAS = Path(__file__).resolve().parents[1] / "schema"

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


# --- did you mean: unknown ids in the options (issue #15, item 3) -------------------------------


def with_flag(flag: str, value: str) -> list[str]:
    """HRNET with one option's value replaced."""
    args = list(HRNET)
    args[args.index(flag) + 1] = value
    return args


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--metric", "miuo=40", "unknown metric 'miuo'; did you mean 'miou'?"),
        ("--metric", "mIoU=45.2", "unknown metric 'mIoU'; did you mean 'miou'?"),
        ("--metric", "mean_iou=45.2", "unknown metric 'mean_iou'; did you mean 'miou'?"),
        ("--dataset", "cityscape", "unknown dataset 'cityscape'; did you mean 'cityscapes'?"),
        ("--dataset", "CityScapes", "unknown dataset 'CityScapes'; did you mean 'cityscapes'?"),
        ("--split", "tset", "cityscapes has no split 'tset'; did you mean 'test'?"),
    ],
)
def test_unknown_ids_in_options_suggest_the_known_one(
    repo: Path, flag: str, value: str, message: str
) -> None:
    before = files(repo)
    completed = run_segboard(*with_flag(flag, value), cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr
    assert files(repo) == before


def test_a_paper_slug_longer_than_an_id_may_be_is_refused_before_any_file_is_touched(
    repo: Path,
) -> None:
    """A slug as long as a file name may not be once was an OSError (file name too long)."""
    before = files(repo)
    for slug in ("p" * 81, "p" * 500):
        completed = run_segboard(*with_flag("--paper", slug), cwd=repo)
        assert completed.returncode == 2, completed.stderr
        assert f"characters, and ids have at most {MAX_ID}" in completed.stderr
        assert "Traceback" not in completed.stderr
    assert files(repo) == before


def test_the_longest_id_is_the_schemas() -> None:
    """MAX_ID is the maxLength of every id and paper id the schemas define."""
    lengths = set()
    for schema in sorted(SCHEMAS.glob("*.schema.json")):
        defs = json.loads(schema.read_text(encoding="utf-8")).get("$defs", {})
        lengths |= {defs[name]["maxLength"] for name in ("id", "paperId") if name in defs}
    assert lengths == {MAX_ID}


def test_an_unknown_metric_far_from_any_gets_the_list(repo: Path) -> None:
    completed = run_segboard(*with_flag("--metric", "boundary-f1=40"), cwd=repo)
    assert completed.returncode == 2
    assert "unknown metric 'boundary-f1'" in completed.stderr
    assert "did you mean" not in completed.stderr and "miou" in completed.stderr


@pytest.mark.parametrize("value", ["miou", "45.2", "miou=", "=45.2"])
def test_a_malformed_metric_shows_a_metric_example(repo: Path, value: str) -> None:
    completed = run_segboard(*with_flag("--metric", value), cwd=repo)
    assert completed.returncode == 2
    assert "--metric miou=45.2" in completed.stderr
    assert "pascal-voc-2012" not in completed.stderr  # a dataset id is no metric example


def test_a_metric_given_twice_with_two_values_is_refused(repo: Path) -> None:
    before = files(repo)
    args = [*with_flag("--metric", "miou=40.10"), "--metric", "miou=41.20"]
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert "--metric miou is given twice (40.10 and 41.20); give the published value once" in (
        completed.stderr
    )
    assert files(repo) == before


# --- fractions of 1 on a percentage metric (issue #15, item 2) ----------------------------------


def test_a_fraction_on_a_percentage_metric_is_warned_about(repo: Path) -> None:
    completed = run_segboard(*with_flag("--metric", "miou=0.812"), cwd=repo)
    assert completed.returncode == 0, completed.stderr  # a warning: the record is written
    assert completed.stdout.splitlines()[0] == "data/results/cityscapes/test/hrnet-w48-coarse.yaml"
    [warning] = [line for line in completed.stderr.splitlines() if "metric-fraction" in line]
    assert warning.startswith("data/results/cityscapes/test/hrnet-w48-coarse.yaml:9:3: warning:")
    assert "did you mean 81.2?" in warning


def test_a_percentage_above_one_is_not_warned_about(repo: Path) -> None:
    completed = run_segboard(*HRNET, cwd=repo)
    assert completed.returncode == 0
    assert "warning" not in completed.stderr


# --- prompts check each answer as it is given (issue #15, item 4) -------------------------------


def test_a_bad_answer_is_asked_again_and_nothing_typed_is_lost(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    answers = [
        "cityscape", "cityscapes",  # dataset: a typo, then the id
        "tset", "test",  # split
        "!!!", "PSPNet-ResNet-50",  # model: no letters give no file name
        "PSPNet",
        "https://arxiv.org/abs/2413.00077", "arXiv:1612.01105",  # paper: month 13, then right
        "miou", "miuo=75.00", "miou=75.00",  # metric: no value, a typo, then right
        "paper",
        "arxiv.org/abs/1612.01105", "https://arxiv.org/abs/1612.01105",  # URL: no scheme
        "", "", "", "", "",  # the optional settings
    ]  # fmt: skip
    result = CliRunner().invoke(
        cli, ["new", "result", "--interactive"], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    output = result.output
    assert "unknown dataset 'cityscape'; did you mean 'cityscapes'?" in output
    assert "cityscapes has no split 'tset'; did you mean 'test'?" in output
    assert "gives an empty file name" in output
    assert "month 13" in output
    assert "--metric miou=45.2" in output
    assert "unknown metric 'miuo'; did you mean 'miou'?" in output
    assert "http" in output.split("arxiv.org/abs/1612.01105", 1)[1]
    record = (repo / "data/results/cityscapes/test/pspnet-resnet-50.yaml").read_text()
    assert 'paper: "1612.01105"' in record and "  miou: 75.00\n" in record
    assert output.count("dataset:") == 2 and output.count("split:") == 2  # each asked again once


def test_flags_are_checked_before_any_prompt(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(
        cli, ["new", "result", "--interactive", "--dataset", "cityscape"], input="\n" * 20
    )
    assert result.exit_code != 0
    assert "did you mean 'cityscapes'?" in str(result.exception) + result.output
    assert "split:" not in result.output  # refused before asking anything


def test_a_model_already_on_the_leaderboard_is_asked_again(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    answers = ["cityscapes", "test", "PSPNet-ResNet-101", "PSPNet-ResNet-18", "PSPNet",
               "1612.01105", "miou=70.00", "paper", "https://arxiv.org/abs/1612.01105",
               "", "", "", "", ""]  # fmt: skip
    result = CliRunner().invoke(
        cli, ["new", "result", "--interactive"], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "data/results/cityscapes/test/pspnet-resnet-101.yaml already exists" in result.output
    assert (repo / "data/results/cityscapes/test/pspnet-resnet-18.yaml").is_file()


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ("road,,car", "--classes: name 2 of 3 is empty; the names give the class indices in order"),
        ("road,car,", "--classes: name 3 of 3 is empty"),
        ("road, car, road", "--classes: 'road' is given twice (names 1 and 3)"),
    ],
)
def test_class_names_that_would_shift_or_share_an_index_are_refused(
    repo: Path, classes: str, message: str
) -> None:
    before = files(repo)
    completed = run_segboard(
        "new", "dataset", "--id", "camvid", "--name", "CamVid", "--homepage",
        "https://example.org/camvid", "--classes", classes, "--split", "val:10:public",
        "--leaderboard", "val:miou", "--description-en", "Street scenes.",
        "--description-zh", "街景。", "--no-interactive", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr
    assert files(repo) == before
