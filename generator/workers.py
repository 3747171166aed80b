"""Pools of worker processes, and how they end.

A forked worker shares the parent's memory until either writes to a page of it. Python's cyclic
collector writes to every object it walks, so a worker's first collection would copy most of
what it inherited: at 10,000 records, tens of thousands of pages for nothing. The parent's
objects are therefore frozen while the pool forks (`gc.freeze`), which leaves them out of the
workers' collections; the parent unfreezes them at once.

Every pool ends through `ended`: let finish when its work is done, killed on an exception.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Iterator
from multiprocessing.context import BaseContext
from multiprocessing.pool import Pool

from generator.errors import ignore_interrupts


@contextlib.contextmanager
def forked_pool(workers: int) -> Iterator[Pool]:
    """A pool of `workers` forked processes that leave Ctrl-C to this one, for a `with` block.
    Callers fork only when no other thread runs (a lock one holds would be copied held)."""
    frozen_before = gc.get_freeze_count()  # a caller's own frozen objects stay frozen
    gc.freeze()
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, ignore_interrupts)
    finally:
        if not frozen_before:
            gc.unfreeze()
    with ended(pool):
        yield pool


@contextlib.contextmanager
def pool_of(context: BaseContext, workers: int) -> Iterator[Pool]:
    """A pool of `workers` processes started by `context`, for a `with` block (see `ended`)."""
    with ended(context.Pool(workers, ignore_interrupts)) as pool:
        yield pool


@contextlib.contextmanager
def ended(pool: Pool) -> Iterator[Pool]:
    """Leave `pool` ended: when the block ends normally its workers are let finish (close, then
    join); when it raises (Ctrl-C included) or calls `pool.terminate()` itself, they are killed.

    Killing workers that wait for work, as `Pool.__exit__` always does, can kill one while it
    holds the task queue's lock; another worker that is just starting then waits for that lock
    forever, and so does the join that follows (seen with spawned workers). A pool whose work
    is done is therefore closed, not terminated.
    """
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    pool.close()
    pool.join()
