"""'Did you mean ...?' for an id that names nothing: the known id it most likely stands for.

Used wherever an unknown dataset, split, metric or paper id is reported (the validation rules,
`segboard new`). Case is ignored (`mIoU` is `miou`), other names of a known id count as that id
(`mean_iou` is `miou`, through the metric catalogue's aliases), and otherwise the closest id by
difflib's similarity ratio is offered, if any is close enough.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from generator.records.model import Catalog, name_key

CUTOFF = 0.6  # difflib's default: below it, a guess misleads more than it helps


def closest(
    value: str, known: Iterable[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """The known id `value` most likely stands for, or None.

    `aliases` maps other names (compared as name_key does: case, spaces, hyphens and underscores
    aside) to ids.
    """
    ids = sorted(set(known))
    if not ids or value in ids:
        return None
    by_key = {name_key(other): target for other, target in (aliases or {}).items()}
    by_key.update({name_key(known_id): known_id for known_id in ids})
    exact = by_key.get(name_key(value))
    if exact is not None:
        return exact
    folded = {known_id.casefold(): known_id for known_id in ids}
    matches = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=CUTOFF)
    return folded[matches[0]] if matches else None


def did_you_mean(value: str, known: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """'; did you mean 'miou'?' to end a message with, or '' when no known id is close."""
    guess = closest(value, known, aliases)
    return f"; did you mean {guess!r}?" if guess is not None else ""


def metric_aliases(catalog: Catalog) -> dict[str, str]:
    """Other names of the catalogue's metrics (their short names and aliases) -> metric id."""
    names: dict[str, str] = {}
    for metric in catalog.metrics.values():
        for name in (metric.short_name, *metric.aliases):
            names.setdefault(name, metric.id)
    return names


def dataset_aliases(catalog: Catalog) -> dict[str, str]:
    """Other names of the datasets (their names and aliases) -> dataset id."""
    names: dict[str, str] = {}
    for dataset in catalog.datasets.values():
        for name in (dataset.name, *(a["name"] for a in dataset.data.get("aliases", []))):
            names.setdefault(name, dataset.id)
    return names
