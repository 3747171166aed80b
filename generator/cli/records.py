"""Commands on records: validate, verify, new result, new dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from generator.cli.group import cli
from generator.cli.options import (
    Asker,
    SystemPath,
    asks_for_missing,
    fields,
    format_option,
    interactive_option,
    pairs,
    report,
    root,
)
from generator.problems import Problem
from generator.records.model import SOURCE_KINDS
from generator.records.texts import PLAIN_NUMBER
from generator.records.validation import validate_repository, verify_evidence
from generator.reporting import display_path, summary

SETTING_PROMPTS = (
    ("backbone", "backbone"),
    ("decode_head", "decode head"),
    ("parameters", "parameters in millions, as published"),
    ("flops", "FLOPs in billions, as published"),
)


@cli.command()
@click.argument("paths", nargs=-1, type=SystemPath(path_type=Path))
@format_option(
    "text: path:line:col: severity: message [rule]; github: GitHub Actions annotations; "
    "json: a list of objects for tools."
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> int:
    """Check every record: YAML, schema and cross-record rules.

    Every problem is reported in one run, each with the file, line and column of the offending
    key or value. With PATHS (files or folders inside data/), only problems in them are shown;
    the whole repository is still loaded, because references need it.
    """
    outcome = validate_repository(root(ctx), list(paths) or None)
    report(outcome.problems, fmt)
    counts = (len(outcome.errors), len(outcome.warnings), outcome.files_checked)
    click.echo(summary(*counts, len(outcome.acknowledged)), err=True)
    return 0 if outcome.ok else 1


@cli.command()
@format_option("As for validate.")
@click.pass_context
def verify(ctx: click.Context, fmt: str) -> int:
    """Recompute the metrics of every result that has an evidence file, and compare.

    A result's evidence is a confusion matrix written by `segboard eval --evidence`, named with
    its SHA-256 in the record. Each metric is recomputed and must agree with the record to half
    a unit of its last printed decimal; a mismatch prints both numbers. `segboard validate`
    runs the same checks among all the others.
    """
    outcome = verify_evidence(root(ctx))
    report(outcome.problems, fmt)
    click.echo(
        f"{outcome.verified} of {outcome.with_evidence} results with evidence verified; "
        f"{len(outcome.problems)} problem(s)",
        err=True,
    )
    return 1 if outcome.problems else 0


@cli.group()
def new() -> None:
    """Add a record: `segboard new result` or `segboard new dataset`."""


@new.command(name="result")
@click.option("--dataset", help="Dataset id (data/datasets/<id>.yaml).")
@click.option("--split", help="Split id of one of the dataset's leaderboards.")
@click.option("--model", help="Displayed name, with suffixes such as ' + COCO' or ' + MS'.")
@click.option("--method", help="Method family, e.g. PSPNet.")
@click.option("--backbone", help="Backbone, e.g. ResNet-101.")
@click.option(
    "--paper",
    help="arXiv id in any common form (1612.01105, arXiv:1612.01105v2, its arxiv.org abs or pdf "
    "address; the record keeps 1612.01105), or the slug of a paper record.",
)
@click.option("--paper-title", help="Title, when the paper has no record yet (one is created).")
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="ID=VALUE",
    help="A metric value as published, e.g. miou=80.20 (repeatable).",
)
@click.option(
    "--weights",
    multiple=True,
    metavar="FRAMEWORK=URL",
    help="Downloadable weights, e.g. PyTorch=https://... (repeatable).",
)
@click.option("--decode-head", help="The segmentation head, e.g. UperNet or Mask2Former.")
@click.option(
    "--pretraining-data",
    multiple=True,
    metavar="NAME",
    help="What the backbone was pre-trained on, e.g. imagenet-22k (repeatable).",
)
@click.option("--crop-size", metavar="HxW", help="The training crop, e.g. 512x512.")
@click.option("--parameters", metavar="M", help="Parameters in millions, as published.")
@click.option("--flops", metavar="G", help="FLOPs in billions, as published.")
@click.option("--source-kind", type=click.Choice(SOURCE_KINDS))
@click.option("--source-url", help="Where the number can be checked.")
@click.option("--source-detail", help="Where on that page, e.g. 'Table 3'.")
@click.option(
    "--reproduces",
    metavar="DATASET/SPLIT/SLUG",
    help="For a reproduction: the id of the authors' result it re-implements.",
)
@interactive_option
@click.pass_context
def new_result(
    ctx: click.Context,
    /,
    metrics: tuple[str, ...],
    weights: tuple[str, ...],
    paper_title: str | None,
    pretraining_data: tuple[str, ...],
    crop_size: str | None,
    interactive: bool | None,
    **given: str | None,
) -> int:
    """Write a new result record in the right place, valid, with its schema line.

    Creates the paper record when the paper is new (an arXiv id gives its URL and date).
    Never overwrites; prints the path of every file written, then any warning about it (such
    as a percentage given as a fraction of 1: miou=0.812, did you mean 81.2?).

    Each value is checked as soon as it is given: an unknown dataset, split or metric id is
    refused with the closest known one ("unknown metric 'miuo'; did you mean 'miou'?"), a bad
    flag before anything is asked, and a bad answer at a prompt is asked for again.
    """
    from generator.contrib.answers import ResultAnswers
    from generator.contrib.scaffold import create_result, paper_is_new
    from generator.records.texts import NewResult

    ask = Asker(asks_for_missing(interactive))
    repository = root(ctx)
    check = ResultAnswers(repository)
    checks = {"dataset": check.dataset, "split": check.split, "model": check.model,
              "method": check.text, "paper": check.paper}  # fmt: skip
    required = {name: given[name] for name in checks}
    ask.require({**required, "metric": metrics, "source kind": given["source_kind"],
                 "source url": given["source_url"]})  # fmt: skip
    values = {name: ask.value(given[name], name, test) for name, test in checks.items()}
    measured = check.metrics(
        ask.repeated(metrics, "metric", "ID=VALUE, e.g. miou=45.2", check.metric)
    )
    kind = ask.value(given["source_kind"], "source kind", type=click.Choice(SOURCE_KINDS))
    url = ask.value(given["source_url"], "source URL", check.url)
    settings = {key: ask.optional(given[key], label, _NUMBERS.get(key))
                for key, label in SETTING_PROMPTS}  # fmt: skip
    crop = ask.optional(crop_size, "crop size, HxW", _crop)
    files = [(u, f) for f, u in pairs(weights, "--weights", "FRAMEWORK=URL", "PyTorch=https://...")]
    if not paper_title and ask.asking and paper_is_new(repository, values["paper"]):
        paper_title = click.prompt("paper title (the paper is new)", value_proc=check.text)
    record = NewResult(
        **values,
        metrics=measured,
        source_kind=kind,
        source_url=url,
        backbone=settings["backbone"],
        paper_title=paper_title,
        source_detail=given["source_detail"],
        weights=files,
        decode_head=settings["decode_head"],
        pretraining_data=list(pretraining_data),
        crop_size=crop,
        parameters_m=settings["parameters"],
        flops_g=settings["flops"],
        reproduces=given["reproduces"],
    )
    warnings: list[Problem] = []
    for path in create_result(repository, record, warnings):
        click.echo(display_path(path))
    report(warnings, fmt="text", err=True)
    return 0


def _number(option: str) -> Callable[[str], str]:
    """A check that a setting is a plain number, as published."""

    def check(text: str) -> str:
        if not PLAIN_NUMBER.match(text.strip()):
            raise click.UsageError(f"{option} {text}: write the number as published, e.g. 49.1")
        return text.strip()

    return check


_NUMBERS = {"parameters": _number("--parameters"), "flops": _number("--flops")}


def _crop(text: str) -> tuple[int, int] | None:
    """--crop-size 512x512 (or 512) as (height, width)."""
    parts = text.lower().replace("*", "x").split("x")
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not all(part.strip().isdigit() for part in parts):
        raise click.UsageError(f"--crop-size {text}: write HEIGHTxWIDTH, e.g. 512x512")
    return int(parts[0]), int(parts[1])


@new.command(name="dataset")
@click.option("--id", "dataset_id", help="Short id, e.g. camvid.")
@click.option("--name", help="The dataset's usual name.")
@click.option("--homepage", help="Its official page.")
@click.option("--classes", help="Class names in index order, separated by commas.")
@click.option("--ignore-label", type=int, default=255, show_default=True)
@click.option(
    "--split",
    "splits",
    multiple=True,
    metavar="ID:IMAGES:LABELS",
    help="A split, e.g. val:500:public (labels: public, server or none; repeatable).",
)
@click.option(
    "--leaderboard",
    "leaderboards",
    multiple=True,
    metavar="SPLIT:METRIC",
    help="A leaderboard, e.g. val:miou (repeatable).",
)
@click.option("--description-en", help="What the dataset is, in English, in your own words.")
@click.option("--description-zh", help="The same in Chinese.")
@interactive_option
@click.pass_context
def new_dataset(
    ctx: click.Context,
    /,
    ignore_label: int,
    splits: tuple[str, ...],
    leaderboards: tuple[str, ...],
    interactive: bool | None,
    **given: str | None,
) -> int:
    """Write a new dataset record, valid, with its schema line. Never overwrites."""
    from generator.contrib.answers import class_names
    from generator.contrib.scaffold import create_dataset
    from generator.records.texts import dataset_text

    ask = Asker(asks_for_missing(interactive))
    labels = {
        "dataset_id": "id",
        "name": "name",
        "homepage": "homepage",
        "classes": "classes",
        "description_en": "description en",
        "description_zh": "description zh",
    }
    ask.require({**{label: given[key] for key, label in labels.items()}, "split": splits,
                 "leaderboard": leaderboards})  # fmt: skip
    values = {key: ask.value(given[key], label) for key, label in labels.items()}
    split_texts = ask.repeated(splits, "split", "ID:IMAGES:LABELS")
    board_texts = ask.repeated(leaderboards, "leaderboard", "SPLIT:METRIC")
    split_fields = fields(split_texts, "--split", "ID:IMAGES:LABELS, e.g. val:500:public", 3)
    if not all(images.isdigit() for _, images, _ in split_fields):
        raise click.UsageError("--split ID:IMAGES:LABELS: IMAGES is a number of images")
    boards = fields(board_texts, "--leaderboard", "SPLIT:METRIC, e.g. val:miou", 2)
    text = dataset_text(
        values["dataset_id"],
        values["name"],
        values["homepage"],
        class_names(values["classes"]),
        ignore_label,
        [(split, int(images), kind) for split, images, kind in split_fields],
        [(split, metric) for split, metric in boards],
        values["description_en"],
        values["description_zh"],
    )
    for path in create_dataset(root(ctx), values["dataset_id"], text):
        click.echo(display_path(path))
    return 0
