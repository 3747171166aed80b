"""Pools of worker processes, single forked workers, and how they end.

A forked worker shares the parent's memory until either writes to a page of it. Python's cyclic
collector writes to every object it walks, so a worker's first collection would copy most of
what it inherited: at 10,000 records, tens of thousands of pages for nothing. The parent's
objects are therefore frozen while the pool forks (`gc.freeze`), which leaves them out of the
workers' collections; the parent unfreezes them at once.

Every pool ends through `ended`: let finish when its work is done, killed on an exception.

A pool starts threads in the parent to feed its workers, and forking a process that runs other
threads can copy a lock one of them holds. `forked_worker` starts none: a single process that
can be forked early, to get ready for work that is not known yet, and still lets the parent
fork more processes later.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.pool import Pool
from typing import Any

from generator.errors import ignore_interrupts


def can_fork() -> bool:
    """Whether this process may fork workers: on Linux, and with no other thread running
    (forking copies a lock another thread holds, held, and a worker that needs it waits
    forever). Callers without it work in one process, or start workers another way."""
    return threading.active_count() == 1 and sys.platform.startswith("linux")


@contextlib.contextmanager
def forked_pool(workers: int) -> Iterator[Pool]:
    """A pool of `workers` forked processes that leave Ctrl-C to this one, for a `with` block.
    Callers fork only when no other thread runs (a lock one holds would be copied held)."""
    with _frozen():
        pool = multiprocessing.get_context("fork").Pool(workers, ignore_interrupts)
    with ended(pool):
        yield pool


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """The parent's objects frozen while it forks (see above)."""
    frozen_before = gc.get_freeze_count()  # a caller's own frozen objects stay frozen
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


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


class WorkerLost(OSError):
    """A worker process ended without answering (killed, or out of memory)."""


class ForkedWorker:
    """The parent's end of `forked_worker`: calls go to the worker in order, and `result` gives
    their outcomes in the same order."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.waiting = 1  # outcomes not yet collected: the first call's to begin with

    def send(self, function: Callable[..., Any], *args: Any) -> None:
        """Have the worker run `function(*args)` after what it was sent before (both are
        pickled: a module's function and plain values)."""
        self._connection.send((function, args))
        self.waiting += 1

    def result(self) -> Any:
        """The outcome of the oldest call not yet collected: its value, or its exception
        raised here."""
        try:
            ok, value = self._connection.recv()
        except EOFError:
            raise WorkerLost("a worker process ended without finishing its work") from None
        self.waiting -= 1
        if not ok:
            raise value
        return value


@contextlib.contextmanager
def forked_worker(first: Callable[[], Any]) -> Iterator[ForkedWorker]:
    """A forked process that runs `first()` at once (inherited, not pickled: it may be a
    closure), then each call `send` gives it, for a `with` block. Ctrl-C is left to this
    process. The worker is let finish when the block ends with every outcome collected, and
    is ended at once otherwise (an exception, Ctrl-C included, or work no longer wanted)."""
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    with _frozen():
        process = context.Process(target=_serve, args=(theirs, ours, first), daemon=True)
        process.start()
    theirs.close()
    worker = ForkedWorker(ours)
    try:
        yield worker
    finally:
        if worker.waiting:
            process.kill()  # not SIGTERM: a handler the worker inherited could keep it alive
        else:
            with contextlib.suppress(OSError):  # it may have ended already
                ours.send(None)
        process.join()
        ours.close()


def _serve(connection: Connection, parents_end: Connection, first: Callable[[], Any]) -> None:
    """The worker: run `first`, then each call received until told to stop (None) or until
    the parent's end closes; send back each outcome."""
    ignore_interrupts()
    parents_end.close()  # so that the parent's end closing is seen here as the end of input
    call: tuple[Callable[..., Any], tuple[Any, ...]] | None = (first, ())
    while call is not None:
        function, args = call
        try:
            outcome: tuple[bool, Any] = (True, function(*args))
        except Exception as exc:  # raised again in the parent
            outcome = (False, exc)
        try:
            connection.send(outcome)
        except Exception as exc:  # an outcome that cannot be pickled
            connection.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        try:
            call = connection.recv()
        except EOFError:
            return
