"""`segboard import pwc-archive`: the archived Papers with Code evaluation tables (the JSON of
paperswithcode/sota-extractor), streamed; segmentation tables on known datasets become results of
source kind aggregator, shown beside the claims and never ranked with them."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator.interop import json_stream
from generator.ranking.order import ranked_leaderboards
from generator.records.validation import validate_repository

from .conftest import FIXTURES, run_segboard

ARCHIVE = FIXTURES / "pwc" / "evaluation-tables.json"
WRITTEN = {
    "data/papers/2105.15203.yaml",
    "data/results/cityscapes/test/segformer-b5.yaml",
    "data/papers/2112.01527.yaml",
    "data/results/cityscapes/val/mask2former-swin-l.yaml",
    "data/papers/2004.02147.yaml",
    "data/results/cityscapes/test/bisenet-v2.yaml",
}
AGGREGATED = {
    "cityscapes/test/segformer-b5",
    "cityscapes/test/bisenet-v2",
    "cityscapes/val/mask2former-swin-l",
}
SEG = "task 'Semantic Segmentation', dataset 'Cityscapes test'"


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "data").rglob("*.yaml")}


def test_dry_run_summarises_per_dataset_and_split_and_writes_nothing(repo: Path) -> None:
    before = files(repo)
    completed = run_segboard("import", "pwc-archive", str(ARCHIVE), "--dry-run", cwd=repo)
    assert completed.returncode == 1  # rows were left out
    assert files(repo) == before
    assert completed.stdout.splitlines() == [
        "Papers with Code archive: 2 top-level tasks read, 4 tables of Semantic Segmentation / "
        "Real-Time Semantic Segmentation",
        "skipped segmentation tasks (another protocol): Weakly-Supervised Semantic Segmentation",
        "'Foo Streets' (not a known dataset and split): 1 row, 0 importable, 1 left out "
        "(unknown dataset: 1)",
        "cityscapes/test: 6 rows, 2 importable, 4 left out (metric value not a number: 1, model "
        "already on the split: 1, no arXiv paper: 1, repeated in the archive: 1)",
        "cityscapes/val: 1 row, 1 importable, 0 left out",
    ]
    assert "would write 6 files; left out 6 (see above); 3 warning(s) above" in completed.stderr
    assert "# yaml-language-server" not in completed.stdout  # no record texts: a summary


def test_import_writes_aggregator_results_and_papers(repo: Path) -> None:
    before = files(repo)
    completed = run_segboard("import", "pwc-archive", str(ARCHIVE), cwd=repo)
    assert completed.returncode == 1
    assert files(repo) - before == WRITTEN
    assert set(completed.stdout.splitlines()) >= WRITTEN
    report = validate_repository(repo)
    assert report.errors == []
    segformer = yaml.safe_load(
        (repo / "data/results/cityscapes/test/segformer-b5.yaml").read_text()
    )
    assert segformer["metrics"] == {"miou": 82.2}  # "82.2%" read as a number
    assert (segformer["method"], segformer["backbone"]) == ("SegFormer", "B5")
    assert segformer["paper"] == "2105.15203"  # the arXiv address's version dropped
    assert segformer["source"] == {
        "kind": "aggregator",
        "url": "https://github.com/paperswithcode/paperswithcode-data",
        "detail": "Semantic Segmentation / Cityscapes test / row 1: SegFormer-B5",
    }
    mask2former = yaml.safe_load(
        (repo / "data/results/cityscapes/val/mask2former-swin-l.yaml").read_text()
    )
    assert (mask2former["model"], mask2former["method"]) == ("Mask2Former (Swin-L)", "Mask2Former")
    assert mask2former["metrics"] == {"miou": 84.3}  # a JSON number, kept as published
    assert "uses additional data" in mask2former["source"]["detail"]
    bisenet = yaml.safe_load((repo / "data/results/cityscapes/test/bisenet-v2.yaml").read_text())
    assert "Real-Time Semantic Segmentation" in bisenet["source"]["detail"]  # a subtask's table
    paper = yaml.safe_load((repo / "data/papers/2112.01527.yaml").read_text())
    assert paper["title"] == "Masked-attention Mask Transformer for Universal Image Segmentation"
    assert paper["date"] == "2021-12"
    assert "code" not in paper  # the archive gives no framework: reported, not written


def test_findings_name_task_dataset_and_row(repo: Path) -> None:
    completed = run_segboard("import", "pwc-archive", str(ARCHIVE), "--dry-run", cwd=repo)
    errors = [line for line in completed.stderr.splitlines() if ": error: " in line]
    warnings = [line for line in completed.stderr.splitlines() if ": warning: " in line]
    assert all(line.startswith(str(ARCHIVE)) and line.endswith("[left-out]")
               for line in errors + warnings)  # fmt: skip
    messages = [line.split(": error: ", 1)[1].removesuffix(" [left-out]") for line in errors]
    assert messages == [
        f"{SEG}, row 2 (PSPNet-ResNet-101): model 'PSPNet-ResNet-101' is already on the split "
        "(cityscapes/test/pspnet-resnet-101)",
        f"{SEG}, row 3 (Conference Net): no arXiv paper (paper_url 'https://open.../a_paper.html')",
        f"{SEG}, row 4 (Unreadable Net): metric 'Mean IoU (class)' = 'n/a' is not a number",
        f"{SEG}, row 4 (Unreadable Net): cityscapes/test ranks by miou, which the row does not "
        "give as a number",
        f"{SEG}, row 5 (SegFormer-B5): model 'SegFormer-B5' is repeated in the archive (row 1 of "
        "'Cityscapes test')",
        "task 'Semantic Segmentation', dataset 'Foo Streets': unknown dataset; 1 row left out "
        "(add an alias with its split to the dataset record)",
    ]
    assert any("'Category mIoU'" in line for line in warnings)
    assert any("'Frame (fps)'" in line for line in warnings)
    assert any("https://github.com/NVlabs/SegFormer is left out" in line for line in warnings)
    assert "Not A Segmenter" not in completed.stderr  # an unrelated task is not read
    assert "Weak Net" not in completed.stderr  # nor another protocol's subtask


def test_aggregated_results_are_not_ranked_with_the_claims(repo: Path) -> None:
    ranked_before = {
        (board.dataset, board.split): list(table["result"])
        for board, table in ranked_leaderboards(validate_repository(repo).catalog)
    }
    run_segboard("import", "pwc-archive", str(ARCHIVE), cwd=repo)
    catalog = validate_repository(repo).catalog
    ranked = {(b.dataset, b.split): list(t["result"]) for b, t in ranked_leaderboards(catalog)}
    assert ranked == ranked_before  # nothing imported is ranked
    everything = ranked_leaderboards(catalog, reproductions=True)  # only when asked for
    assert {rid for _, table in everything for rid in table["result"]} >= AGGREGATED
    exported = run_segboard("export", "--format", "json", cwd=repo)
    assert exported.returncode == 0, exported.stderr
    boards = json.loads(exported.stdout)
    claims = {row["result"] for board in boards for row in board["rows"]}
    assert not claims & AGGREGATED
    aggregated = {row["result"]: row for board in boards for row in board["aggregated"]}
    assert set(aggregated) == AGGREGATED
    assert {row["rank"] for row in aggregated.values()} == {0}
    assert {row["source"]["kind"] for row in aggregated.values()} == {"aggregator"}
    table = run_segboard("export", "--format", "csv", cwd=repo)
    rows = {row["result"]: row for row in csv.DictReader(io.StringIO(table.stdout))}
    assert rows["cityscapes/test/bisenet-v2"]["rank"] == ""
    assert rows["cityscapes/test/bisenet-v2"]["source_kind"] == "aggregator"


def test_a_second_import_leaves_everything_out_and_overwrites_nothing(repo: Path) -> None:
    run_segboard("import", "pwc-archive", str(ARCHIVE), cwd=repo)
    texts = {path: (repo / path).read_text() for path in WRITTEN}
    again = run_segboard("import", "pwc-archive", str(ARCHIVE), cwd=repo)
    assert again.returncode == 1
    assert "cityscapes/test: 6 rows, 0 importable" in again.stdout
    assert {path: (repo / path).read_text() for path in WRITTEN} == texts


def test_gzipped_archive_and_chosen_tasks(repo: Path, tmp_path: Path) -> None:
    packed = tmp_path / "evaluation-tables.json.gz"
    packed.write_bytes(gzip.compress(ARCHIVE.read_bytes()))
    completed = run_segboard(
        "import", "pwc-archive", str(packed), "--task", "real-time semantic segmentation",
        "--source-url", "https://example.org/archive", cwd=repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "cityscapes/test: 1 row, 1 importable, 0 left out" in completed.stdout
    record = yaml.safe_load((repo / "data/results/cityscapes/test/bisenet-v2.yaml").read_text())
    assert record["source"]["url"] == "https://example.org/archive"


def test_alias_split_must_be_a_split_of_the_dataset(repo: Path) -> None:
    path = repo / "data/datasets/cityscapes.yaml"
    path.write_text(path.read_text().replace("    split: test\n", "    split: testing\n"))
    report = validate_repository(repo)
    assert [p.rule for p in report.errors] == ["unknown-split"]
    assert "alias 'Cityscapes test' names split 'testing'" in report.errors[0].message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (ARCHIVE.read_text()[:2000], "not valid JSON after 1 tasks"),
        ('{"task": "Semantic Segmentation"}', "not a JSON array of tasks (it starts with '{')"),
        ("", "not a JSON array of tasks (it is empty)"),
        ('[{"task": "x"}, "not json', "not valid JSON after 1 tasks"),
        (b"[\xff\xfe]", "not valid JSON after 0 tasks"),
        # nesting that would take the parser gigabytes, and numbers that would crash it
        ("[" * 100_000 + "]" * 100_000, "task 1 holds arrays or objects nested more than 1,000"),
        ('[{"a": 1}, ' + '{"a": ' * 2_000 + "1" + "}" * 2_000 + "]", "task 2 holds arrays or"),
        ("[" + "9" * 4_400 + "]", "task 1 holds a number of more than 1,000 digits"),
        ("[" + " " * 4_000 + "9" * 1_200 + "]", "task 1 holds a number of more than 1,000"),
        ("[" + "9" * 20_000 + "]", "task 1 holds a number of more than 1,000 digits"),
    ],
)
def test_hostile_archives_are_refused_in_one_line(
    repo: Path, tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = tmp_path / "evaluation-tables.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    before = files(repo)
    completed = run_segboard("import", "pwc-archive", str(path), cwd=repo)
    assert completed.returncode == 1
    assert expected in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr
    assert files(repo) == before


def test_a_huge_string_is_refused_before_it_fills_the_memory(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "MAX_ITEM_BYTES", 1_000_000)
    path = tmp_path / "evaluation-tables.json"
    tasks = json.loads(ARCHIVE.read_text())
    tasks[0]["description"] = "x" * 3_000_000
    path.write_text(json.dumps(tasks))
    before = files(repo)
    completed = run_segboard("import", "pwc-archive", str(path), cwd=repo)
    assert completed.returncode == 1
    assert "task 1 is larger than 1,000,000 bytes" in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert files(repo) == before


def test_odd_shapes_are_left_out_and_a_missing_file_is_a_usage_error(
    repo: Path, tmp_path: Path
) -> None:
    path = tmp_path / "odd.json"
    rows = [5, {"model_name": "", "metrics": {}}, {"model_name": "X" * 300, "metrics": {}},
            {"model_name": "No Metrics", "metrics": []}]  # fmt: skip
    tasks = [
        7,
        {"task": "Semantic Segmentation", "datasets": [
            "not an object",
            {"dataset": "Cityscapes", "sota": {"rows": [{"model_name": "A", "metrics": {}}]}},
            {"dataset": "Cityscapes val", "sota": {"rows": rows}, "subdatasets": [
                {"subdataset": "Cityscapes test", "sota": {"rows": [
                    {"model_name": "Tiny", "paper_url": "https://arxiv.org/abs/2004.02147",
                     "paper_title": "BiSeNet V2", "metrics": {"mIoU": "0.5"}}]}}]},
        ]},
    ]  # fmt: skip
    path.write_text(json.dumps(tasks))
    completed = run_segboard("import", "pwc-archive", str(path), "--dry-run", cwd=repo)
    assert completed.returncode == 1
    assert "task 1 is not a task object" in completed.stderr
    assert "an entry of datasets is not an object" in completed.stderr
    assert "the alias names no split of cityscapes" in completed.stderr
    assert completed.stderr.count("not a row object with metrics") == 2
    assert completed.stderr.count("cannot be a record's") == 2
    assert "fractions of 1 or percentages?" in completed.stderr  # 0.5: the mapper asks
    assert "cityscapes/test: 1 row, 0 importable, 1 left out (not mapped" in completed.stdout
    missing = run_segboard("import", "pwc-archive", str(tmp_path / "none.json"), cwd=repo)
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_no_table_of_the_tasks(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    shutil.copy(ARCHIVE, path)
    completed = run_segboard("import", "pwc-archive", str(path), "--task", "Depth Estimation",
                             "--format", "json", cwd=repo)  # fmt: skip
    assert completed.returncode == 0
    assert "no table of those tasks on any dataset" in completed.stdout
    assert json.loads(completed.stderr) == []


def test_the_site_shows_aggregated_rows_beside_the_claims_hidden_and_without_badges(
    repo: Path,
) -> None:
    from generator.ranking.boards import leaderboards
    from generator.site.board_view import board_view

    run_segboard("import", "pwc-archive", str(ARCHIVE), cwd=repo)
    catalog = validate_repository(repo).catalog
    [board] = [b for b in leaderboards(catalog) if b["key"] == "cityscapes--test"]
    view = board_view(catalog, board, {}, None)
    kinds = {item["row"]["result"]: item["kind"] for item in view.rows}
    assert {rid for rid, kind in kinds.items() if kind == "aggregator"} == {
        "cityscapes/test/segformer-b5",
        "cityscapes/test/bisenet-v2",
    }
    assert view.aggregated == 2
    assert all(item["badge"] is None for item in view.rows if item["kind"] == "aggregator")
    assert all(item["badge"] for item in view.rows if item["kind"] == "claim")
