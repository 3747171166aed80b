"""Hostile repository settings (mkdocs.yml, schema files, pyproject.toml): a usage error with
the file and what is wrong (exit status 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import DataError
from generator.site.active_content import active_content
from generator.site.engine_settings import check_config, check_front_matter
from generator.site.offline import remote_loads

from .conftest import run_segboard, run_segboard_process


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site_name: [unclosed\n", "mkdocs.yml:1:12: invalid YAML: expected ',' or ']'"),
        ("site_name: x\nnav: [a\n  b: c\n", "mkdocs.yml:3:4: invalid YAML: expected ',' or ']'"),
        ("- a\n- b\n", "mkdocs.yml: not a mapping of MkDocs settings"),
        ("site_name: x\ntheme: [1, 2]\n", "mkdocs.yml: 'theme' must be a mapping"),
        ("site_name: x\nplugins: search\n", "mkdocs.yml: 'plugins' must be a list"),
        ("site_name: x\nmarkdown_extensions: toc\n", "'markdown_extensions' must be a list"),
        ("site_name: x\nmarkdown_extensions:\n  - {}\n", "the Markdown extension '{}' is not"),
        ("site_name: x\nextra: {a: 1}\nsite_name: y\n", "mkdocs.yml:3: the key 'site_name' is"),
        ("site_name: x\nextra: {a: 1, a: 2}\n", "mkdocs.yml:2: the key 'a' is given twice"),
        ("site_name: x\nextra: {d: " + "[" * 40 + "]" * 40 + "}\n", ":2: values nested deeper"),
        ("site_name: x\nextra: {d: " + "[" * 5000 + "]" * 5000 + "}\n", "nested too deeply"),
        (
            "site_name: x\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"  {n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, n in zip("abcd", "bcde", strict=True)
            ),
            "mkdocs.yml:7: its aliases (*name) expand to more than 100,000 values",
        ),
    ],
    ids=[
        "syntax", "syntax-inside", "list", "theme-list", "plugins-text", "extensions-text",
        "extension-empty", "repeated-setting", "repeated-key", "deep", "very-deep", "alias-bomb",
    ],
)  # fmt: skip
def test_a_broken_site_configuration(site_repo: Path, text: str, message: str) -> None:
    (site_repo / "mkdocs.yml").write_text(text)
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr and "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "cannot read schema"),
        ("[1, 2]", "is not a JSON object"),
        ('{"type": 5}', "is not a valid JSON Schema: 5 is not valid under any of the schemas"),
    ],
)
def test_a_broken_schema_file(repo: Path, text: str, message: str) -> None:
    (repo / "schema/result.schema.json").write_text(text)
    completed = run_segboard("validate", cwd=repo)
    assert completed.returncode == 2
    assert message in completed.stderr and "Traceback" not in completed.stderr
    assert len(completed.stderr.splitlines()) == 1  # one line, not a stack of details


def test_the_seed_file_is_inside_the_repository(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        "[tool.segboard.seed]\nfile = '/etc/passwd'\ntables = ['cityscapes/val']\n"
    )
    completed = run_segboard("check", cwd=repo)
    assert completed.returncode == 2
    assert "the file '/etc/passwd' is not inside the repository" in completed.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("site_name: segboard\n", "INHERIT: /etc/hostname\nsite_name: x\n", "'INHERIT' reads"),
        ("use_directory_urls: true", "use_directory_urls: false", "'use_directory_urls' must stay"),
        ("font: false", "font: {text: Roboto}", "theme 'font' must be false"),
        ("extra:\n", "extra:\n  analytics: {provider: google}\n", "'extra.analytics'"),
        ("  - assets/segboard.js", "  - https://cdn.example.org/t.js", "entry 'https://cdn.exam"),
        ("  - assets/segboard.css", "  - //cdn.example.org/t.css", "'extra_css' entry '//cdn.exa"),
        ("extra:\n", "copyright: <script src=//x.org/t.js></script>\nextra:\n", "plain text"),
        ("custom_dir: overrides", "custom_dir: /etc", "'custom_dir' must be a folder inside"),
        ("custom_dir: overrides", "custom_dir: .", "'custom_dir' must be a folder inside"),
        ("  - tables\n", "  - tables: {no_such: 1}\n", "'tables'. (KeyError: 'no_such')"),
        ("site_name: segboard\n", "", "Config value 'site_name': Required configuration not"),
        (
            "  - attr_list\n",
            "  - attr_list\n  - pymdownx.snippets: {base_path: /etc}\n",
            "the Markdown extension 'pymdownx.snippets' copies the files a page names",
        ),
        ("  - attr_list\n", "  - pymdownx.b64\n", "extension 'pymdownx.b64' copies the files"),
        (
            "  - attr_list\n",
            "  - pymdownx.emoji: {options: {custom_icons: [/usr/share/icons]}}\n",
            "custom_icons '/usr/share/icons' must be a folder inside the repository",
        ),
        (
            "  - attr_list\n",
            "  - pymdownx.emoji: {options: {custom_icons: [../elsewhere]}}\n",
            "custom_icons '../elsewhere' must be a folder inside the repository",
        ),
        (
            "site_name: segboard\n",
            "site_name: 'x\" onmouseover=\"alert(1)'\n",
            "'site_name' must be plain text: the theme writes it into the pages as HTML",
        ),
        (
            "Switch to dark mode",
            "Switch to <b>dark</b> mode",
            "'theme.palette[0].toggle.name' must be plain text",
        ),
        (
            "extra:\n",
            "extra:\n  social:\n    - {icon: fontawesome/brands/github, link: 'javascript:x()'}\n",
            "'extra.social[0].link' must be an http(s) address or a path of the site, not "
            "'javascript:x()'",
        ),
        (
            "extra:\n",
            "extra:\n  homepage: 'data:text/html,x'\n",
            "'extra.homepage' must be an http(s) address or a path of the site",
        ),
        ("site_name: segboard\n", "site_name: segboard\nexclude_docs: '*'\n", "would leave pages"),
        (
            "extra:\n",
            "copyright: !ENV [GITHUB_TOKEN, none]\nextra:\n",
            "mkdocs.yml:53: '!ENV' reads a setting from the environment",
        ),
    ],
    ids=[
        "inherit", "file-urls", "web-font", "analytics", "remote-script", "remote-style",
        "copyright-markup", "custom-dir-outside", "custom-dir-repository", "extension-option",
        "no-site-name", "snippets", "b64", "icons-outside", "icons-above", "site-name-quote",
        "toggle-markup", "social-javascript", "homepage-data", "exclude-docs", "env-tag",
    ],
)  # fmt: skip
def test_settings_that_publish_or_load_from_elsewhere_are_refused(
    site_repo: Path, old: str, new: str, message: str
) -> None:
    config = site_repo / "mkdocs.yml"
    text = config.read_text()
    assert old in text, old
    config.write_text(text.replace(old, new, 1))
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 2, completed.stderr
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr and not (site_repo / "site").exists()


def test_a_link_in_the_theme_folder_is_refused(site_repo: Path) -> None:
    """MkDocs copies every file of custom_dir into the site: a link would publish its target."""
    (site_repo / "overrides" / "hostname").symlink_to("/etc/hostname")
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 2, completed.stderr
    assert "theme 'custom_dir' holds a symbolic link" in completed.stderr
    assert not (site_repo / "site").exists()


@pytest.mark.parametrize(
    ("place", "text", "listed"),
    [
        (
            "docs/en/about.md",
            "\n![logo](https://example.org/logo.png)\n",
            "about/index.html: https",
        ),
        ("docs/zh/about.md", '\n<iframe src="//example.org/v"></iframe>\n', "zh/about/index.html"),
        (
            "overrides/main.html",
            '{% extends "base.html" %}{% block scripts %}{{ super() }}'
            '<script src="https://tracker.example.org/t.js"></script>{% endblock %}',
            "index.html: https://tracker.example.org/t.js",
        ),
        ("overrides/assets/x.css", '@import "https://fonts.example.org/f.css";', "assets/x.css"),
    ],
    ids=["markdown-image", "raw-html", "theme-template", "style-sheet"],
)
def test_a_site_source_that_loads_from_another_host_fails_the_build(
    site_repo: Path, place: str, text: str, listed: str
) -> None:
    """The site works offline: an image, frame, script or style from another host, put there by
    a hand-written page or the theme's folder, fails the build (exit status 1) and is named."""
    stderr = failed_build_with(site_repo, place, text)
    assert "the site would load from other hosts, and it must work offline" in stderr
    assert listed in stderr


def failed_build_with(site_repo: Path, place: str, text: str) -> str:
    """What a build says after `text` is added to the site source at `place`; it must fail
    (exit status 1) without a traceback and leave no site."""
    path = site_repo / place
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (site_repo / "site").exists()
    return completed.stderr


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<img alt=x src=//example.org/a.png>', ["//example.org/a.png"]),
        ('<img srcset="a.png 1x, https://example.org/b.png 2x">', ["https://example.org/b.png"]),
        ('<link rel="stylesheet" href="https://cdn.example.org/x.css">', ["https://cdn.example.org/x.css"]),
        ('<div style="background: url(\'https://example.org/t.gif\')">', ["https://example.org/t.gif"]),
        ('<svg><use href="https://example.org/s.svg#a"/></svg>', ["https://example.org/s.svg#a"]),
        ('<link rel="canonical" href="https://example.org/">', []),  # names, loads nothing
        ('<a href="https://example.org/">a link</a>', []),
        ('<img src="data:image/png;base64,AAAA">', []),
        ('<script src="assets/segboard.js"></script>', []),
        ("<p>in CSS, write url(https://example.org/x.png)</p>", []),  # text, not a style
        ('<IMG SRC="//Example.org/A.png">', ["//Example.org/A.png"]),  # any case, kept as written
        ("<img/src=//example.org/a.png>", ["//example.org/a.png"]),  # '/' parts attributes
        ('<img alt="x"src=//example.org/a.png>', ["//example.org/a.png"]),  # so does a quote
        ("<img xsrc= src=//example.org/a.png>", ["//example.org/a.png"]),  # 'xsrc' is not src
        ("<img data-src=//example.org/a.png>", []),  # a script's, not the browser's
        ('<p>a style="url(//example.org/x.png)" in text</p>', []),  # text, not an attribute
        ('<p/style="background:url(//example.org/t.gif)">', ["//example.org/t.gif"]),
        ("<style>a{} b{background:url(//example.org/u.gif)}</style>", ["//example.org/u.gif"]),
        ("<\u017fcript src=//example.org/x.js></\u017fcript>", []),  # not <script> to a browser
    ],
)  # fmt: skip
def test_what_a_page_would_load_from_another_host(html: str, found: list[str]) -> None:
    assert remote_loads(html) == found


@pytest.mark.parametrize("name", ["en/faq.md", "en/index.md", "en/images/logo.png", "fr/about.md"])
def test_a_file_of_docs_the_site_would_not_publish_is_an_error(site_repo: Path, name: str) -> None:
    """Only about.md and metrics.md of docs/<language>/ are published: another page, a folder
    or a language the site does not build would be lost without a word, so the build says so."""
    path = site_repo / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# A page\n")
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 1, completed.stderr
    shown = f"docs/{name.split('/')[0]}" if name.startswith("fr/") else f"docs/{name}"
    if name.endswith(".png"):
        shown = "docs/en/images"
    assert f"{shown}: the site publishes only about.md and metrics.md of docs/<language>/" in (
        completed.stderr
    )
    assert not (site_repo / "site").exists()


def test_plain_settings_and_links_of_the_site_or_the_web_are_kept(tmp_path: Path) -> None:
    """What the theme-text rule must let through: text with '&' and quotes of the other kind,
    and links that are paths of the site or http(s) addresses."""
    check_config(
        tmp_path / "mkdocs.yml",
        {
            "site_name": "R&D's board",
            "extra": {
                "homepage": "https://example.org/board/",
                "social": [{"icon": "fontawesome/brands/github", "link": "about/"}],
            },
        },
    )


@pytest.mark.parametrize(
    ("place", "text", "listed"),
    [
        ("docs/en/about.md", "\n[click](javascript:alert(1))\n", "about/index.html: href="),
        ("docs/zh/about.md", '\n<p onmouseover="x()">p</p>\n', "zh/about/index.html: an event"),
        ("docs/en/about.md", "\n<script>alert(1)</script>\n", "a script element in the page's"),
        (
            "overrides/main.html",
            '{% extends "base.html" %}{% block content %}{{ super() }}'
            '<a href="&#106;avascript:x()">x</a>{% endblock %}',
            "index.html: href='javascript:x()'",
        ),
    ],
    ids=["markdown-link", "handler", "inline-script", "theme-template-entity"],
)
def test_a_site_source_that_runs_code_fails_the_build(
    site_repo: Path, place: str, text: str, listed: str
) -> None:
    """A hand-written page or the theme's folder that would make a page run code (a javascript:
    link, an event handler, a script in the content) fails the build (exit status 1), named."""
    stderr = failed_build_with(site_repo, place, text)
    assert "a page would run code that segboard did not write" in stderr
    assert listed in stderr


# five lines of YAML whose aliases expand to 111,111 values
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcd", "bcde", strict=True)
)


@pytest.mark.parametrize(
    ("front", "said"),
    [
        ("title: [About\n", "about.md:2:8: invalid YAML: expected ',' or ']'"),
        ("title: About\ntitle: Again\n", "about.md:3: the key 'title' is given twice"),
        ("- About\n", "about.md:2: the page's front matter (between its --- lines) must be a"),
        ("title: !!python/name:os.system\n", "about.md:2:8: invalid YAML: could not determine"),
        (ALIAS_BOMB, "about.md:6: its aliases (*name) expand to more than 100,000 values"),
    ],
    ids=["syntax", "repeated-key", "not-a-mapping", "python-tag", "alias-bomb"],
)  # fmt: skip
def test_a_page_front_matter_the_engine_would_publish_as_text_fails_the_build(
    site_repo: Path, front: str, said: str
) -> None:
    """MkDocs publishes front matter it cannot read (or that is not a mapping) as the page's
    text; the build refuses it instead, at its line in the page (exit status 1, no site)."""
    page = site_repo / "docs/en/about.md"
    page.write_text(f"---\n{front}---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 1, completed.stderr
    assert said in completed.stderr and "front matter" in completed.stderr
    assert "Traceback" not in completed.stderr and not (site_repo / "site").exists()


def test_front_matter_is_found_as_the_engine_finds_it_whatever_the_line_breaks() -> None:
    page = Path("docs/en/about.md")
    for text in ("---\r\ntitle: [x\r\n---\r\nText\r\n", "---\rtitle: [x\r---\rText\r"):
        with pytest.raises(DataError, match=r"about\.md:2:8: invalid YAML"):
            check_front_matter(page, text)
    check_front_matter(page, "Text\n---\ntitle: [x\n---\n")  # a rule, not front matter
    check_front_matter(page, "---\ntitle: x\n---\nText\n")


def test_page_front_matter_that_the_engine_reads_is_kept(site_repo: Path) -> None:
    page = site_repo / "docs/en/about.md"
    page.write_text("---\ntitle: All about it\n---\n" + page.read_text(encoding="utf-8"))
    completed = run_segboard("build", cwd=site_repo)
    assert completed.returncode == 0, completed.stderr
    built = (site_repo / "site/about/index.html").read_text(encoding="utf-8")
    assert "<title>All about it" in built and "title: All about it" not in built


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<a href="javascript:alert(1)">x</a>', ["href='javascript:alert(1)'"]),
        ('<a href=" Java\tScript:x">x</a>', ["href=' java\\tscript:x'"]),
        ('<a href="&#x6A;avascript:x">x</a>', ["href='javascript:x'"]),
        ('<form action="vbscript:x">', ["action='vbscript:x'"]),
        ('<svg><a xlink:href="javascript:x"></a></svg>', ["xlink:href='javascript:x'"]),
        ('<iframe src="data:text/html,<b>x</b>">', ["src='data:text/html,<b'"]),
        ('<iframe srcdoc="<b>x</b>">', ["a frame's inline page (srcdoc=)"]),
        ("<img src=x onerror=alert(1)>", ["an event handler (onerror=)"]),
        ("<svg/onload=alert(1)>", ["an event handler (onload=)"]),  # '/' parts attributes
        ('<img src="x"onerror=alert(1)>', ["an event handler (onerror=)"]),  # so does a quote
        ('<a title="x"href="javascript:x">x</a>', ["href='javascript:x'"]),
        ("<a xonclick=y>x</a>", []),  # another attribute's name
        ('<p>ONCLICK="x" in text</p>', []),  # text, not a tag
        ("<article><script>x()</script></article>", ["a script element in the page's content"]),
        ('<img src="data:image/png;base64,AAAA">', []),  # a picture
        ('<a href="https://example.org/?q=javascript:x">x</a>', []),  # not the scheme
        ('<a title="javascript:x" href="docs/">x</a>', []),  # a title is not followed
        ("<p>write onclick= or javascript: in text</p>", []),  # text, not a tag
        ("<script>theme()</script><article><p>x</p></article>", []),  # the theme's, outside
    ],
)  # fmt: skip
def test_what_in_a_page_would_run_code(html: str, found: list[str]) -> None:
    assert active_content(html) == found


def test_a_theme_that_rewrites_a_slot_fails_the_build_whichever_process_fills_it(
    site_repo: Path,
) -> None:
    """A theme template (or Markdown extension) that rewrites the empty element standing for a
    leaderboard leaves its table nowhere to go: the build fails (exit status 1), naming the
    page, with no traceback and no site. Here only the Chinese pages lose their slots, and
    they are filled in a worker process of the real command (build.py, _fill_languages)."""
    (site_repo / "overrides/main.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        '{% if config.theme.language == "zh" %}{{ page.content | replace("sb-slot", "x") }}'
        "{% else %}{{ super() }}{% endif %}{% endblock %}\n",
        encoding="utf-8",
    )
    completed = run_segboard_process("build", cwd=site_repo)
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "error: zh/index.html: the site engine did not keep the slot 'boards' (where " in (
        completed.stderr
    )
    assert "a Markdown extension or theme rewrote it" in completed.stderr
    assert completed.stderr.count("\n") == 1  # one line
    assert not (site_repo / "site").exists()
