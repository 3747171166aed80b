"""`segboard new`: a new result record (and its paper record when the paper is new), or a new
dataset record, written in the right place and kept only if the repository still validates.

The texts come from records.texts, the places from records.places, and the writing from
records.store; this module only decides which files a new record needs.
"""

from __future__ import annotations

import reprlib
from dataclasses import replace
from pathlib import Path

from generator.errors import UsageError
from generator.problems import Problem
from generator.records.paper_ids import paper_id
from generator.records.places import dataset_path, paper_path, result_path, slug, slug_problem
from generator.records.store import write_validated
from generator.records.texts import NewResult, paper_text, result_text


def paper_is_new(root: Path, paper: str) -> bool:
    """Whether the paper (an arXiv id in any common form, or a slug) has no record yet."""
    return not paper_path(root, paper_id(paper)).exists()


def create_result(root: Path, new: NewResult, warnings: list[Problem] | None = None) -> list[Path]:
    """Write the result (and paper) records; return the paths written.

    The paper may be given in any form `records.paper_ids` accepts; the records hold its id.
    Validation's warnings about the new records (a fraction of 1 for a percentage, ...) are
    added to `warnings`.
    """
    new = replace(new, paper=paper_id(new.paper))
    why = slug_problem(new.model)
    if why is not None:
        raise UsageError(f"the model name {reprlib.repr(new.model)} {why}")
    name = slug(new.model)
    files = {result_path(root, new.dataset, new.split, name): result_text(new)}
    if paper_is_new(root, new.paper):
        if not new.paper_title:
            raise UsageError(f"paper {new.paper} is new: give its title with --paper-title")
        files[paper_path(root, new.paper)] = paper_text(new.paper, new.paper_title)
    return write_validated(root, files, warnings)


def create_dataset(root: Path, dataset_id: str, text: str) -> list[Path]:
    return write_validated(root, {dataset_path(root, dataset_id): text})
