"""`segboard serve`: serve the built site on 127.0.0.1 and rebuild it when a source changes."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

from generator.records.places import SITE_SOURCES, default_site_dir


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every watched file: what changes when a record is saved."""
    state: dict[str, tuple[int, int]] = {}
    for name in SITE_SOURCES:
        top = root / name
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            state[str(path)] = (info.st_size, info.st_mtime_ns)
    return state


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        return None  # the terminal is for build messages, not one line per request


def make_server(site_dir: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)


def watch(
    root: Path,
    rebuild: Callable[[], None],
    stop: threading.Event,
    interval: float = 1.0,
) -> None:
    """Call `rebuild` after the watched files change, until `stop` is set."""
    last = snapshot(root)
    while not stop.wait(interval):
        current = snapshot(root)
        if current != last:
            time.sleep(0.2)  # let an editor finish writing
            last = snapshot(root)
            rebuild()


def serve(root: Path, host: str, port: int, say: Callable[[str], None]) -> None:
    """Build the site, serve it, and rebuild it when a source changes, until interrupted.

    `say` receives one line per event (serving, rebuilt, a failed rebuild). A failed rebuild
    keeps the last good site. Ctrl-C closes the server and leaves as the KeyboardInterrupt that
    `segboard`'s main turns into exit status 130.
    """
    from generator.errors import SegboardError
    from generator.site.build import build_site

    site_dir = default_site_dir(root)
    build_site(root, site_dir)

    def rebuild() -> None:
        try:
            build_site(root, site_dir, parallel=False)  # the server's threads rule out fork
            say("rebuilt the site")
        except SegboardError as exc:
            say(f"segboard: rebuild failed, still serving the last good site: {exc}")

    server = make_server(site_dir, host, port)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop), daemon=True)
    watcher.start()
    say(f"serving {site_dir} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    finally:
        stop.set()
        server.server_close()
