"""Parsing shared by the commands: the repository root, --format, KEY=VALUE pairs, prompts, and
handing findings to the reporter. Values leave here as plain Python values."""

from __future__ import annotations

import os
import reprlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.errors import SegboardError, UsageError
from generator.problems import Problem
from generator.records.places import find_root
from generator.reporting import FORMATS, render

F = TypeVar("F", bound=Callable[..., Any])
NAME_MAX, PATH_MAX = 255, 4096  # bytes of a file name, and of a whole path, on Linux


class SystemPath(click.Path):
    """click.Path, refusing first a path that no file system takes (a name longer than 255
    bytes, a path of 4,096, or one with a NUL character, which a caller of `main` can pass
    though a shell cannot): every look at such a path raises; and an empty one, which names
    nothing (an unset variable in `-o "$OUT"`) but would be taken as the current folder."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str | bytes) and not value:
            self.fail("an empty path names no file or folder", param, ctx)
        encoded = os.fsencode(value)
        if len(encoded) >= PATH_MAX or any(len(name) > NAME_MAX for name in encoded.split(b"/")):
            self.fail(f"{reprlib.repr(os.fsdecode(value))} is too long to be a path", param, ctx)
        if b"\0" in encoded:
            self.fail(f"{reprlib.repr(os.fsdecode(value))} holds a NUL character", param, ctx)
        return super().convert(value, param, ctx)


def root(ctx: click.Context) -> Path:
    """The repository: --root, or the nearest folder upwards that holds data/."""
    explicit = ctx.find_root().obj
    return find_root(explicit=explicit if isinstance(explicit, Path) else None)


def optional_root(ctx: click.Context) -> Path | None:
    """The repository when there is one (commands such as eval also work outside one)."""
    try:
        return root(ctx)
    except UsageError:
        return None


def format_option(help_text: str) -> Callable[[F], F]:
    """--format for commands that report findings (text, github, json)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help=help_text,
    )


def pairs(values: Iterable[str], option: str, form: str, example: str) -> list[tuple[str, str]]:
    """KEY=VALUE options (--metric miou=80.2, --weights PyTorch=URL, --paper-title ID=TITLE)."""
    parsed = []
    for value in values:
        key, sign, rest = value.partition("=")
        if not sign or not key.strip() or not rest.strip():
            raise click.UsageError(f"{option} {value}: write {form}, e.g. {example}")
        parsed.append((key.strip(), rest.strip()))
    return parsed


def fields(values: Iterable[str], option: str, form: str, count: int) -> list[list[str]]:
    """COLON:SEPARATED options (--split val:500:public, --leaderboard val:miou)."""
    parsed = []
    for value in values:
        parts = value.split(":")
        if len(parts) != count or not all(part.strip() for part in parts):
            raise click.UsageError(f"{option} {value}: write {form}")
        parsed.append([part.strip() for part in parts])
    return parsed


def asks_for_missing(flag: bool | None) -> bool:
    """--interactive/--no-interactive, or whether standard input is a terminal."""
    return sys.stdin.isatty() if flag is None else flag


interactive_option = click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for missing values (default: when standard input is a terminal).",
)


Check = Callable[[str], Any]


def _reasking(check: Check | None) -> Check | None:
    """A prompt's value_proc: a bad answer prints why, and click asks again."""
    if check is None:
        return None

    def proc(text: str) -> Any:
        try:
            return check(text)
        except SegboardError as exc:
            raise click.UsageError(str(exc)) from None

    return proc


class Asker:
    """Fills in missing values by asking (when interactive); otherwise every value must be given.

    Each value goes through its check as soon as it is known: a flag's value at once (a bad one
    is a usage error), a typed answer at its prompt (a bad one is asked for again).
    """

    def __init__(self, asking: bool) -> None:
        self.asking = asking

    def require(self, given: dict[str, Any]) -> None:
        """When not asking: one usage error naming every missing value (label -> value)."""
        missing = [label for label, value in given.items() if value in (None, ())]
        if missing and not self.asking:
            flags = ", ".join("--" + label.replace(" ", "-") for label in missing)
            raise click.UsageError(f"missing: {flags}")

    def value(self, given: Any, label: str, check: Check | None = None, **prompt: Any) -> Any:
        if given not in (None, ()):
            return check(given) if check else given
        return click.prompt(label, value_proc=_reasking(check), **prompt)

    def repeated(
        self, given: tuple[str, ...], label: str, form: str, check: Check | None = None
    ) -> list[Any]:
        if given:
            return [check(value) if check else value for value in given]
        return [click.prompt(f"{label} ({form})", value_proc=_reasking(check))]

    def optional(self, given: Any, label: str, check: Check | None = None) -> Any:
        """A value that may stay empty: asked for (Enter skips) only when asking."""
        if given not in (None, ()) or not self.asking:
            return check(given) if check and given not in (None, ()) else given
        answer = click.prompt(
            f"{label} (Enter to skip)",
            default="",
            show_default=False,
            value_proc=_reasking(lambda text: check(text) if check and text.strip() else text),
        )
        return answer or None


def report(problems: Iterable[Problem], fmt: str, err: bool = False) -> None:
    """Hand findings to the one reporter."""
    text = render(problems, fmt)
    (sys.stderr if err else sys.stdout).write(text)
