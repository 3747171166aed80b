"""The built site in a real headless Chromium, served over HTTP on 127.0.0.1.

Uses Debian's chromium through Playwright (no browser download). Without it these tests skip
with the reason, unless SEGBOARD_REQUIRE_BROWSER=1 (set by .ci/run), which makes them fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.site.build import build_site

from .conftest import REPO
from .test_serve import serving
from .test_site import HOSTILE_MODEL, add_hostile_records
from .tools.browse_site import FLAGS as CHROMIUM_FLAGS
from .tools.browse_site import chromium as chromium_path
from .tools.browse_site import enter_query, served

ARTIFACTS = REPO / "build" / "test-artifacts"


def require_browser() -> str:
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
    executable = chromium_path()
    if reason is None and executable is None:
        reason = "no Chromium found (apt-get install chromium, or set SEGBOARD_CHROMIUM)"
    if reason is not None:
        if os.environ.get("SEGBOARD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SEGBOARD_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    assert executable is not None
    return executable


def serve(folder: Path) -> Iterator[str]:
    """The folder served on 127.0.0.1 (the browser check's server): its address, no '/'."""
    with served(folder) as address:
        yield address.rstrip("/")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium for this module, closed after it: Playwright's sync API keeps an asyncio loop
    running in this thread while it is open, which in-process commands (links) would trip over."""
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    yield from serve(built_site)


class Watched:
    """A page whose console errors and requests are recorded for the assertions."""

    def __init__(
        self, browser: object, colour_scheme: str = "light", size: tuple[int, int] = (1280, 900)
    ) -> None:
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": size[0], "height": size[1]}, color_scheme=colour_scheme
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.hosts.add(urlsplit(r.url).hostname or r.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")

    def check_clean(self) -> None:
        assert self.errors == []
        assert self.hosts <= {"127.0.0.1"}, self.hosts
        assert self.dialogs == []


@pytest.fixture
def watched(browser: object) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    page.check_clean()
    page.context.close()


def column(page: object, table: int, index: int) -> list[float]:
    cells = (
        page.locator("table.sb-board")
        .nth(table)
        .locator(  # type: ignore[attr-defined]
            f"tbody tr td:nth-child({index})"
        )
    )
    return [float(value) for value in cells.evaluate_all("cs => cs.map(c => c.textContent)")]


SCORES = [5.5, 9.25, 10.0, 12.5, 33.0, 45.75, 60.0, 71.5, 90.0, 99.0]  # with Example-Net: 11


def add_numbered_results(root: Path) -> None:
    """Ten more results on synthetic-streets/val: 11 rows sort differently as text and numbers."""
    for number, score in enumerate(SCORES, start=1):
        (root / f"data/results/synthetic-streets/val/net-{number}.yaml").write_text(
            f"dataset: synthetic-streets\nsplit: val\nmodel: Net-{number}\nmethod: Net\n"
            f'paper: "1612.01105"\nmetrics:\n  miou: {score:.2f}\n'
            "source:\n  kind: paper\n  url: https://arxiv.org/abs/1612.01105\n"
        )


@contextlib.contextmanager
def own_site(browser: object, root: Path) -> Iterator[tuple[Watched, str]]:
    """Build root's site, serve it, and give a watched page and the address; checks it after."""
    site = build_site(root).site_dir
    watched = Watched(browser)
    try:
        for base in serve(site):
            yield watched, base
        watched.check_clean()
    finally:
        watched.context.close()


def test_score_header_sorts_numerically_both_ways(browser: object, site_repo: Path) -> None:
    add_numbered_results(site_repo)
    with own_site(browser, site_repo) as (watched, base):
        watched.goto(f"{base}/datasets/synthetic-streets/")
        table = watched.page.locator("table.sb-board").first
        assert column(watched.page, 0, 1) == list(range(1, 12))
        header = table.locator("th").nth(2)
        header.click()  # a score where higher is better: the first click shows the best first
        descending = column(watched.page, 0, 3)
        assert descending == sorted(descending, reverse=True) and descending[0] == 99.0
        assert header.get_attribute("aria-sort") == "descending"
        header.click()
        ascending = column(watched.page, 0, 3)
        assert ascending == sorted(descending) and ascending[0] == 5.5
        assert header.get_attribute("aria-sort") == "ascending"
        rank = table.locator("th").nth(0)
        rank.click()
        assert column(watched.page, 0, 1) == list(range(1, 12))  # 10 and 11 after 9
        rank.click()
        assert column(watched.page, 0, 1) == list(range(11, 0, -1))


def search(watched: Watched, query: str) -> list[str]:
    enter_query(watched.page, query)
    items = watched.page.locator(".md-search-result__item")
    items.first.wait_for(timeout=15_000)
    return items.evaluate_all("items => items.map(i => i.textContent + ' ' + i.innerHTML)")


def test_search_finds_a_model_by_name(watched: Watched, base_url: str) -> None:
    watched.goto(f"{base_url}/")
    found = search(watched, "RefineNet")
    assert any("RefineNet" in item for item in found)


def test_search_finds_a_chinese_word_in_the_chinese_site(watched: Watched, base_url: str) -> None:
    watched.goto(f"{base_url}/zh/")
    found = search(watched, "街景")  # inside a sentence of the Cityscapes description
    assert any("街景" in item and "cityscapes" in item for item in found)


def test_language_switcher_leads_to_the_same_page(watched: Watched, base_url: str) -> None:
    watched.goto(f"{base_url}/datasets/ade20k/")
    watched.page.locator(".md-select").hover()
    watched.page.locator('a.md-select__link[hreflang="zh"]').click()
    watched.page.wait_for_url(f"{base_url}/zh/datasets/ade20k/")
    assert watched.page.locator("h1").inner_text().rstrip("¶") == "ADE20K"
    assert "排行榜" in watched.page.locator("h2").nth(1).inner_text()
    watched.page.locator(".md-select").hover()
    watched.page.locator('a.md-select__link[hreflang="en"]').click()
    watched.page.wait_for_url(f"{base_url}/datasets/ade20k/")


def test_dark_palette_toggle(watched: Watched, base_url: str) -> None:
    watched.goto(f"{base_url}/datasets/cityscapes/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert watched.page.evaluate(scheme) == "default"
    watched.page.locator("form[data-md-component=palette] label:visible").first.click()
    assert watched.page.evaluate(scheme) == "slate"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    watched.page.locator("figure.sb-chart").first.screenshot(path=ARTIFACTS / "chart-dark.png")
    watched.page.locator("form[data-md-component=palette] label:visible").first.click()
    assert watched.page.evaluate(scheme) == "default"


def test_pages_have_no_console_errors_and_stay_local(watched: Watched, base_url: str) -> None:
    for path in (
        "/",
        "/datasets/ade20k/",
        "/papers/1612.01105/",
        "/metrics/",
        "/about/",
        "/contributing/",
        "/zh/",
        "/zh/datasets/cityscapes/",
        "/zh/metrics/",
    ):
        watched.goto(f"{base_url}{path}")
        assert watched.page.locator("h1").count() == 1, path


def test_screenshot_of_a_dataset_page(watched: Watched, base_url: str) -> None:
    watched.goto(f"{base_url}/datasets/ade20k/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "dataset-ade20k.png"
    watched.page.screenshot(path=target, full_page=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 20_000


def test_hostile_names_render_as_text(browser: object, site_repo: Path) -> None:
    add_hostile_records(site_repo)
    with own_site(browser, site_repo) as (page, base):
        page.goto(f"{base}/datasets/ade20k/")
        cell = page.page.locator("table.sb-board").first.locator("td", has_text="star")
        # the cell's own text (its details follow in a <details> element)
        assert cell.evaluate("cell => cell.firstChild.textContent") == HOSTILE_MODEL
        assert page.page.locator("b", has_text="bold").count() == 0
        page.goto(f"{base}/papers/hostile2020/")
        assert page.page.title().startswith('</title><script>alert("title")</script>')
        found = search(page, "star")
        assert found


def test_on_a_phone_a_row_reads_without_scrolling_sideways(browser: object, base_url: str) -> None:
    phone = Watched(browser, size=(390, 844))
    try:
        for prefix in ("", "zh/"):
            phone.goto(f"{base_url}/{prefix}datasets/cityscapes/")
            width = phone.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{prefix}: the page is {width} px wide"
            row = phone.page.locator("table.sb-board tbody tr").first
            for cell in (
                row.locator("td").nth(1),
                row.locator("td").nth(2),
                row.locator("td a").last,
            ):
                box = cell.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
            label = (
                row.locator("td").nth(2).evaluate("c => getComputedStyle(c, '::before').content")
            )
            assert "mIoU" in label  # each cell says which column it is
        phone.check_clean()
    finally:
        phone.context.close()


def test_on_a_phone_a_card_has_no_line_for_a_metric_its_result_lacks(
    browser: object, site_repo: Path
) -> None:
    """A leaderboard has a column for each other metric its results give. A result that lacks
    one shows N/A there on a wider screen; on a phone its card has no line for it, while the
    cards of results that give it keep theirs."""
    from .conftest import run_segboard

    completed = run_segboard(
        "new", "result", "--dataset", "ade20k", "--split", "val", "--model", "Score-Only-Net",
        "--method", "Score-Only-Net", "--paper", "1612.01105",
        "--metric", "scene-parsing-score=50.00", "--source-kind", "paper",
        "--source-url", "https://arxiv.org/abs/1612.01105", "--no-interactive", cwd=site_repo,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    site = build_site(site_repo).site_dir
    for base in serve(site):
        for size, wide in (((1366, 900), True), ((390, 844), False)):
            watched = Watched(browser, size=size)
            try:
                watched.goto(f"{base}/datasets/ade20k/")
                board = watched.page.locator("[data-sb-board='ade20k--val']")
                lacking = board.locator("tr", has_text="Score-Only-Net").locator("td.sb-absent")
                assert lacking.count() == 2  # mIoU and pixAcc
                assert [lacking.nth(i).is_visible() for i in range(2)] == [wide, wide]
                if wide:
                    assert lacking.first.inner_text() == "N/A"
                giving = board.locator("tr", has_text="PSPNet-ResNet-50").locator("td[data-label]")
                assert giving.filter(has_text="41.68").first.is_visible()
                watched.check_clean()
            finally:
                watched.context.close()


def test_pages_with_leaderboards_use_more_of_a_wide_screen(browser: object, base_url: str) -> None:
    """At 1366 px a page that holds a leaderboard is wider than the theme's reading width, which
    pages of prose keep; a paper's title wraps in its cell rather than widening the table."""
    watched = Watched(browser, size=(1366, 900))
    try:
        widths = {}
        for path in ("datasets/ade20k/", "about/"):
            watched.goto(f"{base_url}/{path}")
            widths[path] = watched.page.evaluate(
                "document.querySelector('.md-content').getBoundingClientRect().width"
            )
        assert widths["about/"] <= 740 and widths["datasets/ade20k/"] >= 860, widths
        watched.goto(f"{base_url}/datasets/ade20k/")
        title = watched.page.locator("table.sb-board td.sb-paper a").first
        assert title.evaluate("a => getComputedStyle(a).whiteSpace") == "normal"
        watched.check_clean()
    finally:
        watched.context.close()


def visible_rows(page: object, board: str) -> list[tuple[str, str]]:
    """(rank, row id) of the rows shown on a board, top to bottom."""
    rows = page.locator(f"[data-sb-board='{board}'] tbody tr:visible")  # type: ignore[attr-defined]
    return [
        tuple(r) for r in rows.evaluate_all("rs => rs.map(r => [r.cells[0].textContent, r.id])")
    ]


@pytest.mark.parametrize(
    "tail",
    [
        "#%E0%A4%A",  # not UTF-8 once decoded: decodeURIComponent throws
        "#%",
        "?cityscapes--test.extra=%3Cscript%3E&cityscapes--test.state=%27%5D%22",
    ],
    ids=["malformed-hash", "lone-percent", "hostile-filters"],
)
def test_a_malformed_or_hostile_address_leaves_the_page_working(
    watched: Watched, base_url: str, tail: str
) -> None:
    """An address a reader can be sent (a broken link, a crafted query) raises no script error
    (the fixture checks the console), and a filter value that no choice has is not taken."""
    watched.goto(f"{base_url}/datasets/cityscapes/{tail}")
    form = watched.page.locator("[data-sb-board='cityscapes--test'] form.sb-filters")
    assert form.is_visible()
    assert form.locator("select[name=extra]").input_value() == ""
    assert form.locator("select[name=state]").input_value() == ""
    assert form.locator(".sb-count").inner_text().startswith("Showing 6 of 6 results")


def test_filters_rerank_follow_the_address_and_redraw_the_chart(
    browser: object, site_repo: Path
) -> None:
    from .test_reproductions import add_reproduction

    add_reproduction(site_repo, miou="77.10")
    board = "cityscapes--test"
    with own_site(browser, site_repo) as (watched, base):
        page = watched.page
        watched.goto(f"{base}/datasets/cityscapes/")
        ranks = [rank for rank, _ in visible_rows(page, board)]
        assert ranks == ["1", "2", "3", "4", "4", "6"]  # as built: the reproduction is hidden
        form = page.locator(f"[data-sb-board='{board}'] form.sb-filters")
        assert form.locator(".sb-count").inner_text().startswith("Showing 6 of 6 results")
        form.locator("select[name=extra]").select_option("none")
        shown = visible_rows(page, board)
        assert [rank for rank, _ in shown] == ["1", "2", "2", "4"]  # ranked again, ties shared
        assert all("coarse" not in row for _, row in shown)
        assert f"{board}.extra=none" in page.url
        dots = page.locator(f"[data-sb-board='{board}'] circle.sb-p-dot:visible")
        assert dots.count() == 4  # the chart shows the same rows
        form.locator("input[name=repro]").check()
        shown = visible_rows(page, board)
        assert [rank for rank, _ in shown] == ["1", "2", "2", "4", "5"]
        assert shown[3][1] == f"{board}--pspnet-r101-d8-mmseg"  # 77.10, ranked among them
        shared = page.url
        assert f"{board}.repro=1" in shared
        # the address alone restores the view, in a fresh page
        again = Watched(browser)
        try:
            again.goto(shared)
            assert visible_rows(again.page, board) == shown
            select = again.page.locator(f"[data-sb-board='{board}'] select[name=extra]")
            assert select.input_value() == "none"
            again.check_clean()
        finally:
            again.context.close()
        form.locator("button[type=reset]").click()
        page.wait_for_function(f"!location.search.includes('{board}.')")
        assert [rank for rank, _ in visible_rows(page, board)] == ["1", "2", "3", "4", "4", "6"]


def test_a_long_leaderboard_scrolls_in_a_box_under_its_header_row(
    browser: object, site_repo: Path
) -> None:
    """On a screen wider than a phone, a board taller than the window scrolls in its own box
    with its header row in view, and a link to a row shows the row below that header."""
    add_numbered_results(site_repo)
    site = build_site(site_repo).site_dir
    short = Watched(browser, size=(1280, 420))
    row_id = "synthetic-streets--val--net-3"
    try:
        for base in serve(site):
            short.goto(f"{base}/datasets/synthetic-streets/#{row_id}")
            page = short.page
            row = page.locator(f"#{row_id}")
            table = row.locator("xpath=ancestor::table[1]")
            box = table.locator("xpath=..")
            assert box.evaluate("b => b.scrollHeight > b.clientHeight")  # it scrolls
            bar = page.locator(".md-header").bounding_box()
            head = table.locator("thead th").first.bounding_box()  # the cells stick, not thead
            shown = row.bounding_box()
            assert bar and head and shown
            assert head["y"] >= bar["y"] + bar["height"] - 1, (bar, head)  # not under the bar
            assert shown["y"] >= head["y"] + head["height"] - 1, (head, shown)
            assert shown["y"] + shown["height"] <= 420, shown
            box.evaluate("b => { b.scrollTop = b.scrollHeight; }")
            after = table.locator("thead th").first.bounding_box()
            assert after and abs(after["y"] - head["y"]) < 1, (head, after)
        short.check_clean()
    finally:
        short.context.close()


def test_a_model_name_finds_its_rows_first(browser: object, site_repo: Path) -> None:
    """The theme cuts "Hiero-H" into "hiero" and "h", each looked up as a prefix, so a paper
    titled with words in h would match "h" many times over; the model's row comes first."""
    (site_repo / "data/papers/hiero2021.yaml").write_text(
        'id: hiero2021\ntitle: "Hierarchical Heads for High-resolution Holistic Parsing"\n'
        'url: https://example.org/hiero.pdf\ndate: "2021-06"\n',
        encoding="utf-8",
    )
    (site_repo / "data/results/cityscapes/test/hiero-h.yaml").write_text(
        "dataset: cityscapes\nsplit: test\nmodel: Hiero-H\nmethod: Hiero\nbackbone: H\n"
        "paper: hiero2021\nmetrics:\n  miou: 70.10\nsource:\n  kind: paper\n"
        "  url: https://example.org/hiero.pdf\n  detail: Table 2\n",
        encoding="utf-8",
    )
    with own_site(browser, site_repo) as (watched, base):
        watched.goto(f"{base}/")
        search(watched, "Hiero-H")
        links = watched.page.locator(".md-search-result__item a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    # the dataset page that holds the row, then the row, before the paper's page
    assert "/datasets/cityscapes/" in links[0], links[:4]
    assert links[1].endswith("#cityscapes--test--hiero-h"), links[:4]


def test_a_model_name_finds_its_row_on_the_chinese_site(browser: object, site_repo: Path) -> None:
    """The Chinese site's search looks a query's Latin words up as they were indexed: the theme
    stemmed them there ("adapter" became "adapt", "mask2former" "mask2form"), so that only the
    name's last letter matched, as a prefix of many words."""
    (site_repo / "data/results/cityscapes/test/mask2former-adapter-l.yaml").write_text(
        "dataset: cityscapes\nsplit: test\nmodel: Mask2Former-Adapter-L\nmethod: Mask2Former\n"
        'backbone: Adapter-L\npaper: "1611.06612"\nmetrics:\n  miou: 70.20\nsource:\n'
        "  kind: paper\n  url: https://arxiv.org/abs/1611.06612\n  detail: Table 2\n",
        encoding="utf-8",
    )
    row = "#cityscapes--test--mask2former-adapter-l"
    with own_site(browser, site_repo) as (watched, base):
        for home in ("/", "/zh/"):
            watched.goto(f"{base}{home}")
            search(watched, "Mask2Former-Adapter-L")
            links = watched.page.locator(".md-search-result__item a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            rows = [link for link in links if "#" in link]
            assert rows[0].endswith(row), (home, rows[:4])
            # the words it matched, which the theme highlights on the page
            words = set(parse_qs(urlsplit(rows[0]).query)["h"][0].split())
            assert {"mask2former", "adapter", "l"} <= words, (home, words)


def test_search_for_a_model_leads_to_its_row(watched: Watched, base_url: str) -> None:
    for home, name in (("/", "RefineNet-ResNet-101"), ("/zh/", "RefineNet-ResNet-101")):
        watched.goto(f"{base_url}{home}")
        found = search(watched, "RefineNet")
        assert any(
            name in item and "#cityscapes--test--refinenet-resnet-101" in item for item in found
        )
        watched.page.locator(
            ".md-search-result__link[href$='#cityscapes--test--refinenet-resnet-101']"
        ).first.click()
        watched.page.wait_for_url(  # the theme adds ?h=<query> to highlight the words found
            lambda url: (
                "/datasets/cityscapes/" in url
                and url.endswith("#cityscapes--test--refinenet-resnet-101")
            )
        )
        row = watched.page.locator("#cityscapes--test--refinenet-resnet-101")
        assert row.is_visible() and row.locator("td").nth(1).inner_text().startswith(name)


def test_a_row_shows_its_provenance(watched: Watched, base_url: str) -> None:
    watched.goto(f"{base_url}/datasets/ade20k/")
    row = watched.page.locator("#ade20k--val--resnet-38-model-a1-2")
    details = row.locator("details.sb-more")
    assert not details.locator("dl").is_visible()
    details.locator("summary").click()
    text = details.locator("dl").inner_text()
    assert "metrics.scene-parsing-score corrected (published 61.56)" in text
    assert "data/results/ade20k/val/resnet-38-model-a1-2.yaml" in text
    assert "consistent: agrees with its components" in text  # the state, explained


def test_a_page_open_under_serve_shows_a_saved_change_by_itself(
    browser: object, site_repo: Path
) -> None:
    """`segboard serve`: the reader saves a record and the open page reloads with the new
    score, in both languages, without an error and without asking any other host."""
    with serving(site_repo) as (url, lines):
        pages = [Watched(browser), Watched(browser)]
        try:
            for page, lang in zip(pages, ("", "zh/"), strict=True):
                page.page.goto(f"{url}{lang}datasets/cityscapes/", wait_until="load")
                assert "78.51" in page.page.inner_text("body")
            record = site_repo / "data/results/cityscapes/test/deeplab-v3-resnet-101.yaml"
            record.write_text(record.read_text().replace("miou: 78.51", "miou: 78.57"))
            for page in pages:
                page.page.wait_for_function(
                    "document.body && document.body.innerText.includes('78.57')", timeout=120_000
                )
                page.check_clean()
        finally:
            for page in pages:
                page.context.close()
    assert any("rebuilt" in line for line in lines), lines


def axe_script() -> str:
    """axe-core, as `make test` fetched it from npm (pinned, integrity-checked)."""
    found = sorted((REPO / "build" / "test-cache").glob("axe-core-*/axe.min.js"))
    if not found:
        reason = "axe-core is not in build/test-cache (make test fetches it from npm)"
        if os.environ.get("SEGBOARD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SEGBOARD_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return found[-1].read_text(encoding="utf-8")


def serious_violations(watched: Watched, script: str) -> list[str]:
    watched.page.add_script_tag(content=script)
    found = watched.page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
    )
    return list(found)


PAGE_TYPES = (
    "/",
    "/datasets/ade20k/",
    "/datasets/cityscapes/",
    "/papers/1612.01105/",
    "/results/synthetic-streets--val--example-net/",
    "/metrics/",
    "/about/",
    "/contributing/",
    "/404.html",
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser: object, base_url: str, scheme: str) -> None:
    script = axe_script()
    watched = Watched(browser, colour_scheme=scheme)
    try:
        for prefix in ("", "/zh"):
            for path in PAGE_TYPES:
                watched.goto(f"{base_url}{prefix}{path}")
                if scheme == "dark":
                    watched.page.evaluate(
                        "document.body.setAttribute('data-md-color-scheme', 'slate')"
                    )
                if path.startswith("/datasets/"):  # every row's details open, every row shown
                    watched.page.evaluate(
                        "document.querySelectorAll('details').forEach(d => d.open = true);"
                        "document.querySelectorAll('tr[hidden]').forEach(r => r.hidden = false)"
                    )
                assert serious_violations(watched, script) == [], f"{prefix}{path} ({scheme})"
        watched.check_clean()
    finally:
        watched.context.close()


def test_the_live_site_reader_reports_what_a_reader_would_meet(
    built_site: Path, tmp_path: Path
) -> None:
    """tests/tools/browse_site.py, which `make test` runs on the site built from data/: quiet on
    a good site, and each kind of fault it looks for is reported on a damaged copy."""
    require_browser()
    tool = [sys.executable, str(REPO / "tests/tools/browse_site.py")]
    good = subprocess.run([*tool, str(built_site)], capture_output=True, text=True, timeout=600)
    assert good.returncode == 0, good.stderr
    assert "0 failure(s)" in good.stderr
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = site / "datasets/cityscapes/index.html"
    html = page.read_text(encoding="utf-8")
    # the best row's score as the page's script reads it, now the worst: ranked first still
    best = (
        'id="cityscapes--test--resnet-38-model-a2-2-coarse-ms" data-sb-pos="0" data-sb-score="80.6"'
    )
    assert best in html
    html = html.replace(best, best.replace('"80.6"', '"10.0"'))
    html = html.replace("</body>", '<img src="http://example.invalid/x.png" alt=""></body>')
    page.write_text(html, encoding="utf-8")
    # the script puts each chart label on its own dot, and a table is wider than a phone
    script = site / "assets/segboard.js"
    code = script.read_text(encoding="utf-8")
    placed = 'label.setAttribute("y", String(y(dot) + offsets[i]));'
    assert placed in code and "if (clear(box)) {" in code
    code = code.replace(placed, 'label.setAttribute("y", String(y(dot) + 4));')
    script.write_text(code.replace("if (clear(box)) {", "if (true) {"), encoding="utf-8")
    with (site / "assets/segboard.css").open("a", encoding="utf-8") as css:
        css.write(".md-typeset table.sb-home { min-width: 900px !important; }\n")
        # a short box whose header row scrolls away with the rows
        css.write(".sb-table-wrap.sb-scroll { max-height: 120px !important; }\n")
        css.write(
            ".md-typeset .sb-scroll table.sb-board thead th { position: static !important; }\n"
        )
    bad = subprocess.run([*tool, str(site)], capture_output=True, text=True, timeout=600)
    assert bad.returncode == 1
    assert (
        "cityscapes--test as built: cityscapes--test--resnet-38-model-a2-2-coarse-ms is shown "
        "'1', expected 6" in bad.stderr
    )
    assert "loads http://example.invalid/x.png" in bad.stderr
    assert (
        "cityscapes--test as built: chart: the running best crosses 'ResNet-38 Model A2-2 + "
        "Coarse + MS'" in bad.stderr
    )
    assert "at 390 px 2 table(s) scroll sideways" in bad.stderr  # the home page's two
    assert "scrolled to its end, a leaderboard's header row is at" in bad.stderr
    usage = subprocess.run([*tool, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "is not a site built by segboard" in usage.stderr
