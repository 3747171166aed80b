"""`segboard serve`: serve the built site on 127.0.0.1 and rebuild it when a source changes.

Changes are noticed through the operating system's file events (watchdog: inotify on Linux,
FSEvents on macOS), falling back to polling where events are not available. A rebuild reuses
what the previous build kept (site/reuse.py), so after one changed record it re-renders only
what that record touches. When the events say that only record files were changed in place,
the rebuild reads just those (records/memo.py, `Listing`); once the rebuild is served and no
change has come for a moment, the whole of data/ is listed again, and a difference the events
missed (the system drops events when too many come at once) makes another rebuild.
"""

from __future__ import annotations

import gc
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.records.places import SITE_SOURCES, data_dir, default_site_dir, unread
from generator.site.live_server import Builds, SiteServer, make_server

# what counts as a change (the build opens and reads every record: those events are not asked
# for, so the system does not even report them)
CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})
IN_PLACE = frozenset({"modified", "closed"})  # a file's content changed, where it was
IDLE_SECONDS = 0.5  # no change for this long after a rebuild: time to tidy memory
QUIET_SECONDS = 0.05  # a save often comes as several events: rebuild once they stop


class SourceWatch:
    """Sets `changed` when a source of the site (SITE_SOURCES) is created, changed or removed,
    and notes which record files under data/ were changed in place (`take`)."""

    def __init__(self, root: Path) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        # watching a folder that was moved away and back, watchdog warns that it watched it
        # before: not the reader's concern (the terminal is for build messages)
        warnings.filterwarnings("ignore", "Callback with id", RuntimeWarning, r"watchdog\.")
        self.root = root
        self.changed = threading.Event()
        self._lock = threading.Lock()
        self._edited: set[Path] | None = set()  # None: something else happened under data/
        names = {root / name for name in SITE_SOURCES}
        watch = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.event_type not in CHANGES:
                    return
                paths = [Path(str(p)) for p in (event.src_path, getattr(event, "dest_path", ""))]
                paths = [p for p in paths if str(p) not in ("", ".") and watch._read(p, names)]
                if paths:
                    watch._note(paths, event.event_type in IN_PLACE and not event.is_directory)
                    watch.changed.set()

        try:
            self.observer = Observer()
            self._schedule(Handler())
            self.observer.start()
        except OSError:  # no file events here (inotify's limits, say): poll instead
            self.observer = PollingObserver(timeout=0.5)
            self._schedule(Handler())
            self.observer.start()

    def _note(self, paths: list[Path], in_place: bool) -> None:
        data = data_dir(self.root)
        with self._lock:
            for path in paths:
                if path != data and data not in path.parents:
                    continue  # the schemas, docs, settings: they do not change what data/ holds
                if in_place and self._edited is not None:
                    self._edited.add(path)
                else:
                    self._edited = None

    def take(self) -> set[Path] | None:
        """The files under data/ changed in place since the last `take`, or None when others
        were created, removed or moved there too (then everything is to be listed again)."""
        with self._lock:
            edited, self._edited = self._edited, set()
        return edited

    def give_back(self, edited: set[Path] | None) -> None:
        """What `take` gave, for a rebuild that did not get as far as reading the records."""
        with self._lock:
            if edited is None or self._edited is None:
                self._edited = None
            else:
                self._edited |= edited

    def missed(self) -> None:
        """Changes the events did not report were found: rebuild, listing everything."""
        with self._lock:
            self._edited = None
        self.changed.set()

    def _schedule(self, handler: Any) -> None:
        from watchdog import events

        kinds = [
            events.FileCreatedEvent, events.DirCreatedEvent, events.FileDeletedEvent,
            events.DirDeletedEvent, events.FileModifiedEvent, events.FileMovedEvent,
            events.DirMovedEvent, events.FileClosedEvent,
        ]  # fmt: skip
        self.observer.schedule(handler, str(self.root), event_filter=kinds)  # the top's files
        for name in SITE_SOURCES:
            folder = self.root / name
            if folder.is_dir():
                self.observer.schedule(handler, str(folder), recursive=True, event_filter=kinds)

    @staticmethod
    def _read(path: Path, names: set[Path]) -> bool:
        """Whether `path` is a source of the site, or in one and not passed over by the build
        (places.unread: an editor's swap file, say, is no reason to rebuild)."""
        return any(
            path == name or (name in path.parents and not unread(path.relative_to(name)))
            for name in names
        )

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


def watch(
    changes: SourceWatch,
    rebuild: Callable[[], None],
    stop: threading.Event,
    idle: Callable[[], None] = lambda: None,
) -> None:
    """Call `rebuild` once the sources have changed and the changes have stopped coming,
    until `stop` is set; `idle` once after each rebuild, when no change has come for
    IDLE_SECONDS (work that would hold up the server's answers if done at once)."""
    pending = False
    while not stop.is_set():
        if not changes.changed.wait(IDLE_SECONDS):
            if pending:
                idle()
                pending = False
            continue
        while changes.changed.wait(QUIET_SECONDS):  # let an editor finish writing
            changes.changed.clear()
            if stop.is_set():
                return
        rebuild()
        pending = True


def _settle_memory() -> None:
    """Between builds, once the site is served: collect what the build left, then freeze what
    stays (what is kept for the next build), so that the collector's runs during the next
    build do not walk it again and again. Unfrozen first: nothing stays frozen for good.
    A full collection holds the interpreter for a fifth of a second at 10,000 records, and
    the server's threads with it, so it waits until a rebuilt page has had time to be read."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serve(root: Path, host: str, port: int, say: Callable[[str], None]) -> None:
    """Build the site, serve it, and rebuild it when a source changes, until interrupted.

    `say` receives one line per event (serving, rebuilt, a failed rebuild). A failed rebuild
    keeps the last good site; the pages open in a browser reload themselves after a rebuild
    (live_server.py). Ctrl-C closes the server and leaves as the KeyboardInterrupt that
    `segboard`'s main turns into exit status 130.
    """
    site_dir = default_site_dir(root)
    # first: an address it cannot use is said at once
    server = make_server(site_dir, host, port, Builds(), say)
    try:
        _serve(root, site_dir, server, host, say)
    finally:
        server.server_close()
        gc.unfreeze()  # what _settle_memory froze, for a caller that goes on (a test)


class Rebuilds:
    """The builds of a serving process and what they keep between them: the records' memo (also
    saved in build/cache) and the leaderboards, in memory. `served` counts the builds put in
    place, for the pages that wait for the next one."""

    def __init__(
        self, root: Path, site_dir: Path, say: Callable[[str], None], served: Builds | None = None
    ) -> None:
        from generator.site.build import records_memo
        from generator.site.reuse import BoardMemo

        self.root, self.site_dir, self.say = root, site_dir, say
        self.records, self.boards = records_memo(root), BoardMemo()
        self.served = served or Builds()

    def first(self) -> None:
        """The first build: before the server's threads start, so it may fork."""
        from generator.site.build import build_site

        build_site(self.root, self.site_dir, records=self.records, boards=self.boards)
        _settle_memory()

    def rebuild(self, changes: SourceWatch) -> None:
        """Build again after `changes`; a failed build is said, and the last good site stays."""
        import time

        from generator.errors import SegboardError
        from generator.site.build import build_site

        started, listed = time.perf_counter(), self.records.listing
        edited = changes.take()
        self.records.only_changed(edited)
        try:  # the server's threads rule out fork
            build_site(
                self.root, self.site_dir, parallel=False, records=self.records, boards=self.boards
            )
            self.say(f"rebuilt the site in {time.perf_counter() - started:.2f} s")
            self.served.done()  # the open pages reload
        except SegboardError as exc:
            self.say(f"segboard: rebuild failed, still serving the last good site: {exc}")
        finally:
            if self.records.listing is listed:  # failed before the records were read
                changes.give_back(edited)

    def check(self, changes: SourceWatch) -> None:
        """List data/ in full: a change the file events did not report makes a rebuild."""
        listing = self.records.listing
        if listing is not None and not listing.holds(self.root):
            changes.missed()


def _serve(
    root: Path,
    site_dir: Path,
    server: SiteServer,
    host: str,
    say: Callable[[str], None],
) -> None:
    builds = Rebuilds(root, site_dir, say, server.builds)
    builds.first()
    changes = SourceWatch(root)
    builds.check(changes)  # what changed while the first build ran, before the watch began

    def idle() -> None:
        builds.check(changes)
        _settle_memory()

    stop = threading.Event()
    watcher = threading.Thread(
        target=watch, args=(changes, lambda: builds.rebuild(changes), stop, idle), daemon=True
    )
    watcher.start()
    say(f"serving {site_dir} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    finally:
        stop.set()
        changes.stop()
