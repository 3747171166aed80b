"""Commands that translate: export, and import (markdown, model-index, hf, hf-eval-results,
pwc-archive)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator.cli.group import cli
from generator.cli.options import SystemPath, format_option, pairs, report, root
from generator.interop.exports import EXPORT_FORMATS
from generator.records.paper_ids import paper_id
from generator.records.validation import validate_repository
from generator.reporting import display_path

if TYPE_CHECKING:  # the importers load only for `segboard import`
    from generator.interop.outcome import Format, ImportOutcome

SCALES = ["fraction", "percent"]  # how the importers read values (interop.mapper.Entry.scale)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="json: the ranked leaderboards; csv: one row per result; model-index: Papers with Code's "
    "model-index (a paper per Collection, a result per Model); hf: a Hugging Face model card per "
    "result (needs -o DIR); hf-eval-results: a Hugging Face model folder per result holding "
    ".eval_results/<dataset>_<split>.yaml (needs -o DIR).",
)
@click.option(
    "-o",
    "--output",
    type=SystemPath(path_type=Path),
    help="Write to this file, or into this existing folder (as leaderboards.json, results.csv or "
    "model-index.yml; a folder per result for hf and hf-eval-results), instead of standard "
    "output. Only the files written are replaced, each whole or not at all.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None) -> int:
    """Export validated data for other tools (JSON, CSV, model-index, Hugging Face cards and
    evaluation results).

    JSON is a list of leaderboards {dataset, split, metric, rows}, each row with rank, model,
    score, weights, paper and code, best first. Ties share a rank and are ordered by the earlier
    paper date, then the model name, then the result's path. CSV has one row per result, with
    numbers exactly as published. Nothing is written when the data has errors.
    """
    from generator.interop.exports import export_text, write_export

    catalog = validate_repository(root(ctx)).require_ok("exporting")
    if output is None:
        sys.stdout.write(export_text(catalog, fmt))
        return 0
    written = write_export(catalog, fmt, output)
    if fmt == "hf":
        click.echo(f"wrote {len(written)} model cards into {output}", err=True)
    elif fmt == "hf-eval-results":
        click.echo(f"wrote {len(written)} evaluation-results files into {output}", err=True)
    else:
        click.echo(f"wrote {written[0]}", err=True)
    return 0


@cli.group(name="import")
def import_group() -> None:
    """Take in results kept elsewhere: Markdown tables, model-index metafiles, model cards,
    Hugging Face evaluation results, the Papers with Code archive.

    Every importer reports what it cannot map, with the file it comes from (exit status 1);
    what it writes validates. --dry-run shows what would be written and writes nothing.
    """


_SCALE = click.option(
    "--scale",
    type=click.Choice(SCALES),
    help="How to read values: fraction (0.4236 is 42.36%) or percent. Needed when a "
    "percentage metric is at most 1.",
)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Show what would be written; write none.")
_FORMAT = format_option("How entries left out are printed on standard error (as for validate).")


def _run(ctx: click.Context, fmt: Format, path: Path, dry_run: bool, report_as: str) -> int:
    from generator.interop.outcome import run_import

    return _report_import(run_import(root(ctx), fmt, path, dry_run), dry_run, report_as)


def _report_import(
    outcome: ImportOutcome, dry_run: bool, report_as: str, show_planned: bool = True
) -> int:
    """Print what an import wrote (or would write) and what it left out; 1 if any entry was
    (a warning, such as a code link a paper's record lacks, leaves the status 0)."""
    report(outcome.left_out, report_as, err=True)
    if dry_run and show_planned:
        for target, text in outcome.planned.items():
            click.echo(f"--- {display_path(target)}\n{text}", nl=False)
    else:
        for target in outcome.written:
            click.echo(display_path(target))
    count = len(outcome.planned) if dry_run else len(outcome.written)
    verb = "would write" if dry_run else "wrote"
    errors = sum(1 for problem in outcome.left_out if problem.is_error)
    left = f"left out {errors} (see above)" if errors else "left out 0"
    if errors < len(outcome.left_out):
        left += f"; {len(outcome.left_out) - errors} warning(s) above"
    if report_as != "json":  # keep standard error one JSON document
        click.echo(f"{verb} {count} files; {left}", err=True)
    return 1 if errors else 0


@import_group.command(name="markdown")
@click.argument("file", type=SystemPath(dir_okay=False, path_type=Path))
@click.option("--dataset", required=True, help="Dataset id of the leaderboard.")
@click.option("--split", required=True, help="Split id of the leaderboard.")
@click.option("--source-url", required=True, help="Where the table was published.")
@click.option(
    "--paper-title",
    "paper_titles",
    multiple=True,
    metavar="ID=TITLE",
    help="Title of a paper that has no record yet (repeatable).",
)
@_DRY_RUN
@_FORMAT
@click.pass_context
def import_markdown(
    ctx: click.Context,
    /,
    file: Path,
    paper_titles: tuple[str, ...],
    dry_run: bool,
    fmt: str,
    **board: str,
) -> int:
    """Records from a Markdown leaderboard table (Model | Score | Weights | Paper | Code).

    Links are labelled by framework; N/A marks an empty cell; a pipe inside a cell is escaped
    with a backslash, as GitHub reads it; name suffixes (+ COCO, + MS, ...) become structured
    fields. A row that cannot be read is reported with its line, and then nothing is written.
    """
    from generator.interop.markdown import MarkdownTable

    given = pairs(paper_titles, "--paper-title", "ID=TITLE", "1612.01105=Pyramid ...")
    titles = {paper_id(paper, "--paper-title"): title for paper, title in given}
    return _run(ctx, MarkdownTable(**board, paper_titles=titles), file, dry_run, fmt)


F = TypeVar("F", bound=Callable[..., Any])


def _model_options(paper: str, split: str, source_url: str) -> Callable[[F], F]:
    """The options of the importers that read one model's files (model cards, eval results)."""

    def apply(command: F) -> F:
        for option in reversed(
            (
                click.option("--paper", help=paper),
                click.option(
                    "--paper-title", help="Title of that paper, when it has no record yet."
                ),
                click.option(
                    "--method", help="The method, e.g. SegFormer (default: the model's name)."
                ),
                click.option("--backbone", help="The backbone, e.g. MiT-B0."),
                click.option("--split", help=split),
                click.option("--source-url", help=source_url),
                click.option(
                    "--weights",
                    multiple=True,
                    metavar="FRAMEWORK=URL",
                    help="Downloadable weights, e.g. PyTorch=https://huggingface.co/ORG/MODEL "
                    "(repeatable).",
                ),
                _SCALE,
                _DRY_RUN,
                _FORMAT,
            )
        ):
            command = option(command)
        return command

    return apply


@import_group.command(name="hf")
@click.argument("path", type=SystemPath(exists=True, path_type=Path))
@_model_options(
    paper="The paper when the card has no arxiv: tag: an arXiv id in any common form "
    "(1612.01105, arXiv:1612.01105, its arxiv.org address) or a paper record's slug.",
    split="Split id, for results whose card names no split.",
    source_url="The card's page, for results that name no source.",
)
@click.pass_context
def import_hf_command(
    ctx: click.Context,
    /,
    path: Path,
    weights: tuple[str, ...],
    dry_run: bool,
    fmt: str,
    **options: str | None,
) -> int:
    """Records from Hugging Face model cards (README.md front matter with a model-index).

    PATH is a README.md or a folder of them. Cards written by `segboard export --format hf`
    come back exactly. Other cards are mapped: the dataset's `type` (Hub id) or `name` through
    the dataset records' aliases, split names such as "validation", metric types such as
    mean_iou through the metric catalogue's aliases. The paper comes from --paper or the card's
    one arxiv: tag; values that may be fractions of 1 need --scale, and scaled values keep the
    published number in a curation entry. A derived ranking metric the card leaves out (ADE20K's
    score) is computed from its components when all are given, with an 'added' curation entry.
    Hugging Face's `verified` flag is not carried over.
    What cannot be mapped is reported and left out (exit status 1); what is written validates.
    """
    from generator.interop.hf_cards import CardOptions, HfCards

    files = pairs(weights, "--weights", "FRAMEWORK=URL", "PyTorch=https://huggingface.co/...")
    card_options = CardOptions(weights=[(url, framework) for framework, url in files], **options)
    return _run(ctx, HfCards(card_options), path, dry_run, fmt)


@import_group.command(name="hf-eval-results")
@click.argument("path", type=SystemPath(exists=True, path_type=Path))
@_model_options(
    paper="The paper when the folder's README.md has no arxiv: tag: an arXiv id in any common "
    "form or a paper record's slug.",
    split="Split id the results were measured on (entries name none).",
    source_url="The model's page, for results that name no source.",
)
@click.pass_context
def import_hf_eval_results_command(
    ctx: click.Context,
    /,
    path: Path,
    weights: tuple[str, ...],
    dry_run: bool,
    fmt: str,
    **options: str | None,
) -> int:
    """Records from Hugging Face evaluation results (.eval_results/*.yaml of a model repository).

    PATH is the model's folder (the one holding .eval_results/), a folder of model folders, an
    .eval_results folder, or one such YAML file; a model's name is its folder's. Files written
    by `segboard export --format hf-eval-results` come back exactly. Other files are mapped:
    each entry's dataset.id (the benchmark's Hub id, e.g. scene_parse_150) through the dataset
    records' aliases, its task_id through the metric catalogue's aliases (mean_iou); entries
    name no split, so give --split. The paper comes from --paper or the arxiv: tag of the
    folder's README.md; values that
    may be fractions of 1 need --scale. A verifyToken is not carried over.
    What cannot be mapped is reported and left out (exit status 1); what is written validates.
    """
    from generator.interop.hf_cards import CardOptions
    from generator.interop.hf_eval_results import HfEvalResults

    files = pairs(weights, "--weights", "FRAMEWORK=URL", "PyTorch=https://huggingface.co/...")
    card_options = CardOptions(weights=[(url, framework) for framework, url in files], **options)
    return _run(ctx, HfEvalResults(card_options), path, dry_run, fmt)


@import_group.command(name="model-index")
@click.argument("path", type=SystemPath(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--split", default="val", show_default=True, help="The split the results were measured on."
)
@click.option(
    "--source-url",
    help="Where the numbers come from (for files segboard did not write); {path} in it stands "
    "for each metafile's path below the model-index's folder.",
)
@click.option(
    "--source-kind",
    type=click.Choice(["model-zoo", "reproduction"]),
    default="model-zoo",
    show_default=True,
    help="model-zoo: the authors' own release; reproduction: a third party's re-implementation "
    "(such as OpenMMLab's), shown beside the claims and not ranked with them.",
)
@click.option("--framework", help="Framework of the weights, when the file does not say.")
@_SCALE
@_DRY_RUN
@_FORMAT
@click.pass_context
def import_model_index_command(
    ctx: click.Context,
    /,
    path: Path,
    split: str,
    source_kind: str,
    dry_run: bool,
    fmt: str,
    **options: str | None,
) -> int:
    """Records from a model-index file (one metafile, or a model-index.yml with Import globs).

    A file written by `segboard export --format model-index` comes back exactly. Other files
    (such as OpenMMLab's metafiles) are mapped: datasets through the aliases of the dataset
    records ("Pascal VOC 2012 + Aug" is VOC 2012 with SBD), metric names through the metric
    catalogue's aliases, mIoU(ms+flip) as a multi-scale + flip result, papers from the
    Collections, a derived ranking metric from its components (with an 'added' curation entry).
    Unknown datasets and metrics, duplicate names and entries without the leaderboard's metric
    are reported and left out (exit status 1); what is written validates.
    """
    from generator.interop.model_index import ModelIndex

    model_index = ModelIndex(split, **options, source_kind=source_kind)
    return _run(ctx, model_index, path, dry_run, fmt)


@import_group.command(name="pwc-archive")
@click.argument("file", type=SystemPath(dir_okay=False, path_type=Path))
@click.option(
    "--task",
    "tasks",
    multiple=True,
    metavar="NAME",
    help="A task whose tables are read, wherever it is nested (repeatable; case does not "
    "matter). Default: 'Semantic Segmentation' and 'Real-Time Semantic Segmentation'.",
)
@click.option(
    "--source-url",
    help="Where the archive was published, written as each record's source.url "
    "(default: https://github.com/paperswithcode/paperswithcode-data).",
)
@_DRY_RUN
@_FORMAT
@click.pass_context
def import_pwc_archive_command(
    ctx: click.Context,
    /,
    file: Path,
    tasks: tuple[str, ...],
    source_url: str | None,
    dry_run: bool,
    fmt: str,
) -> int:
    """Records from the Papers with Code archive's evaluation tables (evaluation-tables.json).

    FILE is the JSON array of tasks that paperswithcode/sota-extractor defines (the archive's
    evaluation-tables.json, or the same gzipped, .json.gz). It is read as a stream, one task at
    a time, so the whole archive (hundreds of MB) needs little memory. Only JSON is read: the
    parquet form of the pwc-archive dataset would need pyarrow, which segboard does not depend
    on.

    Tables of the semantic-segmentation tasks are mapped: the dataset name and its split through
    the aliases of the dataset records ("Cityscapes test" is cityscapes, split test), metric
    names through the metric catalogue's aliases ("Mean IoU (class)" is miou), values such as
    45.2 or "45.2%". Each row becomes a result with source.kind aggregator (a third party's
    collection: shown beside the claims, never ranked with them), and a paper record from its
    arXiv address. Unknown datasets, rows without an arXiv paper, values that are not numbers
    and models already on the split are reported and left out (exit status 1); code links are
    reported (the archive does not say their framework). --dry-run prints, per dataset and
    split, the rows found, those that can be imported and why the others cannot, and writes
    nothing. What is written validates.
    """
    from generator.interop.outcome import run_import
    from generator.interop.pwc_archive import ARCHIVE_URL, DEFAULT_TASKS, PwcArchive

    archive = PwcArchive(source_url or ARCHIVE_URL, tasks or DEFAULT_TASKS)
    outcome = run_import(root(ctx), archive, file, dry_run)
    for line in archive.summary_lines():
        click.echo(line)
    return _report_import(outcome, dry_run, fmt, show_planned=False)
