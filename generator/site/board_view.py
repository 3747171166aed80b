"""What a leaderboard's block on its dataset page shows: its rows in display order (the ranked
claims, then the reproductions and aggregated rows by the same order), each row's anchor, filter
attributes and provenance, and which optional columns and filter choices the leaderboard needs.

Everything here is plain data for `templates/board.html.j2`; no markup is built here (the chart of
the rows is drawn by charts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.records.model import Catalog, Result
from generator.records.places import result_repo_path
from generator.site.badges import badge_path
from generator.site.charts import Point, progress_svg
from generator.site.markup import esc, safe_url

Row = dict[str, Any]  # a leaderboard row, as ranking.boards gives it
# A row's search entry outweighs a page's text: the theme cuts a query at each hyphen and looks
# each part up as a prefix, so the "h" of "InternImage-H" also finds every page with words in
# h; rows, which readers search for by name, then come first.
ROW_SEARCH_BOOST = 10


@dataclass
class BoardView:
    rows: list[dict[str, Any]] = field(default_factory=list)
    # (metric id, short name, higher is better) of every other metric the rows give
    metric_columns: list[tuple[str, str, bool]] = field(default_factory=list)
    extra_options: list[str] = field(default_factory=list)
    tta_options: list[str] = field(default_factory=list)
    pretraining_options: list[str] = field(default_factory=list)
    reproductions: int = 0
    aggregated: int = 0
    show_crop: bool = False
    show_params: bool = False
    show_flops: bool = False


def row_anchor(board_key: str, result_id: str) -> str:
    """A row's id on its dataset page: unique there, since one split's results have one slug
    each and a board key names the board ('ade20k--val--miou--segformer-b2')."""
    return f"{board_key}--{result_id.rsplit('/', 1)[-1]}"


def _order_key(row: Row, higher: bool) -> tuple[Any, ...]:
    """The ranking's order (ranking/order.py), so reproductions fall in among the claims."""
    score = -row["score"] if higher else row["score"]
    return (score, row["paper_date"] or "9999-12", row["model"].casefold(), row["result"])


def board_view(
    catalog: Catalog,
    board: dict[str, Any],
    result_hrefs: dict[str, str],
    edit_base: str | None,
    badge_base: str = "",
    by_id: dict[str, Result] | None = None,
) -> BoardView:
    """The rows and columns of one leaderboard's block (`edit_base`: the repository's edit URL
    up to the file's path, or None when the site names no repository; `badge_base`: the link
    from the page to the site's root, where the papers' rank badges are; `by_id`: the catalog's
    results by id, made once by a caller that shows many boards)."""
    higher = board["higher_is_better"]
    claims, reproductions = board["rows"], board["reproductions"]
    aggregated = board.get("aggregated", [])
    ordered = sorted(claims + reproductions + aggregated, key=lambda row: _order_key(row, higher))
    anchors = {row["result"]: row_anchor(board["key"], row["result"]) for row in ordered}
    models = {row["result"]: row["model"] for row in ordered}
    if by_id is None:  # the catalog's results by id, when the caller has not made it once
        by_id = {result.id: result for result in catalog.results if result.id in anchors}
    seen_metrics = {m for row in ordered for m in row["metrics"] if m != board["metric"]}
    view = BoardView(
        metric_columns=[
            (m, catalog.metrics[m].short_name, catalog.metrics[m].higher_is_better)
            for m in catalog.metrics
            if m in seen_metrics
        ],
        reproductions=len(reproductions),
        aggregated=len(aggregated),
        show_crop=any(row["crop_size"] for row in ordered),
        show_params=any(row["parameters_m"] is not None for row in ordered),
        show_flops=any(row["flops_g"] is not None for row in ordered),
    )
    view.extra_options = _options(ordered, "extra_training_data")
    view.tta_options = _options(ordered, "test_time_augmentation")
    view.pretraining_options = _options(ordered, "pretraining_data")
    for row in ordered:
        result = by_id[row["result"]]
        crop = row["crop_size"]
        claim = row["reproduces"]
        date = (row["paper_date"] or "")[:4]
        view.rows.append(
            {
                "row": row,
                "kind": _kind(result),
                "anchor": anchors[row["result"]],
                "anchors": anchors,
                "href": result_hrefs.get(row["result"]),
                "extra": " ".join(row["extra_training_data"]),
                "tta": " ".join(row["test_time_augmentation"]),
                "pre": " ".join(row["pretraining_data"]),
                "code": "1" if row["code_detail"] else "0",
                "crop": f"{crop[0]}×{crop[1]}" if crop else None,
                "crop_area": crop[0] * crop[1] if crop else "",
                "metric_texts": [
                    result.published_text(m) if m in result.metrics else None
                    for m, _, _ in view.metric_columns
                ],
                "published": f"{date}, {row['paper_venue']}" if row["paper_venue"] else date,
                "reproduced_by": row.get("reproduced_by", []),
                "claim": (anchors[claim], models[claim]) if claim in anchors else None,
                "source_href": safe_url(row["source"]["url"]),
                "paper_href": safe_url(row["paper"]) if row["paper"] else None,
                "weights": [(safe_url(w["url"]), w["framework"]) for w in row["weights_detail"]],
                "code_links": [(safe_url(c["url"]), c["framework"]) for c in row["code_detail"]],
                "record": result_repo_path(row["result"]),
                "badge": badge_base + badge_path(board["key"], row["paper_id"])
                if result.is_ranked
                else None,
                "edit": f"{edit_base}{result_repo_path(row['result'])}" if edit_base else None,
            }
        )
    return view


def _kind(result: Result) -> str:
    """A row's kind on the page: claims are ranked; reproductions and aggregated rows are
    shown beside them, hidden until the reader asks."""
    if result.is_reproduction:
        return "reproduction"
    return "aggregator" if result.is_aggregated else "claim"


def _options(rows: list[Row], key: str) -> list[str]:
    """The values of a list field that the rows use, in a stable order."""
    return sorted({value for row in rows for value in row[key]})


def board_chart(board: dict[str, Any], view: BoardView, title: str, x_label: str) -> str:
    """The state-of-the-art chart as inline SVG (its points tied to the rows), or ''."""
    points = [
        Point(
            item["row"]["paper_date"],
            item["row"]["score"],
            item["row"]["model"],
            item["row"]["score_text"],
            item["anchor"],
            item["kind"] != "claim",
        )
        for item in view.rows
        if item["row"]["paper_date"]
    ]
    return progress_svg(points, board["higher_is_better"], title, x_label, board["metric_name"])


# what a row's search entry holds in every language: where it leads, its title, and its text
# before and after the dataset and split (escaped)
SearchParts = list[tuple[str, str, str, str]]


def search_parts(board: dict[str, Any], view: BoardView, url: str) -> SearchParts:
    """The parts of the rows' search entries that every language shares (`url`: the page's)."""
    parts = []
    for item in view.rows:
        row = item["row"]
        before = " · ".join(word for word in (row["method"], row["backbone"] or "") if word)
        after = f"{board['metric_name']} {row['score_text']}"
        parts.append((f"{url}#{item['anchor']}", esc(row["model"]), esc(before), esc(after)))
    return parts


def search_entries(parts: SearchParts, where: str) -> list[Row]:
    """One search entry per row: found by model, method and backbone (and `where`, the dataset
    and split in the page's language), leading to the row on its page. Title and text are
    escaped: the theme's search shows its entries as HTML, as the engine's own entries are."""
    shown = esc(where)
    return [
        {
            "location": location,
            "title": title,
            "text": " · ".join(text for text in (before, shown, after) if text),
            "boost": ROW_SEARCH_BOOST,
        }
        for location, title, before, after in parts
    ]
