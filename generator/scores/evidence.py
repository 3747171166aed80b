"""Evidence files: confusion matrices that let segboard recompute a result's metrics, written
by `segboard eval --evidence` and read back by verification.

An evidence file is the .npz that `segboard eval --evidence` writes: an integer `confusion`
matrix and a JSON `meta` string. It is loaded without unpickling anything, and only up to a size
limit; a file that is not exactly that is refused.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from generator import __version__
from generator.atomic_files import write_atomic_bytes

if TYPE_CHECKING:
    from generator.scores.evaluation import Evaluation

MAX_EVIDENCE_BYTES = 16 * 1024 * 1024
EVIDENCE_FORMAT = 1


class EvidenceError(ValueError):
    """The evidence file cannot be used; the message says why."""


@dataclass(frozen=True)
class Evidence:
    matrix: np.ndarray
    meta: dict[str, Any]


def load_evidence(data: bytes) -> Evidence:
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(
            f"it is {len(data):,} bytes; evidence files are limited to {MAX_EVIDENCE_BYTES:,}"
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            names = set(archive.files)
            if names != {"confusion", "meta"}:
                raise EvidenceError(f"it holds {sorted(names)}, not 'confusion' and 'meta'")
            matrix = archive["confusion"]
            meta_text = archive["meta"]
    except EvidenceError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise EvidenceError(f"it is not a readable .npz evidence file ({exc})") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.dtype.kind not in "iu":
        raise EvidenceError("'confusion' must be a square matrix of integer counts")
    if (matrix < 0).any():
        raise EvidenceError("'confusion' holds negative counts")
    try:
        meta = json.loads(str(meta_text))
    except ValueError:
        raise EvidenceError("'meta' is not JSON") from None
    if not isinstance(meta, dict):
        raise EvidenceError("'meta' is not a JSON object")
    return Evidence(matrix.astype(np.int64), meta)


def read_evidence(path: Path) -> Evidence:
    try:
        size = path.stat().st_size
        if size > MAX_EVIDENCE_BYTES:
            raise EvidenceError(
                f"it is {size:,} bytes; evidence files are limited to {MAX_EVIDENCE_BYTES:,}"
            )
        return load_evidence(path.read_bytes())
    except OSError as exc:
        raise EvidenceError(f"it cannot be read ({exc.strerror})") from None


def evidence_bytes(evaluation: Evaluation) -> bytes:
    """The evidence file: the confusion matrix and what produced it, as a .npz (no pickles)."""
    c = evaluation.conventions
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
