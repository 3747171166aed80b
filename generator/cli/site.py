"""Commands on the site: build, serve."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.group import PROCESS, cli
from generator.cli.options import SystemPath, root


@cli.command()
@click.option(
    "--site-dir",
    type=SystemPath(file_okay=False, path_type=Path),
    help="Where to put the site. Default: site/ in the repository.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Make every part anew, ignoring what earlier builds kept in build/cache/.",
)
@click.pass_context
def build(ctx: click.Context, site_dir: Path | None, fresh: bool) -> int:
    """Validate the records and build the static site, in English and Chinese.

    The pages are written as Markdown into build/docs/<lang>/ and built with MkDocs (strict:
    any warning fails the build) into site/ (Chinese under site/zh/). The new site replaces the
    old one only when the whole build succeeded. SOURCE_DATE_EPOCH (default: the last commit's
    time) makes two builds of the same data byte-identical.

    A build keeps what it made in build/cache/ (parsed records, leaderboard blocks, MkDocs'
    pages, data files), filed under what each was made from and the code's version, and the
    next build reuses what is still the same: the site is byte-identical either way.
    """
    from generator.site.build import BuildReport, build_site

    def done(built: BuildReport) -> None:
        click.echo(
            f"built {built.pages} pages into {built.site_dir} "
            f"(pages {built.seconds_generating:.2f} s, then MkDocs with the tables made "
            f"meanwhile {built.seconds_building:.2f} s)",
            err=True,
        )
        if PROCESS.ends_with_command:  # before the build's objects are freed one by one
            from generator.cli import exit_now

            exit_now(0)

    build_site(root(ctx), site_dir, fresh=fresh, then=done)
    return 0


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str) -> int:
    """Build the site, serve it, and rebuild it whenever a record or page changes.

    Pages open in a browser reload themselves once the rebuilt site is in place. A rebuild that
    fails prints why and keeps serving the last good site. Stop with Ctrl-C.
    """
    from generator.site.serve import serve as serve_site

    serve_site(root(ctx), host, port, lambda line: click.echo(line, err=True))
    return 0
