"""segboard's settings in pyproject.toml: one [tool.segboard.<section>] table each."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.reading import UnreadableInput, read_text

MAX_SETTINGS_BYTES = 1024 * 1024


def tool_settings(root: Path, section: str) -> tuple[Path, dict[str, Any] | None]:
    """The pyproject.toml path and its [tool.segboard.<section>] table (None when absent)."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return path, None
    try:
        table = tomllib.loads(read_text(path, MAX_SETTINGS_BYTES, follow_links=True))
    except UnreadableInput as exc:
        raise UsageError(f"{path}: {exc.reason}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}") from None
    settings = table.get("tool", {}).get("segboard", {}).get(section)
    if settings is not None and not isinstance(settings, dict):
        raise UsageError(f"{path}: [tool.segboard.{section}] must be a table")
    return path, settings
