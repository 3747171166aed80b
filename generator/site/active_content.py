"""What in a built page would run code that segboard did not write.

Record text reaches pages escaped, and segboard's own scripts are files of the site. What else
runs in a browser can come only from the repository's site sources: a hand-written page's raw
HTML or front matter, a template of the theme's custom_dir. A pull request can change those, so
the engine's output is checked, before the tables fill its slots, for event handlers (onclick=),
addresses that run code (javascript:, vbscript:, a data: page), inline frames' pages (srcdoc=)
and script elements in a page's content. Attribute values are read as a browser reads them:
character references decoded, and spaces, tabs and line breaks in the scheme dropped.

The page is searched lower-cased, with patterns that skip most of it at C speed: a check of a
built site must not cost what the engine's build does.
"""

from __future__ import annotations

import html
import re

# an attribute naming an event handler (then checked to stand inside a tag)
_HANDLER = re.compile(r"\s(on[a-z]+)\s*=")
# a value that could start a scheme that runs code (j..., v..., d..., or a character
# reference), then checked to belong to an attribute a browser follows or loads
_SUSPECT_VALUE = re.compile(r"""=\s*["']?([\x00-\x20]*[jvd&][^"'>]*)""")
_FOLLOWED = re.compile(r"\s(href|src|action|formaction|xlink:href|data)\s*$")
_RUNS_CODE = ("javascript:", "vbscript:")
_PICTURE = re.compile(r"data:image/(png|jpeg|gif|webp|avif)[;,]")  # data: that only shows
_IGNORED_IN_SCHEMES = re.compile(r"[\x00-\x20]")  # browsers drop these from a scheme


def active_content(text: str) -> list[str]:
    """What in the HTML `text` would run code: each finding in a few words (lower-cased)."""
    page = text.lower()
    found = [
        f"an event handler ({match.group(1)}=)"
        for match in _HANDLER.finditer(page)
        if _in_tag(page, match.start())
    ]
    for match in _SUSPECT_VALUE.finditer(page):
        attribute = _FOLLOWED.search(page, max(0, match.start() - 40), match.start())
        if attribute is None or not _in_tag(page, match.start()):
            continue
        value = html.unescape(match.group(1))
        address = _IGNORED_IN_SCHEMES.sub("", value)
        if address.startswith(_RUNS_CODE) or (
            address.startswith("data:") and not _PICTURE.match(address)
        ):
            found.append(f"{attribute.group(1)}={value[:60]!r}")
    if "srcdoc" in page:
        found += [
            "a frame's inline page (srcdoc=)"
            for match in re.finditer(r"\ssrcdoc\s*=", page)
            if _in_tag(page, match.start())
        ]
    start = page.find("<article")
    end = page.find("</article>", start)
    if start >= 0 and "<script" in page[start:end]:
        found.append("a script element in the page's content")
    return found


def _in_tag(page: str, index: int) -> bool:
    """Whether `index` stands inside a tag: after a '<' that no '>' has closed."""
    return page.rfind("<", 0, index) > page.rfind(">", 0, index)
