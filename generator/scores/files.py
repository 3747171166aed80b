"""Opening the files a pull request may bring (label maps, evidence) without trusting them.

Only regular files are read (generator.reading opens them without blocking and checks the open
descriptor). Reading whole files is bounded by a size limit that is checked before the first
byte is read. A label map's PNG signature and IHDR size are read
here too, before any image decoder sees the file.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from generator import reading

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_OTHER_FORMATS = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"RIFF", "RIFF (WebP)"),
)


class RefusedFile(Exception):
    """A file that is not read: not a regular file, too large, or unreadable (message: why)."""


def open_regular(path: Path) -> BinaryIO:
    """The regular file at `path` (a link the user gave is followed), open for reading;
    RefusedFile for anything else (generator.reading does the checking)."""
    try:
        return reading.open_regular(path, follow_links=True)
    except reading.UnreadableInput as exc:
        reason = f"it is {exc.reason}" if exc.reason.startswith("a ") else exc.reason
        raise RefusedFile(reason) from None


def read_bounded(path: Path, limit: int, what: str = "files") -> bytes:
    """The whole content of the regular file at `path`, refused when larger than `limit` bytes:
    by its size before reading, and by what was read if it grew meanwhile. `what` names the
    files in the message ('evidence files are limited to ...')."""
    with open_regular(path) as file:
        try:
            size = os.fstat(file.fileno()).st_size
            if size > limit:
                raise RefusedFile(f"it is {size:,} bytes; {what} are limited to {limit:,}")
            data = file.read(limit + 1)
        except OSError as exc:
            raise RefusedFile(f"it cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise RefusedFile(f"it is more than {limit:,} bytes; {what} are limited to {limit:,}")
    return data


def png_size(head: bytes) -> tuple[int, int]:
    """(width, height) from the first 24 bytes of a PNG file (its signature and IHDR chunk),
    read before any decoder sees the file; RefusedFile when they are not a PNG's."""
    if not head.startswith(PNG_SIGNATURE):
        if head and PNG_SIGNATURE.startswith(head):
            raise RefusedFile(f"not a readable PNG (corrupt or truncated: {len(head)} bytes)")
        raise RefusedFile(f"not a PNG: {_what_it_holds(head)}")
    if len(head) < 24 or head[12:16] != b"IHDR":
        raise RefusedFile("not a readable PNG (corrupt or truncated: no IHDR chunk first)")
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def _what_it_holds(head: bytes) -> str:
    if not head:
        return "the file is empty"
    for signature, name in _OTHER_FORMATS:
        if head.startswith(signature):
            return f"it holds {name} data (label maps must be PNG files)"
    return "it does not start with the PNG signature"
