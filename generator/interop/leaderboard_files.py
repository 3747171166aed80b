"""Leaderboards as files: JSON (the ranked boards) and CSV (one row per result, numbers exactly as
published). The site's downloads and `segboard export` both use these."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from generator.ranking.boards import leaderboards
from generator.records.model import Catalog, Result

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
    "verification",
    "corrected_fields",
    "corrections",
    "decode_head",
    "pretraining_data",
    "crop_size",
    "parameters_m",
    "flops_g",
    "reproduces",
    "reproduced_by",
]


def to_json(catalog: Catalog) -> str:
    return json.dumps(leaderboards(catalog), indent=2, ensure_ascii=False) + "\n"


def to_csv(catalog: Catalog) -> str:
    """One row per result, in leaderboard order; numbers exactly as published."""
    return to_csv_rows(catalog, leaderboards(catalog))


def to_csv_rows(
    catalog: Catalog, boards: list[dict[str, Any]], by_id: Mapping[str, Result] | None = None
) -> str:
    """The CSV of the given (already ranked) leaderboards: the claims with their ranks, then the
    reproductions and the aggregated rows (rank empty); numbers exactly as published.
    `by_id`: the catalog's results by id, from a caller that writes many boards' files."""
    rows = []
    metric_ids = list(catalog.metrics)
    if by_id is None:
        by_id = catalog.results_by_id()
    for board in boards:
        unranked = [*board.get("reproductions", []), *board.get("aggregated", [])]
        for row in [*board["rows"], *unranked]:
            record = _csv_record(board, row)
            result = by_id[row["result"]]
            for metric_id in metric_ids:
                present = metric_id in result.metrics
                record[f"metric:{metric_id}"] = result.published_text(metric_id) if present else ""
            rows.append(record)
    columns = [*CSV_COLUMNS, *(f"metric:{m}" for m in metric_ids)]
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def _csv_record(board: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    crop = row.get("crop_size")
    return {
        "result": row["result"],
        "dataset": board["dataset"],
        "split": board["split"],
        "metric": board["metric"],
        "rank": row["rank"] or "",
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
        "verification": row["verification"],
        "corrected_fields": ";".join(row["corrected_fields"]),
        # field=the value the source published, for each corrected field
        "corrections": ";".join(f"{k}={v}" for k, v in row["corrections"].items()),
        "decode_head": row.get("decode_head") or "",
        "pretraining_data": ";".join(row.get("pretraining_data", [])),
        "crop_size": f"{crop[0]}x{crop[1]}" if crop else "",
        "parameters_m": _number(row.get("parameters_m")),
        "flops_g": _number(row.get("flops_g")),
        "reproduces": row.get("reproduces") or "",
        "reproduced_by": " ".join(r["result"] for r in row.get("reproduced_by", [])),
    }


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
