"""The MkDocs engine: one configuration per language from the repository's mkdocs.yml, checked
first (site/engine_settings.py), and a strict build whose warnings fail it. This module and
the checks of its settings are all that know MkDocs; another engine would replace them.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from generator.errors import DataError, UsageError
from generator.reading import UnreadableInput, read_text, real_path
from generator.site.engine_settings import MAX_CONFIG_BYTES, check_config, check_config_text
from generator.site.i18n import LANGUAGE_NAMES, LANGUAGES
from generator.site.markup import safe_url
from generator.site.rendering import kept_templates


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def base_config(root: Path) -> tuple[Path, dict[str, Any]]:
    """mkdocs.yml, read and checked: its path and its settings."""
    import yaml
    from mkdocs.exceptions import MkDocsException
    from mkdocs.utils.yaml import yaml_load

    config_file = root / "mkdocs.yml"
    try:
        text = read_text(config_file, MAX_CONFIG_BYTES)
    except UnreadableInput as exc:
        raise UsageError(f"{config_file}: {exc.reason}; it holds the site's settings") from None
    check_config_text(config_file, text)
    try:
        base = yaml_load(text)
    except (yaml.YAMLError, MkDocsException) as exc:
        raise UsageError(f"{config_file}: not readable YAML ({exc})") from None
    if not isinstance(base, dict):
        raise UsageError(f"{config_file}: not a mapping of MkDocs settings")
    check_config(config_file, base)
    return config_file, base


def engine_inputs(root: Path) -> list[Path]:
    """The files besides the generated pages that the engine reads: mkdocs.yml, and the files
    of the theme's custom_dir when it is a folder inside the repository."""
    config_file, base = base_config(root)
    inputs = [config_file]
    custom = base.get("theme", {}).get("custom_dir")
    if isinstance(custom, str):  # a folder inside the repository (check_config refuses others)
        inputs += sorted(p for p in real_path(root / custom).rglob("*") if p.is_file())
    return inputs


def edit_base(root: Path) -> str | None:
    """Where a record's "edit" link starts: `repo_url` of mkdocs.yml with the main branch's
    edit path ('https://github.com/o/r/edit/main/'), or None when the site names no
    repository. The record's path in the repository follows."""
    if not (root / "mkdocs.yml").exists():  # pages written without building (tests, benchmarks)
        return None
    url = base_config(root)[1].get("repo_url")
    if not isinstance(url, str) or safe_url(url) is None:
        return None
    return f"{url.rstrip('/')}/edit/main/"


def language_site_url(base: dict[str, Any], lang: str) -> str | None:
    """Where a language's site is published: `site_url` for the first language, and its
    '<lang>/' folder for the others; None when mkdocs.yml names no site_url (then the site
    has no sitemap or canonical links, and its 404 page works only at the host's root)."""
    url = base.get("site_url")
    if not isinstance(url, str) or safe_url(url) is None:
        return None
    url = url.rstrip("/") + "/"
    return url if lang == LANGUAGES[0] else f"{url}{lang}/"


def site_address(root: Path) -> str | None:
    """Where the site (its first language) is published, from mkdocs.yml's site_url."""
    if not (root / "mkdocs.yml").exists():
        return None
    return language_site_url(base_config(root)[1], LANGUAGES[0])


def search_settings(lang: str) -> dict[str, Any]:
    """The theme's search settings for a language's site.

    English needs none. For another language the theme stems a query's Latin words with
    Lunr's English stemmer (it never removes it from the query's pipeline) but indexes them
    unstemmed, so on the Chinese site "Mask2Former-ViT-Adapter-L" matched only "vit" and "l":
    "mask2former" became "mask2form", "adapter" "adapt". Naming English as a second language,
    with no pipeline steps, makes the theme remove both languages' stemmers and stop-word
    filters from both pipelines, so a word is looked up as it was indexed, as on the English
    site (the index also trims punctuation from the ends of its words: "ADE20K," is
    "ade20k"). Chinese words are still cut by jieba when indexed and by the index's words
    when queried.
    """
    if lang == "en":
        return {"lang": lang}
    return {"lang": [lang, "en"], "pipeline": []}


def mkdocs_config(root: Path, lang: str, docs_dir: Path, site_dir: Path, nav: list[Any]) -> Any:
    from mkdocs.config import load_config

    config_file, base = base_config(root)
    theme = dict(base.get("theme", {}), language=lang)
    plugins = [
        {"search": search_settings(lang)} if plugin == "search" else plugin
        for plugin in base.get("plugins", [])
    ]
    others = [code for code in LANGUAGES if code != lang]
    home = "./" if lang == LANGUAGES[0] else "../"
    alternate = [
        {
            "name": LANGUAGE_NAMES[code],
            "link": "./" if code == lang else (f"{home}{code}/" if code != "en" else home),
            "lang": code,
        }
        for code in (lang, *others)
    ]
    alternate.sort(key=lambda item: LANGUAGES.index(item["lang"]))
    extra = dict(base.get("extra", {}), alternate=alternate)
    site_url = language_site_url(base, lang)
    with _engine_messages() as messages:
        try:
            config = load_config(
                config_file=str(config_file),
                docs_dir=str(docs_dir),
                site_dir=str(site_dir),
                nav=nav,
                theme=theme,
                plugins=plugins,
                extra=extra,
                site_url=site_url,
                edit_uri="",  # pages are generated: an edit link per record is on its row
                strict=True,
            )
        except Exception as exc:  # MkDocs' Abort, or what a plugin or extension raised
            what = f"{config_file}: MkDocs refuses the settings"
            raise UsageError(_failure(what, exc, messages)) from None
    _keep_compiled_templates(config)
    return config


def _keep_compiled_templates(config: Any) -> None:
    """Let the theme's templates be compiled once per machine, not in every build, as
    segboard's own are (rendering.kept_templates): a changed template, or other code, compiles
    them again."""
    import jinja2
    from mkdocs.plugins import BasePlugin

    cache = kept_templates()
    if cache is None:
        return

    class KeepCompiledTemplates(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        def on_env(self, env: jinja2.Environment, /, **_: Any) -> jinja2.Environment:
            env.bytecode_cache = cache
            return env

    config.plugins["segboard-compiled-templates"] = KeepCompiledTemplates()


def prepare_engine(lang: str) -> None:
    """What building `lang` starts with and can do before its pages exist: import MkDocs and
    the theme's search, and for Chinese load jieba's word list, with which the search cuts
    Chinese text into words (over half a second: a worker does it while the records are read)."""
    import mkdocs.commands.build  # noqa: F401
    from material.plugins.search import plugin

    logging.getLogger("jieba").setLevel(logging.WARNING)  # it reports loading its dictionary
    if lang == "zh" and plugin.jieba is not None:  # the search cuts words only with jieba
        _load_word_list(plugin.jieba)


class _WholeFileMarshal:
    """`marshal` for jieba, reading a file whole before decoding it.

    jieba keeps its word list's prefix dictionary in a cache file that it reads with
    `marshal.load(file)`, which asks the file object for every string through a Python method
    call: 0.6 s for its 500,000 words. `marshal.loads` of the file's bytes decodes the same
    (words, total) in a third of that. Writing the cache is left as it is."""

    dump = staticmethod(marshal.dump)

    @staticmethod
    def load(file: BinaryIO) -> Any:
        return marshal.loads(file.read())


def _load_word_list(jieba: Any) -> None:
    """jieba's `initialize()` (its word list, from its cache when there is one), reading the
    cache whole (`_WholeFileMarshal`); jieba's own module is given back its `marshal` after."""
    if jieba.dt.initialized:
        return
    previous = getattr(jieba, "marshal", None)
    if previous is not marshal:  # a jieba that reads its cache otherwise: left to do so
        jieba.initialize()
        return
    jieba.marshal = _WholeFileMarshal
    try:
        jieba.initialize()
    finally:
        jieba.marshal = previous


def mkdocs_build(config: Any) -> list[str]:
    """Run MkDocs; return its warnings (a strict build that warned raises DataError)."""
    from mkdocs.commands.build import build

    logging.getLogger("jieba").setLevel(logging.WARNING)  # it reports loading its dictionary
    with _engine_messages() as messages:
        try:
            build(config)
        except Exception as exc:  # MkDocs' Abort, or what a plugin or extension raised
            raise DataError(_failure("the site did not build", exc, messages)) from None
    return messages


@contextlib.contextmanager
def _engine_messages() -> Iterator[list[str]]:
    """MkDocs' warnings and errors during a block, kept rather than printed."""
    logger = logging.getLogger("mkdocs")
    collector = _Collector()
    logger.addHandler(collector)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate


def _failure(what: str, exc: Exception, messages: list[str]) -> str:
    """One line for the failure, then a line for each message MkDocs logged: its first line,
    and the last one of a traceback it carries (which says what was raised)."""
    reason = str(exc)
    if not type(exc).__module__.startswith("mkdocs"):
        reason = f"{type(exc).__name__}: {reason}"
    details = []
    for message in messages:
        lines = [line.strip() for line in message.splitlines() if line.strip()]
        if lines:
            details.append(lines[0] + (f" ({lines[-1]})" if len(lines) > 1 else ""))
    return "\n  ".join([f"{what}: {reason}", *details])


@contextlib.contextmanager
def environment(name: str, value: str) -> Iterator[None]:
    """Set an environment variable for the duration of a block (MkDocs reads it from there)."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
