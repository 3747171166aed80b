"""What the help texts and the README say about options is true: every `--option` they mention
exists on the command they mention it for (issue #15, item 6)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest

from generator.cli import cli

from .conftest import REPO

# an option, with up to two words before it that may name the command it belongs to
_MENTION = re.compile(r"((?:[\w`'\"(-]+\s+){0,3})(--[a-z][a-z0-9-]*)")


def commands(group: click.Command = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(group, click.Group):
        for name, sub in group.commands.items():
            yield from commands(sub, (*path, name))


def command_at(path: tuple[str, ...]) -> click.Command | None:
    command: click.Command = cli
    for name in path:
        if not isinstance(command, click.Group) or name not in command.commands:
            return None
        command = command.commands[name]
    return command


def own_options(command: click.Command) -> set[str]:
    return {
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in param.opts + param.secondary_opts
        if name.startswith("--")
    }


def options_of(path: tuple[str, ...]) -> set[str]:
    """The options a command takes: its own and its groups' (such as --root); for a group,
    also those that every one of its commands takes (`import`: --dry-run)."""
    names = {"--help"}
    for depth in range(len(path) + 1):
        command = command_at(path[:depth])
        assert command is not None
        names |= own_options(command)
    command = command_at(path)
    if isinstance(command, click.Group) and command.commands:
        names |= set.intersection(*(own_options(c) for c in command.commands.values()))
    return names


def named_command(words: list[str], current: tuple[str, ...]) -> tuple[str, ...]:
    """The command the words just before an option name ('links', 'import hf'), or `current`."""
    cleaned = [w.strip("`'\"(") for w in words]
    for start in range(len(cleaned)):
        candidate = tuple(w for w in cleaned[start:] if w != "segboard")
        if candidate and command_at(candidate) is not None:
            return candidate
    return current


def wrong_mentions(text: str, current: tuple[str, ...]) -> list[str]:
    wrong = []
    for match in _MENTION.finditer(text):
        path = named_command(match.group(1).split(), current)
        if match.group(2) not in options_of(path):
            wrong.append(f"{' '.join(('segboard', *path))} {match.group(2)}")
    return wrong


def help_text(path: tuple[str, ...]) -> str:
    command = command_at(path)
    assert command is not None
    context = click.Context(command, info_name=" ".join(("segboard", *path)))
    return command.get_help(context)


@pytest.mark.parametrize("path", list(commands()), ids=lambda p: " ".join(p) or "segboard")
def test_every_option_a_help_text_mentions_exists(path: tuple[str, ...]) -> None:
    assert wrong_mentions(help_text(path), path) == []


def test_an_option_of_another_command_is_checked_on_that_command() -> None:
    text = "Runs validate, seed, build --strict and links --offline."
    assert wrong_mentions(text, ("check",)) == ["segboard build --strict"]
    assert wrong_mentions("Written by `segboard eval --evidence`.", ("verify",)) == []
    assert wrong_mentions("Give --paper or import hf --paper.", ("new", "result")) == []
    assert wrong_mentions("Give --pdf.", ("new", "result")) == ["segboard new result --pdf"]


def test_check_help_names_only_options_that_exist() -> None:
    text = help_text(("check",))
    assert "--strict" not in text
    assert "links --offline" in " ".join(text.split())


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md", "CONTRIBUTING.zh.md"])
def test_every_option_the_guides_mention_for_a_command_exists(name: str) -> None:
    """`segboard COMMAND ... --option` in the guides' code spans and blocks."""
    text = (REPO / name).read_text(encoding="utf-8")
    wrong = []
    for span in re.findall(r"`segboard [^`]+`", text) + re.findall(r"^segboard .+$", text, re.M):
        words = span.strip("`").split()[1:]
        path: tuple[str, ...] = ()
        while words and command_at((*path, words[0])) is not None:
            path, words = (*path, words[0]), words[1:]
        for word in words:
            option = re.match(r"\[?(--[a-z][a-z0-9-]*)", word)
            if option and option.group(1) not in options_of(path):
                wrong.append(f"{span}: {option.group(1)}")
    assert wrong == []
