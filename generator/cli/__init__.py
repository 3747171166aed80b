"""The `segboard` command: options parsed into plain values, one library call per command, and
the outcome handed to the reporter. No rule, path or format is decided here.

The commands live beside this module by room (records, site, scores, interop, contrib); `main`
maps every failure to a one-line message and its exit status, and Ctrl-C, in any command, to
exit status 130 without a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn

import click

from generator.cli import contrib, interop, records, scores, site  # noqa: F401 (registers commands)
from generator.cli.group import PROCESS, cli
from generator.errors import INTERRUPTED, SegboardError

__all__ = ["cli", "main", "run"]


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


def run() -> NoReturn:
    """The `segboard` program (and `python -m generator`): `main`, then `exit_now`."""
    PROCESS.ends_with_command = True
    exit_now(main())


def exit_now(status: int) -> NoReturn:
    """End the process with `status` once its exit handlers have run and its output is flushed,
    without the interpreter's teardown, which frees every object one by one: after a build of
    10,000 records that took a fifth of a second, for memory the system takes back at once.
    With other threads still running, the interpreter's own exit waits for them as usual."""
    if threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()  # logging's and coverage's handlers among them
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(status)
