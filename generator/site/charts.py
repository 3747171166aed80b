"""Charts as SVG: a leaderboard's progress (every result a point, the running best a step line)
and a verified result's confusion matrix.

The SVG is written directly rather than through a plotting library: it is small, quick to make
for a hundred leaderboards, and byte-for-byte deterministic. The progress chart goes inline into
its leaderboard's block (not through Markdown: see site/slots.py), so the stylesheet colours it
for either palette and the page's script ties each point to its table row: points follow the
filters, and a point shows its details on hover and on keyboard focus. Only the points of the
running best are labelled, each label placed where it overlaps no other label, no segment of
the step line and no dot on it (when the chart has such a place near its point).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup

from generator.site.markup import esc

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 16, 40
INK, FAINT, ACCENT = "#333333", "#757575", "#3949ab"  # the confusion matrix's colours


@dataclass(frozen=True)
class Point:
    date: str  # "YYYY-MM" or "YYYY-MM-DD"
    score: float
    label: str
    score_text: str
    row: str = ""  # the id of the point's table row
    hidden: bool = False  # drawn, but shown only when the reader's filters show its row


def _text(value: str) -> str:
    """Text for the SVG: escaped, unless it is markup already (a placeholder of a word)."""
    return str(value) if isinstance(value, Markup) else esc(value)


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


# a label's size in the chart's units at its 12-unit size: the widest common sans-serif faces
# (DejaVu Sans) take about 7 units a character; a wider guess only leaves more room
_LABEL_CHAR_WIDTH = 7.2
_LABEL_HEIGHT = 13.0
_LABEL_OFFSETS = (-7.0, 15.0, -21.0, 29.0, -35.0, 43.0)  # the label's baseline below its point
_DOT = 6.0  # a dot's radius with its outline, kept clear of labels
# where labels may go: right of the score ticks, above the year ticks, inside the SVG
LABEL_AREA = (float(LEFT), 0.0, float(WIDTH), float(HEIGHT - BOTTOM))
_LINE = 1.5  # half the step line's width, kept clear of labels

Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_label(
    cx: float, cy: float, length: int, anchor: str, taken: list[Box]
) -> tuple[float, float, str] | None:
    """Beside its point, at the first of a few heights, on the side `anchor` names and then on
    the other, where the label stays inside LABEL_AREA and overlaps nothing `taken` (the labels
    placed so far, the step line and its dots): its x, y and anchor, or None where nothing is
    free. The chosen place is added to `taken`."""
    width = length * _LABEL_CHAR_WIDTH
    for side in (anchor, "start" if anchor == "end" else "end"):
        lx = cx - 7 if side == "end" else cx + 7
        left = lx - width if side == "end" else lx
        if left < LABEL_AREA[0] or left + width > LABEL_AREA[2]:
            continue
        for dy in _LABEL_OFFSETS:
            box = (left, cy + dy - _LABEL_HEIGHT + 2, left + width, cy + dy + 2)
            if box[1] < LABEL_AREA[1] or box[3] > LABEL_AREA[3]:
                continue
            if not any(_overlaps(box, other) for other in taken):
                taken.append(box)
                return lx, cy + dy, side
    return None


def _label_order(best: list[Point]) -> list[Point]:
    """The running best's points in the order their labels are placed: the best of all first,
    then the others by how much they improved on the best before them (the first point: by
    nothing), so that where labels crowd, the ones left out are the smallest steps."""
    if not best:
        return []
    gains = {id(best[0]): 0.0}
    for before, point in itertools.pairwise(best):
        gains[id(point)] = abs(point.score - before.score)
    rest = sorted(best[:-1], key=lambda p: (-gains[id(p)], _year(p.date), p.label, p.row))
    return [best[-1], *rest]


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
    """An inline SVG element (coloured by the site's stylesheet), or "" with nothing to draw.

    The running best is computed from the points shown at first (not `hidden`); the page's
    script recomputes it for the reader's filters."""
    if not points:
        return ""
    years = [_year(p.date) for p in points]
    scores = [p.score for p in points]
    pad = max((max(scores) - min(scores)) * 0.08, 0.5)
    frame = _Frame(min(years) - 0.25, max(years) + 0.25, min(scores) - pad, max(scores) + pad)
    out = [
        f'<svg class="sb-progress" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-label="{_text(title)}" data-sb-right="{_fmt(frame.x(frame.x_high))}" '
        f'data-sb-label-area="{" ".join(_fmt(v) for v in LABEL_AREA)}">',
        f'<path class="sb-p-axis" d="M{LEFT} {TOP}V{HEIGHT - BOTTOM}H{WIDTH - RIGHT}"/>',
    ]
    out += _axes(frame, x_label, y_label)
    best = running_best([p for p in points if not p.hidden], higher_is_better)
    out.append(_step_line(frame, best))
    out += _marks(frame, points, best)
    out.append("</svg>")
    return "\n".join(out)


def _axes(frame: _Frame, x_label: str, y_label: str) -> list[str]:
    """Grid lines with score ticks, year ticks, and the two axis labels."""
    out = []
    for tick in _ticks(frame.y_low, frame.y_high):
        y = _fmt(frame.y(tick))
        out.append(f'<line class="sb-p-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        out.append(
            f'<text class="sb-p-tick" x="{LEFT - 6}" y="{_fmt(frame.y(tick) + 4)}" '
            f'text-anchor="end">{tick:g}</text>'
        )
    first_year, last_year = math.ceil(frame.x_low), math.floor(frame.x_high)
    step = max(1, math.ceil((last_year - first_year + 1) / 8))
    for year in range(first_year, last_year + 1, step):
        out.append(
            f'<text class="sb-p-tick" x="{_fmt(frame.x(year))}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{year}</text>'
        )
    out.append(
        f'<text class="sb-p-tick" x="{LEFT + frame.plot_w / 2:.1f}" y="{HEIGHT - 4}" '
        f'text-anchor="middle">{_text(x_label)}</text>'
    )
    out.append(
        f'<text class="sb-p-tick" transform="translate(14 {TOP + frame.plot_h / 2:.1f}) '
        f'rotate(-90)" text-anchor="middle">{_text(y_label)}</text>'
    )
    return out


def _step_line(frame: _Frame, best: list[Point]) -> str:
    """The running best as a step line, carried on to the right edge."""
    if not best:
        return '<path class="sb-p-best" d=""/>'
    steps = [f"M{_fmt(frame.x(_year(best[0].date)))} {_fmt(frame.y(best[0].score))}"]
    for point in best[1:]:
        steps.append(f"H{_fmt(frame.x(_year(point.date)))}V{_fmt(frame.y(point.score))}")
    steps.append(f"H{_fmt(frame.x(frame.x_high))}")
    return f'<path class="sb-p-best" d="{"".join(steps)}"/>'


def _step_boxes(frame: _Frame, best: list[Point]) -> list[Box]:
    """What the labels keep clear of: each segment of the step line (as `_step_line` draws
    it), and the dots on it."""
    corners = [(frame.x(_year(p.date)), frame.y(p.score)) for p in best]
    boxes: list[Box] = [(x - _DOT, y - _DOT, x + _DOT, y + _DOT) for x, y in corners]
    for (x, y), (next_x, next_y) in itertools.pairwise(corners):
        boxes.append((x, y - _LINE, next_x, y + _LINE))  # across to the next step
        boxes.append((next_x - _LINE, min(y, next_y), next_x + _LINE, max(y, next_y)))  # up
    if corners:  # the last step, carried on to the right edge
        x, y = corners[-1]
        boxes.append((x, y - _LINE, frame.x(frame.x_high), y + _LINE))
    return boxes


def _marks(frame: _Frame, points: list[Point], best: list[Point]) -> list[str]:
    """A focusable dot per result with its details; labels on the running best only, each
    where it overlaps no other label, no step of the line and no dot on it, and none where
    no such place is near (the dot still gives its details, and the table lists it)."""
    out = []
    best_ids = {id(p) for p in best}
    for point in sorted(points, key=lambda p: (_year(p.date), p.score, p.label, p.row)):
        cx, cy = frame.x(_year(point.date)), frame.y(point.score)
        on_best = id(point) in best_ids
        tip = f"{point.label}: {point.score_text} ({point.date})"
        hidden = ' display="none"' if point.hidden else ""
        out.append(
            f'<circle class="sb-p-dot{" sb-p-on-best" if on_best else ""}" cx="{_fmt(cx)}" '
            f'cy="{_fmt(cy)}" r="5" data-sb-row="{esc(point.row)}" '
            f'data-sb-date="{esc(point.date)}" tabindex="0" role="img" '
            f'aria-label="{esc(tip)}"{hidden}><title>{esc(tip)}</title></circle>'
        )
    taken = _step_boxes(frame, best)
    for point in _label_order(best):  # after every dot: drawn on top
        cx, cy = frame.x(_year(point.date)), frame.y(point.score)
        anchor = "end" if cx > LABEL_AREA[0] + (LABEL_AREA[2] - LABEL_AREA[0]) * 0.6 else "start"
        place = _place_label(cx, cy, len(point.label), anchor, taken)
        if place is None:
            continue
        lx, ly, anchor = place
        out.append(
            f'<text class="sb-p-label" x="{_fmt(lx)}" y="{_fmt(ly)}" text-anchor="{anchor}" '
            f'data-sb-row="{esc(point.row)}" aria-hidden="true">{esc(point.label)}</text>'
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
