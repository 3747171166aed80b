"""Leaderboard tables: results as a pandas frame, ranked best first.

Order within a leaderboard, the same everywhere (export, site):
  1. the ranking metric, best first (highest, or lowest for a lower-is-better metric);
  2. then the earlier paper date (the first to reach a score keeps precedence);
  3. then the model name, case-insensitively;
  4. then the result id (its data/results/ path), which is unique.
Results with the same score share a rank (competition ranking: 1, 2, 2, 4).

pandas is imported when a frame is first made, not with this module (a fifth of a second): a
build imports it while its workers parse the records (`get_ready`), and a command that ranks
nothing does not import it at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.records.model import Catalog, Leaderboard, Result

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = [
    "result",
    "dataset",
    "split",
    "model",
    "method",
    "backbone",
    "paper",
    "paper_date",
    "metric",
    "score",
    "score_text",
]


def results_frame(
    catalog: Catalog, reproductions: bool = False, only: set[tuple[str, str]] | None = None
) -> pd.DataFrame:
    """One row per result that appears on a leaderboard, scored by that leaderboard's metric.

    Reproductions (a third party's re-implementation) and aggregated rows (a third party's
    collection, such as the Papers with Code archive) are ranked only when asked for: the
    leaderboards rank what authors published, and show the others beside it. `only`: just the
    results of these datasets and splits.
    """
    metrics_of: dict[tuple[str, str], list[str]] = {}
    for board in catalog.leaderboards():
        if only is None or (board.dataset, board.split) in only:
            metrics_of.setdefault((board.dataset, board.split), []).append(board.metric)
    rows = []
    for result in catalog.results:
        if not result.is_ranked and not reproductions:
            continue
        for metric in metrics_of.get((result.dataset, result.split), []):
            if metric in result.metrics:
                rows.append(_frame_row(catalog, result, metric))
    import pandas as pd

    return pd.DataFrame(rows, columns=COLUMNS)


def get_ready() -> None:
    """Import what ranking needs, for a caller that has time to spare before it ranks."""
    import pandas  # noqa: F401


def _frame_row(catalog: Catalog, result: Result, metric: str) -> dict[str, object]:
    paper = catalog.papers.get(result.paper)
    return {
        "result": result.id,
        "dataset": result.dataset,
        "split": result.split,
        "model": result.model,
        "method": result.method,
        "backbone": result.backbone,
        "paper": result.paper,
        "paper_date": paper.date if paper else "9999-12",
        "metric": metric,
        "score": float(result.metrics[metric]),
        "score_text": result.published_text(metric),
    }


# a leaderboard's rows: those of one dataset, split and metric
PLACE = ["dataset", "split", "metric"]
# the order within a leaderboard (see above), after PLACE; _key and _name are made by _keyed
ORDER = ["_key", "paper_date", "_name", "result"]


def rank(frame: pd.DataFrame, higher_is_better: bool) -> pd.DataFrame:
    """The rows of one leaderboard in ranking order, with a 'rank' column."""
    import pandas as pd

    ordered = _keyed(frame, pd.Series(not higher_is_better, index=frame.index))
    ordered = ordered.sort_values(ORDER, kind="mergesort")
    ranks = ordered["_key"].rank(method="min").astype(int)
    return ordered.assign(rank=ranks).drop(columns=["_key", "_name"]).reset_index(drop=True)


def _keyed(frame: pd.DataFrame, lower: pd.Series) -> pd.DataFrame:
    """`frame` with the sort keys: the score negated where higher is better (`lower` False),
    so that the best comes first either way, and the model's name case-folded."""
    return frame.assign(
        _key=frame["score"].where(lower, -frame["score"]), _name=frame["model"].str.casefold()
    )


def ranked_leaderboards(
    catalog: Catalog, reproductions: bool = False, only: set[tuple[str, str]] | None = None
) -> list[tuple[Leaderboard, pd.DataFrame]]:
    """Every leaderboard (`only`: those of these datasets and splits) with its ranked rows.

    The rows of all leaderboards are sorted and ranked at once, grouped by their leaderboard:
    the same order and ranks as `rank` gives each, in a fraction of the time at many boards."""
    frame = results_frame(catalog, reproductions, only)
    lower = frame["metric"].map(
        {m: not catalog.metrics[m].higher_is_better for m in catalog.metrics}
    )
    ordered = _keyed(frame, lower).sort_values([*PLACE, *ORDER], kind="mergesort")
    ranks = ordered.groupby(PLACE, sort=False)["_key"].rank(method="min").astype(int)
    ordered = ordered.assign(rank=ranks).drop(columns=["_key", "_name"])
    groups = {key: rows.reset_index(drop=True) for key, rows in ordered.groupby(PLACE, sort=False)}
    boards = []
    for board in catalog.leaderboards():
        if only is not None and (board.dataset, board.split) not in only:
            continue
        rows = groups.get((board.dataset, board.split, board.metric))
        boards.append((board, rank(frame.iloc[:0], True) if rows is None else rows))
    return boards
