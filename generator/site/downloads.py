"""The data files beside the leaderboards: the whole catalogue as JSON, each leaderboard as JSON
and CSV with the JSON's schema beside them, and the rank badges. They are the same in every
language, so they are written once, at the site's root."""

from __future__ import annotations

import json
from typing import Any

from generator.interop.leaderboard_files import to_csv_rows
from generator.records.model import Catalog
from generator.records.places import SCHEMA, schema_path
from generator.site.badges import badge_files

DOWNLOADS = "downloads"
LEADERBOARD_FILE = "leaderboard-file"  # the schema of downloads/<key>.json


def download_files(catalog: Catalog, boards: list[dict[str, Any]]) -> dict[str, str]:
    """The data files beside the leaderboards, by their path in the site: the same in every
    language, so they are written once, into the first language's site (the site's root)."""
    files = {f"{DOWNLOADS}/segboard.json": _json(boards)}
    schema = schema_path(catalog.root / SCHEMA, LEADERBOARD_FILE)
    if schema.is_file():  # published beside the files it describes
        files[f"{DOWNLOADS}/{schema.name}"] = schema.read_text(encoding="utf-8")
    files.update(badge_files(boards))
    for board in boards:
        stem = f"{DOWNLOADS}/{board['key']}"
        files[f"{stem}.json"] = _json(board)
        files[f"{stem}.csv"] = to_csv_rows(catalog, [board])
    return files


def _json(value: Any) -> str:
    # compact: json's C encoder is used only without indentation (20x faster on 10,000 rows)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
