"""`segboard export -o DIR`: any format into an existing folder, replacing only the files it
writes, each whole or not at all (issue #15, item 10)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
import yaml

from generator import atomic_files

from .conftest import FIXTURE_RESULTS, run_segboard

FILE_NAMES = {"json": "leaderboards.json", "csv": "results.csv", "model-index": "model-index.yml"}


def check_export(fmt: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        assert len(json.loads(text)) > 1
    elif fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(text)))) == FIXTURE_RESULTS
    else:
        assert len(yaml.safe_load(text)["Models"]) == FIXTURE_RESULTS


@pytest.mark.parametrize("fmt", sorted(FILE_NAMES))
@pytest.mark.parametrize("empty", [True, False], ids=["empty", "not-empty"])
def test_a_one_file_format_goes_into_an_existing_folder(
    repo: Path, tmp_path: Path, fmt: str, empty: bool
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    if not empty:
        (folder / "notes.txt").write_text("mine\n")
        (folder / FILE_NAMES[fmt]).write_text("an old export\n")
    completed = run_segboard("export", "--format", fmt, "-o", str(folder), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.strip() == f"wrote {folder / FILE_NAMES[fmt]}"
    check_export(fmt, folder / FILE_NAMES[fmt])
    expected = {FILE_NAMES[fmt]} | (set() if empty else {"notes.txt"})
    assert {p.name for p in folder.iterdir()} == expected  # nothing else, no temporary file
    if not empty:
        assert (folder / "notes.txt").read_text() == "mine\n"


def test_a_folder_inside_the_repository_is_fine(repo: Path) -> None:
    (repo / "exports").mkdir()
    completed = run_segboard("export", "--format", "json", "-o", "exports", cwd=repo)
    assert completed.returncode == 0, completed.stderr
    check_export("json", repo / "exports/leaderboards.json")


def test_model_cards_replace_only_their_own_files(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    (folder / "someone-else").mkdir(parents=True)
    (folder / "someone-else/README.md").write_text("not segboard's\n")
    stale = folder / "cityscapes--test--pspnet-resnet-101/README.md"
    stale.parent.mkdir()
    stale.write_text("an old card\n")
    completed = run_segboard("export", "--format", "hf", "-o", str(folder), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert (folder / "someone-else/README.md").read_text() == "not segboard's\n"
    assert stale.read_text().startswith("---\n") and "PSPNet-ResNet-101" in stale.read_text()
    assert len(list(folder.glob("*/README.md"))) == FIXTURE_RESULTS + 1


@pytest.mark.parametrize("fmt", ["json", "csv", "model-index", "hf"])
def test_a_file_where_the_folder_should_be_is_refused(repo: Path, tmp_path: Path, fmt: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("mine\n")
    target = blocker / "out" if fmt != "hf" else blocker
    completed = run_segboard("export", "--format", fmt, "-o", str(target), cwd=repo)
    assert completed.returncode == 2
    assert f"{blocker} is a file" in completed.stderr, completed.stderr
    assert "Traceback" not in completed.stderr
    assert blocker.read_text() == "mine\n"


def test_an_unwritable_folder_is_refused_clearly(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()

    def refused(*_args: object, **_kwargs: object) -> tuple[int, str]:
        # what a folder without write permission answers (root ignores mode bits, so the
        # refusal is made here rather than with chmod)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic_files.tempfile, "mkstemp", refused)
    completed = run_segboard("export", "--format", "csv", "-o", str(folder), cwd=repo)
    assert completed.returncode == 2
    assert f"cannot write {folder / 'results.csv'}" in completed.stderr
    assert "Permission denied" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_each_card_is_written_whole_or_not_at_all(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cards"
    assert run_segboard("export", "--format", "hf", "-o", str(folder), cwd=repo).returncode == 0
    before = {p: p.read_text() for p in folder.glob("*/README.md")}
    calls = []
    real_replace = os.replace

    def failing_replace(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(atomic_files.os, "replace", failing_replace)
    for path in before:
        path.write_text(path.read_text().replace("Exported by segboard", "An older export"))
    completed = run_segboard("export", "--format", "hf", "-o", str(folder), cwd=repo)
    assert completed.returncode == 2
    assert "No space left on device" in completed.stderr
    after = {p: p.read_text() for p in folder.glob("*/README.md")}
    assert sum(text == before[p] for p, text in after.items()) == 2  # the two written whole
    assert all("segboard" in text for text in after.values())  # none is half a card
    assert not [p for p in folder.rglob(".*") if p.is_file()]  # no temporary file left
