"""`segboard links` against a real HTTP server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from generator.contrib import linkfetch
from generator.contrib.links import LinkConfig, offline_problem

from .conftest import run_segboard, run_segboard_process

LOCAL_ONLY = '[tool.segboard.links]\nignore = ["^https?://(?!127\\\\.0\\\\.0\\\\.1)"]\n'
HUGE = 10_000_000_000  # the Content-Length of /huge: 10 GB, never to be read
REDIRECTS_TO = {
    "/to-javascript": "javascript:alert(1)",
    "/to-data": "data:text/html,<script>alert(1)</script>",
    "/to-ftp": "ftp://127.0.0.1/file",
    "/to-bad-port": "http://127.0.0.1:99999/",
    "/to-no-host": "http:///x",
}


class Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[Counter] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()
    sent: ClassVar[Counter] = Counter()  # bytes written by the hostile paths
    hung_up: ClassVar[Counter] = Counter()  # times the client closed a hostile answer early

    def log_message(self, *_args: object) -> None:
        return None

    def _answer(self, method: str) -> None:
        with self.lock:
            self.requests[(method, self.path)] += 1
            seen = self.requests[("HEAD", self.path)] + self.requests[("GET", self.path)]
        path = self.path
        if path == "/moved":
            self._send(301, {"Location": "/ok"})
        elif path == "/temp":
            self._send(302, {"Location": "/ok"})
        elif path == "/missing":
            self._send(404)
        elif path == "/gone":
            self._send(410)
        elif path == "/busy":
            self._send(429, {"Retry-After": "1"}) if seen == 1 else self._send(200)
        elif path == "/error":
            self._send(500)
        elif path == "/nohead":
            self._send(405 if method == "HEAD" else 200)
        elif path == "/slow":
            time.sleep(3)
            self._send(200)
        elif path.startswith("/delay/"):
            time.sleep(0.1)
            self._send(200)
        elif path in REDIRECTS_TO:
            self._send(302, {"Location": REDIRECTS_TO[path]})
        elif path == "/always-busy":
            self._send(429, {"Retry-After": "1"})
        elif path.startswith("/retry-after/"):  # 429 once, with the rest of the path as header
            self._send(429, {"Retry-After": path.split("/", 2)[2]}) if seen == 1 else self._send(
                200
            )
        elif path in ("/huge", "/slow-headers", "/huge-headers"):
            self._hostile(method)
        else:
            self._send(200)

    def _hostile(self, method: str) -> None:
        """Answers no client should read to the end; each stops when the client hangs up, or
        after a few seconds at most, so no thread outlives its test for long."""
        self.close_connection = True
        if self.path == "/huge" and method == "HEAD":
            return self._send(405)
        stop = time.monotonic() + 8
        try:
            if self.path == "/huge":  # 10 GB announced, sent slowly for as long as it is read
                self._write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % HUGE)
                while time.monotonic() < stop:
                    self._write(b"x" * 65536)
                    time.sleep(0.01)
            elif self.path == "/slow-headers":  # one byte every 0.3 s, headers never finished
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                    self._write(bytes([byte]))
                    time.sleep(0.3)
                    if time.monotonic() > stop:
                        break
            else:  # 3000 headers, about 200 KB
                filler = "".join(f"X-Filler-{n}: {'y' * 60}\r\n" for n in range(3000))
                self._write(f"HTTP/1.1 200 OK\r\n{filler}Content-Length: 0\r\n\r\n".encode())
        except OSError:
            with self.lock:
                self.hung_up[self.path] += 1

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        with self.lock:
            self.sent[self.path] += len(data)

    def _send(self, code: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # the checker opens many connections at once; 5 would drop some
    daemon_threads = True
    block_on_close = False  # closing does not wait for a hostile answer still being sent


@pytest.fixture
def server() -> Iterator[str]:
    Handler.requests, Handler.sent, Handler.hung_up = Counter(), Counter(), Counter()
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


PATHS = ["ok", "moved", "temp", "missing", "gone", "busy", "error", "nohead", "slow"]


@pytest.fixture
def link_repo(repo: Path, server: str) -> Path:
    (repo / "pyproject.toml").write_text(
        LOCAL_ONLY + "timeout = 2.0\nretries = 2\nbackoff = 0.05\n"
    )
    page = repo / "docs" / "en" / "links.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Links\n\n" + "".join(f"- [{p}]({server}/{p})\n" for p in PATHS))
    return repo


def lines_for(stdout: str) -> dict[str, str]:
    return {line.split(": ", 3)[2].rsplit("/", 1)[1]: line for line in stdout.splitlines()}


def test_every_kind_of_answer(link_repo: Path, server: str) -> None:
    completed = run_segboard("links", cwd=link_repo)
    assert completed.returncode == 1, completed.stderr
    found = lines_for(completed.stdout)
    assert sorted(found) == ["error", "gone", "missing", "moved", "slow"]
    assert found["missing"] == f"docs/en/links.md:6:13: error: {server}/missing: HTTP 404 [link]"
    assert found["gone"].endswith("HTTP 410 [link]")
    assert found["error"].endswith("HTTP 500 [link]")
    assert found["slow"].endswith("no answer within 2 s [link]")
    assert found["moved"] == (
        f"docs/en/links.md:4:11: warning: {server}/moved: permanently redirected to {server}/ok; "
        "link that instead [link]"
    )
    assert Handler.requests[("GET", "/nohead")] == 1  # HEAD was refused, GET worked
    assert Handler.requests[("HEAD", "/busy")] == 2  # 429, waited for Retry-After, then 200
    assert Handler.requests[("HEAD", "/error")] == 3 and Handler.requests[("GET", "/error")] == 3
    assert "4 ok, 4 broken, 1 warnings" in completed.stderr  # plus the ignored external links


def test_good_answers_are_cached(link_repo: Path) -> None:
    run_segboard("links", cwd=link_repo)
    before = Handler.requests[("HEAD", "/ok")]
    run_segboard("links", cwd=link_repo)
    assert Handler.requests[("HEAD", "/ok")] == before  # answered from the cache
    assert Handler.requests[("HEAD", "/missing")] == 2  # broken links are checked again
    cache = json.loads((link_repo / ".segboard/links-cache.json").read_text())
    assert any(url.endswith("/ok") for url in cache)


def test_only_warnings_exit_0(repo: Path, server: str) -> None:
    (repo / "pyproject.toml").write_text(LOCAL_ONLY)
    (repo / "docs").mkdir()
    (repo / "docs/links.md").write_text(f"See {server}/moved and {server}/temp.\n")
    completed = run_segboard("links", cwd=repo)
    assert completed.returncode == 0
    assert "warning" in completed.stdout and "/temp" not in completed.stdout


def test_offline_checks_form_without_requests(repo: Path, server: str) -> None:
    (repo / "docs").mkdir()
    (repo / "docs/links.md").write_text(
        f"{server}/missing\nhttps://arxiv.org/abs/1612.01105\nhttps://arxiv.org/abs/16120.1105\n"
    )
    completed = run_segboard("links", "--offline", cwd=repo)
    assert completed.returncode == 1
    assert completed.stdout.strip() == (
        "docs/links.md:3:1: error: https://arxiv.org/abs/16120.1105: '16120.1105' is not a valid "
        "arXiv identifier [link]"
    )
    assert sum(Handler.requests.values()) == 0


def test_record_urls_point_at_their_line(repo: Path) -> None:
    record = repo / "data/results/cityscapes/test/pspnet-resnet-101.yaml"
    record.write_text(record.read_text().replace(
        "url: https://drive.google.com/file/d/", "url: https://drive google.com/file/d/"
    ))  # fmt: skip
    completed = run_segboard("links", "--offline", "--format", "github", cwd=repo)
    assert completed.stdout.startswith(
        "::error file=data/results/cityscapes/test/pspnet-resnet-101.yaml,line=11,col=5,"
        "title=link::https://drive google.com/"
    )


def test_a_large_built_page_is_read_as_the_site_checks_read_it(repo: Path) -> None:
    """A leaderboard of a few thousand rows makes a page of several MB: the URL collector reads
    it as the site's link check does (one limit for built pages, SITE_PAGE_BYTES)."""
    from generator.contrib.links import MAX_PAGE_BYTES, SITE_PAGE_BYTES, collect

    site = repo / "site"
    site.mkdir()
    row = '<tr><td><a href="https://example.org/paper">paper</a></td></tr>\n'
    page = site / "index.html"
    page.write_text(row * (MAX_PAGE_BYTES // len(row) + 1000), encoding="utf-8")
    assert MAX_PAGE_BYTES < page.stat().st_size < SITE_PAGE_BYTES
    found = collect(repo, site)
    assert len(found["https://example.org/paper"]) > MAX_PAGE_BYTES // len(row)


def test_records_validation_loaded_are_not_read_again(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`segboard check` gives the link collector the records validation loaded: the same URLs
    at the same places, and only the records validation could not load are read again."""
    from generator.contrib import links
    from generator.contrib.check import _documents
    from generator.records.validation import validate_repository

    broken = repo / "data/results/cityscapes/test/broken.yaml"
    broken.write_text("model: [https://example.org/unclosed\n")  # loads as nothing
    expected = links.collect(repo)
    report = validate_repository(repo)
    read: list[Path] = []
    real = links.load_file
    monkeypatch.setattr(links, "load_file", lambda path: read.append(path) or real(path))
    assert links.collect(repo, loaded=_documents(report.catalog)) == expected
    assert read == [broken]


def test_changed_since_limits_the_check(link_repo: Path, server: str) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=link_repo, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start")
    (link_repo / "docs/new.md").write_text(f"{server}/gone\n")
    git("add", "docs/new.md")
    completed = run_segboard("links", "--changed-since", "HEAD", cwd=link_repo)
    assert completed.returncode == 1
    assert list(lines_for(completed.stdout)) == ["gone"]
    assert Handler.requests[("HEAD", "/missing")] == 0


def test_changed_since_includes_new_untracked_files(link_repo: Path, server: str) -> None:
    """A file not yet added to git is as new as a changed one; an ignored file is not."""

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=link_repo, check=True, capture_output=True)

    (link_repo / ".gitignore").write_text("docs/scratch.md\n")
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start")
    (link_repo / "docs/new.md").write_text(f"{server}/gone\n")  # never `git add`ed
    (link_repo / "docs/scratch.md").write_text(f"{server}/missing\n")  # ignored
    completed = run_segboard("links", "--changed-since", "HEAD", cwd=link_repo)
    assert completed.returncode == 1
    assert list(lines_for(completed.stdout)) == ["gone"]
    assert Handler.requests[("HEAD", "/missing")] == 0


def test_json_format(link_repo: Path, server: str) -> None:
    completed = run_segboard("links", "--format", "json", cwd=link_repo)
    problems = json.loads(completed.stdout)  # one finding per place a broken or moved URL stands
    [moved] = [p for p in problems if p["message"].startswith(f"{server}/moved: ")]
    assert moved["severity"] == "warning" and f"redirected to {server}/ok;" in moved["message"]
    assert (moved["path"], moved["line"], moved["column"]) == ("docs/en/links.md", 4, 11)
    assert moved["rule"] == "link"


def test_accepted_statuses_and_ignored_urls(link_repo: Path, server: str) -> None:
    (link_repo / "pyproject.toml").write_text(
        LOCAL_ONLY.replace('"]\n', f'", "{server}/error"]\n')
        + "accept = [404, 410]\ntimeout = 2.0\n"
        "retries = 0\n"
    )
    completed = run_segboard("links", cwd=link_repo)
    found = lines_for(completed.stdout)
    assert "missing" not in found and "gone" not in found  # accepted statuses
    assert "error" not in found  # ignored: never fetched
    assert Handler.requests[("HEAD", "/error")] == 0


# --- hostile servers: every link gets a report, the run always completes ----------------------

FINDING = re.compile(r"^\S+:\d+:\d+: (?:error|warning): (\S+): (.*) \[link\]$")
HOSTILE = [*REDIRECTS_TO, "/huge", "/slow-headers", "/huge-headers", "/always-busy"]


def hostile_repo(repo: Path, server: str, paths: list[str], settings: str = "") -> Path:
    (repo / "pyproject.toml").write_text(LOCAL_ONLY + "timeout = 1.0\ndeadline = 2.0\n" + settings)
    page = repo / "docs" / "links.md"
    page.parent.mkdir(exist_ok=True)
    page.write_text("".join(f"- {p if p.startswith('http') else server + p}\n" for p in paths))
    return repo


def findings(stdout: str, server: str) -> dict[str, str]:
    """URL (the server's path when it is on the test server) -> its message."""
    found = {}
    for line in stdout.splitlines():
        match = FINDING.match(line)
        assert match, line
        found[match.group(1).removeprefix(server)] = match.group(2)
    return found


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    stop = time.monotonic() + seconds
    while not condition() and time.monotonic() < stop:
        time.sleep(0.02)
    return condition()


def test_a_huge_body_is_never_read(repo: Path, server: str) -> None:
    hostile_repo(repo, server, ["/huge", "/ok"])
    tracemalloc.start()
    start = time.monotonic()
    try:
        completed = run_segboard("links", cwd=repo)
        elapsed = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert completed.returncode == 0, completed.stdout  # the GET answered 200: the link works
    assert "2 ok, 0 broken, 0 warnings" in completed.stderr
    assert Handler.requests[("HEAD", "/huge")] == 1 and Handler.requests[("GET", "/huge")] == 1
    assert elapsed < 2.0  # the server would send for 8 s more
    assert wait_until(lambda: Handler.hung_up["/huge"] == 1, 2.0)  # the checker hung up
    assert Handler.sent["/huge"] < HUGE / 1000
    assert peak < 30_000_000


def test_headers_that_never_end_meet_the_deadline(repo: Path, server: str) -> None:
    hostile_repo(repo, server, ["/slow-headers", "/ok"])
    start = time.monotonic()
    completed = run_segboard("links", cwd=repo)
    elapsed = time.monotonic() - start
    assert completed.returncode == 1
    assert findings(completed.stdout, server) == {
        "/slow-headers": "no complete answer within 2 s"
    }  # the timeout of 1 s per read never fires: a byte comes every 0.3 s
    assert "1 ok, 1 broken, 0 warnings" in completed.stderr
    assert 2.0 <= elapsed < 4.0  # the deadline, plus a margin for a loaded machine
    assert wait_until(lambda: Handler.hung_up["/slow-headers"] == 1, 2.0)


def test_redirects_that_cannot_be_followed_are_broken(repo: Path, server: str) -> None:
    hostile_repo(repo, server, [*REDIRECTS_TO, "/temp", "http://127.0.0.1:99999/x"])
    completed = run_segboard("links", cwd=repo)
    assert completed.returncode == 1
    assert findings(completed.stdout, server) == {
        "/to-javascript": "redirects to a javascript: URL (javascript:alert(1))",
        "/to-data": "redirects to a data: URL (data:text/html,<script>alert(1)</script>)",
        "/to-ftp": "redirects to a ftp: URL (ftp://127.0.0.1/file)",
        "/to-bad-port": "redirects to http://127.0.0.1:99999/: '99999' is not a port (0 to 65535)",
        "/to-no-host": "redirects to a URL without a host (http:///x)",
        "http://127.0.0.1:99999/x": "'99999' is not a port (0 to 65535)",
    }
    assert "1 ok, 6 broken, 0 warnings" in completed.stderr  # /temp -> /ok
    assert Handler.requests[("HEAD", "/x")] == 0  # http:///x was not read as this host's /x


def test_headers_beyond_the_cap_are_refused(repo: Path, server: str) -> None:
    hostile_repo(repo, server, ["/huge-headers", "/ok"])
    completed = run_segboard("links", cwd=repo)
    assert completed.returncode == 1
    message = findings(completed.stdout, server)["/huge-headers"]
    assert message.startswith("request failed: RemoteProtocolError: ")


@pytest.mark.parametrize("value", ["999999", "-5", "garbage"])
def test_retry_after_waits_no_longer_than_the_cap(repo: Path, server: str, value: str) -> None:
    hostile_repo(repo, server, [f"/retry-after/{value}"], "max_retry_after = 0.3\nbackoff = 0.05\n")
    start = time.monotonic()
    completed = run_segboard("links", cwd=repo)
    assert completed.returncode == 0 and "1 ok" in completed.stderr
    assert Handler.requests[("HEAD", f"/retry-after/{value}")] == 2  # 429, a short wait, 200
    assert time.monotonic() - start < 1.5


def test_retry_after_values_are_bounded() -> None:
    config = LinkConfig(max_retry_after=2.0)
    future = "Fri, 31 Dec 9999 23:59:59 GMT"
    for value in ["999999", "9" * 400, future, "-5", "garbage", "²", "1e9", "", None]:
        wait = linkfetch.retry_after(value, config)
        assert wait is None or 0.0 <= wait <= 2.0, value
    assert linkfetch.retry_after("1", config) == 1.0
    assert linkfetch.backoff(10_000, LinkConfig(backoff=1.0, max_retry_after=3.0)) == 3.0


def test_invalid_url_forms_are_found_offline() -> None:
    assert offline_problem("http://127.0.0.1:99999/") == "'99999' is not a port (0 to 65535)"
    assert offline_problem("https://example.org:http/") == "'http' is not a port (0 to 65535)"
    assert offline_problem("http://[::1/x") == "the URL cannot be read: Invalid IPv6 URL"
    assert offline_problem("https://example.org:8443/x") is None


def test_an_unexpected_error_breaks_one_link_only(
    repo: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    send = linkfetch.Checker._send

    async def failing(
        self: linkfetch.Checker, method: str, url: str, budget: linkfetch.Budget
    ) -> linkfetch.Answer:
        if url.endswith("/boom"):
            raise RuntimeError("boom\nin two lines")
        return await send(self, method, url, budget)

    monkeypatch.setattr(linkfetch.Checker, "_send", failing)
    hostile_repo(repo, server, ["/boom", "/ok", "/missing"])
    completed = run_segboard("links", cwd=repo)
    assert findings(completed.stdout, server) == {
        "/boom": "request failed: RuntimeError: boom in two lines",
        "/missing": "HTTP 404",
    }
    assert "1 ok, 2 broken, 0 warnings" in completed.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("deadline = 0", "deadline must be above 0"),
        ('ignore = ["("]', "ignore: '(' is not a regular expression (missing )"),
        ('ignore = "example"', "ignore must be a list of regular expressions"),
        ('accept = ["404"]', "accept must be a list of HTTP statuses (whole numbers 100-599)"),
        ("accept = [999999]", "accept must be a list of HTTP statuses"),
        ("retries = 2.5", "retries must be a whole number up to 1000"),
        ("concurrency = 100000000", "concurrency must be a whole number up to 1000"),
    ],
)
def test_bad_settings_are_refused(repo: Path, setting: str, message: str) -> None:
    (repo / "pyproject.toml").write_text(f"[tool.segboard.links]\n{setting}\n")
    completed = run_segboard("links", "--offline", cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert f"[tool.segboard.links]: {message}" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_every_hostile_server_at_once(repo: Path, server: str) -> None:
    good = ["/ok", "/temp", "/nohead", "/moved"]
    hostile_repo(repo, server, [*HOSTILE, *good, "/missing", "http://127.0.0.1:99999/"])
    start = time.monotonic()
    completed = run_segboard_process("links", cwd=repo)  # a child: its real stderr is seen
    elapsed = time.monotonic() - start
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr + completed.stdout
    found = findings(completed.stdout, server)
    broken = [p for p in HOSTILE if p != "/huge"] + ["/missing", "http://127.0.0.1:99999/"]
    assert sorted(found) == sorted([*broken, "/moved"])  # /huge answers its GET with 200
    assert found["/slow-headers"] == "no complete answer within 2 s"
    assert found["/always-busy"] == "no complete answer within 2 s (last answer: HTTP 429)"
    assert found["/to-javascript"].startswith("redirects to a javascript: URL")
    assert found["/moved"].startswith("permanently redirected to ")
    assert " 4 ok, 10 broken, 1 warnings, " in completed.stderr
    assert elapsed < 2.0 + 3.0  # the deadline, and a child process's start


def test_the_cache_stays_inside_the_repository(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.segboard.links]\ncache_file = "../../outside-cache.json"\n'
    )
    completed = run_segboard("links", cwd=repo)
    assert completed.returncode == 2
    assert "cache_file must be a path inside the repository" in completed.stderr


def test_a_public_page_that_redirects_into_a_private_network_is_not_followed() -> None:
    """A public page may not lead the checker into the network it runs in (a cloud's metadata
    address, a service on localhost); a local server's redirects to itself are followed."""
    target, problem = linkfetch.redirect_target(
        "https://example.org/paper", "http://169.254.169.254/latest/meta-data/"
    )
    assert target == "http://169.254.169.254/latest/meta-data/"
    assert problem == (
        "redirects into a local or private network (http://169.254.169.254/latest/meta-data/: "
        "it names 169.254.169.254, which is not an address of the public internet (loopback, "
        "private, link-local or reserved))"
    )
    assert "local or private network" in str(
        linkfetch.redirect_target("https://example.org/", "http://localhost:8080/admin")[1]
    )
    assert linkfetch.redirect_target("http://127.0.0.1:8000/a", "/b") == (
        "http://127.0.0.1:8000/b",
        None,
    )
