"""Rules on curation entries, the field paths they name, and the warnings they acknowledge."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from generator.problems import Problem, error
from generator.records.model import Catalog, Result
from generator.records.yamlfile import JsonPath

_FIELD_PART = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def curation_is_well_formed(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        for index, entry in enumerate(result.curation):
            if entry.action == "corrected" and not entry.has_published:
                yield error(
                    result.document.path,
                    result.document.where(("curation", index, "action")),
                    "curation",
                    "a 'corrected' decision must give the published value in 'published'",
                )
            unparsable = field_path(entry.field) is None
            # a correction may have removed the field; every other decision is about a value
            missing = (
                entry.action != "corrected"
                and field_value(result.document.data, entry.field) is None
            )
            if unparsable or missing:
                yield error(
                    result.document.path,
                    result.document.where(("curation", index, "field")),
                    "curation",
                    f"the curation entry names {entry.field!r}, which this record does not have; "
                    "use a path such as 'metrics.miou' or 'weights[0].url'",
                )


def field_path(field: str) -> JsonPath | None:
    """'weights[0].url' -> ('weights', 0, 'url'); None when the text is not such a path."""
    path: list[str | int] = []
    position = 0
    for match in _FIELD_PART.finditer(field):
        if match.start() != position and field[position : match.start()] != ".":
            return None
        path.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    return tuple(path) if path and position == len(field) else None


def field_value(data: object, field: str) -> object | None:
    path = field_path(field)
    if path is None:
        return None
    value = data
    for part in path:
        in_list = isinstance(part, int) and isinstance(value, list) and part < len(value)
        in_mapping = isinstance(part, str) and isinstance(value, dict) and part in value
        if not (in_list or in_mapping):
            return None
        value = value[part]  # type: ignore[index]
    return value


def acknowledged(problem: Problem, catalog_by_path: dict[Path, Result]) -> bool:
    """A warning about a field is acknowledged by a 'kept' curation entry naming that field."""
    result = catalog_by_path.get(problem.path)
    if result is None or problem.is_error:
        return False
    kept = {field_path(c.field) for c in result.curation if c.action == "kept"}
    for path in kept:
        if path is not None and result.document.where(path) == (problem.line, problem.column):
            return True
    return False
