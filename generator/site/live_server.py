"""The HTTP side of `segboard serve`: the built site on 127.0.0.1, with pages that reload
themselves after each rebuild.

The files are served as they are, except that an HTML page gets, in the response only, a small
script before its `</body>`: it asks the server (RELOAD_PATH) to answer once a newer build than
the page's own is in place, and then reloads the page. The built site on disk is not touched.
"""

from __future__ import annotations

import functools
import http
import http.server
import io
import os
import reprlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, unquote, urlsplit

from generator.errors import UsageError

RELOAD_PATH = "/.segboard-reload"  # what a served page asks: "is there a newer build?"
WAIT_SECONDS = 25.0  # the longest an answer to it waits for a rebuild
# `seen` is the build the page came from; an error (the server stopped) is retried slowly
RELOAD_SCRIPT = (
    "<script>(function(seen){function ask(){"
    'fetch("' + RELOAD_PATH + '?since="+seen,{cache:"no-store"})'
    ".then(function(r){return r.text()})"
    ".then(function(t){if(Number(t)>seen){location.reload()}else{ask()}},"
    "function(){setTimeout(ask,2000)})}ask()})(%d);</script>"
)


class Builds:
    """How many builds have been put in place; `wait_past` waits for the next one."""

    def __init__(self) -> None:
        self._count = 0
        self._condition = threading.Condition()

    @property
    def count(self) -> int:
        with self._condition:
            return self._count

    def done(self) -> None:
        """A new build is in place."""
        with self._condition:
            self._count += 1
            self._condition.notify_all()

    def wait_past(self, seen: int, seconds: float) -> int:
        """The number of builds once it is past `seen`, or after `seconds`."""
        with self._condition:
            self._condition.wait_for(lambda: self._count > seen, seconds)
            return self._count


class SiteServer(http.server.ThreadingHTTPServer):
    builds: Builds
    say: Callable[[str], None]

    def handle_error(self, request: object, client_address: object) -> None:  # noqa: ARG002
        """A request that failed is one line through `say`, not the standard server's
        traceback; a reader who went away (a page reloaded during a long poll) is no failure."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return
        self.say(f"segboard serve: a request failed ({type(error).__name__}: {error})")


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: SiteServer

    def log_message(self, *_args: object) -> None:
        return None  # the terminal is for build messages, not one line per request

    def _asked(self) -> str | None:
        """The path of the address asked for; None (and 'not found' answered) for one that can
        name no file: unreadable as a URL ('http://[x]/'), or holding a NUL ('/%00', which the
        standard server would pass to open(), which raises ValueError)."""
        try:
            asked: str | None = urlsplit(self.path).path
        except ValueError:
            asked = None
        if asked is None or "\x00" in unquote(asked):
            self.send_error(http.HTTPStatus.NOT_FOUND, "File not found")
            return None
        return asked

    def do_GET(self) -> None:
        asked = self._asked()
        if asked == RELOAD_PATH:
            self._answer_reload()
        elif asked is not None:
            super().do_GET()

    def _answer_reload(self) -> None:
        try:
            seen = int(parse_qs(urlsplit(self.path).query).get("since", ["0"])[0])
        except ValueError:
            seen = 0
        body = str(self.server.builds.wait_past(seen, WAIT_SECONDS)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def send_head(self) -> BinaryIO | io.BytesIO | None:
        """An HTML page with the reload script; anything else as the standard server sends it."""
        asked = self._asked()
        if asked is None:
            return None
        path = self.translate_path(self.path)
        if os.path.isdir(path) and asked.endswith("/"):
            path = os.path.join(path, "index.html")
        if not path.endswith(".html") or not os.path.isfile(path):
            return super().send_head()
        try:
            page = Path(path).read_bytes()
        except OSError:
            return super().send_head()
        body = with_reload(page, self.server.builds.count)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload gets the rebuilt page
        self.end_headers()
        return io.BytesIO(body)


def with_reload(page: bytes, build: int) -> bytes:
    """The page with the reload script (of build number `build`) before its last `</body>`."""
    script = (RELOAD_SCRIPT % build).encode()
    end = page.rfind(b"</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]


def make_server(
    site_dir: Path, host: str, port: int, builds: Builds, say: Callable[[str], None]
) -> SiteServer:
    """A server of `site_dir` listening at host:port (UsageError when it cannot listen there);
    a request that fails is a line through `say`."""
    handler = functools.partial(_Handler, directory=str(site_dir))
    try:
        server = SiteServer((host, port), handler)
    except (OSError, UnicodeError, ValueError, TypeError) as exc:  # no such host, port taken
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(
            f"cannot listen at {reprlib.repr(host)} port {port} ({reason}); give --host an "
            "address of this machine (127.0.0.1) and --port a free port (0: any)"
        ) from None
    server.builds, server.say = builds, say
    return server
