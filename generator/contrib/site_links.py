"""Links inside a built site: every relative `href` and `src` of every page, and every search
entry's location, must lead to a file of the site and, with a fragment, to an element of that
page with the fragment as its id.

The engine checks the links of the Markdown it renders, but the tables, lists and charts that
fill the pages' slots afterwards (site/slots.py) and the search entries the build adds are
final HTML it never sees, so `segboard check` reads them here, in the built files.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.contrib.links import SITE_PAGE_BYTES
from generator.problems import Problem, error
from generator.reading import UnreadableInput, read_text

_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')
RULE = "site-link"


@dataclass
class SiteLinks:
    """What the check found: how many links and search entries it followed, and each broken
    one as a Problem (at its line, on a page)."""

    links: int = 0
    search_entries: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_site_links(site: Path) -> SiteLinks:
    """Check every page of the built `site`, and the search index of each language in it."""
    built = _Site(site)
    found = SiteLinks(problems=built.problems)
    for name, path in built.pages.items():
        text = built.text(name)
        for match in _LINK.finditer(text):
            target = html.unescape(match[1])
            found.links += 1
            problem = built.problem(name, target)
            if problem is not None:
                line = text.count("\n", 0, match.start(1)) + 1
                column = match.start(1) - text.rfind("\n", 0, match.start(1))
                found.problems.append(error(path, (line, column), RULE, f"{target}: {problem}"))
    for index in sorted(site.rglob("search/search_index.json")):
        found.search_entries += built.check_search(index)
    return found


class _Site:
    """The built site's pages, read once each, and the ids of their elements."""

    def __init__(self, site: Path) -> None:
        self.root = site
        self.pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
        self.problems: list[Problem] = []
        self._texts: dict[str, str] = {}
        self._ids: dict[str, set[str]] = {}
        # a page links the same address many times (a paper's page from each of its rows)
        self._answers: dict[tuple[str, str], str | None] = {}

    def text(self, name: str) -> str:
        if name not in self._texts:
            try:
                self._texts[name] = read_text(self.pages[name], SITE_PAGE_BYTES)
            except UnreadableInput as exc:
                self.problems.append(error(self.pages[name], (0, 0), RULE, exc.reason))
                self._texts[name] = ""
        return self._texts[name]

    def ids(self, name: str) -> set[str]:
        if name not in self._ids:
            self._ids[name] = {html.unescape(i) for i in _ID.findall(self.text(name))}
        return self._ids[name]

    def problem(self, page: str, target: str) -> str | None:
        """What is wrong with the link `target` on the page `page` (a site-relative file name),
        or None when it leads somewhere. Links with a scheme, or to another host, are not the
        site's own (`segboard links` checks those)."""
        key = (page, target)
        if key not in self._answers:
            self._answers[key] = self._problem(page, target)
        return self._answers[key]

    def _problem(self, page: str, target: str) -> str | None:
        try:
            parts = urlsplit(target)
        except ValueError:  # another host's address that no URL reader reads ('http://[x]/'):
            return None  # `segboard links` reports it
        if parts.scheme or parts.netloc or target.startswith("//"):
            return None
        folder = posixpath.dirname(page)
        if parts.path.startswith("/"):
            # a 404 page is served at any address, so the engine links it from the host's root
            # when mkdocs.yml names no site_url (README: then it works only at a host's root)
            if posixpath.basename(page) != "404.html":
                return "a link from the host's root breaks when the site is served below a path"
            folder = ""
        name = page
        if parts.path:
            # from the host's root, '..' stays at the root, as a browser resolves it
            path = unquote(parts.path)
            path = posixpath.normpath(path).lstrip("/") if path.startswith("/") else path
            joined = posixpath.normpath(posixpath.join(folder, path))
            if joined == ".." or joined.startswith("../"):
                return "it leads out of the site"
            found = self._file(joined)
            if found is None:
                return "the site has no such file"
            name = found
        fragment = unquote(parts.fragment)
        if fragment and name.endswith(".html") and fragment not in self.ids(name):
            return f"{name} has no element with the id {fragment!r}"
        return None

    def _file(self, joined: str) -> str | None:
        """The file a site path names: 'datasets/x' and 'datasets/x/' name
        datasets/x/index.html, '.' the root's index.html; None when there is none."""
        joined = "" if joined == "." else joined
        if joined in self.pages or (joined and (self.root / joined).is_file()):
            return joined
        index = posixpath.join(joined, "index.html") if joined else "index.html"
        return index if index in self.pages else None

    def check_search(self, index: Path) -> int:
        """Check each entry of a language's search index; give how many there are."""
        try:
            docs = json.loads(read_text(index, SITE_PAGE_BYTES))["docs"]
            if not isinstance(docs, list):
                raise TypeError
        except (UnreadableInput, ValueError, KeyError, TypeError):
            self.problems.append(error(index, (0, 0), RULE, "the search index is not readable"))
            return 0
        folder = index.parent.parent.relative_to(self.root).as_posix()  # the language's root
        home = "index.html" if folder == "." else f"{folder}/index.html"
        for entry in docs:
            entry = entry if isinstance(entry, dict) else {}
            location = str(entry.get("location", ""))
            problem = self.problem(home, location or "./")
            if problem is not None:
                message = f"the search entry {entry.get('title', '')!r} leads to {location!r}"
                self.problems.append(error(index, (0, 0), RULE, f"{message}: {problem}"))
        return len(docs)
