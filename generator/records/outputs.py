"""Where segboard may write: outputs never replace the repository or its sources.

A built site replaces its folder whole, so that folder may not be the repository, a folder
above it, or one of the folders segboard reads (data/, schema/, docs/, ...), nor a folder of
someone else's files; export files and evidence may not land among the records or sources. Each
check runs before anything is written, and refuses with a usage error (exit status 2).
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import UsageError
from generator.reading import real_path
from generator.records.places import SITE_SOURCES

# What segboard reads, besides the site's sources: writing into any of these could lose work.
PROTECTED = (*SITE_SOURCES, "seed", "evidence", "generator", "tests", "benchmarks", ".git")
SITE_MARKER = ".segboard-site"  # left in every built site, so a rebuild knows the folder is one


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _protected(root: Path, target: Path, allowed: tuple[str, ...] = ()) -> str | None:
    """The protected part of the repository that `target` is (or is in), if any."""
    for name in PROTECTED:
        if name not in allowed and _within(target, real_path(root / name)):
            return name
    return None


def check_site_dir(root: Path, site_dir: Path, default: Path) -> Path:
    """The resolved folder a site may be built into, or a usage error saying why not."""
    target, repository = real_path(site_dir), real_path(root)
    if _within(repository, target):
        raise UsageError(
            f"--site-dir {site_dir} is the repository or a folder above it: the site would "
            "replace it. Give a folder of its own, such as site/"
        )
    source = _protected(repository, target)
    if source is not None:
        raise UsageError(
            f"--site-dir {site_dir} is in {source}/, which segboard reads: the site would "
            "replace it. Give a folder of its own, such as site/"
        )
    if target.is_symlink():  # real_path leaves a link that loops
        raise UsageError(f"--site-dir {site_dir} is a symbolic link that loops; remove it")
    if target.exists() and not target.is_dir():
        raise UsageError(f"--site-dir {site_dir} is a file, not a folder")
    foreign = target.is_dir() and any(target.iterdir()) and not (target / SITE_MARKER).exists()
    if foreign and target != real_path(default):
        raise UsageError(
            f"--site-dir {site_dir} holds files that segboard did not build, and a build "
            "replaces the folder whole; give an empty or new folder"
        )
    return target


def check_output_file(root: Path | None, output: Path, allowed: tuple[str, ...] = ()) -> None:
    """Refuse an output file among the records or sources (folders in `allowed` excepted)."""
    if root is None:
        return
    target, repository = real_path(output), real_path(root)
    if _within(repository, target):
        raise UsageError(f"{output} is the repository or a folder above it, not a file")
    source = _protected(repository, target, allowed)
    if source is not None:
        raise UsageError(
            f"{output} is in {source}/, which segboard reads; write the output elsewhere"
        )
    if target.parent == repository and target.exists():
        raise UsageError(f"{output} is a file of the repository; write the output elsewhere")


def check_output_dir(root: Path | None, output: Path) -> None:
    """Refuse an output folder (of model cards) that is a file, the repository, above it, or a
    source. An existing folder is fine: only the files written there are replaced."""
    blocker = next((p for p in (output, *output.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UsageError(
            f"{blocker} is a file, not a folder; -o takes a folder (new or existing) for "
            "model cards"
        )
    if root is None:
        return
    target, repository = real_path(output), real_path(root)
    if _within(repository, target):
        raise UsageError(f"{output} is the repository or a folder above it")
    source = _protected(repository, target)
    if source is not None:
        raise UsageError(f"{output} is in {source}/, which segboard reads; write elsewhere")
