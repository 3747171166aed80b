"""Time `segboard import pwc-archive --dry-run` on a synthetic archive of 1,000,000 rows.

    python benchmarks/bench_pwc_archive.py [--rows 1000000] [--segmentation 5000] [--keep FILE]

The archive has the structure of paperswithcode/sota-extractor's evaluation-tables.json: most
rows are in unrelated tasks (100 rows per dataset table, 10 tables per task), and
`--segmentation` rows are in Semantic Segmentation tables (and a Real-Time subtask) on datasets
the tests' fixture repository knows through its aliases (Cityscapes test and val, PASCAL VOC 2012
test and val), each with its own arXiv paper. The import runs on a copy of that repository.

Baseline, measured in the same run on the same file: `json.load` of the whole archive, the way a
reader without streaming would start. Each measurement runs in its own child process, which
reports its wall time and its peak memory (resource.getrusage ru_maxrss); a third child only
starts Python and imports segboard, the floor under both.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SEGMENTATION_DATASETS = ["Cityscapes test", "Cityscapes val", "PASCAL VOC 2012 test",
                         "PASCAL VOC 2012 val"]  # fmt: skip


def _row(name: str, paper: str, metrics: dict[str, str]) -> dict[str, Any]:
    return {
        "model_name": name,
        "paper_title": f"The paper of {name}",
        "paper_url": f"https://arxiv.org/abs/{paper}",
        "paper_date": "2021-03-01",
        "code_links": [{"title": "example/code", "url": "https://github.com/example/code"}],
        "model_links": [],
        "metrics": metrics,
        "uses_additional_data": False,
    }


def _table(name: str, rows: list[dict[str, Any]], metrics: list[str]) -> dict[str, Any]:
    return {"dataset": name, "description": "", "sota": {"metrics": metrics, "rows": rows},
            "subdatasets": []}  # fmt: skip


def _task(name: str, tables: list[dict[str, Any]], subtasks: list[Any]) -> dict[str, Any]:
    return {"task": name, "description": f"The task {name}.", "categories": ["Computer Vision"],
            "datasets": tables, "subtasks": subtasks, "synonyms": [],
            "source_link": None}  # fmt: skip


def write_archive(out: TextIO, rows: int, segmentation: int) -> None:
    """The archive, written one task at a time (never whole in memory)."""
    out.write("[\n")
    first = True

    def put(task: dict[str, Any]) -> None:
        nonlocal first
        out.write(("" if first else ",\n") + json.dumps(task))
        first = False

    seg_rows = []
    for n in range(segmentation):  # a paper of its own each: 2101.00000, 2101.00001, ...
        paper = f"21{1 + n // 90000:02d}.{n % 90000:05d}"
        seg_rows.append(_row(f"SegNet-{n}", paper, {"Mean IoU (class)": f"{50 + n % 40}.{n % 10}%",
                                                     "Category mIoU": "90.1"}))  # fmt: skip
    quarter = max(1, len(seg_rows) // 5)
    tables = [_table(name, seg_rows[i * quarter : (i + 1) * quarter], ["Mean IoU (class)"])
              for i, name in enumerate(SEGMENTATION_DATASETS)]  # fmt: skip
    last = [_table("Cityscapes test", seg_rows[4 * quarter :], ["mIoU"])]
    realtime = _task("Real-Time Semantic Segmentation", last, [])
    other = rows - segmentation
    task_number = 0
    while other > 0:
        task_number += 1
        tables_of_task = []
        for d in range(10):
            count = min(100, other)
            if count <= 0:
                break
            other -= count
            table_rows = [
                _row(f"Model {task_number}-{d}-{r}", "1706.05587", {"Accuracy": f"{r % 100}.5"})
                for r in range(count)
            ]
            tables_of_task.append(_table(f"Dataset {task_number}-{d}", table_rows, ["Accuracy"]))
        put(_task(f"Unrelated Task {task_number}", tables_of_task, []))
        if task_number == 1000:  # the segmentation task somewhere in the middle
            put(_task("Semantic Segmentation", tables, [realtime]))
    if task_number < 1000:
        put(_task("Semantic Segmentation", tables, [realtime]))
    out.write("\n]\n")


def measure(mode: str, archive: str, root: str, report: str) -> None:
    """Run in a child: do one job, then write its time and peak memory to `report`."""
    start = time.perf_counter()
    if mode == "json.load":
        with open(archive, "rb") as handle:
            data = json.load(handle)
        detail = f"{len(data)} tasks"
    elif mode == "import":
        from generator.cli import main

        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), \
                contextlib.redirect_stderr(sink):  # fmt: skip
            status = main(["--root", root, "import", "pwc-archive", archive, "--dry-run",
                           "--format", "json"])  # fmt: skip
        detail = f"exit status {status}"
    else:
        import generator.interop.pwc_archive  # noqa: F401  (the floor: Python and segboard)

        detail = "imports only"
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path(report).write_text(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024,
                                        "detail": detail}))  # fmt: skip


def run_child(mode: str, archive: Path, root: Path, folder: Path) -> dict[str, Any]:
    report = folder / f"{mode}.json"
    subprocess.run([sys.executable, __file__, "--measure", mode, str(archive), str(root),
                    str(report)], check=True)  # fmt: skip
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--measure":
        measure(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--segmentation", type=int, default=5_000)
    parser.add_argument("--keep", type=Path, help="Keep the archive in this file.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="segboard-pwc-bench-"))
    try:
        root = folder / "repo"
        shutil.copytree(REPO / "tests/fixtures/repo", root)
        shutil.copytree(REPO / "schema", root / "schema")
        archive = args.keep or folder / "evaluation-tables.json"
        start = time.perf_counter()
        with archive.open("w", encoding="utf-8") as out:
            write_archive(out, args.rows, args.segmentation)
        size = archive.stat().st_size / 2**20
        print(f"archive: {args.rows:,} rows ({args.segmentation:,} in segmentation tables), "
              f"{size:,.0f} MB, written in {time.perf_counter() - start:.1f} s")  # fmt: skip
        import ijson

        python = sys.version.split()[0]
        print(f"ijson {ijson.__version__}, backend {ijson.backend}; Python {python}")
        floor = run_child("floor", archive, root, folder)
        baseline = run_child("json.load", archive, root, folder)
        ours = run_child("import", archive, root, folder)
        print()
        print(f"| {'run':<46} | {'time (s)':>8} | {'peak memory (MB)':>16} | {'time ratio':>10} "
              f"| {'memory ratio':>12} |")  # fmt: skip
        print(f"|{'-' * 48}|{'-' * 10}:|{'-' * 17}:|{'-' * 11}:|{'-' * 13}:|")
        for name, run in [("Python + segboard imports (floor)", floor),
                          ("baseline: json.load of the archive", baseline),
                          ("segboard import pwc-archive --dry-run", ours)]:  # fmt: skip
            time_ratio = run["seconds"] / baseline["seconds"]
            memory_ratio = run["peak_mb"] / baseline["peak_mb"]
            print(f"| {name:<46} | {run['seconds']:>8.2f} | {run['peak_mb']:>16.0f} | "
                  f"{time_ratio:>10.2f} | {memory_ratio:>12.2f} |")  # fmt: skip
        print(
            f"\n(import: {ours['detail']}; json.load: {baseline['detail']}; ratios are to "
            "json.load)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
