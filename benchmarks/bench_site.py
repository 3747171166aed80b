"""Time `segboard build` and `segboard serve` on 50 datasets x 200 results beside a
plain-Markdown-tables baseline.

    python benchmarks/bench_site.py [--datasets 50] [--results 200] [--pairs 3] [--keep DIR]

Measured in one run, on the same generated repository:
  * baseline: MkDocs alone, building the same pages in both languages with every leaderboard
    written as a plain Markdown table (links as Markdown links), the way hand-kept leaderboards
    are written. The generator writes raw HTML tables instead, which Markdown passes through.
    Like `segboard build`, it is timed as a new process (starting Python, importing MkDocs),
    the languages built side by side as the build builds them;
  * generation: validation plus writing every page of both languages (no MkDocs, no cache);
  * MkDocs alone on segboard's pages: the engine's share of a build, timed as the baseline is,
    on the Markdown pages `segboard build` writes (an empty slot where each table goes) and
    with the engine set up as the build sets it up (jieba's word list read whole); what a cold
    build takes beyond it is segboard's own work (validation, tables, data files, checks);
  * segboard build, cold: the whole command with build/ and site/ removed first (a fresh clone),
    on a machine that has built a site before: what is kept per machine (Python's compiled
    modules, the compiled templates, jieba's word list) is there, as after the warm-up;
  * segboard build, first on this machine: cold, with a temporary folder of its own, so that
    neither compiled templates nor jieba's word list are kept yet (one run, for reference);
  * segboard build, warm: the command again with nothing changed (what it kept is reused);
  * segboard build, cold, in one process: the same build with the languages, the tables and
    the data files made one after another (only the records are still read by a pool of
    workers); its CPU time, with that of the cold build, is given below the table. It is the
    work a cold build does: divided by the cores, it is the least time any sharing out of that
    work could take (a parallel build only adds to it: forking, sending results, some work
    done twice, processes sharing caches);
  * segboard build, one record changed: a result's score changed before the command;
  * segboard serve: from saving a changed record until the served page shows the new score,
    read over HTTP, beside the cold build (the issue's bar: under a quarter of it).

A cold build creates thousands of files; a file system that is slow to create files soon after
many were removed (the runs remove build/ and site/) slows it more than the baseline. Give
`--keep /dev/shm/DIR` (a memory file system) to time the work rather than the disk.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.records.validation import validate_repository  # noqa: E402
from generator.site.build import handwritten_pages  # noqa: E402
from generator.site.i18n import LANGUAGES, TAG_LABELS  # noqa: E402
from generator.site.pages import PageWriter  # noqa: E402

DATASET = """\
id: {id}
name: Bench Set {n}
homepage: https://example.org/datasets/{id}
description:
  en: Generated dataset number {n} for the site benchmark, with street scenes and rooms.
  zh: 用于网站基准测试的第 {n} 个生成数据集，包含街景和室内场景。
num_classes: 3
classes: [road, car, person]
ignore_label: 255
metrics: [miou, pixel-accuracy]
splits:
  - id: val
    name: {{en: validation set, zh: 验证集}}
    images: 500
    labels: public
leaderboards:
  - split: val
    metric: miou
"""
PAPER = """\
id: "{id}"
title: Benchmark Paper {n} on Segmentation
url: https://arxiv.org/abs/{id}
date: "{date}"
code:
  - url: https://github.com/example/bench-{n}
    framework: PyTorch
    official: true
"""
RESULT = """\
dataset: {dataset}
split: val
model: Bench-Net-{n} + COCO
method: Bench-Net
backbone: ResNet-{depth}
paper: "{paper}"
metrics:
  miou: {score:.2f}
extra_training_data: [coco]
test_time_augmentation: [multi-scale]
weights:
  - url: https://example.org/weights/{dataset}/bench-net-{n}.pth
    framework: PyTorch
source:
  kind: paper
  url: https://arxiv.org/abs/{paper}
"""


def make_repository(target: Path, datasets: int, results: int) -> None:
    for name in ("schema", "docs", "overrides"):
        shutil.copytree(REPO / name, target / name)
    for name in ("mkdocs.yml", "CONTRIBUTING.md", "CONTRIBUTING.zh.md"):
        shutil.copy(REPO / name, target / name)
    data = target / "data"
    (data / "datasets").mkdir(parents=True)
    (data / "papers").mkdir()
    shutil.copy(REPO / "data" / "metrics.yaml", data / "metrics.yaml")
    papers = []
    for n in range(40):
        year, month = 15 + n // 12, 1 + n % 12
        paper_id = f"{year:02d}{month:02d}.{10000 + n:05d}"
        papers.append(paper_id)
        (data / "papers" / f"{paper_id}.yaml").write_text(
            PAPER.format(id=paper_id, n=n, date=f"20{year:02d}-{month:02d}")
        )
    for d in range(datasets):
        dataset_id = f"bench-set-{d:02d}"
        (data / "datasets" / f"{dataset_id}.yaml").write_text(DATASET.format(id=dataset_id, n=d))
        folder = data / "results" / dataset_id / "val"
        folder.mkdir(parents=True)
        for n in range(results):
            (folder / f"bench-net-{n}-coco.yaml").write_text(
                RESULT.format(
                    dataset=dataset_id,
                    n=n,
                    depth=50 + n % 3 * 51,
                    paper=papers[n % len(papers)],
                    score=30 + (n * 7919 + d * 31) % 6000 / 100,
                )
            )


class MarkdownTablePages(PageWriter):
    """The same pages, but each leaderboard as a plain Markdown table with Markdown links."""

    def _board_block(self, board: dict[str, Any], page: str) -> str:  # noqa: ARG002

        lines = [
            f"| {self.t('rank')} | {self.t('model')} | {board['metric_name']} | {self.t('tags')} "
            f"| {self.t('check')} | {self.t('weights')} | {self.t('paper')} | {self.t('code')} |",
            "|---:|---|---:|---|---|---|---|---|",
        ]
        for row in board["rows"]:
            tags = ", ".join(
                TAG_LABELS[t][self.lang]
                for t in (*row["extra_training_data"], *row["test_time_augmentation"])
            )
            weights = " ".join(f"[{w['framework']}]({w['url']})" for w in row["weights_detail"])
            code = " ".join(f"[{c['framework']}]({c['url']})" for c in row["code_detail"])
            year = (row["paper_date"] or "")[:4]
            paper = f'[{self.t("read_paper")} {year}]({row["paper"]} "{row["paper_title"]}")'
            lines.append(
                f"| {row['rank']} | {_cell(row['model'])} | {row['score_text']} | {tags} "
                f"| {self.t(row['verification'])} | {weights or 'N/A'} | {_cell(paper)} "
                f"| {code or 'N/A'} |"
            )
        return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def prepare_baseline(root: Path) -> None:
    """Write the baseline's pages (plain Markdown tables) once, and each language's nav; and
    segboard's own pages (an empty slot per leaderboard, as `segboard build` gives MkDocs)."""
    catalog = validate_repository(root).catalog
    for folder, writer in ((BASELINE_DOCS, MarkdownTablePages), (ENGINE_DOCS, PageWriter)):
        docs = root / folder
        navs = {}
        for lang in LANGUAGES:
            content = writer(catalog, lang, handwritten_pages(root, lang)).write()
            navs[lang] = content.nav
            for path, text in {**content.pages, **content.files}.items():
                target = docs / lang / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            shutil.copytree(REPO / "generator" / "site" / "assets", docs / lang / "assets")
        (docs / "nav.json").write_text(json.dumps(navs, ensure_ascii=False), encoding="utf-8")


BASELINE_DOCS, ENGINE_DOCS = "baseline-docs", "engine-docs"


# The baseline as a process of its own, as `segboard build` is timed: both pay for starting
# Python and importing MkDocs. It imports nothing of segboard but the engine settings both share
# (and, timing segboard's own pages, the engine's set-up as the build does it).
BASELINE_PROGRAM = """
import json, multiprocessing, os, sys
from pathlib import Path
from generator.site.engine import environment, mkdocs_build, mkdocs_config, prepare_engine
root, docs = Path(sys.argv[1]), Path(sys.argv[1]) / sys.argv[2]
navs = json.loads((docs / "nav.json").read_text(encoding="utf-8"))

def build(lang):  # apart: MkDocs empties its output folder first
    if docs.name == sys.argv[3]:  # segboard's own pages: the engine set up as the build does
        prepare_engine(lang)
    target = root / "baseline-site" / lang
    mkdocs_build(mkdocs_config(root, lang, docs / lang, target, navs[lang]))

with environment("SOURCE_DATE_EPOCH", "0"):
    workers = min(len(navs), os.cpu_count() or 1)
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(build, list(navs))
    else:
        for lang in navs:
            build(lang)
"""


@dataclass
class Timing:
    seconds: float  # from start to end
    cpu: float  # CPU seconds of the process and every process it started (user and system)


def _run_timed(command: list[str], env: dict[str, str]) -> tuple[Timing, int, str]:
    """Run `command` and time it: wall time and the CPU time of it and its descendants."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(elapsed, cpu), completed.returncode, completed.stderr


def time_baseline(root: Path, docs: str = BASELINE_DOCS) -> float:
    """MkDocs on the baseline's pages (or, with `docs=ENGINE_DOCS`, on segboard's own) in a new
    process, the languages built side by side on as many cores as `segboard build` uses for
    them (one process per language, up to the cores)."""
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", BASELINE_PROGRAM, str(root), docs, ENGINE_DOCS],
        capture_output=True,
        text=True,
        env=ENV,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"the baseline's build failed:\n{completed.stderr}")
    return elapsed


def time_generation(root: Path) -> float:
    from generator.site.build import write_pages

    start = time.perf_counter()
    report = validate_repository(root)
    write_pages(root, report.catalog)
    return time.perf_counter() - start


ENV = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "0"}


def time_build(root: Path, cold: bool = True, first: bool = False) -> Timing:
    """`segboard build`; `cold`: as in a fresh clone, with nothing from earlier builds (build/
    and site/ removed); `first`: also with nothing kept per machine (a new temporary folder)."""
    return _timed_build(root, ["-m", "generator", "--root", str(root), "build"], cold, first)


# `segboard build` with everything made in this one process (but the records, which a pool of
# workers reads, as in every build of this many): the work a cold build does, done in turn.
# It ends as the command does, once the build is done (not freeing its objects one by one).
ONE_PROCESS_PROGRAM = """
import os, sys
from pathlib import Path
from generator.site.build import build_site
build_site(Path(sys.argv[1]), parallel=False, then=lambda report: os._exit(0))
"""


def time_one_process_build(root: Path) -> Timing:
    """A cold build with the languages, tables and data files made one after another."""
    return _timed_build(root, ["-c", ONE_PROCESS_PROGRAM, str(root)], cold=True)


def _timed_build(root: Path, arguments: list[str], cold: bool, first: bool = False) -> Timing:
    if cold:
        shutil.rmtree(root / "build", ignore_errors=True)
        shutil.rmtree(root / "site", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="segboard-bench-tmp-") as fresh:
        env = {**ENV, "TMPDIR": fresh} if first else ENV
        timing, status, errors = _run_timed([sys.executable, *arguments], env)
    if status != 0:
        sys.exit(f"segboard build failed:\n{errors}")
    return timing


def changed_result(datasets: int, results: int) -> tuple[str, str]:
    """The record the runs change (the eighth dataset's sixth result, or the last there is),
    and its dataset's page."""
    dataset = f"bench-set-{min(7, datasets - 1):02d}"
    record = f"data/results/{dataset}/val/bench-net-{min(5, results - 1)}-coco.yaml"
    return record, f"datasets/{dataset}/"


def change_record(root: Path, record: str, score: str) -> None:
    """Give the result `record` the score `score` (a text no page holds yet)."""
    path = root / record
    text = re.sub(r"(?m)^  miou: .*$", f"  miou: {score}", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


def time_changed_build(root: Path, record: str, score: str) -> Timing:
    change_record(root, record, score)
    return time_build(root, cold=False)


def time_serve(
    root: Path, changed: tuple[str, str], scores: list[str]
) -> tuple[list[float], list[str]]:
    """Start `segboard serve`; for each score, save the record `changed` names with it and
    time how long the served page takes to show it. Returns the times and the server's own
    rebuild lines."""
    record, shown_on = changed
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert server.stderr is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(server.stderr.readline, "")))  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 300
        url = None
        while url is None:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"segboard serve did not start: {lines}")
            url = next((ln.split(" at ", 1)[1].split()[0] for ln in lines if "serving" in ln), None)
            time.sleep(0.05)
        page = f"{url}{shown_on}"
        times = []
        for score in scores:
            time.sleep(2.5)  # let the file system's clock move on from the last change
            start = time.perf_counter()
            change_record(root, record, score)
            while f">{score}<" not in _fetch(page):
                if time.perf_counter() - start > 120:
                    sys.exit(f"segboard serve did not show the change: {lines}")
                time.sleep(0.05)  # a reader reloading; faster polling slows the server
            times.append(time.perf_counter() - start)
        return times, [line.strip() for line in lines if "rebuilt" in line]
    finally:
        server.terminate()
        server.wait(timeout=60)
        reader.join(timeout=10)


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
        return str(response.read().decode("utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument("--results", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=3, help="paired runs (default 3)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    if args.datasets < 1 or args.results < 1 or args.pairs < 1:
        parser.error("--datasets, --results and --pairs take a number of at least 1")
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep} is not empty: remove it, or name a new folder")
    root = args.keep or Path(tempfile.mkdtemp(prefix="segboard-site-bench-"))
    try:
        make_repository(root, args.datasets, args.results)
        rows = args.datasets * args.results
        prepare_baseline(root)
        first = time_build(root, first=True).seconds
        time_build(root)  # warm-up: what is kept per machine (see above), disk cache
        time_baseline(root)
        pairs = [(time_baseline(root), time_build(root)) for _ in range(args.pairs)]
        generation = time_generation(root)
        engine = statistics.median(time_baseline(root, ENGINE_DOCS) for _ in range(args.pairs))
        alone = [time_one_process_build(root) for _ in range(args.pairs)]
        warm = [time_build(root, cold=False).seconds for _ in range(args.pairs)]
        record = changed_result(args.datasets, args.results)
        changed = [
            time_changed_build(root, record[0], f"77.{n:02d}").seconds
            for n in range(1, args.pairs + 1)
        ]
        served, rebuilt = time_serve(
            root, record, [f"66.{n:02d}" for n in range(1, args.pairs + 1)]
        )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    baseline = statistics.median(b for b, _ in pairs)
    build = statistics.median(s.seconds for _, s in pairs)
    cores = min(len(LANGUAGES), os.cpu_count() or 1)
    print(f"{args.datasets} datasets x {args.results} results = {rows:,} table rows, 2 languages")
    print(f"{args.pairs} runs of each (medians); builds: {cores} process(es), 1 per language")
    print(f"{'what':<58} {'seconds':>8} {'x baseline':>10} {'x cold':>7}")
    for name, seconds in (
        ("baseline: MkDocs on plain Markdown tables", baseline),
        ("segboard: generation only (validate + write pages)", generation),
        ("MkDocs alone on segboard's pages (slots left empty)", engine),
        ("segboard build, cold (nothing kept)", build),
        ("segboard build, first on this machine (one run)", first),
        ("segboard build, cold, in one process", statistics.median(t.seconds for t in alone)),
        ("segboard build, warm (nothing changed)", statistics.median(warm)),
        ("segboard build, one record changed", statistics.median(changed)),
        ("segboard serve: saved record -> page shows it", statistics.median(served)),
    ):
        print(f"{name:<58} {seconds:>8.2f} {seconds / baseline:>10.2f} {seconds / build:>7.2f}")
    ratios = ", ".join(f"{s.seconds / b:.2f}" for b, s in pairs)
    print(f"cold build / baseline in each pair: {ratios}")
    cpu = statistics.median(s.cpu for _, s in pairs)
    work = statistics.median(t.cpu for t in alone)
    cores_here = os.cpu_count() or 1
    floor = work / cores_here
    print(
        f"CPU seconds, all processes: cold build {cpu:.2f}, cold build in one process {work:.2f}; "
        f"that work on {cores_here} core(s) takes at least {floor:.2f} s = "
        f"{floor / baseline:.2f} x baseline"
    )
    print(f"serve, each change: {', '.join(f'{s:.2f} s' for s in served)}; server: {rebuilt}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
