"""Commands for contributors and CI: check, links."""

from __future__ import annotations

import click

from generator.cli.group import cli
from generator.cli.options import format_option, report, root


@cli.command()
@format_option("How each step's findings are printed (as for validate).")
@click.pass_context
def check(ctx: click.Context, fmt: str) -> int:
    """Run what a pull request must pass: validate (with evidence), seed, build, links --offline,
    and the site's own links.

    The last step follows every link between the built pages and every search entry to a file
    of the site and an element with its anchor. The seed step runs when pyproject.toml names
    seed tables ([tool.segboard.seed]): every row of them must still come back from the
    records, with corrections undone through their curation entries. Contributors run this
    before pushing; `make test` and CI run it on data/ (and CI also checks the links of the
    changed records online).
    """
    from generator.contrib.check import run_checks

    steps = run_checks(root(ctx))
    for step in steps:
        report(step.problems, fmt)
        for line in step.notes:
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
    help="Only URLs in files changed since this git ref, and in new files git does not track "
    "yet (not ignored ones); for pull requests.",
)
@format_option("As for validate: every place a broken (error) or moved (warning) URL stands.")
@click.pass_context
def links(
    ctx: click.Context, offline: bool, with_site: bool, changed_since: str | None, fmt: str
) -> int:
    """Check every URL of the records, the hand-written pages (and the site, with --site).

    Online, URLs are fetched concurrently (HEAD, then GET if HEAD is refused), redirects are
    followed and permanent ones reported as warnings with the new address, 429 and 5xx answers
    are retried with backoff (honouring Retry-After), and good answers are cached. Settings
    (ignore patterns, accepted statuses, timeout per request, deadline per link, limits, cache
    age) live in pyproject.toml under
    [tool.segboard.links]. Exit 1 when a link is broken, 0 when only warnings remain.
    """
    from generator.contrib.links import link_problems, link_summary, run_link_check

    reports = run_link_check(root(ctx), offline, with_site, changed_since)
    problems = link_problems(reports)
    report(problems, fmt)
    click.echo(link_summary(reports, offline), err=True)
    return 1 if any(p.is_error for p in problems) else 0


@cli.command(name="link-reproductions")
@click.option("--dry-run", is_flag=True, help="Print the links; write nothing.")
@click.pass_context
def link_reproductions_command(ctx: click.Context, dry_run: bool) -> int:
    """Name, in each reproduction, the claim it re-implements, where exactly one matches.

    A claim matches when it has the same leaderboard, method, backbone (compared loosely:
    R-101-D8 is ResNet-101), training crop, extra training data and test-time augmentation, and
    the same pre-training where both state it. Prints one line per link.
    """
    from generator.contrib.reproductions import link_reproductions

    links, refused = link_reproductions(root(ctx), dry_run)
    for link in links:
        click.echo(f"{link.reproduction.id} reproduces {link.claim.id}")
    for message in refused:
        click.echo(f"{message} [link-reproductions]", err=True)
    verb = "would link" if dry_run else "linked"
    left = f"; {len(refused)} left for you to link" if refused else ""
    click.echo(f"{verb} {len(links)} reproductions{left}", err=True)
    return 1 if refused else 0
