"""What fills one language's slots (site/slots.py), made after its Markdown pages are written.

Writing a page queues the making of each part that fills one of its slots (a leaderboard's block,
a paper's list of results), in page order. The queue can be made in two processes at once: each
makes the parts of the groups it is given (`made`), and the parts are then put in place in queue
order (`place`), so the site is the same however the work was shared. A group is what must be
made in one process: a leaderboard's parts in every language share the block the first one
renders (site/board_block.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from generator.site.board_view import Row

# What making a part costs per row it shows (in microseconds, on the 10,000 rows of
# benchmarks/bench_site.py): enough to share the work out evenly. A leaderboard's and a paper's
# list of results are per language (the first renders the part, the others word it).
BOARD_ROW, PAPER_ROW = 42.0, 10.0


def rows_shown(board: dict[str, Any]) -> int:
    """How many rows a leaderboard shows: ranked, reproductions and aggregated."""
    return sum(len(board[kind]) for kind in ("rows", "reproductions", "aggregated"))


# a made part: the URL of its page, its slot's key, its HTML, and the search entries it adds
Part = tuple[str, str, str, list[Row]]


@dataclass
class Queued:
    group: str
    make: Callable[[], Part]
    cost: float  # an estimate, to share the groups out (`share`)


@dataclass
class SlotParts:
    """One language's queue of parts, and the parts once placed: `fragments` (page URL -> slot
    key -> HTML) and `search` (the rows' search entries, in page order)."""

    queued: list[Queued] = field(default_factory=list)
    fragments: dict[str, dict[str, str]] = field(default_factory=dict)
    search: list[Row] = field(default_factory=list)

    def queue(self, group: str, make: Callable[[], Part], cost: float) -> None:
        self.queued.append(Queued(group, make, cost))

    def made(self, groups: Collection[str] | None = None) -> dict[int, Part]:
        """The parts of the queued groups in `groups` (every group when None), by their place
        in the queue."""
        return {
            place: item.make()
            for place, item in enumerate(self.queued)
            if groups is None or item.group in groups
        }

    def place(self, *made: dict[int, Part]) -> None:
        """Put parts that `made` gave in place, in queue order; the queue is then done."""
        every = {place: part for parts in made for place, part in parts.items()}
        for place in sorted(every):
            url, key, html, entries = every[place]
            self.fragments.setdefault(url, {})[key] = html
            self.search += entries
        self.queued.clear()

    def finish(self) -> None:
        """Make every part here, and put it in place."""
        self.place(self.made())


def share(queues: list[SlotParts], already: float) -> tuple[set[str], set[str]]:
    """The queues' groups shared out between this process and a second one, which has work of
    the cost `already` to do besides: the costliest groups first, each to whichever of the two
    has the least so far. Gives this process's groups, and the other's."""
    costs: dict[str, float] = {}
    for queue in queues:
        for item in queue.queued:
            costs[item.group] = costs.get(item.group, 0.0) + item.cost
    shares: tuple[set[str], set[str]] = (set(), set())
    loads = [0.0, already]
    for group in sorted(costs, key=lambda g: (-costs[g], g)):
        least = 0 if loads[0] <= loads[1] else 1
        shares[least].add(group)
        loads[least] += costs[group]
    return shares
