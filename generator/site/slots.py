"""Final HTML that the build adds to pages the site engine has built.

A leaderboard's block (filters, table, chart) is most of a dataset page, and it is final HTML
already. Given to the engine inside Markdown it would be parsed as raw HTML three times per page
(Markdown's HTML block handling, the anchor scan, the search plugin) and copied whole into the
search index. So the Markdown page holds an empty slot per leaderboard, and after the engine has
built the page the block replaces the slot in the HTML file: a plain string replacement that
works with any engine which passes a raw HTML block through unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.errors import DataError
from generator.site.reuse import replace_text

SEARCH_INDEX = Path("search") / "search_index.json"


def slot(key: str) -> str:
    """The empty element that stands for leaderboard `key` in a Markdown page."""
    return f'<div class="sb-slot" data-sb-slot="{key}"></div>'


def fill_slots(
    site_dir: Path, fragments: dict[str, dict[str, str]], previous: Path | None = None
) -> None:
    """Put each block into its built page (`fragments`: page URL -> slot key -> HTML).
    `previous`: the same language's folder in the site being replaced, whose pages are reused
    where they are the same (reuse.replace_text)."""
    for url, blocks in sorted(fragments.items()):
        path = site_dir / url / "index.html"
        text = path.read_text(encoding="utf-8")
        for key, html in blocks.items():
            marker = slot(key)
            if text.count(marker) != 1:
                raise DataError(  # named by language and page: the folder is a temporary one
                    f"{site_dir.name}/{url}index.html: the site engine did not keep the slot "
                    f"{key!r} (where segboard puts a table or a list) as written; a Markdown "
                    "extension or theme rewrote it"
                )
            text = text.replace(marker, html)
        # the engine's page may be linked from the cache
        replace_text(path, text, previous / url / "index.html" if previous else None)


def add_search_entries(
    site_dir: Path, entries: list[dict[str, Any]], previous: Path | None = None
) -> None:
    """Add one entry per leaderboard row to the engine's search index (MkDocs and Material's
    `search/search_index.json`), so that a model's name finds its row; nothing without one.
    `previous` as for fill_slots."""
    index = site_dir / SEARCH_INDEX
    if not entries or not index.is_file():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    docs = data.get("docs")
    if not isinstance(docs, list):
        return
    docs.extend(entries)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    replace_text(index, text, previous / SEARCH_INDEX if previous else None)
