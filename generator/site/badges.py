"""Rank badges: a small SVG per paper and leaderboard that the paper's README can embed, showing
the leaderboard and the rank and score of the paper's best row on it, at
badges/<leaderboard key>/<paper id>.svg.

Text widths are estimated from per-character classes (the badge names its fonts, and readers'
machines differ), generously enough that no text is clipped in the usual sans-serif fonts.
"""

from __future__ import annotations

from typing import Any

from generator.site.markup import esc

BADGES = "badges"
HEIGHT = 20
_NARROW, _WIDE = set("ijlrtfI1.,:;|!' -()"), set("mwMW@%#")
LABEL, VALUE, INK = "#555555", "#3949ab", "#ffffff"  # white on either: 7.5:1 and 8.0:1


def badge_path(board_key: str, paper_id: str) -> str:
    """'badges/ade20k--val--miou/2105.15203.svg' (paper ids are file-name safe: places.PAPER_ID)."""
    return f"{BADGES}/{board_key}/{paper_id}.svg"


def _width(text: str) -> int:
    """Estimated width in pixels at 11 px, plus the badge's padding."""
    units = sum(4.0 if c in _NARROW else 10.0 if c in _WIDE else 7.2 for c in text)
    return int(units + 0.999) + 12


def badge_svg(label: str, value: str) -> str:
    """A two-part badge: `label` on grey, `value` on the accent colour."""
    left, right = _width(label), _width(value)
    total = left + right
    title = esc(f"{label}: {value}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{HEIGHT}" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<rect width="{left}" height="{HEIGHT}" fill="{LABEL}"/>'
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{VALUE}"/>'
        f'<g fill="{INK}" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" '
        f'text-anchor="middle"><text x="{left / 2:.1f}" y="14">{esc(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{esc(value)}</text></g></svg>\n'
    )


def badge_files(boards: list[dict[str, Any]]) -> dict[str, str]:
    """A badge per paper with a ranked row on a leaderboard, for its best row there (the rows
    are best first; reproductions and aggregated rows are not ranked)."""
    files = {}
    for board in boards:
        split = board["split_name"]["en"]
        label = f"segboard · {board['dataset_name']} {split} · {board['metric_name']}"
        for row in board["rows"]:
            path = badge_path(board["key"], row["paper_id"])
            if path not in files:
                value = f"#{row['rank']} of {len(board['rows'])} · {row['score_text']}"
                files[path] = badge_svg(label, value)
    return files
