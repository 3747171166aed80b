"""What the list of papers shows of each paper (the data of papers.html.j2), and what a paper's
page lists of its results (of paper_results.html.j2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from generator.records.model import Catalog
from generator.site.badges import badge_path
from generator.site.board_block import ROOT, placeholder, split_placeholder
from generator.site.board_view import Row, row_anchor
from generator.site.reuse import Pairs
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


def paper_boards(catalog: Catalog, page: str, paper_id: str, pairs: Pairs) -> list[tuple[Any, ...]]:
    """The leaderboards of a paper's rows (`pairs`), on its `page`, for every language: each with
    the link to its dataset's page, the dataset's name, the split's name (a placeholder), the
    metric, the rows (`brief`) and the paper's rank badge (when a row is ranked)."""
    by_board: dict[str, tuple[dict[str, Any], list[Row]]] = {}
    for board, row in pairs:
        by_board.setdefault(board["key"], (board, []))[1].append(row)
    boards = []
    for board, rows in by_board.values():
        dataset = catalog.datasets[board["dataset"]]
        href = relative(page, page_url(dataset_page(dataset.id)))
        ranked = any(row["rank"] for row in rows)  # only a ranked paper has a badge
        badge = placeholder(ROOT) + badge_path(board["key"], paper_id)
        listed = [
            {
                **brief(row),
                "kind": row["source"]["kind"],
                "anchor": row_anchor(board["key"], row["result"]),
            }
            for row in rows
        ]
        split = split_placeholder(dataset.id, board["split"])
        boards.append(
            (href, dataset.name, split, board["metric_name"], listed, badge if ranked else None)
        )
    return boards


def brief(row: Row, href: str | None = None) -> dict[str, Any]:
    """What the home page and paper pages show of a row (their parts' digests stay small), with
    `href`, a link to the row, when given."""
    shown = {key: row[key] for key in ("model", "score_text", "rank", "paper_date")}
    return shown if href is None else {**shown, "href": href}
