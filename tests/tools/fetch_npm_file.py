"""Fetch one file of a pinned npm package for the tests (set-up, not a test): the tarball from
the npm registry, checked against its pinned sha512 integrity before anything is extracted.

    python tests/tools/fetch_npm_file.py NAME VERSION INTEGRITY PATH_IN_PACKAGE DEST

Offline, it says so and exits 0: the tests that need the file are then skipped with the reason,
unless SEGBOARD_REQUIRE_BROWSER=1 makes them fail.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"


def main(argv: list[str]) -> int:
    name, version, integrity, member, dest = argv
    target = Path(dest)
    if target.is_file():
        return 0
    url = f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
    except (urllib.error.URLError, OSError) as exc:
        print(f"could not fetch {url} ({exc}); the tests that need it will be skipped")
        return 0
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        print(f"{url}: integrity {algorithm}-{actual} is not the pinned {integrity}")
        return 1
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        extracted = archive.extractfile(f"package/{member}")
        if extracted is None:
            print(f"{url}: no package/{member} in the tarball")
            return 1
        content = extracted.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(content)
    partial.replace(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
