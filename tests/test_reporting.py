"""The one reporter: every kind of finding, in text, github and json, from every command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.problems import NO_POSITION, error, warning
from generator.reporting import render

from .conftest import Completed, run_segboard

TABLE = (
    "| Model | Score | Weights | Paper | Code |\n|---|---|---|---|---|\n"
    "| Fancy-Net + MS | 71.25 | N/A | [paper](https://arxiv.org/abs/1612.01105) | N/A |\n"
    "| Bad-Net | about 70 | N/A | [paper](https://arxiv.org/abs/1612.01105) | N/A |\n"
)


def test_a_finding_without_a_place_names_its_file_only() -> None:
    placed = warning(Path("/nowhere/a.yaml"), (3, 5), "weights-is-code", "a repository")
    unplaced = error(Path("/nowhere/card.md"), NO_POSITION, "left-out", "model 'x': no paper")
    assert render([placed, unplaced]) == (
        "/nowhere/a.yaml:3:5: warning: a repository [weights-is-code]\n"
        "/nowhere/card.md: error: model 'x': no paper [left-out]\n"
    )
    expected = "::error file=/nowhere/card.md,title=left-out::model 'x': no paper\n"
    assert render([unplaced], "github") == expected  # no line= or col= for an unknown place
    [row] = json.loads(render([unplaced], "json"))
    assert row == {
        "path": "/nowhere/card.md",
        "line": None,
        "column": None,
        "severity": "error",
        "rule": "left-out",
        "message": "model 'x': no paper",
    }


def write_table(tmp_path: Path, text: str = TABLE) -> Path:
    table = tmp_path / "t.md"
    table.write_text(text)
    return table


def import_table(table: Path, repo: Path, *extra: str) -> Completed:
    return run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/t", *extra, cwd=repo,
    )  # fmt: skip


def test_markdown_import_has_a_dry_run(repo: Path, tmp_path: Path) -> None:
    table = write_table(tmp_path, TABLE.rsplit("| Bad-Net", 1)[0])
    before = sorted((repo / "data").rglob("*.yaml"))
    completed = import_table(table, repo, "--dry-run")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("--- data/results/cityscapes/val/fancy-net-ms.yaml\n")
    assert "test_time_augmentation: [multi-scale]" in completed.stdout
    assert completed.stderr.splitlines()[-1] == "would write 1 files; left out 0"
    assert sorted((repo / "data").rglob("*.yaml")) == before


@pytest.mark.parametrize("fmt", ["github", "json"])
def test_import_findings_in_every_format(repo: Path, tmp_path: Path, fmt: str) -> None:
    completed = import_table(write_table(tmp_path), repo, "--format", fmt)
    assert completed.returncode == 1
    stderr = completed.stderr
    if fmt == "json":
        [finding] = json.loads(stderr)  # standard error is one JSON document
        assert (finding["line"], finding["column"], finding["rule"]) == (4, 1, "left-out")
        assert finding["message"] == "the score 'about 70' is not a number"
    else:
        assert f"::error file={tmp_path}/t.md,line=4,col=1,title=left-out::the score" in stderr
    assert not (repo / "data/results/cityscapes/val/fancy-net-ms.yaml").exists()  # all or none


def test_check_reports_through_the_same_reporter(repo: Path) -> None:
    record = sorted((repo / "data/results/cityscapes/val").glob("*.yaml"))[0]
    text = record.read_text()
    record.write_text(text.replace("\nsource:", "\nsoruce:", 1))
    completed = run_segboard("check", "--format", "github", cwd=repo)
    assert completed.returncode == 1
    relative = record.relative_to(repo)
    assert f"::error file={relative},line=" in completed.stdout
    assert "title=schema-unknown-field::unknown field 'soruce'" in completed.stdout
    assert completed.stderr.splitlines()[0].startswith("FAIL validate: ")


def test_a_file_name_that_is_not_text_is_shown_on_one_line(repo: Path) -> None:
    """A result's file name holding a line break, a terminal's escape or bytes that are not
    UTF-8 is reported on one line in every format, each such character escaped (the output is
    valid UTF-8), and the message names the file the same way."""
    folder = repo / "data" / "results" / "cityscapes" / "test"
    record = (folder / "pspnet-resnet-101.yaml").read_bytes()
    (folder / "pspnet-resnet-101.yaml").unlink()
    names = {
        b"a\nb.yaml": "a\\x0ab",
        b"c\x1b[31md.yaml": "c\\x1b[31md",
        b"\xff\xfe.yaml": "\\xff\\xfe",
    }
    for raw in names:
        (Path(os.fsdecode(bytes(folder) + b"/" + raw))).write_bytes(record)
    for fmt in ("text", "github", "json"):
        completed = run_segboard("validate", "--format", fmt, cwd=repo)
        assert completed.returncode == 1
        out = completed.stdout
        out.encode("utf-8")  # no lone surrogates: the bytes were escaped
        found = [line for line in out.splitlines() if "result-file-name" in line]
        if fmt == "json":
            found = [p for p in json.loads(out) if p["rule"] == "result-file-name"]
            shown = sorted(p["path"].rsplit("/", 1)[1].removesuffix(".yaml") for p in found)
            messages = sorted(p["message"] for p in found)
        else:
            shown = sorted(line.split(".yaml")[0].rsplit("/", 1)[1] for line in found)
            messages = found
        assert shown == sorted(names.values())
        for name in names.values():
            assert sum(f"the file name '{name}' is not a slug" in m for m in messages) == 1
        assert "\x1b" not in out and "\udcff" not in out
