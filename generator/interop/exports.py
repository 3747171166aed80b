"""Exports to other formats: Papers with Code's model-index, Hugging Face model cards (and,
in interop.hf_eval_results, Hugging Face `.eval_results` files).

What a format has no field for goes under a `segboard` key (model-index Metadata, model-card
front matter), so nothing is lost. Hugging Face's `verified` flag is never written: it is
Hugging Face's to set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.atomic_files import write_atomic
from generator.errors import UsageError
from generator.records.model import Catalog, Result
from generator.records.outputs import check_output_dir, check_output_file
from generator.records.texts import RESULT_FIELDS
from generator.scores.verification import state
from generator.site.markup import md_text

TASK = "Semantic Segmentation"
HF_TASK = {"type": "image-segmentation", "name": "Semantic Segmentation"}


def segboard_extras(catalog: Catalog, result: Result) -> dict[str, Any]:
    """The whole record, for the `segboard` key of an export (its numbers as published), with
    its check state and, for each corrected field, the value the source published. (Imports
    take back only the record's own fields, so the round trip stays exact.)"""
    data = result.document.data
    extras: dict[str, Any] = {
        "result": result.id,
        "verification": state(catalog, result),
        "corrections": {c.field: c.published for c in result.curation if c.action == "corrected"},
        "dataset": result.dataset,
        "paper": result.paper,
        "model": result.model,
        "method": result.method,
        "split": result.split,
        "metrics_as_published": {m: result.published_text(m) for m in result.metrics},
        "source": data["source"],
    }
    for key in RESULT_FIELDS:  # every other field of the record, so the round trip is exact
        if key in data and key not in extras and key != "metrics":
            extras[key] = data[key]
    return extras


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)


def model_index(catalog: Catalog) -> dict[str, Any]:
    """One Collection per paper with results, one Model per result."""
    used = sorted({r.paper for r in catalog.results})
    collections = []
    for paper_id in used:
        paper = catalog.papers[paper_id]
        collection: dict[str, Any] = {
            "Name": paper.id,
            "Paper": {"Title": paper.title, "URL": paper.url},
            # not "segboard": the model-index package merges a Collection's Metadata into its
            # Models and fails when both hold a mapping under the same key
            "Metadata": {"segboard_paper": {"date": paper.date, "venue": paper.venue}},
        }
        if paper.code:
            collection["Code"] = {"URL": paper.code[0].url}
            collection["Metadata"]["segboard_paper"]["code"] = [
                {"url": c.url, "framework": c.framework, "official": c.official} for c in paper.code
            ]
        collections.append(collection)
    models = []
    for result in catalog.results:
        dataset = catalog.datasets[result.dataset]
        model: dict[str, Any] = {
            "Name": result.id,
            "In Collection": result.paper,
            "Metadata": {"segboard": segboard_extras(catalog, result)},
            "Results": [
                {
                    "Task": TASK,
                    "Dataset": dataset.name,
                    "Metrics": {
                        catalog.metrics[m].short_name: value for m, value in result.metrics.items()
                    },
                }
            ],
        }
        if result.extra_training_data:
            model["Metadata"]["Training Data"] = list(result.extra_training_data)
        if result.weights:
            model["Weights"] = result.weights[0].url
        models.append(model)
    return {"Collections": collections, "Models": models}


def write_model_index(catalog: Catalog, path: Path) -> None:
    write_atomic(path, _dump(model_index(catalog)))


def hf_card(catalog: Catalog, result: Result) -> str:
    """A model card (README.md) whose front matter holds a model-index for one result."""
    dataset = catalog.datasets[result.dataset]
    split = dataset.splits[result.split]
    source = result.document.data["source"]
    metrics = [
        {"type": metric_id, "value": value, "name": catalog.metrics[metric_id].short_name}
        for metric_id, value in result.metrics.items()
    ]
    paper = catalog.papers[result.paper]
    tags = ["semantic-segmentation", "segboard"]
    if "arxiv.org/abs/" in paper.url:  # how the Hub links a card to its paper
        tags.append(f"arxiv:{paper.url.rsplit('/', 1)[1]}")
    front = {
        "tags": tags,
        "model-index": [
            {
                "name": result.model,
                "results": [
                    {
                        "task": HF_TASK,
                        "dataset": {
                            "type": dataset.id,
                            "name": dataset.name,
                            "split": split.id,
                        },
                        "metrics": metrics,
                        "source": {"name": source["kind"], "url": source["url"]},
                    }
                ],
            }
        ],
        "segboard": segboard_extras(catalog, result),
    }
    # names as Markdown text: '<b>', '|', '*' or ']' in one shows as itself, never as markup
    body = (
        f"# {md_text(result.model)}\n\n{md_text(result.method)} on {md_text(dataset.name)} "
        f"({md_text(split.name_en)}), from [{md_text(paper.title)}](<{paper.url}>). Exported by "
        "segboard.\n"
    )
    return f"---\n{_dump(front)}---\n\n{body}"


def write_hf_cards(catalog: Catalog, folder: Path) -> list[Path]:
    paths = []
    for result in catalog.results:
        path = folder / result.id.replace("/", "--") / "README.md"
        write_atomic(path, hf_card(catalog, result))
        paths.append(path)
    return paths


EXPORT_FORMATS = ("json", "csv", "model-index", "hf", "hf-eval-results")
FOLDER_FORMATS = {"hf": "model cards", "hf-eval-results": "model folders of .eval_results"}
# the file a one-file format writes when -o names a folder
EXPORT_FILE_NAMES = {"json": "leaderboards.json", "csv": "results.csv",
                     "model-index": "model-index.yml"}  # fmt: skip


def export_text(catalog: Catalog, fmt: str) -> str:
    """The export as one text (every format but hf, which is a folder of cards)."""
    from generator.interop.leaderboard_files import to_csv, to_json

    if fmt == "json":
        return to_json(catalog)
    if fmt == "csv":
        return to_csv(catalog)
    if fmt == "model-index":
        return _dump(model_index(catalog))
    kind = FOLDER_FORMATS[fmt]
    raise UsageError(f"--format {fmt} writes a folder per result ({kind}): give -o DIR")


def write_export(catalog: Catalog, fmt: str, output: Path) -> list[Path]:
    """Write the export to `output`; the paths written.

    `output` is a file, or an existing folder (for hf and hf-eval-results, a folder, new or
    existing), in which a
    one-file format writes its EXPORT_FILE_NAMES file. Only the files the export writes are
    replaced, each whole or not at all; what else the folder holds is left alone. The output
    never goes among the repository's records or sources (records.outputs).
    """
    if fmt in FOLDER_FORMATS:
        check_output_dir(catalog.root, output)
        if fmt == "hf":
            return write_hf_cards(catalog, output)
        from generator.interop.hf_eval_results import write_eval_results

        return write_eval_results(catalog, output)
    target = output / EXPORT_FILE_NAMES[fmt] if output.is_dir() else output
    check_output_file(catalog.root, target)
    write_atomic(target, export_text(catalog, fmt))
    return [target]
