"""Escaping for generated pages: HTML text, Markdown headings, and http(s)-only link targets.

Record text never reaches a page unescaped: the page templates (templates/ beside pages.py) put
names into raw HTML blocks (which Markdown leaves alone) escaped as `esc` escapes, into Markdown
headings through `md_text`, so '<', '&', '|', '*', '_' and backticks show as themselves and
cannot become markup, and link only to URLs that `safe_url` lets through.
"""

from __future__ import annotations

import re

from markupsafe import escape

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


def esc(text: object) -> str:
    """HTML-escaped text, escaped as the templates' autoescaping escapes it (quotes as &#34;
    and &#39;). A NUL (which YAML's "\\0" escape can put in a record) becomes U+FFFD: pages
    never hold one, and site/board_block.py relies on that for its placeholders."""
    return str(escape(visible(str(text))))


def visible(text: str) -> str:
    """`text` without NUL characters (each becomes U+FFFD)."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def md_text(text: str) -> str:
    """Text for a Markdown heading: every character that Markdown could interpret is escaped."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))
    return escaped.replace("\\<", "&lt;").replace("\\>", "&gt;").replace("\\&", "&amp;")


_SAFE_URL = re.compile(r"https?://[^\s/?#\"'<>`]+[^\s\"'<>`]*", re.IGNORECASE)


def safe_url(url: str) -> str | None:
    """The URL when it is http(s) with a host and nothing that could leave an attribute."""
    return url if _SAFE_URL.fullmatch(url) else None
