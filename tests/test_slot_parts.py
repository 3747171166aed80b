"""The parts that fill the built pages' slots, made in two processes at once: the site is the
same however the making was shared out."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from generator.site.build import build_site
from generator.site.slot_parts import Part, SlotParts, share

from .conftest import run_program
from .test_reuse import tree


def queue_of(items: list[tuple[str, str, float]]) -> SlotParts:
    """A queue of (group, slot key, cost): each part's HTML names its key, and it adds one
    search entry naming it too."""
    parts = SlotParts()
    for group, key, cost in items:

        def make(key: str = key) -> Part:
            return f"page-of-{key}/", key, f"<p>{key}</p>", [{"title": key}]

        parts.queue(group, make, cost)
    return parts


ITEMS = [("a", "a1", 5.0), ("b", "b1", 1.0), ("a", "a2", 5.0), ("c", "c1", 3.0)]


def test_parts_made_in_two_shares_are_placed_in_queue_order() -> None:
    whole = queue_of(ITEMS)
    whole.finish()
    shared = queue_of(ITEMS)
    theirs = shared.made({"a"})
    mine = shared.made({"b", "c"})
    assert sorted(theirs) == [0, 2] and sorted(mine) == [1, 3]
    shared.place(mine, theirs)  # in either order
    assert shared.fragments == whole.fragments
    assert [entry["title"] for entry in shared.search] == ["a1", "b1", "a2", "c1"]
    assert shared.search == whole.search
    assert not shared.queued


def test_groups_are_shared_costliest_first_to_the_process_with_least_to_do() -> None:
    english, chinese = queue_of(ITEMS), queue_of(ITEMS)  # a group holds both languages' parts
    # a: 20, c: 6, b: 2; the other process already has 7 to do
    assert share([english, chinese], 7.0) == ({"a"}, {"c", "b"})
    # with nothing else to do there, a tie: the costliest is made here, the rest there
    assert share([english, chinese], 0.0) == ({"a"}, {"c", "b"})
    # with more to do there than all the parts, every part is made here
    assert share([english, chinese], 100.0) == ({"a", "b", "c"}, set())


# A build in a fresh process (forking a test process that earlier tests left with threads can
# hang a worker: see test_parallel.py), with the parts shared as if the data files cost nothing,
# so that both processes make some; it prints how many groups each made.
SHARED_BUILD = """
import json, sys
from pathlib import Path
from generator.site import build, slot_parts
shares = []
def spied(queues, _already):
    shares.append([sorted(s) for s in slot_parts.share(queues, 0.0)])
    return tuple(set(s) for s in shares[-1])
build.share = spied
build.build_site(Path(sys.argv[1]), Path(sys.argv[2]), reuse=False)
print(json.dumps(shares))
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
    reason="a build uses workers on Linux with two cores or more",
)
def test_a_build_that_shares_out_the_parts_gives_the_site_made_in_one_process(
    site_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shared = str(tmp_path / "shared")
    completed = run_program(SHARED_BUILD, str(site_repo), shared, SOURCE_DATE_EPOCH="1700000000")
    assert completed.returncode == 0, completed.stderr
    [(mine, theirs)] = json.loads(completed.stdout)
    assert mine and theirs  # the worker made some of the parts, the building process the others
    build_site(site_repo, tmp_path / "here", parallel=False, reuse=False)  # all in one process
    assert tree(tmp_path / "shared") == tree(tmp_path / "here")
