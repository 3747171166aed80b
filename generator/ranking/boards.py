"""Exports of the validated data: ranked leaderboards as JSON, all results as CSV."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from generator.ranking.tables import ranked_leaderboards
from generator.records.model import Catalog, Result
from generator.scores.verification import state

CSV_COLUMNS = [
    "result",
    "dataset",
    "split",
    "metric",
    "rank",
    "score",
    "model",
    "method",
    "backbone",
    "extra_training_data",
    "test_time_augmentation",
    "weights",
    "paper",
    "paper_url",
    "paper_date",
    "code",
    "source_kind",
    "source_url",
]


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
        "source": {"kind": result.source_kind, "url": result.source_url},
        "corrected_fields": [c.field for c in result.curation if c.action == "corrected"],
        "verification": state(catalog, result),
    }


def leaderboards(catalog: Catalog) -> list[dict[str, Any]]:
    """Every leaderboard with its rows, best first (see ranking for the tie-break)."""
    by_id = {result.id: result for result in catalog.results}
    out = []
    for board, table in ranked_leaderboards(catalog):
        dataset = catalog.datasets[board.dataset]
        split = dataset.splits[board.split]
        metric = catalog.metrics[board.metric]
        out.append(
            {
                "dataset": board.dataset,
                "dataset_name": dataset.name,
                "split": board.split,
                "split_name": {"en": split.name_en, "zh": split.name_zh},
                "metric": board.metric,
                "metric_name": metric.short_name,
                "higher_is_better": metric.higher_is_better,
                "rows": [
                    _row(catalog, by_id[rid], int(rank), board.metric)
                    for rid, rank in zip(table["result"], table["rank"], strict=True)
                ],
            }
        )
    return out


def to_json(catalog: Catalog) -> str:
    return json.dumps(leaderboards(catalog), indent=2, ensure_ascii=False) + "\n"


def to_csv(catalog: Catalog) -> str:
    """One row per result, in leaderboard order; numbers exactly as published."""
    return to_csv_rows(catalog, leaderboards(catalog))


def to_csv_rows(catalog: Catalog, boards: list[dict[str, Any]]) -> str:
    """The CSV of the given (already ranked) leaderboards."""
    rows = []
    metric_ids = list(catalog.metrics)
    by_id = {result.id: result for result in catalog.results}
    for board in boards:
        for row in board["rows"]:
            result = by_id[row["result"]]
            record = {
                "result": row["result"],
                "dataset": board["dataset"],
                "split": board["split"],
                "metric": board["metric"],
                "rank": row["rank"],
                "score": row["score_text"],
                "model": row["model"],
                "method": row["method"],
                "backbone": row["backbone"] or "",
                "extra_training_data": ";".join(row["extra_training_data"]),
                "test_time_augmentation": ";".join(row["test_time_augmentation"]),
                "weights": " ".join(row["weights"]),
                "paper": row["paper_id"],
                "paper_url": row["paper"] or "",
                "paper_date": row["paper_date"] or "",
                "code": " ".join(row["code"]),
                "source_kind": row["source"]["kind"],
                "source_url": row["source"]["url"],
            }
            for metric_id in metric_ids:
                present = metric_id in result.metrics
                record[f"metric:{metric_id}"] = result.published_text(metric_id) if present else ""
            rows.append(record)
    columns = [*CSV_COLUMNS, *(f"metric:{m}" for m in metric_ids)]
    return pd.DataFrame(rows, columns=columns).to_csv(index=False, lineterminator="\n")
