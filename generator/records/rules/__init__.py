"""Rules: cross-record rules, each a function from the Catalog to Problems, and rules of one
record, each a function from a record's Document to Problems.

Rules see only records that passed their schema, so they can trust field types. They read the
catalog and never change it, write files or compute scores (the checks that recompute numbers
live in generator.scores.verification and are added to the list by validation). A rule of one
record runs as its file is checked, in the worker process that loads the file, and its findings
are kept with the file's outcome (records/memo.py), so an unchanged file is not checked again;
its findings never keep the record out of the catalog.
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
from generator.records.yamlfile import Document

Rule = Callable[[Catalog], Iterator[Problem]]
RecordRule = Callable[[Document], Iterator[Problem]]

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
    curation_is_well_formed,
    names_are_plainly_written,
    names_are_not_formulas,
    reproductions_name_their_claims,
)

# rules of one record, run as its file is checked (see above)
ONE_RECORD_RULES: tuple[RecordRule, ...] = (links_name_public_hosts,)

__all__ = ["ONE_RECORD_RULES", "RECORD_RULES", "RecordRule", "Rule", "acknowledged", "field_path"]
