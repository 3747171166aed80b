"""The site's pages as ordinary Markdown (with raw HTML blocks), one set per language.

Any MkDocs-compatible engine can build what this module writes: pages are plain `.md` files,
tables and charts are raw HTML blocks (Markdown leaves them alone, which is also the fastest
thing for it to render), and links between pages are final directory-style URLs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from generator.site.charts import Point, confusion_heatmap_svg, progress_svg
from generator.scores.evidence import read_evidence
from generator.interop.leaderboard_files import to_csv_rows
from generator.ranking.boards import leaderboards
from .i18n import TAG_LABELS, t
from generator.site.markup import esc, internal, link, md_text
from generator.scores.metrics import per_class_accuracy, per_class_iou, scores
from generator.records.model import Catalog, Dataset, Paper, Result

DOWNLOADS = "downloads"
CHARTS = "charts"


def page_url(markdown_path: str) -> str:
    """'datasets/ade20k.md' -> 'datasets/ade20k/' (MkDocs' directory URLs); 'index.md' -> ''."""
    path = PurePosixPath(markdown_path)
    if path.name == "index.md":
        return "" if str(path.parent) == "." else f"{path.parent}/"
    return f"{path.with_suffix('')}/"


def relative(from_page: str, to_path: str) -> str:
    """A link from the page `from_page` (a .md path) to a site path ('papers/x/', 'a.csv')."""
    depth = page_url(from_page).count("/")
    return "../" * depth + to_path


@dataclass
class Shared:
    """What every language's pages are made from, computed once per build."""

    boards: list[dict[str, Any]]
    # paper id -> [(leaderboard, row)], in leaderboard order
    by_paper: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = field(default_factory=dict)
    # result id -> the HTML of its language-independent cells (model, score, weights, code)
    cells: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # verified result id -> its evidence's confusion matrix
    matrices: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Shared:
        shared = cls(leaderboards(catalog))
        for board in shared.boards:
            for row in board["rows"]:
                shared.by_paper.setdefault(row["paper_id"], []).append((board, row))
        for result in catalog.results:
            if result.id in catalog.verified and result.evidence:
                evidence = read_evidence(catalog.root / result.evidence["file"])
                shared.matrices[result.id] = evidence.matrix
        return shared

    def row_cells(self, row: dict[str, Any]) -> tuple[str, str, str, str]:
        cells = self.cells.get(row["result"])
        if cells is None:
            weights = " ".join(link(w["url"], w["framework"]) for w in row["weights_detail"])
            code = " ".join(link(c["url"], c["framework"]) for c in row["code_detail"])
            model = esc(row["model"])
            if row["result"] in self.matrices:  # a verified result has a page of its own
                # board tables stand on dataset pages, two folders below the site root
                href = f"../../{page_url(result_page(row['result']))}"
                model = f'<a href="{esc(href)}">{model}</a>'
            cells = (model, esc(row["score_text"]), weights, code)
            self.cells[row["result"]] = cells
        return cells


@dataclass
class SiteContent:
    """Everything one language's site needs: pages, data files, and the navigation."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)


class PageWriter:
    """Writes one language's pages from the validated catalog."""

    def __init__(
        self,
        catalog: Catalog,
        lang: str,
        handwritten: dict[str, str],
        shared: Shared | None = None,
    ) -> None:
        self.catalog = catalog
        self.lang = lang
        self.handwritten = handwritten  # 'about.md' -> text, in this language
        self.shared = shared or Shared.from_catalog(catalog)
        self.boards = self.shared.boards
        self.charts: dict[str, str] = {}

    def t(self, key: str) -> str:
        return t(key, self.lang)

    # -- the whole site ------------------------------------------------------------------------

    def write(self) -> SiteContent:
        content = SiteContent()
        content.pages["index.md"] = self.home()
        dataset_nav = []
        for dataset_id in sorted(self.catalog.datasets):
            dataset = self.catalog.datasets[dataset_id]
            path = f"datasets/{dataset_id}.md"
            content.pages[path] = self.dataset_page(dataset, path)
            dataset_nav.append({esc(dataset.name): path})
        paper_nav = []
        for paper in sorted(self.catalog.papers.values(), key=lambda p: (p.date, p.id)):
            path = f"papers/{paper.id}.md"
            content.pages[path] = self.paper_page(paper, path)
            paper_nav.append({esc(paper.title): path})
        content.pages["metrics.md"] = self.metrics_page()
        for result in self.catalog.results:
            if result.id in self.shared.matrices:
                path = result_page(result.id)
                content.pages[path] = self.result_page(result, path)
        content.nav = [
            {self.t("home"): "index.md"},
            {self.t("datasets"): dataset_nav},
            {self.t("papers"): paper_nav},
            {self.t("metrics"): "metrics.md"},
        ]
        for name, key in (("contributing.md", "contributing"), ("about.md", "about")):
            if name in self.handwritten:
                content.pages[name] = self.handwritten[name]
                content.nav.append({self.t(key): name})
        content.files.update(self.charts)
        return content

    # -- pages ---------------------------------------------------------------------------------

    def home(self) -> str:
        page = "index.md"
        rows = []
        for board in self.boards:
            dataset = self.catalog.datasets[board["dataset"]]
            href = relative(page, page_url(f"datasets/{dataset.id}.md"))
            board_rows = board["rows"]
            if board_rows:
                top = board_rows[0]
                best = f"{esc(top['model'])} <b>{esc(top['score_text'])}</b>"
                newest = max(board_rows, key=lambda r: (r["paper_date"] or "", -r["rank"]))
                newest_text = f"{esc(newest['model'])} ({esc(newest['paper_date'] or '')})"
            else:
                best = newest_text = esc(self.t("na"))
            rows.append(
                "<tr>"
                f"<td>{internal(href, dataset.name)}</td>"
                f"<td>{esc(self._split_name(dataset, board['split']))}</td>"
                f"<td>{esc(board['metric_name'])}</td>"
                f"<td>{best}</td>"
                f'<td data-sb-value="{len(board_rows)}">{len(board_rows)}</td>'
                f"<td>{newest_text}</td>"
                "</tr>"
            )
        header = "".join(
            f"<th>{esc(self.t(key))}</th>"
            for key in ("dataset", "leaderboard", "metric", "best", "results", "newest")
        )
        everything = relative(page, f"{DOWNLOADS}/segboard.json")
        return "\n".join(
            [
                _front_matter(self.t("home")),
                "# segboard",
                "",
                f'<p class="sb-lead">{esc(self.t("tagline"))}</p>',
                "",
                f"## {md_text(self.t('leaderboards'))}",
                "",
                '<div class="sb-table-wrap"><table class="sb-home">',
                f"<thead><tr>{header}</tr></thead>",
                "<tbody>",
                *rows,
                "</tbody></table></div>",
                "",
                f'<p class="sb-meta"><a href="{esc(everything)}" download>'
                f"{esc(self.t('all_data'))}</a></p>",
                "",
            ]
        )

    def dataset_page(self, dataset: Dataset, page: str) -> str:
        data = dataset.data
        lines = [
            _front_matter(dataset.name),
            f"# {md_text(dataset.name)}",
            "",
            f'<p class="sb-lead">{esc(data["description"][self.lang])}</p>',
            "",
            f"## {md_text(self.t('facts'))}",
            "",
            self._facts_table(dataset),
            "",
        ]
        for board in (b for b in self.boards if b["dataset"] == dataset.id):
            split_name = self._split_name(dataset, board["split"])
            lines += [
                f"## {md_text(self.t('leaderboard') + self.t('colon') + split_name)}",
                "",
                self._board_meta(board, page),
                "",
                self._board_table(board),
                "",
                self._chart(board, page),
                "",
            ]
        return "\n".join(lines)

    def paper_page(self, paper: Paper, page: str) -> str:
        facts = [
            (self.t("date"), esc(paper.date)),
            (self.t("paper"), link(paper.url, paper.url)),
        ]
        if paper.venue:
            facts.append((self.t("venue"), esc(paper.venue)))
        if paper.code:
            items = "".join(
                f"<li>{link(c.url, c.framework)} "
                f"({esc(self.t('official' if c.official else 'unofficial'))})</li>"
                for c in paper.code
            )
            facts.append((self.t("code"), f"<ul>{items}</ul>"))
        results = self.shared.by_paper.get(paper.id, [])
        lines = [
            _front_matter(paper.title),
            f"# {md_text(paper.title)}",
            "",
            _facts(facts),
            "",
            f"## {md_text(self.t('paper_results'))}",
            "",
        ]
        if results:
            lines += [self._paper_results(page, results), ""]
        else:
            lines += [f"<p>{esc(self.t('no_results'))}</p>", ""]
        return "\n".join(lines)

    def _paper_results(
        self, page: str, results: list[tuple[dict[str, Any], dict[str, Any]]]
    ) -> str:
        """One line per leaderboard: its results from this paper, with score and rank."""
        by_board: dict[tuple[str, str], list[dict[str, Any]]] = {}
        boards: dict[tuple[str, str], dict[str, Any]] = {}
        for board, row in results:
            key = (board["dataset"], board["split"])
            by_board.setdefault(key, []).append(row)
            boards[key] = board
        items = []
        for key, rows in by_board.items():
            board = boards[key]
            dataset = self.catalog.datasets[board["dataset"]]
            href = relative(page, page_url(f"datasets/{dataset.id}.md"))
            entries = ", ".join(
                f"{row['model']} {row['score_text']} ({self.t('rank')} {row['rank']})"
                for row in rows
            )
            items.append(
                f"<li>{internal(href, dataset.name)} · "
                f"{esc(self._split_name(dataset, board['split']))} · "
                f"{esc(board['metric_name'])}{esc(self.t('colon'))}{esc(entries)}</li>"
            )
        return f'<ul class="sb-paper-results">{"".join(items)}</ul>'

    def result_page(self, result: Result, page: str) -> str:
        """A verified result: what was recomputed, per class, and its confusion matrix."""
        matrix = self.shared.matrices[result.id]
        dataset = self.catalog.datasets[result.dataset]
        names = list(dataset.data["classes"])
        recomputed = scores(matrix)
        facts = [
            (
                self.t("dataset"),
                internal(relative(page, page_url(f"datasets/{dataset.id}.md")), dataset.name),
            ),
            (self.t("split"), esc(self._split_name(dataset, result.split))),
            (self.t("check"), esc(self.t("verified_tip"))),
        ]
        for metric_id in result.metrics:
            if metric_id in recomputed:
                short = self.catalog.metrics[metric_id].short_name
                facts.append(
                    (
                        short,
                        f"{esc(result.published_text(metric_id))} ({recomputed[metric_id]:.4f})",
                    )
                )
        iou, accuracy = per_class_iou(matrix), per_class_accuracy(matrix)
        pixels = matrix.sum(axis=1)
        rows = "".join(
            f"<tr><td>{esc(name)}</td><td>{_percent(iou[i])}</td><td>{_percent(accuracy[i])}</td>"
            f"<td>{int(pixels[i]):,}</td></tr>"
            for i, name in enumerate(names)
        )
        header = "".join(
            f'<th data-sb-sort="{kind}">{esc(label)}</th>'
            for kind, label in (
                ("text", self.t("class_names")),
                ("number", "IoU"),
                ("number", self.t("accuracy")),
                ("number", self.t("pixels")),
            )
        )
        chart = f"{CHARTS}/confusion--{result.id.replace('/', '--')}.svg"
        self.charts[chart] = confusion_heatmap_svg(matrix, names, self.t("confusion"))
        href = esc(relative(page, chart))
        return "\n".join(
            [
                _front_matter(result.model),
                f"# {md_text(result.model)}",
                "",
                _facts(facts),
                "",
                f"## {md_text(self.t('per_class'))}",
                "",
                '<div class="sb-table-wrap"><table class="sb-board sb-plain" data-sb-sortable>',
                f"<thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></div>",
                "",
                f"## {md_text(self.t('confusion'))}",
                "",
                f'<figure class="sb-chart sb-heatmap"><a href="{href}"><img src="{href}" '
                f'alt="{esc(self.t("confusion"))}"></a>'
                f"<figcaption>{esc(self.t('confusion_caption'))}</figcaption></figure>",
                "",
            ]
        )

    def metrics_page(self) -> str:
        lines = [_front_matter(self.t("metrics"))]
        intro = self.handwritten.get("metrics.md")
        lines.append(intro.rstrip() if intro else f"# {md_text(self.t('metrics'))}")
        lines.append("")
        document = self.catalog.metrics_document
        entries = {e["id"]: e for e in document.data["metrics"]} if document else {}
        for metric in self.catalog.metrics.values():
            entry = entries[metric.id]
            name = metric.name_en if self.lang == "en" else metric.name_zh
            facts = [
                (self.t("range"), f"{metric.minimum:g} – {metric.maximum:g}"),
                (
                    self.t("ranked_by"),
                    esc(self.t("higher_better" if metric.higher_is_better else "lower_better")),
                ),
            ]
            formula = self._formula(metric.id)
            if formula:
                facts.append((self.t("formula"), f"<code>{esc(formula)}</code>"))
            if metric.components:
                facts.append((self.t("derived_from"), esc(", ".join(metric.components))))
            lines += [
                f"## {md_text(metric.short_name + self.t('colon') + name)} {{#{metric.id}}}",
                "",
                f"<p>{esc(entry['definition'][self.lang])}</p>",
                "",
                _facts(facts),
                "",
            ]
        return "\n".join(lines)

    # -- parts ---------------------------------------------------------------------------------

    def _split_name(self, dataset: Dataset, split_id: str) -> str:
        split = dataset.splits[split_id]
        return split.name_en if self.lang == "en" else split.name_zh

    def _facts_table(self, dataset: Dataset) -> str:
        data = dataset.data
        classes = ", ".join(data["classes"])
        split_items = []
        for split in dataset.splits.values():
            name = split.name_en if self.lang == "en" else split.name_zh
            labels = self.t(f"labels_{split.labels}")
            split_items.append(
                f"<li>{esc(name)} (<code>{esc(split.id)}</code>): {split.images:,} "
                f"{esc(self.t('images'))}, {esc(labels)}</li>"
            )
        facts = [
            (
                self.t("classes"),
                f"{data['num_classes']} <details><summary>{esc(self.t('class_names'))}"
                f"</summary>{esc(classes)}</details>",
            ),
            (self.t("splits"), f"<ul>{''.join(split_items)}</ul>"),
            (self.t("ignore_label"), esc(data["ignore_label"])),
        ]
        conventions = data.get("label_conventions")
        if conventions:
            facts.append((self.t("label_conventions"), esc(conventions["description"][self.lang])))
        facts.append((self.t("homepage"), link(data["homepage"], data["homepage"])))
        paper = self.catalog.papers.get(data.get("paper", ""))
        if paper is not None:
            facts.append((self.t("paper"), link(paper.url, paper.title)))
        return _facts(facts)

    def _board_meta(self, board: dict[str, Any], page: str) -> str:
        metric = self.catalog.metrics[board["metric"]]
        name = metric.name_en if self.lang == "en" else metric.name_zh
        direction = self.t("higher_better" if metric.higher_is_better else "lower_better")
        metric_href = relative(page, f"{page_url('metrics.md')}#{metric.id}")
        stem = relative(page, f"{DOWNLOADS}/{board['dataset']}--{board['split']}")
        text = self.t("ranked_sentence").format(
            metric=internal(metric_href, metric.short_name, name),
            name=esc(name),
            direction=esc(direction),
        )
        text += f" {esc(self._definition(metric.id))}"
        formula = self._formula(metric.id)
        if formula:
            text += self.t("formula_sentence").format(formula=f"<code>{esc(formula)}</code>")
        links = (
            f'<a href="{esc(stem)}.csv" download>CSV</a> · '
            f'<a href="{esc(stem)}.json" download>JSON</a>'
        )
        text += self.t("download_sentence").format(links=links)
        return f'<p class="sb-meta">{text}</p>'

    def _catalogue_entry(self, metric_id: str) -> dict[str, Any]:
        document = self.catalog.metrics_document
        entries = document.data["metrics"] if document else []
        return next((e for e in entries if e["id"] == metric_id), {})

    def _formula(self, metric_id: str) -> str | None:
        return self._catalogue_entry(metric_id).get("formula")

    def _definition(self, metric_id: str) -> str:
        definition: dict[str, str] = self._catalogue_entry(metric_id).get("definition", {})
        return definition.get(self.lang, "")

    def _board_table(self, board: dict[str, Any]) -> str:
        if not board["rows"]:
            return f"<p>{esc(self.t('no_results'))}</p>"
        header = (
            f'<th data-sb-sort="number" aria-sort="ascending">{esc(self.t("rank"))}</th>'
            f'<th data-sb-sort="text">{esc(self.t("model"))}</th>'
            f'<th data-sb-sort="number">{esc(board["metric_name"])}</th>'
            f"<th>{esc(self.t('tags'))}</th>"
            f'<th data-sb-sort="text">{esc(self.t("check"))}</th>'
            f"<th>{esc(self.t('weights'))}</th>"
            f'<th data-sb-sort="text">{esc(self.t("paper"))}</th>'
            f"<th>{esc(self.t('code'))}</th>"
        )
        na = esc(self.t("na"))
        states = ("claimed", "consistent", "verified")
        tips = {state: esc(self.t(state + "_tip")) for state in states}
        marks = {state: esc(self.t(state)) for state in states}
        rows = []
        for row in board["rows"]:
            tags = " · ".join(
                TAG_LABELS[tag][self.lang]
                for tag in (*row["extra_training_data"], *row["test_time_augmentation"])
            )
            model, score, weights, code = self.shared.row_cells(row)
            state = row["verification"]
            year = (row["paper_date"] or "")[:4]
            paper_cell = (
                link(row["paper"], f"{self.t('read_paper')} {year}", title=row["paper_title"])
                if row["paper"]
                else na
            )
            weights_td = "<td>" if weights else '<td class="sb-na">'
            code_td = "<td>" if code else '<td class="sb-na">'
            rows.append(
                "<tr>"
                f"<td>{row['rank']}</td><td>{model}</td><td>{score}</td><td>{esc(tags)}</td>"
                f'<td class="sb-{state}" title="{tips[state]}">{marks[state]}</td>'
                f"{weights_td}{weights or na}</td>"
                f"<td>{paper_cell}</td>"
                f"{code_td}{code or na}</td>"
                "</tr>"
            )
        return "\n".join(
            [
                '<div class="sb-table-wrap"><table class="sb-board" data-sb-sortable>',
                f"<thead><tr>{header}</tr></thead>",
                "<tbody>",
                *rows,
                "</tbody></table></div>",
            ]
        )

    def _chart(self, board: dict[str, Any], page: str) -> str:
        points = [
            Point(row["paper_date"], row["score"], row["model"], row["score_text"])
            for row in board["rows"]
            if row["paper_date"]
        ]
        title = self.t("chart_title")
        svg = progress_svg(
            points, board["higher_is_better"], title, self.t("chart_x"), board["metric_name"]
        )
        if not svg:
            return ""
        path = f"{CHARTS}/{board['dataset']}--{board['split']}.svg"
        self.charts[path] = svg
        href = esc(relative(page, path))
        return (
            f'<figure class="sb-chart"><a href="{href}">'
            f'<img src="{href}" alt="{esc(title)}" width="720" height="340" loading="lazy"></a>'
            f"<figcaption>{esc(title)}</figcaption></figure>"
        )


def result_page(result_id: str) -> str:
    """'cityscapes/val/x' -> 'results/cityscapes--val--x.md'."""
    return f"results/{result_id.replace('/', '--')}.md"


def _percent(value: float) -> str:
    return "–" if value != value else f"{100 * value:.2f}"  # NaN: the class never occurs


def download_files(catalog: Catalog, boards: list[dict[str, Any]]) -> dict[str, str]:
    """The data files beside the leaderboards (the same in every language)."""
    files = {f"{DOWNLOADS}/segboard.json": _json(boards)}
    for board in boards:
        stem = f"{DOWNLOADS}/{board['dataset']}--{board['split']}"
        files[f"{stem}.json"] = _json(board)
        files[f"{stem}.csv"] = to_csv_rows(catalog, [board])
    return files


def _front_matter(title: str) -> str:
    """YAML front matter giving the page title, escaped: themes insert it into HTML as is."""
    return f"---\ntitle: {json.dumps(esc(title), ensure_ascii=False)}\n---\n"


def _facts(facts: list[tuple[str, str]]) -> str:
    rows = "".join(f"<tr><th>{esc(name)}</th><td>{value}</td></tr>" for name, value in facts)
    return f'<table class="sb-facts"><tbody>{rows}</tbody></table>'


def _json(value: Any) -> str:
    # compact: json's C encoder is used only without indentation (20x faster on 10,000 rows)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
