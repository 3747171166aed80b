"""Large repositories are checked in worker processes; the findings must not change."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from generator.records import loading as repository
from generator.records.validation import validate_repository

from .conftest import run_program, run_segboard_process

RECORD = """\
dataset: cityscapes
split: val
model: Many-Net-{n} + COCO
method: Many-Net
paper: "1612.01105"
metrics:
  miou: {score}
extra_training_data: [coco]
source:
  kind: paper
  url: https://arxiv.org/abs/1612.01105
"""


def many_results(root: Path, count: int) -> None:
    folder = root / "data" / "results" / "cityscapes" / "val"
    for n in range(count):
        (folder / f"many-net-{n}-coco.yaml").write_text(
            RECORD.format(n=n, score=f"{50 + n % 40}.25")
        )
    bad = folder / "many-net-7-coco.yaml"
    bad.write_text(bad.read_text().replace("miou: 57.25", "miou: 157.25\n  miou: 1"))


def findings(root: Path) -> list[tuple[str, int, int, str]]:
    report = validate_repository(root)
    return [(p.path.name, p.line, p.column, p.rule) for p in report.problems]


def test_parallel_and_serial_checks_agree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel check runs in a fresh child process: forking a test process that earlier
    tests left with threads (a server) can copy a held lock and hang a worker."""
    many_results(repo, repository.PARALLEL_THRESHOLD + 100)
    completed = run_segboard_process("validate", "--format", "json", cwd=repo)
    assert completed.returncode == 1, completed.stderr
    parallel = [
        (Path(p["path"]).name, p["line"], p["column"], p["rule"])
        for p in json.loads(completed.stdout)
    ]
    monkeypatch.setattr(repository, "PARALLEL_THRESHOLD", 10**9)
    serial = findings(repo)
    assert parallel == serial == [("many-net-7-coco.yaml", 8, 3, "yaml-duplicate-key")]
    (repo / "data/results/cityscapes/val/many-net-7-coco.yaml").write_text(
        RECORD.format(n=7, score="157.25")
    )
    completed = run_segboard_process("validate", "--format", "json", cwd=repo)
    [problem] = json.loads(completed.stdout)
    assert (problem["line"], problem["column"], problem["rule"]) == (7, 3, "metric-range")


def test_with_other_threads_running_the_check_stays_in_one_process(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_results(repo, repository.PARALLEL_THRESHOLD + 10)
    forked: list[str] = []
    monkeypatch.setattr(repository.multiprocessing, "get_context", forked.append)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert findings(repo) == [("many-net-7-coco.yaml", 8, 3, "yaml-duplicate-key")]
    finally:
        stop.set()
        other.join()
    assert forked == []  # no pool of workers was started


def test_workers_that_never_answer_are_given_up_on(repo: Path) -> None:
    """A hung worker (a lock copied while held) must not hang validation: after the pool's
    time is up, the same findings come from one process."""
    many_results(repo, repository.PARALLEL_THRESHOLD + 100)
    script = (
        "import json, os, sys, time\n"
        "from pathlib import Path\n"
        "from generator.records import loading\n"
        "from generator.records.validation import validate_repository\n"
        "loading.PATIENCE_SECONDS, loading.PATIENCE_PER_FILE = 1.0, 0.0\n"
        "parent, check_one = os.getpid(), loading._check_one\n"
        "def hang_in_workers(record, checkers):\n"  # forked workers inherit it; the parent's
        "    if os.getpid() != parent:\n"  # own checks (after giving up) are not slowed
        "        time.sleep(600)\n"
        "    return check_one(record, checkers)\n"
        "loading._check_one = hang_in_workers\n"
        "started = time.monotonic()\n"
        "report = validate_repository(Path('.'))\n"
        "print(json.dumps([round(time.monotonic() - started),\n"
        "                  [(p.path.name, p.line, p.rule) for p in report.problems]]))\n"
    )
    completed = run_program(script, cwd=repo, timeout=120)
    assert completed.returncode == 0, completed.stderr
    seconds, problems = json.loads(completed.stdout)
    assert problems == [["many-net-7-coco.yaml", 8, "yaml-duplicate-key"]]
    assert seconds < 60


# validation with a `meanwhile` that notes how many worker processes are at work when it runs,
# in a process that has imported what `segboard build` imports before it validates
MEANWHILE = """
import json, multiprocessing, sys
from pathlib import Path
import generator.cli, generator.site.build
from generator.records.validation import validate_repository
seen = []
def note_workers():
    seen.append(len(multiprocessing.active_children()))
validate_repository(Path("."), meanwhile=note_workers)
print(json.dumps([seen, "pandas" in sys.modules]))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="validation uses workers with two cores")
def test_a_caller_prepares_itself_while_the_workers_read_the_records(repo: Path) -> None:
    """`meanwhile` is called once: while the workers read the files, or, without workers,
    before this process reads them. Neither validation nor importing the command and the build
    imports pandas: a build imports it as its `meanwhile` (ranking/order.py)."""
    many_results(repo, repository.PARALLEL_THRESHOLD + 100)
    completed = run_program(MEANWHILE, cwd=repo, timeout=120)
    assert completed.returncode == 0, completed.stderr
    [workers], pandas = json.loads(completed.stdout)
    assert workers >= 2 and not pandas
    seen: list[int] = []
    for path in list((repo / "data/results/cityscapes/val").glob("many-net-*"))[10:]:
        path.unlink()  # too few for workers
    validate_repository(repo, meanwhile=lambda: seen.append(1))
    assert seen == [1]


def _frozen_in_worker(_: int) -> int:
    import gc

    return gc.get_freeze_count()


def test_forked_workers_leave_what_they_inherit_out_of_their_collections() -> None:
    """The parent's objects are frozen in the workers (their collector never walks, and so
    never copies, the inherited memory) but not in the parent, whose collector goes on."""
    import gc

    from generator.workers import forked_pool

    inherited = [{"row": n} for n in range(1000)]  # containers the collector would walk
    assert gc.get_freeze_count() == 0
    with forked_pool(2) as pool:
        frozen = pool.map(_frozen_in_worker, range(2))
    assert min(frozen) >= len(inherited)
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a caller's own frozen objects stay frozen
    try:
        with forked_pool(1) as pool:
            pool.map(_frozen_in_worker, range(1))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _write_after(path: str, delay: float) -> None:
    time.sleep(delay)
    Path(path).write_text("done", encoding="utf-8")


def test_a_pool_whose_block_ends_lets_its_workers_finish_and_one_that_raises_ends_them(
    tmp_path: Path,
) -> None:
    """Leaving the block normally closes the pool and waits for its work (killing idle workers
    can leave a queue's lock held and the next join waiting forever); an exception, Ctrl-C
    included, ends the workers at once."""
    from generator.workers import forked_pool

    finished = tmp_path / "finished"
    with forked_pool(1) as pool:
        pool.apply_async(_write_after, (str(finished), 0.3))  # its result is never asked for
    assert finished.read_text(encoding="utf-8") == "done"

    killed = tmp_path / "killed"
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), forked_pool(1) as pool:
        pool.apply_async(_write_after, (str(killed), 5))
        raise KeyboardInterrupt
    assert time.monotonic() - started < 4
    time.sleep(0.2)
    assert not killed.exists()


def _fail(message: str) -> None:
    raise ValueError(message)


def _pid() -> int:
    return os.getpid()


def _sleep_then_write(path: str, delay: float) -> None:
    time.sleep(delay)
    Path(path).write_text("done", encoding="utf-8")


def test_a_forked_worker_runs_its_first_call_then_what_it_is_sent_in_order(
    tmp_path: Path,
) -> None:
    """The first call may be a closure (inherited, never pickled); the calls sent later run in
    the same process, after it; each outcome comes back in order, exceptions raised here."""
    from generator.workers import forked_worker

    inherited = {"rows": 10_000}
    with forked_worker(lambda: inherited["rows"] + 1) as worker:  # a closure
        worker.send(_pid)
        worker.send(_fail, "bad record")
        worker.send(_pid)
        assert worker.result() == 10_001
        first = worker.result()
        with pytest.raises(ValueError, match="bad record"):
            worker.result()
        assert worker.result() == first != os.getpid()
    finished = tmp_path / "finished"
    with forked_worker(lambda: None) as worker:
        worker.send(_sleep_then_write, str(finished), 0.2)
        worker.result()
        worker.result()
    assert finished.read_text(encoding="utf-8") == "done"


UNWANTED_WORK = """
import contextlib, signal, sys, time
from pathlib import Path
from generator.workers import forked_worker

# a handler the worker inherits and that ignores SIGTERM (a test runner's, say) must not keep
# the worker alive
signal.signal(signal.SIGTERM, lambda *_: None)
never = Path(sys.argv[1])
for interrupt in (False, True):
    started = time.monotonic()
    with contextlib.suppress(KeyboardInterrupt), forked_worker(lambda: None) as worker:
        worker.send(time.sleep, 5)
        worker.send(never.write_text, "done")
        if interrupt:
            raise KeyboardInterrupt
    print(round(time.monotonic() - started, 1))
time.sleep(0.2)
print(never.exists())
"""


def test_a_forked_worker_whose_work_is_not_wanted_is_ended_at_once(tmp_path: Path) -> None:
    """Work whose outcome nobody collects (a language the build restored instead), an
    exception or Ctrl-C: the block ends the worker rather than wait for it."""
    never = tmp_path / "never"
    completed = run_program(UNWANTED_WORK, str(never), timeout=60)
    assert completed.returncode == 0, completed.stderr
    *elapsed, written = completed.stdout.split()
    assert len(elapsed) == 2 and all(float(seconds) < 4 for seconds in elapsed)
    assert written == "False"


def test_a_forked_worker_that_dies_is_reported_not_waited_for() -> None:
    from generator.workers import WorkerLost, forked_worker

    with forked_worker(lambda: os._exit(9)) as worker, pytest.raises(WorkerLost):
        worker.result()


COLLECTIONS_IN_A_BUILD = """
import gc, json, os, sys
from pathlib import Path
from generator.site import build as build_module, language_builds
from generator.site.build import build_site

root, notes = Path(sys.argv[1]), Path(sys.argv[2])
main, collections = os.getpid(), []

def count(phase, info):
    if phase == "start" and os.getpid() == main:
        collections.append(info["generation"])

def noting(lang):  # a language worker's first work
    (notes / f"engine-{lang}").write_text(json.dumps(gc.isenabled()), encoding="utf-8")

real_fill = build_module.fill_slots

def filling(folder, *args):
    (notes / f"filled-{folder.name}").write_text(json.dumps(os.getpid() == main))
    return real_fill(folder, *args)

gc.callbacks.append(count)
language_builds.prepare_engine, build_module.fill_slots = noting, filling
os.cpu_count = lambda: 2
build_site(root, parallel=True)
print(json.dumps({"collections": collections, "enabled": gc.isenabled(),
                  "notes": {p.name: json.loads(p.read_text()) for p in notes.iterdir()}}))
"""


def test_a_build_pauses_the_collector_and_its_engine_workers_run_it(
    site_repo: Path, tmp_path: Path
) -> None:
    """The cyclic garbage collector never runs in the building process during a build (it
    makes many objects and few cycles: a collection after each block that pauses it would
    walk them all), and runs again after it; the engine's builds, in the languages' workers,
    run with it as they would on their own. The second language's slots are filled in a
    worker while the building process fills the first's."""
    notes = tmp_path / "notes"
    notes.mkdir()
    completed = run_program(COLLECTIONS_IN_A_BUILD, str(site_repo), str(notes), timeout=300)
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout.splitlines()[-1])
    assert seen["collections"] == [] and seen["enabled"]
    # the engine's workers collect; the Chinese pages' slots are filled in a worker meanwhile
    assert seen["notes"] == {
        "engine-en": True,
        "engine-zh": True,
        "filled-en": True,
        "filled-zh": False,
    }
