"""One exception hierarchy for segboard; each class carries its exit status.

Ctrl-C is no SegboardError but ends a command the same way, in `generator.cli.main`: with exit
status INTERRUPTED (130, 128 + SIGINT, what shells report) and no traceback. A terminal's
Ctrl-C reaches the whole foreground process group, so worker processes get it too: they run
`ignore_interrupts` when they start, never print a traceback of their own, and are stopped by
the process that started them (a pool's context manager terminates its workers when the
interrupt leaves it).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

INTERRUPTED = 128 + signal.SIGINT  # 130


def ignore_interrupts() -> None:
    """A worker process's initializer: Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class SegboardError(Exception):
    """Base class: a problem segboard reports in one line, without a traceback."""

    exit_code = 1


class DataError(SegboardError):
    """The records (or another input file) are wrong: exit status 1."""

    exit_code = 1


class UsageError(SegboardError):
    """The command was called wrongly (bad option, missing folder): exit status 2."""

    exit_code = 2


@contextlib.contextmanager
def system_errors(what: str) -> Iterator[None]:
    """An OSError in the block (a full disk, a folder it may not write) as a UsageError in one
    line, '<what>: <reason> (<file>)', rather than a traceback."""
    try:
        yield
    except OSError as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
        where = getattr(exc, "path", None) or exc.filename
        raise UsageError(f"{what}: {reason}" + (f" ({where})" if where else "")) from None
