"""Paths from flags and records: nothing segboard writes escapes the repository or replaces it,
and two builds never run at once."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.cli import main
from generator.site import data_files
from generator.site.build import build_lock, build_site

from .conftest import run_segboard

RESULT = [
    "new", "result", "--split", "test", "--method", "X", "--paper", "1612.01105",
    "--metric", "miou=70.0", "--source-kind", "paper",
    "--source-url", "https://arxiv.org/abs/1612.01105", "--no-interactive",
]  # fmt: skip


def everything(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--dataset", "../../../escape", "--model", "M"], "dataset '../../../escape' is not a"),
        (["--dataset", "/tmp/escape", "--model", "M"], "dataset '/tmp/escape' is not a valid id"),
        (["--dataset", "cityscapes", "--model", "!!!"], "gives an empty file name"),
        (["--dataset", "cityscapes", "--model", "N" * 400], "a file name of 400 characters"),
        (["--dataset", "Cityscapes", "--model", "M"], "dataset 'Cityscapes'; did you mean"),
    ],
)
def test_new_result_refuses_ids_that_are_not_slugs(
    repo: Path, tmp_path: Path, flags: list[str], message: str
) -> None:
    before = everything(tmp_path)
    completed = run_segboard(*RESULT, *flags, cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr and "Traceback" not in completed.stderr
    assert everything(tmp_path) == before  # nothing written, inside or outside the repository


def test_new_result_refuses_a_paper_id_that_is_a_path(repo: Path, tmp_path: Path) -> None:
    args = [a if a != "1612.01105" else "../../x" for a in RESULT]
    before = everything(tmp_path)
    completed = run_segboard(*args, "--dataset", "cityscapes", "--model", "M", cwd=repo)
    assert completed.returncode == 2
    assert "paper '../../x' is not a valid id" in completed.stderr
    assert everything(tmp_path) == before


@pytest.mark.parametrize("dataset_id", ["../../x", "x/y", "", "UPPER"])
def test_new_dataset_refuses_ids_that_are_not_slugs(
    repo: Path, tmp_path: Path, dataset_id: str
) -> None:
    before = everything(tmp_path)
    completed = run_segboard(
        "new", "dataset", "--id", dataset_id, "--name", "X", "--homepage", "https://x.org/",
        "--classes", "a,b", "--split", "val:10:public", "--leaderboard", "val:miou",
        "--description-en", "x", "--description-zh", "x", "--no-interactive", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    assert everything(tmp_path) == before


@pytest.mark.parametrize("target", [".", "..", "data", "docs", "schema", "data/results"])
def test_build_never_replaces_the_repository_or_a_source(repo: Path, target: str) -> None:
    before = everything(repo)
    completed = run_segboard("build", "--site-dir", target, cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert "the site would replace it" in completed.stderr
    assert everything(repo) - before <= {repo / "build"}  # at most the generated-pages folder


def test_build_never_replaces_a_folder_of_other_files(repo: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "thesis.tex").write_text("months of work")
    completed = run_segboard("build", "--site-dir", str(mine), cwd=repo)
    assert completed.returncode == 2
    assert "holds files that segboard did not build" in completed.stderr
    assert (mine / "thesis.tex").read_text() == "months of work"


def test_a_built_site_is_rebuilt_in_place_and_leftovers_are_removed(
    site_repo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "public"
    assert run_segboard("build", "--site-dir", str(target), cwd=site_repo).returncode == 0
    assert (target / ".segboard-site").is_file()
    killed = target.parent / ".public-building-abc123"  # what a killed build leaves
    (killed / "en").mkdir(parents=True)
    stale = target.parent / ".public-previous-999"
    stale.mkdir()
    assert run_segboard("build", "--site-dir", str(target), cwd=site_repo).returncode == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["public"]


def test_a_second_build_meanwhile_is_refused(site_repo: Path) -> None:
    with build_lock(site_repo):
        completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 2
    assert "another segboard build of" in completed.stderr
    assert "wait for it to finish" in completed.stderr
    build_site(site_repo)  # the lock is released with its holder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--format", "json", "-o", "data/metrics.yaml"], "is in data/"),
        (["export", "--format", "csv", "-o", "schema/x.csv"], "is in schema/"),
        (["export", "--format", "json", "-o", "pyproject.toml"], "is a file of the repository"),
        (["export", "--format", "hf", "-o", "."], "is the repository or a folder above it"),
        (["export", "--format", "hf", "-o", "docs"], "is in docs/"),
    ],
)
def test_exports_never_overwrite_records_or_sources(
    repo: Path, args: list[str], message: str
) -> None:
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    before = {p: p.read_bytes() for p in everything(repo) if p.is_file()}
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr
    assert {p: p.read_bytes() for p in everything(repo) if p.is_file()} == before


def test_an_output_under_a_file_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    completed = run_segboard("export", "--format", "csv", "-o", str(blocker / "x.csv"), cwd=repo)
    assert completed.returncode == 2
    assert f"{blocker} is a file, not a folder" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_eval_evidence_never_lands_among_records(repo: Path) -> None:
    (repo / "gt").mkdir()
    completed = run_segboard(
        "eval", "--num-classes", "3", "--gt", "gt", "--pred", "gt",
        "--evidence", "data/results/x.npz", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "is in data/" in completed.stderr
    assert not (repo / "data/results/x.npz").exists()


def test_records_are_found_without_following_links_out(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("id: secret\n")
    os.symlink(outside, repo / "data/results/cityscapes/linked")
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 1
    # shown where the link is, relative to the current folder, not where it points
    assert completed.stdout.startswith("data/results/cityscapes/linked:1:1: error: a symbolic link")
    assert "secret" not in completed.stdout


def test_a_folder_where_the_export_file_goes_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    """-o DIR writes DIR/leaderboards.json (test_export_output.py); a folder there is kept."""
    folder = tmp_path / "exports"
    (folder / "leaderboards.json").mkdir(parents=True)
    completed = run_segboard("export", "--format", "json", "-o", str(folder), cwd=repo)
    assert completed.returncode == 2
    assert f"cannot write {folder / 'leaderboards.json'}: it is a folder" in completed.stderr


EVIL = 'x: !!python/object/apply:os.system ["touch pwned"]\n'


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - search\n", "  - search\nhooks:\n  - hooks.py\n", "'hooks' run Python code"),
        ("  - search\n", "  - search\n  - macros\n", "the plugin 'macros' is not one segboard"),
        ("  - tables\n", "  - tables\n  - evil_ext\n", "Markdown extension 'evil_ext' is not"),
        ("extra:\n", EVIL + "extra:\n", "would run code from outside MkDocs, Material and PyMdown"),
    ],
)
def test_a_site_configuration_that_runs_code_is_refused(
    site_repo: Path, old: str, new: str, message: str
) -> None:
    config = site_repo / "mkdocs.yml"
    config.write_text(config.read_text().replace(old, new, 1))
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr
    assert not (site_repo / "pwned").exists() and not (site_repo / "site").exists()


def test_label_conventions_outside_8_bits_are_a_usage_error(repo: Path) -> None:
    (repo / "gt").mkdir()
    completed = run_segboard(
        "eval", "--dataset", "ade20k", "--ignore-index", "300", "--gt", "gt", "--pred", "gt",
        cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "ade20k's label conventions apply to 8-bit label maps" in completed.stderr


def test_a_fifo_or_device_is_never_replaced_by_an_output(repo: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "out.csv"  # a FIFO stands for any special file (a device such as /dev/full)
    os.mkfifo(pipe)
    completed = run_segboard("export", "--format", "csv", "-o", str(pipe), cwd=repo)
    assert completed.returncode == 2
    assert f"cannot write {pipe}: it is a named pipe (FIFO)" in completed.stderr
    assert pipe.is_fifo()


def test_changed_since_is_never_read_as_a_git_option(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "written-by-git"
    completed = run_segboard(
        "links", "--offline", "--changed-since", f"--output={target}", cwd=repo
    )
    assert completed.returncode == 2
    assert "is not a git revision" in completed.stderr
    assert not target.exists()


def test_a_link_in_the_generated_folder_is_never_emptied(site_repo: Path) -> None:
    (site_repo / "build").mkdir()
    (site_repo / "build/docs").symlink_to(site_repo / "data")
    before = everything(site_repo / "data")
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 2
    assert "build/docs is a link or a file" in completed.stderr
    assert everything(site_repo / "data") == before


LONG = "x" * 300  # one name longer than any file system takes


@pytest.mark.parametrize(
    "args",
    [
        ["--root", LONG, "validate"],
        ["build", "--site-dir", f"out/{LONG}"],
        ["export", "--format", "json", "-o", LONG],
        ["eval", "--gt", LONG, "--pred", "p", "--num-classes", "3"],
        ["import", "pwc-archive", "a/" * 2100],  # a path longer than 4,096 bytes
    ],
    ids=["root", "site-dir", "export", "eval", "import"],
)
def test_a_path_too_long_for_the_file_system_is_a_usage_error(repo: Path, args: list[str]) -> None:
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert "is too long to be a path" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--root", "a\0b", "validate"],
        ["validate", "data/a\0b.yaml"],
        ["eval", "--gt", "g\0", "--pred", "p", "--num-classes", "3"],
        ["import", "pwc-archive", "a\0b.json"],
    ],
    ids=["root", "validate", "eval", "import"],
)
def test_a_path_with_a_nul_character_is_a_usage_error(
    repo: Path, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No shell can pass a NUL character, but a caller of `main` can; every look at such a
    path raises ValueError, so it is refused first."""
    monkeypatch.chdir(repo)
    assert main(args) == 2
    stderr = capsys.readouterr().err
    assert "holds a NUL character" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--root", "", "validate"],
        ["build", "--site-dir", ""],
        ["export", "--format", "json", "-o", ""],
        ["eval", "--gt", "", "--pred", "p", "--num-classes", "3"],
        ["import", "pwc-archive", ""],
    ],
    ids=["root", "site-dir", "export", "eval", "import"],
)
def test_an_empty_path_is_a_usage_error(repo: Path, args: list[str]) -> None:
    """An empty path (an unset variable in `-o "$OUT"`) names nothing: it is refused, not
    taken as the current folder (an export would land in the repository's root)."""
    completed = run_segboard(*args, cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert "an empty path names no file or folder" in completed.stderr
    assert not (repo / "leaderboards.json").exists()


def test_a_site_dir_that_is_a_looping_link_is_a_usage_error(site_repo: Path) -> None:
    (site_repo / "loop").symlink_to("loop")
    completed = run_segboard("build", "--site-dir", "loop", cwd=site_repo)
    assert completed.returncode == 2, completed.stderr
    assert "--site-dir loop is a symbolic link that loops; remove it" in completed.stderr
    assert (site_repo / "loop").is_symlink()  # left as it was


def test_a_file_whose_read_fails_is_reported_not_raised(repo: Path) -> None:
    """/proc/self/mem opens as a regular file, and reading it fails (EIO)."""
    completed = run_segboard(
        "import", "markdown", "/proc/self/mem", "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 2, completed.stderr  # a file given on the command line
    assert "error: /proc/self/mem: cannot be read (Input/output error)" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_serve_at_an_address_it_cannot_use_says_so_before_building(site_repo: Path) -> None:
    """192.0.2.1 is kept for documentation: no machine has it, so binding fails at once."""
    completed = run_segboard("serve", "--host", "192.0.2.1", "--port", "0", cwd=site_repo)
    assert completed.returncode == 2, completed.stderr
    assert "cannot listen at '192.0.2.1' port 0 (Cannot assign requested address)" in (
        completed.stderr
    )
    assert "Traceback" not in completed.stderr
    assert not (site_repo / "site").exists()  # refused before the build, not after it


def test_a_full_disk_fails_the_build_in_one_line_and_keeps_the_last_site(
    site_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing the data files fails as on a full disk: a usage error naming the reason, no
    traceback, the site built before left as it was, and no staging folder left behind."""
    assert run_segboard("build", cwd=site_repo).returncode == 0
    before = {p: p.read_bytes() for p in (site_repo / "site").rglob("*") if p.is_file()}

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(data_files, "place", full)
    completed = run_segboard("build", "--fresh", cwd=site_repo)
    assert completed.returncode == 2, completed.stderr
    assert "cannot build the site: No space left on device" in completed.stderr
    assert "Traceback" not in completed.stderr
    after = {p: p.read_bytes() for p in (site_repo / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(site_repo.glob(".site-*"))
