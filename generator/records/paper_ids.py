"""Paper ids as people write them, brought down to the id a paper record has.

A paper record's id is a bare arXiv id (`1612.01105`) or, for a paper without one, a slug
(`everingham2010pascal`). Contributors and foreign files write arXiv ids in many forms:
`arXiv:1612.01105`, `https://arxiv.org/abs/1612.01105`, `http://arxiv.org/pdf/1612.01105v2.pdf`,
`1612.01105v2`. `paper_id` accepts all of them, and refuses ids that arXiv cannot have issued:
new-style ids are YYMM.NNNN from April 2007 (0704) to December 2014 (1412) and YYMM.NNNNN from
January 2015 (1501) on, with a month from 01 to 12 and never a month still to come. Every place
that takes a paper id from outside (the command line, importers) goes through here.
"""

from __future__ import annotations

import datetime
import re

from generator.errors import UsageError
from generator.records.places import PAPER_ID

# arXiv:ID, or an arxiv.org abstract or PDF address; a version (v2) and '.pdf' may follow
_PREFIX = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE)
_URL = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>[^?#]+?)/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_NEW_STYLE = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<number>\d+)(?:v\d+)?(?:\.pdf)?$")
_BARE = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5}$")
_FIRST = (7, 4)  # April 2007: the first new-style arXiv id, 0704.0001
_FIVE_DIGITS_FROM = (15, 1)  # January 2015: five digits after the dot from then on
_FORMS = (
    "write the arXiv id (1612.01105, arXiv:1612.01105 or its arxiv.org address) or the slug of "
    "a paper record in data/papers/ (lower-case letters, digits and hyphens, e.g. "
    "everingham2010pascal)"
)


def paper_id(text: str, what: str = "paper") -> str:
    """The paper record id that `text` names, or a usage error saying why there is none."""
    value = text.strip()
    if PAPER_ID.fullmatch(value) and not _NEW_STYLE.match(value):
        return value  # a slug
    candidate = _PREFIX.sub("", value)
    url = _URL.match(candidate)
    if url is not None:
        candidate = url.group("id")
    match = _NEW_STYLE.match(candidate)
    if match is None:
        raise UsageError(
            f"{what} {text!r} is not a valid id (neither an arXiv id nor a slug): {_FORMS}"
        )
    bare = f"{match['yy']}{match['mm']}.{match['number']}"
    problem = _impossible(int(match["yy"]), int(match["mm"]), match["number"])
    if problem:
        raise UsageError(f"{what} {text!r} cannot be an arXiv id: {problem}")
    return bare


def _impossible(year: int, month: int, number: str) -> str | None:
    """Why an arXiv id with this YYMM and number was never issued, or None."""
    if not 1 <= month <= 12:
        return (
            f"its first four digits are the year and month (YYMM), and month {month:02d} does "
            "not exist"
        )
    if (year, month) < _FIRST:
        return "ids of the form YYMM.NNNN start in April 2007 (0704); give older papers a slug"
    today = datetime.date.today()
    if (2000 + year, month) > (today.year, today.month):
        return f"20{year:02d}-{month:02d} has not come yet"
    if (year, month) < _FIVE_DIGITS_FROM and len(number) != 4:
        return "ids up to 1412 (December 2014) have four digits after the dot, e.g. 1412.6062"
    if (year, month) >= _FIVE_DIGITS_FROM and len(number) != 5:
        return "ids from 1501 (January 2015) on have five digits after the dot, e.g. 1706.05587"
    return None


def arxiv_year_month(bare: str) -> tuple[str, str] | None:
    """('2016', '12') for the bare arXiv id '1612.01105'; None for a slug."""
    match = _BARE.match(bare)
    return (f"20{match['yy']}", match["mm"]) if match else None
