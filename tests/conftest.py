from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_repository(target: Path) -> Path:
    """A pristine copy of this repository's schemas and records."""
    shutil.copytree(REPO / "schema", target / "schema")
    shutil.copytree(REPO / "data", target / "data")
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def run_segboard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process, as a contributor would."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        timeout=120,
    )
