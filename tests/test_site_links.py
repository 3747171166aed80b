"""Links between the built site's pages and from its search entries (contrib/site_links.py):
followed to their files and anchors, on the fixture repository's real MkDocs build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.contrib.site_links import check_site_links


@pytest.fixture
def site(built_site: Path, tmp_path: Path) -> Path:
    """A copy of the fixture repository's built site, to break."""
    return Path(shutil.copytree(built_site, tmp_path / "site"))


def test_every_link_and_search_entry_of_a_built_site_leads_somewhere(built_site: Path) -> None:
    found = check_site_links(built_site)
    assert found.problems == []
    assert found.links > 1000  # the tables' links to papers and rows are followed too
    entries = sum(
        len(json.loads(index.read_text(encoding="utf-8"))["docs"])
        for index in built_site.rglob("search/search_index.json")
    )
    assert found.search_entries == entries > 0


def test_broken_links_are_reported_at_their_line(site: Path) -> None:
    page = site / "papers/1612.01105/index.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines[4:4] = [
        '<a href="../../datasets/no-such-dataset/">a page the site lacks</a>',
        '<a href="../../datasets/cityscapes/#no-such-row">a row the page lacks</a>',
        '<a href="#no-such-heading">an anchor this page lacks</a>',
        '<a href="../../../../../etc/passwd">out of the site</a>',
        '<img src="/assets/images/favicon.png">',
        # these lead somewhere: an escaped query, an encoded fragment, another host, a file
        '<a href="../../datasets/cityscapes/?a=1&amp;b=2#cityscapes--test--pspnet-resnet-101">',
        '<a href="#results%2Dfrom-this-paper">encoded</a>',
        '<a href="https://example.org/missing">another host</a>',
        '<a href="mailto:maintainers@example.org">mail</a>',
        '<a href="../../downloads/segboard.json">a data file</a>',
        # another host's address that no URL reader reads (`segboard links` reports those)
        '<a href="http://[example.org]/">brackets</a><a href="//ex\uff03ample.org/">#</a>',
    ]
    page.write_text("\n".join(lines), encoding="utf-8")
    found = check_site_links(site)
    got = [(p.path, p.line, p.column, p.rule, p.message) for p in found.problems]
    assert got == [
        (page, 5, 10, "site-link", "../../datasets/no-such-dataset/: the site has no such file"),
        (
            page,
            6,
            10,
            "site-link",
            "../../datasets/cityscapes/#no-such-row: datasets/cityscapes/index.html has no "
            "element with the id 'no-such-row'",
        ),
        (
            page,
            7,
            10,
            "site-link",
            "#no-such-heading: papers/1612.01105/index.html has no element with the id "
            "'no-such-heading'",
        ),
        (page, 8, 10, "site-link", "../../../../../etc/passwd: it leads out of the site"),
        (
            page,
            9,
            11,
            "site-link",
            "/assets/images/favicon.png: a link from the host's root breaks when the site is "
            "served below a path",
        ),
    ]


def test_a_search_entry_that_leads_nowhere_is_reported(site: Path) -> None:
    index = site / "zh/search/search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["docs"].append({"location": "datasets/cityscapes/#gone", "title": "Gone-Net", "text": ""})
    data["docs"].append({"location": "papers/none/", "title": "Nowhere", "text": ""})
    index.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    messages = [p.message for p in check_site_links(site).problems]
    assert messages == [
        "the search entry 'Gone-Net' leads to 'datasets/cityscapes/#gone': "
        "zh/datasets/cityscapes/index.html has no element with the id 'gone'",
        "the search entry 'Nowhere' leads to 'papers/none/': the site has no such file",
    ]


def test_a_search_index_that_is_not_json_is_reported(site: Path) -> None:
    (site / "search/search_index.json").write_text("{not json", encoding="utf-8")
    problems = check_site_links(site).problems
    assert [(p.path.name, p.message) for p in problems] == [
        ("search_index.json", "the search index is not readable")
    ]
