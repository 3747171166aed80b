"""Ranking: best first, ties share a rank, and the tie-break is fixed."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from generator.ranking import order
from generator.ranking.order import rank, ranked_leaderboards
from generator.records.model import Leaderboard


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


def test_all_leaderboards_ranked_at_once_are_ranked_as_each_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ranked_leaderboards sorts every board's rows together; each board gets the rows, order
    and ranks `rank` gives it alone, whichever way its metric runs, and a board without rows
    gets an empty table."""
    places = [("x", "val", "miou"), ("x", "val", "error"), ("y", "test", "miou")]
    rows = frame(ROWS)
    every = pd.concat(
        [rows.assign(dataset=d, split=s, metric=m) for d, s, m in places[::-1]], ignore_index=True
    )
    monkeypatch.setattr(order, "results_frame", lambda *_: every.sample(frac=1, random_state=1))
    higher = {"miou": True, "error": False}
    catalog = SimpleNamespace(
        metrics={m: SimpleNamespace(higher_is_better=h) for m, h in higher.items()},
        leaderboards=lambda: [Leaderboard(*p) for p in [*places, ("z", "val", "miou")]],
    )
    ranked = ranked_leaderboards(catalog)  # type: ignore[arg-type]
    assert [(b.dataset, b.split, b.metric) for b, _ in ranked] == [*places, ("z", "val", "miou")]
    for (board, table), place in zip(ranked[:3], places, strict=True):
        alone = rank(
            rows.assign(dataset=place[0], split=place[1], metric=place[2]), higher[board.metric]
        )
        assert table[alone.columns].to_dict("list") == alone.to_dict("list")
    assert ranked[3][1].empty and "rank" in ranked[3][1].columns
