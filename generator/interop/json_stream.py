"""Reading the items of a large top-level JSON array one at a time, in bounded memory.

The Papers with Code archive (`evaluation-tables.json`, hundreds of MB) is a JSON array of task
objects. `array_items` yields them one by one with ijson (its C backend, yajl2_c, where the
platform has a wheel): only the item being read is held in memory, never the whole file. An item
itself is built whole, so one item's size is the bound; `MAX_ITEM_BYTES` caps it, counted as the
bytes read from the file since the previous item, so a file of one endless string or one giant
object is refused before it fills the memory. A `.gz` file is decompressed as it is read.

Two shapes crash or swamp the parser, so the bytes are checked as they are read, before it sees
them: a run of more digits than Python turns into an int (yajl2_c then crashes the interpreter),
and arrays or objects nested thousands deep (its memory grows with the square of the depth:
gigabytes for a file of 100 KB). Depth is counted from the brackets read, in small reads, so a
bracket inside a string counts too; the count restarts at each item, and the limit is far above
any real nesting.

Every way the input can be wrong ends in one line (DataError, exit status 1): a file that is not
JSON, ends early, has no array at its top, or has one of those shapes.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from generator.errors import DataError, UsageError

MAX_ITEM_BYTES = 64 * 2**20  # one task of the real archive is at most a few MB
MAX_DIGITS = 1000  # a run of digits (Python refuses to make an int of more than 4,300)
MAX_DEPTH = 1000  # brackets open at once (the archive nests tasks, tables and rows: about 10)
READ_BYTES = 4096  # what the parser reads at a time: how far the depth can go between counts
_WHITESPACE = b" \t\r\n"
_DIGITS = b"0123456789"
_LONG_RUN = re.compile(rb"[0-9]{%d}" % (MAX_DIGITS + 1))
# a run longer than MAX_DIGITS covers two neighbouring bytes of every (MAX_DIGITS // 2)-th byte:
# only a chunk where two such samples are digits is searched
_SAMPLE = MAX_DIGITS // 2
_IS_DIGIT = bytes.maketrans(
    _DIGITS + bytes(range(256)).translate(None, _DIGITS), b"1" * 10 + b"0" * 246
)


class ItemTooLarge(Exception):
    """Raised from inside the parser's reads when one item grows past the limit."""


class BadShape(Exception):
    """Raised from inside the parser's reads for a shape the parser cannot take; says which."""


class _CountingReader:
    """A binary file that counts the bytes read since `mark()`, refusing more than `limit`, and
    refuses a run of digits longer than MAX_DIGITS or brackets open deeper than MAX_DEPTH."""

    def __init__(self, handle: IO[bytes], limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.since_mark = 0
        self.total = 0
        self.depth = 0  # brackets opened minus closed since the last mark (in strings too)
        self.digits = 0  # digits at the end of what was read so far

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.since_mark += len(chunk)
        self.total += len(chunk)
        if self.since_mark > self.limit:
            raise ItemTooLarge
        self._check(chunk)
        return chunk

    def _check(self, chunk: bytes) -> None:
        leading = len(chunk) - len(chunk.lstrip(_DIGITS))
        if self.digits + leading > MAX_DIGITS or (
            b"11" in chunk[::_SAMPLE].translate(_IS_DIGIT) and _LONG_RUN.search(chunk)
        ):
            raise BadShape(f"a number of more than {MAX_DIGITS:,} digits")
        trailing = len(chunk) - len(chunk.rstrip(_DIGITS))
        self.digits = self.digits + len(chunk) if trailing == len(chunk) else trailing
        opened = chunk.count(b"[") + chunk.count(b"{")
        self.depth += opened - chunk.count(b"]") - chunk.count(b"}")
        if self.depth > MAX_DEPTH:
            raise BadShape(f"arrays or objects nested more than {MAX_DEPTH:,} deep")

    def mark(self) -> None:
        self.since_mark = 0
        self.depth = 0


def _open(path: Path) -> IO[bytes]:
    try:
        if path.suffix == ".gz":
            return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
        return path.open("rb")
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _first_byte(handle: IO[bytes]) -> bytes:
    """The first byte that is not white space (b'' for an empty file); rewinds the file."""
    while True:
        chunk = handle.read(4096)
        stripped = chunk.lstrip(_WHITESPACE)
        if stripped or not chunk:
            handle.seek(0)
            return stripped[:1]


def array_items(path: Path, what: str = "item") -> Iterator[Any]:
    """The items of the JSON array at the top of `path`, one at a time.

    Numbers come as int or decimal.Decimal (their text kept exactly). Raises DataError, in
    one line, for a file that is not such an array or an item larger than MAX_ITEM_BYTES.
    """
    handle = _open(path)
    count = 0
    try:
        with handle:
            first = _first_byte(handle)
            if first != b"[":
                start = first.decode("latin-1")
                found = f"it starts with {start!r}" if first else "it is empty"
                raise DataError(f"{path}: not a JSON array of {what}s ({found})")
            reader = _CountingReader(handle, MAX_ITEM_BYTES)
            for item in ijson.items(reader, "item", use_float=False, buf_size=READ_BYTES):
                count += 1
                yield item
                reader.mark()
    except ItemTooLarge:
        raise DataError(
            f"{path}: {what} {count + 1} is larger than {MAX_ITEM_BYTES:,} bytes "
            "(a string or an object without end?); nothing was imported"
        ) from None
    except BadShape as exc:
        raise DataError(
            f"{path}: {what} {count + 1} holds {exc}, which is not read; nothing was imported"
        ) from None
    except (ijson.JSONError, UnicodeError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise DataError(
            f"{path}: not valid JSON after {count} {what}s ({reason}); nothing was imported"
        ) from None
    except (OSError, EOFError, zlib.error) as exc:  # a damaged .gz, a read failure
        raise DataError(f"{path}: cannot be read after {count} {what}s ({exc})") from None
