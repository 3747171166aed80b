"""mkdocs.yml, checked before MkDocs reads it.

mkdocs.yml comes with pull requests, and MkDocs runs what it names: hooks, plugins, Markdown
extensions and `!!python/...` tags all load Python code. So the file is read as text first, and
only names from the packages segboard installs (MkDocs, Material, Python-Markdown, PyMdown) are
allowed; anything else is refused before MkDocs sees the file. So are settings that would make
the site load from other hosts, publish files from outside the repository, leave pages out, or
write markup or a javascript: link into every page (MkDocs' templates do not escape settings).
Hand-written pages' front matter is checked here too: MkDocs publishes what it cannot read.
"""

from __future__ import annotations

import re
import reprlib
from pathlib import Path
from typing import Any

import yaml

from generator.errors import DataError, UsageError
from generator.interop.foreign_yaml import UnreadableFile, check_shape
from generator.reading import leads_out, real_path
from generator.records.schemas import dotted, texts
from generator.records.yamlfile import JsonPath
from generator.site.markup import safe_url

MAX_CONFIG_BYTES = 256 * 1024
# values and levels of nesting in mkdocs.yml: far beyond any site's settings (an alias bomb of
# 43 million values in `extra` held a build for 40 s, the theme walking it)
MAX_CONFIG_VALUES, MAX_CONFIG_DEPTH = 100_000, 32
ALLOWED_PLUGINS = ("search",)
# Python-Markdown's own extensions, and the packages they may come from
MARKDOWN_EXTENSIONS = (
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html",
    "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks", "codehilite",
)  # fmt: skip
ALLOWED_MODULES = ("pymdownx.", "material.", "markdown.extensions.")
# extensions that copy into a page the files it names, from anywhere on the machine that builds
# the site (Snippets also from the network): a pull request could publish the builder's files
READING_EXTENSIONS = ("pymdownx.snippets", "pymdownx.b64")
_PYTHON_TAG = re.compile(r"!!python/[a-z/]+:([A-Za-z0-9_.]*)")
_ENV_TAG = re.compile(r"(?<![\w!])!ENV\b")  # MkDocs' tag for an environment variable's value


def check_config_text(path: Path, text: str) -> None:
    """Refuse Python tags in mkdocs.yml that name anything but the allowed packages; MkDocs'
    !ENV tag (a setting read from the environment of the machine that builds the site could
    publish what only that machine holds, a token of the CI that deploys it); and, since
    MkDocs' reader expands aliases and keeps a key's last value, alias bombs, deep nesting and
    keys given twice."""
    for match in _PYTHON_TAG.finditer(text):
        if not match.group(1).startswith(ALLOWED_MODULES):
            raise UsageError(
                f"{path}:{_line(text, match.start())}: {match.group(0)!r} would run code from "
                "outside MkDocs, Material and PyMdown; segboard refuses it"
            )
    env = _ENV_TAG.search(text)
    if env is not None:
        raise UsageError(
            f"{path}:{_line(text, env.start())}: '!ENV' reads a setting from the environment "
            "of the machine that builds the site, which could publish what only it holds; "
            "write the value itself"
        )
    try:
        check_shape(path, text, MAX_CONFIG_VALUES, MAX_CONFIG_DEPTH)
    except UnreadableFile as exc:
        raise UsageError(str(exc)) from None


FRONT_MATTER = "the page's front matter"


def check_front_matter(path: Path, text: str) -> None:
    """Refuse a hand-written page whose front matter (its settings between --- lines) MkDocs
    would not read, and so would publish as text: not YAML, not a mapping, or too large or deep
    once its aliases are expanded. Raises DataError, at the line and column of the problem.

    The front matter is found as MkDocs finds it (its own pattern); MkDocs reads it with
    PyYAML's safe loader and, when that fails or gives anything but a mapping, publishes it."""
    from mkdocs.utils.meta import YAML_RE

    found = YAML_RE.match(text.replace("\r\n", "\n").replace("\r", "\n"))  # as MkDocs reads it
    if found is None:
        return
    block = found.group(1)
    try:
        check_shape(path, block, MAX_CONFIG_VALUES, MAX_CONFIG_DEPTH, 2, FRONT_MATTER)
        try:
            data = yaml.load(block, Loader=yaml.SafeLoader)  # bounded by check_shape
        except yaml.YAMLError as exc:  # a tag the safe loader does not know, say
            raise UnreadableFile.from_yaml_error(path, exc, block, 2, FRONT_MATTER) from None
    except UnreadableFile as exc:
        said = str(exc)
        raise DataError(said if FRONT_MATTER in said else f"{said} (in {FRONT_MATTER})") from None
    if not isinstance(data, dict):
        raise DataError(
            f"{path}:2: the page's front matter (between its --- lines) must be a mapping of "
            "settings such as 'title: ...'; MkDocs would publish it as the page's text"
        )


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_config(path: Path, base: dict[str, Any]) -> None:
    """Refuse hooks, plugins and Markdown extensions that segboard does not install, settings
    of a shape segboard cannot extend per language, and settings that would publish files from
    outside the repository or make the site load anything from another host."""
    if isinstance(base.get("theme"), str):
        base["theme"] = {"name": base["theme"]}
    for key, kind in (("theme", dict), ("extra", dict), ("plugins", list)):
        if key in base and not isinstance(base[key], kind):
            raise UsageError(f"{path}: '{key}' must be a {'mapping' if kind is dict else 'list'}")
    for key in ("markdown_extensions", "extra_css", "extra_javascript"):
        if not isinstance(base.get(key, []), list):
            raise UsageError(f"{path}: '{key}' must be a list")
    if base.get("hooks"):
        raise UsageError(f"{path}: 'hooks' run Python code from the repository; remove them")
    if "INHERIT" in base:
        raise UsageError(
            f"{path}: 'INHERIT' reads settings from another file; segboard reads mkdocs.yml "
            "alone, so copy those settings into it"
        )
    if base.get("use_directory_urls", True) is not True:
        raise UsageError(
            f"{path}: segboard's pages link to folders (page/), so 'use_directory_urls' must "
            "stay true"
        )
    for key in ("exclude_docs", "draft_docs"):
        if base.get(key):
            raise UsageError(
                f"{path}: '{key}' would leave pages out of the site; segboard publishes every "
                "page it writes, so remove it"
            )
    _check_offline(path, base)
    _check_theme_text(path, base)
    _check_custom_dir(path, base.get("theme", {}).get("custom_dir"))
    for plugin in base.get("plugins") or []:
        if _entry_name(plugin) not in ALLOWED_PLUGINS:
            raise UsageError(
                f"{path}: the plugin {_entry_name(plugin)!r} is not one segboard allows"
            )
    for extension in base.get("markdown_extensions") or []:
        name = _entry_name(extension)
        if name not in MARKDOWN_EXTENSIONS and not name.startswith(ALLOWED_MODULES):
            raise UsageError(f"{path}: the Markdown extension {name!r} is not one segboard allows")
        if name in READING_EXTENSIONS:
            raise UsageError(
                f"{path}: the Markdown extension {name!r} copies the files a page names into "
                "it, from anywhere on the machine that builds the site; segboard refuses it"
            )
        if name == "pymdownx.emoji" and isinstance(extension, dict):
            _check_icon_folders(path, extension[name])


def _check_offline(path: Path, base: dict[str, Any]) -> None:
    """The site loads nothing from other hosts: no web fonts, analytics or remote scripts and
    styles, and no markup in the footer's copyright line (the theme writes it as HTML)."""
    offline = "the site loads nothing from other hosts"
    font = base.get("theme", {}).get("font", False)
    if font is not False:
        raise UsageError(f"{path}: theme 'font' must be false ({offline}: no web fonts)")
    for key in ("analytics", "consent"):
        if key in base.get("extra", {}):
            raise UsageError(f"{path}: 'extra.{key}' is not allowed ({offline}: no trackers)")
    for key in ("extra_css", "extra_javascript"):
        for entry in base.get(key) or []:
            target = entry.get("path") if isinstance(entry, dict) else entry
            if not isinstance(target, str) or _REMOTE.match(target):
                raise UsageError(
                    f"{path}: '{key}' entry {reprlib.repr(target)} is not a file of the site "
                    f"({offline})"
                )
    copyright_line = base.get("copyright")
    if copyright_line is not None and (
        not isinstance(copyright_line, str) or "<" in copyright_line
    ):
        raise UsageError(f"{path}: 'copyright' must be plain text (the theme writes it as HTML)")


_REMOTE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\")  # a scheme, or a host without one


# settings the theme writes into every page as they are (MkDocs' templates do not escape)
THEME_TEXT = ("site_name", "site_description", "site_author", "repo_name", "theme", "extra")
THEME_LINKS = (("extra", "homepage"), ("extra", "social", "*", "link"))  # written as href="..."


def _check_theme_text(path: Path, base: dict[str, Any]) -> None:
    """Text the theme writes into the pages holds no markup ('<', '>' or '"' would start a tag
    or end an attribute), and its links are http(s) addresses or paths of the site, never a
    javascript: or data: link. `extra.alternate` is segboard's own (see mkdocs_config)."""
    for where, value in texts({key: base[key] for key in THEME_TEXT if key in base}):
        if where[:2] == ("extra", "alternate"):
            continue
        name = dotted(where)
        if any(char in value for char in '<>"'):
            raise UsageError(
                f"{path}: '{name}' must be plain text: the theme writes it into the pages as "
                "HTML, so remove '<', '>' and '\"' from it"
            )
        if _is_link(where) and _REMOTE.match(value) and safe_url(value) is None:
            raise UsageError(
                f"{path}: '{name}' must be an http(s) address or a path of the site, not "
                f"{reprlib.repr(value)}"
            )


def _is_link(where: JsonPath) -> bool:
    """Whether the theme writes this setting as a link (THEME_LINKS; '*' is any position)."""
    return any(
        len(where) == len(link)
        and all(
            part == key or (part == "*" and isinstance(key, int))
            for part, key in zip(link, where, strict=True)
        )
        for link in THEME_LINKS
    )


def _check_custom_dir(path: Path, custom: object) -> None:
    """The theme's custom_dir is a folder inside the repository, other than the repository
    itself, without symbolic links: MkDocs publishes every file in it."""
    if custom is None:
        return
    root = path.parent
    folder = root / custom if isinstance(custom, str) else root
    if real_path(folder) == real_path(root) or leads_out(folder, root) or not folder.is_dir():
        raise UsageError(
            f"{path}: theme 'custom_dir' must be a folder inside the repository (such as "
            "overrides/): MkDocs publishes every file in it"
        )
    for inside in folder.rglob("*"):
        if inside.is_symlink():
            raise UsageError(
                f"{path}: theme 'custom_dir' holds a symbolic link ({inside}); MkDocs would "
                "publish what it leads to, so replace it with the file itself"
            )


def _check_icon_folders(path: Path, settings: object) -> None:
    """The emoji extension's `custom_icons` are folders inside the repository: it puts the SVG
    files found there into the pages."""
    options = settings.get("options") if isinstance(settings, dict) else None
    folders = options.get("custom_icons", []) if isinstance(options, dict) else []
    for folder in folders if isinstance(folders, list) else [folders]:
        target = path.parent / folder if isinstance(folder, str) else None
        if target is None or Path(folder).is_absolute() or leads_out(target, path.parent):
            raise UsageError(
                f"{path}: the emoji extension's custom_icons {reprlib.repr(folder)} must be a "
                "folder inside the repository (the icons found there go into the pages)"
            )


def _entry_name(entry: object) -> str:
    """The name of a plugin or extension entry: 'toc', or {'toc': {...}}."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return repr(entry)
