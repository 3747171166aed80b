"""`segboard links` against a real HTTP server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from .conftest import run_segboard

LOCAL_ONLY = '[tool.segboard.links]\nignore = ["^https?://(?!127\\\\.0\\\\.0\\\\.1)"]\n'


class Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[Counter] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

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
        else:
            self._send(200)

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


@pytest.fixture
def server() -> Iterator[str]:
    Handler.requests = Counter()
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
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
