"""How far a result's numbers can be checked, and the checks that recompute them.

States, weakest first:
  claimed    - nothing to recompute: the number is as published;
  consistent - a derived score agrees with its recorded components (ADE20K's challenge score
               from pixel accuracy and mIoU) under the rounding rule of scores.rounding;
  verified   - every metric recomputed from the result's evidence file (see `segboard eval`).

The two checks are rules in the sense of records.rules (Catalog -> Problems); validation runs
them after the record rules. They read evidence files but never write anything.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from generator.problems import Problem, error
from generator.records.model import Catalog, Result
from generator.records.places import evidence_file, evidence_problem
from generator.scores.evidence import (
    Evidence,
    EvidenceError,
    load_evidence,
    read_evidence_bytes,
)
from generator.scores.metrics import SCORERS
from generator.scores.rounding import agrees, derived_score, half_unit

CLAIMED = "claimed"
CONSISTENT = "consistent"
VERIFIED = "verified"


def derived_check(catalog: Catalog, result: Result, metric_id: str) -> Decimal | None:
    """The derived metric recomputed from the result's recorded components, or None."""
    metric = catalog.metrics.get(metric_id)
    if metric is None or not metric.components or metric.combine is None:
        return None
    if not all(c in result.metrics for c in metric.components):
        return None
    try:
        texts = [result.published_text(c) for c in metric.components]
        return derived_score(texts, metric.combine)
    except (InvalidOperation, ValueError):
        return None


def state(catalog: Catalog, result: Result) -> str:
    if result.id in catalog.verified:
        return VERIFIED
    checks = [(m, derived_check(catalog, result, m)) for m in result.metrics]
    done = [(m, value) for m, value in checks if value is not None]
    if done and all(agrees(result.published_text(m), value) for m, value in done):
        return CONSISTENT
    return CLAIMED


def derived_scores_agree(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        for metric_id in result.metrics:
            recomputed = derived_check(catalog, result, metric_id)
            published = result.published_text(metric_id)
            if recomputed is None or agrees(published, recomputed):
                continue
            components = catalog.metrics[metric_id].components
            listed = " and ".join(f"{c} ({result.published_text(c)})" for c in components)
            yield error(
                result.document.path,
                result.document.where(("metrics", metric_id)),
                "derived-score",
                f"{metric_id} is {published}, but the mean of {listed} is "
                f"{recomputed.normalize()}; they differ by more than rounding "
                f"(±{half_unit(published).normalize()})",
            )


def evidence_verifies(catalog: Catalog) -> Iterator[Problem]:
    """Recompute every metric of every result that names an evidence file, and compare."""
    for result in catalog.results:
        if not result.evidence:
            continue
        problems = list(_verify(catalog, result))
        yield from problems
        if not problems:
            catalog.verified.add(result.id)


def _verify(catalog: Catalog, result: Result) -> Iterator[Problem]:
    assert result.evidence is not None
    doc = result.document
    name = result.evidence["file"]
    at_file = doc.where(("evidence", "file"))
    target = evidence_file(catalog.root, name)
    if target is None:
        message = evidence_problem(catalog.root, name) or f"the evidence file {name} is unusable"
        yield error(doc.path, at_file, "evidence", message)
        return
    try:
        data = read_evidence_bytes(target)
    except EvidenceError as exc:
        yield error(doc.path, at_file, "evidence", f"{name} cannot be used: {exc}")
        return
    digest = hashlib.sha256(data).hexdigest()
    if digest != result.evidence["sha256"]:
        message = f"the evidence file's SHA-256 is {digest}, not the one recorded"
        yield error(doc.path, doc.where(("evidence", "sha256")), "evidence", message)
        return
    dataset = catalog.datasets.get(result.dataset)
    num_classes = dataset.data["num_classes"] if dataset is not None else None
    try:
        evidence = load_evidence(data, num_classes if isinstance(num_classes, int) else None)
    except EvidenceError as exc:
        yield error(doc.path, at_file, "evidence", f"{name} cannot be used: {exc}")
        return
    yield from _compare_with_evidence(catalog, result, evidence)


def _compare_with_evidence(
    catalog: Catalog, result: Result, evidence: Evidence
) -> Iterator[Problem]:
    doc = result.document
    at_file = doc.where(("evidence", "file"))
    dataset = catalog.datasets.get(result.dataset)
    if dataset is not None and evidence.matrix.shape[0] != dataset.data["num_classes"]:
        message = (
            f"the evidence has {evidence.matrix.shape[0]} classes but {result.dataset} has "
            f"{dataset.data['num_classes']}"
        )
        yield error(doc.path, at_file, "evidence", message)
        return
    for key, expected in (("dataset", result.dataset), ("split", result.split)):
        if evidence.meta.get(key) not in (None, expected):
            message = (
                f"the evidence was computed on {key} {evidence.meta.get(key)!r}, not {expected!r}"
            )
            yield error(doc.path, at_file, "evidence", message)
    for metric_id in result.metrics:
        scorer = SCORERS.get(metric_id)
        if scorer is not None:
            yield from _compare_metric(result, metric_id, scorer(evidence.matrix))


def _compare_metric(result: Result, metric_id: str, value: float) -> Iterator[Problem]:
    """A problem when the published figure of `metric_id` is not the recomputed `value`; a
    value that is not a finite number (no pixels to divide by) is a problem too, not a crash."""
    doc = result.document
    at_metric = doc.where(("metrics", metric_id))
    published = result.published_text(metric_id)
    if not math.isfinite(value):
        message = f"{metric_id} cannot be recomputed from the evidence (it gives {value})"
        yield error(doc.path, at_metric, "evidence", message)
        return
    if not agrees(published, Decimal(repr(float(value)))):
        yield error(
            doc.path,
            at_metric,
            "evidence-mismatch",
            f"{metric_id} is {published} in the record, but the evidence gives "
            f"{value:.4f} (allowed: ±{half_unit(published).normalize()})",
        )


SCORE_RULES = (derived_scores_agree, evidence_verifies)
EVIDENCE_RULES = ("evidence", "evidence-mismatch")  # the rule ids evidence_verifies reports
