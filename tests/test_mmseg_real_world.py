"""Real-world import: OpenMMLab's mmsegmentation metafiles, from the wheel on PyPI.

Tests use no network. `make test` downloads the pinned wheel with pip into build/test-cache/
before pytest runs (set-up may use the network; tests may not). Without the wheel (offline set-up)
the test is skipped with the reason, unless SEGBOARD_REQUIRE_REAL_WORLD=1 (set by .ci/run).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from generator.records.validation import validate_repository

from .conftest import REPO, copy_repository, run_segboard

VERSION = "1.2.2"  # pinned in the Makefile too: the counts below are this release's
WHEEL = REPO / "build" / "test-cache" / f"mmsegmentation-{VERSION}-py3-none-any.whl"


def mmseg_wheel() -> Path:
    if WHEEL.is_file():
        return WHEEL
    reason = f"{WHEEL.relative_to(REPO)} is missing (`make test` downloads it; offline?)"
    if os.environ.get("SEGBOARD_REQUIRE_REAL_WORLD") == "1":
        pytest.fail(f"SEGBOARD_REQUIRE_REAL_WORLD=1 but {reason}")
    pytest.skip(reason)


def reasons(stderr: str) -> Counter[str]:
    """Why entries were left out, with names and numbers taken out."""
    counted: Counter[str] = Counter()
    for line in stderr.splitlines():
        if line.endswith(" [left-out]"):
            reason = line.split(": model ", 1)[1].split(": ", 1)[1].removesuffix(" [left-out]")
            counted[re.sub(r"'[^']*'", "X", reason)] += 1
    return counted


def test_mmsegmentation_metafiles_import_validate_and_build(tmp_path: Path) -> None:
    with zipfile.ZipFile(mmseg_wheel()) as archive:
        archive.extractall(tmp_path / "wheel")
    index = tmp_path / "wheel/mmseg/.mim/model-index.yml"
    root = copy_repository(tmp_path / "repo", with_site=True)
    completed = run_segboard(
        "import", "model-index", str(index),
        "--source-url", "https://github.com/open-mmlab/mmsegmentation", cwd=root,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr[-2000:]  # 1: some entries are left out
    written = completed.stdout.splitlines()
    results = [p for p in written if p.startswith("data/results/")]
    papers = [p for p in written if p.startswith("data/papers/")]
    assert (len(results), len(papers), len(written)) == (557, 26, 583)
    assert reasons(completed.stderr) == {
        # the metafiles give mIoU only; ADE20K ranks by the challenge score: never computed
        "ade20k ranks by scene-parsing-score, which the entry does not give (it gives miou)": 230,
        "unknown dataset X; add an alias to its dataset record": 110,
        "its collection names no arXiv paper": 91,
        "the name is used twice": 9,
    }
    assert "unknown dataset 'COCO-Stuff 164k'" in completed.stderr  # reported, never guessed
    assert completed.stderr.splitlines()[-1] == "wrote 583 files; left out 440 (see above)"
    by_board = Counter("/".join(p.split("/")[2:4]) for p in results)
    assert by_board == {"cityscapes/val": 433, "pascal-voc-2012/val": 104, "pascal-context/val": 20}
    report = validate_repository(root)
    assert report.errors == []
    assert run_segboard("build", cwd=root).returncode == 0
    page = (root / "site/datasets/cityscapes/index.html").read_text(encoding="utf-8")
    assert "segformer_mit-b0_8xb1-160k_cityscapes-1024x1024 + MS + Flip" in page
