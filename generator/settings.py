"""segboard's settings in pyproject.toml: one [tool.segboard.<section>] table each."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from generator.errors import UsageError


def tool_settings(root: Path, section: str) -> tuple[Path, dict[str, Any] | None]:
    """The pyproject.toml path and its [tool.segboard.<section>] table (None when absent)."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return path, None
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: {exc}") from None
    settings = table.get("tool", {}).get("segboard", {}).get(section)
    if settings is not None and not isinstance(settings, dict):
        raise UsageError(f"{path}: [tool.segboard.{section}] must be a table")
    return path, settings
