"""`segboard serve`: a real server on 127.0.0.1 that rebuilds when a record changes."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import child_environment


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # the server is on loopback
        return response.read().decode("utf-8")


@contextlib.contextmanager
def serving(repo: Path) -> Iterator[tuple[str, list[str]]]:
    """`segboard serve` in `repo`, in a process of its own: its address (with a final '/') and
    the lines it prints, as they come. Ended with Ctrl-C, which must give status 130."""
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0"],
        cwd=repo,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
    )
    lines: list[str] = []  # read continuously, so the server never blocks on a full pipe
    reader = threading.Thread(target=lambda: lines.extend(iter(server.stderr.readline, "")))
    reader.start()
    try:
        url = None
        deadline = time.monotonic() + 180
        while url is None:
            assert time.monotonic() < deadline, f"the server did not start: {lines}"
            url = next(
                (
                    line.split(" at ", 1)[1].split(" ", 1)[0]
                    for line in list(lines)
                    if "serving" in line
                ),
                None,
            )
            time.sleep(0.2)
        assert url.startswith("http://127.0.0.1:")
        yield url, lines
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        reader.join(timeout=10)
    assert server.returncode == 130, lines  # Ctrl-C: see test_interrupt.py
    assert not any("Traceback" in line for line in lines), lines


def test_serve_rebuilds_when_a_record_changes(site_repo: Path) -> None:
    with serving(site_repo) as (url, lines):
        page = f"{url}datasets/cityscapes/"
        assert "78.51" in fetch(page)
        record = site_repo / "data/results/cityscapes/test/deeplab-v3-resnet-101.yaml"
        record.write_text(record.read_text().replace("miou: 78.51", "miou: 78.59"))
        deadline = time.monotonic() + 180
        while "78.59" not in fetch(page):
            assert time.monotonic() < deadline, f"the site was not rebuilt: {lines}"
            time.sleep(0.5)
    assert os.path.isdir(site_repo / "site")


def test_the_watcher_rebuilds_once_per_burst_and_tidies_only_when_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A burst of events is one rebuild; the memory is tidied once after it, only when no
    change has come for a while (a full collection would hold up the server's answers)."""
    from types import SimpleNamespace

    from generator.site import serve as serving

    monkeypatch.setattr(serving, "IDLE_SECONDS", 0.2)
    changes = SimpleNamespace(changed=threading.Event())
    stop = threading.Event()
    calls: list[str] = []
    watcher = threading.Thread(
        target=serving.watch,
        args=(changes, lambda: calls.append("rebuild"), stop, lambda: calls.append("idle")),
    )
    watcher.start()
    try:
        for _ in range(5):  # an editor's save: several events in quick succession
            changes.changed.set()
            time.sleep(0.01)
        deadline = time.monotonic() + 5
        while "rebuild" not in calls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert calls == ["rebuild"]  # not tidied yet: a reader may be fetching the new page
        time.sleep(0.6)
        assert calls == ["rebuild", "idle"]
        time.sleep(0.5)
        assert calls == ["rebuild", "idle"]  # once per rebuild
    finally:
        stop.set()
        watcher.join(5)


def wait_for(event: threading.Event) -> None:
    assert event.wait(10), "no file event came"
    time.sleep(0.2)  # the rest of the save's events
    event.clear()


def test_the_watch_says_which_records_were_changed_in_place(site_repo: Path) -> None:
    """A rebuild after records changed in place reads only those; anything else under data/
    (a file made, removed or moved) makes it list everything again."""
    from generator.site.serve import SourceWatch

    watch = SourceWatch(site_repo)
    try:
        record = site_repo / "data/results/cityscapes/test/deeplab-v3-resnet-101.yaml"
        record.write_text(record.read_text() + "\n")
        wait_for(watch.changed)
        assert watch.take() == {record}
        assert watch.take() == set()
        for name in (".x.yaml.swp", ".#x.yaml", "._x.yaml", ".cache/x.yaml"):  # not records
            (site_repo / "data" / name).parent.mkdir(exist_ok=True)
            (site_repo / "data" / name).write_text("x")
        time.sleep(0.5)
        assert not watch.changed.is_set()  # no reason to rebuild
        schema = next((site_repo / "schema").iterdir())
        schema.write_text(schema.read_text())  # not under data/: the records are the same
        wait_for(watch.changed)
        assert watch.take() == set()
        for name in ("new.yaml", ".new.yaml"):  # a record, and one the build reports hidden
            (site_repo / "data/results/cityscapes/test" / name).write_text("x")
            wait_for(watch.changed)
            assert watch.take() is None
        watch.give_back({record})  # a rebuild that did not get to read them
        assert watch.take() == {record}
        watch.missed()
        assert watch.changed.is_set() and watch.take() is None
    finally:
        watch.stop()


def test_serving_recovers_what_the_events_missed_and_what_a_failed_rebuild_did_not_read(
    site_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.records import memo
    from generator.site.build import build_lock
    from generator.site.serve import Rebuilds, SourceWatch

    monkeypatch.setattr(memo, "SETTLE_NANOSECONDS", 0)  # every file's outcome is kept
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    said: list[str] = []
    builds = Rebuilds(site_repo, site_repo / "site", said.append)
    builds.first()
    page = site_repo / "site/datasets/cityscapes/index.html"
    record = site_repo / "data/results/cityscapes/test/deeplab-v3-resnet-101.yaml"
    watch = SourceWatch(site_repo)
    try:
        record.write_text(record.read_text().replace("miou: 78.51", "miou: 78.52"))
        wait_for(watch.changed)
        with build_lock(site_repo):  # another build holds the repository: this one fails
            builds.rebuild(watch)
        assert "rebuild failed" in said[-1] and ">78.52<" not in page.read_text()
        builds.rebuild(watch)  # the change it did not read is read now
        assert ">78.52<" in page.read_text(), said
        record.write_text(record.read_text().replace("miou: 78.52", "miou: 78.53"))
        wait_for(watch.changed)
        watch.take()  # as if the system had dropped the events
        builds.check(watch)
        assert watch.changed.is_set()
        watch.changed.clear()  # as the watch loop does before it rebuilds
        builds.rebuild(watch)
        assert ">78.53<" in page.read_text(), said
        builds.check(watch)
        assert not watch.changed.is_set()  # nothing missed: no rebuild
    finally:
        watch.stop()
        gc.unfreeze()  # what the serving process froze after its first build (serve does too)


def test_a_folder_moved_away_and_back_is_watched_without_noise(
    site_repo: Path, tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    """watchdog warns, as it watches a folder again, that it watched it before; the terminal of
    `segboard serve` is for build messages."""
    from generator.site.serve import SourceWatch

    watch = SourceWatch(site_repo)
    try:
        results = site_repo / "data/results"
        results.rename(tmp_path / "results")
        wait_for(watch.changed)
        (tmp_path / "results").rename(results)
        wait_for(watch.changed)
        assert watch.take() is None
    finally:
        watch.stop()
    assert [str(w.message) for w in recwarn] == []


def test_served_pages_reload_themselves_after_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each HTML page is served with a script that waits for the next build and then reloads
    the page; the files on disk stay as built, and other files are served as they are."""
    from generator.site import live_server

    monkeypatch.setattr(live_server, "WAIT_SECONDS", 1.0)
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    page = b"<html><body><p>x</p></body></html>"
    (site / "index.html").write_bytes(page)
    (site / "sub/index.html").write_bytes(b"<p>no body end</p>")
    (site / "style.css").write_bytes(b"body{}")
    builds = live_server.Builds()
    server = live_server.make_server(site, "127.0.0.1", 0, builds, print)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        served = fetch(f"{url}/").encode()
        assert served == live_server.with_reload(page, 0)
        assert served.endswith(b"})(0);</script></body></html>")
        assert (site / "index.html").read_bytes() == page
        # a folder's address without its '/' leads to it; a page without </body> gets it at the end
        assert fetch(f"{url}/sub") == "<p>no body end</p>" + live_server.RELOAD_SCRIPT % 0
        assert fetch(f"{url}/style.css") == "body{}"
        request = urllib.request.Request(f"{url}/", method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert int(response.headers["Content-Length"]) == len(served)
        started = time.monotonic()
        assert fetch(f"{url}/.segboard-reload?since=0") == "0"  # no newer build: after a wait
        assert time.monotonic() - started >= 0.9
        answers: list[str] = []
        asking = threading.Thread(
            target=lambda: answers.append(fetch(f"{url}/.segboard-reload?since=0"))
        )
        asking.start()
        time.sleep(0.2)
        builds.done()
        asking.join(5)
        assert answers == ["1"]
        assert fetch(f"{url}/.segboard-reload?since=x") == "1"  # not a number: as 0
        assert "})(1);</script>" in fetch(f"{url}/")
    finally:
        server.shutdown()
        server.server_close()


def test_a_request_that_fails_is_a_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An address holding a NUL ('/%00', which the standard server passes to open()) is not
    found; any other request that fails is one line through `say`; a reader who went away is
    no failure. The standard server would print a traceback in the contributor's terminal."""
    from generator.site import live_server

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_bytes(b"<p>x</p>")
    said: list[str] = []
    server = live_server.make_server(site, "127.0.0.1", 0, live_server.Builds(), said.append)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for address in ("/%00", "/index.html%00", "/sub/%00/x.css"):
            with pytest.raises(urllib.error.HTTPError) as answer:
                fetch(url + address)
            assert answer.value.code == 404
        for method in ("GET", "HEAD"):  # an absolute address no URL reader reads
            with socket.create_connection(server.server_address[:2], timeout=10) as raw:
                raw.sendall(f"{method} http://[x]/ HTTP/1.0\r\n\r\n".encode())
                assert raw.recv(100).startswith(b"HTTP/1.0 404 ")
        failures = iter([RuntimeError("boom"), BrokenPipeError(32, "Broken pipe")])

        def failing(_seen: int, _seconds: float) -> int:
            raise next(failures)

        monkeypatch.setattr(server.builds, "wait_past", failing)
        for _ in range(2):
            with pytest.raises((urllib.error.URLError, ConnectionError)):
                fetch(f"{url}/.segboard-reload?since=0")
        time.sleep(0.2)  # the handler's thread reports after the connection is closed
    finally:
        server.shutdown()
        server.server_close()
    assert said == ["segboard serve: a request failed (RuntimeError: boom)"]
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
