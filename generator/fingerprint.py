"""What a build may trust of what an earlier build kept: the code that made it, and this machine.

`code_fingerprint` is a digest of segboard's own files and of the versions of the packages that
shape its output; whatever a build keeps is filed under it, so other code or other packages
never reuse what older code made. `machine_key` is a secret of this machine's user, kept outside
every repository, which signs what builds keep: a build/cache/ that arrives with a repository (a
pull request can commit one despite .gitignore) is never trusted, so it can neither run code
through the records' memo nor put unescaped HTML into the site."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import secrets
from pathlib import Path

PACKAGE = Path(__file__).parent
# the installed packages whose versions change what a build writes
SHAPING = (
    "mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe",
    "jieba", "PyYAML", "jsonschema", "jsonschema-rs", "pandas", "numpy",
)  # fmt: skip


@functools.cache
def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in SHAPING:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()[:16]


KEY_BYTES = 32


@functools.cache
def machine_key() -> bytes | None:
    """The user's secret for signing kept build parts ($XDG_CACHE_HOME/segboard/build-key, or
    ~/.cache/...), made on first use; None when it cannot be read or made (builds then keep
    nothing)."""
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no home folder to be found
        return None
    path = Path(base) / "segboard" / "build-key"
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
        return None  # not a key this code made: trust nothing
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_BYTES))
        return path.read_bytes()
    except FileExistsError:  # another build made it meanwhile
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None
