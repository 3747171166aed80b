"""How far a result's numbers can be checked, and the rounding rule used to check them.

States, weakest first:
  claimed    - nothing to recompute: the number is as published;
  consistent - a derived score agrees with its recorded components (ADE20K's challenge score
               from pixel accuracy and mIoU), to within half a unit of its last printed decimal;
  verified   - every metric recomputed from the result's evidence file (see `segboard eval`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from generator.records.model import Catalog, Result

CLAIMED = "claimed"
CONSISTENT = "consistent"
VERIFIED = "verified"


def half_unit(text: str) -> Decimal:
    """Half a unit of the last printed decimal: '64.08' -> 0.005, '80' -> 0.5."""
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return Decimal(5) / (Decimal(10) ** (decimals + 1))


def derived_check(
    catalog: Catalog, result: Result, metric_id: str
) -> tuple[Decimal, Decimal, Decimal] | None:
    """(published, recomputed, tolerance) for a derived metric whose components are recorded."""
    metric = catalog.metrics.get(metric_id)
    if metric is None or not metric.components:
        return None
    if not all(c in result.metrics for c in metric.components):
        return None
    try:
        parts = [Decimal(result.published_text(c)) for c in metric.components]
        published = Decimal(result.published_text(metric_id))
    except InvalidOperation:
        return None
    return (
        published,
        sum(parts, Decimal(0)) / len(parts),
        half_unit(result.published_text(metric_id)),
    )


def state(catalog: Catalog, result: Result) -> str:
    if result.id in catalog.verified:
        return VERIFIED
    checks = [derived_check(catalog, result, m) for m in result.metrics]
    done = [c for c in checks if c is not None]
    if done and all(abs(published - recomputed) <= tol for published, recomputed, tol in done):
        return CONSISTENT
    return CLAIMED
