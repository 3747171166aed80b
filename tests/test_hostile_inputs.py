"""Hostile input from records, foreign files and hand-written pages: clear findings, no traceback,
no hang, nothing read from outside the repository. The loader and the validator are fuzzed."""

from __future__ import annotations

import os
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records.rules.links import host_problem
from generator.records.validation import validate_repository
from generator.records.yamlfile import load_text

from .conftest import Completed, copy_repository, run_segboard

EXAMPLE = Path("data/results/synthetic-streets/val/example-net.yaml")
PLACE = Path("data/results/cityscapes/test/fuzz-net.yaml")


def test_verify_counts_and_reports_evidence_outside_the_repository(repo: Path) -> None:
    record = repo / EXAMPLE
    text = record.read_text()
    record.write_text(
        text.replace(
            "file: evidence/synthetic-streets-val-example-net.npz",
            "file: evidence/../../../etc/hostname",
        )
    )
    completed = run_segboard("verify", cwd=repo)
    assert completed.returncode == 1
    assert "0 of 1 results with evidence verified" in completed.stderr
    assert "must be a path inside the repository, without '..'" in completed.stdout
    record.write_text(text.replace("file: evidence/synthetic", "file: /etc/synthetic"))
    completed = run_segboard("verify", cwd=repo)
    assert completed.returncode == 1  # the schema refuses it; verify still says so
    assert "0 of 1 results with evidence verified" in completed.stderr
    assert f"{EXAMPLE}:15:" in completed.stdout


def test_evidence_through_a_link_out_of_the_repository_is_refused(
    repo: Path, tmp_path: Path
) -> None:
    evidence = repo / "evidence/synthetic-streets-val-example-net.npz"
    outside = tmp_path / "elsewhere.npz"
    outside.write_bytes(evidence.read_bytes())
    evidence.unlink()
    evidence.symlink_to(outside)
    report = validate_repository(repo)
    [problem] = [p for p in report.problems if p.rule == "evidence"]
    assert "leads outside the repository" in problem.message


def test_a_hand_written_page_that_is_a_link_is_not_published(site_repo: Path) -> None:
    page = site_repo / "docs/en/about.md"  # a page the site publishes
    page.unlink()
    page.symlink_to("/etc/hostname")
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 1
    assert "about.md: a symbolic link; input files must be real files" in completed.stderr
    assert not (site_repo / "site").exists()


def import_foreign_model_index(index: Path, repo: Path) -> Completed:
    """`segboard import model-index` of a file segboard did not write (so with --source-url)."""
    return run_segboard(
        "import", "model-index", str(index), "--source-url", "https://example.org/", cwd=repo
    )


def test_model_index_imports_only_below_its_folder(repo: Path, tmp_path: Path) -> None:
    index = tmp_path / "model-index.yml"
    index.write_text("Import:\n- /etc/*.conf\n- ../*.yml\n")
    completed = import_foreign_model_index(index, repo)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "Import '/etc/*.conf': only files below the model-index's folder" in completed.stderr
    assert "Import '../*.yml': only files below" in completed.stderr


def test_model_index_entries_of_odd_shapes_and_links_out_are_left_out(
    repo: Path, tmp_path: Path
) -> None:
    """Import entries that are no paths, a pattern glob refuses, a folder named outright, and a
    metafile reached through a linked folder: each one finding, no traceback, nothing read from
    outside the model-index's folder."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yml").write_text("Models: [{Name: secret-net}]\n")
    folder = tmp_path / "zoo"
    (folder / "configs").mkdir(parents=True)
    (folder / "linked").symlink_to(tmp_path / "outside")
    index = folder / "model-index.yml"
    index.write_text(
        'Models:\nImport:\n- "."\n- 5\n- "a/**b"\n- configs\n- "**/*.yml"\n- linked/secret.yml\n'
    )
    completed = import_foreign_model_index(index, repo)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr and "secret-net" not in completed.stderr
    assert "Import '.': not the path of a file (or a pattern)" in completed.stderr
    assert "Import 5: not the path of a file (or a pattern)" in completed.stderr
    assert "Import 'a/**b': Invalid pattern" in completed.stderr
    assert "zoo/configs: error: not readable (a folder, not a regular file)" in completed.stderr
    assert "linked/secret.yml: error: a link leads it out of the folder given" in completed.stderr


def test_model_index_collections_of_odd_shapes_are_passed_over(repo: Path, tmp_path: Path) -> None:
    """A Collection named by a list (which cannot name one), Collections that are not a list,
    a model naming its collection by a list or a mapping: each model is left out with its
    reason, never a traceback."""
    index = tmp_path / "model-index.yml"
    index.write_text(
        "Collections:\n- Name: [a, b]\n- 5\nModels:\n- Name: x\n  In Collection: [a, b]\n"
        "- Name: y\n  In Collection: {a: 1}\n  Metadata: text\n"
    )
    completed = import_foreign_model_index(index, repo)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "model 'x': its collection names no arXiv paper" in completed.stderr
    assert "model 'y': its collection names no arXiv paper" in completed.stderr
    index.write_text("Collections: 5\nModels: 7\n")
    completed = import_foreign_model_index(index, repo)
    assert completed.returncode == 0 and "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda own: own.pop("result"), "its segboard key names no result id"),
        (lambda own: own.update(metrics_as_published=["45.70"]), "metrics_as_published must"),
        (lambda own: own.update(metrics_as_published={"miou": 45.7}), "metrics_as_published must"),
        (
            lambda own: own.update(metrics_as_published={"miou": "45.70\nnotes: injected"}),
            "metrics_as_published must",
        ),
        (lambda own: own.update(metrics_as_published={"m: x": "45.70"}), "metrics_as_published"),
    ],
)
def test_a_damaged_segboard_key_of_an_own_export_is_left_out(
    repo: Path, tmp_path: Path, damage: Any, reason: str
) -> None:
    """An export of segboard's own, edited by hand: the model whose `segboard` key lacks what
    writing its record needs is left out with the reason (all or nothing: nothing written)."""
    exported = tmp_path / "model-index.yml"
    completed = run_segboard("export", "--format", "model-index", "-o", str(exported), cwd=repo)
    assert completed.returncode == 0
    index = yaml.safe_load(exported.read_text(encoding="utf-8"))
    for model in index["Models"]:
        model["Metadata"]["segboard"]["result"] += "-again"  # new ids: they would be written
    damage(index["Models"][0]["Metadata"]["segboard"])
    exported.write_text(yaml.safe_dump(index, allow_unicode=True), encoding="utf-8")
    before = sorted((repo / "data").rglob("*.yaml"))
    completed = run_segboard("import", "model-index", str(exported), cwd=repo)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    first = index["Models"][0]["Name"]
    assert f"model {first!r}: " in completed.stderr and reason in completed.stderr
    assert sorted((repo / "data").rglob("*.yaml")) == before


@pytest.mark.parametrize("importer", ["hf", "hf-eval-results"])
def test_hugging_face_folders_are_read_without_following_links_out(
    repo: Path, tmp_path: Path, importer: str
) -> None:
    """A model folder from elsewhere can hold links: a card or an evaluation-results file that
    leads out of the folder given is left out, not read."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("- dataset: {id: secret-net}\n  value: 1\n")
    folder = tmp_path / "models"
    inside = folder / "a" / (".eval_results" if importer == "hf-eval-results" else "")
    inside.mkdir(parents=True)
    link = inside / ("r.yaml" if importer == "hf-eval-results" else "README.md")
    link.symlink_to(secret)
    completed = run_segboard(
        "import", importer, str(folder), "--paper", "1612.01105", "--split", "val",
        "--source-url", "https://huggingface.co/x/y", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    assert f"{link}: error: a link leads it out of the folder given; it is not read" in (
        completed.stderr
    )
    assert "secret-net" not in completed.stderr and "Traceback" not in completed.stderr


def test_a_fifo_given_to_an_importer_does_not_block(repo: Path, tmp_path: Path) -> None:
    cards = tmp_path / "cards" / "a"
    cards.mkdir(parents=True)
    os.mkfifo(cards / "README.md")
    completed = run_segboard("import", "hf", str(tmp_path / "cards"), cwd=repo)
    assert completed.returncode == 1
    assert "a named pipe (FIFO), not a regular file" in completed.stderr
    table = tmp_path / "table.md"
    os.mkfifo(table)
    completed = run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "val",
        "--source-url", "https://example.org/", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "a named pipe (FIFO), not a regular file" in completed.stderr


# --- fuzzing ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_the_loader_never_raises_on_random_bytes(data: bytes) -> None:
    path = Path("/nowhere/fuzz.yaml")
    text = data.decode("utf-8", errors="replace")
    result = load_text(text, path) if text.strip() else None
    if result is not None:
        assert result.document is not None or result.problems


YAML_TEXT = st.text(alphabet=string.printable + "：数据\u00e9\u202e\u200b", max_size=300)


@settings(max_examples=300, deadline=None)
@given(YAML_TEXT)
def test_the_loader_never_raises_on_random_text(text: str) -> None:
    if text.strip():
        load_text(text, Path("/nowhere/fuzz.yaml"))


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["no", "on", "1e3", "2017-02-30", "0755", "1:20", ".inf", "~", "<b>|x"])
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    ["dataset", "split", "model", "method", "backbone", "paper", "metrics", "source",
     "weights", "curation", "evidence", "notes", "extra_training_data", "unknown"]
)  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_repository(tmp_path_factory.mktemp("fuzz") / "repo")


@settings(max_examples=60, deadline=None)
@given(record=st.dictionaries(FIELDS, VALUES, max_size=10))
def test_the_validator_never_raises_on_random_records(
    fuzz_repository: Path, record: dict[str, object]
) -> None:
    path = fuzz_repository / PLACE
    path.write_text(yaml.safe_dump(record, allow_unicode=True))
    report = validate_repository(fuzz_repository)
    assert all(p.line >= 0 and p.column >= 0 for p in report.problems)
    mine = [p for p in report.problems if p.path == path]
    assert mine or record_is_complete(record), record


# what a contributor's slip can leave in a line of a record
SLIPS = ["no", "1e3", "2017-02-30", "[1, 2", '"open', "'", "? x", "a: b: c", "*a", "&a x",
         "!!str x", "\t", "{x: 1", "- item", "  indented: 1", "|", ">", "#", "key:", ":",
         "\u202e"]  # fmt: skip
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "truncate", "insert", "value", "indent"]),
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from(SLIPS),
    ),
    min_size=1,
    max_size=3,
)


def edited(text: str, edits: list[tuple[str, int, str]]) -> str:
    """`text` with each edit made at the line (or character) its number picks."""
    for kind, number, slip in edits:
        if kind == "truncate":
            text = text[: number % (len(text) + 1)]
            continue
        lines = text.split("\n")
        at = number % len(lines)
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "insert":
            lines.insert(at, slip)
        elif kind == "value":
            lines[at] = lines[at].split(":")[0] + ": " + slip
        else:
            lines[at] = "  " + lines[at]
        text = "\n".join(lines)
    return text


@settings(max_examples=120, deadline=None)
@given(edits=EDITS)
def test_every_problem_of_a_mistyped_record_is_on_a_line_it_has(
    fuzz_repository: Path, edits: list[tuple[str, int, str]]
) -> None:
    """A valid record with a contributor's slips in it: every problem reported for it points at
    a line and column the file has (an editor jumps there), whatever the slip."""
    path = fuzz_repository / EXAMPLE
    original = path.read_text(encoding="utf-8")
    text = edited(original, edits)
    try:
        path.write_text(text, encoding="utf-8")
        report = validate_repository(fuzz_repository)
    finally:
        path.write_text(original, encoding="utf-8")
    lines = max(1, len(text.splitlines()))
    for problem in (p for p in report.problems if p.path == path):
        assert 1 <= problem.line <= lines and problem.column >= 1, (text, problem)


def record_is_complete(record: dict[str, object]) -> bool:
    """A random record passes only if it has every required field (which is very unlikely)."""
    return {"dataset", "split", "model", "method", "paper", "metrics", "source"} <= set(record)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://arxiv.org/abs/1612.01105", None),
        ("https://8.8.8.8/x", None),
        ("https://[2001:4860:4860::8888]/", None),
        ("http://localhost:8000/", "names 'localhost', a host of the local machine"),
        ("http://LOCALHOST./", "names 'localhost', a host of the local machine"),
        ("http://printer.local/", "names 'printer.local', a host of the local machine"),
        ("http://db.internal/", "names 'db.internal', a host of the local machine"),
        ("http://10.1.2.3/", "names 10.1.2.3, which is not an address of the public internet"),
        ("http://192.168.0.1/", "names 192.168.0.1, which is not an address"),
        ("http://[::1]/", "names ::1, which is not an address"),
        ("http://[fd00::1]/", "names fd00::1, which is not an address"),
        ("http://127.1/", "names 127.0.0.1,"),
        ("http://0x7f000001/", "names 127.0.0.1,"),
        ("http://0.0.0.0/", "names 0.0.0.0,"),
        ("https://token@github.com/o/r", "holds a user name or password"),
        ("http://downlo[[ad]]/w.pth", "cannot be read as an address"),
        ("http://[example.org]/", "cannot be read as an address"),
        ("http://[::1/", "cannot be read as an address: square brackets"),
        ("http://ex\uff03ample.org/", "cannot be read as an address: its host holds a character"),
    ],
)
def test_links_must_name_public_hosts(url: str, problem: str | None) -> None:
    found = host_problem(url)
    assert found == problem if problem is None else (found is not None and problem in found)
