"""Reading input files safely: regular files only, at most a given number of bytes.

A record, a model card or a seed table may be named by a stranger's pull request, so a path is
opened without blocking and without following a final symbolic link, the open file is checked
(a FIFO, a device or a folder is refused before anything is read), and its size is taken from the
open file, not from an earlier look at the path. Nothing here decodes what it reads.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class UnreadableInput(OSError):
    """The file cannot be used as input; `reason` says why in a few words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def real_path(path: Path) -> Path:
    """`path` made absolute with its symbolic links followed (Path.resolve), or only made
    absolute when a link on the way loops, which resolve() reports with an exception; opening
    such a path then fails, and says so, where the file is read."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def leads_out(path: Path, folder: Path) -> bool:
    """Whether `path`, named below `folder`, is outside it once links are followed: a file
    reached through a link that a stranger's folder (or pull request) can hold."""
    base, target = real_path(folder), real_path(path)
    return target != base and base not in target.parents


LEADS_OUT = "a link leads it out of the folder given; it is not read"


def kind_of(mode: int) -> str:
    """What a file that is not a regular one is: 'a folder', 'a named pipe (FIFO)', ..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path, follow_links: bool = False) -> BinaryIO:
    """The file opened for reading, when it is a regular file (checked on the open file).

    Raises UnreadableInput (an OSError) saying what is wrong: missing, a link (unless
    `follow_links`), or not a regular file. Opening never blocks, even on a FIFO.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if not follow_links and path.is_symlink():
            raise UnreadableInput(path, "a symbolic link; input files must be real files") from None
        raise UnreadableInput(path, f"cannot be read ({exc.strerror})") from None
    try:  # checked before a file object is made: making one of a folder raises
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableInput(path, f"{kind_of(mode)}, not a regular file")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_bytes(path: Path, max_bytes: int, follow_links: bool = False) -> bytes:
    """The whole file, when it is a regular file of at most `max_bytes` bytes (else
    UnreadableInput, with the size when it is too large)."""
    with open_regular(path, follow_links) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise UnreadableInput(
                path, f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes"
            )
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:  # a device or a file system that fails the read
            raise UnreadableInput(path, f"cannot be read ({exc.strerror})") from None
    if len(data) > max_bytes:  # it grew while being read
        raise UnreadableInput(path, f"the file is over the limit of {max_bytes:,} bytes")
    return data


def read_text(path: Path, max_bytes: int, follow_links: bool = False) -> str:
    """The file as UTF-8 text (a leading byte-order mark dropped), read as by `read_bytes`."""
    data = read_bytes(path, max_bytes, follow_links)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(path, f"not UTF-8 text (byte {exc.start})") from None
