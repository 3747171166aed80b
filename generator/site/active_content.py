"""What in a built page would run code that segboard did not write.

Record text reaches pages escaped, and segboard's own scripts are files of the site. What else
runs in a browser can come only from the repository's site sources: a hand-written page's raw
HTML or front matter, a template of the theme's custom_dir. A pull request can change those, so
the engine's output is checked, before the tables fill its slots, for event handlers (onclick=),
addresses that run code (javascript:, vbscript:, a data: page), inline frames' pages (srcdoc=)
and script elements in a page's content. Attribute values are read as a browser reads them:
character references decoded, and spaces, tabs and line breaks in the scheme dropped.

The page is searched as bytes, lower-cased (ASCII letters only, as HTML's own names are), with
patterns that start with a fixed text, so that most of the page is skipped at C speed: a check of
a built site must not cost what the engine's build does. Attributes are told apart as a browser
does: after a space, a '/' or the quote that ends the attribute before.
"""

from __future__ import annotations

import html
import re

# HTML's white space, and what a browser lets stand before an attribute's name (white space, a
# '/', or the quote that ends the attribute before): the one definition of each, as the bytes
# and as a pattern's character class (offline.py builds its patterns with them too)
WHITE = b"\t\n\f\r "
_BEFORE_NAME = WHITE + b"/\"'"
SPACE = b"[" + WHITE + b"]"
BEFORE_ATTRIBUTE = b"[" + _BEFORE_NAME + b"]"
# an attribute naming an event handler (then checked to follow a separator, inside a tag)
_HANDLER = re.compile(rb"(on[a-z]+)" + SPACE + rb"*=")
# a value that could start a scheme that runs code (j..., v..., d..., or a character
# reference), then checked to belong to an attribute a browser follows or loads
_SUSPECT_VALUE = re.compile(b"=" + SPACE + rb"""*["']?([\x00-\x20]*[jvd&][^"'>]*)""")
_FOLLOWED = re.compile(
    BEFORE_ATTRIBUTE + rb"(href|src|action|formaction|xlink:href|data)" + SPACE + b"*$"
)
_SRCDOC = re.compile(b"srcdoc" + SPACE + b"*=")
_RUNS_CODE = ("javascript:", "vbscript:")
_PICTURE = re.compile(r"data:image/(png|jpeg|gif|webp|avif)[;,]")  # data: that only shows
_IGNORED_IN_SCHEMES = re.compile(r"[\x00-\x20]")  # browsers drop these from a scheme


def as_bytes(text: str | bytes) -> bytes:
    """A page as bytes (a page read from a file is; text is encoded as UTF-8)."""
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text


def attribute_at(page: bytes, index: int) -> bool:
    """Whether the name at `index` of `page` stands where a tag's attribute can start."""
    return index > 0 and page[index - 1] in _BEFORE_NAME and in_tag(page, index)


def active_content(text: str | bytes) -> list[str]:
    """What the HTML `text` would run code with: each finding in a few words (lower-cased)."""
    page = as_bytes(text).lower()
    found = [
        f"an event handler ({match.group(1).decode()}=)"
        for match in _HANDLER.finditer(page)
        if attribute_at(page, match.start())
    ]
    for match in _SUSPECT_VALUE.finditer(page):
        attribute = _FOLLOWED.search(page, max(0, match.start() - 40), match.start())
        if attribute is None or not in_tag(page, match.start()):
            continue
        value = html.unescape(match.group(1).decode("utf-8", "replace"))
        address = _IGNORED_IN_SCHEMES.sub("", value)
        if address.startswith(_RUNS_CODE) or (
            address.startswith("data:") and not _PICTURE.match(address)
        ):
            found.append(f"{attribute.group(1).decode()}={value[:60]!r}")
    found += [
        "a frame's inline page (srcdoc=)"
        for match in _SRCDOC.finditer(page)
        if attribute_at(page, match.start())
    ]
    start = page.find(b"<article")
    end = page.find(b"</article>", start)
    if start >= 0 and b"<script" in page[start:end]:
        found.append("a script element in the page's content")
    return found


def in_tag(page: bytes, index: int) -> bool:
    """Whether `index` stands inside a tag: after a '<' that no '>' has closed."""
    return page.rfind(b"<", 0, index) > page.rfind(b">", 0, index)
