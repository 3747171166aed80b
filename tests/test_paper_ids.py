"""Paper ids as contributors write them: every common arXiv form comes down to the bare id, and
impossible ids are refused with a message saying why (issue #15, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.records.paper_ids import paper_id

from .conftest import run_segboard

ARXIV_FORMS = [
    "arXiv:2405.00077",
    "arxiv:2405.00077",
    "ARXIV: 2405.00077",
    "https://arxiv.org/abs/2405.00077",
    "http://arxiv.org/pdf/2405.00077v2",
    "https://arxiv.org/pdf/2405.00077.pdf",
    "https://arxiv.org/pdf/2405.00077v3.pdf",
    "https://www.arxiv.org/abs/2405.00077/",
    "https://export.arxiv.org/abs/2405.00077v1",
    "arxiv.org/abs/2405.00077",
    "2405.00077v2",
    " 2405.00077 ",
    "2405.00077",
]


@pytest.mark.parametrize("written", ARXIV_FORMS)
def test_every_common_arxiv_form_gives_the_bare_id(written: str) -> None:
    assert paper_id(written) == "2405.00077"


@pytest.mark.parametrize("written", ["1612.01105", "0704.0001", "1412.9999", "1501.00001"])
def test_real_arxiv_ids_are_kept(written: str) -> None:
    assert paper_id(written) == written


@pytest.mark.parametrize("written", ["everingham2010pascal", "mottaghi2014context", "a-b"])
def test_slugs_are_kept(written: str) -> None:
    assert paper_id(written) == written


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2413.00077", "month 13"),
        ("2400.00077", "month 00"),
        ("0612.1234", "April 2007"),
        ("1301.00077", "four digits after the dot"),
        ("1412.00077", "four digits after the dot"),
        ("1501.0077", "five digits after the dot"),
        ("https://arxiv.org/abs/2413.00077", "month 13"),
        ("arXiv:2405.000777", "arXiv id"),
        ("https://example.org/abs/2405.00077", "is not a valid id"),
        ("https://arxiv.org/list/cs.CV/recent", "is not a valid id"),
        ("Pascal VOC", "is not a valid id"),
        ("", "is not a valid id"),
    ],
)
def test_impossible_ids_are_refused_with_the_reason(written: str, reason: str) -> None:
    with pytest.raises(UsageError) as raised:
        paper_id(written)
    message = str(raised.value)
    assert reason in message, message
    assert "data/papers/http" not in message and "Traceback" not in message


ARGS = [
    "new", "result", "--dataset", "cityscapes", "--split", "test", "--model", "Big Net",
    "--method", "Big Net", "--paper-title", "A Big Net", "--metric", "miou=50.10",
    "--source-kind", "paper", "--source-url", "https://example.org/big-net",
]  # fmt: skip


@pytest.mark.parametrize(
    "written",
    ["https://arxiv.org/abs/2405.00077", "http://arxiv.org/pdf/2405.00077v2", "arXiv:2405.00077"],
)
def test_new_result_takes_an_arxiv_url_and_writes_the_bare_id(repo: Path, written: str) -> None:
    completed = run_segboard(*ARGS, "--paper", written, cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "data/results/cityscapes/test/big-net.yaml",
        "data/papers/2405.00077.yaml",
    ]
    assert 'paper: "2405.00077"' in (repo / "data/results/cityscapes/test/big-net.yaml").read_text()
    paper = (repo / "data/papers/2405.00077.yaml").read_text()
    assert 'id: "2405.00077"' in paper and "url: https://arxiv.org/abs/2405.00077\n" in paper
    assert 'date: "2024-05"' in paper


def test_new_result_refuses_an_impossible_arxiv_id(repo: Path) -> None:
    completed = run_segboard(*ARGS, "--paper", "https://arxiv.org/abs/2413.00077", cwd=repo)
    assert completed.returncode == 2
    assert "month 13" in completed.stderr
    assert "data/papers/http" not in completed.stderr and "Traceback" not in completed.stderr
    assert not (repo / "data/results/cityscapes/test/big-net.yaml").exists()


def test_new_result_finds_a_known_paper_from_its_url(repo: Path) -> None:
    args = [a for a in ARGS if a not in ("--paper-title", "A Big Net")]
    completed = run_segboard(*args, "--paper", "https://arxiv.org/pdf/1612.01105v2.pdf", cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["data/results/cityscapes/test/big-net.yaml"]


def test_import_hf_takes_an_arxiv_url_for_paper(repo: Path, tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(
        "---\nmodel-index:\n- name: Big Net\n  results:\n  - task: {type: semantic-segmentation}\n"
        "    dataset: {type: cityscapes, name: Cityscapes, split: test}\n"
        "    metrics:\n    - {type: mean_iou, value: 50.1}\n---\n"
    )
    completed = run_segboard(
        "import", "hf", str(card), "--paper", "arXiv:1612.01105v1", "--scale", "percent",
        "--source-url", "https://huggingface.co/org/big-net", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    record = (repo / "data/results/cityscapes/test/big-net.yaml").read_text()
    assert 'paper: "1612.01105"' in record


def test_import_markdown_paper_titles_take_arxiv_forms(repo: Path, tmp_path: Path) -> None:
    table = tmp_path / "table.md"
    table.write_text(
        "| Model | Score | Weights | Paper | Code |\n| --- | --- | --- | --- | --- |\n"
        "| Big-ResNet-50 | 50.10 | N/A | [paper](https://arxiv.org/abs/2405.00077v2) | N/A |\n"
    )
    completed = run_segboard(
        "import", "markdown", str(table), "--dataset", "cityscapes", "--split", "test",
        "--source-url", "https://example.org/table",
        "--paper-title", "arXiv:2405.00077=A Big Net", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert (repo / "data/papers/2405.00077.yaml").is_file()
