"""The `segboard` command: a thin layer over the library. No logic lives here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from generator import __version__
from generator.atomic_files import write_atomic
from generator.errors import DataError, SegboardError
from generator.problems import Problem
from generator.records.places import find_root
from generator.records.validation import ValidationReport, validate_repository
from generator.reporting import FORMATS, display_path, render, summary

if TYPE_CHECKING:  # the importers load only for `segboard import`
    from generator.contrib.links import LinkReport, Source
    from generator.interop.importing import ImportOutcome


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="The repository to work on. Default: the nearest folder, from here upwards, that "
    "holds data/.",
)
@click.version_option(__version__, prog_name="segboard")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """segboard: semantic-segmentation leaderboards kept as checked data.

    Exit status: 0 when all is well (warnings allowed), 1 when the data has errors,
    2 when the command is used wrongly.
    """
    ctx.obj = root


def _format_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format for commands that report problems (text, github, json)."""
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
        help=help_text,
    )  # fmt: skip


def _root(ctx: click.Context) -> Path:
    return find_root(explicit=ctx.obj)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_format_option(
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
    report = validate_repository(_root(ctx), list(paths) or None)
    sys.stdout.write(render(report.problems, fmt))
    click.echo(
        summary(
            len(report.errors), len(report.warnings), report.files_checked, len(report.acknowledged)
        ),
        err=True,
    )
    return 0 if report.ok else 1


def _valid_report(ctx: click.Context) -> ValidationReport:
    report = validate_repository(_root(ctx))
    if not report.ok:
        sys.stderr.write(render(report.errors, "text"))
        raise DataError(
            f"the data has {len(report.errors)} error(s); fix them (see `segboard validate`) "
            "before exporting"
        )
    return report


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "model-index", "hf"]),
    required=True,
    help="json: the ranked leaderboards; csv: one row per result; model-index: Papers with Code's "
    "model-index (a paper per Collection, a result per Model); hf: a Hugging Face model card per "
    "result (needs -o DIR).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (whole or not at all) instead of standard output.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None) -> int:
    """Export validated data for other tools (JSON, CSV, model-index, Hugging Face cards).

    JSON is a list of leaderboards {dataset, split, metric, rows}, each row with rank, model,
    score, weights, paper and code, best first. Ties share a rank and are ordered by the earlier
    paper date, then the model name, then the result's path. CSV has one row per result, with
    numbers exactly as published. Nothing is written when the data has errors.
    """
    from generator.ranking.boards import to_csv, to_json  # pandas loads only for commands that rank

    catalog = _valid_report(ctx).catalog
    if fmt in ("model-index", "hf"):
        from generator.interop.exports import model_index, write_hf_cards, write_model_index

        if fmt == "hf":
            if output is None:
                raise click.UsageError("--format hf writes one model card per result: give -o DIR")
            paths = write_hf_cards(catalog, output)
            click.echo(f"wrote {len(paths)} model cards into {output}", err=True)
            return 0
        if output is not None:
            write_model_index(catalog, output)
            click.echo(f"wrote {output}", err=True)
        else:
            import yaml

            sys.stdout.write(
                yaml.safe_dump(model_index(catalog), sort_keys=False, allow_unicode=True)
            )
        return 0
    text = to_json(catalog) if fmt == "json" else to_csv(catalog)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    return 0


@cli.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to put the site. Default: site/ in the repository.",
)
@click.pass_context
def build(ctx: click.Context, site_dir: Path | None) -> int:
    """Validate the records and build the static site, in English and Chinese.

    The pages are written as Markdown into build/docs/<lang>/ and built with MkDocs (strict:
    any warning fails the build) into site/ (Chinese under site/zh/). The new site replaces the
    old one only when the whole build succeeded. SOURCE_DATE_EPOCH (default: the last commit's
    time) makes two builds of the same data byte-identical.
    """
    from generator.site.build import build_site

    report = build_site(_root(ctx), site_dir)
    click.echo(
        f"built {report.pages} pages into {report.site_dir} "
        f"(generation {report.seconds_generating:.2f} s, MkDocs {report.seconds_building:.2f} s)",
        err=True,
    )
    return 0


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str) -> int:
    """Build the site, serve it, and rebuild it whenever a record or page changes.

    A rebuild that fails prints why and keeps serving the last good site. Stop with Ctrl-C.
    """
    import threading

    from generator.site.build import build_site
    from generator.site.serve import make_server, watch

    root = _root(ctx)
    site_dir = root / "site"
    build_site(root, site_dir)

    def rebuild() -> None:
        try:
            build_site(root, site_dir, parallel=False)  # the server's threads rule out fork
            click.echo("rebuilt the site", err=True)
        except SegboardError as exc:
            click.echo(
                f"segboard: rebuild failed, still serving the last good site: {exc}", err=True
            )

    server = make_server(site_dir, host, port)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop), daemon=True)
    watcher.start()
    click.echo(
        f"serving {site_dir} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)", err=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


EVIDENCE_RULES = ("evidence", "evidence-mismatch")


@cli.command()
@_format_option("As for validate.")
@click.pass_context
def verify(ctx: click.Context, fmt: str) -> int:
    """Recompute the metrics of every result that has an evidence file, and compare.

    A result's evidence is a confusion matrix written by `segboard eval --evidence`, named with
    its SHA-256 in the record. Each metric is recomputed and must agree with the record to half
    a unit of its last printed decimal; a mismatch prints both numbers. `segboard validate`
    runs the same checks among all the others.
    """
    report = validate_repository(_root(ctx))
    problems = [p for p in report.problems if p.rule in EVIDENCE_RULES]
    sys.stdout.write(render(problems, fmt))
    with_evidence = sum(1 for r in report.catalog.results if r.evidence)
    click.echo(
        f"{len(report.catalog.verified)} of {with_evidence} results with evidence verified; "
        f"{len(problems)} problem(s)",
        err=True,
    )
    return 1 if problems else 0


@cli.group()
def new() -> None:
    """Add a record: `segboard new result` or `segboard new dataset`."""


def _ask(value: object, label: str, interactive: bool, missing: list[str], **kwargs: Any) -> object:
    if value not in (None, ()):
        return value
    if interactive:
        return click.prompt(label, **kwargs)
    missing.append(label)
    return value


SOURCE_KINDS = ["paper", "model-zoo", "evaluation-server", "leaderboard"]
SCALES = ["fraction", "percent"]  # how `import hf` reads values (foreign.Entry.scale)
_interactive_option = click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for missing values (default: when standard input is a terminal).",
)


def _interactive(flag: bool | None) -> bool:
    return sys.stdin.isatty() if flag is None else flag


@new.command(name="result")
@click.option("--dataset", help="Dataset id (data/datasets/<id>.yaml).")
@click.option("--split", help="Split id of one of the dataset's leaderboards.")
@click.option("--model", help="Displayed name, with suffixes such as ' + COCO' or ' + MS'.")
@click.option("--method", help="Method family, e.g. PSPNet.")
@click.option("--backbone", help="Backbone, e.g. ResNet-101.")
@click.option("--paper", help="arXiv id (e.g. 1612.01105) or the slug of a paper record.")
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
@click.option("--source-kind", type=click.Choice(SOURCE_KINDS))
@click.option("--source-url", help="Where the number can be checked.")
@click.option("--source-detail", help="Where on that page, e.g. 'Table 3'.")
@_interactive_option
@click.pass_context
def new_result(ctx: click.Context, /, **options: object) -> int:
    """Write a new result record in the right place, valid, with its schema line.

    Creates the paper record when the paper is new (an arXiv id gives its URL and date).
    Never overwrites; prints the path of every file written.
    """
    from generator.contrib.scaffold import NewResult, create_result

    interactive = _interactive(cast("bool | None", options.pop("interactive")))
    missing: list[str] = []
    values = {
        key: _ask(options[key], label, interactive, missing)
        for key, label in (("dataset", "dataset"), ("split", "split"), ("model", "model"),
                           ("method", "method"), ("paper", "paper"))
    }  # fmt: skip
    metric_pairs = cast("tuple[str, ...]", options["metrics"]) or (
        (click.prompt("metric (ID=VALUE)"),) if interactive else ()
    )
    if not metric_pairs:
        missing.append("metric")
    kind = _ask(
        options["source_kind"],
        "source kind",
        interactive,
        missing,
        type=click.Choice(SOURCE_KINDS),
    )
    url = _ask(options["source_url"], "source URL", interactive, missing)
    if missing:
        raise click.UsageError(f"missing: {', '.join('--' + m.replace(' ', '-') for m in missing)}")
    metrics = {}
    for pair in metric_pairs:
        metric_id, _, value = str(pair).partition("=")
        if not value:
            raise click.UsageError(f"--metric {pair}: write ID=VALUE, e.g. miou=80.20")
        metrics[metric_id.strip()] = value.strip()
    weights = []
    for pair in cast("tuple[str, ...]", options["weights"]):
        framework, _, weights_url = str(pair).partition("=")
        if not weights_url:
            raise click.UsageError(f"--weights {pair}: write FRAMEWORK=URL")
        weights.append((weights_url, framework))
    paper_title = cast("str | None", options["paper_title"])
    root = _root(ctx)
    paper_is_new = not (root / "data/papers" / f"{values['paper']}.yaml").exists()
    if not paper_title and paper_is_new and interactive:
        paper_title = click.prompt("paper title (the paper is new)")
    record = NewResult(
        dataset=str(values["dataset"]), split=str(values["split"]), model=str(values["model"]),
        method=str(values["method"]), paper=str(values["paper"]), metrics=metrics,
        source_kind=str(kind), source_url=str(url),
        backbone=cast("str | None", options["backbone"]), paper_title=paper_title,
        source_detail=cast("str | None", options["source_detail"]),
        weights=weights,
    )  # fmt: skip
    for path in create_result(root, record):
        click.echo(display_path(path))
    return 0


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
@_interactive_option
@click.pass_context
def new_dataset(ctx: click.Context, /, **options: object) -> int:
    """Write a new dataset record, valid, with its schema line. Never overwrites."""
    from generator.contrib.scaffold import create_dataset, dataset_text

    interactive = _interactive(cast("bool | None", options.pop("interactive")))
    missing: list[str] = []
    labels = {"dataset_id": "id", "name": "name", "homepage": "homepage", "classes": "classes",
              "description_en": "description en", "description_zh": "description zh"}  # fmt: skip
    values = {key: _ask(options[key], label, interactive, missing) for key, label in labels.items()}
    splits_raw = cast("tuple[str, ...]", options["splits"]) or (
        (click.prompt("split (ID:IMAGES:LABELS)"),) if interactive else ()
    )
    boards_raw = cast("tuple[str, ...]", options["leaderboards"]) or (
        (click.prompt("leaderboard (SPLIT:METRIC)"),) if interactive else ()
    )
    if not splits_raw:
        missing.append("split")
    if not boards_raw:
        missing.append("leaderboard")
    if missing:
        raise click.UsageError(f"missing: {', '.join('--' + m.replace(' ', '-') for m in missing)}")
    try:
        splits = [(a, int(b), c) for a, b, c in (str(s).split(":") for s in splits_raw)]
        boards = [(a, b) for a, b in (str(s).split(":") for s in boards_raw)]
    except ValueError:
        raise click.UsageError(
            "write --split ID:IMAGES:LABELS and --leaderboard SPLIT:METRIC"
        ) from None
    text = dataset_text(
        str(values["dataset_id"]), str(values["name"]), str(values["homepage"]),
        [c.strip() for c in str(values["classes"]).split(",") if c.strip()],
        int(cast(int, options["ignore_label"])), splits, boards,
        str(values["description_en"]), str(values["description_zh"]),
    )  # fmt: skip
    for path in create_dataset(_root(ctx), str(values["dataset_id"]), text):
        click.echo(display_path(path))
    return 0


@cli.group(name="import")
def import_group() -> None:
    """Take in results kept elsewhere: Markdown tables, model-index metafiles, model cards.

    Every importer reports what it cannot map, with the file it comes from (exit status 1);
    what it writes validates.
    """


@import_group.command(name="markdown")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
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
@click.pass_context
def import_markdown(
    ctx: click.Context,
    file: Path,
    dataset: str,
    split: str,
    source_url: str,
    paper_titles: tuple[str, ...],
) -> int:
    """Write records from a Markdown leaderboard table (Model | Score | Weights | Paper | Code).

    Links are labelled by framework; N/A marks an empty cell; name suffixes (+ COCO, + MS, ...)
    become structured fields. A row that cannot be read is reported with its line, and then
    nothing is written.
    """
    from generator.interop.markdown import import_table

    titles = {}
    for pair in paper_titles:
        paper_id, _, title = pair.partition("=")
        if not title:
            raise click.UsageError(f"--paper-title {pair}: write ID=TITLE")
        titles[paper_id.strip()] = title.strip()
    root = _root(ctx)
    catalog = validate_repository(root).catalog
    for path in import_table(root, catalog, file, dataset, split, source_url, titles):
        click.echo(display_path(path))
    return 0


def _report_import(outcome: ImportOutcome, dry_run: bool) -> int:
    """Print what an import wrote (or would write) and what it left out; 1 if anything was."""
    for problem in outcome.left_out:
        click.echo(f"left out: {problem}", err=True)
    if dry_run:
        for target, text in outcome.planned.items():
            click.echo(f"--- {display_path(target)}\n{text}", nl=False)
    else:
        for target in outcome.written:
            click.echo(display_path(target))
    count = len(outcome.planned) if dry_run else len(outcome.written)
    verb = "would write" if dry_run else "wrote"
    left_out = f"left out {len(outcome.left_out)} (see above)" if outcome.left_out else "left out 0"
    click.echo(f"{verb} {count} files; {left_out}", err=True)
    return 1 if outcome.left_out else 0


_SCALE = click.option(
    "--scale",
    type=click.Choice(SCALES),
    help="How to read values: fraction (0.4236 is 42.36%) or percent. Needed when a "
    "percentage metric is at most 1.",
)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Show what would be written; write none.")


@import_group.command(name="hf")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--paper", help="Paper id (an arXiv id) when the card has no arxiv: tag.")
@click.option("--paper-title", help="Title of that paper, when it has no record yet.")
@click.option("--method", help="The method, e.g. SegFormer (default: the model's name).")
@click.option("--backbone", help="The backbone, e.g. MiT-B0.")
@click.option("--split", help="Split id, for results whose card names no split.")
@click.option("--source-url", help="The card's page, for results that name no source.")
@click.option(
    "--weights",
    multiple=True,
    metavar="FRAMEWORK=URL",
    help="Downloadable weights, e.g. PyTorch=https://huggingface.co/ORG/MODEL (repeatable).",
)
@_SCALE
@_DRY_RUN
@click.pass_context
def import_hf_command(
    ctx: click.Context, /, path: Path, weights: tuple[str, ...], dry_run: bool, **options: Any
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
    from generator.interop.hf_cards import CardOptions
    from generator.interop.importing import import_hf

    pairs = []
    for pair in weights:
        framework, _, url = pair.partition("=")
        if not url:
            raise click.UsageError(f"--weights {pair}: write FRAMEWORK=URL")
        pairs.append((url, framework))
    root = _root(ctx)
    catalog = validate_repository(root).catalog
    outcome = import_hf(root, path, catalog, CardOptions(weights=pairs, **options), dry_run)
    return _report_import(outcome, dry_run)


@import_group.command(name="model-index")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--split", default="val", show_default=True, help="The split the results were measured on."
)
@click.option(
    "--source-url", help="Where the numbers come from (for files segboard did not write)."
)
@click.option("--framework", help="Framework of the weights, when the file does not say.")
@_SCALE
@_DRY_RUN
@click.pass_context
def import_model_index_command(
    ctx: click.Context,
    path: Path,
    split: str,
    source_url: str | None,
    framework: str | None,
    scale: str | None,
    dry_run: bool,
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
    from generator.interop.importing import import_model_index

    root = _root(ctx)
    catalog = validate_repository(root).catalog
    outcome = import_model_index(root, path, catalog, split, source_url, framework, dry_run, scale)
    return _report_import(outcome, dry_run)


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> int:
    """Run what a pull request must pass: validate (with evidence), seed, build, links --offline.

    The seed step runs when pyproject.toml names seed tables ([tool.segboard.seed]): every row of
    them must still come back from the records, with corrections undone through their curation
    entries. Contributors run this before pushing; `make test` and CI run it on data/ (and CI
    also checks the links of the changed records online).
    """
    from generator.contrib.check import run_checks

    steps = run_checks(_root(ctx))
    for step in steps:
        for line in step.lines:
            click.echo(line)
        mark = "ok  " if step.ok else "FAIL"
        click.echo(f"{mark} {step.name}: {step.summary}", err=True)
    return 0 if all(step.ok for step in steps) else 1


@cli.command()
@click.option(
    "--offline",
    is_flag=True,
    help="Check only the form of each URL (scheme, host, arXiv ids); fetch nothing.",
)
@click.option("--site", "with_site", is_flag=True, help="Also check the links of the built site/.")
@click.option(
    "--changed-since",
    metavar="REF",
    help="Only URLs in files changed since this git ref (for pull requests).",
)
@_format_option("text: path:line:col lines and a summary; json: a list; github: annotations.")
@click.pass_context
def links(
    ctx: click.Context, offline: bool, with_site: bool, changed_since: str | None, fmt: str
) -> int:
    """Check every URL of the records, the hand-written pages (and the site, with --site).

    Online, URLs are fetched concurrently (HEAD, then GET if HEAD is refused), redirects are
    followed and permanent ones reported as warnings with the new address, 429 and 5xx answers
    are retried with backoff (honouring Retry-After), and good answers are cached. Settings
    (ignore patterns, accepted statuses, timeout, limits, cache age) live in pyproject.toml under
    [tool.segboard.links]. Exit 1 when a link is broken, 0 when only warnings remain.
    """
    import json as json_module

    from generator.contrib.links import (
        BROKEN,
        OK,
        SKIPPED,
        WARNING,
        LinkConfig,
        changed_files,
        check_links,
        collect,
    )

    root = _root(ctx)
    config = LinkConfig.from_pyproject(root)
    only = changed_files(root, changed_since) if changed_since else None
    found = collect(root, root / "site" if with_site else None, only)
    reports = check_links(found, config, root, offline)
    problems = [r for r in reports if r.status in (BROKEN, WARNING)]
    if fmt == "json":
        rows = [
            {"url": r.url, "status": r.status, "code": r.code, "message": r.message,
             "final_url": r.final_url,
             "sources": [{"path": display_path(s.path), "line": s.line, "column": s.column}
                         for s in r.sources]}
            for r in reports
        ]  # fmt: skip
        click.echo(json_module.dumps(rows, indent=2))
    else:
        for report in problems:
            severity = "error" if report.status == BROKEN else "warning"
            for source in report.sources:
                where = f"{display_path(source.path)}:{source.line}:{source.column}"
                if fmt == "github":
                    click.echo(
                        render([error_or_warning(source, severity, report)], "github"), nl=False
                    )
                else:
                    click.echo(f"{where}: {severity}: {report.url}: {report.message}")
    counts = {status: sum(1 for r in reports if r.status == status)
              for status in (OK, WARNING, BROKEN, SKIPPED)}  # fmt: skip
    click.echo(
        f"{len(reports)} links{' (offline)' if offline else ''}: {counts[OK]} ok, "
        f"{counts[BROKEN]} broken, {counts[WARNING]} warnings, {counts[SKIPPED]} skipped",
        err=True,
    )
    return 1 if counts[BROKEN] else 0


def error_or_warning(source: Source, severity: str, report: LinkReport) -> Problem:
    from generator.problems import Severity

    return Problem(
        source.path, source.line, source.column,
        Severity(severity), f"{report.url}: {report.message}", "link",
    )  # fmt: skip


@cli.command(name="eval")
@click.option("--dataset", help="A dataset of data/: its classes, ignore label and conventions.")
@click.option("--split", help="The split evaluated (recorded in the evidence file).")
@click.option(
    "--gt",
    "gt_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of ground-truth label maps (PNG).",
)
@click.option(
    "--pred",
    "pred_dir",
    required=True,
    type=click.Path(path_type=Path),
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
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option(
    "--evidence",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the confusion matrix and how it was made to this .npz file.",
)
@click.pass_context
def eval_command(
    ctx: click.Context,
    dataset: str | None,
    split: str | None,
    gt_dir: Path,
    pred_dir: Path,
    num_classes: int | None,
    ignore_index: int | None,
    jobs: int | None,
    as_json: bool,
    evidence: Path | None,
) -> int:
    """Score predicted label maps against ground truth, and optionally write evidence.

    Label maps are palette (P) or grayscale (L) PNGs whose values are class indices, paired by
    relative path. With --dataset, the dataset's conventions apply to the ground truth (ADE20K:
    0 is ignored and labels move down by one; Cityscapes: label ids map to train ids);
    predictions must hold class indices. Every figure is on the 0-100 scale, unrounded.
    """
    import json as json_module

    from generator.scores.evaluation import (
        Conventions,
        conventions_for,
        default_jobs,
        evaluate,
        terminal_progress,
        write_evidence,
    )
    from generator.scores.evaluation import (
        as_json as evaluation_json,
    )

    if dataset is not None:
        if num_classes is not None:
            raise click.UsageError("give either --dataset or --num-classes, not both")
        conventions = conventions_for(validate_repository(_root(ctx)).catalog, dataset, split)
        if ignore_index is not None:
            conventions = Conventions(**{**conventions.__dict__, "ignore_index": ignore_index})
    elif num_classes is not None:
        conventions = Conventions(
            num_classes, 255 if ignore_index is None else ignore_index, split=split
        )
    else:
        raise click.UsageError("give --dataset ID (a dataset of data/) or --num-classes K")
    result = evaluate(gt_dir, pred_dir, conventions, jobs or default_jobs(), terminal_progress)
    if evidence is not None:
        write_evidence(evidence, result)
        click.echo(f"wrote {evidence}", err=True)
    summary_data = evaluation_json(result)
    if as_json:
        click.echo(json_module.dumps(summary_data, indent=2))
        return 0
    names = conventions.class_names or tuple(str(i) for i in range(conventions.num_classes))
    width = max(len(n) for n in names)
    click.echo(f"{'class':<{width}}  {'IoU':>7}  {'Acc':>7}")
    for name, iou, acc in zip(
        names, summary_data["per_class_iou"], summary_data["per_class_accuracy"], strict=True
    ):
        cells = [f"{v:7.2f}" if v is not None else "    n/a" for v in (iou, acc)]
        click.echo(f"{name:<{width}}  {cells[0]}  {cells[1]}")
    click.echo(
        f"\n{result.images} images, {conventions.num_classes} classes: "
        f"mIoU {summary_data['miou']:.2f}, pixel accuracy {summary_data['pixel_accuracy']:.2f}, "
        f"mean accuracy {summary_data['mean_accuracy']:.2f}, fwIoU {summary_data['fwiou']:.2f}, "
        f"mean Dice {summary_data['mean_dice']:.2f}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command; map every failure to a one-line message and an exit status."""
    try:
        result = cli.main(args=argv, prog_name="segboard", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # includes usage errors (exit 2)
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except SegboardError as exc:
        click.echo(f"segboard: error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 1
    return result if isinstance(result, int) else 0
