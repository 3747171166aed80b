"""What loading a record file gave last time, for files that have not changed since.

Loading and schema-checking every record is most of validation, and between two builds (or two
rebuilds of `segboard serve`) few files change. A memo keeps each file's outcome (its data,
number texts and problems) under the file's status: size, modification and change times, inode
and device. A file whose status is the same is not read again.

Status can miss a change that keeps the size and lands within the file system's clock tick of
the previous write, so files changed in the last `SETTLE_NANOSECONDS` are never kept (as Git
does with racily clean files). The memo is filed under the code's fingerprint and the schemas'
digest: other code or other schemas start from an empty memo. It is signed with the machine's
key (fingerprint.machine_key) and read only when the signature holds, so a memo that came with
a repository is never unpickled. A memo that cannot be read is ignored; one that cannot be
written is skipped: it only ever saves time.

A process that loads again and again (`segboard serve`) also keeps, in memory, what the last
load found: the record files, their statuses, and what was built from each (`Listing`). When
the file watcher can say which record files were changed in place, and that nothing else under
data/ was created, removed or moved, the next load lists and stats only those files.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.atomic_files import write_atomic_bytes
from generator.errors import UsageError
from generator.fingerprint import code_fingerprint, machine_key
from generator.problems import Problem
from generator.records.places import RecordFile, discover

SETTLE_NANOSECONDS = 2_000_000_000
Status = tuple[int, int, int, int, int]


def file_status(path: Path) -> Status | None:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


@dataclass
class Listing:
    """What the last load found under data/: the record files, the problems of discovery (files
    where no record can be), each file's status then, and what was built from each file's
    outcome (path -> (outcome, record)), so an unchanged file's record object is used again."""

    files: list[RecordFile]
    problems: list[Problem]
    statuses: list[Status | None]
    built: dict[Path, tuple[Any, Any]] = field(default_factory=dict)

    def holds(self, root: Path) -> bool:
        """Whether data/ still holds these files in these states (a full listing, with every
        file's status: what a rebuild from file events checks afterwards, in case events were
        lost)."""
        files, problems = discover(root)
        return (
            files == self.files
            and problems == self.problems
            and [file_status(record.path) for record in files] == self.statuses
        )


class LoadMemo:
    """Outcomes of loading record files, by path, each valid while the file's status holds."""

    def __init__(self, store: Path | None = None, schemas: list[Path] | None = None) -> None:
        self.store = store  # None: kept in memory only
        self.key = _key(schemas or [])
        self.entries: dict[str, tuple[Status, Any]] = {}
        self.changed = False
        self.listing: Listing | None = None  # what the last load found (in memory only)
        self._changed_files: set[Path] | None = None
        if store is not None:
            self._read(store)

    def only_changed(self, paths: set[Path] | None) -> None:
        """Tell the next load that, since the last one, only these record files changed, in
        place (None: unknown, list everything). The next load trusts the last listing for the
        rest; a path the listing does not hold makes it list everything."""
        self._changed_files = paths

    def reusable_listing(self) -> Listing | None:
        """For the next load: the last listing with the changed files' statuses taken again,
        if the caller said which files changed (`only_changed`) and the listing has them all."""
        changed, self._changed_files = self._changed_files, None
        listing = self.listing
        if changed is None or listing is None:
            return None
        places = {record.path: index for index, record in enumerate(listing.files)}
        if not changed <= places.keys():
            return None
        statuses = list(listing.statuses)
        for path in changed:
            statuses[places[path]] = file_status(path)
        return Listing(listing.files, listing.problems, statuses, listing.built)

    def use_schemas(self, schemas: list[Path]) -> None:
        """For a memo kept in memory across builds: the schemas may have changed since, and
        outcomes checked against others are forgotten."""
        key = _key(schemas)
        if key != self.key:
            self.key, self.entries, self.changed = key, {}, True

    def get(self, path: Path, status: Status | None) -> Any | None:
        """The outcome kept for `path`, if the file's status is the one it was kept with."""
        if status is None:
            return None
        kept = self.entries.get(str(path))
        return kept[1] if kept is not None and kept[0] == status else None

    def put(self, path: Path, status: Status | None, outcome: Any) -> None:
        if status is None or status[2] > time.time_ns() - SETTLE_NANOSECONDS:
            self.entries.pop(str(path), None)  # too fresh to be trusted next time
            return
        self.entries[str(path)] = (status, outcome)
        self.changed = True

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that no longer exist, so the memo does not grow without end."""
        gone = self.entries.keys() - paths
        for name in gone:
            del self.entries[name]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        key = machine_key()
        if self.store is None or not self.changed or key is None:
            return
        data = pickle.dumps((self.key, self.entries), protocol=pickle.HIGHEST_PROTOCOL)
        try:  # signed: only what this machine's builds wrote is ever unpickled
            write_atomic_bytes(self.store, hmac.new(key, data, hashlib.sha256).digest() + data)
        except UsageError:
            return  # a memo is only ever a saving of time
        self.changed = False

    def _read(self, store: Path) -> None:
        machine = machine_key()
        if machine is None:
            return
        size = hashlib.sha256().digest_size
        try:
            raw = store.read_bytes()
            mac, data = raw[:size], raw[size:]
            if not hmac.compare_digest(mac, hmac.new(machine, data, hashlib.sha256).digest()):
                return  # not written by this machine's builds: never unpickled
            key, entries = pickle.loads(data)  # signed by this machine's builds
        except Exception:  # a damaged memo, of any kind, is just not used
            return
        if key == self.key and isinstance(entries, dict):
            self.entries = entries


def _key(schemas: list[Path]) -> str:
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in schemas:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"-")
    return digest.hexdigest()
