"""The `segboard` command group and its global options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from generator import __version__
from generator.cli.options import SystemPath


@dataclass
class Process:
    """What a command knows of the process it runs in: whether the process ends with the
    command (the `segboard` program, not a caller of `main`), so that a command that made many
    objects may end it once its output is written (cli.exit_now) rather than free them."""

    ends_with_command: bool = False


PROCESS = Process()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--root",
    type=SystemPath(file_okay=False, path_type=Path),
    help="The repository to work on. Default: the nearest folder, from here upwards, that "
    "holds data/.",
)
@click.version_option(__version__, prog_name="segboard")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """segboard: semantic-segmentation leaderboards kept as checked data.

    Exit status: 0 when all is well (warnings allowed), 1 when the data has errors,
    2 when the command is used wrongly, 130 when interrupted with Ctrl-C (quietly, in any
    command, serve included).
    """
    ctx.obj = root
