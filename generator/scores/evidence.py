"""Evidence files: confusion matrices that let segboard recompute a result's metrics, written
by `segboard eval --evidence` and read back by verification.

An evidence file is the .npz that `segboard eval --evidence` writes: an integer `confusion`
matrix and a JSON `meta` string. Evidence arrives with pull requests, so nothing is trusted:
  * only a regular file is read, and only up to MAX_EVIDENCE_BYTES (its size is checked first);
  * the zip directory is read before anything is decompressed: exactly the members
    confusion.npy and meta.npy, stored or deflated, with bounded uncompressed sizes;
  * each member's .npy header (shape, dtype) is read and checked before its data: `confusion`
    must be a square integer matrix of at most MAX_EVIDENCE_CLASSES classes (exactly the
    dataset's, when it is known) whose data is exactly as long as the header says; `meta` a
    small unicode scalar. Nothing is unpickled;
  * the counts must be non-negative, hold at least one pixel, and add up to a total that a
    64-bit count holds, so every metric recomputed from them is a finite number.
A file that is not exactly that is refused with an EvidenceError that says why.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib import format as npy

from generator import __version__
from generator.atomic_files import write_atomic_bytes
from generator.errors import UsageError
from generator.scores.files import RefusedFile, read_bounded

if TYPE_CHECKING:
    from generator.scores.evaluation import Evaluation

MAX_EVIDENCE_BYTES = 16 * 1024 * 1024  # the evidence file itself, as stored
MAX_EVIDENCE_CLASSES = 4096  # a 4096 x 4096 int64 matrix is 128 MiB once decoded
MAX_META_BYTES = 64 * 1024  # the decompressed meta.npy
MAX_NPY_HEADER_BYTES = 16 * 1024  # numpy itself refuses headers over 10,000 characters
EVIDENCE_FORMAT = 1
MEMBERS = ("confusion.npy", "meta.npy")
INT64_MAX = int(np.iinfo(np.int64).max)
_UNREADABLE = (
    OSError, EOFError, ValueError, SyntaxError, RuntimeError, NotImplementedError,
    zipfile.BadZipFile, zlib.error,
)  # fmt: skip


class EvidenceError(ValueError):
    """The evidence file cannot be used; the message says why."""


@dataclass(frozen=True)
class Evidence:
    matrix: np.ndarray
    meta: dict[str, Any]


@dataclass(frozen=True)
class NpyHeader:
    """What a .npy member says it holds, read before its data."""

    shape: tuple[int, ...]
    fortran_order: bool
    dtype: np.dtype[Any]
    offset: int  # where the data starts in the member

    @property
    def data_bytes(self) -> int:
        count = 1
        for length in self.shape:
            count *= length
        return count * self.dtype.itemsize

    def describe(self) -> str:
        shape = "x".join(str(n) for n in self.shape) or "scalar"
        return f"a {shape} array of {self.dtype}"


def load_evidence(data: bytes, num_classes: int | None = None) -> Evidence:
    """The evidence in the bytes of an .npz file, checked; `num_classes`, when known (the
    dataset's), is the only size the matrix may have."""
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(
            f"it is {len(data):,} bytes; evidence files are limited to {MAX_EVIDENCE_BYTES:,}"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = _members(archive)
            check = partial(_check_confusion_header, num_classes=num_classes)
            matrix = _read_array(archive, members["confusion.npy"], check)
            meta_text = _read_array(archive, members["meta.npy"], _check_meta_header).item()
    except EvidenceError:
        raise
    except _UNREADABLE as exc:
        raise EvidenceError(f"it is not a readable .npz evidence file ({exc})") from None
    return Evidence(checked_counts(matrix), _meta(meta_text))


def read_evidence(path: Path, num_classes: int | None = None) -> Evidence:
    """The evidence file at `path`, read (a regular file, size checked first) and checked."""
    return load_evidence(read_evidence_bytes(path), num_classes)


def read_evidence_bytes(path: Path) -> bytes:
    """The bytes of an evidence file: a regular file of at most MAX_EVIDENCE_BYTES, refused by
    its size before anything is read."""
    try:
        return read_bounded(path, MAX_EVIDENCE_BYTES, "evidence files")
    except RefusedFile as exc:
        raise EvidenceError(str(exc)) from None


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The two members, from the zip directory alone: nothing is decompressed yet."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if sorted(names) != sorted(MEMBERS):
        held = sorted(name.removesuffix(".npy") for name in names)
        raise EvidenceError(f"it holds {held}, not 'confusion' and 'meta'")
    limits = {
        "confusion.npy": MAX_NPY_HEADER_BYTES + MAX_EVIDENCE_CLASSES**2 * 8,
        "meta.npy": MAX_META_BYTES,
    }
    for info in infos:
        name = info.filename.removesuffix(".npy")
        if info.flag_bits & 0x1:
            raise EvidenceError(f"'{name}' is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise EvidenceError(f"'{name}' is compressed by a method other than deflate")
        if info.file_size > limits[info.filename]:
            raise EvidenceError(
                f"'{name}' would be {info.file_size:,} bytes once decompressed; the limit is "
                f"{limits[info.filename]:,}"
            )
    return {info.filename: info for info in infos}


def _npy_header(prefix: bytes, name: str) -> NpyHeader:
    """The header at the start of a .npy member (versions 1.0 and 2.0), without its data."""
    stream = io.BytesIO(prefix)
    try:
        version = npy.read_magic(stream)
        if version == (1, 0):
            shape, fortran_order, dtype = npy.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran_order, dtype = npy.read_array_header_2_0(stream)
        else:
            raise ValueError(f".npy format version {version[0]}.{version[1]} is not read")
    except (ValueError, SyntaxError, RecursionError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EvidenceError(
            f"it is not a readable .npz evidence file ('{name}' is not a .npy array: {message})"
        ) from None
    return NpyHeader(tuple(shape), bool(fortran_order), dtype, stream.tell())


def _read_array(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, check: Callable[[NpyHeader], None]
) -> np.ndarray:
    """A member's array: its header read and checked (`check`) before any of its data."""
    name = info.filename.removesuffix(".npy")
    with archive.open(info) as member:
        prefix = member.read(min(info.file_size, MAX_NPY_HEADER_BYTES))
        header = _npy_header(prefix, name)
        check(header)
        if info.file_size != header.offset + header.data_bytes:
            raise EvidenceError(
                f"'{name}' holds {info.file_size - header.offset:,} bytes of data, but its "
                f"header promises {header.describe()} ({header.data_bytes:,} bytes)"
            )
        data = prefix[header.offset :]
        data += member.read(header.data_bytes - len(data))
    if len(data) != header.data_bytes:
        raise EvidenceError(f"'{name}' is truncated")
    array = np.frombuffer(data, dtype=header.dtype, count=len(data) // header.dtype.itemsize)
    return array.reshape(header.shape, order="F" if header.fortran_order else "C")


def _check_confusion_header(header: NpyHeader, num_classes: int | None) -> None:
    """The matrix's shape and type, before its data is read."""
    if header.dtype.hasobject:
        raise EvidenceError(
            "it is not a readable .npz evidence file ('confusion' holds pickled Python "
            "objects, which are never loaded)"
        )
    shape, kind = header.shape, header.dtype.kind
    if len(shape) != 2 or shape[0] != shape[1] or kind not in "iu" or header.dtype.fields:
        raise EvidenceError(
            f"'confusion' must be a square matrix of integer counts, not {header.describe()}"
        )
    classes = shape[0]
    if classes < 1:
        raise EvidenceError("'confusion' is an empty matrix")
    if num_classes is not None and classes != num_classes:
        raise EvidenceError(
            f"'confusion' is {classes}x{classes}, but the dataset has {num_classes} classes"
        )
    if classes > MAX_EVIDENCE_CLASSES:
        raise EvidenceError(
            f"'confusion' is {classes:,}x{classes:,}; evidence files hold at most "
            f"{MAX_EVIDENCE_CLASSES:,} classes"
        )


def check_evidence_classes(num_classes: int) -> None:
    """Refuse, before an evaluation starts, evidence that validation would refuse after it."""
    if num_classes > MAX_EVIDENCE_CLASSES:
        raise UsageError(
            f"--evidence: {num_classes:,} classes; evidence files hold at most "
            f"{MAX_EVIDENCE_CLASSES:,} classes"
        )


def _check_meta_header(header: NpyHeader) -> None:
    if header.dtype.kind != "U" or header.shape != ():
        raise EvidenceError(
            f"'meta' must be a JSON text (a unicode scalar), not {header.describe()}"
        )


def _meta(text: object) -> dict[str, Any]:
    try:
        meta = json.loads(str(text))
    except ValueError:
        raise EvidenceError("'meta' is not JSON") from None
    if not isinstance(meta, dict):
        raise EvidenceError("'meta' is not a JSON object")
    return meta


def checked_counts(matrix: np.ndarray) -> np.ndarray:
    """The matrix as int64 counts, refused when a metric could not be computed from it: negative
    or oversized counts, no pixels at all, or a total that overflows a 64-bit count."""
    if matrix.dtype.kind not in "iu":
        raise EvidenceError(f"'confusion' holds {matrix.dtype} values, not integer counts")
    if matrix.dtype.kind == "i" and (matrix < 0).any():
        raise EvidenceError("'confusion' holds negative counts")
    if matrix.size and int(matrix.max()) > INT64_MAX:
        raise EvidenceError(f"'confusion' holds a count above {INT64_MAX:,} (64-bit overflow)")
    counts = np.array(matrix, dtype=np.int64, order="C")  # a writable copy
    total = exact_total(counts)
    if total == 0:
        raise EvidenceError("'confusion' holds no pixels (every count is zero)")
    if total > INT64_MAX:
        raise EvidenceError(
            f"'confusion' counts {total:,} pixels in all, more than a 64-bit count holds "
            f"({INT64_MAX:,})"
        )
    return counts


def exact_total(counts: np.ndarray) -> int:
    """The sum of non-negative int64 counts as a Python int, however large: each block of rows is
    summed in two halves (the high and low 32 bits of every count), which cannot overflow."""
    total = 0
    for start in range(0, counts.shape[0], 256):
        block = counts[start : start + 256]
        total += (int((block >> 32).sum()) << 32) + int((block & 0xFFFFFFFF).sum())
    return total


def evidence_bytes(evaluation: Evaluation) -> bytes:
    """The evidence file: the confusion matrix and what produced it, as a .npz (no pickles)."""
    c = evaluation.conventions
    if c.num_classes > MAX_EVIDENCE_CLASSES:
        raise UsageError(
            f"no evidence file for {c.num_classes:,} classes: evidence files hold at most "
            f"{MAX_EVIDENCE_CLASSES:,} classes"
        )
    meta = {
        "format": EVIDENCE_FORMAT,
        "dataset": c.dataset,
        "split": c.split,
        "num_classes": c.num_classes,
        "ignore_index": c.ignore_index,
        "reduce_zero_label": c.reduce_zero_label,
        "label_mapping": bool(c.id_to_train_id),
        "num_images": evaluation.images,
        "files_sha256": evaluation.files_digest,
        "segboard_version": __version__,
    }
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, confusion=evaluation.matrix, meta=np.array(json.dumps(meta, sort_keys=True))
    )
    return buffer.getvalue()


def write_evidence(path: Path, evaluation: Evaluation) -> None:
    write_atomic_bytes(path, evidence_bytes(evaluation))
