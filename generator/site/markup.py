"""Safe building blocks for generated pages: escaped text and http(s)-only links.

Record text never reaches a page unescaped: names go into raw HTML blocks (which Markdown leaves
alone) through `esc`, and into Markdown headings through `md_text`, so '<', '&', '|', '*', '_'
and backticks show as themselves and cannot become markup.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Text for a Markdown heading: every character that Markdown could interpret is escaped."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\\<", "&lt;").replace("\\>", "&gt;").replace("\\&", "&amp;")


_SAFE_URL = re.compile(r"https?://[^\s/?#\"'<>`]+[^\s\"'<>`]*", re.IGNORECASE)


def safe_url(url: str) -> str | None:
    """The URL when it is http(s) with a host and nothing that could leave an attribute."""
    return url if _SAFE_URL.fullmatch(url) else None


def link(url: str, text: str, title: str | None = None, css: str | None = None) -> str:
    """An external link, or the text alone when the URL is not a safe http(s) URL."""
    target = safe_url(url)
    if target is None:
        return esc(text)
    attributes = f' href="{esc(target)}"'
    if title:
        attributes += f' title="{esc(title)}"'
    if css:
        attributes += f' class="{css}"'
    return f"<a{attributes}>{esc(text)}</a>"


def internal(href: str, text: str, title: str | None = None) -> str:
    """A link inside the site (href built by the generator, never from record text)."""
    extra = f' title="{esc(title)}"' if title else ""
    return f'<a href="{esc(href)}"{extra}>{esc(text)}</a>'
