"""What a build's pages are made from and what writing them gives: `Shared`, computed once for
every language (the ranked leaderboards, their blocks, the verified results' matrices), and
`SiteContent`, one language's pages, files, navigation and the parts filled in after the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.ranking.boards import leaderboards
from generator.records.model import Catalog, Result
from generator.records.places import evidence_file
from generator.scores.evidence import read_evidence
from generator.site.board_view import BoardView, Row, SearchParts
from generator.site.reuse import BlockMemo, PaperParts


@dataclass
class Block:
    """A leaderboard's block rendered with placeholders for its words (site/board_block.py),
    its rows, the digest of what it is made from ('' when nothing is kept between builds), and
    each language's worded block and search entries and the board's data files as far as they
    have been made: a process that builds again (`segboard serve`) keeps the blocks of
    unchanged leaderboards whole."""

    neutral: str
    view: BoardView
    key: str
    worded: dict[str, tuple[str, list[Row]]] = field(default_factory=dict)
    search: SearchParts | None = None  # what its rows' search entries share, once made
    files: dict[str, str] | None = None  # its data files (site/downloads.py), once made


@dataclass
class Shared:
    """What every language's pages are made from, computed once per build."""

    boards: list[dict[str, Any]]
    # paper id -> [(leaderboard, row)], in leaderboard order, reproductions and aggregated too
    by_paper: dict[str, list[tuple[dict[str, Any], Row]]] = field(default_factory=dict)
    # verified result id -> its evidence's confusion matrix
    matrices: dict[str, Any] = field(default_factory=dict)
    # leaderboard key -> its block, made once for every language
    blocks: dict[str, Block] = field(default_factory=dict)
    # blocks rendered by earlier builds (site/reuse.py), when the build may reuse them
    block_memo: BlockMemo | None = None
    by_id: dict[str, Result] = field(default_factory=dict)  # the catalog's results by id
    paper_parts: PaperParts | None = None  # for a process that builds again
    # paper id -> its list of results, rendered once for every language (site/board_block.py)
    paper_lists: dict[str, str] = field(default_factory=dict)
    # paper id -> the datasets it introduced (Catalog.datasets_introduced)
    introduced: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_catalog(
        cls,
        catalog: Catalog,
        block_memo: BlockMemo | None = None,
        kept: tuple[list[dict[str, Any]], dict[str, Any]] | None = None,
        paper_parts: PaperParts | None = None,
    ) -> Shared:
        """`kept`: the leaderboards, and blocks of unchanged ones, that a BoardMemo gave;
        `paper_parts`: its papers' lists of results."""
        boards, blocks = kept if kept is not None else (leaderboards(catalog), {})
        shared = cls(boards, blocks=dict(blocks), block_memo=block_memo, paper_parts=paper_parts)
        shared.by_id, shared.introduced = catalog.results_by_id(), catalog.datasets_introduced()
        for board in shared.boards:  # ranked rows first, then the unranked (rank 0)
            for row in (*board["rows"], *board["reproductions"], *board["aggregated"]):
                shared.by_paper.setdefault(row["paper_id"], []).append((board, row))
        for result in catalog.results:
            target = (
                evidence_file(catalog.root, result.evidence["file"]) if result.evidence else None
            )
            if result.id in catalog.verified and target is not None:
                shared.matrices[result.id] = read_evidence(target).matrix
        return shared


@dataclass
class SiteContent:
    """Everything one language's site needs: pages, data files, and the navigation."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    # page URL -> slot key -> final HTML, and the rows' search entries (site/slots.py)
    fragments: dict[str, dict[str, str]] = field(default_factory=dict)
    search: list[Row] = field(default_factory=list)
    # data files written into the built site as they are (site path -> text)
    downloads: dict[str, str] = field(default_factory=dict)
