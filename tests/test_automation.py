"""The repository's automation files: valid, offline, against the schemas check-jsonschema ships."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

RUN_SEGBOARD = re.compile(r"run: (?:\.venv/bin/)?segboard (\S+)")
WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def check_jsonschema(builtin: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_workflows_validate_against_the_github_workflow_schema() -> None:
    assert {p.name for p in WORKFLOWS} == {
        "pull-request.yml",
        "nightly-links.yml",
        "pages.yml",
        "upgrade-check.yml",
    }
    completed = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("name: broken\non: push\njobs:\n  x:\n    steps: 3\n")
    assert check_jsonschema("vendor.github-workflows", broken).returncode == 1


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_run_segboard_commands_that_exist(path: Path) -> None:
    from generator.cli import cli

    text = path.read_text()
    for command in RUN_SEGBOARD.findall(text):
        assert command in cli.commands, (path.name, command)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_install_through_the_makefile(path: Path) -> None:
    """Installs go through make (the lock), never a bare pip install of the project."""
    text = path.read_text()
    assert "pip install" not in text, path.name
    targets = set(re.findall(r"\bmake (site|test|upgrade-check)\b", text))
    assert targets, path.name
    makefile = (REPO / "Makefile").read_text()
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_pre_commit_hooks_point_at_segboard() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "segboard-validate" and hooks[0]["entry"] == "segboard validate"
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    ids = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    assert "segboard-validate" in ids
