from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


SITE_SOURCES = ("docs", "overrides")
SITE_FILES = ("mkdocs.yml", "CONTRIBUTING.md", "CONTRIBUTING.zh.md")


def copy_repository(target: Path, with_site: bool = False) -> Path:
    """A pristine copy of this repository's schemas and records (and site sources if asked)."""
    shutil.copytree(REPO / "schema", target / "schema")
    shutil.copytree(REPO / "data", target / "data")
    if with_site:
        for name in SITE_SOURCES:
            shutil.copytree(REPO / name, target / name)
        for name in SITE_FILES:
            shutil.copy(REPO / name, target / name)
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


@pytest.fixture
def site_repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo", with_site=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed data's site, built once per test session; returns the site folder."""
    from generator.site import build_site

    root = copy_repository(tmp_path_factory.mktemp("seed-site") / "repo", with_site=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return build_site(root).site_dir


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
