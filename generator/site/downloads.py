"""The data files beside the leaderboards: the whole catalogue as JSON, each leaderboard as JSON
and CSV with the JSON's schema beside them, and the rank badges. They are the same in every
language, so they are written once, at the site's root."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from generator.interop.leaderboard_files import to_csv_rows
from generator.records.model import Catalog, Result
from generator.records.places import SCHEMA, schema_path
from generator.site.badges import badge_files
from generator.site.content import Block
from generator.site.reuse import BlockMemo, digest

DOWNLOADS = "downloads"
LEADERBOARD_FILE = "leaderboard-file"  # the schema of downloads/<key>.json


def download_files(
    catalog: Catalog,
    boards: list[dict[str, Any]],
    memo: BlockMemo | None = None,
    blocks: Mapping[str, Block] | None = None,
    by_id: Mapping[str, Result] | None = None,
) -> dict[str, str]:
    """The data files beside the leaderboards, by their path in the site: the same in every
    language, so they are written once, into the first language's site (the site's root).

    With a `memo`, a board's files that an earlier build made are reused, under the digest of
    all they show: the board, and the published figures of its rows' results. `blocks` are
    the boards' blocks (site/content.py) where they are made already: a block keeps its
    board's files, for a process that builds again. `by_id`: the catalog's results by id, when
    the caller has it."""
    if by_id is None:
        by_id = catalog.results_by_id()
    files: dict[str, str] = {}
    whole = []  # segboard.json: the boards' compact JSON joined, as json.dumps would write it
    schema = schema_path(catalog.root / SCHEMA, LEADERBOARD_FILE)
    if schema.is_file():  # published beside the files it describes
        files[f"{DOWNLOADS}/{schema.name}"] = schema.read_text(encoding="utf-8")
    columns = list(catalog.metrics)  # the CSV has a column per metric of the catalogue
    for board in boards:
        block = (blocks or {}).get(board["key"])
        own = block.files if block is not None else None
        if own is None and memo is not None:
            name = f"{digest(columns, board, _figures(board, by_id, columns))}-files"
            made_now: dict[str, str] = {}  # what the memo is given, when it holds nothing
            make = functools.partial(_board_json, catalog, board, by_id, made_now)
            kept = memo.get_or_make(name, make)
            own = made_now or json.loads(kept)
        elif own is None:
            own = _board_files(catalog, board, by_id)
        if block is not None:
            block.files = own
        whole.append(own[f"{DOWNLOADS}/{board['key']}.json"][:-1])
        files.update(own)
    files[f"{DOWNLOADS}/segboard.json"] = f"[{','.join(whole)}]\n"
    return dict(sorted(files.items()))


def _figures(
    board: dict[str, Any], by_id: Mapping[str, Result], columns: list[str]
) -> list[list[str | None]]:
    """The published figures of every metric for each of the board's rows, as the CSV has them."""
    rows = [*board["rows"], *board.get("reproductions", []), *board.get("aggregated", [])]
    return [
        [by_id[row["result"]].published_text(m) if m in by_id[row["result"]].metrics else None
         for m in columns]
        for row in rows
    ]  # fmt: skip


def _board_json(
    catalog: Catalog, board: dict[str, Any], by_id: Mapping[str, Result], made: dict[str, str]
) -> str:
    """The board's files as the memo keeps them (JSON), and in `made` as they are."""
    made.update(_board_files(catalog, board, by_id))
    return json.dumps(made, ensure_ascii=False)


def _board_files(
    catalog: Catalog, board: dict[str, Any], by_id: Mapping[str, Result]
) -> dict[str, str]:
    """One leaderboard's JSON and CSV, and its papers' badges."""
    stem = f"{DOWNLOADS}/{board['key']}"
    files = {f"{stem}.json": _json(board), f"{stem}.csv": to_csv_rows(catalog, [board], by_id)}
    files.update(badge_files([board]))
    return files


def _json(value: Any) -> str:
    # compact: json's C encoder is used only without indentation (20x faster on 10,000 rows)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
