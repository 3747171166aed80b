"""Evidence files: confusion matrices that let segboard recompute a result's metrics.

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
from typing import Any

import numpy as np

MAX_EVIDENCE_BYTES = 16 * 1024 * 1024


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
