"""The one rounding rule, and the one way a derived score is combined from its components.

A published number is a rounded one: '64.08' stands for anything in [64.075, 64.085]. A
recomputed figure agrees with it when it lies within half a unit of the last printed decimal,
boundary included. Every comparison of a recomputed figure with a record (derived scores,
evidence files) goes through `agrees`; every derived score (ADE20K's challenge score, the mean of
pixel accuracy and mIoU) goes through `combine`. Nothing here reads records or rounds for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TypeVar

Number = TypeVar("Number", float, Decimal)
COMBINATIONS = ("mean",)  # how the metric catalogue may derive a score (`derived.combine`)


def combine(values: Sequence[Number], how: str = "mean") -> Number:
    """The derived score of `values` (floats, or Decimals for exact arithmetic)."""
    if how not in COMBINATIONS or not values:
        raise ValueError(f"cannot combine {len(values)} values by {how!r}")
    total = values[0]
    for value in values[1:]:
        total += value
    return total / len(values)


def derived_score(component_texts: Sequence[str], how: str = "mean") -> Decimal:
    """The exact derived score of components written as published ('41.68', '80.94')."""
    return combine([Decimal(text) for text in component_texts], how)


def derived_text(component_texts: Sequence[str], how: str = "mean") -> str:
    """A derived score as a record writes it: as many decimals as the components, or one more
    when that is needed to be exact (the mean of 41.68 and 80.95 is 61.315)."""
    exact = derived_score(component_texts, how)
    decimals = max(-int(Decimal(text).as_tuple().exponent) for text in component_texts)
    shorter = exact.quantize(Decimal(1).scaleb(-decimals))
    written = shorter if shorter == exact else exact.quantize(Decimal(1).scaleb(-decimals - 1))
    return format(written, "f")


def half_unit(text: str) -> Decimal:
    """Half a unit of the last printed decimal: '64.08' -> 0.005, '80' -> 0.5."""
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return Decimal(5) / (Decimal(10) ** (decimals + 1))


def agrees(published: str, value: Decimal | float) -> bool:
    """Whether `value` rounds to the published text: within half a unit, boundary included.

    A value that is not a finite number (NaN, infinity), or a published text that is not a
    number, never agrees; this never raises."""
    try:
        recomputed = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        number = Decimal(published)
        if not (recomputed.is_finite() and number.is_finite()):
            return False
        return abs(recomputed - number) <= half_unit(published)
    except (InvalidOperation, ValueError, TypeError):
        return False
