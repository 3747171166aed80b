"""What the list of papers shows of each paper: the data of papers.html.j2."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from generator.records.model import Catalog
from generator.site.urls import PAPERS_INDEX, dataset_page, page_url, paper_page, relative


def papers_listed(catalog: Catalog) -> list[dict[str, Any]]:
    """Every paper, newest first (ties by title, then id), with how many results cite it
    (reproductions and aggregated ones too), and the datasets they are on or that the paper
    introduced, by id."""
    counts: Counter[str] = Counter()
    places: dict[str, set[str]] = {}
    for result in catalog.results:
        counts[result.paper] += 1
        places.setdefault(result.paper, set()).add(result.dataset)
    for paper_id, introduced in catalog.datasets_introduced().items():
        places.setdefault(paper_id, set()).update(introduced)
    by_title = sorted(catalog.papers.values(), key=lambda p: (p.title, p.id))
    return [
        {
            "href": relative(PAPERS_INDEX, page_url(paper_page(paper.id))),
            "title": paper.title,
            "date": paper.date,
            "venue": paper.venue,
            "results": counts[paper.id],
            "datasets": dataset_links(catalog, PAPERS_INDEX, places.get(paper.id, ())),
            "code": [(c.url, c.framework, c.official) for c in paper.code],
        }
        for paper in sorted(by_title, key=lambda p: p.date, reverse=True)  # stable: ties kept
    ]


def dataset_links(catalog: Catalog, page: str, ids: Iterable[str]) -> list[tuple[str, str]]:
    """(link from `page`, name) of each of the datasets `ids` the catalog has, in id order."""
    return [
        (relative(page, page_url(dataset_page(d))), catalog.datasets[d].name)
        for d in sorted(ids)
        if d in catalog.datasets
    ]
