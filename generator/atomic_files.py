"""Writing output files whole or not at all.

A file is written to a temporary file beside it and moved into place, so a failure never leaves
half a file. A target that cannot be written (its folder is a file, it is a folder, no
permission) is a usage error with a one-line reason, never a traceback.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from generator.errors import UsageError
from generator.reading import kind_of


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file, so a failure never leaves half a file."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        mode = None  # a new file
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        # replacing a device or a FIFO with a file would break what uses it
        raise UsageError(f"cannot write {path}: it is {kind_of(mode)}")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        blocker = _blocker(path)
        reason = f"{blocker} is a file, not a folder" if blocker else exc.strerror
        raise UsageError(f"cannot write {path}: {reason}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes private files; outputs are not
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _blocker(path: Path) -> Path | None:
    """The folder above `path` that exists as something other than a folder, if any."""
    return next((p for p in path.parents if p.exists() and not p.is_dir()), None)


def write_atomic(path: Path, text: str) -> None:
    write_atomic_bytes(path, text.encode("utf-8"))
