"""Time `segboard validate` on 10,000 generated result records beside two baselines.

    python benchmarks/bench_validate.py [--records N] [--keep DIR]

Baselines, measured in the same run on the same files:
  * safe_load + jsonschema: a plain loop of yaml.safe_load and a Draft 2020-12 validator,
    schema check only (no line numbers, no cross-record rules);
  * check-jsonschema: the CLI on the same files (skipped when it is not installed).
segboard's figure includes interpreter start-up, the cross-record rules and line numbers.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

RECORD = """\
# yaml-language-server: $schema=../../../../schema/result.schema.json
dataset: {dataset}
split: {split}
model: Bench-Net-{n:05d} + COCO
method: Bench-Net
backbone: ResNet-{depth}
paper: "1612.01105"
metrics:
  {metric}: {score:.2f}
extra_training_data:
  - coco
test_time_augmentation:
  - multi-scale
  - flip
weights:
  - url: https://example.org/weights/bench-net-{n:05d}.pth
    framework: PyTorch
source:
  kind: paper
  url: https://arxiv.org/abs/1612.01105
  detail: Table {table}
notes: Generated for the validation benchmark; record {n} of the run.
"""


def make_repository(target: Path, count: int) -> list[Path]:
    shutil.copytree(REPO / "schema", target / "schema")
    for part in ("datasets", "papers", "metrics.yaml"):
        source = REPO / "data" / part
        if source.is_dir():
            shutil.copytree(source, target / "data" / part)
        else:
            shutil.copy(source, target / "data" / part)
    boards = [
        ("pascal-voc-2012", "val", "miou"),
        ("pascal-voc-2012", "test", "miou"),
        ("pascal-context", "val", "miou"),
        ("ade20k", "val", "scene-parsing-score"),
        ("ade20k", "test", "scene-parsing-score"),
        ("cityscapes", "val", "miou"),
        ("cityscapes", "test", "miou"),
    ]
    paths = []
    for n in range(count):
        dataset, split, metric = boards[n % len(boards)]
        folder = target / "data" / "results" / dataset / split
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench-net-{n:05d}-coco.yaml"
        path.write_text(
            RECORD.format(
                dataset=dataset,
                split=split,
                metric=metric,
                n=n,
                depth=50 + n % 3 * 51,
                score=40 + (n * 7919 % 5000) / 100,
                table=1 + n % 9,
            )
        )
        paths.append(path)
    return paths


def time_baseline_loop(paths: list[Path], schema_file: Path) -> float:
    import jsonschema
    import yaml

    start = time.perf_counter()
    validator = jsonschema.Draft202012Validator(json.loads(schema_file.read_text()))
    failures = 0
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        failures += not validator.is_valid(data)
    elapsed = time.perf_counter() - start
    assert failures == 0, f"{failures} generated records fail the schema"
    return elapsed


def time_command(command: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, completed.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="segboard-bench-"))
    try:
        paths = make_repository(workdir, args.records)
        rows: list[tuple[str, float | None, str]] = []
        loop = time_baseline_loop(paths, workdir / "schema" / "result.schema.json")
        rows.append(("safe_load + jsonschema loop (baseline)", loop, "schema only"))
        checker = shutil.which("check-jsonschema")
        if checker:
            listing = workdir / "files.txt"
            elapsed, code = time_command(
                [
                    checker,
                    "--schemafile",
                    str(workdir / "schema" / "result.schema.json"),
                    *map(str, paths),
                ],
                workdir,
            )
            rows.append(("check-jsonschema", elapsed, f"exit {code}"))
            listing.unlink(missing_ok=True)
        else:
            rows.append(("check-jsonschema", None, "not installed: pip install check-jsonschema"))
        elapsed, code = time_command(
            [sys.executable, "-m", "generator", "--root", str(workdir), "validate"], REPO
        )
        rows.append(("segboard validate", elapsed, f"exit {code}; schema + rules + lines"))
        if code != 0:
            print("segboard validate failed on the generated records", file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{args.records:,} result records (plus the repository's datasets, papers and metrics)")
    print(f"{'command':<40} {'seconds':>8} {'x baseline':>10}  note")
    for name, seconds, note in rows:
        if seconds is None:
            print(f"{name:<40} {'-':>8} {'-':>10}  {note}")
        else:
            print(f"{name:<40} {seconds:>8.2f} {seconds / loop:>10.2f}  {note}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
