"""The MkDocs engine: one configuration per language from the repository's mkdocs.yml, checked
first, and a strict build whose warnings fail it.

mkdocs.yml comes with pull requests, and MkDocs runs what it names: hooks, plugins, Markdown
extensions and `!!python/...` tags all load Python code. So the file is read as text first, and
only names from the packages segboard installs (MkDocs, Material, Python-Markdown, PyMdown) are
allowed; anything else is refused before MkDocs sees the file. This is the only module that
knows MkDocs; another engine would replace it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.errors import DataError, UsageError
from generator.reading import UnreadableInput, read_text, real_path
from generator.site.i18n import LANGUAGE_NAMES, LANGUAGES
from generator.site.markup import safe_url

MAX_CONFIG_BYTES = 256 * 1024
ALLOWED_PLUGINS = ("search",)
# Python-Markdown's own extensions, and the packages they may come from
MARKDOWN_EXTENSIONS = (
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html",
    "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks", "codehilite",
)  # fmt: skip
ALLOWED_MODULES = ("pymdownx.", "material.", "markdown.extensions.")
_PYTHON_TAG = re.compile(r"!!python/[a-z/]+:([A-Za-z0-9_.]*)")


def check_config_text(path: Path, text: str) -> None:
    """Refuse Python tags in mkdocs.yml that name anything but the allowed packages."""
    for match in _PYTHON_TAG.finditer(text):
        if not match.group(1).startswith(ALLOWED_MODULES):
            line = text.count("\n", 0, match.start()) + 1
            raise UsageError(
                f"{path}:{line}: {match.group(0)!r} would run code from outside MkDocs, "
                "Material and PyMdown; segboard refuses it"
            )


def check_config(path: Path, base: dict[str, Any]) -> None:
    """Refuse hooks, plugins and Markdown extensions that segboard does not install, and
    settings of a shape segboard cannot extend per language."""
    if isinstance(base.get("theme"), str):
        base["theme"] = {"name": base["theme"]}
    for key, kind in (("theme", dict), ("extra", dict), ("plugins", list)):
        if key in base and not isinstance(base[key], kind):
            raise UsageError(f"{path}: '{key}' must be a {'mapping' if kind is dict else 'list'}")
    if not isinstance(base.get("markdown_extensions", []), list):
        raise UsageError(f"{path}: 'markdown_extensions' must be a list")
    if base.get("hooks"):
        raise UsageError(f"{path}: 'hooks' run Python code from the repository; remove them")
    for plugin in base.get("plugins") or []:
        if _entry_name(plugin) not in ALLOWED_PLUGINS:
            raise UsageError(
                f"{path}: the plugin {_entry_name(plugin)!r} is not one segboard allows"
            )
    for extension in base.get("markdown_extensions") or []:
        name = _entry_name(extension)
        if name not in MARKDOWN_EXTENSIONS and not name.startswith(ALLOWED_MODULES):
            raise UsageError(f"{path}: the Markdown extension {name!r} is not one segboard allows")


def _entry_name(entry: object) -> str:
    """The name of a plugin or extension entry: 'toc', or {'toc': {...}}."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return repr(entry)


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
    if isinstance(custom, str):
        folder = real_path(root / custom)
        if folder.is_dir() and real_path(root) in folder.parents:
            inputs += sorted(p for p in folder.rglob("*") if p.is_file())
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


def mkdocs_config(root: Path, lang: str, docs_dir: Path, site_dir: Path, nav: list[Any]) -> Any:
    from mkdocs.config import load_config

    config_file, base = base_config(root)
    theme = dict(base.get("theme", {}), language=lang)
    plugins = [
        {"search": {"lang": lang}} if plugin == "search" else plugin
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
    return load_config(
        config_file=str(config_file),
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        nav=nav,
        theme=theme,
        plugins=plugins,
        extra=extra,
        site_url=site_url,
        edit_uri="",  # pages are generated: an edit link per record is on its row instead
        strict=True,
    )


def mkdocs_build(config: Any) -> list[str]:
    """Run MkDocs; return its warnings (a strict build that warned raises DataError)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    logging.getLogger("jieba").setLevel(logging.WARNING)  # it reports loading its dictionary
    logger = logging.getLogger("mkdocs")
    collector = _Collector()
    logger.addHandler(collector)
    propagate, logger.propagate = logger.propagate, False
    try:
        build(config)
    except (Abort, MkDocsException) as exc:
        details = "\n".join(f"  {m}" for m in collector.messages)
        raise DataError(f"the site did not build: {exc}\n{details}".rstrip()) from None
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate
    return collector.messages


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
