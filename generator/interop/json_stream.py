"""Reading the items of a large top-level JSON array one at a time, in bounded memory.

The Papers with Code archive (`evaluation-tables.json`, hundreds of MB) is a JSON array of task
objects. `array_items` yields them one by one with ijson (its C backend, yajl2_c, where the
platform has a wheel): only the item being read is held in memory, never the whole file. An item
itself is built whole, so one item's size is the bound; `MAX_ITEM_BYTES` caps it, counted as the
bytes read from the file since the previous item, so a file of one endless string or one giant
object is refused before it fills the memory. A `.gz` file is decompressed as it is read.

Every way the input can be wrong ends in one line (DataError, exit status 1): a file that is not
JSON, ends early, or has no array at its top.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from generator.errors import DataError, UsageError

MAX_ITEM_BYTES = 64 * 2**20  # one task of the real archive is at most a few MB
_WHITESPACE = b" \t\r\n"


class ItemTooLarge(Exception):
    """Raised from inside the parser's reads when one item grows past the limit."""


class _CountingReader:
    """A binary file that counts the bytes read since `mark()`, refusing more than `limit`."""

    def __init__(self, handle: IO[bytes], limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.since_mark = 0
        self.total = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.since_mark += len(chunk)
        self.total += len(chunk)
        if self.since_mark > self.limit:
            raise ItemTooLarge
        return chunk

    def mark(self) -> None:
        self.since_mark = 0


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
            for item in ijson.items(reader, "item", use_float=False):
                count += 1
                yield item
                reader.mark()
    except ItemTooLarge:
        raise DataError(
            f"{path}: {what} {count + 1} is larger than {MAX_ITEM_BYTES:,} bytes "
            "(a string or an object without end?); nothing was imported"
        ) from None
    except (ijson.JSONError, UnicodeError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise DataError(
            f"{path}: not valid JSON after {count} {what}s ({reason}); nothing was imported"
        ) from None
    except (OSError, EOFError, zlib.error) as exc:  # a damaged .gz, a read failure
        raise DataError(f"{path}: cannot be read after {count} {what}s ({exc})") from None
