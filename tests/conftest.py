from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The tests' own repository: a few datasets, papers, results (one verified from an evidence file)
# and seed tables. Tests never read the live data/, which grows with every pull request.
FIXTURE_REPO = FIXTURES / "repo"
FIXTURE_RESULTS = 18  # result records in FIXTURE_REPO, each on a leaderboard


SITE_SOURCES = ("docs", "overrides")
SITE_FILES = ("mkdocs.yml", "CONTRIBUTING.md", "CONTRIBUTING.zh.md")


def copy_repository(target: Path, with_site: bool = False) -> Path:
    """The fixture repository's records with this checkout's schemas (and site sources if asked)."""
    shutil.copytree(FIXTURE_REPO, target)
    shutil.copytree(REPO / "schema", target / "schema")
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
    """The fixture repository's site, built once per test session; returns the site folder."""
    from generator.site.build import build_site

    root = copy_repository(tmp_path_factory.mktemp("seed-site") / "repo", with_site=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return build_site(root).site_dir


@dataclass(frozen=True)
class Completed:
    """What a run of the command gave: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run_segboard(*args: str, cwd: Path, input: str | None = None) -> Completed:
    """Run the command in this process, from `cwd`, with click's isolated standard streams.

    It goes through generator.cli.main, the function behind the `segboard` script, so exit
    statuses and error messages are the ones a contributor sees, and coverage counts it.
    """
    from click.testing import CliRunner

    from generator.cli import main

    with contextlib.chdir(cwd), CliRunner().isolation(input=input) as (stdout, stderr, _):
        returncode = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Completed(returncode, stdout.getvalue().decode(), stderr.getvalue().decode())


def child_environment() -> dict[str, str]:
    """A plain environment for a child `python -m generator`; coverage's settings pass through,
    so what the child runs is measured too."""
    coverage = {k: v for k, v in os.environ.items() if k.startswith("COVERAGE")}
    return {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **coverage}


def run_program(
    program: str, *args: str, cwd: Path | None = None, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the Python source `program` with `args` in a child process of its own (`env`: more
    variables): for what forks workers, which a test process that earlier tests left with
    threads (a server) must not do, since a copied lock could hang a worker."""
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**child_environment(), **env},
        timeout=timeout,
    )


def run_segboard_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process, where the process itself is what is tested."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=120,
    )
