"""The list of papers and each paper's page, built by MkDocs from the fixture repository."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.records.places import paper_path
from generator.site import pages
from generator.site.build import build_site

PAPER_COUNT = 10  # tests/fixtures/repo/data/papers/


class Rows(HTMLParser):
    """The rows of the first table with `cls`: each a list of (cell text, cell links)."""

    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls, self.depth, self.done = cls, 0, False
        self.rows: list[list[tuple[str, list[str]]]] = []
        self.cell: tuple[list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and not self.done and self.cls in (found.get("class") or "").split():
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag == "td":
            self.cell = ([], [])
        elif self.cell is not None and tag == "a":
            self.cell[1].append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "td" and self.cell is not None:
            self.rows[-1].append(("".join(self.cell[0]).strip(), self.cell[1]))
            self.cell = None
        elif self.depth and tag == "table":
            self.depth, self.done = 0, True

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[0].append(data)


def table_rows(html: str, cls: str) -> list[list[tuple[str, list[str]]]]:
    parser = Rows(cls)
    parser.feed(html)
    return [row for row in parser.rows if row]  # the header row has no <td>


def sidebar_links(html: str) -> list[str]:
    """The links of the theme's main navigation (the left sidebar)."""
    start = html.index('class="md-nav md-nav--primary"')
    end = html.index('class="md-sidebar md-sidebar--secondary"', start)
    return re.findall(r'<a href="([^"]*)" class="md-nav__link', html[start:end])


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_the_sidebar_names_the_list_of_papers_not_each_paper(built_site: Path, prefix: str) -> None:
    html = (built_site / prefix / "papers/1612.01105/index.html").read_text(encoding="utf-8")
    links = sidebar_links(html)
    assert "../" in links  # the list of papers, from a paper's page
    assert not [link for link in links if re.search(r"\d{4}\.\d{5}", link)], links
    home = sidebar_links((built_site / prefix / "index.html").read_text(encoding="utf-8"))
    assert "papers/" in home


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_the_list_of_papers_shows_each_newest_first_with_its_results(
    built_site: Path, prefix: str
) -> None:
    html = (built_site / prefix / "papers/index.html").read_text(encoding="utf-8")
    rows = table_rows(html, "sb-papers")
    assert len(rows) == PAPER_COUNT
    dates = [row[1][0] for row in rows]
    assert dates == sorted(dates, reverse=True)
    # two papers of 2016-11: the same date, so in the order of their titles
    same_month = [row[0][0] for row in rows if row[1][0] == "2016-11"]
    assert same_month == sorted(same_month) and len(same_month) == 2
    by_link = {row[0][1][0]: row for row in rows}
    pspnet = by_link["../papers/1612.01105/"]
    assert pspnet[0][0] == "Pyramid Scene Parsing Network"
    assert pspnet[3][0] == "7"  # results that cite it, whatever their leaderboard
    assert pspnet[4][1] == [
        "../datasets/ade20k/",
        "../datasets/cityscapes/",
        "../datasets/pascal-voc-2012/",
        "../datasets/synthetic-streets/",
    ]
    assert pspnet[5][1] == ["https://github.com/hszhao/PSPNet"]
    # a dataset's own paper: no results cite it; it introduced the dataset
    dataset_paper = by_link["../papers/1604.01685/"]
    assert dataset_paper[3][0] == "0" and dataset_paper[4][1] == ["../datasets/cityscapes/"]
    assert "<caption>" in html and "data-sb-sortable" in html


def test_a_paper_page_lists_the_reproductions_that_cite_it(site_repo: Path) -> None:
    """A paper whose method is only reproduced (no claim of its own on that leaderboard) still
    shows those results on its page, marked and without a rank or a rank badge; the list of
    papers counts them."""
    result = site_repo / "data/results/cityscapes/val/pspnet-resnet-101-reproduced.yaml"
    result.write_text(
        "dataset: cityscapes\nsplit: val\nmodel: PSPNet-ResNet-101 (reproduced)\n"
        'method: PSPNet\nbackbone: ResNet-101\npaper: "1612.01105"\nmetrics:\n  miou: 79.10\n'
        "source:\n  kind: reproduction\n"
        "  url: https://github.com/example/reproductions/blob/main/README.md\n"
        "  detail: table 'Cityscapes val'\n",
        encoding="utf-8",
    )
    site = build_site(site_repo).site_dir
    page = (site / "papers/1612.01105/index.html").read_text(encoding="utf-8")
    board = page.split("Cityscapes</a> · validation set · mIoU", 1)[1].split("</ul>", 1)[0]
    row = "cityscapes--val--pspnet-resnet-101-reproduced"
    assert (
        f'<li><a href="../../datasets/cityscapes/#{row}">PSPNet-ResNet-101 (reproduced)</a>: '
        "79.10 (reproduction)</li>"
    ) in board
    assert "badge" not in board  # a badge shows a rank, which a reproduction has not
    assert f'<tr id="{row}"' in (site / "datasets/cityscapes/index.html").read_text()
    ranked = page.split("Cityscapes</a> · test set · mIoU", 1)[1].split("</ul>", 1)[0]
    assert "badges/cityscapes--test/1612.01105.svg" in ranked and ": 78.40 (Rank 4)" in ranked
    zh = (site / "zh/papers/1612.01105/index.html").read_text(encoding="utf-8")
    assert "PSPNet-ResNet-101 (reproduced)</a>：79.10 (复现)</li>" in zh
    rows = table_rows((site / "papers/index.html").read_text(encoding="utf-8"), "sb-papers")
    assert next(r for r in rows if r[0][1] == ["../papers/1612.01105/"])[3][0] == "8"


@pytest.mark.parametrize(
    ("prefix", "label"), [("", "Introduces the dataset"), ("zh/", "提出的数据集")]
)
def test_a_dataset_paper_links_to_the_dataset_it_introduces(
    built_site: Path, prefix: str, label: str
) -> None:
    """The page of a paper that a dataset names as its own says so, linking to the dataset;
    a paper no dataset names has no such line."""
    html = (built_site / prefix / "papers/1608.05442/index.html").read_text(encoding="utf-8")
    assert f'<tr><th>{label}</th><td><a href="../../datasets/ade20k/">ADE20K</a></td></tr>' in html
    method = (built_site / prefix / "papers/1612.01105/index.html").read_text(encoding="utf-8")
    assert f"<th>{label}</th>" not in method


def test_no_paper_takes_the_name_of_the_list_of_papers(repo: Path) -> None:
    with pytest.raises(UsageError, match="the site's list of papers has that name"):
        paper_path(repo, "index")
    assert paper_path(repo, "index-2020") == repo / "data/papers/index-2020.yaml"


def test_a_papers_list_of_results_is_rendered_once_for_both_languages(
    site_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each paper's list of results is rendered once, with placeholders for its words
    (site/board_block.py), and worded for each language: its split names, its words and the
    link up to the rank badges at the site's root are the language's own."""
    rendered: list[object] = []
    real = pages.neutral_paper_results

    def counting(boards: list[tuple[object, ...]]) -> str:
        rendered.append(boards)
        return real(boards)

    monkeypatch.setattr(pages, "neutral_paper_results", counting)
    site = build_site(site_repo, parallel=False, reuse=False).site_dir
    papers = list((site / "papers").glob("*/index.html"))
    assert len(rendered) == len(papers) > 1
    en = (site / "papers/1612.01105/index.html").read_text(encoding="utf-8")
    zh = (site / "zh/papers/1612.01105/index.html").read_text(encoding="utf-8")
    assert 'Cityscapes</a> · test set · mIoU · <a href="../../badges/cityscapes--test/' in en
    assert 'Cityscapes</a> · 测试集 · mIoU · <a href="../../../badges/cityscapes--test/' in zh
    assert ": 78.40 (Rank 4)" in en and "：78.40 (排名 4)" in zh
    assert "\x00" not in en + zh
