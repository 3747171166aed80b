"""Building the static site: validate, write the pages of each language, run MkDocs, swap.

The site is built in a temporary folder beside `site/` and moved into place only when both
languages built without a warning, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from generator.errors import DataError, system_errors
from generator.fingerprint import machine_key
from generator.ranking.boards import leaderboards
from generator.ranking.order import get_ready as ranking_ready
from generator.reading import UnreadableInput, read_text
from generator.records.loading import collector_paused
from generator.records.memo import LoadMemo
from generator.records.model import Catalog
from generator.records.outputs import SITE_MARKER, check_site_dir
from generator.records.places import (
    SCHEMA,
    cache_dir,
    default_site_dir,
    generated_dir,
    handwritten_files,
    schema_path,
    unpublished_docs,
)
from generator.records.schemas import RECORD_KINDS
from generator.records.validation import ValidationReport, validate_repository
from generator.site.content import Shared, SiteContent
from generator.site.data_files import DataFiles
from generator.site.downloads import download_files
from generator.site.engine import (
    edit_base,
    engine_inputs,
    environment,
    site_address,
)
from generator.site.engine_settings import check_front_matter
from generator.site.i18n import LANGUAGES
from generator.site.language_builds import Workers, build_languages, early_workers
from generator.site.pages import HANDWRITTEN_PAGES, PageWriter
from generator.site.reuse import (
    BlockMemo,
    BoardMemo,
    EngineMemo,
    FileStore,
    engine_inputs_key,
    sync_folder,
)
from generator.site.site_folder import (
    build_lock,
    language_dir,
    move_into,
    remove_leftovers,
    staging_folder,
    swap,
)
from generator.site.sitemap import write_sitemap
from generator.site.slot_parts import Part, SlotParts, share
from generator.site.slots import add_search_entries, fill_slots
from generator.site.urls import page_url
from generator.workers import forked_worker

MAX_PAGE_BYTES = 1024 * 1024  # a hand-written page


@dataclass
class BuildReport:
    site_dir: Path
    validation: ValidationReport
    pages: int
    seconds_generating: float
    seconds_building: float
    warnings: list[str] = field(default_factory=list)


def source_date_epoch(root: Path) -> str:
    """SOURCE_DATE_EPOCH, or the time of the last commit, or 0: never the clock."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        completed = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        stamp = completed.stdout.strip()
        return stamp if completed.returncode == 0 and stamp.isdigit() else "0"
    except (OSError, subprocess.SubprocessError):
        return "0"


def handwritten_pages(root: Path, lang: str) -> dict[str, str]:
    """Hand-written pages of one language by name (the contributing guide as contributing.md)."""
    pages: dict[str, str] = {}
    for path in handwritten_files(root, lang):
        name = "contributing.md" if path.parent == root else path.name
        try:  # a link could publish any file of the machine that builds the site
            pages[name] = read_text(path, MAX_PAGE_BYTES)
        except UnreadableInput as exc:
            raise DataError(f"{path}: {exc.reason}") from None
        check_front_matter(path, pages[name])
    return pages


def write_pages(
    root: Path, catalog: Catalog, blocks: BlockMemo | None = None, boards: BoardMemo | None = None
) -> dict[str, SiteContent]:
    """Write build/docs/<lang>/ for every language; return what was written (the
    downloads, which go straight into the built site, are the first language's `downloads`).
    With `blocks`, leaderboard blocks that earlier builds rendered are reused; with `boards`,
    the leaderboards of splits that have not changed since the last build of this process."""
    contents, pending = prepare_pages(root, catalog, blocks, boards)
    pending.fill()
    contents[LANGUAGES[0]].downloads = pending.data_files()
    return contents


@dataclass
class Pending:
    """What `prepare_pages` leaves to do while the engine builds the pages: the parts that fill
    their slots (`parts`, each language's queue: site/slot_parts.py), and `data_files`, which
    makes the data files (the same in every language, and independent of the parts, so a worker
    process can make them: site/data_files.py); `memo` is the block memo the parts use (or
    None); `done` is called once the parts are in place."""

    parts: list[SlotParts]
    data_files: Callable[[], dict[str, str]]
    memo: BlockMemo | None
    done: Callable[[], None]
    # a process that builds again keeps each board's data files with its block, so it makes
    # them itself (not in a worker, whose memory is gone when the build ends)
    here: bool = False

    def made(self, groups: Collection[str] | None = None) -> list[dict[int, Part]]:
        """Each language's parts of the groups in `groups` (every group when None)."""
        with collector_paused():
            return [parts.made(groups) for parts in self.parts]

    def kept(self) -> set[str]:
        """The names of the memo's parts used so far (from a worker, the parent's copy of the
        set does not see its additions: `note`)."""
        return self.memo.used if self.memo is not None else set()

    def note(self, kept: set[str]) -> None:
        """Note the memo's parts a worker used, so that the build cache keeps them."""
        if self.memo is not None:
            self.memo.used |= kept

    def place(self, *made: list[dict[int, Part]]) -> None:
        """Put what `made` gave in place (in each process that shared the making)."""
        for language, parts in enumerate(self.parts):
            parts.place(*(each[language] for each in made))
        self.done()

    def fill(self) -> None:
        """Make every part here, and put it in place."""
        self.place(self.made())


def prepare_pages(
    root: Path,
    catalog: Catalog,
    blocks: BlockMemo | None = None,
    boards: BoardMemo | None = None,
    files_early: Callable[[Callable[[], dict[str, str]]], None] | None = None,
) -> tuple[dict[str, SiteContent], Pending]:
    """`write_pages` in two steps: the Markdown pages are written now, and what is pending is
    made while the engine builds them. `files_early` is given what makes the data files, from
    the catalog alone, before this process ranks the leaderboards: a worker that it starts then
    ranks them too, and makes the files while this process writes the pages (it then makes
    them: Pending.data_files is left unused)."""
    unpublished = unpublished_docs(root, LANGUAGES, HANDWRITTEN_PAGES)
    if unpublished:  # a file of docs/ the site would not publish would be lost silently
        listed = ", ".join(str(path.relative_to(root)) for path in unpublished)
        raise DataError(
            f"{listed}: the site publishes only {' and '.join(HANDWRITTEN_PAGES)} of "
            f"docs/<language>/ for the languages {', '.join(LANGUAGES)} (and CONTRIBUTING.md as "
            "the contributing page), so this would not appear on it; remove it or move its "
            "text into one of those"
        )
    if files_early is not None:  # a worker ranks the leaderboards too, and makes the files
        files_early(functools.partial(_ranked_data_files, catalog))
    edit = edit_base(root)
    kept = boards.leaderboards(catalog, edit) if boards is not None else None
    parts = boards.papers if boards is not None else None
    shared = Shared.from_catalog(catalog, blocks, kept, parts)  # ranked once, for every language

    def data_files() -> dict[str, str]:
        with collector_paused():
            return download_files(catalog, shared.boards, shared.blocks, shared.by_id)

    assets = resources.files("generator.site") / "assets"
    contents, writers = {}, []
    for lang in LANGUAGES:
        writer = PageWriter(catalog, lang, handwritten_pages(root, lang), shared, edit)
        writers.append(writer)
        content = writer.write(defer=True)
        written = {**content.pages, **content.files}
        for asset in assets.iterdir():
            if asset.name.endswith((".css", ".js")):
                written[f"assets/{asset.name}"] = asset.read_text(encoding="utf-8")
        sync_folder(generated_dir(root, lang), written)
        contents[lang] = content

    def done() -> None:
        if boards is not None:
            boards.remember(shared.boards, shared.blocks)

    queues = [writer.parts for writer in writers]  # the first language renders each block for all
    return contents, Pending(queues, data_files, blocks, done, here=boards is not None)


def _ranked_data_files(catalog: Catalog) -> dict[str, str]:
    """The data files of the catalog's leaderboards, ranked here (download_files)."""
    with collector_paused():
        return download_files(catalog, leaderboards(catalog))


def records_memo(root: Path) -> LoadMemo:
    """The memo of loaded records that builds keep in build/cache (records/memo.py)."""
    schemas = [schema_path(root / SCHEMA, kind) for kind in RECORD_KINDS]
    return LoadMemo(cache_dir(root) / "records.pickle", schemas)


def build_site(
    root: Path,
    site_dir: Path | None = None,
    parallel: bool = True,
    reuse: bool = True,
    fresh: bool = False,
    records: LoadMemo | None = None,
    boards: BoardMemo | None = None,
    then: Callable[[BuildReport], None] | None = None,
) -> BuildReport:
    """Validate, generate and build the site into `site_dir` (default: <root>/site).

    `parallel` builds the languages in forked processes; callers that run other threads (the
    server of `segboard serve`) pass False, since forking a threaded process is unsafe.
    `reuse` lets the build reuse what earlier builds kept in build/cache (records that have
    not changed, leaderboard blocks, the engine's pages; see site/reuse.py); the site is the
    same either way. `fresh` first forgets everything kept (and keeps this build's parts).
    `records` is the memo of loaded records to use, for a process that builds again and again
    (`segboard serve`) and keeps it in memory rather than reading it from build/cache each time;
    `boards` that process's leaderboards, kept in memory too (site/reuse.py). `then` is given
    the report before the build's objects are let go: a program that ends then (`segboard
    build`) need not free them one by one (a tenth of a second at 10,000 records).
    """
    default = default_site_dir(root)
    site_dir = check_site_dir(root, site_dir or default, default)
    reuse = reuse and machine_key() is not None  # nothing kept can be trusted without it
    with build_lock(root), system_errors("cannot build the site"), collector_paused():
        if fresh:
            shutil.rmtree(cache_dir(root), ignore_errors=True)
        engine = EngineMemo(root) if reuse else None
        # The languages the engine will likely build get workers that get ready meanwhile: the
        # first once the records are loaded (it also saves their memo, while this process
        # checks the cross-record rules), the others at once, as the records are read (they
        # need nothing of them, and the Chinese worker has the most to get ready: jieba's
        # word list).
        likely = [lang for lang in LANGUAGES if engine is None or not engine.holds(lang)]
        first = [lang for lang in likely if lang == LANGUAGES[0]]
        with (
            early_workers(parallel, [lang for lang in likely if lang not in first]) as others,
            contextlib.ExitStack() as stack,
        ):
            memo = None
            if reuse and records is not None:
                memo = records
                memo.use_schemas([schema_path(root / SCHEMA, kind) for kind in RECORD_KINDS])
            elif reuse:
                memo = records_memo(root)
            # the next build, once the data is mended if need be, reads only what changed
            chore = memo.save if memo is not None else None
            ready: list[Workers | None] = []

            def when_loaded() -> None:
                ready.append(stack.enter_context(early_workers(parallel, first, chore)))

            # pandas is imported while the workers parse the records (ranking/order.py)
            report = validate_repository(
                root, memo=memo, meanwhile=ranking_ready, when_loaded=when_loaded
            )
            workers = ready[0]
            if not report.ok:
                for worker in (workers or {}).values():
                    worker.result()  # its preparation, with the memo's saving: let it finish
            report.require_ok("building")
            epoch = source_date_epoch(root)
            remove_leftovers(site_dir)
            started = time.perf_counter()
            blocks = BlockMemo(root) if reuse else None
            store = FileStore(root) if engine is not None else None
            if workers is not None:
                workers.update(others or {})
            # the data files' worker ends before the staging folder is removed
            with staging_folder(site_dir) as staging, contextlib.ExitStack() as files:
                placed = DataFiles(staging / ".shared", store)
                kept = boards if reuse else None
                # with workers, one ranks the leaderboards and makes the data files while this
                # process does the same and writes the pages (a process that builds again
                # keeps them with the blocks: it makes them itself)
                early = workers is not None and kept is None
                start = functools.partial(placed.start, stack=files) if early else None
                contents, pending = prepare_pages(root, report.catalog, blocks, kept, start)
                generated = time.perf_counter()
                warnings = _build_and_swap(
                    root, site_dir, staging, contents, epoch, workers, engine, pending, placed
                )
        if blocks is not None:
            blocks.forget_unused()
    built = time.perf_counter()
    pages = sum(len(c.pages) for c in contents.values())
    done = BuildReport(site_dir, report, pages, generated - started, built - generated, warnings)
    if then is not None:
        with collector_paused():  # nor walk them: the collector is on again
            then(done)
    return done


def _build_and_swap(
    root: Path,
    site_dir: Path,
    staging: Path,
    contents: dict[str, SiteContent],
    epoch: str,
    workers: Workers | None,
    engine: EngineMemo | None,
    pending: Pending,
    placed: DataFiles,
) -> list[str]:
    """Build every language into `staging`, beside `site_dir`, then put it in place. What is
    `pending` is made while the engine builds the pages, and the data files are `placed`."""
    keys: dict[str, str] = {}  # each language's engine inputs, by digest
    restored: set[str] = set()  # the languages whose engine output was kept from before
    if engine is not None:
        inputs = engine_inputs(root)
        for lang, c in contents.items():
            keys[lang] = engine_inputs_key(inputs, lang, {**c.pages, **c.files}, c.nav, epoch)
            if engine.restore(lang, keys[lang], staging / lang):
                restored.add(lang)

    # a worker makes a share of the slots' parts (another makes the data files, in a build
    # with workers: the helper makes them when it runs here)
    split = workers is not None and not pending.here
    mine, theirs = share(pending.parts, 0.0) if split else (None, set())
    made_here: list[list[dict[int, Part]]] = []

    def helper() -> tuple[list[dict[int, Part]], set[str], set[str]]:
        """Make the parts of `theirs`, and the data files unless a worker makes them; the
        names used in the block memo and in the file store."""
        made = pending.made(theirs)
        if placed.worker is not None:
            return made, pending.kept(), set()
        return made, pending.kept(), placed.make_and_place(pending.data_files)

    with environment("SOURCE_DATE_EPOCH", epoch):
        warnings, (made, kept, stored) = build_languages(
            root,
            staging,
            contents,
            lambda: made_here.append(pending.made(mine)),
            workers,
            restored,
            helper,
            pending.here,
        )
    pending.place(*made_here, made)
    pending.note(kept)
    placed.note(stored)
    if placed.worker is not None:
        placed.note(placed.worker.result())
    if engine is not None:
        for lang in keys.keys() - restored:
            engine.keep(lang, keys[lang], staging / lang)  # before its slots are filled
    _fill_languages(site_dir, staging, contents, workers is not None)
    if placed.folder.is_dir():
        move_into(placed.folder, staging / LANGUAGES[0])
    write_sitemap(
        {lang: staging / lang for lang in contents},
        site_address(root),
        {lang: sorted(page_url(p) for p in c.pages) for lang, c in contents.items()},
    )
    site = staging / LANGUAGES[0]  # the first language at the root, the others below it
    for lang in LANGUAGES[1:]:
        os.replace(staging / lang, site / lang)
    if placed.store is not None:
        placed.store.forget_unused()
    (site / SITE_MARKER).write_text(
        "This folder is a site built by segboard; `segboard build` replaces it whole.\n"
    )
    swap(site, site_dir)
    return warnings


def _fill_languages(
    site_dir: Path, staging: Path, contents: dict[str, SiteContent], fork: bool
) -> None:
    """Fill each language's slots and add its rows' search entries; with `fork`, the languages
    after the first in forked workers meanwhile (the other cores are idle by then)."""

    def fill(lang: str) -> None:
        previous = language_dir(site_dir, lang)  # the site this build replaces
        fill_slots(staging / lang, contents[lang].fragments, previous)
        add_search_entries(staging / lang, contents[lang].search, previous)

    first, *others = contents
    with contextlib.ExitStack() as stack:
        helpers = [
            stack.enter_context(forked_worker(functools.partial(fill, lang)))
            for lang in (others if fork else [])
        ]
        for lang in [first] if fork else contents:
            fill(lang)
        for helper in helpers:
            helper.result()
