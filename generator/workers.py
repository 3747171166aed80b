"""Pools of worker processes forked from this one.

A forked worker shares the parent's memory until either writes to a page of it. Python's cyclic
collector writes to every object it walks, so a worker's first collection would copy most of
what it inherited: at 10,000 records, tens of thousands of pages for nothing. The parent's
objects are therefore frozen while the pool forks (`gc.freeze`), which leaves them out of the
workers' collections; the parent unfreezes them at once.
"""

from __future__ import annotations

import gc
import multiprocessing
from multiprocessing.pool import Pool

from generator.errors import ignore_interrupts


def forked_pool(workers: int) -> Pool:
    """A pool of `workers` forked processes that leave Ctrl-C to this one. Callers fork only
    when no other thread runs (a lock one holds would be copied held) and use the pool as a
    context manager, which ends the workers however the block is left."""
    frozen_before = gc.get_freeze_count()  # a caller's own frozen objects stay frozen
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(workers, ignore_interrupts)
    finally:
        if not frozen_before:
            gc.unfreeze()
