"""`segboard serve`: a real server on 127.0.0.1 that rebuilds when a record changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import child_environment


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # the server is on loopback
        return response.read().decode("utf-8")


def test_serve_rebuilds_when_a_record_changes(site_repo: Path) -> None:
    env = child_environment()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0"],
        cwd=site_repo,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
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
        page = f"{url}datasets/cityscapes/"
        assert "78.51" in fetch(page)
        record = site_repo / "data/results/cityscapes/test/deeplab-v3-resnet-101.yaml"
        record.write_text(record.read_text().replace("miou: 78.51", "miou: 78.59"))
        deadline = time.monotonic() + 180
        while "78.59" not in fetch(page):
            assert time.monotonic() < deadline, f"the site was not rebuilt: {lines}"
            time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        reader.join(timeout=10)
    assert server.returncode == 130, lines  # Ctrl-C: see test_interrupt.py
    assert not any("Traceback" in line for line in lines), lines
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
