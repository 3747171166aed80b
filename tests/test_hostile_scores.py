"""Hostile inputs to the scores: evidence files and label maps a pull request may bring.

Every file here is real, written in tmp_path, and small on disk; what it claims (a 200000 x 200000
matrix, 1.6 GB of deflated zeros, a 6 GiB sparse file) must be refused before it is allocated,
decompressed or read. Each case is an evidence problem with the record's path:line:col, or an
`eval` error naming the file; never a traceback, a hang or a NaN.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import struct
import threading
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.lib import format as npy
from PIL import Image

from generator.scores import evaluation, evidence, verification
from generator.scores.evidence import EvidenceError, load_evidence, read_evidence
from generator.scores.rounding import agrees

from .conftest import copy_repository, run_segboard, run_segboard_process

RECORD = "data/results/synthetic-streets/val/example-net.yaml"
EVIDENCE = "evidence/synthetic-streets-val-example-net.npz"
MEMORY_LIMIT = 200 * 1024 * 1024  # peak bytes traced while a crafted file is refused


# --- crafting files ---------------------------------------------------------------------------


def npy_header(shape: tuple[int, ...], descr: str = "<i8", fortran_order: bool = False) -> bytes:
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": fortran_order, "shape": shape}
    npy.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


META = npy_bytes(np.array('{"dataset": "synthetic-streets", "split": "val"}'))


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def npz(confusion: np.ndarray | bytes, meta: bytes | None = None, **more: bytes) -> bytes:
    matrix = confusion if isinstance(confusion, bytes) else npy_bytes(confusion)
    members = {"confusion.npy": matrix, "meta.npy": META if meta is None else meta}
    return zip_bytes(members | {f"{name}.npy": data for name, data in more.items()})


LOCAL_HEADER = "<IHHHHHIIIHH"  # signature, version, flags, method, time, date, sizes...
CENTRAL_HEADER = "<IHHHHHHIIIHHHHHII"  # ... and comment, disk, attributes, offset
END_OF_DIRECTORY = "<IHHHHIIH"
DEFLATE, DATE = 8, 0x21  # 1980-01-01


def raw_zip(members: list[tuple[str, int, int, bytes]]) -> bytes:
    """A zip written by hand: (name, crc32, uncompressed size, raw deflate stream) per member,
    so a member can be far larger uncompressed than anything this test holds in memory."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, crc, size, payload in members:
        offset, encoded = out.tell(), name.encode()
        common = (DEFLATE, 0, DATE, crc, len(payload), size, len(encoded), 0)
        out.write(struct.pack(LOCAL_HEADER, 0x04034B50, 20, 0, *common) + encoded + payload)
        entry = struct.pack(CENTRAL_HEADER, 0x02014B50, 20, 20, 0, *common, 0, 0, 0, 0, offset)
        directory.write(entry + encoded)
    start, listing, count = out.tell(), directory.getvalue(), len(members)
    end = struct.pack(END_OF_DIRECTORY, 0x06054B50, 0, 0, count, count, len(listing), start, 0)
    return out.getvalue() + listing + end


def deflated_zeros(header: bytes, zeros: int, chunk: int = 16_000_000) -> tuple[int, bytes]:
    """(crc32, raw deflate stream) of `header` followed by `zeros` zero bytes, built from one
    compressed chunk repeated: each copy starts after a full flush, so it stands alone."""
    assert zeros % chunk == 0
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = first.compress(header) + first.flush(zlib.Z_FULL_FLUSH)
    block = bytes(chunk)
    piece = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = piece.compress(block) + piece.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # the final, empty block
    crc = zlib.crc32(header)
    for _ in range(zeros // chunk):
        crc = zlib.crc32(block, crc)
    return crc, start + repeated * (zeros // chunk) + end


def refused_within_memory(data: bytes, num_classes: int | None = None) -> str:
    """The message an evidence file is refused with; its loading must stay small and fast."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(EvidenceError) as refused:
            load_evidence(data, num_classes)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT + len(data), f"{peak:,} bytes traced"
    assert time.perf_counter() - started < 5
    return str(refused.value)


# --- crafted archives, loaded directly --------------------------------------------------------


def test_a_header_claiming_200000_squared_is_refused_before_allocating() -> None:
    body = npy_header((200_000, 200_000)) + bytes(64)  # 298 GiB claimed, 64 bytes given
    message = refused_within_memory(npz(body))
    assert "'confusion' is 200,000x200,000; evidence files hold at most 4,096 classes" in message
    message = refused_within_memory(npz(body), num_classes=3)
    assert "'confusion' is 200000x200000, but the dataset has 3 classes" in message


def test_deflated_zeros_of_40000_squared_are_refused_before_decompressing() -> None:
    header = npy_header((40_000, 40_000), "|u1")
    crc, stream = deflated_zeros(header, 40_000 * 40_000)
    assert len(stream) < 2_000_000  # 1.6 GB once decompressed
    meta_crc, meta_stream = deflated_zeros(META, 0)
    data = raw_zip(
        [
            ("confusion.npy", crc, len(header) + 40_000 * 40_000, stream),
            ("meta.npy", meta_crc, len(META), meta_stream),
        ]
    )
    message = refused_within_memory(data)
    assert re.search(r"'confusion' would be 1,600,000,\d+ bytes once decompressed", message)


def test_a_zip_directory_understating_a_member_stops_the_reading_at_its_size() -> None:
    header = npy_header((3, 3))
    _, stream = deflated_zeros(header, 160_000_000)  # 160 MB of zeros follow the header
    size = len(header) + 9 * 8  # but the directory says: a 3 x 3 matrix
    crc = zlib.crc32(bytes(9 * 8), zlib.crc32(header))
    meta_crc, meta_stream = deflated_zeros(META, 0)
    data = raw_zip(
        [("confusion.npy", crc, size, stream), ("meta.npy", meta_crc, len(META), meta_stream)]
    )
    assert "'confusion' holds no pixels" in refused_within_memory(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            npz(npy_header((3, 3)) + bytes(8)),
            "'confusion' holds 8 bytes of data, but its header",
            id="short-data",
        ),
        pytest.param(
            npz(np.eye(3, dtype=np.int64), meta=npy_bytes(np.array(["{}"]))),
            "'meta' must be a",
            id="meta-not-scalar",
        ),
        pytest.param(
            npz(np.eye(3, dtype=np.int64), meta=npy_bytes(np.array("[1]"))),
            "not a JSON object",
            id="meta-not-object",
        ),
        pytest.param(
            npz(np.eye(3, dtype=np.int64), meta=npy_bytes(np.array("{"))),
            "'meta' is not JSON",
            id="meta-not-json",
        ),
        pytest.param(
            npz(np.eye(3, dtype=bool)), "integer counts, not a 3x3 array of bool", id="bool"
        ),
        pytest.param(
            npz(np.zeros((0, 0), dtype=np.int64)),
            "'confusion' is an empty matrix",
            id="empty-matrix",
        ),
        pytest.param(
            npz(b"\x93NUMPY\x03\x00" + bytes(60)), "version 3.0 is not read", id="npy-version-3"
        ),
        pytest.param(
            npz(b"\x93NUMPY\x02\x00\xff\xff\xff\x7f"),
            "'confusion' is not a .npy array",
            id="npy-header-length-2-gib",
        ),
        pytest.param(
            zip_bytes({"confusion.npy": b"", "meta.npy": b"", "../meta.npy": b""}),
            "it holds",
            id="member-names",
        ),
    ],
)
def test_malformed_members_are_refused(data: bytes, message: str) -> None:
    assert message in refused_within_memory(data)


def test_a_fortran_ordered_matrix_is_read_as_written() -> None:
    matrix = np.arange(1, 10, dtype=">u4").reshape(3, 3)
    loaded = load_evidence(npz(np.asfortranarray(matrix)))
    assert loaded.matrix.dtype == np.int64 and loaded.matrix.tolist() == matrix.tolist()
    assert loaded.matrix.flags.writeable


# --- files that must not be read --------------------------------------------------------------


def test_a_sparse_6_gib_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.npz"
    with path.open("wb") as file:
        file.truncate(6 << 30)
    started = time.perf_counter()
    with pytest.raises(EvidenceError, match="it is 6,442,450,944 bytes; evidence files are lim"):
        read_evidence(path)
    assert time.perf_counter() - started < 1


def finishes(call: Callable[[], Any], seconds: float = 10) -> BaseException | None:
    """What `call` raised, run in a thread that must end within `seconds` (no hang)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # reported to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "it blocked"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_are_never_opened_for_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "x.npz"
    os.mkfifo(fifo)
    raised = finishes(lambda: read_evidence(fifo))
    assert isinstance(raised, EvidenceError)
    assert "it is a named pipe (FIFO), not a regular file" in str(raised)
    label_map = tmp_path / "x.png"
    os.mkfifo(label_map)
    raised = finishes(lambda: evaluation.read_label_map(label_map))
    assert f"{label_map}: it is a named pipe (FIFO), not a regular file" in str(raised)
    raised = finishes(lambda: read_evidence(Path("/dev/zero")))
    assert "it is a character device, not a regular file" in str(raised)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_evidence_or_label_map_is_reported_without_hanging(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / EVIDENCE).unlink()
    os.mkfifo(root / EVIDENCE)
    completed = run_segboard_process("validate", cwd=root)
    assert completed.returncode == 1, completed.stderr
    assert f"{RECORD}:15:3: error: the evidence file {EVIDENCE} is not a regular file" in (
        completed.stdout
    )
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir()
    pred.mkdir()
    Image.new("L", (4, 4)).save(gt / "a.png")
    Image.new("L", (4, 4)).save(pred / "a.png")
    os.mkfifo(gt / "b.png")
    Image.new("L", (4, 4)).save(pred / "b.png")
    args = ["eval", "--num-classes", "3", "--gt", str(gt), "--pred", str(pred)]
    completed = run_segboard_process(*args, cwd=tmp_path)
    assert completed.returncode == 1
    assert f"{gt / 'b.png'}: it is a named pipe (FIFO), not a regular file" in completed.stderr
    assert "Traceback" not in completed.stderr


# --- through `segboard validate` on a repository ----------------------------------------------


def validate_with_evidence(root: Path, data: bytes) -> str:
    """Put `data` in the fixture's evidence file, record its SHA-256, and validate: the output,
    with the exit status and the absence of a traceback checked."""
    (root / EVIDENCE).write_bytes(data)
    record = root / RECORD
    text = record.read_text()
    digest = hashlib.sha256(data).hexdigest()
    record.write_text(re.sub(r'sha256: "[0-9a-f]+"', f'sha256: "{digest}"', text))
    completed = run_segboard("validate", cwd=root)
    assert completed.returncode == 1, completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr
    return completed.stdout


OVERFLOWING = np.full((3, 3), 1 << 62, dtype=np.int64)
NEGATIVE = np.array([[5, -1, 0], [0, 4, 0], [0, 0, 3]], dtype=np.int64)
TOO_LARGE = np.array([[1 << 63, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.uint64)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            npz(np.zeros((3, 3), dtype=np.int64)), "'confusion' holds no pixels", id="all-zero"
        ),
        pytest.param(
            npz(OVERFLOWING),
            "'confusion' counts 41,505,174,165,846,491,136 pixels in all, more",
            id="overflowing-total",
        ),
        pytest.param(
            npz(TOO_LARGE),
            "'confusion' holds a count above 9,223,372,036,854,775,807",
            id="count-above-int64",
        ),
        pytest.param(npz(NEGATIVE), "'confusion' holds negative counts", id="negative"),
        pytest.param(
            npz(np.eye(3)),
            "square matrix of integer counts, not a 3x3 array of float64",
            id="float",
        ),
        pytest.param(
            npz(np.eye(3, dtype=object)), "'confusion' holds pickled Python objects", id="object"
        ),
        pytest.param(
            npz(pickle.dumps(np.eye(3, dtype=np.int64))),
            "'confusion' is not a .npy array",
            id="raw-pickle",
        ),
        pytest.param(
            npz(np.eye(3, dtype=np.int64), extra=npy_bytes(np.eye(3))),
            "it holds ['confusion',",
            id="extra-member",
        ),
        pytest.param(
            npz(np.ones((3, 3, 3), dtype=np.int64)), "not a 3x3x3 array of int64", id="3-d"
        ),
        pytest.param(
            npz(np.eye(4, dtype=np.int64)),
            "'confusion' is 4x4, but the dataset has 3 classes",
            id="wrong-class-count",
        ),
        pytest.param(
            npz(npy_header((200_000, 200_000))),
            "'confusion' is 200000x200000, but the dataset",
            id="200000-squared-header",
        ),
        pytest.param(
            b"PK\x05\x06" + bytes(18), "it holds [], not 'confusion' and 'meta'", id="empty-zip"
        ),
        pytest.param(
            b"PK\x03\x04 truncated", "not a readable .npz evidence file", id="truncated-zip"
        ),
    ],
)
def test_each_unusable_evidence_file_is_a_problem_on_the_record(
    tmp_path: Path, data: bytes, message: str
) -> None:
    root = copy_repository(tmp_path / "repo")
    output = validate_with_evidence(root, data)
    prefix = f"{RECORD}:15:3: error: {EVIDENCE} cannot be used: "
    [line] = [line for line in output.splitlines() if line.startswith(prefix)]
    assert message in line and line.endswith("[evidence]"), line


def test_a_6_gib_evidence_file_is_refused_before_hashing(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    with (root / EVIDENCE).open("r+b") as file:
        file.truncate(6 << 30)
    started = time.perf_counter()
    completed = run_segboard("validate", cwd=root)
    assert completed.returncode == 1
    assert (
        f"{RECORD}:15:3: error: {EVIDENCE} cannot be used: it is 6,442,450,944 bytes; evidence "
        "files are limited to 16,777,216 [evidence]"
    ) in completed.stdout
    assert time.perf_counter() - started < 30


def test_rewritten_evidence_that_still_agrees_is_verified(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    original = read_evidence(root / EVIDENCE, 3)
    data = npz(np.asfortranarray(original.matrix.astype(np.uint32)))
    (root / EVIDENCE).write_bytes(data)
    record = root / RECORD
    digest = hashlib.sha256(data).hexdigest()
    record.write_text(re.sub(r'sha256: "[0-9a-f]+"', f'sha256: "{digest}"', record.read_text()))
    completed = run_segboard("verify", cwd=root)
    assert completed.returncode == 0, completed.stdout
    assert completed.stderr.startswith("1 of 1 results with evidence verified")


def test_a_metric_that_cannot_be_recomputed_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    from generator.records.validation import validate_repository

    catalog = validate_repository(copy_repository(tmp_path / "repo")).catalog
    [result] = [r for r in catalog.results if r.evidence]
    empty = evidence.Evidence(np.zeros((3, 3), dtype=np.int64), {})
    problems = list(verification._compare_with_evidence(catalog, result, empty))
    assert [p.rule for p in problems] == ["evidence", "evidence"]
    assert "miou cannot be recomputed from the evidence (it gives nan)" in problems[0].message


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), -float("inf"), Decimal("NaN"), Decimal("sNaN")]
)
def test_a_value_that_is_not_a_finite_number_never_agrees(value: float | Decimal) -> None:
    assert agrees("88.36", value) is False
    assert agrees("not a number", 88.36) is False


# --- label maps and `segboard eval` -----------------------------------------------------------


def test_jpeg_bytes_in_a_png_file_are_refused_by_name(tmp_path: Path) -> None:
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir()
    pred.mkdir()
    Image.new("L", (16, 16)).save(gt / "a.png", format="JPEG")
    Image.new("L", (16, 16)).save(pred / "a.png")
    common = ["eval", "--num-classes", "3", "--gt", str(gt), "--pred", str(pred)]
    for jobs in ("1", "2"):
        completed = run_segboard(*common, "--jobs", jobs, cwd=tmp_path)
        assert completed.returncode == 1
        assert f"{gt / 'a.png'}: not a PNG: it holds JPEG data" in completed.stderr
        assert "Traceback" not in completed.stderr


def test_label_maps_whose_names_are_not_utf8_are_scored_and_named(tmp_path: Path) -> None:
    """A file name of bytes that are not UTF-8 (kept by Python as surrogates) is paired, scored,
    counted in the evidence's digest of names, and shown in a message without a traceback."""
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir()
    pred.mkdir()
    name = os.fsdecode(b"scene-\xff.png")
    Image.new("L", (4, 4)).save(gt / name)
    Image.new("L", (4, 4)).save(pred / name)
    common = ["eval", "--num-classes", "3", "--gt", str(gt), "--pred", str(pred)]
    completed = run_segboard(*common, "--evidence", str(tmp_path / "e.npz"), cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "1 images, 3 classes: mIoU" in completed.stdout
    expected = hashlib.sha256(b"scene-\xff.png").hexdigest()
    assert evaluation.files_digest([(name, gt / name, pred / name)]) == expected

    (pred / name).unlink()
    completed = run_segboard(*common, cwd=tmp_path)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "scene-" in completed.stderr and "is missing" in completed.stderr


def test_a_png_cut_after_its_header_is_named_without_python_objects(tmp_path: Path) -> None:
    """Pillow's message names the open file as '<_io.BufferedReader name=4>'; the reader is
    told about the file by its path only."""
    path = tmp_path / "cut.png"
    Image.new("L", (4, 4)).save(path)
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(evaluation.DataError) as raised:
        evaluation.read_label_map(path)
    assert str(raised.value) == (
        f"{path}: not a readable PNG (corrupt or truncated: cannot identify image file)"
    )


def test_a_bomb_is_refused_from_its_header_alone(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + bytes(4))
    with pytest.raises(evaluation.DataError, match="larger than 64,000,000 pixels"):
        evaluation.read_label_map(path)
    path.write_bytes(b"\x89PNG\r\n")
    with pytest.raises(evaluation.DataError, match="not a readable PNG"):
        evaluation.read_label_map(path)
    path.write_bytes(b"")
    with pytest.raises(evaluation.DataError, match="not a PNG: the file is empty"):
        evaluation.read_label_map(path)


def test_too_many_classes_for_memory_are_refused(tmp_path: Path) -> None:
    (tmp_path / "gt").mkdir()
    (tmp_path / "pred").mkdir()
    started = time.perf_counter()
    completed = run_segboard(
        "eval", "--num-classes", "65535", "--gt", str(tmp_path / "gt"),
        "--pred", str(tmp_path / "pred"), cwd=tmp_path,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "65,535 classes are too many to evaluate" in completed.stderr
    assert "(32.0 GiB)" in completed.stderr and "the limit is 1.0 GiB" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert time.perf_counter() - started < 5


def test_the_memory_budget_limits_the_workers() -> None:
    assert evaluation.workers_within_budget(19, 64) == 64
    assert evaluation.workers_within_budget(2000, 64) == 10
    assert evaluation.workers_within_budget(4096, 64) == 2
    assert evaluation.workers_within_budget(5000, 8) == 1
    with pytest.raises(evaluation.UsageError, match="5,200 classes are too many"):
        evaluation.workers_within_budget(5200, 1)


def test_eval_refuses_evidence_it_could_not_keep_before_evaluating(tmp_path: Path) -> None:
    (tmp_path / "gt").mkdir()
    completed = run_segboard(
        "eval", "--num-classes", "5000", "--gt", str(tmp_path / "gt"), "--pred",
        str(tmp_path / "gt"), "--evidence", str(tmp_path / "e.npz"), cwd=tmp_path,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "--evidence: 5,000 classes; evidence files hold at most 4,096 classes" in (
        completed.stderr
    )
