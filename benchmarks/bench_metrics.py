"""Time confusion-matrix counting and `segboard eval` on Cityscapes-sized label maps.

    python benchmarks/bench_metrics.py [--images 32] [--repeat 20]

Label maps are 1024x2048 uint8 with 19 classes and 255 ignored, made of piecewise-constant
regions like real ones. Measured in one run:
  * counting: segboard's run-based count beside the classic
    `np.bincount(K * gt[mask] + pred[mask])` (the baseline) and one pass over the bytes
    (`np.bitwise_or(gt, pred)`, a floor no counting method can beat);
  * eval: the wall time of `evaluate` with 1 and N worker processes beside decoding alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.scores.evaluation import Conventions, evaluate, read_label_map
from generator.scores.metrics import confusion_matrix

K, IGNORE, SHAPE = 19, 255, (1024, 2048)


def regions(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Piecewise-constant labels: a coarse random grid, upsampled, with jittered edges."""
    coarse = rng.integers(0, K, size=(shape[0] // cell + 2, shape[1] // cell + 2), dtype=np.uint8)
    labels = np.repeat(np.repeat(coarse, cell, axis=0), cell, axis=1)
    offsets = rng.integers(0, cell, size=shape[0])
    rows = [labels[i, offsets[i] : offsets[i] + shape[1]] for i in range(shape[0])]
    return np.ascontiguousarray(np.stack(rows))


def label_pair(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    gt = regions(rng, SHAPE, 64)
    gt[regions(rng, SHAPE, 96) < 2] = IGNORE  # about a tenth ignored, in regions
    pred = gt.copy()
    pred[pred == IGNORE] = 0
    wrong = regions(rng, SHAPE, 48) < 3
    pred[wrong] = regions(rng, SHAPE, 32)[wrong]
    return gt, pred


def classic(gt: np.ndarray, pred: np.ndarray) -> np.ndarray:
    mask = gt != IGNORE
    return np.bincount(K * gt[mask].astype(np.int64) + pred[mask], minlength=K * K).reshape(K, K)


def best_of(function: Callable[[], object], repeat: int) -> float:
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    gt, pred = label_pair(rng)
    assert (confusion_matrix(gt, pred, K, IGNORE) == classic(gt, pred)).all()
    ours = best_of(lambda: confusion_matrix(gt, pred, K, IGNORE), args.repeat)
    rows = [
        ("classic bincount (baseline)", best_of(lambda: classic(gt, pred), args.repeat)),
        ("segboard confusion_matrix", ours),
        ("one pass: np.bitwise_or", best_of(lambda: np.bitwise_or(gt, pred), args.repeat)),
    ]
    baseline = rows[0][1]
    print(f"counting one {SHAPE[0]}x{SHAPE[1]} map, {K} classes, best of {args.repeat}")
    print(f"{'method':<32} {'ms':>8} {'speed-up vs baseline':>22}")
    for name, seconds in rows:
        print(f"{name:<32} {seconds * 1000:>8.2f} {baseline / seconds:>21.1f}x")
    floor = rows[2][1]
    print(f"segboard is {ours / floor:.1f}x the time of one pass over the bytes")

    from PIL import Image

    folder = Path(tempfile.mkdtemp(prefix="segboard-eval-bench-"))
    try:
        for i in range(args.images):
            g, p = label_pair(rng)
            (folder / "gt").mkdir(exist_ok=True)
            (folder / "pred").mkdir(exist_ok=True)
            Image.fromarray(g, mode="L").save(folder / "gt" / f"{i:03d}.png")
            Image.fromarray(p, mode="L").save(folder / "pred" / f"{i:03d}.png")
        files = sorted((folder / "gt").glob("*.png")) + sorted((folder / "pred").glob("*.png"))
        start = time.perf_counter()
        for path in files:
            read_label_map(path)
        decode = time.perf_counter() - start
        conventions = Conventions(K, IGNORE)
        timings = []
        for jobs in sorted({1, args.jobs}):
            start = time.perf_counter()
            evaluate(folder / "gt", folder / "pred", conventions, jobs=jobs)
            timings.append((jobs, time.perf_counter() - start))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\neval of {args.images} image pairs (PNG)")
    print(f"{'what':<32} {'seconds':>8} {'decode-only / N':>16}")
    print(f"{'decode only, one process':<32} {decode:>8.2f} {decode:>16.2f}")
    for jobs, seconds in timings:
        print(f"{f'segboard eval --jobs {jobs}':<32} {seconds:>8.2f} {decode / jobs:>16.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
