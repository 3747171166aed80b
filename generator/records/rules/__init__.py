"""Cross-record rules: each is a function from the Catalog to Problems.

Rules see only records that passed their schema, so they can trust field types. They read the
catalog and never change it, write files or compute scores (the checks that recompute numbers
live in generator.scores.verification and are added to the list by validation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.problems import Problem
from generator.records.model import Catalog
from generator.records.rules.curation import acknowledged, curation_is_well_formed, field_path
from generator.records.rules.datasets import datasets_are_consistent, papers_are_consistent
from generator.records.rules.identity import (
    catalogue_is_consistent,
    ids_match_files,
    names_are_unambiguous,
)
from generator.records.rules.links import links_name_public_hosts
from generator.records.rules.reproductions import reproductions_name_their_claims
from generator.records.rules.results import (
    names_match_fields,
    no_duplicate_results,
    percentages_are_not_fractions,
    results_reference_known_records,
)
from generator.records.rules.text import names_are_not_formulas, names_are_plainly_written
from generator.records.rules.weights import weights_links_are_plausible

Rule = Callable[[Catalog], Iterator[Problem]]

RECORD_RULES: tuple[Rule, ...] = (
    ids_match_files,
    catalogue_is_consistent,
    names_are_unambiguous,
    datasets_are_consistent,
    papers_are_consistent,
    results_reference_known_records,
    names_match_fields,
    no_duplicate_results,
    percentages_are_not_fractions,
    weights_links_are_plausible,
    links_name_public_hosts,
    curation_is_well_formed,
    names_are_plainly_written,
    names_are_not_formulas,
    reproductions_name_their_claims,
)

__all__ = ["RECORD_RULES", "Rule", "acknowledged", "field_path"]
