"""The engine's build of each language, in a worker process of its own when there are cores.

A language's worker is forked before its pages are written (`early_workers`; site/build.py
forks the Chinese one as the build starts and the English one once the records are loaded) and
spends that time on what its build starts with and does not depend on the pages
(engine.prepare_engine: importing the engine, and for Chinese loading the word list that the
search cuts words with). The pages are then sent to it (`build_languages`), while this process
and another forked worker make what fills the built pages' slots (site/slot_parts.py).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from generator.records.places import generated_dir
from generator.site.content import SiteContent
from generator.site.engine import mkdocs_build, mkdocs_config, prepare_engine
from generator.site.i18n import LANGUAGES
from generator.site.offline import check_offline
from generator.workers import ForkedWorker, can_fork, forked_worker

T = TypeVar("T")
Workers = dict[str, ForkedWorker]


def in_workers(parallel: bool) -> bool:
    """Whether to build in worker processes: asked for, cores to spare, and safe to fork."""
    return parallel and (os.cpu_count() or 1) > 1 and can_fork()


@contextlib.contextmanager
def early_workers(
    parallel: bool, languages: list[str], chore: Callable[[], None] | None = None
) -> Iterator[Workers | None]:
    """A worker for each of `languages`, getting ready until its pages are sent (a language
    without one gets it when it is built); None when the languages are built in this process
    (see `in_workers`). The first worker also does `chore` (which the caller then must not
    need: the worker's memory is its own), or this process does it when there is none. The
    block ends them."""
    workers = in_workers(parallel)
    if not workers or not languages:
        if chore is not None:
            chore()
        yield {} if workers else None
        return
    with contextlib.ExitStack() as stack:
        yield {
            lang: stack.enter_context(_language_worker(lang, chore if n == 0 else None))
            for n, lang in enumerate(languages)
        }


def _language_worker(
    lang: str, chore: Callable[[], None] | None = None
) -> contextlib.AbstractContextManager[ForkedWorker]:
    return forked_worker(functools.partial(_get_ready, lang, chore))


def _get_ready(lang: str, chore: Callable[[], None] | None) -> None:
    """A language worker's first work: the engine's preparation, then the chore it was given
    (the languages' builds wait for it, not this process). The engine's build is not
    segboard's: it runs with the cyclic garbage collector on, which the build pauses."""
    gc.enable()
    prepare_engine(lang)
    if chore is not None:
        chore()


def build_language(root: Path, staging: Path, lang: str, nav: list[Any]) -> list[str]:
    """Build one language into staging/<lang>/ (MkDocs empties its output folder first)."""
    prepare_engine(lang)  # done already in a worker that got ready early
    config = mkdocs_config(root, lang, generated_dir(root, lang), staging / lang, nav)
    warnings = mkdocs_build(config)
    # before the tables fill its slots (they load nothing); named as published (zh/...)
    check_offline(staging / lang, "" if lang == LANGUAGES[0] else f"{lang}/")
    return warnings


def build_languages(
    root: Path,
    staging: Path,
    contents: dict[str, SiteContent],
    meanwhile: Callable[[], None],
    workers: Workers | None,
    skip: set[str] | frozenset[str],
    task: Callable[[], T],
    task_here: bool = False,
) -> tuple[list[str], T]:
    """Run MkDocs once per language but those in `skip`, and `task`, in the `workers` and a
    worker forked for `task` (or all here, without workers), and `meanwhile` in this process
    as they run; give MkDocs' warnings and what `task` returned.

    The builds are independent (each has its own pages and output folder), MkDocs uses one
    core, and what `meanwhile` makes (the tables that fill the built pages' slots) is not
    needed until the builds are done, so on a machine with two or more cores they overlap.
    `task` (a share of the slots' parts, and the data files when no worker of their own makes
    them: site/data_files.py) runs here after `meanwhile` when `task_here`.
    """
    languages = [lang for lang in LANGUAGES if lang not in skip]
    if workers is None:
        meanwhile()
        result = task()
        return [
            m for lang in languages for m in build_language(root, staging, lang, contents[lang].nav)
        ], result
    with contextlib.ExitStack() as stack:
        building = {
            lang: workers.get(lang) or stack.enter_context(_language_worker(lang))
            for lang in languages
        }
        for lang, worker in building.items():
            worker.send(build_language, root, staging, lang, contents[lang].nav)
        helper = None if task_here else stack.enter_context(forked_worker(task))
        meanwhile()
        result = task() if helper is None else helper.result()
        warnings: list[str] = []
        for worker in building.values():
            worker.result()  # its preparation
            warnings += worker.result()
        return warnings, result
