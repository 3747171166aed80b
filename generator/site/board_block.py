"""A leaderboard's block (and a paper's list of results) rendered once for all languages, then
worded for each.

The block of a large leaderboard is most of a build, and its languages differ only in their
interface words. So the template is rendered once with a placeholder for every word (`w.rank`
gives '\\x00rank\\x00'), and each language's block is that text with the placeholders replaced
by the language's words, escaped (a plain text substitution, so it costs little). Escaped
record text never holds a NUL (markup.esc replaces it), so no placeholder can come from it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from generator.site.rendering import compiled, environment, markup

TAG = "tag:"  # placeholders of tag labels are 'tag:<id>'
SPLIT = "split:"  # and of split names 'split:<dataset id>:<split id>'
ROOT = "site_root"  # the placeholder of the link from a page to the site's root
PAPER_RESULTS = "paper_results.html.j2"


def placeholder(key: str) -> Markup:
    """The placeholder that stands for the word `key` in the neutral rendering."""
    return markup(f"\x00{key}\x00")


class _Words:
    """`w.key` and `w["key"]`: a word's placeholder (`prefix` + key), made once per word."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def __getattr__(self, key: str) -> Markup:  # only on a word's first use: then it is set
        value = placeholder(self.prefix + key)
        setattr(self, key, value)
        return value

    def __getitem__(self, key: str) -> Markup:
        value: Markup = getattr(self, key)
        return value


def neutral_block(context: dict[str, Any]) -> str:
    """The board template rendered with placeholders for its words (`context`: the rest)."""
    return _board_template().render(context, w=_Words(), tags=_Words(TAG))


def neutral_paper_results(boards: list[tuple[Any, ...]]) -> str:
    """A paper's list of results (paper_list.paper_boards gives `boards`) with placeholders for
    its words: a paper's rows are listed on its page in every language."""
    return environment().get_template(PAPER_RESULTS).render(boards=boards, w=_Words())


def split_placeholder(dataset: str, split: str) -> Markup:
    """The placeholder that stands for a split's name."""
    return placeholder(f"{SPLIT}{dataset}:{split}")


# `{{ w.key }}`: a word the template names outright (not one it composes, as w["source_" ~ kind])
_FIXED_WORD = re.compile(r"\{\{ w\.(\w+) \}\}")


@functools.cache
def _board_template() -> jinja2.Template:
    """The board template with each word it names outright written in as its placeholder, as
    rendering it would write it. A row names about forty words, and a table of 10,000 rows then
    need not evaluate and escape 400,000 expressions that always give the same text."""
    env = environment()
    assert env.loader is not None  # rendering.environment() has one
    source, _, _ = env.loader.get_source(env, "board.html.j2")
    source = _FIXED_WORD.sub(lambda match: str(placeholder(match.group(1))), source)
    return compiled(env, source, "board.html.j2, its fixed words as placeholders")


def worded(neutral: str, words: Mapping[str, str]) -> str:
    """The neutral rendering with each placeholder replaced by its (escaped) word."""
    parts = neutral.split("\x00")  # text, word, text, word, ..., text
    parts[1::2] = [words[key] for key in parts[1::2]]
    return "".join(parts)
