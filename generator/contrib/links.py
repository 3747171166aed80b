"""`segboard links`: collect every URL with where it came from, and check that it still works.

URLs come from the records (with the line of their key), the hand-written pages and, on
request, the built site. Offline checks look at the form of a URL only (scheme, host, port,
known shapes such as an arXiv abstract's id). Online checks (generator/contrib/linkfetch.py)
run concurrently under a global and a per-host limit: HEAD first, GET when HEAD is refused,
both streamed so that no body is read, redirects followed by hand so that a permanent one is
reported with its new address, retries with backoff on 429 and 5xx (honouring Retry-After up to
a cap), a timeout per request and a wall-clock deadline per link; anything that goes wrong with
one link is a broken report for that link. A cache of good answers spares hosts on nightly runs.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.atomic_files import write_atomic
from generator.errors import DataError, UsageError
from generator.problems import Problem, Severity
from generator.reading import UnreadableInput, read_text, real_path
from generator.records.places import default_site_dir, discover, documentation_files
from generator.records.yamlfile import Document, JsonPath, load_file
from generator.settings import tool_settings

OK, WARNING, BROKEN, SKIPPED = "ok", "warning", "broken", "skipped"
_URL_IN_TEXT = re.compile(r"https?://[^\s<>()\[\]\"'`]+[^\s<>()\[\]\"'`.,;:!?]")
_HREF = re.compile(r'(?:href|src)="(https?://[^"]+)"')
_ARXIV_ABS = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$")
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
PERMANENT = (301, 308)
MAX_PAGE_BYTES = 8 * 1024 * 1024  # a hand-written page
# a page of the built site (a leaderboard of a few thousand rows, with every row's details, is
# several MB) or its search index; site_links.py reads them too
SITE_PAGE_BYTES = 64 * 1024 * 1024
MAX_CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, order=True)
class Source:
    path: Path
    line: int
    column: int


@dataclass
class LinkReport:
    url: str
    status: str
    message: str
    code: int | None = None
    final_url: str | None = None
    sources: list[Source] = field(default_factory=list)


MAX_COUNT = 1000  # requests at once, or retries: far above what any host should be sent


@dataclass
class LinkConfig:
    """[tool.segboard.links] in pyproject.toml."""

    ignore: list[str] = field(default_factory=list)  # regular expressions
    accept: list[int] = field(default_factory=list)  # statuses that count as working
    timeout: float = 10.0  # seconds per request (connect, each read, each write)
    deadline: float = 30.0  # wall-clock seconds per link: all its requests, retries, redirects
    concurrency: int = 64
    per_host: int = 20
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 30.0
    cache_file: str = ".segboard/links-cache.json"
    cache_max_age: float = 86_400.0

    @classmethod
    def from_pyproject(cls, root: Path) -> LinkConfig:
        path, settings = tool_settings(root, "links")
        if settings is None:
            return cls()
        known = set(cls.__dataclass_fields__)
        unknown = set(settings) - known
        if unknown:
            raise UsageError(
                f"{path}: unknown [tool.segboard.links] settings {sorted(unknown)}; known: "
                f"{', '.join(sorted(known))}"
            )
        try:
            return cls(**settings)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"{path}: [tool.segboard.links]: {exc}") from None

    def __post_init__(self) -> None:
        positive = ("timeout", "deadline", "concurrency", "per_host")
        for name in (*positive, "retries", "backoff", "max_retry_after", "cache_max_age"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number, not {value!r}")
            if not value >= 0 or (value == 0 and name in positive):  # NaN is not >= 0
                raise ValueError(f"{name} must be {'above' if name in positive else 'at least'} 0")
        for name in ("concurrency", "per_host", "retries"):
            if type(getattr(self, name)) is not int or getattr(self, name) > MAX_COUNT:
                raise ValueError(f"{name} must be a whole number up to {MAX_COUNT}")
        if not isinstance(self.ignore, list) or not all(isinstance(p, str) for p in self.ignore):
            raise ValueError("ignore must be a list of regular expressions (strings)")
        for pattern in self.ignore:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(
                    f"ignore: {pattern!r} is not a regular expression ({exc})"
                ) from None
        if not isinstance(self.accept, list) or not all(
            type(code) is int and 100 <= code <= 599 for code in self.accept
        ):
            raise ValueError("accept must be a list of HTTP statuses (whole numbers 100-599)")
        cache = Path(str(self.cache_file))
        if cache.is_absolute() or ".." in cache.parts or not cache.parts:
            raise ValueError("cache_file must be a path inside the repository, without '..'")


# --- collecting -----------------------------------------------------------------------------


def _urls_in_data(value: Any, path: JsonPath = ()) -> list[tuple[JsonPath, str]]:
    if isinstance(value, str):
        return [(path, value)] if value.startswith(("http://", "https://")) else []
    if isinstance(value, dict):
        return [f for key, item in value.items() for f in _urls_in_data(item, (*path, key))]
    if isinstance(value, list):
        return [f for index, item in enumerate(value) for f in _urls_in_data(item, (*path, index))]
    return []


def _urls_in_text(path: Path, text: str, pattern: re.Pattern[str]) -> list[tuple[str, Source]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in pattern.finditer(line):
            url = match.group(1) if match.groups() else match.group(0)
            found.append((url, Source(path, number, match.start() + 1)))
    return found


def changed_files(root: Path, ref: str) -> set[Path]:
    """Files changed since `ref` (a commit, branch or tag; never read as a git option), and new
    files git does not track yet (not ignored ones): a new record is often not added yet."""
    if ref.startswith("-") or not ref.strip():
        raise UsageError(f"--changed-since {ref!r} is not a git revision")
    changed = _git(root, ref, "diff", "-z", "--name-only", "--relative", "--end-of-options", ref)
    untracked = _git(root, ref, "ls-files", "-z", "--others", "--exclude-standard")
    return {real_path(root / name) for name in changed + untracked if name}


def _git(root: Path, ref: str, *args: str) -> list[str]:
    """The paths git prints for `args` on the files below `root`, relative to it (-z: names
    separated by NUL, never quoted)."""
    completed = subprocess.run(
        ["git", *args, "--", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if completed.returncode != 0:
        raise UsageError(f"git cannot compare with {ref!r}: {completed.stderr.strip()}")
    return completed.stdout.split("\0")


def collect(
    root: Path,
    site_dir: Path | None = None,
    only: set[Path] | None = None,
    loaded: Mapping[Path, Document] | None = None,
) -> dict[str, list[Source]]:
    """URL -> every place it stands (records, hand-written pages, and the site if given).
    `loaded`: records a caller has loaded already, by path (validation's), not read again."""
    found: dict[str, list[Source]] = {}

    def add(url: str, source: Source) -> None:
        if only is None or real_path(source.path) in only:
            found.setdefault(url, []).append(source)

    records, _ = discover(root)
    for record in records:
        document = loaded.get(record.path) if loaded is not None else None
        document = document or load_file(record.path).document
        if document is None:
            continue
        for json_path, url in _urls_in_data(document.data):
            line, column = document.where(json_path)
            add(url, Source(record.path, line, column))
    for page in documentation_files(root):
        for url, source in _urls_in_text(page, _page_text(page), _URL_IN_TEXT):
            add(url, source)
    if site_dir is not None:
        if not site_dir.is_dir():
            raise UsageError(f"{site_dir} holds no built site; run `segboard build` first")
        for html in sorted(site_dir.rglob("*.html")):
            for url, source in _urls_in_text(html, _page_text(html, SITE_PAGE_BYTES), _HREF):
                add(url, source)
    return dict(sorted(found.items()))


def _page_text(path: Path, limit: int = MAX_PAGE_BYTES) -> str:
    """A page's text: a regular file (links refused, as for records) of at most `limit` bytes."""
    try:
        return read_text(path, limit)
    except UnreadableInput as exc:
        raise DataError(f"{path}: {exc.reason}") from None


# --- offline checks -------------------------------------------------------------------------


def offline_problem(url: str) -> str | None:
    """What is wrong with the form of a URL, or None."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed [ of an IPv6 address, for one
        return f"the URL cannot be read: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"only http(s) links are allowed, not {parts.scheme or 'no'} scheme"
    if not parts.hostname or ("." not in parts.hostname and parts.hostname != "localhost"):
        return "the URL has no valid host"
    try:
        parts.port  # noqa: B018  (reading it checks it)
    except ValueError:
        return f"{parts.netloc.rpartition(':')[2]!r} is not a port (0 to 65535)"
    if any(c.isspace() for c in url):
        return "the URL contains white space"
    arxiv = _ARXIV_ABS.match(url)
    if arxiv and not _ARXIV_ID.match(arxiv.group(1)):
        return f"{arxiv.group(1)!r} is not a valid arXiv identifier"
    return None


# --- online checks --------------------------------------------------------------------------


def _load_cache(path: Path, max_age: float) -> dict[str, dict[str, Any]]:
    try:
        entries = json.loads(read_text(path, MAX_CACHE_BYTES))
    except (OSError, ValueError):
        return {}
    now = time.time()
    return {
        url: entry
        for url, entry in entries.items()
        if isinstance(entry, dict) and now - entry.get("checked", 0) <= max_age
    }


def check_links(
    found: dict[str, list[Source]], config: LinkConfig, root: Path, offline: bool = False
) -> list[LinkReport]:
    """A report for every URL: offline form checks always, online checks unless `offline`."""
    ignore = [re.compile(pattern) for pattern in config.ignore]
    reports: dict[str, LinkReport] = {}
    to_fetch = []
    cache_path = root / config.cache_file
    cache = {} if offline else _load_cache(cache_path, config.cache_max_age)
    for url in found:
        problem = offline_problem(url)
        if problem:
            reports[url] = LinkReport(url, BROKEN, problem)
        elif any(p.search(url) for p in ignore):
            reports[url] = LinkReport(url, SKIPPED, "ignored by [tool.segboard.links] ignore")
        elif offline:
            reports[url] = LinkReport(url, OK, "well-formed (not fetched)")
        elif url in cache:
            entry = cache[url]
            reports[url] = LinkReport(url, entry["status"], entry["message"], entry.get("code"))
        else:
            to_fetch.append(url)
    if to_fetch:
        from generator.contrib.linkfetch import check_all  # httpx only for online checks

        fetched = asyncio.run(check_all(to_fetch, config))
        reports.update(fetched)
        good = {
            url: {"status": r.status, "message": r.message, "code": r.code, "checked": time.time()}
            for url, r in fetched.items()
            if r.status in (OK, WARNING)
        }
        write_atomic(cache_path, json.dumps({**cache, **good}, indent=1, sort_keys=True) + "\n")
    for url, report in reports.items():
        report.sources = sorted(found[url])
    return [reports[url] for url in found]


def run_link_check(
    root: Path, offline: bool = False, with_site: bool = False, changed_since: str | None = None
) -> list[LinkReport]:
    """Every URL of the repository (and of its built site) checked with its settings."""
    config = LinkConfig.from_pyproject(root)
    only = changed_files(root, changed_since) if changed_since else None
    found = collect(root, default_site_dir(root) if with_site else None, only)
    return check_links(found, config, root, offline)


def link_problems(reports: list[LinkReport]) -> list[Problem]:
    """A Problem at every place a broken (error) or moved (warning) URL stands."""
    problems = []
    for report in reports:
        if report.status not in (BROKEN, WARNING):
            continue
        severity = Severity.ERROR if report.status == BROKEN else Severity.WARNING
        for source in report.sources:
            message = f"{report.url}: {report.message}"
            problems.append(
                Problem(source.path, source.line, source.column, severity, message, "link")
            )
    return problems


def link_summary(reports: list[LinkReport], offline: bool) -> str:
    counts = {s: sum(1 for r in reports if r.status == s) for s in (OK, WARNING, BROKEN, SKIPPED)}
    return (
        f"{len(reports)} links{' (offline)' if offline else ''}: {counts[OK]} ok, "
        f"{counts[BROKEN]} broken, {counts[WARNING]} warnings, {counts[SKIPPED]} skipped"
    )
