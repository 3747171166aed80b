"""Read a built site as a reader would, in headless Chromium: the live data's checks in a browser.

    python tests/tools/browse_site.py SITE_DIR [--axe FILE]

`make test` runs it on the site `segboard check` has just built from data/, so the reader's site
is checked on the real data, whatever it holds today: every check here is a rule that holds for
any data, never an expected figure (the tests in tests/test_browser.py do that, on fixtures).

In both languages, for the home page, every dataset page, the list of papers, a paper page, and the
hand-written pages:
  * nothing is loaded from another host and nothing is logged as an error;
  * every leaderboard's shown ranks are a competition ranking of the shown scores, as built, with
    the reproductions shown, and with "no extra data" chosen; the address carries the choices,
    reopens the same view, and "Show all" clears them; the chart shows a point per shown row
    that has a date, and in each of these views no label of its running best overlaps another,
    the line or a dot on it;
  * on the desktop, a leaderboard taller than the window scrolls in a box that fits it, with its
    header row kept at the top of the box;
  * at 390 px the home page, the dataset pages and the list of papers do not scroll sideways,
    nor does any of their tables, and a leaderboard row's model, score and paper link are within
    the screen;
  * searching a board's best model by its name finds its row, in both languages;
  * axe-core (with --axe) reports no serious or critical violation, with every row shown and
    every details panel open.

Exit status 0 when every check holds, 1 with each failure listed, 2 for bad usage. Without
Playwright or Chromium it says so and exits 0, unless SEGBOARD_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
FLAGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
LANGUAGES = ("", "zh/")
PHONE = (390, 844)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        return None


@contextmanager
def served(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Reader:
    """A browser page that records what it logs and where it connects."""

    def __init__(self, browser: Any, failures: list[str], size: tuple[int, int] = (1366, 900)):
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        self.page = self.context.new_page()
        self.failures = failures
        self.where = ""
        self.page.on("console", lambda m: m.type == "error" and self.fail(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.fail(f"script error: {e}"))
        self.page.on("request", self._request)

    def _request(self, request: Any) -> None:
        if urlsplit(request.url).hostname not in (None, "127.0.0.1"):
            self.fail(f"loads {request.url}")

    def fail(self, message: str) -> None:
        self.failures.append(f"{self.where}: {message}")

    def open(self, url: str) -> None:
        self.where = url
        self.page.goto(url, wait_until="load")
        # ready when the page's script has shown every leaderboard's filters
        self.page.wait_for_function("!document.querySelector('form.sb-filters[hidden]')")

    def close(self) -> None:
        self.context.close()


ROWS = """(board) => Array.from(document.querySelectorAll(
  `[data-sb-board='${board}'] tbody tr`)).filter(r => !r.hidden).map(r => ({
    id: r.id, rank: r.cells[0].textContent.trim(), score: parseFloat(r.dataset.sbScore),
    extra: r.dataset.sbExtra, model: r.cells[1].childNodes[0].textContent.trim()}))"""


# Where a leaderboard's chart labels meet: each shown label's box against the others, the running
# best line (sampled along its length) and the line's dots, in the chart's units.
LABEL_FAULTS = """board => {
  const svg = document.querySelector(`[data-sb-board='${board}'] svg.sb-progress`);
  if (!svg) return [];
  const shown = e => e.getAttribute('display') !== 'none';
  const labels = [...svg.querySelectorAll('text.sb-p-label')].filter(shown)
    .map(t => ({box: t.getBBox(), name: t.textContent}));
  const meet = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width
    && a.y < b.y + b.height && b.y < a.y + a.height;
  const faults = [];
  labels.forEach((a, i) => labels.slice(i + 1).forEach(b => {
    if (meet(a.box, b.box)) faults.push(`'${a.name}' overlaps '${b.name}'`);
  }));
  const line = svg.querySelector('path.sb-p-best');
  const length = line.getTotalLength();
  const dots = [...svg.querySelectorAll('circle.sb-p-on-best')].filter(shown)
    .map(c => c.getBBox());
  labels.forEach(a => {
    const b = a.box;
    const inner = {x: b.x + 1, y: b.y + 1, width: b.width - 2, height: b.height - 2};
    for (let s = 0; s <= length; s += 1) {
      const p = line.getPointAtLength(s);
      if (meet(inner, {x: p.x, y: p.y, width: 0.01, height: 0.01})) {
        faults.push(`the running best crosses '${a.name}'`);
        break;
      }
    }
    if (dots.some(d => meet(inner, d))) faults.push(`'${a.name}' covers a dot of the running best`);
  });
  return faults;
}"""


def label_faults(reader: Reader, board: str, view: str) -> None:
    for fault in reader.page.evaluate(LABEL_FAULTS, board)[:3]:
        reader.fail(f"{board} {view}: chart: {fault}")


def ranking_faults(rows: list[dict[str, Any]], higher: bool) -> list[str]:
    """Where the shown ranks are not the competition ranking of the shown scores."""
    faults = []
    for row in rows:
        better = sum(
            1 for r in rows if (r["score"] > row["score"] if higher else r["score"] < row["score"])
        )
        if row["rank"] != str(better + 1):
            faults.append(f"{row['id']} is shown {row['rank']!r}, expected {better + 1}")
    return faults[:3]


def check_board(reader: Reader, browser: Any, board: str) -> None:
    page = reader.page
    block = page.locator(f"[data-sb-board='{board}']")
    higher = block.get_attribute("data-sb-better") == "higher"
    if not block.locator("table caption").inner_text().strip():
        reader.fail(f"{board}: the table has no caption")
    built = page.evaluate(ROWS, board)
    for fault in ranking_faults(built, higher):
        reader.fail(f"{board} as built: {fault}")
    dots = block.locator("circle.sb-p-dot:visible").count()
    if dots > len(built):
        reader.fail(f"{board}: the chart shows {dots} points for {len(built)} rows")
    label_faults(reader, board, "as built")
    form = block.locator("form.sb-filters")
    if form.locator("input[name=repro]").count():
        form.locator("input[name=repro]").check()
        shown = page.evaluate(ROWS, board)
        if len(shown) <= len(built):
            reader.fail(f"{board}: showing the reproductions added no row")
        for fault in ranking_faults(shown, higher):
            reader.fail(f"{board} with reproductions: {fault}")
        label_faults(reader, board, "with reproductions")
        if f"{board}.repro=1" not in page.url:
            reader.fail(f"{board}: the address does not carry the choice ({page.url})")
        again = Reader(browser, reader.failures)
        try:
            again.open(page.url)
            if again.page.evaluate(ROWS, board) != shown:
                again.fail(f"{board}: the address does not reopen the same rows")
        finally:
            again.close()
    if form.locator("select[name=extra] option[value=none]").count():
        form.locator("select[name=extra]").select_option("none")
        shown = page.evaluate(ROWS, board)
        if any(row["extra"] for row in shown):
            reader.fail(f"{board}: 'no extra data' still shows rows with extra data")
        for fault in ranking_faults(shown, higher):
            reader.fail(f"{board} without extra data: {fault}")
        label_faults(reader, board, "without extra data")
    form.locator("button[type=reset]").click()
    page.wait_for_function(f"!location.search.includes('{board}.')")
    if page.evaluate(ROWS, board) != built:
        reader.fail(f"{board}: 'Show all' does not bring back the rows as built")


def check_phone(browser: Any, url: str, failures: list[str]) -> None:
    phone = Reader(browser, failures, PHONE)
    try:
        phone.open(url)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE[0]:
            phone.fail(f"at {PHONE[0]} px the page is {width} px wide")
        wider = phone.page.evaluate(  # a table that scrolls sideways in its own box
            "[...document.querySelectorAll('.sb-table-wrap')]"
            ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
        )
        if wider:
            phone.fail(f"at {PHONE[0]} px {wider} table(s) scroll sideways")
        row = phone.page.locator("table.sb-board tbody tr:visible").first
        if row.count():
            cells = [row.locator("td").nth(1), row.locator("td").nth(2), row.locator("td a").last]
            for cell in cells:
                box = cell.bounding_box()
                if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE[0]:
                    phone.fail(f"at {PHONE[0]} px a row's cell is off the screen: {box}")
    finally:
        phone.close()


# Each leaderboard box that scrolls: [box height, window height, the box's top, its header cell's
# top once the box is scrolled to its end] (the box is scrolled back after).
SCROLL_BOXES = """() => Array.from(document.querySelectorAll('.sb-scroll'))
  .filter(b => b.scrollHeight > b.clientHeight + 1).map(b => {
    b.scrollTop = b.scrollHeight;
    const cell = b.querySelector('thead th').getBoundingClientRect().top;
    const top = b.getBoundingClientRect().top;
    b.scrollTop = 0;
    return [b.clientHeight, window.innerHeight, top, cell];
  })"""


def check_scroll_boxes(reader: Reader) -> None:
    """A leaderboard taller than the window scrolls in a box that fits the window, its header
    row kept at the top of the box."""
    for height, window, top, cell in reader.page.evaluate(SCROLL_BOXES):
        if height > window:
            reader.fail(f"a leaderboard's box is {height} px high in a {window} px window")
        if abs(cell - top) > 1:
            reader.fail(f"scrolled to its end, a leaderboard's header row is at {cell}, not {top}")


def enter_query(page: Any, query: str) -> None:
    """Open the theme's search and make it search for `query`, once.

    The theme searches when a key is released, not on fill(): the whole query is filled in and
    one key released. Typed key by key, every prefix was a query, and on a slow machine the
    results of a prefix were read before the whole query's arrived."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")


def check_search(reader: Reader, home: str, model: str, row_id: str) -> None:
    reader.open(home)
    enter_query(reader.page, model)
    items = reader.page.locator(".md-search-result__item a")
    try:
        items.first.wait_for(timeout=15_000)
    except Exception:  # Playwright's timeout: reported as a failure
        reader.fail(f"searching {model!r} finds nothing")
        return
    # the theme shows the results a batch at a time, as they are scrolled to: scroll until the
    # row is among them, or no more have come for a second
    shown, still = 0, 0
    while still < 4:
        links = items.evaluate_all("as => as.map(a => a.getAttribute('href'))")
        if any(link.endswith(f"#{row_id}") for link in links):
            return
        still = still + 1 if len(links) == shown else 0
        shown = len(links)
        reader.page.evaluate(
            "const w = document.querySelector('.md-search__scrollwrap');"
            "if (w) w.scrollTop = w.scrollHeight"
        )
        reader.page.wait_for_timeout(250)
    reader.fail(f"searching {model!r} does not find its row #{row_id}")


def axe_faults(reader: Reader, script: str) -> list[str]:
    reader.page.evaluate(
        "document.querySelectorAll('details').forEach(d => d.open = true);"
        "document.querySelectorAll('tr[hidden]').forEach(r => r.hidden = false)"
    )
    reader.page.add_script_tag(content=script)
    return list(
        reader.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
        )
    )


def pages_of(site: Path, prefix: str) -> tuple[list[str], list[str]]:
    """The pages with wide tables (the home page, the dataset pages and the list of papers),
    and the other pages worth reading, of one language."""
    folder = site / prefix

    def listed(name: str) -> list[str]:
        found = (folder / name).iterdir() if (folder / name).is_dir() else []
        return sorted(f"{prefix}{name}/{p.name}/" for p in found if p.is_dir())

    datasets, papers = listed("datasets"), listed("papers")[:1]
    # the home page and the list of papers have wide tables: read on a phone too
    wide = [prefix, *datasets]
    wide += [f"{prefix}papers/"] if (folder / "papers" / "index.html").is_file() else []
    others = papers
    others += [
        f"{prefix}{n}/" for n in ("metrics", "about", "contributing") if (folder / n).is_dir()
    ]
    return wide, others


def browse(site: Path, axe: str | None) -> list[str]:
    from playwright.sync_api import sync_playwright

    failures: list[str] = []
    with served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=FLAGS)
        reader = Reader(browser, failures)
        for prefix in LANGUAGES:
            wide, others = pages_of(site, prefix)
            best: list[tuple[str, str]] = []
            for path in [*wide, *others]:
                reader.open(base + path)
                if axe is not None:
                    for fault in axe_faults(reader, axe):
                        reader.fail(f"axe: {fault}")
                    reader.open(base + path)  # as built again, for the checks below
                for board in reader.page.eval_on_selector_all(
                    "[data-sb-board]", "bs => bs.map(b => b.dataset.sbBoard)"
                ):
                    check_board(reader, browser, board)
                    rows = reader.page.evaluate(ROWS, board)
                    if rows:
                        best.append((rows[0]["model"], rows[0]["id"]))
                check_scroll_boxes(reader)
                if path in wide:
                    check_phone(browser, base + path, failures)
            for model, row_id in best:
                check_search(reader, base + prefix, model, row_id)
        reader.close()
        browser.close()
    return failures


def chromium() -> str | None:
    candidates = [os.environ.get("SEGBOARD_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site built by segboard")
    parser.add_argument("--axe", type=Path, help="axe-core's axe.min.js (make test fetches it)")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file() or not (args.site / "zh").is_dir():
        print(f"browse_site: {args.site} is not a site built by segboard", file=sys.stderr)
        return 2
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright for Python is not installed"
    if missing is None and chromium() is None:
        missing = "no Chromium found (apt-get install chromium, or set SEGBOARD_CHROMIUM)"
    if missing is not None:
        print(f"browse_site: skipped: {missing}", file=sys.stderr)
        return 1 if os.environ.get("SEGBOARD_REQUIRE_BROWSER") == "1" else 0
    axe = args.axe.read_text(encoding="utf-8") if args.axe else None
    failures = browse(args.site, axe)
    for failure in failures:
        print(f"browse_site: {failure}", file=sys.stderr)
    print(f"browse_site: {len(failures)} failure(s) on {args.site}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
