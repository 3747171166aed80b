"""The `segboard` command: options parsed into plain values, one library call per command, and
the outcome handed to the reporter. No rule, path or format is decided here.

The commands live beside this module by room (records, site, scores, interop, contrib); `main`
maps every failure to a one-line message and its exit status, and Ctrl-C, in any command, to
exit status 130 without a traceback.
"""

from __future__ import annotations

import click

from generator.cli import contrib, interop, records, scores, site  # noqa: F401 (registers commands)
from generator.cli.group import cli
from generator.errors import INTERRUPTED, SegboardError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command; map every failure to a one-line message and an exit status."""
    try:
        result = cli.main(args=argv, prog_name="segboard", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # includes usage errors (exit 2)
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort as exc:  # click's form of Ctrl-C (or of the end of input)
        if isinstance(exc.__context__, KeyboardInterrupt):
            return INTERRUPTED  # click has already ended the line after ^C
        click.echo("aborted", err=True)
        return 1
    except KeyboardInterrupt:  # Ctrl-C outside a command's own work
        click.echo(err=True)
        return INTERRUPTED
    except SegboardError as exc:
        click.echo(f"segboard: error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 1
    return result if isinstance(result, int) else 0
