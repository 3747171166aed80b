"""`segboard import markdown`: the seed's tables come back as the records in data/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from generator.validate import validate_repository

from .conftest import REPO, run_segboard
from .test_seed import SEED, TABLES, as_published

SOTA_CV = "https://github.com/Lextal/SotA-CV/blob/master/content/semantic_segmentation.md"


def split_seed(folder: Path) -> list[tuple[Path, str, str]]:
    chunks = re.split(r"\n### ", SEED.read_text(encoding="utf-8"))[1:]
    files = []
    for index, ((dataset, split), chunk) in enumerate(zip(TABLES, chunks, strict=True)):
        path = folder / f"table-{index}.md"
        path.write_text("### " + chunk, encoding="utf-8")
        files.append((path, dataset, split))
    return files


def published(root: Path) -> dict[tuple[str, str, str], dict]:
    records = {}
    for path in (root / "data/results").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = as_published(data, data.get("curation", []))
        metric = "scene-parsing-score" if data["dataset"] == "ade20k" else "miou"
        score = data["metrics"][metric]
        records[(data["dataset"], data["split"], data["model"])] = {
            "score": float(score),
            "weights": [(w["url"], w["framework"]) for w in data.get("weights", [])],
            "paper": data["paper"],
        }
    return records


def test_importing_the_seed_reproduces_the_records(repo: Path, tmp_path: Path) -> None:
    shutil.rmtree(repo / "data/results")
    for path, dataset, split in split_seed(tmp_path):
        completed = run_segboard(
            "import", "markdown", str(path), "--dataset", dataset, "--split", split,
            "--source-url", SOTA_CV, cwd=repo,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
    assert published(repo) == published(REPO)  # every row, as published
    assert validate_repository(repo).errors == []


def test_suffixes_become_structured_fields(repo: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.md"
    table.write_text(
        "| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n"
        "| Fancy-Net-R50 + COCO + MS | 71.25 | N/A | [paper](https://arxiv.org/abs/1612.01105) "
        "| N/A |\n"
    )
    completed = run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/t", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    record = yaml.safe_load(
        (repo / "data/results/cityscapes/val/fancy-net-r50-coco-ms.yaml").read_text()
    )
    assert record["extra_training_data"] == ["coco"]
    assert record["test_time_augmentation"] == ["multi-scale"]
    assert record["method"] == "Fancy" and record["backbone"] == "Net-R50"
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
    assert "line 6: the score 'about 70' is not a number" in completed.stderr
    assert "line 7: 2 cells, expected 5" in completed.stderr
    assert "line 8: the weights cell 'see the repo' holds no link" in completed.stderr
    assert "line 8: paper 2101.00001 has no record; add it, or give --paper-title" in (
        completed.stderr
    )
    assert sorted((repo / "data").rglob("*.yaml")) == before
