"""What one build keeps for the next, under build/cache/: the parts of a build that are costly
to make and often the same the next time.

* Leaderboard blocks: the rendering of a board (its table, filters and chart, before words are
  put in) is filed under a digest of everything it is made from. A changed result re-renders
  only its own board.
* The engine's output: the pages MkDocs built for a language, with their slots still empty, are
  filed under a digest of everything the engine reads (the generated Markdown and files, the
  navigation, mkdocs.yml, the theme overrides, SOURCE_DATE_EPOCH). Since the parts that follow
  the results are slots (site/slots.py), a changed result leaves all of that as it was, and the
  build links the kept pages into the new site instead of running the engine.
* Data files and badges: kept by the digest of their content and linked into the new site, so
  a build writes only the files whose content is new (thousands of small files cost seconds).

A file linked from the cache is shared with the site: the build never writes into a file it
placed, it replaces it (`replace_text`), and kept files are read-only.

Every digest includes the code's fingerprint (generator/fingerprint.py), so other code or other
installed versions never reuse what was made before them. A cache that cannot be read is
ignored and one that cannot be written is skipped: removing build/cache only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import operator
import os
import pickle
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.fingerprint import code_fingerprint, machine_key
from generator.ranking.boards import leaderboards
from generator.records.model import Catalog, Result
from generator.records.places import cache_dir
from generator.records.yamlfile import Document

_KEY_FILE = ".segboard-key"


def digest(*parts: Any) -> str:
    """A digest of plain data (dicts, lists, strings, numbers, dataclasses of them), signed with
    the machine's key (fingerprint.machine_key): only this machine's builds can file anything
    under it."""
    data = pickle.dumps((code_fingerprint(), parts), protocol=pickle.HIGHEST_PROTOCOL)
    return signed(data)[:32]


def signed(data: bytes) -> str:
    """The HMAC of `data` under the machine's key (callers check that there is one)."""
    return hmac.new(machine_key() or b"", data, hashlib.sha256).hexdigest()


class BlockMemo:
    """Parts of pages (leaderboard blocks' renderings, the home and paper pages' parts) by the
    digest of what they are made from. Each kept file starts with the digest of its text, so a
    damaged one is made again rather than published."""

    def __init__(self, root: Path) -> None:
        self.folder = cache_dir(root, "blocks")
        self.used: set[str] = set()

    def get_or_make(self, key: str, make: Callable[[], str]) -> str:
        self.used.add(key)
        path = self.folder / key
        try:
            check, _, text = path.read_text(encoding="utf-8").partition("\n")
            if check == _text_digest(text):
                return text
        except (OSError, UnicodeDecodeError):
            pass
        made = make()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{key}.{os.getpid()}.part")
            partial.write_text(f"{_text_digest(made)}\n{made}", encoding="utf-8")
            partial.replace(path)
        except OSError:
            pass  # a cache that cannot be written only costs time
        return made

    def forget_unused(self) -> None:
        """Remove the parts this build did not use, so the cache does not grow without end."""
        _forget_unused(self.folder, self.used)


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EngineMemo:
    """The engine's output for each language, kept with the digest of its inputs."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, lang: str) -> Path:
        return cache_dir(self.root, "engine", lang)

    def holds(self, lang: str) -> bool:
        """Whether output of `lang` is kept (which a build whose pages did not change restores)."""
        return (self.folder(lang) / _KEY_FILE).is_file()

    def restore(self, lang: str, key: str, target: Path) -> bool:
        """Copy the kept output to `target` if it was made from the same inputs."""
        folder = self.folder(lang)
        try:
            if (folder / _KEY_FILE).read_text(encoding="utf-8") != key:
                return False
            _link_tree(folder, target)
        except OSError:
            shutil.rmtree(target, ignore_errors=True)
            return False
        return True

    def keep(self, lang: str, key: str, built: Path) -> None:
        """Keep what the engine built from the inputs of digest `key` (as links: the build
        replaces the files it changes afterwards, never writes into them)."""
        folder = self.folder(lang)
        try:
            shutil.rmtree(folder, ignore_errors=True)
            _link_tree(built, folder)
            (folder / _KEY_FILE).write_text(key, encoding="utf-8")
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)


def engine_inputs_key(
    inputs: list[Path], lang: str, files: dict[str, str], nav: list[Any], epoch: str
) -> str:
    """The digest of everything the engine reads to build one language: the generated pages
    and files, the navigation, its own `inputs` (engine.engine_inputs), and the build's time."""
    parts: list[Any] = [lang, epoch, json.dumps(nav, sort_keys=True, ensure_ascii=False)]
    parts.append(sorted(files.items()))
    parts.extend((str(path), path.read_bytes()) for path in inputs)
    return digest(*parts)


class FileStore:
    """Files by the digest of their content, linked into the site being built."""

    def __init__(self, root: Path) -> None:
        self.folder = cache_dir(root, "files")
        self.used: set[str] = set()
        self._folders: set[Path] = set()  # folders made so far (most files share one)
        self.placed: dict[str, Placed] = {}  # each text this build placed (see _LAST_PLACED)

    def place(self, target: Path, text: str) -> None:
        """Give `target` the content `text`: a link to the kept file with that content. A text
        the store lacks is written where it is placed, then linked into the store: the store
        never holds a file cut short, and the file is written once, in two system calls
        fewer than through a temporary file (a cold build places thousands)."""
        data = None
        key = machine_key()
        known = self.placed.get(text) or _LAST_PLACED.get(text)
        if known is None or known[2] != key:
            data = text.encode("utf-8")
            # a name no file that came with the repository can have
            known = (signed(data)[:32], len(data), key)
        self.placed[text] = known
        name, size, _ = known
        self.used.add(name)
        kept = os.path.join(self.folder, name)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        held = _holds(kept, size)
        if held:
            try:
                os.link(kept, target)
                return
            except OSError:  # the site on another file system: a file of its own
                pass
        _write_read_only(target, data or text.encode("utf-8"))
        if not held:
            with contextlib.suppress(OSError):  # no store to be had: the file is in place
                if held is False:  # cut short
                    os.unlink(kept)
                if self.folder not in self._folders:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    self._folders.add(self.folder)
                os.link(target, kept)

    def forget_unused(self) -> None:
        """Remove the files this build did not use; what it placed is remembered for the next
        build of this process."""
        global _LAST_PLACED
        _forget_unused(self.folder, self.used)
        _LAST_PLACED = self.placed


Placed = tuple[str, int, bytes | None]  # a text's name in the store, its size, the signing key

# Each text the last build of this process placed, with its name and size. A process that builds
# again (`segboard serve`) places mostly the same texts, and the name of one it has seen is found
# without encoding and signing it again. Only the last build's: memory does not grow.
_LAST_PLACED: dict[str, Placed] = {}


def _forget_unused(folder: Path, used: set[str]) -> None:
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in used:
                path.unlink(missing_ok=True)


def _holds(path: str, size: int) -> bool | None:
    """Whether the file `path` has `size` bytes (None: there is no such file)."""
    try:
        return os.stat(path).st_size == size
    except OSError:
        return None


def _write_read_only(path: Path, data: bytes) -> None:
    """A new file `path` holding `data`, read-only (as the store's files are)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError:  # replaced, never written through: it may be the store's copy
        os.unlink(path)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


def _link_tree(source: Path, target: Path) -> None:
    """A copy of the folder `source` whose files are links to its files (copies where the
    file system cannot link), without the memo's key file."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)

    shutil.copytree(source, target, ignore=shutil.ignore_patterns(_KEY_FILE), copy_function=link)


def replace_text(path: Path, text: str, same_as: Path | None = None) -> None:
    """Write `path` as a new file: one placed from the cache is a link that must stay as it is.

    `same_as` is the file at the same place in the site this build replaces: when it is a plain
    file that holds `text` already, it is linked instead, since comparing a large page costs
    far less than writing it again (the old site is removed, so the two never differ).
    """
    data = text.encode("utf-8")
    path.unlink(missing_ok=True)
    if same_as is not None and _same_file_content(same_as, data):
        try:
            os.link(same_as, path)
            return
        except OSError:
            pass
    path.write_bytes(data)


def sync_folder(folder: Path, files: dict[str, str]) -> None:
    """Make `folder` hold exactly `files` (relative path -> text): files whose text is the
    same are left alone and the others written, files not listed removed, then empty folders.
    Writing every page afresh costs more than reading the ones that have not changed."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        folder.unlink()
    for directory, folders, names in os.walk(folder):
        for name in [name for name in folders if os.path.islink(os.path.join(directory, name))]:
            os.unlink(os.path.join(directory, name))  # never write through a link
            folders.remove(name)
        for name in names:
            path = Path(directory, name)
            if path.relative_to(folder).as_posix() not in files:
                path.unlink()
    made: set[Path] = set()
    for relative_path, text in files.items():
        path = folder / relative_path
        data = text.encode("utf-8")
        if _same_file_content(path, data):
            continue
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        path.unlink(missing_ok=True)
        path.write_bytes(data)
    for directory, _, _ in sorted(os.walk(folder), key=lambda entry: -len(entry[0])):
        with contextlib.suppress(OSError):  # only an empty folder can be removed
            os.rmdir(directory)


def _same_file_content(path: Path, data: bytes) -> bool:
    try:
        status = path.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


Pairs = list[tuple[dict[str, Any], dict[str, Any]]]  # (leaderboard, row)


def _same_objects(last: list[Any], now: list[Any]) -> bool:
    """Whether two lists hold the very same objects in the same order (not merely equal ones:
    a process that builds again reuses the objects of what did not change)."""
    return len(last) == len(now) and all(map(operator.is_, last, now))


@dataclass
class PaperParts:
    """For a process that builds again (`segboard serve`): each paper page's list of results
    by paper and language, with the (leaderboard, row) pairs it was made from. The leaderboards
    of unchanged splits and their rows are the very objects of the last build (`BoardMemo`), so
    a paper whose pairs are all those objects has the same list as before."""

    # (paper, language) -> the pairs' objects, one after the other, and the list made of them
    last: dict[tuple[str, str], tuple[list[Any], str]] = field(default_factory=dict)
    now: dict[tuple[str, str], tuple[list[Any], str]] = field(default_factory=dict)

    def get(self, place: tuple[str, str], pairs: Pairs) -> str | None:
        """The list made last time for (paper, language), if made from the same objects."""
        last = self.last.get(place)
        if last is None or not _same_objects(last[0], [o for pair in pairs for o in pair]):
            return None
        self.now[place] = last
        return last[1]

    def keep(self, place: tuple[str, str], pairs: Pairs, html: str) -> None:
        self.now[place] = ([o for pair in pairs for o in pair], html)

    def turn(self) -> None:
        """After a build: what it made is what the next one compares with."""
        self.last, self.now = self.now, {}


class BoardMemo:
    """For a process that builds again and again (`segboard serve`): each split's leaderboards
    and their blocks, kept in memory under a digest of everything they are made from (the
    split's result records, their papers, the dataset and the metric catalogue, the verified
    results, the edit links' base). After a changed result only its split is ranked again and
    only its blocks are prepared again. A split whose records are the very objects of the last
    build (loading reuses the objects of unchanged files) keeps its digest of them."""

    def __init__(self) -> None:
        Place = tuple[str, str]
        self.kept: dict[Place, tuple[str, list[dict[str, Any]], dict[str, Any]]] = {}
        self.digests: dict[Place, str] = {}
        self.inputs: dict[Place, tuple[list[Any], str]] = {}  # records -> their digest
        self.papers = PaperParts()

    def leaderboards(
        self, catalog: Catalog, edit_base: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Every leaderboard, as `ranking.boards.leaderboards` gives them, and the kept blocks
        (board key -> what `Shared.blocks` holds) of the splits that have not changed."""
        by_place: dict[tuple[str, str], list[Result]] = {}
        for result in catalog.results:
            by_place.setdefault((result.dataset, result.split), []).append(result)
        context = digest(edit_base, sorted(catalog.verified), _data(catalog.metrics_document))
        order = [(b.dataset, b.split, b.metric) for b in catalog.leaderboards()]
        inputs, self.inputs = self.inputs, {}
        self.digests = {}
        for dataset, split, _ in order:
            place = (dataset, split)
            if place not in self.digests:
                records = self._split_digest(catalog, place, by_place, inputs.get(place))
                self.digests[place] = digest(context, records)
        stale = {p for p, d in self.digests.items() if self.kept.get(p, ("",))[0] != d}
        made = {(b["dataset"], b["split"], b["metric"]): b for b in leaderboards(catalog, stale)}
        boards, blocks = [], {}
        for dataset, split, metric in order:
            if (dataset, split) in stale:
                boards.append(made[(dataset, split, metric)])
                continue
            _, kept_boards, kept_blocks = self.kept[(dataset, split)]
            board = next(b for b in kept_boards if b["metric"] == metric)
            boards.append(board)
            if board["key"] in kept_blocks:
                blocks[board["key"]] = kept_blocks[board["key"]]
        return boards, blocks

    def _split_digest(
        self,
        catalog: Catalog,
        place: tuple[str, str],
        by_place: dict[tuple[str, str], list[Result]],
        last: tuple[list[Any], str] | None,
    ) -> str:
        """The digest of a split's records (the last one when they are the same objects)."""
        results = by_place.get(place, [])
        papers = sorted({result.paper for result in results})
        objects = [catalog.datasets[place[0]], *results, *(catalog.papers.get(p) for p in papers)]
        if last is not None and _same_objects(last[0], objects):
            self.inputs[place] = last
            return last[1]
        made = digest(*_split_inputs(catalog, *place, by_place))
        self.inputs[place] = (objects, made)
        return made

    def remember(self, boards: list[dict[str, Any]], blocks: dict[str, Any]) -> None:
        """Keep this build's leaderboards and blocks, under the digests `leaderboards` found
        (and the papers' lists of results it made)."""
        self.papers.turn()
        kept: dict[tuple[str, str], tuple[str, list[dict[str, Any]], dict[str, Any]]] = {}
        for board in boards:
            place = (board["dataset"], board["split"])
            entry = kept.setdefault(place, (self.digests[place], [], {}))
            entry[1].append(board)
            if board["key"] in blocks:
                entry[2][board["key"]] = blocks[board["key"]]
        self.kept = kept


def _data(document: Document | None) -> Any:
    return None if document is None else (document.data, document.number_text)


def _split_inputs(
    catalog: Catalog, dataset: str, split: str, by_place: dict[tuple[str, str], list[Result]]
) -> tuple[Any, ...]:
    """Everything a split's leaderboards are made from, as plain data."""
    results = by_place.get((dataset, split), [])
    papers = sorted({result.paper for result in results})
    return (
        dataset,
        split,
        _data(catalog.datasets[dataset].document),
        [(r.id, _data(r.document)) for r in results],
        [(p, _data(catalog.papers[p].document) if p in catalog.papers else None) for p in papers],
    )
