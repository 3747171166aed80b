"""segboard: semantic-segmentation leaderboards kept as checked data.

The package reads as the pipeline, one room per stage:
    records/  YAML with positions, schemas, the typed model, where records live, rules, validation
    scores/   metrics (numpy), evaluation of label maps, evidence files, rounding, verification
    ranking/  leaderboard tables, best first, and each row as plain data
    site/     pages from templates, charts, the two languages, the MkDocs build, serving
    interop/  import and export formats (Markdown, model-index, Hugging Face cards, JSON, CSV)
    contrib/  scaffolding, links, the seed comparison, `segboard check`
    cli/      the `segboard` command: parsing and reporting only

The entry points a script needs are importable from here (loaded on first use, so that the
command line starts without pandas or MkDocs):

    from generator import find_root, ranked_leaderboards, validate_repository

    report = validate_repository(find_root())  # every problem, and the catalog of valid records
    for board, table in ranked_leaderboards(report.catalog):
        print(board.dataset, board.split, table.iloc[0]["model"], table.iloc[0]["score_text"])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_API = {
    "find_root": "generator.records.places",
    "load_repository": "generator.records.loading",
    "validate_repository": "generator.records.validation",
    "ranked_leaderboards": "generator.ranking.order",
    "leaderboards": "generator.ranking.boards",
    "build_site": "generator.site.build",
    "evaluate": "generator.scores.evaluation",
    "conventions_for": "generator.scores.evaluation",
    "Conventions": "generator.scores.evaluation",
    "Problem": "generator.problems",
    "render": "generator.reporting",
}

__all__ = [
    "Conventions",
    "Problem",
    "__version__",
    "build_site",
    "conventions_for",
    "evaluate",
    "find_root",
    "leaderboards",
    "load_repository",
    "ranked_leaderboards",
    "render",
    "validate_repository",
]

if TYPE_CHECKING:
    from generator.problems import Problem
    from generator.ranking.boards import leaderboards
    from generator.ranking.order import ranked_leaderboards
    from generator.records.loading import load_repository
    from generator.records.places import find_root
    from generator.records.validation import validate_repository
    from generator.reporting import render
    from generator.scores.evaluation import Conventions, conventions_for, evaluate
    from generator.site.build import build_site


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
