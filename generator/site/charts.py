"""Progress charts as SVG files: every result as a point, the running best as a step line.

The SVG is written directly rather than through a plotting library: it is small, quick to make
for a hundred leaderboards, and byte-for-byte deterministic. Pages show it through <img>, so
neither Markdown nor the search index has to read it; the site's stylesheet inverts it for the
dark palette. Points are labelled with their model names; on a crowded chart (more than
MAX_LABELLED points) only the points of the running best are, and every point keeps a tooltip
when the SVG is opened on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from generator.site.markup import esc

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 16, 40
MAX_LABELLED = 40
INK, FAINT, ACCENT = "#333333", "#757575", "#3949ab"


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


@dataclass(frozen=True)
class _Frame:
    """The plotted ranges and how they map onto the SVG's coordinates."""

    x_low: float
    x_high: float
    y_low: float
    y_high: float

    @property
    def plot_w(self) -> float:
        return WIDTH - LEFT - RIGHT

    @property
    def plot_h(self) -> float:
        return HEIGHT - TOP - BOTTOM

    def x(self, value: float) -> float:
        return LEFT + (value - self.x_low) / (self.x_high - self.x_low) * self.plot_w

    def y(self, value: float) -> float:
        return TOP + (self.y_high - value) / (self.y_high - self.y_low) * self.plot_h


def progress_svg(
    points: list[Point], higher_is_better: bool, title: str, x_label: str, y_label: str
) -> str:
    """A standalone SVG document, or "" when there is nothing to draw."""
    if not points:
        return ""
    years = [_year(p.date) for p in points]
    scores = [p.score for p in points]
    pad = max((max(scores) - min(scores)) * 0.08, 0.5)
    frame = _Frame(min(years) - 0.25, max(years) + 0.25, min(scores) - pad, max(scores) + pad)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{esc(title)}" font-family="sans-serif">',
        f"<title>{esc(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<path d="M{LEFT} {TOP}V{HEIGHT - BOTTOM}H{WIDTH - RIGHT}" fill="none" stroke="{FAINT}"/>',
    ]
    out += _axes(frame, x_label, y_label)
    best = running_best(points, higher_is_better)
    out.append(_step_line(frame, best))
    out += _marks(frame, points, {id(p) for p in best})
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _axes(frame: _Frame, x_label: str, y_label: str) -> list[str]:
    """Grid lines with score ticks, year ticks, and the two axis labels."""
    out = []
    for tick in _ticks(frame.y_low, frame.y_high):
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(frame.y(tick))}" '
            f'y2="{_fmt(frame.y(tick))}" stroke="{INK}" stroke-opacity="0.12"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{_fmt(frame.y(tick) + 3.5)}" text-anchor="end" '
            f'font-size="11" fill="{FAINT}">{tick:g}</text>'
        )
    first_year, last_year = math.ceil(frame.x_low), math.floor(frame.x_high)
    step = max(1, math.ceil((last_year - first_year + 1) / 10))
    for year in range(first_year, last_year + 1, step):
        out.append(
            f'<text x="{_fmt(frame.x(year))}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11" fill="{FAINT}">{year}</text>'
        )
    out.append(
        f'<text x="{LEFT + frame.plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" '
        f'font-size="11" fill="{FAINT}">{esc(x_label)}</text>'
    )
    out.append(
        f'<text transform="translate(14 {TOP + frame.plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="11" fill="{FAINT}">{esc(y_label)}</text>'
    )
    return out


def _step_line(frame: _Frame, best: list[Point]) -> str:
    """The running best as a step line, carried on to the right edge."""
    steps = [f"M{_fmt(frame.x(_year(best[0].date)))} {_fmt(frame.y(best[0].score))}"]
    for point in best[1:]:
        steps.append(f"H{_fmt(frame.x(_year(point.date)))}V{_fmt(frame.y(point.score))}")
    steps.append(f"H{_fmt(frame.x(frame.x_high))}")
    return f'<path d="{"".join(steps)}" fill="none" stroke="{ACCENT}" stroke-width="2"/>'


def _marks(frame: _Frame, points: list[Point], best_ids: set[int]) -> list[str]:
    """A dot (with a tooltip) per result; labels on all, or on the running best when crowded."""
    out = []
    label_all = len(points) <= MAX_LABELLED
    placed: list[tuple[float, float, float, float]] = []
    for point in sorted(points, key=lambda p: (_year(p.date), p.score, p.label)):
        cx, cy = frame.x(_year(point.date)), frame.y(point.score)
        on_best = id(point) in best_ids
        tip = f"{point.label}: {point.score_text} ({point.date})"
        out.append(
            f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="4" fill="{ACCENT if on_best else FAINT}">'
            f"<title>{esc(tip)}</title></circle>"
        )
        if not (label_all or on_best):
            continue
        anchor = "end" if cx > LEFT + frame.plot_w * 0.75 else "start"
        lx, ly = _place_label(cx, cy, len(point.label), anchor, placed)
        out.append(
            f'<text x="{_fmt(lx)}" y="{_fmt(ly)}" text-anchor="{anchor}" font-size="9" '
            f'fill="{INK}">{esc(point.label)}</text>'
        )
    return out


def confusion_heatmap_svg(matrix: np.ndarray, class_names: list[str], title: str) -> str:
    """A confusion matrix as a heatmap: each row normalised to its ground-truth pixels.

    Rows are ground-truth classes, columns predicted ones; the darker a cell, the larger the
    share of that class's pixels predicted as the column's class. Class names label the axes
    when there are few enough classes to read them.
    """
    k = matrix.shape[0]
    cell = max(4, min(24, 480 // max(k, 1)))
    named = k <= 40
    longest = max((len(name) for name in class_names[:k]), default=0)
    margin = int(longest * 5.5) + 14 if named else 30
    size = margin + k * cell + 10
    totals = matrix.sum(axis=1, keepdims=True).astype(np.float64)
    shares = np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" '
        f'height="{size}" role="img" aria-label="{esc(title)}" font-family="sans-serif">',
        f"<title>{esc(title)}</title>",
        f'<rect width="{size}" height="{size}" fill="#fff"/>',
    ]
    for row in range(k):
        for column in range(k):
            share = shares[row, column]
            if share <= 0:
                continue
            name_row = class_names[row] if row < len(class_names) else str(row)
            name_col = class_names[column] if column < len(class_names) else str(column)
            count = int(matrix[row, column])
            tip = f"{name_row} predicted as {name_col}: {100 * share:.2f}% ({count:,} px)"
            out.append(
                f'<rect x="{margin + column * cell}" y="{margin + row * cell}" width="{cell}" '
                f'height="{cell}" fill="{ACCENT}" fill-opacity="{max(share, 0.02):.3f}">'
                f"<title>{esc(tip)}</title></rect>"
            )
    out.append(
        f'<rect x="{margin}" y="{margin}" width="{k * cell}" height="{k * cell}" fill="none" '
        f'stroke="{FAINT}"/>'
    )
    if named:
        for index, name in enumerate(class_names[:k]):
            middle = margin + index * cell + cell / 2 + 3
            out.append(
                f'<text x="{margin - 4}" y="{_fmt(middle)}" text-anchor="end" font-size="9" '
                f'fill="{INK}">{esc(name)}</text>'
            )
            out.append(
                f'<text transform="translate({_fmt(middle)} {margin - 4}) rotate(-90)" '
                f'font-size="9" fill="{INK}">{esc(name)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"
