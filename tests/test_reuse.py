"""What a build keeps in build/cache for the next one: reused only while what it was made from
is the same, never at the cost of a different site, and ignored when damaged."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from generator.records import memo as memo_module
from generator.records.memo import LoadMemo, file_status
from generator.site import language_builds
from generator.site.build import build_site

from .conftest import run_program, run_segboard_process

RECORD = "data/results/cityscapes/test/deeplab-v3-resnet-101.yaml"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def counted_engine(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages MkDocs built, build by build (the builds run in this process)."""
    built: list[str] = []
    real = language_builds.build_language

    def counting(root: Path, staging: Path, lang: str, nav: list[object]) -> list[str]:
        built.append(lang)
        return real(root, staging, lang, nav)

    monkeypatch.setattr(language_builds, "build_language", counting)
    monkeypatch.setattr(memo_module, "SETTLE_NANOSECONDS", 0)  # the fixture's files are new
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return built


def change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_changed_result_rebuilds_without_the_engine_and_gives_the_same_site(
    site_repo: Path, tmp_path: Path, counted_engine: list[str]
) -> None:
    build_site(site_repo, parallel=False)
    assert sorted(counted_engine) == ["en", "zh"]
    counted_engine.clear()
    change(site_repo / RECORD, "miou: 78.51", "miou: 81.51")
    build_site(site_repo, parallel=False)
    assert counted_engine == []  # only slots follow the results: MkDocs' pages were kept
    page = (site_repo / "site/datasets/cityscapes/index.html").read_text(encoding="utf-8")
    assert ">81.51<" in page and ">78.51<" not in page
    home = (site_repo / "site/index.html").read_text(encoding="utf-8")
    assert "DeepLab_v3-ResNet-101</a> <b>81.51</b>" in home  # now the best on Cityscapes test
    paper = (site_repo / "site/papers/1706.05587/index.html").read_text(encoding="utf-8")
    assert "DeepLab_v3-ResNet-101</a>: 81.51 (Rank 1)" in paper
    build_site(site_repo, tmp_path / "fresh", parallel=False, reuse=False)
    assert tree(site_repo / "site") == tree(tmp_path / "fresh")


def test_a_changed_paper_title_runs_the_engine_again(
    site_repo: Path, counted_engine: list[str]
) -> None:
    build_site(site_repo, parallel=False)
    counted_engine.clear()
    change(
        site_repo / "data/papers/1612.01105.yaml",
        'title: "Pyramid Scene Parsing Network"',
        'title: "Pyramid Scene Parsing Networks"',
    )
    build_site(site_repo, parallel=False)
    assert sorted(counted_engine) == ["en", "zh"]  # the navigation names the paper
    page = (site_repo / "site/papers/1612.01105/index.html").read_text(encoding="utf-8")
    assert "Pyramid Scene Parsing Networks" in page


@pytest.mark.usefixtures("counted_engine")  # and so with the record memo filled
def test_a_damaged_cache_is_not_used(site_repo: Path, tmp_path: Path) -> None:
    build_site(site_repo, parallel=False)
    cache = site_repo / "build/cache"
    (cache / "records.pickle").write_bytes(b"\x80\x05not a pickle")
    for part in (cache / "blocks").iterdir():  # a kept block whose text no longer matches
        part.write_text(part.read_text(encoding="utf-8").replace("<tr", "<tr hacked"))
    for kept in (cache / "files").iterdir():  # kept data files cut short
        kept.chmod(0o644)
        kept.write_bytes(kept.read_bytes()[:10])
    build_site(site_repo, parallel=False)
    build_site(site_repo, tmp_path / "fresh", parallel=False, reuse=False)
    assert tree(site_repo / "site") == tree(tmp_path / "fresh")
    store = list((cache / "files").iterdir())  # whole again, read-only, and in the site
    assert store and all(k.stat().st_size > 10 and k.stat().st_nlink == 2 for k in store)
    assert all(k.stat().st_mode & 0o777 == 0o444 for k in store)


def test_fresh_forgets_what_was_kept(site_repo: Path, counted_engine: list[str]) -> None:
    build_site(site_repo, parallel=False)
    counted_engine.clear()
    build_site(site_repo, parallel=False)
    assert counted_engine == []
    build_site(site_repo, parallel=False, fresh=True)
    assert sorted(counted_engine) == ["en", "zh"]


def test_the_record_memo_keeps_files_only_once_they_have_settled(tmp_path: Path) -> None:
    record = tmp_path / "a.yaml"
    record.write_text("model: A\n")
    memo = LoadMemo(tmp_path / "memo.pickle")
    fresh = file_status(record)
    assert fresh is not None
    memo.put(record, fresh, "loaded")
    assert memo.get(record, fresh) is None  # just changed: the same status could come again
    size, modified, _, inode, device = fresh
    settled = (size, modified, time.time_ns() - 10 * 10**9, inode, device)
    memo.put(record, settled, "loaded")
    assert memo.get(record, settled) == "loaded"
    assert memo.get(record, fresh) is None  # another status: the file is read again
    memo.save()
    assert LoadMemo(tmp_path / "memo.pickle").get(record, settled) == "loaded"
    (tmp_path / "memo.pickle").write_bytes(pickle.dumps(("another code version", {})))
    assert LoadMemo(tmp_path / "memo.pickle").entries == {}


def test_a_serving_process_keeps_unchanged_leaderboards_and_gives_the_same_site(
    site_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`segboard serve` keeps each split's leaderboards in memory between rebuilds; after each
    kind of change its site is the site a fresh build of the same data gives."""
    from generator.ranking import boards as ranking
    from generator.site.build import records_memo
    from generator.site.reuse import BoardMemo

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(memo_module, "SETTLE_NANOSECONDS", 0)
    ranked: list[set[tuple[str, str]] | None] = []
    real = ranking.leaderboards

    def counting(catalog: object, only: set[tuple[str, str]] | None = None) -> object:
        ranked.append(only)
        return real(catalog, only)  # type: ignore[arg-type]

    monkeypatch.setattr("generator.site.reuse.leaderboards", counting)
    records, boards = records_memo(site_repo), BoardMemo()
    build_site(site_repo, parallel=False, records=records, boards=boards)
    assert len(ranked[-1] or ()) >= 5  # every split, the first time
    edits = [
        (RECORD, "miou: 78.51", "miou: 81.51", {("cityscapes", "test")}),
        ("data/papers/1706.05587.yaml", "Rethinking", "Rethinking again", None),
        ("data/datasets/cityscapes.yaml", "name: Cityscapes", "name: Cityscapes 2016", None),
        ("data/metrics.yaml", "short_name: mIoU", "short_name: MIoU", None),
    ]
    for number, (name, old, new, only) in enumerate(edits):
        change(site_repo / name, old, new)
        records.only_changed({site_repo / name})  # what the file events say (site/serve.py)
        build_site(site_repo, parallel=False, records=records, boards=boards)
        if only is not None:
            assert ranked[-1] == only  # only the changed result's split is ranked again
        fresh = tmp_path / f"fresh-{number}"
        build_site(site_repo, fresh, parallel=False, reuse=False)
        assert tree(site_repo / "site") == tree(fresh), name


def test_a_load_told_which_files_changed_reads_only_those_and_keeps_the_others_records(
    site_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`segboard serve` tells the memo which record files the file events saw changed in
    place: the next load neither lists data/ nor looks at the other files, and uses their
    records again (the same objects). A path it did not list makes it list everything."""
    from generator.records import loading
    from generator.records.validation import validate_repository
    from generator.site.build import records_memo

    monkeypatch.setattr(memo_module, "SETTLE_NANOSECONDS", 0)
    listed: list[Path] = []
    real = loading.discover
    monkeypatch.setattr(loading, "discover", lambda root: listed.append(root) or real(root))
    records = records_memo(site_repo)
    before = {r.id: r for r in validate_repository(site_repo, memo=records).catalog.results}
    assert listed == [site_repo] and records.listing is not None
    assert records.listing.holds(site_repo)
    record = site_repo / RECORD
    change(record, "miou: 78.51", "miou: 78.57")
    assert not records.listing.holds(site_repo)  # what a serving process checks when idle
    records.only_changed({record})
    after = {r.id: r for r in validate_repository(site_repo, memo=records).catalog.results}
    assert listed == [site_repo]  # data/ was not listed again
    changed = "cityscapes/test/deeplab-v3-resnet-101"
    assert after[changed].metrics["miou"] == 78.57 and after[changed] is not before[changed]
    assert all(after[i] is before[i] for i in before if i != changed)
    assert records.listing.holds(site_repo)
    fresh = validate_repository(site_repo)
    assert [(r.id, r.metrics) for r in fresh.catalog.results] == [
        (r.id, r.metrics) for r in after.values()
    ]
    listed.clear()
    new = record.with_name("new-result.yaml")
    shutil.copy(record, new)
    records.only_changed({new})  # not a file of the last listing: everything is listed
    validate_repository(site_repo, memo=records)
    assert listed == [site_repo]
    validate_repository(site_repo, memo=records)  # not told: everything is listed
    assert listed == [site_repo] * 2


def test_a_cache_that_came_with_the_repository_is_never_trusted(
    site_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request can commit build/cache/ despite .gitignore: what it holds was not signed
    with this machine's key, so it is neither unpickled nor published."""
    from generator import fingerprint

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(memo_module, "SETTLE_NANOSECONDS", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "contributor"))
    fingerprint.machine_key.cache_clear()
    build_site(site_repo, parallel=False)  # the contributor's machine fills build/cache
    cache = site_repo / "build/cache"
    for part in (cache / "blocks").iterdir():  # and poisons what it kept, consistently
        text = part.read_text(encoding="utf-8").partition("\n")[2]
        text = text.replace("<tr", "<tr onmouseover=alert(1)")
        part.write_text(f"{hashlib.sha256(text.encode()).hexdigest()}\n{text}", encoding="utf-8")
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {ran}",))

    (cache / "records.pickle").write_bytes(b"\0" * 32 + pickle.dumps(Payload()))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ci"))  # the CI machine: another key
    fingerprint.machine_key.cache_clear()
    try:
        build_site(site_repo, parallel=False)
    finally:
        fingerprint.machine_key.cache_clear()
    assert not ran.exists()  # the memo was not unpickled
    build_site(site_repo, tmp_path / "fresh", parallel=False, reuse=False)
    assert tree(site_repo / "site") == tree(tmp_path / "fresh")
    assert "onmouseover=alert" not in (site_repo / "site/datasets/ade20k/index.html").read_text()
    key = tmp_path / "ci/segboard/build-key"
    assert len(key.read_bytes()) == 32 and key.stat().st_mode & 0o077 == 0


def test_without_a_key_a_build_keeps_nothing(
    site_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import fingerprint

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # no key can be made below a file
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fingerprint.machine_key.cache_clear()
    try:
        assert fingerprint.machine_key() is None
        build_site(site_repo, parallel=False)
    finally:
        fingerprint.machine_key.cache_clear()
    assert (site_repo / "site/index.html").is_file()
    assert not (site_repo / "build/cache").exists()


@pytest.mark.usefixtures("counted_engine")  # its settings: the fixture's files count as settled
def test_unchanged_pages_carry_over_and_the_generated_markdown_is_synced(
    site_repo: Path, tmp_path: Path
) -> None:
    """A rebuild links the pages that did not change from the site it replaces and rewrites
    the changed ones; the Markdown folder loses what is no longer generated."""
    build_site(site_repo, parallel=False)
    site = site_repo / "site"
    unchanged, changed = (
        site / "datasets/ade20k/index.html",
        site / "datasets/cityscapes/index.html",
    )
    docs = site_repo / "build/docs/en"
    kept_markdown = docs / "datasets/ade20k.md"
    before = {p: p.stat().st_ino for p in (unchanged, changed, kept_markdown)}
    (docs / "stale.md").write_text("# Left over\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"  # a folder the Markdown must never be written through
    elsewhere.mkdir()
    shutil.rmtree(docs / "papers")
    (docs / "papers").symlink_to(elsewhere, target_is_directory=True)
    (docs / "old-folder").mkdir()
    (docs / "old-folder/page.md").write_text("# Left over\n", encoding="utf-8")
    # a plain file in the old site with a page's exact content is linked; a symbolic link is not
    zh_page = site / "zh/datasets/ade20k/index.html"
    outside = tmp_path / "outside.html"
    outside.write_bytes(zh_page.read_bytes())
    zh_page.unlink()
    zh_page.symlink_to(outside)
    change(site_repo / RECORD, "miou: 78.51", "miou: 81.51")
    build_site(site_repo, parallel=False)
    assert unchanged.stat().st_ino == before[unchanged]
    assert changed.stat().st_ino != before[changed]
    assert ">81.51<" in changed.read_text(encoding="utf-8")
    assert not zh_page.is_symlink() and zh_page.read_bytes() == outside.read_bytes()
    assert kept_markdown.stat().st_ino == before[kept_markdown]  # not written again
    assert not (docs / "stale.md").exists() and not (docs / "old-folder").exists()
    assert not (docs / "papers").is_symlink() and list(elsewhere.iterdir()) == []
    assert (docs / "papers/1612.01105.md").is_file()
    build_site(site_repo, tmp_path / "fresh", parallel=False, reuse=False)
    assert tree(site) == tree(tmp_path / "fresh")


def test_data_files_made_in_a_worker_are_kept_for_the_next_build(site_repo: Path) -> None:
    """With workers, the data files are made and placed in one of them; what it kept in the
    store must outlive the build's clean-up of unused parts."""
    # a process of its own: this one may run other tests' threads, and would then not fork
    built = run_segboard_process("--root", str(site_repo), "build", cwd=site_repo)
    assert built.returncode == 0, built.stderr
    site = site_repo / "site"
    data = [p for p in [*site.glob("downloads/*"), *site.glob("badges/*/*")] if p.is_file()]
    assert data and all(p.stat().st_nlink == 2 for p in data)  # still linked from the store


def test_blocks_made_in_a_worker_are_kept_for_the_next_build(site_repo: Path) -> None:
    """With workers, a worker renders a share of the leaderboard blocks through the block memo;
    the parts it used must outlive the build's clean-up of unused parts, as the building
    process's own do, or the next build renders them again."""
    from generator.records.places import cache_dir

    built = run_segboard_process("--root", str(site_repo), "build", cwd=site_repo)
    assert built.returncode == 0, built.stderr
    blocks = cache_dir(site_repo, "blocks")
    kept = {part.name for part in blocks.iterdir()}
    build_site(site_repo, parallel=False)  # makes what it misses, then forgets what it did not use
    assert {part.name for part in blocks.iterdir()} == kept


# `segboard build` in a process of its own, with the fixture's new files counted as settled
SETTLED_BUILD = """
import sys
from generator.records import memo
memo.SETTLE_NANOSECONDS = 0
from generator.cli import main
sys.exit(main(["--root", sys.argv[1], "build"]))
"""


# the same, with the memo's saving slowed down: a build that did not wait for it would lose it
SLOW_SAVE = SETTLED_BUILD.replace(
    "from generator.cli import main",
    "import time\n"
    "saving = memo.LoadMemo.save\n"
    "memo.LoadMemo.save = lambda self: (time.sleep(1), saving(self))[1]\n"
    "from generator.cli import main",
)


def test_a_build_in_workers_saves_the_records_memo(site_repo: Path) -> None:
    """With workers, a language's worker saves the records' memo once they are loaded; it holds
    every record file's outcome for the next build, also after a build that bad data stopped
    (whose worker is let finish saving it)."""
    from generator.records.places import cache_dir, discover
    from generator.site.build import records_memo

    built = run_program(SETTLED_BUILD, str(site_repo))
    assert built.returncode == 0, built.stderr
    files, _ = discover(site_repo)
    assert set(records_memo(site_repo).entries) == {str(record.path) for record in files}
    shutil.rmtree(cache_dir(site_repo))  # the engine's output too: the languages get workers
    change(site_repo / RECORD, "miou: 78.51", "miou: [78.51")  # a YAML syntax error
    stopped = run_program(SLOW_SAVE, str(site_repo))
    assert stopped.returncode == 1 and "yaml-syntax" in stopped.stderr, stopped.stderr
    assert set(records_memo(site_repo).entries) == {str(record.path) for record in files}


@pytest.mark.usefixtures("counted_engine")  # its settings: the fixture's files count as settled
def test_a_building_process_remembers_only_its_last_builds_data_files(site_repo: Path) -> None:
    """What a process remembers of the data files it placed (to find their names in the store
    without signing them again) is the last build's only, so a server's memory does not grow
    with every rebuild."""
    from generator.site import reuse

    def data_texts() -> set[str]:
        site = site_repo / "site"
        paths = [*site.glob("downloads/*"), *site.glob("badges/*/*")]
        return {p.read_text(encoding="utf-8") for p in paths if p.is_file()}

    build_site(site_repo, parallel=False)  # in this process, as serve builds
    first = set(reuse._LAST_PLACED)
    assert first == data_texts()
    change(site_repo / RECORD, "miou: 78.51", "miou: 81.51")
    build_site(site_repo, parallel=False)
    last = set(reuse._LAST_PLACED)
    assert last == data_texts()
    assert first - last  # the files the change replaced are forgotten


EARLY_WORKERS = """
import json, multiprocessing, os, sys, time
from pathlib import Path
from generator.site import build as build_module, language_builds
from generator.site.pages import PageWriter
from generator.site.build import build_site

root, prepared = Path(sys.argv[1]), Path(sys.argv[2])
real_prepare, real_pages = language_builds.prepare_engine, build_module.prepare_pages
seen = []

def noting(lang):  # the workers' first call: inherited, not pickled, so it may be local
    (prepared / lang).write_text(str(os.getpid()), encoding="utf-8")
    real_prepare(lang)

def pages_once_workers_are_ready(*args, **kwargs):
    deadline = time.monotonic() + (30 if not seen else 0)
    while len(list(prepared.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    seen.append(sorted(path.name for path in prepared.iterdir()))
    return real_pages(*args, **kwargs)

real_validate = build_module.validate_repository
at_validation = []

def validate_once_later_languages_are_ready(*args, **kwargs):
    deadline = time.monotonic() + (30 if not at_validation else 0)
    while not (prepared / "zh").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    at_validation.append(sorted(path.name for path in prepared.iterdir()))
    return real_validate(*args, **kwargs)

language_builds.prepare_engine, build_module.prepare_pages = noting, pages_once_workers_are_ready
build_module.validate_repository = validate_once_later_languages_are_ready
real_write, at_writing = PageWriter.write, []

def write_noting_workers(self, *args, **kwargs):
    at_writing.append(len(multiprocessing.active_children()))
    return real_write(self, *args, **kwargs)

PageWriter.write = write_noting_workers
os.cpu_count = lambda: 2
forks = language_builds.in_workers(True)
build_site(root, root / "forked")
pids = {path.name: int(path.read_text(encoding="utf-8")) for path in prepared.iterdir()}
for path in prepared.iterdir():
    path.unlink()
build_site(root, root / "again")  # the engine's output is restored
again = sorted(path.name for path in prepared.iterdir())
print(json.dumps({"forks": forks, "seen": seen, "pids": pids, "me": os.getpid(), "again": again,
                  "at_validation": at_validation, "at_writing": at_writing}))
"""


def test_languages_built_by_workers_made_ready_early_give_the_same_site(
    site_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each language the engine will build gets a worker process that gets ready before the
    pages are written (language_builds.early_workers): the first language's once the records
    are validated (it saves their memo), the others' while they are; another worker makes the
    data files while the pages are written; the site is the one a build in one process
    makes. A language whose engine output is kept gets none early: a build that restores it
    needs none. The forked build runs in a child process: this one may run threads (a test's
    server), and then builds in one process."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    serial = tree(build_site(site_repo, tmp_path / "serial", parallel=False, reuse=False).site_dir)
    shutil.rmtree(site_repo / "build")
    prepared = tmp_path / "prepared"
    prepared.mkdir()
    completed = run_program(
        EARLY_WORKERS, str(site_repo), str(prepared), SOURCE_DATE_EPOCH="1700000000"
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout.splitlines()[-1])
    assert seen["forks"]
    assert seen["seen"] == [["en", "zh"], []]  # ready before the first build's pages were written
    assert sorted(seen["pids"]) == ["en", "zh"]
    assert seen["me"] not in seen["pids"].values() and len(set(seen["pids"].values())) == 2
    assert seen["again"] == []
    assert seen["at_validation"] == [["zh"], []]  # the first language's worker comes later
    # as the pages are written, a worker makes the data files (beside the languages' workers)
    assert seen["at_writing"] == [3, 3, 1, 1]
    assert tree(site_repo / "forked") == serial


# segboard's templates, loaded as a build loads them; with "cached", compiling any is an error;
# with "other code", under another code fingerprint
KEPT_TEMPLATES = """
import sys
from generator.site import rendering
from generator.site.board_block import _board_template
env = rendering.environment()
if sys.argv[1] == "cached":
    def compile_not(*args, **kwargs):
        raise SystemExit("compiled a template that should have been kept")
    env.compile = compile_not
if sys.argv[1] == "other code":
    rendering.code_fingerprint = lambda: "other"
for name in env.list_templates():
    env.get_template(name)
_board_template()
"""


def test_templates_are_compiled_once_per_machine_and_code(tmp_path: Path) -> None:
    """segboard's own templates (and the board's, with its words as placeholders) are compiled
    once and then read from Jinja's cache folder, under the system's temporary folder; other
    code (which may set other options) compiles them again."""
    first = run_program(KEPT_TEMPLATES, "first", TMPDIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    kept = {path.name for path in tmp_path.rglob("__jinja2_*")}
    assert len(kept) >= 10  # every template file, and the board's
    again = run_program(KEPT_TEMPLATES, "cached", TMPDIR=str(tmp_path))
    assert again.returncode == 0, again.stderr
    other = run_program(KEPT_TEMPLATES, "other code", TMPDIR=str(tmp_path))
    assert other.returncode == 0, other.stderr
    assert len({path.name for path in tmp_path.rglob("__jinja2_*")} - kept) == len(kept)
