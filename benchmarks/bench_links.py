"""Time `segboard links` on 500 distinct URLs of a local server that answers each after 100 ms.

    python benchmarks/bench_links.py [--urls 500] [--delay 0.1]

Baseline, measured in the same run: the time the same requests take one after another (the
number of URLs times the delay, measured on a sample of 20). The target is under 5 s.
"""

from __future__ import annotations

import argparse
import http.server
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.contrib.links import LinkConfig, Source, check_links


def serve(delay: float) -> http.server.ThreadingHTTPServer:
    class Slow(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            return None

        def _answer(self) -> None:
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_GET = _answer

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    server.request_queue_size = 1024
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.1)
    args = parser.parse_args()
    server = serve(args.delay)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    root = Path(tempfile.mkdtemp(prefix="segboard-links-bench-"))
    try:
        urls = {f"{base}/page/{n}": [Source(root / "x.md", n + 1, 1)] for n in range(args.urls)}
        sample = list(urls)[:20]
        start = time.perf_counter()
        for url in sample:
            urllib.request.urlopen(urllib.request.Request(url, method="HEAD")).close()
        sequential = (time.perf_counter() - start) / len(sample) * args.urls
        start = time.perf_counter()
        reports = check_links(urls, LinkConfig(cache_max_age=0), root)
        elapsed = time.perf_counter() - start
        assert all(r.status == "ok" for r in reports), [r for r in reports if r.status != "ok"][:3]
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    print(f"{args.urls} distinct URLs, each answered after {args.delay * 1000:.0f} ms")
    print(f"{'what':<40} {'seconds':>8} {'x baseline':>10}")
    print(f"{'one after another (estimated from 20)':<40} {sequential:>8.2f} {1:>10.2f}")
    ours = "segboard links (64 at once, 20 per host)"
    print(f"{ours:<40} {elapsed:>8.2f} {elapsed / sequential:>10.3f}")
    return 0 if elapsed < 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
