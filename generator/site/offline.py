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
from generator.site.active_content import active_content

# tags that make a browser fetch what an attribute names, and those attributes
_LOADING_TAG = re.compile(
    r"<(img|script|iframe|frame|audio|video|source|track|embed|object|input|image|use|link)\b"
    r"[^>]*>",
    re.IGNORECASE,
)
_ATTRIBUTE = re.compile(
    r"""\s(src|srcset|poster|data|href|xlink:href)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
    re.IGNORECASE,
)
_REL = re.compile(r"""\srel\s*=\s*["']?([^"'>]*)""", re.IGNORECASE)
# a <link> loads what it names only for these relations (canonical and alternate do not)
_LOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}
_CSS_URL = re.compile(r"""(?:url\(|@import)\s*["']?\s*([^"')\s;]+)""", re.IGNORECASE)
# where a page holds CSS: <style> elements and style attributes
_STYLES = re.compile(
    r"""<style\b[^>]*>(.*?)</style>|\sstyle\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE | re.DOTALL
)
# another host: a scheme (but data: and blob:, which hold what they show) or '//host'
_ELSEWHERE = re.compile(r"\s*(?!data:|blob:)(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)
MAX_LISTED = 20


def remote_loads(text: str, css: bool = False) -> list[str]:
    """What `text` (a page, or a style sheet with `css`) would load from another host."""
    styles = [text] if css else [m.group(1) or m.group(2) for m in _STYLES.finditer(text)]
    found = [
        m.group(1) for style in styles for m in _CSS_URL.finditer(style) if _ELSEWHERE.match(m[1])
    ]
    if css:
        return found
    for tag in _LOADING_TAG.finditer(text):
        element = tag.group(0)
        if tag.group(1).lower() == "link":
            rel = _REL.search(element)
            if rel is None or not _LOADING_RELS & set(rel.group(1).lower().split()):
                continue
        for attribute in _ATTRIBUTE.finditer(element):
            name, value = attribute.group(1).lower(), attribute.group(2).strip("\"'")
            if name == "href" and tag.group(1).lower() not in ("link", "use", "image"):
                continue  # a link to follow, not something the page loads
            targets = [part.split()[0] for part in value.split(",") if part.split()]
            found += [t for t in targets if _ELSEWHERE.match(t)]
    return found


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
        text = path.read_text(encoding="utf-8", errors="replace")
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
