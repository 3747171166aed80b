"""Rules on how names are written: a name that mixes look-alike scripts (a Cyrillic 'Р' in
'PSPNet') or hides invisible characters can pass for another name, so both are warnings at the
name's line (acknowledged, when intended, by a 'kept' curation entry). Bidirectional control
characters are refused earlier, by the loader, wherever they stand.

A result's names also go into the CSV downloads, where a spreadsheet takes a cell that begins
with '=', '+', '-' or '@' for a formula (and may run it: '=HYPERLINK(...)', '=WEBSERVICE(...)'),
so such a name is an error."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from generator.problems import Problem, error, warning
from generator.records.model import Catalog, invisible_characters
from generator.records.yamlfile import Document, JsonPath

# Scripts whose letters look alike: mixing two of them in one name is how homoglyphs hide.
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


# what a spreadsheet reads as the start of a formula (OWASP's list for CSV files)
FORMULA_STARTS = ("=", "+", "-", "@")
# a result's names that the CSV files write as they are
CSV_NAMES = ("model", "method", "backbone", "decode_head")


def _scripts(text: str) -> set[str]:
    if text.isascii():  # most names: Latin letters at most, and no character names to look up
        return {"LATIN"} if any(char.isalpha() for char in text) else set()
    found = set()
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script in _CONFUSABLE_SCRIPTS:
                found.add(script)
    return found


def _names(catalog: Catalog) -> Iterator[tuple[Document, JsonPath, str]]:
    """Every name a reader compares: models, methods, backbones, paper and dataset names."""
    for result in catalog.results:
        for key in ("model", "method", "backbone"):
            value = result.document.data.get(key)
            if isinstance(value, str):
                yield result.document, (key,), value
    for paper in catalog.papers.values():
        yield paper.document, ("title",), paper.title
    for dataset in catalog.datasets.values():
        yield dataset.document, ("name",), dataset.name


def names_are_plainly_written(catalog: Catalog) -> Iterator[Problem]:
    for document, path, name in _names(catalog):
        if name.isascii():  # most names: one script at most, and nothing invisible
            continue
        scripts = _scripts(name)
        if len(scripts) > 1:
            mixed = " and ".join(s.title() for s in sorted(scripts))
            yield warning(
                document.path,
                document.where(path),
                "mixed-script",
                f"{path[0]} {name!r} mixes {mixed} letters, which look alike; write it in one "
                "script (or acknowledge it with a 'kept' curation entry)",
            )
        hidden = invisible_characters(name)
        if hidden:
            yield warning(
                document.path,
                document.where(path),
                "invisible-character",
                f"{path[0]} {name!r} holds invisible characters ({', '.join(hidden)}); remove them",
            )


def names_are_not_formulas(catalog: Catalog) -> Iterator[Problem]:
    for result in catalog.results:
        for key in CSV_NAMES:
            value = result.document.data.get(key)
            if isinstance(value, str) and value.lstrip().startswith(FORMULA_STARTS):
                yield error(
                    result.document.path,
                    result.document.where((key,)),
                    "formula-like",
                    f"{key} {value!r} begins with {value.lstrip()[0]!r}, which a spreadsheet "
                    "opening the CSV downloads takes for a formula; begin the name with what "
                    "follows it",
                )
