"""Rules on reproductions: a result that names the claim it reproduces must be a reproduction,
and the claim must exist on the same leaderboard and be one of the authors' own results."""

from __future__ import annotations

from collections.abc import Iterator

from generator.problems import Problem, error
from generator.records.model import Catalog


def reproductions_name_their_claims(catalog: Catalog) -> Iterator[Problem]:
    by_id = catalog.results_by_id()
    for result in catalog.results:
        if result.reproduces is None:
            continue
        doc = result.document
        where = doc.where(("reproduces",))
        if not result.is_reproduction:
            message = (
                "only a reproduction (source.kind: reproduction) names the claim it reproduces"
            )
            yield error(doc.path, where, "reproduces", message)
            continue
        claim = by_id.get(result.reproduces)
        if claim is None:
            message = f"no result {result.reproduces!r}; name a result id 'dataset/split/slug'"
            yield error(doc.path, where, "reproduces", message)
        elif (claim.dataset, claim.split) != (result.dataset, result.split):
            message = (
                f"{result.reproduces} is on {claim.dataset}/{claim.split}, not on this "
                f"leaderboard ({result.dataset}/{result.split})"
            )
            yield error(doc.path, where, "reproduces", message)
        elif not claim.is_ranked:
            what = "a reproduction" if claim.is_reproduction else "an aggregated row"
            message = f"{result.reproduces} is {what} itself; name the authors' result"
            yield error(doc.path, where, "reproduces", message)
