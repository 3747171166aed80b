"""Where the progress chart puts its labels: never on one another, on the running best's line or
on its dots (the browser check in tests/tools/browse_site.py measures the real text; these
tests measure it as the chart's code estimates it)."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site import charts
from generator.site.charts import Point, progress_svg

Box = tuple[float, float, float, float]


def drawn(svg: str) -> tuple[list[tuple[str, Box]], list[Box], list[str]]:
    """The labels (text, estimated box), the boxes to keep clear (line segments and the dots
    on it) and the rows of the running best's dots, read back from the SVG."""
    labels = []
    for x, y, anchor, text in re.findall(
        r'<text class="sb-p-label" x="([\d.-]+)" y="([\d.-]+)" text-anchor="(\w+)"[^>]*>([^<]*)<',
        svg,
    ):
        name = html.unescape(text)
        width = len(name) * charts._LABEL_CHAR_WIDTH
        left = float(x) - width if anchor == "end" else float(x)
        labels.append(
            (name, (left, float(y) - charts._LABEL_HEIGHT + 2, left + width, float(y) + 2))
        )
    path = re.search(r'<path class="sb-p-best" d="([^"]*)"', svg)
    assert path is not None
    clear: list[Box] = []
    moves = re.findall(r"([MHV])([\d.-]+)(?: ([\d.-]+))?", path[1])
    x = y = 0.0
    for kind, first, second in moves:
        if kind == "M":
            x, y = float(first), float(second)
        elif kind == "H":
            clear.append((min(x, float(first)), y - 1, max(x, float(first)), y + 1))
            x = float(first)
        else:
            clear.append((x - 1, min(y, float(first)), x + 1, max(y, float(first))))
            y = float(first)
    best = re.findall(
        r'<circle class="sb-p-dot sb-p-on-best" cx="([\d.-]+)" cy="([\d.-]+)" r="5" '
        r'data-sb-row="([^"]*)"',
        svg,
    )
    clear += [(float(cx) - 5, float(cy) - 5, float(cx) + 5, float(cy) + 5) for cx, cy, _ in best]
    return labels, clear, [row for _, _, row in best]


def meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def faults(svg: str) -> list[str]:
    labels, clear, _ = drawn(svg)
    found = []
    area = charts.LABEL_AREA
    for i, (name, box) in enumerate(labels):
        if box[0] < area[0] or box[1] < area[1] or box[2] > area[2] or box[3] > area[3]:
            found.append(f"{name!r} leaves the chart")
        found += [f"{name!r} overlaps {other!r}" for other, o in labels[i + 1 :] if meet(box, o)]
        found += [f"{name!r} is on the line or a dot" for c in clear if meet(box, c)]
    return found


def crowded() -> list[Point]:
    """Two hundred results over four years, the best rising by small steps under long names."""
    points = []
    for n in range(200):
        year, month = 2019 + n // 50, 1 + n % 12
        score = 40 + n * 0.1 + (n * 37 % 11)
        name = f"Mask2Former-ViT-Adapter-L (BEiTv2-L) + COCO + MS variant {n}"
        points.append(Point(f"{year}-{month:02d}", score, name, f"{score:.2f}", f"row-{n}"))
    return points


def test_crowded_labels_leave_each_other_the_line_and_its_dots_clear() -> None:
    svg = progress_svg(crowded(), True, "ADE20K", "paper date", "mIoU")
    labels, _, best = drawn(svg)
    assert faults(svg) == []
    assert 1 < len(labels) < len(best)  # where labels would crowd, some steps go without
    # the best of all is always labelled first
    top = max(crowded(), key=lambda p: (p.score, p.date))
    assert top.label in [name for name, _ in labels]


def test_every_step_is_labelled_where_there_is_room() -> None:
    points = [
        Point("2016-12", 78.4, "PSPNet-ResNet-101", "78.40", "a"),
        Point("2018-02", 82.1, "DeepLabv3+", "82.10", "b"),
        Point("2020-06", 85.1, "HRNet + OCR", "85.10", "c"),
        Point("2019-01", 70.0, "a slower one", "70.00", "d"),
    ]
    svg = progress_svg(points, True, "Cityscapes", "paper date", "mIoU")
    labels, _, best = drawn(svg)
    assert faults(svg) == []
    assert sorted(name for name, _ in labels) == ["DeepLabv3+", "HRNet + OCR", "PSPNet-ResNet-101"]
    assert best == ["a", "b", "c"]


def test_labels_of_a_lower_is_better_chart_keep_clear_too() -> None:
    points = [
        Point(f"{2015 + n // 12}-{1 + n % 12:02d}", 30 - n * 0.2, f"Model {n}", "", f"r{n}")
        for n in range(60)
    ]
    svg = progress_svg(points, False, "errors", "paper date", "error")
    assert faults(svg) == []
    assert "Model 59" in [name for name, _ in drawn(svg)[0]]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(2012, 2026),
            st.integers(1, 12),
            st.floats(0, 100, allow_nan=False),
            st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-+ 0123456789", min_size=1, max_size=60),
        ),
        min_size=1,
        max_size=80,
    ),
    st.booleans(),
)
def test_no_label_is_ever_placed_on_another_or_on_the_line(
    rows: list[tuple[int, int, float, str]], higher: bool
) -> None:
    points = [
        Point(f"{year}-{month:02d}", score, name, f"{score:.2f}", f"row-{n}")
        for n, (year, month, score, name) in enumerate(rows)
    ]
    assert faults(progress_svg(points, higher, "t", "x", "y")) == []
