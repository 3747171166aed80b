"""The segboard command as a contributor and CI run it: real processes, real files."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import cli

from .conftest import (
    FIXTURE_RESULTS,
    REPO,
    child_environment,
    run_program,
    run_segboard,
    run_segboard_process,
)

BAD_RESULT = "data/results/cityscapes/test/pspnet-resnet-101.yaml"


def break_score(root: Path) -> Path:
    """Make one seed record invalid: a score outside 0-100 on line 9."""
    path = root / BAD_RESULT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("miou: 78.40", "miou: 178.40"), encoding="utf-8")
    assert "miou: 178.40" in path.read_text(encoding="utf-8")
    return path


def test_validate_clean_repository(repo: Path) -> None:
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 0
    assert completed.stdout == ""
    assert completed.stderr.startswith("0 errors, 0 warnings in 34 files")


def test_validate_reports_path_line_column_and_exits_1(repo: Path) -> None:
    break_score(repo)
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 1
    assert completed.stdout == (
        f"{BAD_RESULT}:9:3: error: miou is 178.40, outside its range [0, 100]; values are on a "
        "0-100 scale [metric-range]\n"
    )
    assert completed.stderr.startswith("1 error, 0 warnings")


def test_every_error_is_reported_in_one_run(repo: Path) -> None:
    break_score(repo)
    other = repo / "data/results/ade20k/test/pspnet-resnet-101.yaml"
    other.write_text(other.read_text().replace("method: PSPNet", "method: no\nsoruce: 1"))
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        "data/results/ade20k/test/pspnet-resnet-101.yaml:5:9",
        "data/results/ade20k/test/pspnet-resnet-101.yaml:6:1",
        f"{BAD_RESULT}:9:3",
    ]
    assert "unknown field 'soruce'; did you mean 'source'?" in lines[1]


def test_github_annotations(repo: Path) -> None:
    break_score(repo)
    completed = run_segboard("validate", "--format", "github", cwd=repo)
    assert completed.returncode == 1
    assert completed.stdout.startswith(
        f"::error file={BAD_RESULT},line=9,col=3,title=metric-range::miou is 178.40"
    )


def test_json_report(repo: Path) -> None:
    break_score(repo)
    completed = run_segboard("validate", "--format", "json", cwd=repo)
    assert completed.returncode == 1
    [problem] = json.loads(completed.stdout)
    assert problem == {
        "path": BAD_RESULT,
        "line": 9,
        "column": 3,
        "severity": "error",
        "rule": "metric-range",
        "message": "miou is 178.40, outside its range [0, 100]; values are on a 0-100 scale",
    }


def test_paths_limit_what_is_shown(repo: Path) -> None:
    break_score(repo)
    clean = run_segboard("validate", "data/results/ade20k", cwd=repo)
    assert clean.returncode == 0 and clean.stdout == ""
    dirty = run_segboard("validate", BAD_RESULT, cwd=repo)
    assert dirty.returncode == 1 and dirty.stdout.startswith(BAD_RESULT)


def test_the_repository_is_found_from_a_subfolder_or_root_option(repo: Path) -> None:
    break_score(repo)
    inside = run_segboard("validate", cwd=repo / "data" / "results")
    assert inside.returncode == 1
    assert inside.stdout.startswith("cityscapes/test/pspnet-resnet-101.yaml:9:3:")
    outside = run_segboard("--root", str(repo), "validate", cwd=repo.parent)
    assert outside.returncode == 1
    assert outside.stdout.startswith(f"repo/{BAD_RESULT}:9:3:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--format", "xml"], "Invalid value for '--format'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["validate", "data/nowhere.yaml"], "data/nowhere.yaml does not exist"),
        (["validate", "README.md"], "is not inside"),
        (["--root", "/", "validate"], "holds no data/ folder"),
        (["export"], "Missing option '--format'"),
    ],
)
def test_bad_usage_exits_2_with_a_message(repo: Path, args: list[str], message: str) -> None:
    (repo / "README.md").write_text("readme\n")
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 2, completed
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr


def test_outside_any_repository(tmp_path: Path) -> None:
    completed = run_segboard("validate", cwd=tmp_path)
    assert completed.returncode == 2
    assert "no data/ folder" in completed.stderr and "--root DIR" in completed.stderr


def test_export_json(repo: Path) -> None:
    completed = run_segboard("export", "--format", "json", cwd=repo)
    assert completed.returncode == 0, completed.stderr
    boards = json.loads(completed.stdout)
    assert [(b["dataset"], b["split"], b["metric"]) for b in boards] == [
        ("ade20k", "val", "scene-parsing-score"),
        ("ade20k", "test", "scene-parsing-score"),
        ("cityscapes", "val", "miou"),
        ("cityscapes", "test", "miou"),
        ("pascal-context", "val", "miou"),
        ("pascal-voc-2012", "val", "miou"),
        ("pascal-voc-2012", "test", "miou"),
        ("synthetic-streets", "val", "miou"),
    ]
    assert sum(len(b["rows"]) for b in boards) == FIXTURE_RESULTS
    for board in boards:
        scores = [row["score"] for row in board["rows"]]
        assert scores == sorted(scores, reverse=True)
        assert board["rows"][0]["rank"] == 1
    cityscapes_test_top = boards[3]["rows"][0]
    assert cityscapes_test_top["model"] == "ResNet-38 Model A2-2 + Coarse + MS"
    assert cityscapes_test_top["weights"] == []
    assert cityscapes_test_top["code"] == ["https://github.com/itijyou/ademxapp"]
    assert cityscapes_test_top["paper"] == "https://arxiv.org/abs/1611.10080"


def test_export_csv_has_one_row_per_result(repo: Path) -> None:
    completed = run_segboard("export", "--format", "csv", cwd=repo)
    assert completed.returncode == 0
    rows = list(csv.DictReader(io.StringIO(completed.stdout)))
    assert len(rows) == FIXTURE_RESULTS
    by_id = {row["result"]: row for row in rows}
    assert by_id["cityscapes/test/refinenet-resnet-101"]["score"] == "73.60"
    assert by_id["ade20k/val/pspnet-resnet-50"]["metric:pixel-accuracy"] == "80.04"


def test_export_writes_a_file_whole(repo: Path) -> None:
    target = repo / "out" / "boards.json"
    completed = run_segboard("export", "--format", "json", "-o", str(target), cwd=repo)
    assert completed.returncode == 0
    assert json.loads(target.read_text())[0]["dataset"] == "ade20k"
    assert [p.name for p in target.parent.iterdir()] == ["boards.json"]
    assert target.stat().st_mode & 0o044 == 0o044  # readable by others, like any output file


def test_export_refuses_bad_data_and_keeps_the_old_file(repo: Path) -> None:
    target = repo / "boards.json"
    target.write_text("previous export\n")
    break_score(repo)
    completed = run_segboard("export", "--format", "json", "-o", str(target), cwd=repo)
    assert completed.returncode == 1
    assert "metric-range" in completed.stderr and "before exporting" in completed.stderr
    assert completed.stdout == ""
    assert target.read_text() == "previous export\n"


def test_output_is_deterministic(repo: Path) -> None:
    first = run_segboard("export", "--format", "json", cwd=repo).stdout
    second = run_segboard("export", "--format", "json", cwd=repo).stdout
    assert first == second


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert re.search(rf"`segboard {name}\b", readme), f"README does not document {name}"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help(name: str) -> None:
    completed = run_segboard(name, "--help", cwd=REPO)
    assert completed.returncode == 0
    assert f"Usage: segboard {name}" in completed.stdout
    assert cli.commands[name].help


def test_version_and_module_entry_point() -> None:
    from generator import __version__

    completed = run_segboard_process("--version", cwd=REPO)  # python -m generator
    assert completed.stdout.strip() == f"segboard, version {__version__}"
    pyproject = (REPO / "pyproject.toml").read_text()
    assert f'version = "{__version__}"' in pyproject


def test_check_runs_what_a_pull_request_must_pass(site_repo: Path) -> None:
    completed = run_segboard("check", cwd=site_repo)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    steps = [line.split(":")[0] for line in completed.stderr.splitlines()]
    assert steps == [
        "ok   validate",
        "ok   seed",
        "ok   build",
        "ok   links (offline)",
        "ok   site links",
    ]
    break_score(site_repo)
    completed = run_segboard("check", cwd=site_repo)
    assert completed.returncode == 1
    assert "FAIL validate: 1 errors" in completed.stderr
    assert "FAIL seed: 13 rows of seed.md, 1 not given back by the records" in completed.stderr
    assert "FAIL build: skipped: the data has errors" in completed.stderr
    assert "metric-range" in completed.stdout
    assert "seed.md:" in completed.stdout and "[seed-differs]" in completed.stdout


def test_check_reads_each_record_once(site_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build inside `segboard check` takes the records its validation read from the
    records' memo instead of reading every file again."""
    from generator.records import loading, memo

    monkeypatch.setattr(memo, "SETTLE_NANOSECONDS", 0)  # the fixture's files are seconds old
    read: list[Path] = []
    real = loading.load_file
    monkeypatch.setattr(loading, "load_file", lambda path: read.append(path) or real(path))
    completed = run_segboard("check", cwd=site_repo)
    assert completed.returncode == 0, completed.stderr
    records = sorted((site_repo / "data").rglob("*.yaml"))
    assert sorted(read) == records


@pytest.mark.parametrize("thread", [False, True])
def test_the_program_exits_with_its_status_after_exit_handlers_and_flushed_output(
    tmp_path: Path, thread: bool
) -> None:
    """`exit_now` skips the interpreter's teardown, never what exit must still do: the exit
    handlers run, buffered output is written, the status is kept; with another thread running,
    the process waits for it as a normal exit does."""
    marker = tmp_path / "handler-ran"
    script = (
        "import atexit, sys, threading, time\n"
        "from pathlib import Path\n"
        "from generator.cli import exit_now\n"
        f"atexit.register(Path({str(marker)!r}).write_text, 'yes')\n"
        f"if {thread}:\n"
        "    threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "sys.stdout.write('buffered, no newline')\n"
        "sys.stderr.write('to stderr')\n"
        "exit_now(3)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=60,
    )
    assert completed.returncode == 3
    expected = "buffered, no newlinethread done\n" if thread else "buffered, no newline"
    assert completed.stdout == expected
    assert completed.stderr == "to stderr"
    assert marker.read_text() == "yes"


# `segboard build` as the program runs it, noting whether build_site returned
BUILD_PROGRAM = """
import sys
from generator.site import build

building = build.build_site

def noting(*args, **kwargs):
    report = building(*args, **kwargs)
    print("build_site returned", flush=True)
    return report

build.build_site = noting
sys.argv = ["segboard", "--root", sys.argv[1], "build"]
from generator.cli import run
run()
"""


def test_the_program_ends_once_the_build_is_reported(site_repo: Path) -> None:
    """The `segboard` program ends as soon as the build is reported, before the build's
    objects are freed one by one (a tenth of a second at 10,000 records): its status and
    output are those of a build. Called as a function (`main`), the build returns."""
    completed = run_program(BUILD_PROGRAM, str(site_repo), timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "built " in completed.stderr and "pages into" in completed.stderr
    assert "build_site returned" not in completed.stdout
    assert run_segboard("build", cwd=site_repo).returncode == 0  # in this process: it returns
