"""The data files of a build (site/downloads.py), made and placed in the site being built: in a
worker forked as soon as the leaderboards are ranked, so that they are made while the pages are
written (which keep one core busy), or in the building process (a build without workers, or one
that keeps the data files with the leaderboards' blocks: `segboard serve`)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.site.reuse import FileStore
from generator.workers import ForkedWorker, forked_worker


@dataclass
class DataFiles:
    """Where the data files go (`folder`, moved into the site once it is built), the build
    cache's file store that keeps them (or None), and the worker making them, once one is
    started."""

    folder: Path
    store: FileStore | None
    worker: ForkedWorker | None = None

    def start(self, make: Callable[[], dict[str, str]], stack: contextlib.ExitStack) -> None:
        """Have a forked worker make the files (`make`) and place them, from now on; `stack`
        ends it with the build."""
        job = functools.partial(self.make_and_place, make)
        self.worker = stack.enter_context(forked_worker(job))

    def make_and_place(self, make: Callable[[], dict[str, str]]) -> set[str]:
        """Make the files and place them; the names used in the store (from a worker, the
        parent's copy of the set does not see its additions: `note`)."""
        for relative_path, text in make().items():
            place(self.folder / relative_path, text, self.store)
        return self.store.used if self.store else set()

    def note(self, used: set[str]) -> None:
        """Note the names a worker used in the store, so that the build cache keeps them."""
        if self.store is not None:
            self.store.used |= used


def place(path: Path, text: str, store: FileStore | None) -> None:
    """Write a data file: a link to the build cache's copy when there is a cache."""
    if store is not None:
        store.place(path, text)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
