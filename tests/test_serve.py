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
