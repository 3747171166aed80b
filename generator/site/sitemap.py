"""The site's sitemaps: every page of every language, each with its other-language alternates
(hreflang), when mkdocs.yml names the `site_url` that absolute addresses need.

The root's sitemap lists the pages of every language; each other language's folder has one
with its own pages (a sitemap lists only addresses below its own). Search engines read the
per-page hreflang alternates from them; so does the theme, whose language switcher looks up
the same page in the other language there (it fetches `sitemap.xml` beside each language's
root named by the page head's `rel=alternate` links, which therefore stay at those roots).
Without a site_url, MkDocs' own (empty) sitemaps stay.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import quoteattr

from generator.site.i18n import LANGUAGES
from generator.site.reuse import replace_text

NAMES = ("sitemap.xml", "sitemap.xml.gz")


def write_sitemap(
    sites: dict[str, Path], site_url: str | None, pages: dict[str, list[str]]
) -> None:
    """`sites`: each language's built folder; `pages`: each language's page URLs ('' is home);
    `site_url`: where the first language is published (with a trailing '/')."""
    if site_url is None:
        return
    for lang, folder in sites.items():
        listed = list(LANGUAGES) if lang == LANGUAGES[0] else [lang]
        text = sitemap_xml(site_url, pages, listed)
        replace_text(folder / NAMES[0], text)  # MkDocs' file may be linked from the cache
        (folder / NAMES[1]).unlink(missing_ok=True)
        with (
            (folder / NAMES[1]).open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed,
        ):  # mtime 0: the same bytes on every build
            packed.write(text.encode("utf-8"))


def sitemap_xml(site_url: str, pages: dict[str, list[str]], listed: list[str]) -> str:
    """The pages of the languages `listed`, each with the addresses of its language versions."""

    def address(lang: str, url: str) -> str:
        prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
        return f"{site_url}{prefix}{url}"

    has = {lang: set(urls) for lang, urls in pages.items()}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for lang in listed:
        for url in sorted(has.get(lang, ())):
            lines.append(f"<url><loc>{_text(address(lang, url))}</loc>")
            for other in LANGUAGES:
                if url in has.get(other, ()):
                    lines.append(
                        f'  <xhtml:link rel="alternate" hreflang="{other}" '
                        f"href={quoteattr(address(other, url))}/>"
                    )
            lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
