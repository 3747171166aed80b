"""Leaderboards as plain data: every board with its rows, best first, each row described in full
(model, score as published, weights, paper, code, settings, source, verification state), and
the board's reproductions beside them (rank 0: not ranked), each claim naming its reproductions,
and the board's aggregated rows (source kind `aggregator`, e.g. the Papers with Code archive)
beside them too, also not ranked.

The site and the exports both read these rows, so they always agree. Nothing here writes files."""

from __future__ import annotations

from collections import Counter
from typing import Any

from generator.ranking.order import ranked_leaderboards
from generator.records.model import Catalog, Curation, Leaderboard, Result
from generator.scores.verification import state


def _row(catalog: Catalog, result: Result, rank: int, metric: str) -> dict[str, Any]:
    paper = catalog.papers.get(result.paper)
    code = paper.code if paper else []
    return {
        "rank": rank,
        "model": result.model,
        "score": result.metrics[metric],
        "score_text": result.published_text(metric),
        "weights": [w.url for w in result.weights],
        "paper": paper.url if paper else None,
        "code": [c.url for c in code],
        "result": result.id,
        "method": result.method,
        "backbone": result.backbone,
        "metrics": {m: result.metrics[m] for m in catalog.metrics if m in result.metrics},
        "extra_training_data": list(result.extra_training_data),
        "test_time_augmentation": list(result.test_time_augmentation),
        "weights_detail": [{"url": w.url, "framework": w.framework} for w in result.weights],
        "paper_id": result.paper,
        "paper_title": paper.title if paper else None,
        "paper_date": paper.date if paper else None,
        "code_detail": [
            {"url": c.url, "framework": c.framework, "official": c.official} for c in code
        ],
        "source": {
            "kind": result.source_kind,
            "url": result.source_url,
            "detail": result.document.data["source"].get("detail"),
        },
        # every curation entry, in the record's order ("published" only where one is given)
        "curation": [_curation(c) for c in result.curation],
        "notes": result.notes,
        "paper_venue": paper.venue if paper else None,
        "corrected_fields": [c.field for c in result.curation if c.action == "corrected"],
        # field -> the value the source published, for every corrected field
        "corrections": {c.field: c.published for c in result.curation if c.action == "corrected"},
        "verification": state(catalog, result),
        "decode_head": result.settings.decode_head,
        "pretraining_data": list(result.settings.pretraining_data),
        "crop_size": list(result.settings.crop_size) if result.settings.crop_size else None,
        "parameters_m": result.settings.parameters_m,
        "flops_g": result.settings.flops_g,
        "reproduces": result.reproduces,
    }


def _curation(entry: Curation) -> dict[str, Any]:
    out: dict[str, Any] = {"field": entry.field, "action": entry.action, "reason": entry.reason}
    if entry.has_published:
        out["published"] = entry.published
    if entry.source:
        out["source"] = entry.source
    return out


def _unranked(catalog: Catalog) -> dict[tuple[str, str, bool], list[Result]]:
    """The reproductions (False) and aggregated rows (True) of each dataset and split."""
    found: dict[tuple[str, str, bool], list[Result]] = {}
    for r in catalog.results:
        if r.is_reproduction or r.is_aggregated:
            found.setdefault((r.dataset, r.split, r.is_aggregated), []).append(r)
    return found


def _reproductions(catalog: Catalog, board: Leaderboard, unranked: list[Result]) -> list[Result]:
    """The reproductions (or the aggregated rows) of a board's split that give its metric, best
    first (the same order as the claims)."""
    found = [r for r in unranked if board.metric in r.metrics]
    higher = catalog.metrics[board.metric].higher_is_better
    return sorted(
        found, key=lambda r: (-r.metrics[board.metric] if higher else r.metrics[board.metric], r.id)
    )


def _with_reproductions(rows: list[dict[str, Any]], reproductions: list[dict[str, Any]]) -> None:
    """Give each claim the figures of the reproductions that name it."""
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for row in reproductions:
        if row["reproduces"]:
            figure = {key: row[key] for key in ("result", "model", "score_text", "source")}
            by_claim.setdefault(row["reproduces"], []).append(figure)
    for row in rows:
        row["reproduced_by"] = by_claim.get(row["result"], [])


def _key(board: Leaderboard, first_of_split: bool) -> str:
    """A leaderboard's name in file names: 'ade20k--val' for the first leaderboard of a split,
    'ade20k--val--miou' for another one on the same split (so existing links keep working)."""
    key = f"{board.dataset}--{board.split}"
    return key if first_of_split else f"{key}--{board.metric}"


def leaderboards(
    catalog: Catalog, only: set[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Every leaderboard with its rows, best first (see ranking for the tie-break); `only`:
    just the leaderboards of these datasets and splits."""
    by_id = catalog.results_by_id()
    unranked = _unranked(catalog)
    out: list[dict[str, Any]] = []
    ranked = ranked_leaderboards(catalog, only=only)
    every = catalog.leaderboards()
    per_split = Counter((board.dataset, board.split) for board in every)
    firsts: dict[tuple[str, str], str] = {}  # the first board of a split: the short key (_key)
    for board in every:
        firsts.setdefault((board.dataset, board.split), board.metric)
    for board, table in ranked:
        place = (board.dataset, board.split)
        dataset = catalog.datasets[board.dataset]
        split = dataset.splits[board.split]
        metric = catalog.metrics[board.metric]
        rows = [
            _row(catalog, by_id[rid], int(rank), board.metric)
            for rid, rank in zip(table["result"], table["rank"], strict=True)
        ]
        reproductions = [
            _row(catalog, r, 0, board.metric)
            for r in _reproductions(catalog, board, unranked.get((*place, False), []))
        ]
        _with_reproductions(rows, reproductions)
        aggregated = [
            _row(catalog, r, 0, board.metric)
            for r in _reproductions(catalog, board, unranked.get((*place, True), []))
        ]
        key = _key(board, firsts[place] == board.metric)
        out.append(
            {
                "key": key,
                "shares_split": per_split[(board.dataset, board.split)] > 1,
                "dataset": board.dataset,
                "dataset_name": dataset.name,
                "split": board.split,
                "split_name": {"en": split.name_en, "zh": split.name_zh},
                "metric": board.metric,
                "metric_name": metric.short_name,
                "higher_is_better": metric.higher_is_better,
                "rows": rows,
                "reproductions": reproductions,
                "aggregated": aggregated,
            }
        )
    return out
