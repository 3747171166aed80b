"""The folders of a build: the staging folder the site is built in, beside the site it
replaces, moved into place only when the whole build succeeded (so a failed build leaves the
previous site as it was), the folders a killed build left, and the repository's build lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.errors import UsageError
from generator.records.places import lock_path
from generator.site.i18n import LANGUAGES


@contextlib.contextmanager
def staging_folder(site_dir: Path) -> Iterator[Path]:
    """A new folder beside `site_dir` to build the site in, removed when the block ends (once
    it has been moved into place, nothing is left to remove)."""
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make {site_dir.parent}: {exc.strerror}") from None
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def language_dir(site_dir: Path, lang: str) -> Path:
    """Where a language's pages are in a built site: the first at its root, the others below."""
    return site_dir if lang == LANGUAGES[0] else site_dir / lang


def move_into(source: Path, target: Path) -> None:
    """Move the folders and files in `source` into `target`: thousands of badges cost one
    rename. The engine makes no folder of these names (downloads/, badges/); one that is there
    is replaced."""
    for entry in source.iterdir():
        there = target / entry.name
        if there.is_dir() and not there.is_symlink():
            shutil.rmtree(there)
        os.replace(entry, there)


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the repository's build lock: a second build meanwhile is a usage error (exit 2).

    The lock is an advisory lock on build/.segboard-build.lock, released by the system when the
    process ends, so a killed build never leaves the repository locked.
    """
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(
                f"another segboard build of {root} is running (it holds {path}); wait for it "
                "to finish and build again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def remove_leftovers(site_dir: Path) -> None:
    """Staging and previous-site folders of builds that were killed (the lock is ours now)."""
    for pattern in (f".{site_dir.name}-building-*", f".{site_dir.name}-previous-*"):
        for leftover in site_dir.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def swap(staging: Path, site_dir: Path) -> None:
    """Put the new site in place; the old one is removed only once the new one is there."""
    os.chmod(staging, 0o755)  # mkdtemp makes a private folder; a site is for reading
    previous = None
    if site_dir.exists():
        previous = site_dir.with_name(f".{site_dir.name}-previous-{os.getpid()}")
        os.replace(site_dir, previous)
    os.replace(staging, site_dir)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
