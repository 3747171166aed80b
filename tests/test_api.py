"""The Python API: the example of the README runs as written, and the package reads as stages."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import generator

from .conftest import REPO, child_environment, copy_repository

PACKAGE = REPO / "generator"
STAGES = {"records", "scores", "ranking", "site", "interop", "contrib", "cli"}


def readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```python\n(.*?)```", readme, re.S)
    return example


def test_the_readme_example_runs_on_a_repository(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    completed = subprocess.run(
        [sys.executable, "-c", readme_example()],
        cwd=root,
        capture_output=True,
        text=True,
        env={**child_environment(), "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert (
        "cityscapes test ResNet-38 Model A2-2 + Coarse + MS 80.60" in completed.stdout.splitlines()
    )


def test_every_public_name_resolves() -> None:
    for name in generator.__all__:
        assert getattr(generator, name) is not None, name
    try:
        generator.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_the_package_folders_are_the_stages() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders == STAGES
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    shared = [
        "atomic_files.py",
        "errors.py",
        "fingerprint.py",
        "problems.py",
        "reading.py",
        "reporting.py",
    ]
    shared += ["settings.py", "workers.py"]
    assert loose == ["__init__.py", "__main__.py", *shared]


def test_modules_stay_small_and_say_what_they_hold() -> None:
    for module in sorted(PACKAGE.rglob("*.py")):
        text = module.read_text(encoding="utf-8")
        assert text.count("\n") <= 450, module
        if module.name != "__main__.py":
            assert ast.get_docstring(ast.parse(text)), f"{module} has no docstring"


def test_record_paths_are_built_in_one_place() -> None:
    """Only records/places.py joins the data/ layout: nowhere else names its folders in a path."""
    joined = re.compile(r"""/ ?["'](data|results|papers|datasets)["']|["']data/(results|papers)""")
    offenders = [
        f"{module.relative_to(REPO)}:{number}"
        for module in sorted(PACKAGE.rglob("*.py"))
        if module != PACKAGE / "records" / "places.py"
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1)
        if joined.search(line) and not line.strip().startswith(("#", 'f"', '"'))
    ]
    assert offenders == []


def test_the_command_line_holds_no_type_escapes_or_rules() -> None:
    for module in sorted((PACKAGE / "cli").glob("*.py")):
        text = module.read_text(encoding="utf-8")
        assert "type: ignore" not in text, module
        assert "Decimal" not in text and '/ "data"' not in text, module


def test_the_command_starts_without_the_heavy_libraries() -> None:
    code = (
        "import sys; from generator.cli import main; "
        "print(sorted(m for m in ('pandas', 'mkdocs', 'jinja2', 'PIL') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=True,
    )
    assert completed.stdout.strip() == "[]"


def test_no_source_file_is_ignored_by_git() -> None:
    """A .gitignore pattern such as 'site/' once hid generator/site/ modules from commits."""
    sources = [
        str(path.relative_to(REPO))
        for folder in ("generator", "tests", "schema", "docs", "benchmarks")
        for path in (REPO / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    completed = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=REPO,
        input="\n".join(sources),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.stdout.split() == []
