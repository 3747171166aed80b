"""The static site: real MkDocs builds of the seed data and of hostile records."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from generator.records.validation import validate_repository
from generator.site.build import build_site, write_pages
from generator.site.urls import page_url

from .conftest import REPO, run_segboard

DATASETS = ["ade20k", "cityscapes", "pascal-context", "pascal-voc-2012"]
HOSTILE_MODEL = '<script>alert("model")</script> | *star* _under_ `tick` & <b>bold</b>'
HOSTILE_TITLE = '</title><script>alert("title")</script> A & B | *C*'


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_exists_in_both_languages(built_site: Path) -> None:
    for prefix in ("", "zh/"):
        assert (built_site / prefix / "index.html").is_file()
        for dataset in DATASETS:
            assert (built_site / prefix / "datasets" / dataset / "index.html").is_file()
        for page in ("metrics", "contributing", "about", "papers/1612.01105"):
            assert (built_site / prefix / page / "index.html").is_file(), page
    english = (built_site / "datasets/ade20k/index.html").read_text()
    chinese = (built_site / "zh/datasets/ade20k/index.html").read_text()
    assert "Leaderboard: validation set" in english
    assert "The ranking score of the MIT Scene Parsing challenge" in english  # metric definition
    assert "<code>(pixel accuracy + mIoU) / 2</code>" in english  # and its formula
    assert "MIT 场景解析挑战赛的排名得分" in chinese
    assert "排行榜：验证集" in chinese
    assert 'id="排行榜验证集"' in chinese  # heading anchors keep their Chinese text
    assert '<html lang="zh"' in chinese


def test_tables_show_the_ranked_rows(built_site: Path) -> None:
    page = (built_site / "datasets/cityscapes/index.html").read_text()
    table = page.split('id="leaderboard-test-set"', 1)[1].split("</table>", 1)[0]
    row_start = r'<tr id="cityscapes--test--[^"]+"[^>]*>\n'
    ranks = re.findall(row_start + r'<td data-label="Rank">(\d+)</td>', table)
    assert ranks == ["1", "2", "3", "4", "4", "6"]  # the tie at 78.40 shares rank 4
    assert "78.40" in table and "Cityscapes coarse" in table
    assert '<td data-label="Weights" class="sb-na">N/A</td>' in table
    assert 'title="Pyramid Scene Parsing Network"' in table  # paper title on hover
    assert ">Caffe</a>" in table  # weights and code labelled by framework


def test_downloads_beside_each_leaderboard(built_site: Path) -> None:
    downloads = built_site / "downloads"
    assert (downloads / "segboard.json").is_file()
    for name in ("ade20k--val", "cityscapes--test", "pascal-context--val"):
        assert (downloads / f"{name}.csv").read_text().startswith("result,dataset,split")
        assert (downloads / f"{name}.json").read_text().startswith("{")
    page = (built_site / "datasets/ade20k/index.html").read_text()
    assert 'href="../../downloads/ade20k--val.csv" download' in page
    with (downloads / "ade20k--val.csv").open(newline="") as handle:
        rows = {row["result"]: row for row in csv.DictReader(handle)}
    corrected = rows["ade20k/val/resnet-38-model-a1-2"]
    assert corrected["verification"] == "consistent"
    assert corrected["corrected_fields"] == "metrics.scene-parsing-score"
    assert corrected["corrections"] == "metrics.scene-parsing-score=61.56"  # as published
    # written once: the Chinese pages link to the same files at the site's root
    chinese = (built_site / "zh/datasets/ade20k/index.html").read_text()
    assert 'href="../../../downloads/ade20k--val.csv" download' in chinese
    assert not (built_site / "zh/downloads").exists()


def test_charts_are_inline_svg_with_a_step_line_and_points_tied_to_rows(built_site: Path) -> None:
    page = (built_site / "datasets/pascal-voc-2012/index.html").read_text()
    assert page.count('<figure class="sb-chart">') == 2
    chart = page.split('<svg class="sb-progress"', 1)[1].split("</svg>", 1)[0]
    assert 'aria-label="State of the art over time: PASCAL VOC 2012, validation set' in chart
    assert "<title>DeepLab_v2: 79.00 (2016-06)</title>" in chart
    assert "<title>DeepLab_v3-Xception-65 + COCO: 83.58 (2018-02)</title>" in chart
    assert '<path class="sb-p-best" d="M' in chart
    # every point names its row, which is on the page; only the running best is labelled
    rows = re.findall(r'<circle [^>]*data-sb-row="([^"]+)"', chart)
    assert rows and all(f'<tr id="{row}"' in page for row in rows)
    labels = re.findall(r'<text class="sb-p-label"[^>]*data-sb-row="([^"]+)"', chart)
    best = re.findall(r'<circle class="sb-p-dot sb-p-on-best"[^>]*data-sb-row="([^"]+)"', chart)
    # the best of all is labelled first; the others where there is room (tests/test_charts.py)
    assert set(labels) <= set(best) and labels[0] == best[-1] and 0 < len(best) <= len(rows)
    assert not (built_site / "charts/pascal-voc-2012--val.svg").exists()  # inline, not a file
    assert chart.count("<circle") == 2  # every result is a point
    assert chart.count('class="sb-p-best"') == 1  # one running-best step line
    chinese = (built_site / "zh/datasets/pascal-voc-2012/index.html").read_text()
    assert "论文日期" in chinese.split('<svg class="sb-progress"', 1)[1].split("</svg>", 1)[0]


def test_the_site_loads_nothing_from_other_hosts(built_site: Path) -> None:
    external = re.compile(
        r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=\"(?:https?:)?//",
        re.IGNORECASE,
    )
    for path in html_files(built_site):
        text = path.read_text()
        assert not external.search(text), path
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
    for css in built_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text()), css


def test_only_http_links_are_emitted(built_site: Path) -> None:
    for path in html_files(built_site):
        for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', path.read_text()):
            scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", href)
            assert scheme is None or scheme.group(1) in ("http", "https"), (path, href)


def test_two_builds_are_byte_identical(site_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = tree_digest(build_site(site_repo, site_repo / "one").site_dir)
    second = tree_digest(build_site(site_repo, site_repo / "two").site_dir)
    assert first == second
    assert len(first) > 80


def test_a_failed_build_leaves_the_previous_site(site_repo: Path) -> None:
    site = build_site(site_repo).site_dir
    before = tree_digest(site)
    about = site_repo / "docs/en/about.md"
    about.write_text(about.read_text() + "\nSee [a page that does not exist](nowhere.md).\n")
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 1
    assert "the site did not build" in completed.stderr and "nowhere.md" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert tree_digest(site) == before
    assert sorted(p.name for p in site_repo.iterdir() if p.name.startswith(".site")) == []


def test_bad_data_builds_nothing(site_repo: Path) -> None:
    record = site_repo / "data/results/cityscapes/test/pspnet-resnet-101.yaml"
    record.write_text(record.read_text().replace("miou: 78.40", "miou: 178.40"))
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 1
    assert "the data has 1 error(s); fix them before building" in completed.stderr
    assert (
        "data/results/cityscapes/test/pspnet-resnet-101.yaml:9:3: error: miou is 178.40"
        in completed.stderr
    )
    assert not (site_repo / "site").exists()


def add_hostile_records(root: Path) -> None:
    (root / "data/papers/hostile2020.yaml").write_text(
        f'id: hostile2020\ntitle: "{HOSTILE_TITLE.replace(chr(34), chr(92) + chr(34))}"\n'
        'url: https://example.org/paper\ndate: "2020-05"\n'
    )
    (root / "data/results/ade20k/val/hostile.yaml").write_text(
        f"dataset: ade20k\nsplit: val\nmodel: '{HOSTILE_MODEL}'\nmethod: Hostile\n"
        "paper: hostile2020\nmetrics:\n  scene-parsing-score: 70.00\n"
        "source:\n  kind: paper\n  url: https://example.org/paper\n"
    )


@pytest.fixture
def hostile_site(site_repo: Path) -> Path:
    add_hostile_records(site_repo)
    return build_site(site_repo).site_dir


def test_names_cannot_inject_markup(hostile_site: Path) -> None:
    for path in html_files(hostile_site):
        text = path.read_text()
        assert '<script>alert("' not in text, path
        assert "<b>bold</b>" not in text, path
    page = (hostile_site / "datasets/ade20k/index.html").read_text()
    assert (
        '<td data-label="Model" data-sb-value="&lt;script&gt;alert(&#34;model&#34;)&lt;/script'
        '&gt; | *star* _under_ `tick` &amp; &lt;b&gt;bold&lt;/b&gt;">&lt;script&gt;alert(&#34;'
        "model&#34;)&lt;/script&gt; | *star* _under_ `tick` &amp; &lt;b&gt;bold&lt;/b&gt;<details"
    ) in page
    paper = (hostile_site / "papers/hostile2020/index.html").read_text()
    assert "<title>&lt;/title&gt;&lt;script&gt;" in paper
    # the theme's search shows an entry's title and text as HTML: a row's entry is escaped
    for index in (
        hostile_site / "search/search_index.json",
        hostile_site / "zh/search/search_index.json",
    ):
        entries = json.loads(index.read_text())["docs"]
        (row,) = [e for e in entries if e["location"].endswith("#ade20k--val--hostile")]
        assert row["title"] == str(escape(HOSTILE_MODEL))
        assert "<" not in row["title"] + row["text"] and '"' not in row["title"]


def test_every_kind_of_page_shows_record_text_only_as_text(repo: Path) -> None:
    """Hostile names of a dataset, split, class, verified result, paper and metric, and a paper
    URL that would leave its attribute, reach every kind of generated page escaped."""
    quoted = json.dumps(HOSTILE_MODEL)  # a JSON string is a YAML double-quoted scalar
    edits = {
        "results/synthetic-streets/val/example-net.yaml": {"model: Example-Net": "model: {}"},
        "datasets/synthetic-streets.yaml": {
            "name: Synthetic streets": "name: {}",
            "en: validation set": "en: {}",
            "classes: [object,": "classes: [{},",
        },
        "papers/1612.01105.yaml": {'title: "Pyramid Scene Parsing Network"': "title: {}"},
        "metrics.yaml": {"en: pixel accuracy": "en: {}", "zh: 像素准确率": "zh: {}"},
    }
    for name, replacements in edits.items():
        path = repo / "data" / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements.items():
            assert old in text, (name, old)
            text = text.replace(old, new.format(quoted), 1)
        path.write_text(text, encoding="utf-8")
    (repo / "data/papers/hostile2020.yaml").write_text(
        f'id: hostile2020\ntitle: {quoted}\ndate: "2020-05"\n'
        'url: https://example.org/paper"onmouseover="alert(1)\n'
    )
    report = validate_repository(repo)
    assert report.ok, report.errors
    contents = write_pages(repo, report.catalog)
    kinds = [
        "index.md",
        "datasets/synthetic-streets.md",
        "papers/1612.01105.md",
        "papers/hostile2020.md",
        "results/synthetic-streets--val--example-net.md",
        "metrics.md",
    ]
    for lang, content in contents.items():
        for page in kinds:  # the page, with the final HTML that fills its slots
            text = content.pages[page] + "".join(content.fragments.get(page_url(page), {}).values())
            assert "&lt;script&gt;alert" in text, (lang, page)  # shown...
            assert "<script" not in text and "<b>bold</b>" not in text, (lang, page)  # as text
            assert '"onmouseover="' not in text, (lang, page)
    paper = contents["en"].pages["papers/hostile2020.md"]
    assert "<td>https://example.org/paper&#34;onmouseover=&#34;alert(1)</td>" in paper


def test_build_command_reports_what_it_did(site_repo: Path) -> None:
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 0, completed.stderr
    assert re.search(
        r"built \d+ pages into .*site \(pages [0-9.]+ s, then MkDocs", completed.stderr
    )
    assert (site_repo / "build/docs/en/datasets/ade20k.md").is_file()
    assert (site_repo / "build/docs/zh/datasets/ade20k.md").is_file()


def test_the_home_page_counts_results_by_source_kind(built_site: Path) -> None:
    fixture = Path(__file__).parent / "fixtures/repo/data/results"
    model_zoo = sum("  kind: model-zoo" in p.read_text() for p in fixture.rglob("*.yaml"))
    page = (built_site / "index.html").read_text()
    table = page.split('class="sb-home sb-sources"', 1)[1].split("</table>", 1)[0]
    assert f"<tr><td>the authors&#39; repository or model zoo</td><td>{model_zoo}</td></tr>" in (
        table
    )
    assert "一手" not in table and "第三方" not in table  # the English page is in English


def test_the_home_page_links_each_board_s_best_and_newest_result_to_its_row(
    built_site: Path,
) -> None:
    for home in (built_site, built_site / "zh"):
        page = (home / "index.html").read_text()
        table = page.split('class="sb-home sb-cards"', 1)[1].split("</table>", 1)[0]
        links = re.findall(r'<a href="(datasets/[^"#]+/)#([^"]+)">([^<]+)</a>', table)
        boards = table.count("<tr><td")
        assert boards and len(links) == 2 * boards, table  # every board's best and newest
        for folder, anchor, model in links:
            target = (home / folder / "index.html").read_text()
            row = target.split(f'<tr id="{anchor}"', 1)[1].split("</tr>", 1)[0]
            assert f">{model}<" in row


def test_tables_have_captions_titles_and_marked_corrections(built_site: Path) -> None:
    page = (built_site / "datasets/ade20k/index.html").read_text()
    assert "<caption>ADE20K, validation set: ranked by Score, higher is better</caption>" in page
    chart = '<svg class="sb-progress" viewBox="0 0 720 340" role="group" aria-label="State of the'
    assert f"{chart} art over time: ADE20K, validation set (Score)" in page
    # ResNet-38 Model A1-2's score was corrected from the published 61.56
    row = page.split(">ResNet-38 Model A1-2<", 1)[1].split("</tr>", 1)[0]
    assert '61.95<span class="sb-corrected" title="Corrected from the primary source; ' in row
    assert 'published 61.56">*</span>' in row
    title = "Wider or Deeper: Revisiting the ResNet Model for Visual Recognition"
    assert f">{title} (2016, Pattern Recognition 2019)</a>" in row  # year, and venue
    # every table the generator writes has a caption (the contributing page is hand-written)
    for path in html_files(built_site):
        if "contributing" not in path.parts:
            text = path.read_text()
            assert text.count("<table") == len(re.findall(r"<table[^>]*>\s*<caption", text)), path
    facts = '<table class="sb-facts"><caption class="sb-sr-only">Facts about ADE20K</caption>'
    assert facts in page
    chinese = (built_site / "zh/papers/1612.01105/index.html").read_text()
    assert (
        '<caption class="sb-sr-only">Pyramid Scene Parsing Network的基本信息</caption>' in chinese
    )
    home = (built_site / "index.html").read_text()
    assert "<caption>Each leaderboard, with its best and its newest result.</caption>" in home


def test_the_search_index_keeps_cells_apart(built_site: Path) -> None:
    index = (built_site / "search/search_index.json").read_text()
    assert "PSPNet-ResNet-101" in index
    assert "3PSPNet" not in index  # the rank and the model name are separate words


def test_with_a_site_url_the_sitemaps_list_every_page_with_its_alternates(
    site_repo: Path,
) -> None:
    config = site_repo / "mkdocs.yml"
    config.write_text(config.read_text() + "site_url: https://example.org/boards/\n")
    site = build_site(site_repo).site_dir
    sitemap = (site / "sitemap.xml").read_text()
    pages = [p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")]
    pages = [p for p in pages if p != "." and not p.startswith(("zh", "search", "assets"))]
    assert len(pages) > 15
    for page in [*pages, "."]:
        for prefix in ("", "zh/"):
            address = f"https://example.org/boards/{prefix}{page}/".replace("/./", "/")
            assert f"<loc>{address}</loc>" in sitemap, address
    assert (
        '<loc>https://example.org/boards/datasets/ade20k/</loc>\n  <xhtml:link rel="alternate" '
        'hreflang="en" href="https://example.org/boards/datasets/ade20k/"/>\n  <xhtml:link '
        'rel="alternate" hreflang="zh" href="https://example.org/boards/zh/datasets/ade20k/"/>'
    ) in sitemap
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode() == sitemap
    chinese = (site / "zh/sitemap.xml").read_text()  # the Chinese folder's own: its pages only
    assert "<loc>https://example.org/boards/zh/datasets/ade20k/</loc>" in chinese
    assert "<loc>https://example.org/boards/datasets/ade20k/</loc>" not in chinese
    assert 'hreflang="en" href="https://example.org/boards/datasets/ade20k/"' in chinese
    # the 404 pages load their assets from the published sub-path, wherever they are served
    for page, prefix in (("404.html", "/boards/"), ("zh/404.html", "/boards/zh/")):
        text = (site / page).read_text()
        assert f'href="{prefix}assets/stylesheets/main.' in text, page
        assert 'href="/assets/' not in text
    canonical = '<link rel="canonical" href="https://example.org/boards/zh/datasets/ade20k/">'
    assert canonical in (site / "zh/datasets/ade20k/index.html").read_text()


def test_leaderboard_files_follow_their_published_schema(built_site: Path) -> None:
    import jsonschema

    downloads = built_site / "downloads"
    schema = json.loads((downloads / "leaderboard-file.schema.json").read_text())
    assert schema == json.loads((REPO / "schema/leaderboard-file.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    boards = json.loads((downloads / "segboard.json").read_text())
    assert len(boards) >= 5
    for board in boards:
        assert list(validator.iter_errors(board)) == [], board["key"]
        assert json.loads((downloads / f"{board['key']}.json").read_text()) == board
    broken = dict(boards[0], rows=[dict(boards[0]["rows"][0], rank="first")])
    assert [e.message for e in validator.iter_errors(broken)] == [
        "'first' is not of type 'integer'"
    ]


def test_each_paper_has_a_rank_badge_per_leaderboard_for_its_best_row(built_site: Path) -> None:
    import xml.etree.ElementTree as ElementTree

    boards = json.loads((built_site / "downloads/segboard.json").read_text())
    board = next(b for b in boards if b["key"] == "cityscapes--test")
    # ResNet-38's paper has rows ranked 1 and 4: its badge shows the best of them
    first, fourth = board["rows"][0], board["rows"][3]
    assert first["paper_id"] == fourth["paper_id"] and fourth["rank"] == 4
    paper = first["paper_id"]
    badge = (built_site / f"badges/cityscapes--test/{paper}.svg").read_text()
    svg = ElementTree.fromstring(badge)
    title = svg.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "segboard · Cityscapes test set · mIoU: #1 of 6 · 80.60"
    assert svg.get("aria-label") == title.text
    papers = {r["paper_id"] for r in board["rows"]}
    assert {p.stem for p in (built_site / "badges/cityscapes--test").iterdir()} == papers
    page = (built_site / "datasets/cityscapes/index.html").read_text()
    link = f'<a href="../../badges/cityscapes--test/{paper}.svg">the paper&#39;s rank badge (SVG)'
    assert link in page
    assert (
        'href="../../../badges/cityscapes--test/'
        in (built_site / "zh/datasets/cityscapes/index.html").read_text()
    )
    paper_page = (built_site / f"papers/{paper}/index.html").read_text()
    assert f'<a href="../../badges/cityscapes--test/{paper}.svg">' in paper_page


def test_a_nul_in_record_text_never_reaches_a_page(repo: Path) -> None:
    """A NUL in a name is shown as U+FFFD on every page. Validation refuses one (text-control),
    and the pages guard against it too: a board's words are placeholders between NULs, so one
    from a record would be taken for a word (here, the word 'rank')."""
    report = validate_repository(repo)
    assert report.ok, report.errors
    [result] = [r for r in report.catalog.results if r.model == "Example-Net"]
    result.model = "Example\0rank\0Net"  # as if a record had slipped it past validation
    contents = write_pages(repo, report.catalog)
    for lang, content in contents.items():
        fragments = [t for slots in content.fragments.values() for t in slots.values()]
        for text in [*content.pages.values(), *fragments]:
            assert "\x00" not in text, lang
        board = "".join(content.fragments[page_url("datasets/synthetic-streets.md")].values())
        assert '"Example\ufffdrank\ufffdNet"><a href="../../results/' in board
        assert '/">Example\ufffdrank\ufffdNet</a>' in board
