"""The site's pages as ordinary Markdown (with raw HTML blocks), one set per language.

Any MkDocs-compatible engine can build what this module writes: pages are plain `.md` files,
tables and charts are raw HTML blocks (Markdown leaves them alone, which is also the fastest
thing for it to render), and links between pages are final directory-style URLs.

This module gathers what each page shows (record text, numbers, site paths) and renders it with
the Jinja2 templates in `templates/` beside it, which hold all of the markup; autoescaping is on.
It must not build HTML itself, and must not mark record text as safe: record text reaches a page
only through the templates' escaping or, in Markdown headings, the `md` filter (`md_text`).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from generator.records.model import SOURCE_KINDS, Catalog, Dataset, Metric, Paper, Result, Split
from generator.scores.metrics import per_class_accuracy, per_class_iou, scores
from generator.site import urls
from generator.site.board_block import (
    PAPER_RESULTS,
    ROOT,
    SPLIT,
    TAG,
    neutral_block,
    neutral_paper_results,
    placeholder,
    worded,
)
from generator.site.board_view import (
    BoardView,
    Row,
    SearchParts,
    board_chart,
    board_view,
    row_anchor,
    search_entries,
    search_parts,
)
from generator.site.charts import confusion_heatmap_svg
from generator.site.content import Block, Shared, SiteContent
from generator.site.downloads import DOWNLOADS
from generator.site.i18n import LANGUAGES, TAG_LABELS, UI, t
from generator.site.markup import esc
from generator.site.paper_list import brief, dataset_links, paper_boards, papers_listed
from generator.site.rendering import environment, markup
from generator.site.reuse import Pairs, digest
from generator.site.slot_parts import BOARD_ROW, PAPER_ROW, Part, SlotParts, rows_shown
from generator.site.slots import slot
from generator.site.urls import PAPERS_INDEX, page_url, relative, result_page

CHARTS = "charts"
# placeholders of a leaderboard block's per-language text besides the interface words
CAPTION, CHART_TITLE = "caption", "chart_title"


# the hand-written pages of docs/<lang>/ that the site publishes: the about page, and the
# introduction of the metrics page (the contributing page comes from CONTRIBUTING*.md)
HANDWRITTEN_PAGES = ("about.md", "metrics.md")


class PageWriter:
    """Writes one language's pages from the validated catalog."""

    def __init__(
        self,
        catalog: Catalog,
        lang: str,
        handwritten: dict[str, str],
        shared: Shared | None = None,
        edit_base: str | None = None,
    ) -> None:
        self.catalog = catalog
        self.lang = lang
        self.handwritten = handwritten  # 'about.md' -> text, in this language
        self.shared = shared or Shared.from_catalog(catalog)
        self.boards = self.shared.boards
        self.edit_base = edit_base
        # the downloads are the same in every language: written once, at the first one's root
        self.site_root = "" if lang == LANGUAGES[0] else "../"
        self.charts: dict[str, str] = {}
        self._escaped_words: dict[str, str] | None = None
        # the slots' contents, made by `finish` (after the Markdown, which the engine needs)
        self.parts = SlotParts()

    def t(self, key: str) -> str:
        return t(key, self.lang)

    # -- the whole site ------------------------------------------------------------------------

    def write(self, defer: bool = False) -> SiteContent:
        """Every page of this language; with `defer`, the slots' contents are made only when
        `finish` is called, so the engine can build the pages meanwhile."""
        content = SiteContent()
        content.pages["index.md"] = self.home()
        dataset_nav = []
        for dataset_id in sorted(self.catalog.datasets):
            dataset = self.catalog.datasets[dataset_id]
            path = urls.dataset_page(dataset_id)
            content.pages[path] = self.dataset_page(dataset, path)
            dataset_nav.append({esc(dataset.name): path})
        for paper in self.catalog.papers.values():
            path = urls.paper_page(paper.id)
            content.pages[path] = self.paper_page(paper, path)
        content.pages[PAPERS_INDEX] = self.papers_page()
        content.pages["metrics.md"] = self.metrics_page()
        for result in self.catalog.results:
            if result.id in self.shared.matrices:
                path = result_page(result.id)
                content.pages[path] = self.result_page(result, path)
        content.nav = [
            {self.t("home"): "index.md"},
            {self.t("datasets"): dataset_nav},
            {self.t("papers"): PAPERS_INDEX},  # not each paper: see papers.html.j2
            {self.t("metrics"): "metrics.md"},
        ]
        for name, key in (("contributing.md", "contributing"), ("about.md", "about")):
            if name in self.handwritten:
                content.pages[name] = self.handwritten[name]
                content.nav.append({self.t(key): name})
        content.files.update(self.charts)
        content.fragments, content.search = self.parts.fragments, self.parts.search
        if not defer:
            self.finish()
        return content

    def finish(self) -> None:
        """Make what fills the slots here, in page order (site/slot_parts.py can share it out)."""
        self.parts.finish()

    # -- pages ---------------------------------------------------------------------------------

    def home(self) -> str:
        page = "index.md"
        boards = []
        for board in self.boards:
            dataset = self.catalog.datasets[board["dataset"]]
            rows = board["rows"]
            href = relative(page, page_url(urls.dataset_page(dataset.id)))
            shown = {}  # the best and the newest result, each with a link to its row
            if rows:
                newest = max(rows, key=lambda r: (r["paper_date"] or "", -r["rank"]))
                for name, row in (("best", rows[0]), ("newest", newest)):
                    anchor = row_anchor(board["key"], row["result"])
                    shown[name] = brief(row, f"{href}#{anchor}")
            boards.append(
                {
                    "href": href,
                    "dataset": dataset.name,
                    "split": self._split_name(dataset, board["split"]),
                    "metric": board["metric_name"],
                    "count": len(rows),
                    "best": shown.get("best"),
                    "newest": shown.get("newest"),
                }
            )
        everything = relative(page, f"{self.site_root}{DOWNLOADS}/segboard.json")
        kinds = Counter(result.source_kind for result in self.catalog.results)
        sources = [(self.t(f"source_{kind}"), kinds[kind]) for kind in SOURCE_KINDS if kinds[kind]]
        return self._render(
            "home.md.j2",
            title=self.t("home"),
            boards_slot=self._fragment(page, "boards", "home_boards.html.j2", boards=boards),
            sources_slot=self._fragment(page, "sources", "home_sources.html.j2", sources=sources),
            everything=everything,
        )

    def dataset_page(self, dataset: Dataset, page: str) -> str:
        data = dataset.data
        paper = self.catalog.papers.get(data.get("paper", ""))
        conventions = data.get("label_conventions")
        return self._render(
            "dataset.md.j2",
            title=dataset.name,
            data=data,
            description=data["description"][self.lang],
            splits=[(self._name(split), split) for split in dataset.splits.values()],
            conventions=conventions["description"][self.lang] if conventions else None,
            paper=paper,
            sections=[
                self._board_section(dataset, board, page)
                for board in self.boards
                if board["dataset"] == dataset.id
            ],
        )

    def paper_page(self, paper: Paper, page: str) -> str:
        """The paper's facts, and one line per leaderboard with its results from the paper."""
        pairs = self.shared.by_paper.get(paper.id, [])
        make = functools.partial(self._paper_results, page, paper.id, pairs)
        self.parts.queue(page, make, PAPER_ROW * len(pairs))  # a page's path: no board's key
        datasets = dataset_links(self.catalog, page, self.shared.introduced.get(paper.id, ()))
        return self._render(
            "paper.md.j2",
            title=paper.title,
            paper=paper,
            datasets=datasets,
            results_slot=markup(slot("results")),
        )

    def _paper_results(self, page: str, paper_id: str, pairs: Pairs) -> Part:
        """The slot part of a paper's list of results in this language: worded from the list
        the first language renders for all (site/board_block.py), or what a process that
        builds again made of the same rows before."""
        parts, place = self.shared.paper_parts, (paper_id, self.lang)
        html = parts.get(place, pairs) if parts is not None else None
        if html is None:
            neutral = self.shared.paper_lists.get(paper_id)
            if neutral is None:
                boards = paper_boards(self.catalog, page, paper_id, pairs)
                key = digest(PAPER_RESULTS, boards) if self.shared.block_memo else ""
                neutral = self._kept(key, "", lambda: neutral_paper_results(boards))
                self.shared.paper_lists[paper_id] = neutral
            words = {**self._words(), ROOT: esc(relative(page, self.site_root))}
            html = worded(neutral, words)
        if parts is not None:
            parts.keep(place, pairs, html)
        return page_url(page), "results", html, []

    def papers_page(self) -> str:
        """Every paper (paper_list.py): a sentence, and a slot for the table."""
        papers = papers_listed(self.catalog)
        return self._render(
            "papers.md.j2",
            title=self.t("papers"),
            papers_slot=self._fragment(PAPERS_INDEX, "papers", "papers.html.j2", papers=papers),
        )

    def result_page(self, result: Result, page: str) -> str:
        """A verified result: what was recomputed, per class, and its confusion matrix."""
        matrix = self.shared.matrices[result.id]
        dataset = self.catalog.datasets[result.dataset]
        names = list(dataset.data["classes"])
        recomputed = scores(matrix)
        checked = [
            (
                self.catalog.metrics[metric_id].short_name,
                result.published_text(metric_id),
                f"{recomputed[metric_id]:.4f}",
            )
            for metric_id in result.metrics
            if metric_id in recomputed
        ]
        iou, accuracy, pixels = per_class_iou(matrix), per_class_accuracy(matrix), matrix.sum(1)
        classes = [
            (name, _percent(iou[i]), _percent(accuracy[i]), f"{int(pixels[i]):,}")
            for i, name in enumerate(names)
        ]
        chart = f"{CHARTS}/confusion--{result.id.replace('/', '--')}.svg"
        self.charts[chart] = confusion_heatmap_svg(matrix, names, self.t("confusion"))
        return self._render(
            "result.md.j2",
            title=result.model,
            dataset_href=relative(page, page_url(urls.dataset_page(dataset.id))),
            dataset=dataset.name,
            split=self._split_name(dataset, result.split),
            checked=checked,
            classes=classes,
            chart=relative(page, chart),
        )

    def metrics_page(self) -> str:
        intro = self.handwritten.get("metrics.md")
        metrics = [
            (metric, self._name(metric), *self._explained(metric.id))
            for metric in self.catalog.metrics.values()
        ]
        return self._render(
            "metrics.md.j2",
            title=self.t("metrics"),
            # docs/<lang>/metrics.md: the maintainers' own Markdown, which goes in as written
            intro=markup(intro.rstrip()) if intro else None,
            metrics=metrics,
        )

    # -- parts ---------------------------------------------------------------------------------

    def _render(self, name: str, **context: Any) -> str:
        """The template `name` rendered in this language (`t`: its words)."""
        template = environment().get_template(name)
        return template.render(context, t=self.t, lang=self.lang, tag_labels=TAG_LABELS)

    def _fragment(self, page: str, key: str, template: str, **context: Any) -> Markup:
        """The slot of a part of `page` that follows the results (site/slots.py), the part
        rendered from `template` and kept to fill the slot after the engine's build. The
        Markdown page then changes only when its own record does, and a rebuild after a
        changed result need not run the engine. The context is plain data, all the part is
        made from, so an earlier build's rendering is reused when it is the same."""

        def make() -> Part:
            made = digest(template, self.lang, context) if self.shared.block_memo else ""
            html = self._kept(made, "", lambda: self._render(template, **context))
            return page_url(page), key, html, []

        self.parts.queue(page, make, 0.0)  # a page's path: no leaderboard's key
        return markup(slot(key))

    def _board_section(self, dataset: Dataset, board: dict[str, Any], page: str) -> dict[str, Any]:
        """A leaderboard on its dataset's page: how it is ranked, and the slot of its block."""
        metric = self.catalog.metrics[board["metric"]]
        stem = relative(page, f"{self.site_root}{DOWNLOADS}/{board['key']}")
        split = self._split_name(dataset, board["split"])
        definition, formula = self._explained(metric.id)
        return {
            # a split with several leaderboards names the metric in each heading
            "split": f"{split} ({metric.short_name})" if board["shares_split"] else split,
            "metric": metric,
            "metric_name": self._name(metric),
            "metric_href": relative(page, f"{page_url('metrics.md')}#{metric.id}"),
            "definition": definition,
            "formula": formula,
            "csv": f"{stem}.csv",
            "json": f"{stem}.json",
            "block": markup(self._board_block(board, page)),
        }

    def _board_block(self, board: dict[str, Any], page: str) -> str:
        """What stands in the Markdown page for the leaderboard's block: an empty slot, filled
        after the engine's build (site/slots.py). A method of its own: the benchmark's
        baseline puts a Markdown table there instead."""
        make = functools.partial(self._fill_block, board, page)
        self.parts.queue(board["key"], make, BOARD_ROW * rows_shown(board))
        return slot(board["key"])

    def _fill_block(self, board: dict[str, Any], page: str) -> Part:
        """The leaderboard's block in this language, and its rows' search entries."""
        cached = self.shared.blocks.get(board["key"])
        if cached is None:  # the first language renders it for all (site/board_block.py)
            view = board_view(
                self.catalog,
                board,
                self._result_hrefs(page),
                self.edit_base,
                placeholder(ROOT),
                self.shared.by_id,
            )
            # what the block, its words and its search entries are made from: board and view
            key = digest(board, view) if self.shared.block_memo else ""
            neutral = self._kept(key, "", lambda: self._neutral_block(board, view))
            cached = self.shared.blocks[board["key"]] = Block(neutral, view, key)
        # the words and search entries are not kept in build/cache: reading a kept copy of a
        # large block takes longer than wording it again
        if self.lang not in cached.worded:
            if cached.search is None:
                cached.search = search_parts(board, cached.view, page_url(page))
            cached.worded[self.lang] = (
                worded(cached.neutral, self._block_words(board, page)),
                self._search_entries(board, cached.search),
            )
        block, entries = cached.worded[self.lang]
        return page_url(page), board["key"], block, entries

    def _kept(self, key: str, part: str, make: Callable[[], str]) -> str:
        """`make()`, or what an earlier build kept of it under the block's digest `key`."""
        memo = self.shared.block_memo
        if memo is None or not key:
            return make()
        return memo.get_or_make(f"{key}-{part}" if part else key, make)

    def _neutral_block(self, board: dict[str, Any], view: BoardView) -> str:
        # the chart's words as placeholders too: one chart serves every language
        chart = board_chart(board, view, placeholder(CHART_TITLE), placeholder("chart_x"))
        return neutral_block(
            {
                "board": board,
                "view": view,
                "caption": placeholder(CAPTION),
                "chart": markup(chart) if chart else None,
                "chart_title": placeholder(CHART_TITLE),
            }
        )

    def _block_words(self, board: dict[str, Any], page: str) -> dict[str, str]:
        """The words of a block's placeholders in this language, escaped."""
        words = dict(self._words())
        words[CAPTION] = esc(self._caption(board))
        words[CHART_TITLE] = esc(self._chart_title(board))
        words[ROOT] = esc(relative(page, self.site_root))
        return words

    def _words(self) -> dict[str, str]:
        """The words of every placeholder but a page's own (site/board_block.py) in this
        language, escaped: the interface's, the tags' and the splits' names."""
        if self._escaped_words is None:
            words = {key: esc(self.t(key)) for key in UI}
            words.update((TAG + tag, esc(names[self.lang])) for tag, names in TAG_LABELS.items())
            words.update(
                (f"{SPLIT}{dataset.id}:{split_id}", esc(self._name(split)))
                for dataset in self.catalog.datasets.values()
                for split_id, split in dataset.splits.items()
            )
            self._escaped_words = words
        return self._escaped_words

    def _search_entries(self, board: dict[str, Any], parts: SearchParts) -> list[Row]:
        dataset = self.catalog.datasets[board["dataset"]]
        return search_entries(parts, f"{dataset.name}, {self._split_name(dataset, board['split'])}")

    def _result_hrefs(self, page: str) -> dict[str, str]:
        """Links from `page` to the verified results' own pages."""
        return {rid: relative(page, page_url(result_page(rid))) for rid in self.shared.matrices}

    def _caption(self, board: dict[str, Any]) -> str:
        """'ADE20K, validation set: ranked by mIoU, higher is better'."""
        dataset = self.catalog.datasets[board["dataset"]]
        direction = self.t("higher_better" if board["higher_is_better"] else "lower_better")
        return self.t("board_caption").format(
            dataset=dataset.name,
            split=self._split_name(dataset, board["split"]),
            metric=board["metric_name"],
            direction=direction,
        )

    def _chart_title(self, board: dict[str, Any]) -> str:
        """'State of the art over time: ADE20K, validation set (mIoU)'."""
        dataset = self.catalog.datasets[board["dataset"]]
        split = self._split_name(dataset, board["split"])
        where = f"{dataset.name}, {split} ({board['metric_name']})"
        return f"{self.t('chart_title')}{self.t('colon')}{where}"

    def _split_name(self, dataset: Dataset, split_id: str) -> str:
        return self._name(dataset.splits[split_id])

    def _name(self, named: Split | Metric) -> str:
        """A split's or metric's name in this language."""
        return named.name_en if self.lang == "en" else named.name_zh

    def _explained(self, metric_id: str) -> tuple[str, str | None]:
        """The metric's definition in this language, and its formula (or None)."""
        document = self.catalog.metrics_document
        entries = document.data["metrics"] if document else []
        entry: dict[str, Any] = next((e for e in entries if e["id"] == metric_id), {})
        return entry.get("definition", {}).get(self.lang, ""), entry.get("formula")


def _percent(value: float) -> str:
    return "–" if value != value else f"{100 * value:.2f}"  # NaN: the class never occurs
