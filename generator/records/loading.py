"""Loading a repository: every record file read, schema-checked, and built into a Catalog."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.problems import Problem, error
from generator.records.memo import Listing, LoadMemo, Status, file_status
from generator.records.model import Catalog, Dataset, Metric, Paper, Result
from generator.records.places import SCHEMA, RecordFile, discover, metrics_path, schema_path
from generator.records.rules import ONE_RECORD_RULES
from generator.records.schemas import RECORD_KINDS, SchemaChecker
from generator.records.yamlfile import Document, JsonPath, LoadResult, load_file
from generator.workers import can_fork, forked_pool

# Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 2000


@dataclass
class LoadedRepository:
    root: Path
    catalog: Catalog
    problems: list[Problem] = field(default_factory=list)
    files: list[RecordFile] = field(default_factory=list)


def load_repository(
    root: Path, memo: LoadMemo | None = None, meanwhile: Callable[[], None] | None = None
) -> LoadedRepository:
    """Load and schema-check every record; build the Catalog from the ones that pass.

    With a `memo` (records/memo.py), files that have not changed since it was filled are not
    read again, and the memo learns the others. `meanwhile` is called once, while worker
    processes read the files when there are any (a caller's own preparation: site/build.py).
    """
    checkers = {
        kind: SchemaChecker.from_file(schema_path(root / SCHEMA, kind)) for kind in RECORD_KINDS
    }
    listing = memo.reusable_listing() if memo is not None else None
    if listing is None:
        files, found = discover(root)
        statuses = [file_status(record.path) for record in files] if memo is not None else []
        built = memo.listing.built if memo is not None and memo.listing is not None else {}
        listing = Listing(files, found, statuses, built)
    files, problems = listing.files, list(listing.problems)
    catalog = Catalog(root)
    if not any(f.kind == "metrics" for f in files):
        catalog.metrics_broken = True  # so no metric is reported unknown because of it
        problems.append(
            error(
                metrics_path(root),
                (1, 1),
                "missing-catalogue",
                "data/metrics.yaml, the metric catalogue, is "
                + ("not a file" if os.path.lexists(metrics_path(root)) else "missing"),
            )
        )
    with collector_paused():
        if memo is None:
            for record, checked in zip(files, _check_all(files, checkers, meanwhile), strict=True):
                _take(catalog, problems, record, checked)
        else:
            made_now: dict[Path, tuple[Any, Any]] = {}
            outcomes = _check_remembered(files, listing.statuses, checkers, memo, meanwhile)
            for record, outcome in zip(files, outcomes, strict=True):
                kept = listing.built.get(record.path)
                if kept is not None and kept[0] is outcome:  # the same outcome: the same record
                    _put(catalog, kept[1])
                    made_now[record.path] = kept
                    continue
                made = _take(catalog, problems, record, _unship(record, outcome))
                if made is not None:
                    made_now[record.path] = (outcome, made)
            memo.listing = Listing(files, listing.problems, listing.statuses, made_now)
    catalog.results.sort(key=lambda result: result.id)
    return LoadedRepository(root, catalog, problems, files)


def _take(
    catalog: Catalog, problems: list[Problem], record: RecordFile, checked: Checked
) -> Built | None:
    """Add a checked file's problems, and its record to the catalog when it passed its schema
    (the findings of the rules of one record keep no record out); the record it made (None for
    the metric catalogue)."""
    loaded, schema_problems, findings = checked
    problems.extend(loaded.problems)
    problems.extend(schema_problems)
    document = loaded.document
    if document is None or loaded.problems or schema_problems:
        _mark_broken(catalog, record, document)
        return None
    problems.extend(findings)
    return _add(catalog, record, document)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block that allocates many small containers and
    makes few reference cycles (loading records, ranking and writing pages): its runs would
    walk every object the block has made so far, again and again, for little to free.
    Reference counting still frees what the block drops."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# a file loaded, its schema's findings, and those of the rules of one record (rules/__init__.py)
Checked = tuple[LoadResult, list[Problem], list[Problem]]


def _check_one(record: RecordFile, checkers: dict[str, SchemaChecker]) -> Checked:
    loaded = load_file(record.path)
    if loaded.document is None:
        return loaded, [], []
    loader_lines = {p.line for p in loaded.problems}
    schema_problems = checkers[record.kind].check(loaded.document, loader_lines)
    if loaded.problems or schema_problems:  # rules see only records that passed their schema
        return loaded, schema_problems, []
    return loaded, [], [p for rule in ONE_RECORD_RULES for p in rule(loaded.document)]


_worker_state: tuple[list[RecordFile], dict[str, SchemaChecker]] | None = None
# how long the workers may take before they are given up on: far beyond a normal run
PATIENCE_SECONDS, PATIENCE_PER_FILE = 30.0, 0.005

# What a worker sends back for one file: the data and number texts of its document (or None
# when it could not be loaded) and its problems (as Checked has them). Plain tuples pickle
# several times faster than the dataclasses, and the parent rebuilds the Document around them.
Shipped = tuple[Any, dict[JsonPath, str] | None, list[Problem], list[Problem], list[Problem]]


def _check_slice(bounds: tuple[int, int]) -> list[Shipped]:
    assert _worker_state is not None
    files, checkers = _worker_state
    shipped: list[Shipped] = []
    for record in files[bounds[0] : bounds[1]]:
        shipped.append(_ship(*_check_one(record, checkers)))
    return shipped


def _ship(loaded: LoadResult, schema_problems: list[Problem], findings: list[Problem]) -> Shipped:
    document = loaded.document
    if document is None:
        return (None, None, loaded.problems, schema_problems, findings)
    return (document.data, document.number_text, loaded.problems, schema_problems, findings)


def _unship(record: RecordFile, item: Shipped) -> Checked:
    data, number_text, load_problems, schema_problems, findings = item
    document = None if number_text is None else Document(record.path, data, number_text)
    return LoadResult(document, load_problems), schema_problems, findings


def _check_all(
    files: list[RecordFile],
    checkers: dict[str, SchemaChecker],
    meanwhile: Callable[[], None] | None = None,
) -> list[Checked]:
    """Load and check every file, in forked worker processes when there are many (this process
    calls `meanwhile` as they work, or first when there are none).

    Parsing dominates validation, and libyaml holds the GIL, so processes are the way to use
    more than one core. Workers are forked so they inherit the compiled schemas (a fork server
    or spawned workers would re-run the caller's main script). A fork copies every lock; one
    held by a native library's thread at that moment could hang a worker, so the pool's answer
    is awaited for a generous time only, and the files are then checked in this process.
    """
    workers = min(os.cpu_count() or 1, 8)
    # with threads about (a server, a link check), check in one process (workers.can_fork)
    if len(files) < PARALLEL_THRESHOLD or workers < 2 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return [_check_one(record, checkers) for record in files]
    global _worker_state
    _worker_state = (files, checkers)
    try:
        step = -(-len(files) // (workers * 4))
        bounds = [(start, min(start + step, len(files))) for start in range(0, len(files), step)]
        with forked_pool(workers) as pool:
            pending = pool.map_async(_check_slice, bounds)
            if meanwhile is not None:
                meanwhile()
            try:  # a worker that never answers is given up on, and the pool ended
                chunks = pending.get(timeout=PATIENCE_SECONDS + len(files) * PATIENCE_PER_FILE)
            except multiprocessing.TimeoutError:
                chunks = None
                pool.terminate()
        if chunks is None:  # the same results, one process
            return [_check_one(record, checkers) for record in files]
        shipped = [item for chunk in chunks for item in chunk]
        return [_unship(record, item) for record, item in zip(files, shipped, strict=True)]
    finally:
        _worker_state = None


def _check_remembered(
    files: list[RecordFile],
    statuses: list[Status | None],
    checkers: dict[str, SchemaChecker],
    memo: LoadMemo,
    meanwhile: Callable[[], None] | None = None,
) -> list[Shipped]:
    """`_check_all` for the files the memo does not know (or knows in another state); every
    file's outcome as the memo keeps it."""
    kept: list[Shipped | None] = [
        memo.get(record.path, status) for record, status in zip(files, statuses, strict=True)
    ]
    missing = [index for index, item in enumerate(kept) if item is None]
    fresh = _check_all([files[index] for index in missing], checkers, meanwhile)
    for index, checked in zip(missing, fresh, strict=True):
        kept[index] = shipped = _ship(*checked)
        memo.put(files[index].path, statuses[index], shipped)
    memo.keep_only({str(record.path) for record in files})
    return [item for item in kept if item is not None]


def _mark_broken(catalog: Catalog, record: RecordFile, document: Document | None) -> None:
    stem = record.path.name[: -len(".yaml")]
    if record.kind == "dataset":
        catalog.broken_datasets.add(stem)
        if document is not None and isinstance(document.data.get("id"), str):
            catalog.broken_datasets.add(document.data["id"])
    elif record.kind == "paper":
        catalog.broken_papers.add(stem)
        if document is not None and isinstance(document.data.get("id"), str):
            catalog.broken_papers.add(document.data["id"])
    elif record.kind == "metrics":
        catalog.metrics_broken = True


Built = Result | Dataset | Paper


def _add(catalog: Catalog, record: RecordFile, document: Document) -> Built | None:
    if record.kind == "result":
        assert record.result_id is not None
        built: Built = Result.from_document(record.result_id, document)
    elif record.kind == "dataset":
        built = Dataset.from_document(document)
    elif record.kind == "paper":
        built = Paper.from_document(document)
    else:
        catalog.metrics_document = document
        for index, entry in enumerate(document.data["metrics"]):
            catalog.metrics.setdefault(entry["id"], Metric.from_data(entry, index))
        return None
    _put(catalog, built)
    return built


def _put(catalog: Catalog, built: Built) -> None:
    if isinstance(built, Result):
        catalog.results.append(built)
    elif isinstance(built, Dataset):
        catalog.datasets.setdefault(built.id, built)
    else:
        catalog.papers.setdefault(built.id, built)
