"""What the code that builds a site is: a digest of segboard's own files and of the versions of
the packages that shape its output. Whatever a build keeps for the next one is filed under it,
so a change of code or of an installed package never reuses what older code made."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
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
