"""The YAML loader on inputs that cannot carry '# expect:' comments, and on hostile ones."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.records.validation import validate_repository
from generator.records.yamlfile import MAX_RECORD_BYTES, load_file, load_text

from .conftest import run_segboard

PLACE = Path("data/results/cityscapes/test/fixture-net.yaml")
VALID = (
    "dataset: cityscapes\nsplit: test\nmodel: Fixture-Net\nmethod: Fixture-Net\n"
    'paper: "1612.01105"\nmetrics:\n  miou: 70.50\n'
    "source:\n  kind: paper\n  url: https://arxiv.org/abs/1612.01105\n"
)


def problems_for(root: Path, content: bytes) -> list[tuple[int, int, str, str]]:
    target = root / PLACE
    target.write_bytes(content)
    report = validate_repository(root)
    return [(p.line, p.column, p.rule, p.message) for p in report.problems if p.path == target]


def test_a_valid_record_has_no_problems(repo: Path) -> None:
    assert problems_for(repo, VALID.encode()) == []


def test_empty_and_blank_files(repo: Path) -> None:
    assert problems_for(repo, b"") == [(1, 1, "empty", "the file is empty")]
    assert problems_for(repo, b"  \n\n") == [(1, 1, "empty", "the file is empty")]
    only_comment = b"# yaml-language-server: $schema=../../../../schema/result.schema.json\n"
    assert problems_for(repo, only_comment) == [(1, 1, "empty", "the file holds no record")]


def test_oversized_file_is_refused_without_parsing(repo: Path) -> None:
    content = VALID.encode() + b"notes: " + b"x" * MAX_RECORD_BYTES + b"\n"
    [(line, col, rule, message)] = problems_for(repo, content)
    assert (line, col, rule) == (1, 1, "too-large")
    assert f"{len(content):,} bytes" in message and "262,144" in message


def test_bytes_that_are_not_utf8_are_located(repo: Path) -> None:
    content = VALID.encode().replace(b"model: Fixture-Net", b"model: Fix\xffture")
    [(line, col, rule, message)] = problems_for(repo, content)
    assert (line, col, rule) == (3, 11, "encoding")
    assert "not valid UTF-8 (byte 0xff" in message


def test_a_byte_order_mark_is_accepted(repo: Path) -> None:
    assert problems_for(repo, b"\xef\xbb\xbf" + VALID.encode()) == []


@pytest.mark.parametrize("folder", [False, True])
def test_missing_catalogue_is_one_error_not_one_per_metric(repo: Path, folder: bool) -> None:
    """Without the catalogue (or with a folder in its place) no metric can be looked up; that is
    one error, not an unknown metric at every place that names one."""
    (repo / "data" / "metrics.yaml").unlink()
    if folder:
        (repo / "data" / "metrics.yaml").mkdir()
    report = validate_repository(repo)
    [problem] = report.errors
    assert (problem.path.name, problem.line, problem.rule) == (
        "metrics.yaml",
        1,
        "missing-catalogue",
    )
    assert ("not a file" in problem.message) == folder


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"  # listed, then removed before it was read
    [problem] = load_file(missing).problems
    assert (problem.line, problem.rule) == (1, "unreadable")
    assert problem.message == "cannot be read (No such file or directory)"


@pytest.mark.parametrize("target", ["nowhere.yaml", "/etc/hostname", "/dev/zero"])
def test_a_symbolic_link_in_data_is_reported_and_never_followed(repo: Path, target: str) -> None:
    link = repo / PLACE
    link.symlink_to(target if target.startswith("/") else repo / target)
    report = validate_repository(repo)
    [problem] = [p for p in report.problems if p.path == link]
    assert (problem.line, problem.column, problem.rule) == (1, 1, "file-kind")
    assert problem.message.startswith("a symbolic link; records must be real files")


def test_hidden_files_of_editors_and_systems_are_passed_over(repo: Path) -> None:
    """A hidden record ('.x.yaml') is reported (fixture file-location-hidden); the files editors
    and systems make beside a record are not records, and are not reported."""
    folder = (repo / PLACE).parent
    for name in (".x.yaml.swp", ".#x.yaml", "._x.yaml", ".gitkeep"):
        (folder / name).write_text("not: [a record")
    (folder / ".hidden").mkdir()
    (folder / ".hidden/x.yaml").write_text("not: [a record")
    assert validate_repository(repo).problems == []


def test_a_folder_named_like_a_record_is_reported_not_passed_over(repo: Path) -> None:
    """A record's path made a folder (empty, or holding the record) would leave the record out
    without a word; it is a file-location error at the folder, in the usual form."""
    place = "data/results/cityscapes/test/pspnet-resnet-101.yaml"
    record = repo / place
    text = record.read_text()
    record.unlink()
    record.mkdir()
    (record / "inside.yaml").write_text(text)
    (repo / "data/results/cityscapes/test/empty.yml").mkdir()
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    message = (
        "error: a folder named like a record file; records are files, and nothing in this "
        "folder is read: move the record out of it and remove the folder [file-location]"
    )
    assert lines[:2] == [
        f"data/results/cityscapes/test/empty.yml:1:1: {message}",
        f"{place}:1:1: {message}",
    ], completed.stdout
    assert "inside.yaml" not in completed.stdout


def test_a_symbolic_link_that_loops_is_reported_in_the_usual_form(repo: Path) -> None:
    """Resolving a link that points at itself raises; the report still names it by its path."""
    link = repo / PLACE
    link.symlink_to(link.name)
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 1, completed.stderr
    assert f"{PLACE}:1:1: error: a symbolic link; records must be real files" in completed.stdout


def test_a_fifo_in_data_is_reported_without_blocking(repo: Path) -> None:
    fifo = repo / PLACE
    os.mkfifo(fifo)
    report = validate_repository(repo)  # would block forever if the FIFO were opened
    [problem] = [p for p in report.problems if p.path == fifo]
    assert problem.rule == "file-kind" and "not a regular file" in problem.message
    [direct] = load_file(fifo).problems  # and the loader alone refuses it too
    assert direct.message == "a named pipe (FIFO), not a regular file"


def test_deep_nesting_is_reported_not_crashed(repo: Path) -> None:
    """libyaml's composer recurses per level; 200,000 levels would crash the interpreter."""
    depth = 100_000
    target = repo / PLACE
    target.write_text(VALID + "notes: " + "[" * depth + "]" * depth + "\n")
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 1, completed.stderr
    assert f"{PLACE}:11:39: error: values are nested deeper than 32 levels [yaml-depth]" in (
        completed.stdout
    )
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('["x", ' * 5000 + "]" * 5000, (2, 194)),  # quoted items between the brackets
        ("{a: " * 5000 + "}" * 5000, (2, 132)),  # mappings
        ("[# a comment\n" * 3000 + "]" * 3000, (33, 1)),  # one level per line
    ],
    ids=["quoted-items", "mappings", "comments"],
)
def test_deep_flow_nesting_of_any_shape_is_a_depth_error(
    tmp_path: Path, body: str, where: tuple[int, int]
) -> None:
    """Whether libyaml refuses the nesting itself (PyYAML 6.0.4) or not, the rule is yaml-depth."""
    result = load_text("a: 1\nnotes: " + body + "\n", tmp_path / "x.yaml")
    assert [(p.line, p.column, p.rule) for p in result.problems] == [(*where, "yaml-depth")]


def test_block_nesting_is_limited_too(tmp_path: Path) -> None:
    text = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 40))
    result = load_text(text, tmp_path / "x.yaml")
    assert [p.rule for p in result.problems] == ["yaml-depth"]


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["k0: &k0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 20):
        lines.append(f"k{level}: &k{level} [" + ", ".join([f"*k{level - 1}"] * 10) + "]")
    start = time.perf_counter()
    result = load_text("\n".join(lines) + "\n", tmp_path / "bomb.yaml")
    assert time.perf_counter() - start < 2
    assert [(p.line, p.column, p.rule) for p in result.problems] == [(1, 5, "yaml-alias")]


def test_python_tags_never_run(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    content = VALID.replace(
        "method: Fixture-Net", f"method: !!python/object/apply:os.system ['touch {marker}']"
    )
    problems = problems_for(repo, content.encode())
    assert [rule for _, _, rule, _ in problems] == ["yaml-tag"]
    assert not marker.exists()


def test_positions_are_computed_on_demand_and_match(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "# comment\nmodel: A\nweights:\n  - url: https://x.org/w\n    framework: PyTorch\n"
    )
    loaded = load_file(path)
    assert loaded.problems == []
    document = loaded.document
    assert document is not None
    assert document._positions is None  # not built until asked
    assert document.where(("model",)) == (2, 1)
    assert document.where(("weights", 0)) == (4, 5)
    assert document.where(("weights", 0, "framework")) == (5, 5)
    assert document.where(("weights", 0, "nope")) == (5 - 1, 5)  # nearest known ancestor
    assert document.where(()) == (2, 1)


def test_numbers_keep_their_published_text(tmp_path: Path) -> None:
    result = load_text("metrics:\n  miou: 80.60\n  acc: 7\n", tmp_path / "n.yaml")
    document = result.document
    assert document is not None
    assert document.data == {"metrics": {"miou": 80.6, "acc": 7}}
    assert document.number_text[("metrics", "miou")] == "80.60"


def test_yaml_12_scalars_are_typed_as_yaml_12(tmp_path: Path) -> None:
    text = "a: true\nb: False\nc: ~\nd: null\ne: -3\nf: +2.5\ng: .5\nh: '1e3'\ni: 'no'\nj: text\n"
    document = load_text(text, tmp_path / "t.yaml").document
    assert document is not None
    assert document.data == {
        "a": True, "b": False, "c": None, "d": None, "e": -3, "f": 2.5, "g": 0.5,
        "h": "1e3", "i": "no", "j": "text",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        # the open bracket, quote or key where the file ends, with or without a last line break
        ("a: 1\nb: [1, 2\n", (2, 4), "(while parsing a flow sequence, which starts here)"),
        ("a: 1\nb: [1, 2", (2, 4), "(while parsing a flow sequence, which starts here)"),
        ("a: 1\nb: {c: 1\n\n\n", (2, 4), "(while parsing a flow mapping, which starts here)"),
        ('a: 1\nb: "open\n', (2, 4), "(while scanning a quoted scalar, which starts here)"),
        ("a: 1\nb\n", (2, 1), "(while scanning a simple key, which starts here)"),
        ("a: [\n  1,\n  2\n# a comment\n", (1, 4), "which starts here"),
        # nothing unfinished to point at: where the text ends
        ("a: [1,\n", (1, 7), "(while parsing a flow node)"),
    ],
)
def test_a_file_that_ends_unfinished_is_reported_on_a_line_it_has(
    tmp_path: Path, text: str, where: tuple[int, int], fragment: str
) -> None:
    """libyaml places an error found at the end of the text past the file's last line; it is
    reported at what the file leaves unfinished instead."""
    [problem] = load_text(text, tmp_path / "x.yaml").problems
    assert (problem.rule, (problem.line, problem.column)) == ("yaml-syntax", where)
    assert fragment in problem.message
    assert problem.message.endswith("; the file ends before it is complete")
    assert problem.line <= len(text.splitlines())


def test_a_syntax_error_inside_the_file_keeps_its_place(tmp_path: Path) -> None:
    [problem] = load_text("a: b: c\nd: 1\n", tmp_path / "x.yaml").problems
    assert (problem.line, problem.column) == (1, 5)
    assert problem.message == "invalid YAML: mapping values are not allowed in this context"
