"""Where each generated page is published, and links between pages: one place for the site's
page paths (Markdown paths such as 'datasets/ade20k.md', published as directory URLs)."""

from __future__ import annotations

import functools
from pathlib import PurePosixPath

from generator.records.places import PAPERS_INDEX_ID

PAPERS_INDEX = f"papers/{PAPERS_INDEX_ID}.md"  # the list of papers (no paper takes its name)


@functools.lru_cache(maxsize=4096)  # asked for every row's links
def page_url(markdown_path: str) -> str:
    """'datasets/ade20k.md' -> 'datasets/ade20k/' (MkDocs' directory URLs); 'index.md' -> ''."""
    path = PurePosixPath(markdown_path)
    if path.name == "index.md":
        return "" if str(path.parent) == "." else f"{path.parent}/"
    return f"{path.with_suffix('')}/"


def relative(from_page: str, to_path: str) -> str:
    """A link from the page `from_page` (a .md path) to a site path ('papers/x/', 'a.csv')."""
    depth = page_url(from_page).count("/")
    return "../" * depth + to_path


def dataset_page(dataset_id: str) -> str:
    return f"datasets/{dataset_id}.md"


def paper_page(paper_id: str) -> str:
    return f"papers/{paper_id}.md"


def result_page(result_id: str) -> str:
    """'cityscapes/val/x' -> 'results/cityscapes--val--x.md'."""
    return f"results/{result_id.replace('/', '--')}.md"
