"""The site works offline: nothing in a built page loads from another host (and, through
site/active_content.py, nothing in it runs code that segboard did not write).

Record text reaches pages escaped, so only what the repository's own site sources put there could
load from elsewhere: a hand-written page's image or raw HTML, a template of the theme's
custom_dir, a style sheet beside it. The engine's output is checked once per build, before the
tables fill its slots (they hold links, never anything a browser loads by itself).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import DataError
from generator.site.active_content import (
    BEFORE_ATTRIBUTE,
    SPACE,
    WHITE,
    active_content,
    as_bytes,
    in_tag,
)

# tags that make a browser fetch what an attribute names, and those attributes (the page is
# searched as active_content.py searches it: bytes, lower-cased, fixed text first)
_LOADING_TAG = re.compile(
    rb"<(img|script|iframe|frame|audio|video|source|track|embed|object|input|image|use|link)\b"
    rb"[^>]*>"
)
_ATTRIBUTE = re.compile(
    BEFORE_ATTRIBUTE
    + rb"(src|srcset|poster|data|href|xlink:href)"
    + SPACE
    + b"*="
    + SPACE
    + rb"""*("[^"]*"|'[^']*'|[^"""
    + WHITE
    + b">]+)"
)
_REL = re.compile(BEFORE_ATTRIBUTE + b"rel" + SPACE + b"*=" + SPACE + rb"""*["']?([^"'>]*)""")
# a <link> loads what it names only for these relations (canonical and alternate do not)
_LOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}
_CSS_URL = re.compile(rb"""(?:url\(|@import)\s*["']?\s*([^"')\s;]+)""")
# where a page holds CSS: <style> elements and style attributes, each found from its name
_STYLE_NAME = re.compile(rb"style")
_STYLE = re.compile(
    rb"<style\b[^>]*>(.*?)</style>|"
    + BEFORE_ATTRIBUTE
    + b"style"
    + SPACE
    + b"*="
    + SPACE
    + rb"""*("[^"]*"|'[^']*')""",
    re.DOTALL,
)
# another host: a scheme (but data: and blob:, which hold what they show) or '//host'
_ELSEWHERE = re.compile(r"\s*(?!data:|blob:)(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)
MAX_LISTED = 20


def remote_loads(text: str | bytes, css: bool = False) -> list[str]:
    """What `text` (a page, or a style sheet with `css`) would load from another host."""
    raw = as_bytes(text)
    page = raw.lower()  # ASCII letters only: each byte stays where it was in raw
    styles = [(0, len(page))] if css else _style_spans(page)
    found = [
        target
        for start, end in styles
        for m in _CSS_URL.finditer(page, start, end)
        if _ELSEWHERE.match(target := _text(raw, *m.span(1)))
    ]
    if css:
        return found
    for tag in _LOADING_TAG.finditer(page):
        name = tag.group(1)
        if name == b"link":
            rel = _REL.search(page, tag.start(), tag.end())
            if rel is None or not _LOADING_RELS & set(rel.group(1).decode().split()):
                continue
        for attribute in _ATTRIBUTE.finditer(page, tag.start(), tag.end()):
            if attribute.group(1) == b"href" and name not in (b"link", b"use", b"image"):
                continue  # a link to follow, not something the page loads
            value = _text(raw, *attribute.span(2)).strip("\"'")
            targets = [part.split()[0] for part in value.split(",") if part.split()]
            found += [t for t in targets if _ELSEWHERE.match(t)]
    return found


def _style_spans(page: bytes) -> list[tuple[int, int]]:
    """Where the lower-cased `page` holds CSS (the spans of its styles' text), in order."""
    spans: list[tuple[int, int]] = []
    end = 0
    for name in _STYLE_NAME.finditer(page):
        if name.start() <= end:  # in a style found already, or at the page's start
            continue
        style = _STYLE.match(page, name.start() - 1)
        if style is not None and (style.group(1) is not None or in_tag(page, style.start() + 1)):
            spans.append(style.span(1) if style.group(1) is not None else style.span(2))
            end = style.end()
    return spans


def _text(raw: bytes, start: int, end: int) -> str:
    return raw[start:end].decode("utf-8", "replace")


def check_offline(site: Path, shown_in: str = "") -> None:
    """Raise DataError listing each page (or style sheet) of the built `site` folder that would
    load something from another host, and each page that would run code segboard did not write
    (site/active_content.py); `shown_in` is the folder the site is published in (zh/ for a
    language below the first), put before each page's path."""
    loads: list[str] = []
    runs: list[str] = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file() or path.is_symlink():
            continue
        text = path.read_bytes()
        shown = f"  {shown_in}{path.relative_to(site)}"
        loads += [
            f"{shown}: {target[:120]}" for target in remote_loads(text, css=path.suffix == ".css")
        ]
        if path.suffix == ".html":
            runs += [f"{shown}: {finding}" for finding in active_content(text)]
    sections = []
    if loads:
        sections.append(
            "the site would load from other hosts, and it must work offline (no CDN, web fonts "
            "or trackers): put the file in docs/ or overrides/ and link it there, or remove it\n"
            + _listed(loads)
        )
    if runs:
        sections.append(
            "a page would run code that segboard did not write (an event handler, a "
            "javascript: or data: address, a script in the page's content): remove it from the "
            "hand-written page, its front matter or the theme's template\n" + _listed(runs)
        )
    if sections:
        raise DataError("\n".join(sections))


def _listed(problems: list[str]) -> str:
    listed = problems[:MAX_LISTED]
    if len(problems) > MAX_LISTED:
        listed.append(f"  ... and {len(problems) - MAX_LISTED} more")
    return "\n".join(listed)
