"""Rules on weights links: a weights link that is a code repository, or one file shared by two
different models, is a warning (acknowledged by a 'kept' curation entry)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from urllib.parse import urlsplit

from generator.problems import Problem, warning
from generator.records.model import Catalog, Result
from generator.records.rules.results import model_identity

_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "gitee.com")


@functools.lru_cache(maxsize=1 << 16)  # a serving process checks the same links each time
def _normal_url(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # an address no URL reader reads (rule link-host reports it)
        return url
    path = parts.path.rstrip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower().removeprefix('www.')}{path}{query}"


def _is_repository_page(normal: str) -> bool:
    """A repository's front page or folder view ('github.com/o/r', '.../tree/main/x')."""
    host, _, rest = normal.partition("/")
    if host not in _CODE_HOSTS:
        return False
    segments = [s for s in rest.split("?", 1)[0].split("/") if s]
    return len(segments) == 2 or (len(segments) >= 3 and segments[2] in ("tree", "src"))


def weights_links_are_plausible(catalog: Catalog) -> Iterator[Problem]:
    code_urls = {_normal_url(c.url) for p in catalog.papers.values() for c in p.code}
    by_board: dict[tuple[str, str, str], list[tuple[Result, int]]] = {}
    for result in catalog.results:
        for index, weights in enumerate(result.weights):
            normal = _normal_url(weights.url)
            by_board.setdefault((result.dataset, result.split, normal), []).append((result, index))
            if normal in code_urls or _is_repository_page(normal):
                yield warning(
                    result.document.path,
                    result.document.where(("weights", index, "url")),
                    "weights-is-code",
                    f"weights[{index}].url is a code repository, not a weights file; link the "
                    "file itself (or a release page), or acknowledge it with a 'kept' curation "
                    f"entry for weights[{index}].url",
                )
    for entries in by_board.values():
        if len(entries) == 1:
            continue
        for result, index in entries:
            other = next(
                (o for o, _ in entries if model_identity(o) != model_identity(result)), None
            )
            if other is not None:
                yield warning(
                    result.document.path,
                    result.document.where(("weights", index, "url")),
                    "weights-shared",
                    f"weights[{index}].url is also the weights of {other.model!r} ({other.id}) "
                    "on this leaderboard; two different models should not share one weights "
                    f"file. If it is right, acknowledge it with a 'kept' curation entry for "
                    f"weights[{index}].url",
                )
