"""Progress charts as inline SVG: every result as a point, the running best as a step line.

The SVG is written directly rather than through a plotting library: it is small, byte-for-byte
deterministic, and draws with `currentColor` and CSS classes, so the site's stylesheet colours it
for the light and the dark palette alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .markup import esc

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 16, 40


@dataclass(frozen=True)
class Point:
    date: str  # "YYYY-MM" or "YYYY-MM-DD"
    score: float
    label: str
    score_text: str


def _year(date: str) -> float:
    parts = [int(p) for p in date.split("-")]
    year, month = parts[0], parts[1]
    day = parts[2] if len(parts) > 2 else 1
    return year + (month - 1) / 12 + (day - 1) / 365


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + 1e-9:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def running_best(points: list[Point], higher_is_better: bool) -> list[Point]:
    """The points that set a new best when taken in date order (ties: the earlier stays)."""
    best: list[Point] = []
    for point in sorted(
        points, key=lambda p: (_year(p.date), -p.score if higher_is_better else p.score)
    ):
        if not best:
            best.append(point)
            continue
        current = best[-1].score
        if (point.score > current) if higher_is_better else (point.score < current):
            best.append(point)
    return best


_LABEL_CHAR_WIDTH = 5.2  # at the 9px label size
_LABEL_HEIGHT = 10.0
_LABEL_OFFSETS = (-6.0, 12.0, -17.0, 23.0, -28.0, 34.0)


def _place_label(
    cx: float, cy: float, length: int, anchor: str, placed: list[tuple[float, float, float, float]]
) -> tuple[float, float]:
    """Beside its point, at the first of a few heights where it overlaps no label placed yet."""
    width = length * _LABEL_CHAR_WIDTH
    lx = cx - 7 if anchor == "end" else cx + 7
    left = lx - width if anchor == "end" else lx
    for dy in _LABEL_OFFSETS:
        box = (left, cy + dy - _LABEL_HEIGHT + 2, left + width, cy + dy + 2)
        if not any(
            box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
            for other in placed
        ):
            placed.append(box)
            return lx, cy + dy
    placed.append((left, cy - 16, left + width, cy - 4))
    return lx, cy - 6


def progress_svg(
    points: list[Point], higher_is_better: bool, title: str, x_label: str, y_label: str
) -> str:
    """An SVG document (one line per element, no blank lines) for embedding in a page."""
    if not points:
        return ""
    years = [_year(p.date) for p in points]
    x_low, x_high = min(years) - 0.25, max(years) + 0.25
    scores = [p.score for p in points]
    pad = max((max(scores) - min(scores)) * 0.08, 0.5)
    y_low, y_high = min(scores) - pad, max(scores) + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(value: float) -> float:
        return LEFT + (value - x_low) / (x_high - x_low) * plot_w

    def y(value: float) -> float:
        return TOP + (y_high - value) / (y_high - y_low) * plot_h

    out = [
        f'<svg class="sb-chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" role="img" aria-label="{esc(title)}">',
        f"<title>{esc(title)}</title>",
        f'<g class="sb-axis" stroke="currentColor" fill="none">'
        f'<path d="M{LEFT} {TOP}V{HEIGHT - BOTTOM}H{WIDTH - RIGHT}"/></g>',
    ]
    grid = []
    for tick in _ticks(y_low, y_high):
        grid.append(
            f'<line class="sb-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y(tick))}" '
            f'y2="{_fmt(y(tick))}" stroke="currentColor"/>'
            f'<text class="sb-tick" x="{LEFT - 6}" y="{_fmt(y(tick) + 3.5)}" text-anchor="end" '
            f'fill="currentColor">{tick:g}</text>'
        )
    first_year, last_year = math.ceil(x_low), math.floor(x_high)
    step = max(1, math.ceil((last_year - first_year + 1) / 10))
    for year in range(first_year, last_year + 1, step):
        grid.append(
            f'<text class="sb-tick" x="{_fmt(x(year))}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle" fill="currentColor">{year}</text>'
        )
    out.extend(grid)
    out.append(
        f'<text class="sb-axis-label" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle" fill="currentColor">{esc(x_label)}</text>'
    )
    out.append(
        f'<text class="sb-axis-label" transform="translate(14 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="currentColor">{esc(y_label)}</text>'
    )
    best = running_best(points, higher_is_better)
    if best:
        steps = [f"M{_fmt(x(_year(best[0].date)))} {_fmt(y(best[0].score))}"]
        for point in best[1:]:
            steps.append(f"H{_fmt(x(_year(point.date)))}V{_fmt(y(point.score))}")
        steps.append(f"H{_fmt(x(x_high))}")
        out.append(
            f'<path class="sb-step" d="{"".join(steps)}" fill="none" stroke="currentColor"/>'
        )
    best_ids = {id(p) for p in best}
    placed: list[tuple[float, float, float, float]] = []
    ordered = sorted(points, key=lambda p: (_year(p.date), p.score, p.label))
    for point in ordered:
        cx, cy = x(_year(point.date)), y(point.score)
        css = "sb-pt sb-pt-best" if id(point) in best_ids else "sb-pt"
        tip = f"{point.label}: {point.score_text} ({point.date})"
        out.append(
            f'<circle class="{css}" cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="4" fill="currentColor">'
            f"<title>{esc(tip)}</title></circle>"
        )
        anchor = "end" if cx > LEFT + plot_w * 0.75 else "start"
        lx, ly = _place_label(cx, cy, len(point.label), anchor, placed)
        out.append(
            f'<text class="sb-lbl" x="{_fmt(lx)}" y="{_fmt(ly)}" text-anchor="{anchor}" '
            f'fill="currentColor">{esc(point.label)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
