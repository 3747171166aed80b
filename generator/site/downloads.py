"""The data files beside the leaderboards: the whole catalogue as JSON, each leaderboard as JSON
and CSV with the JSON's schema beside them, and the rank badges. They are the same in every
language, so they are written once, at the site's root."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from generator.interop.leaderboard_files import to_csv_rows
from generator.records.model import Catalog, Result
from generator.records.places import SCHEMA, schema_path
from generator.site.badges import badge_files
from generator.site.content import Block

DOWNLOADS = "downloads"
LEADERBOARD_FILE = "leaderboard-file"  # the schema of downloads/<key>.json


def download_files(
    catalog: Catalog,
    boards: list[dict[str, Any]],
    blocks: Mapping[str, Block] | None = None,
    by_id: Mapping[str, Result] | None = None,
) -> dict[str, str]:
    """The data files beside the leaderboards, by their path in the site: the same in every
    language, so they are written once, into the first language's site (the site's root).

    `blocks` are the boards' blocks (site/content.py) where they are made already: a block
    keeps its board's files, for a process that builds again. `by_id`: the catalog's results by
    id, when the caller has it. A build does not keep them in build/cache: making them again
    costs less than filing them under a digest of all they show (the build cache's file store
    keeps their copies, so that an unchanged file is not written again)."""
    if by_id is None:
        by_id = catalog.results_by_id()
    files: dict[str, str] = {}
    whole = []  # segboard.json: the boards' compact JSON joined, as json.dumps would write it
    schema = schema_path(catalog.root / SCHEMA, LEADERBOARD_FILE)
    if schema.is_file():  # published beside the files it describes
        files[f"{DOWNLOADS}/{schema.name}"] = schema.read_text(encoding="utf-8")
    for board in boards:
        block = (blocks or {}).get(board["key"])
        own = block.files if block is not None else None
        if own is None:
            own = _board_files(catalog, board, by_id)
        if block is not None:
            block.files = own
        whole.append(own[f"{DOWNLOADS}/{board['key']}.json"][:-1])
        files.update(own)
    files[f"{DOWNLOADS}/segboard.json"] = f"[{','.join(whole)}]\n"
    return dict(sorted(files.items()))


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
