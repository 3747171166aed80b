"""Commands on scores: eval."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.cli.group import cli
from generator.cli.options import SystemPath, optional_root, root
from generator.records.outputs import check_output_file


@cli.command(name="eval")
@click.option("--dataset", help="A dataset of data/: its classes, ignore label and conventions.")
@click.option("--split", help="The split evaluated (recorded in the evidence file).")
@click.option(
    "--gt",
    "gt_dir",
    required=True,
    type=SystemPath(path_type=Path),
    help="Folder of ground-truth label maps (PNG).",
)
@click.option(
    "--pred",
    "pred_dir",
    required=True,
    type=SystemPath(path_type=Path),
    help="Folder of predicted label maps, with the same relative paths.",
)
@click.option(
    "--num-classes",
    type=click.IntRange(1, 65535),
    help="Number of classes, for data that is not in data/.",
)
@click.option(
    "--ignore-index",
    type=click.IntRange(0, 65535),
    default=None,
    help="Ground-truth label to skip (default: the dataset's, or 255).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes that decode images (default: one per core).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the scores as JSON, each metric under its id in data/metrics.yaml (miou, "
    "pixel-accuracy, ...), with per-class IoU and accuracy.",
)
@click.option(
    "--evidence",
    type=SystemPath(dir_okay=False, path_type=Path),
    help="Write the confusion matrix and how it was made to this .npz file.",
)
@click.pass_context
def eval_command(
    ctx: click.Context,
    /,
    gt_dir: Path,
    pred_dir: Path,
    jobs: int | None,
    as_json: bool,
    evidence: Path | None,
    dataset: str | None,
    split: str | None,
    num_classes: int | None,
    ignore_index: int | None,
) -> int:
    """Score predicted label maps against ground truth, and optionally write evidence.

    Label maps are palette (P) or grayscale (L) PNGs whose values are class indices, paired by
    relative path. With --dataset, the dataset's conventions apply to the ground truth (ADE20K:
    0 is ignored and labels move down by one; Cityscapes: label ids map to train ids);
    predictions must hold class indices. Every figure is on the 0-100 scale, unrounded.
    """
    from generator.records.validation import validate_repository
    from generator.scores import evaluation
    from generator.scores.evidence import check_evidence_classes, write_evidence

    repository = root(ctx) if dataset else optional_root(ctx)
    if evidence is not None:  # evidence goes under evidence/, never among records or sources
        check_output_file(repository, evidence, allowed=("evidence",))
    catalog = validate_repository(root(ctx)).catalog if dataset and not num_classes else None
    conventions = evaluation.choose_conventions(catalog, dataset, split, num_classes, ignore_index)
    if evidence is not None:
        check_evidence_classes(conventions.num_classes)
    workers = jobs or evaluation.default_jobs()
    result = evaluation.evaluate(
        gt_dir, pred_dir, conventions, workers, evaluation.terminal_progress
    )
    if evidence is not None:
        write_evidence(evidence, result)
        click.echo(f"wrote {evidence}", err=True)
    if as_json:
        click.echo(json.dumps(evaluation.as_json(result), indent=2))
    else:
        click.echo(evaluation.as_text(result), nl=False)
    return 0
