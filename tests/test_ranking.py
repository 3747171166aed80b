"""Ranking: best first, ties share a rank, and the tie-break is fixed."""

from __future__ import annotations

import pandas as pd

from generator.ranking.order import rank


def frame(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"result": r, "model": m, "score": s, "paper_date": d, "score_text": f"{s:.2f}"}
            for r, m, s, d in rows
        ]
    )


ROWS = [
    ("b/x/z-net", "Z-Net", 80.0, "2018-01"),
    ("b/x/a-net", "a-Net", 80.0, "2018-01"),
    ("b/x/old", "Old-Net", 80.0, "2017-05"),
    ("b/x/top", "Top-Net", 85.5, "2019-03"),
    ("b/x/low", "Low-Net", 70.25, "2016-01"),
    ("b/x/a-net-2", "A-Net", 80.0, "2018-01"),
]


def test_ties_share_a_rank_and_follow_date_then_name_then_id() -> None:
    ranked = rank(frame(ROWS), higher_is_better=True)
    assert list(zip(ranked["rank"], ranked["result"], strict=True)) == [
        (1, "b/x/top"),
        (2, "b/x/old"),  # the earliest paper first among equals
        (2, "b/x/a-net"),  # then the name, case-insensitively ('a-Net' == 'A-Net')
        (2, "b/x/a-net-2"),  # then the result id
        (2, "b/x/z-net"),
        (6, "b/x/low"),
    ]


def test_lower_is_better_metrics_rank_ascending() -> None:
    ranked = rank(frame(ROWS), higher_is_better=False)
    assert list(ranked["result"][:2]) == ["b/x/low", "b/x/old"]
    assert list(ranked["rank"]) == [1, 2, 2, 2, 2, 6]


def test_the_order_does_not_depend_on_the_input_order() -> None:
    forward = rank(frame(ROWS), higher_is_better=True)["result"].tolist()
    backward = rank(frame(ROWS[::-1]), higher_is_better=True)["result"].tolist()
    assert forward == backward
