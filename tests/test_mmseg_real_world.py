"""Real-world import: OpenMMLab's mmsegmentation metafiles, from the wheel on PyPI.

Tests use no network by default. The wheel is taken from build/test-cache/ when it is there;
otherwise, with SEGBOARD_NETWORK_TESTS=1, pip downloads it into that cache first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.validate import validate_repository

from .conftest import REPO, copy_repository, run_segboard

CACHE = REPO / "build" / "test-cache"


def mmseg_wheel() -> Path:
    wheels = sorted(CACHE.glob("mmsegmentation-*.whl"))
    if wheels:
        return wheels[-1]
    if os.environ.get("SEGBOARD_NETWORK_TESTS") != "1":
        pytest.skip("the mmsegmentation wheel is not cached; SEGBOARD_NETWORK_TESTS=1 fetches it")
    CACHE.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(CACHE),
         "mmsegmentation"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    wheels = sorted(CACHE.glob("mmsegmentation-*.whl"))
    if completed.returncode != 0 or not wheels:
        pytest.skip(f"cannot fetch mmsegmentation (offline?): {completed.stderr.strip()[:200]}")
    return wheels[-1]


def test_mmsegmentation_metafiles_import_validate_and_build(tmp_path: Path) -> None:
    wheel = mmseg_wheel()
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "wheel")
    index = tmp_path / "wheel/mmseg/.mim/model-index.yml"
    root = copy_repository(tmp_path / "repo", with_site=True)
    completed = run_segboard(
        "import", "model-index", str(index),
        "--source-url", "https://github.com/open-mmlab/mmsegmentation", cwd=root,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    written = completed.stdout.splitlines()
    assert len(written) > 300  # 589 with mmsegmentation 1.2.2
    assert "unknown dataset 'COCO-Stuff 164k'" in completed.stderr  # reported, never guessed
    assert validate_repository(root).errors == []
    assert run_segboard("build", cwd=root).returncode == 0
