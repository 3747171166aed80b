"""The pages' template environment and its escaping: one Jinja2 environment per process, with
autoescaping on and every `{{ value }}` escaped as markup.esc escapes. This is the only module that
marks text as markup; pages.py gathers what a page shows and renders it through here."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.fingerprint import code_fingerprint
from generator.site.markup import esc, md_text, safe_url, visible

# Found beside this file (not through the package's name), so the two can move together.
TEMPLATES = Path(__file__).with_name("templates")


@functools.cache
def environment() -> jinja2.Environment:
    """The one template environment of the process."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_without_nul,
        bytecode_cache=kept_templates(),
    )
    env.filters.update(md=_markdown, front_matter=_front_matter, fill=_fill)
    env.filters.update(safe_url=safe_url, thousands="{:,}".format)
    return env


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, with each template filed under the code's
    fingerprint as well as its name and text: the code sets the environment's options, which
    shape the compiled code too (and the fingerprint covers Jinja's and MkDocs' versions)."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{code_fingerprint()}/{name}", filename)


@functools.cache
def kept_templates() -> jinja2.BytecodeCache | None:
    """Where templates are compiled once per machine rather than in every build (segboard's own
    take a tenth of a second, the theme's a fifth per language): Jinja's own cache folder, in
    the system's temporary folder, which Jinja makes private to the user and checks. None
    when there is no such folder: templates are then compiled each time."""
    try:
        return _KeptTemplates()
    except (OSError, RuntimeError):  # Jinja's answer when the folder is not safe to use
        return None


def compiled(env: jinja2.Environment, source: str, name: str) -> jinja2.Template:
    """`env.from_string(source)`, kept compiled under `name` like a template file."""
    cache = env.bytecode_cache
    if cache is None:
        return env.from_string(source)
    bucket = cache.get_bucket(env, name, None, source)
    if bucket.code is None:
        bucket.code = env.compile(source, name)
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, bucket.code, env.make_globals(None))


def _without_nul(value: object) -> object:
    """Every `{{ value }}` of a template, before autoescaping escapes it: text without NUL
    characters (see markup.esc), and anything else as it is. A table of 10,000 rows calls it a
    million times, so text without a NUL is given back without another call."""
    return visible(value) if type(value) is str and "\x00" in value else value


def _html(value: object) -> Markup:
    """A value as markup: escaped as markup.esc escapes it, unless it is markup already."""
    return value if isinstance(value, Markup) else markup(esc(value))


def _markdown(text: str) -> Markup:
    """The `md` filter: text for a Markdown heading (not HTML), through markup.md_text."""
    return markup(md_text(text))


def _front_matter(title: str) -> Markup:
    """The page title in the YAML front matter, escaped: themes insert it into HTML as is."""
    return markup(json.dumps(esc(title), ensure_ascii=False))


def _fill(sentence: str, **slots: object) -> Markup:
    """An interface sentence with its {slots} filled: its words and plain values escaped."""
    return _html(sentence).format(**{name: _html(value) for name, value in slots.items()})


def markup(text: str) -> Markup:
    """The one place segboard marks text as markup, which autoescaping then leaves alone.

    It is given only text that one of the filters above has just escaped for where it goes, the
    output of the board template (escaped as it was rendered), the inline progress chart
    (charts.py escapes every text it writes into the SVG), and hand-written
    Markdown from docs/ (the maintainers' own). Never record text as it is.
    """
    return _MARKUP(Markup, text)


# Markup(text) without its checks for objects that are not text (`text` always is): a table of
# 10,000 rows marks about a million values
_MARKUP = str.__new__
