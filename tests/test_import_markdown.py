"""`segboard import markdown`: the seed's tables come back as the records they became."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from generator.contrib.seed import SeedConfig, as_published, check_seed
from generator.interop.markdown import TableRow, parse_tables
from generator.records.validation import validate_repository

from .conftest import run_segboard

SOTA_CV = "https://github.com/Lextal/SotA-CV/blob/master/content/semantic_segmentation.md"


def split_seed(root: Path, folder: Path) -> list[tuple[Path, str, str]]:
    """The fixture's seed tables, one file each, with the leaderboard each became."""
    config = SeedConfig.from_pyproject(root)
    assert config is not None
    lines = config.file.read_text(encoding="utf-8").splitlines()
    files = []
    for index, ((dataset, split), table) in enumerate(
        zip(config.tables, parse_tables("\n".join(lines)), strict=True)
    ):
        path = folder / f"table-{index}.md"
        end = table.rows[-1].line
        path.write_text("\n".join(lines[table.line - 1 : end]) + "\n", encoding="utf-8")
        files.append((path, dataset, split))
    return files


def published(root: Path) -> dict[tuple[str, str, str], dict]:
    """Every result as published (curation undone): its leaderboard, name, score, links."""
    catalog = validate_repository(root).catalog
    metric_of = {(b.dataset, b.split): b.metric for b in catalog.leaderboards()}
    records = {}
    for result in catalog.results:
        data = as_published(result.document.data, result)
        key = (data["dataset"], data["split"], data["model"])
        records[key] = {
            "score": float(data["metrics"][metric_of[key[:2]]]),
            "weights": [(w["url"], w["framework"]) for w in data.get("weights", [])],
            "paper": catalog.papers[data["paper"]].url,
        }
    return records


def test_importing_the_seed_gives_back_its_records(repo: Path, tmp_path: Path) -> None:
    before = published(repo)
    shutil.rmtree(repo / "data/results")
    for path, dataset, split in split_seed(repo, tmp_path):
        completed = run_segboard(
            "import", "markdown", str(path), "--dataset", dataset, "--split", split,
            "--source-url", SOTA_CV, cwd=repo,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
    imported = published(repo)
    assert len(imported) == 13  # every seed row, each as the fixture's record publishes it
    assert imported == {key: before[key] for key in imported}
    config = SeedConfig.from_pyproject(repo)
    assert config is not None
    report = check_seed(validate_repository(repo).catalog, config)
    assert report.problems == []
    assert validate_repository(repo).errors == []
    text = (repo / "data/results/cityscapes/val/resnet-38-model-a2-2.yaml").read_text()
    assert yaml.safe_load(text)["source"]["detail"] == "table-2.md, line 3"


def import_row(repo: Path, tmp_path: Path, row: str) -> dict:
    """The record `segboard import markdown` writes for a table of one row, into Cityscapes val."""
    table = tmp_path / "t.md"
    table.write_text(f"| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n{row}\n")
    before = set((repo / "data/results/cityscapes/val").iterdir())
    completed = run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/t", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    (written,) = set((repo / "data/results/cityscapes/val").iterdir()) - before
    record: dict = yaml.safe_load(written.read_text())
    record["file"] = written.name
    return record


def test_suffixes_become_structured_fields(repo: Path, tmp_path: Path) -> None:
    paper = "[paper](https://arxiv.org/abs/1612.01105)"
    record = import_row(
        repo, tmp_path, f"| Fancy-Net-R50 + COCO + MS | 71.25 | N/A | {paper} | N/A |"
    )
    assert record["file"] == "fancy-net-r50-coco-ms.yaml"
    assert record["extra_training_data"] == ["coco"]
    assert record["test_time_augmentation"] == ["multi-scale"]
    assert record["method"] == "Fancy" and record["backbone"] == "Net-R50"
    assert record["metrics"] == {"miou": 71.25}


def test_an_escaped_pipe_stays_in_its_cell_and_escapes_read_as_text(
    repo: Path, tmp_path: Path
) -> None:
    """As on GitHub, '\\|' is a pipe inside its cell and '\\*' an asterisk, even at the end
    of a cell; a row's closing pipe is optional."""
    assert parse_tables(
        "| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n"
        "| A \\| B \\*x\\* | 70.1 | N/A | N/A | N/A\n"
        "| C\\| | 70.2 | N/A | N/A | N/A |\n"
    )[0].rows == [
        TableRow(3, "A | B *x*", "70.1", [], None),
        TableRow(4, "C|", "70.2", [], None),
    ]
    paper = "[paper](https://arxiv.org/abs/1612.01105)"
    record = import_row(repo, tmp_path, f"| Net \\| Abl \\<b\\> | 71.25 | N/A | {paper} | N/A |")
    assert record["model"] == "Net | Abl <b>"
    assert record["metrics"] == {"miou": 71.25}


def test_unreadable_rows_are_reported_with_their_line_and_nothing_is_written(
    repo: Path, tmp_path: Path
) -> None:
    table = tmp_path / "t.md"
    table.write_text(
        "# A table\n\n| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n"
        "| Good-Net | 70.10 | N/A | [paper](https://arxiv.org/abs/1612.01105) | N/A |\n"
        "| Bad-Net | about 70 | N/A | [paper](https://arxiv.org/abs/1612.01105) | N/A |\n"
        "| Short-Net | 70.00 |\n"
        "| New-Net | 69.00 | see the repo | [paper](https://arxiv.org/abs/2101.00001) | N/A |\n"
    )
    before = sorted((repo / "data").rglob("*.yaml"))
    completed = run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/t", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "t.md:6:1: error: the score 'about 70' is not a number [left-out]" in completed.stderr
    assert "t.md:7:1: error: 2 cells, expected 5 [left-out]" in completed.stderr
    assert "t.md:8:1: error: the weights cell 'see the repo' holds no link" in completed.stderr
    assert "t.md:8:1: error: paper 2101.00001 has no record; add it, or give --paper-title" in (
        completed.stderr
    )
    assert sorted((repo / "data").rglob("*.yaml")) == before


# --- the Code column and model names (issue #15, item 9) ----------------------------------------

CODE_TABLE = (
    "| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n"
    "| ResNet-38 Model A1-2 | 61.10 | N/A | [paper](https://arxiv.org/abs/2405.00077) "
    "| [MXNet](https://github.com/example/resnet38) |\n"
    "| ResNet-38 Model A2-2 | 62.20 | N/A | [paper](https://arxiv.org/abs/2405.00077) "
    "| [MXNet](https://github.com/example/resnet38) "
    "[PyTorch](https://github.com/example/r38-pt) |\n"
)


def test_code_links_go_into_a_new_paper_record(repo: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.md"
    table.write_text(CODE_TABLE)
    completed = run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/t", "--paper-title", "2405.00077=Deeper Nets",
        cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    paper = yaml.safe_load((repo / "data/papers/2405.00077.yaml").read_text())
    assert paper["code"] == [  # each link once, in the table's order
        {"url": "https://github.com/example/resnet38", "framework": "MXNet", "official": False},
        {"url": "https://github.com/example/r38-pt", "framework": "PyTorch", "official": False},
    ]
    record = yaml.safe_load(
        (repo / "data/results/cityscapes/val/resnet-38-model-a1-2.yaml").read_text()
    )
    assert record["method"] == "ResNet-38" and "backbone" not in record
    assert validate_repository(repo).problems == []


def test_a_code_link_an_existing_paper_lacks_is_reported(repo: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.md"
    table.write_text(
        "| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n"
        "| PSPNet-ResNet-18 | 61.10 | N/A | [paper](https://arxiv.org/abs/1612.01105) "
        "| [Caffe](https://github.com/hszhao/PSPNet) [PyTorch](https://github.com/x/pspnet) |\n"
    )
    completed = run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/t", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr  # the result is imported
    assert (repo / "data/results/cityscapes/val/pspnet-resnet-18.yaml").is_file()
    assert "t.md:3:1: warning: " in completed.stderr
    assert "https://github.com/x/pspnet" in completed.stderr
    assert "data/papers/1612.01105.yaml" in completed.stderr
    assert "hszhao" not in completed.stderr  # the paper lists that one already


def test_a_name_too_long_for_a_file_name_is_left_out(repo: Path, tmp_path: Path) -> None:
    """A model name whose file name would pass the file system's limit is a finding, not a
    crash, in a dry run and in a real one."""
    table = tmp_path / "t.md"
    table.write_text(
        "| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n"
        f"| {'N' * 400} | 70.10 | N/A | [paper](https://arxiv.org/abs/1612.01105) | N/A |\n"
    )
    before = sorted((repo / "data").rglob("*.yaml"))
    for dry_run in (["--dry-run"], []):
        completed = run_segboard(
            "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
            "--source-url", "https://example.org/t", *dry_run, cwd=repo,
        )  # fmt: skip
        assert completed.returncode == 1, completed.stderr
        assert "t.md:3:1: error: the name 'NNN" in completed.stderr
        assert "gives a file name of 400 characters, more than 100; shorten the name" in (
            completed.stderr
        )
    assert sorted((repo / "data").rglob("*.yaml")) == before
