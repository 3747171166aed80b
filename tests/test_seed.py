"""The seed tables: the records must give back every published row, whatever is added later.

The fixture repository's seed.md holds 13 rows of the leaderboard segboard started from, for
the fixture's records (some of them corrected through curation entries: a score, a model name,
a split, weights, a paper). `segboard check` runs the same comparison on the live data/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.contrib.seed import SeedConfig, SeedReport, check_seed
from generator.errors import UsageError
from generator.ranking.boards import leaderboards
from generator.records.validation import validate_repository

from .conftest import run_segboard

SEED_ROWS = 13
PSPNET_TEST_LINE = 35  # seed.md: 'PSPNet-ResNet-101 | 78.40' in the Cityscapes test table


def seed_report(root: Path) -> SeedReport:
    config = SeedConfig.from_pyproject(root)
    assert config is not None
    return check_seed(validate_repository(root).catalog, config)


def found(report: SeedReport) -> list[tuple[int, str]]:
    return [(p.line, p.rule) for p in report.problems]


def test_the_records_give_back_every_seed_row(repo: Path) -> None:
    report = seed_report(repo)
    assert report.rows == SEED_ROWS
    assert report.problems == []


def test_results_added_later_do_not_matter(repo: Path) -> None:
    for name, score in (("top-net", "99.00"), ("middle-net", "78.45"), ("tied-net", "78.40")):
        (repo / f"data/results/cityscapes/test/{name}.yaml").write_text(
            f"dataset: cityscapes\nsplit: test\nmodel: {name}\nmethod: Net\n"
            f'paper: "1612.01105"\nmetrics:\n  miou: {score}\n'
            "source:\n  kind: paper\n  url: https://arxiv.org/abs/1612.01105\n"
        )
    assert validate_repository(repo).errors == []
    assert seed_report(repo).problems == []


def test_a_removed_row_is_reported_at_its_line(repo: Path) -> None:
    (repo / "data/results/cityscapes/test/pspnet-resnet-101.yaml").unlink()
    report = seed_report(repo)
    assert found(report) == [(PSPNET_TEST_LINE, "seed-missing")]
    assert report.problems[0].path == repo / "seed.md"
    assert "cityscapes/test: no record gives back the published row 'PSPNet-ResNet-101'" in (
        report.problems[0].message
    )


def test_a_silent_change_is_reported_and_a_curated_one_is_not(repo: Path) -> None:
    record = repo / "data/results/cityscapes/test/pspnet-resnet-101.yaml"
    text = record.read_text()
    record.write_text(text.replace("miou: 78.40", "miou: 78.10"))
    report = seed_report(repo)
    assert found(report) == [(PSPNET_TEST_LINE, "seed-differs")]
    assert "score 78.40 was published, the record gives 78.10" in report.problems[0].message
    record.write_text(
        text.replace("miou: 78.40", "miou: 78.10")
        + "  - field: metrics.miou\n    action: corrected\n    published: 78.40\n"
        "    reason: The authors' table says 78.1.\n    source: https://arxiv.org/abs/1612.01105\n"
    )
    assert validate_repository(repo).errors == []
    assert seed_report(repo).problems == []


def test_changed_weights_and_lost_code_links_are_reported(repo: Path) -> None:
    record = repo / "data/results/cityscapes/test/refinenet-resnet-101.yaml"
    record.write_text(record.read_text().replace("17Fv9FZQ", "XXXXXXXX"))
    paper = repo / "data/papers/1611.06612.yaml"
    paper.write_text(paper.read_text().replace("guosheng/refinenet", "someone/else"))
    [problem] = seed_report(repo).problems
    assert (problem.line, problem.rule) == (PSPNET_TEST_LINE + 1, "seed-differs")
    assert "weights [('MatConvNet', 'https://drive.google.com/open?id=17Fv9FZQ" in problem.message
    assert (
        "code links [('MatConvNet', 'https://github.com/guosheng/refinenet')] were published"
        in (problem.message)
    )


def test_rows_out_of_published_order_are_reported(repo: Path) -> None:
    seed = repo / "seed.md"
    lines = seed.read_text(encoding="utf-8").splitlines()
    lines[PSPNET_TEST_LINE - 1], lines[PSPNET_TEST_LINE] = (
        lines[PSPNET_TEST_LINE],
        lines[PSPNET_TEST_LINE - 1],
    )  # RefineNet (73.60) now stands above PSPNet (78.40)
    seed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = seed_report(repo).problems
    assert (problem.line, problem.rule) == (PSPNET_TEST_LINE + 1, "seed-order")
    assert "'PSPNet-ResNet-101' was published below 'RefineNet-ResNet-101'" in problem.message


def test_tables_and_leaderboards_must_agree(repo: Path) -> None:
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace(', "cityscapes/test"]', "]"))
    assert found(seed_report(repo)) == [(1, "seed-tables")]
    pyproject.write_text(text.replace('"cityscapes/test"', '"cityscapes/train"'))
    [problem] = seed_report(repo).problems
    assert (problem.line, problem.rule) == (30, "seed-tables")  # the table's header row
    assert "cityscapes/train is not a leaderboard" in problem.message


@pytest.mark.parametrize(
    "settings",
    ['file = "seed.md"\n', 'file = "seed.md"\ntables = ["cityscapes"]\n', "tables = 3\nfile = 1\n"],
)
def test_bad_settings_are_a_usage_error(repo: Path, settings: str) -> None:
    (repo / "pyproject.toml").write_text("[tool.segboard.seed]\n" + settings)
    with pytest.raises(UsageError, match=r"\[tool.segboard.seed\]"):
        SeedConfig.from_pyproject(repo)
    completed = run_segboard("check", cwd=repo)
    assert completed.returncode == 2
    assert "[tool.segboard.seed]" in completed.stderr and "Traceback" not in completed.stderr


def test_no_seed_settings_no_seed_step(repo: Path) -> None:
    (repo / "pyproject.toml").unlink()
    assert SeedConfig.from_pyproject(repo) is None


def test_equal_scores_rank_by_the_earlier_paper(repo: Path) -> None:
    exported = {
        (b["dataset"], b["split"]): b for b in leaderboards(validate_repository(repo).catalog)
    }
    rows = exported[("cityscapes", "test")]["rows"]
    assert [(r["rank"], r["score_text"]) for r in rows] == [
        (1, "80.60"), (2, "80.20"), (3, "78.51"), (4, "78.40"), (4, "78.40"), (6, "73.60"),
    ]  # fmt: skip
    # the tie at 78.40: the earlier paper (ResNet-38, 2016-11) before PSPNet (2016-12)
    assert [r["model"] for r in rows[3:5]] == ["ResNet-38 Model A2-2", "PSPNet-ResNet-101"]


def test_settings_that_are_not_a_table_are_a_usage_error(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.segboard]\nseed = 3\n")
    with pytest.raises(UsageError, match=r"\[tool.segboard.seed\] must be a table"):
        SeedConfig.from_pyproject(repo)
