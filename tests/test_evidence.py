"""The worked example: `segboard eval` writes evidence and `segboard verify` checks a record.

tests/fixtures/eval-example/ is a small synthetic dataset (3 classes, 255 ignored): palette PNGs
of ground truth and grayscale PNGs of predictions, in nested folders.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from generator.scores.evaluation import Conventions

from .conftest import FIXTURES, run_segboard

EXAMPLE = FIXTURES / "eval-example"

DATASET = """\
id: synthetic-streets
name: Synthetic streets
homepage: https://example.org/synthetic-streets
description:
  en: A tiny generated dataset for segboard's tests.
  zh: 用于 segboard 测试的小型生成数据集。
num_classes: 3
classes: [object, road, sky]
ignore_label: 255
metrics: [miou, pixel-accuracy, mean-accuracy, fwiou, mean-dice]
splits:
  - id: val
    name: {en: validation set, zh: 验证集}
    images: 6
    labels: public
leaderboards:
  - split: val
    metric: miou
"""


def evaluate_example(root: Path, *extra: str) -> dict[str, float]:
    completed = run_segboard(
        "eval", "--dataset", "synthetic-streets", "--split", "val",
        "--gt", str(EXAMPLE / "gt"), "--pred", str(EXAMPLE / "pred"),
        "--json", "--evidence", str(root / "evidence/synthetic.npz"), *extra,
        cwd=root,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def write_result(root: Path, miou: str, pixel_accuracy: str) -> Path:
    digest = hashlib.sha256((root / "evidence/synthetic.npz").read_bytes()).hexdigest()
    path = root / "data/results/synthetic-streets/val/example-net.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "dataset: synthetic-streets\nsplit: val\nmodel: Example-Net\nmethod: Example-Net\n"
        f'paper: "1612.01105"\nmetrics:\n  miou: {miou}\n  pixel-accuracy: {pixel_accuracy}\n'
        "source:\n  kind: paper\n  url: https://arxiv.org/abs/1612.01105\n"
        f'evidence:\n  file: evidence/synthetic.npz\n  sha256: "{digest}"\n'
    )
    return path


@pytest.fixture
def example_repo(repo: Path) -> Path:
    (repo / "data/datasets/synthetic-streets.yaml").write_text(DATASET)
    return repo


def test_eval_then_verify(example_repo: Path) -> None:
    scores = evaluate_example(example_repo)
    assert scores["num_images"] == 6 and scores["num_classes"] == 3
    assert scores["dataset"] == "synthetic-streets" and scores["split"] == "val"
    assert len(scores["per_class_iou"]) == 3
    write_result(example_repo, f"{scores['miou']:.2f}", f"{scores['pixel-accuracy']:.2f}")
    completed = run_segboard("verify", cwd=example_repo)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stderr.startswith("1 of 1 results with evidence verified")
    exported = json.loads(run_segboard("export", "--format", "json", cwd=example_repo).stdout)
    [board] = [b for b in exported if b["dataset"] == "synthetic-streets"]
    assert board["rows"][0]["verification"] == "verified"


def test_parallel_eval_gives_the_same_matrix(example_repo: Path) -> None:
    one = evaluate_example(example_repo, "--jobs", "1")
    two = evaluate_example(example_repo, "--jobs", "2")
    assert one == two


def test_a_wrong_score_is_an_error_with_both_numbers(example_repo: Path) -> None:
    scores = evaluate_example(example_repo)
    wrong = f"{scores['miou'] + 0.05:.2f}"
    path = write_result(example_repo, wrong, f"{scores['pixel-accuracy']:.2f}")
    completed = run_segboard("verify", cwd=example_repo)
    assert completed.returncode == 1
    rel = path.relative_to(example_repo)
    assert completed.stdout.startswith(
        f"{rel}:7:3: error: miou is {wrong} in the record, but the evidence gives "
        f"{scores['miou']:.4f} (allowed: ±0.005) [evidence-mismatch]"
    )
    assert run_segboard("validate", cwd=example_repo).returncode == 1


def test_evidence_must_be_the_file_named(example_repo: Path) -> None:
    scores = evaluate_example(example_repo)
    write_result(example_repo, f"{scores['miou']:.2f}", f"{scores['pixel-accuracy']:.2f}")
    (example_repo / "evidence/synthetic.npz").write_bytes(b"not the file")
    completed = run_segboard("verify", cwd=example_repo)
    assert completed.returncode == 1
    assert "the evidence file's SHA-256 is" in completed.stdout


def npz_bytes(**arrays: object) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (npz_bytes(confusion=np.array([object()]), meta=np.array("{}")), "not a readable .npz"),
        (npz_bytes(confusion=np.eye(3, dtype=np.int64)), "not 'confusion' and 'meta'"),
        (npz_bytes(confusion=np.ones((2, 3), dtype=np.int64), meta=np.array("{}")), "square"),
        (b"PK\x03\x04 truncated", "not a readable .npz"),
    ],
)
def test_unusable_evidence_is_refused(example_repo: Path, content: bytes, message: str) -> None:
    evaluate_example(example_repo)
    (example_repo / "evidence/synthetic.npz").write_bytes(content)
    write_result(example_repo, "88.36", "94.81")
    completed = run_segboard("verify", cwd=example_repo)
    assert completed.returncode == 1
    assert "evidence/synthetic.npz cannot be used" in completed.stdout
    assert message in completed.stdout
    assert "Traceback" not in completed.stderr


def copy_example(tmp_path: Path) -> tuple[Path, Path]:
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    for source, target in ((EXAMPLE / "gt", gt), (EXAMPLE / "pred", pred)):
        for path in source.rglob("*.png"):
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(path.read_bytes())
    return gt, pred


def huge_png(path: Path, width: int, height: int) -> None:
    """A valid 1-bit PNG header claiming an enormous image (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )  # fmt: skip


def test_every_bad_label_map_is_reported_by_name(tmp_path: Path) -> None:
    gt, pred = copy_example(tmp_path)
    (pred / "frame-0.png").unlink()  # missing prediction
    Image.new("L", (64, 48)).save(pred / "extra.png")  # no ground truth
    Image.new("L", (32, 48)).save(pred / "frame-1.png")  # size mismatch
    Image.new("RGB", (64, 48)).save(pred / "frame-2.png")  # RGB
    data = (gt / "city/frame-3.png").read_bytes()
    (gt / "city/frame-3.png").write_bytes(data[: len(data) // 2])  # truncated
    huge_png(gt / "city/frame-4.png", 10_000, 10_000)  # decompression bomb
    Image.fromarray(np.full((48, 64), 9, dtype=np.uint8), mode="L").save(pred / "city/frame-5.png")
    common = ["eval", "--num-classes", "3", "--gt", str(gt), "--pred", str(pred), "--jobs", "1"]
    completed = run_segboard(*common, cwd=tmp_path)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert f"{pred / 'extra.png'}: no ground truth" in completed.stderr
    assert f"{gt / 'frame-0.png'}: the prediction {pred / 'frame-0.png'} is missing" in (
        completed.stderr
    )
    (pred / "extra.png").unlink()
    Image.new("L", (64, 48)).save(pred / "frame-0.png")
    completed = run_segboard(*common, cwd=tmp_path)
    assert completed.returncode == 1
    stderr = completed.stderr
    assert f"{pred / 'frame-1.png'}: 32x48 pixels, but the ground truth is 64x48" in stderr
    assert f"{pred / 'frame-2.png'}: a RGB image; label maps must be palette (P)" in stderr
    assert f"{gt / 'city/frame-3.png'}: not a readable PNG (corrupt or truncated" in stderr
    assert "<_io." not in stderr  # Pillow's name for the open file is not the reader's
    assert f"{gt / 'city/frame-4.png'}: larger than 64,000,000 pixels" in stderr
    assert f"{pred / 'city/frame-5.png'}: prediction holds the value 9, outside 0-2" in stderr
    assert "5 problem(s) with the label maps" in stderr


def test_dataset_conventions_apply_to_the_ground_truth() -> None:
    ade = Conventions(150, 255, reduce_zero_label=True)
    labels = np.array([0, 1, 150], dtype=np.uint8)
    assert ade.prepare_ground_truth(labels).tolist() == [255, 0, 149]
    cityscapes = Conventions(19, 255, id_to_train_id=((7, 0), (33, 18)))
    assert cityscapes.prepare_ground_truth(np.array([7, 33, 1], dtype=np.uint8)).tolist() == [
        0,
        18,
        255,
    ]


def test_eval_needs_a_dataset_or_a_class_count(tmp_path: Path) -> None:
    completed = run_segboard(
        "eval", "--gt", str(EXAMPLE / "gt"), "--pred", str(tmp_path), cwd=tmp_path
    )
    assert completed.returncode == 2
    assert "--dataset ID" in completed.stderr


def test_a_verified_result_gets_a_page_with_classes_and_heatmap(example_repo: Path) -> None:
    from .conftest import REPO

    for name in ("docs", "overrides"):
        shutil.copytree(REPO / name, example_repo / name)
    for name in ("mkdocs.yml", "CONTRIBUTING.md", "CONTRIBUTING.zh.md"):
        shutil.copy(REPO / name, example_repo / name)
    scores = evaluate_example(example_repo)
    write_result(example_repo, f"{scores['miou']:.2f}", f"{scores['pixel-accuracy']:.2f}")
    completed = run_segboard("build", cwd=example_repo)
    assert completed.returncode == 0, completed.stderr
    site = example_repo / "site"
    board = (site / "datasets/synthetic-streets/index.html").read_text()
    assert '<a href="../../results/synthetic-streets--val--example-net/">Example-Net</a>' in board
    assert 'class="sb-verified"' in board
    page = (site / "results/synthetic-streets--val--example-net/index.html").read_text()
    for name in ("object", "road", "sky"):
        assert f"<tr><td>{name}</td>" in page
    assert f"{100 * scores['per_class_iou'][1] / 100:.2f}" in page  # road's IoU
    heatmap = site / "charts/confusion--synthetic-streets--val--example-net.svg"
    assert heatmap.read_text().count("<rect") >= 4
    assert (site / "zh/results/synthetic-streets--val--example-net/index.html").is_file()


def test_oversized_evidence_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.scores import evidence

    monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 1000)
    path = tmp_path / "big.npz"
    path.write_bytes(npz_bytes(confusion=np.zeros((20, 20), dtype=np.int64), meta=np.array("{}")))
    with pytest.raises(evidence.EvidenceError, match="evidence files are limited to 1,000"):
        evidence.read_evidence(path)


def test_eval_json_names_metrics_by_their_catalogue_ids(example_repo: Path) -> None:
    """Every metric `eval --json` prints is keyed by its id in data/metrics.yaml (issue #15)."""
    from generator.records.model import name_key
    from generator.records.validation import validate_repository

    scores = evaluate_example(example_repo)
    catalogue = validate_repository(example_repo).catalog.metrics
    names = {
        name_key(name): metric.id
        for metric in catalogue.values()
        for name in (metric.id, metric.short_name, *metric.aliases)
    }
    for key in scores:  # a key that names a metric in any spelling must be its catalogue id
        assert names.get(name_key(key), key) == key, f"{key!r} is metric {names[name_key(key)]!r}"
    scored = {key for key, value in scores.items() if isinstance(value, float)}
    assert scored == set(catalogue)  # every metric of the catalogue, and nothing else, as a score
    assert "pixel-accuracy" in scores and "pixel_accuracy" not in scores
