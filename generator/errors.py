"""One exception hierarchy for segboard; each class carries its exit status."""

from __future__ import annotations


class SegboardError(Exception):
    """Base class: a problem segboard reports in one line, without a traceback."""

    exit_code = 1


class DataError(SegboardError):
    """The records (or another input file) are wrong: exit status 1."""

    exit_code = 1


class UsageError(SegboardError):
    """The command was called wrongly (bad option, missing folder): exit status 2."""

    exit_code = 2
