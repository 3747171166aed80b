"""Records from segboard's own exports, which carry every field under a `segboard` key (the
model-index Metadata, or a model card's front matter), so they come back exactly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.interop.mapper import Mapper
from generator.interop.outcome import ImportPlan, left_out
from generator.problems import Problem
from generator.records.model import Catalog
from generator.records.places import SLUG, result_id_path
from generator.records.texts import RESULT_FIELDS, record_text

OWN_KEY = "segboard"
# what an export writes under metrics_as_published: a metric id (a SLUG), and a number as written
_FIGURE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class OwnEntry:
    file: Path  # the export it comes from
    label: str  # which part of it, e.g. "model 'ade20k/val/x'" (empty for a whole card)
    fields: Any  # what is under the `segboard` key (a mapping, unless damaged)


def is_own(value: object) -> bool:
    return isinstance(value, dict) and "result" in value


def own_problem(fields: object) -> str | None:
    """What makes a `segboard` key unusable (an export edited by hand, or damaged), or None.
    The record it gives is validated as any written record is; this checks only what writing
    it needs."""
    if not isinstance(fields, dict):
        return f"its {OWN_KEY} key is not a mapping of the record's fields"
    if not isinstance(fields.get("result"), str):
        return f"its {OWN_KEY} key names no result id (result: dataset/split/slug)"
    published = fields.get("metrics_as_published")
    if not (
        isinstance(published, dict)
        and published
        and all(
            isinstance(metric, str)
            and SLUG.fullmatch(metric)
            and isinstance(figure, str)
            and _FIGURE.fullmatch(figure)
            for metric, figure in published.items()
        )
    ):
        return (
            f"its {OWN_KEY} key's metrics_as_published must give each metric id its figure as "
            "published, as text (miou: '45.70')"
        )
    return None


def add_own(root: Path, entries: list[OwnEntry], plan: ImportPlan) -> None:
    """Add the records of segboard's own exports to the plan; clashes and damaged entries are
    left out."""
    for entry in entries:
        where = f"{entry.label}: " if entry.label else ""
        problem = own_problem(entry.fields)
        if problem is not None:
            plan.left_out.append(left_out(entry.file, f"{where}{problem}"))
            continue
        target = result_id_path(root, str(entry.fields["result"]))
        if target is None:
            message = f"{where}result id {entry.fields['result']!r} is not dataset/split/slug"
            plan.left_out.append(left_out(entry.file, message))
        elif target.exists() or target in plan.files:
            message = f"{where}{target.relative_to(root)} already exists"
            plan.left_out.append(left_out(entry.file, message))
        else:
            fields = {k: entry.fields[k] for k in RESULT_FIELDS if k in entry.fields}
            plan.files[target] = record_text(fields, entry.fields["metrics_as_published"])


def own_plan(root: Path, entries: list[OwnEntry]) -> ImportPlan:
    """A plan from own exports only: exact, so all or nothing."""
    plan = ImportPlan(all_or_nothing=True)
    add_own(root, entries, plan)
    return plan


def plan_beside_own(
    root: Path, catalog: Catalog, split: str | None, own: list[OwnEntry], problems: list[Problem]
) -> tuple[ImportPlan, Mapper]:
    """A plan holding the own exports' records, and the Mapper that adds foreign entries to it
    (the findings gathered so far carried over)."""
    mapper = Mapper(root, catalog, split)
    mapper.problems += problems
    plan = mapper.plan()
    add_own(root, own, plan)
    return plan, mapper
