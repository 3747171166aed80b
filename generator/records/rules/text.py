"""Rules on how names are written: a name that mixes look-alike scripts (a Cyrillic 'Р' in
'PSPNet') or hides invisible characters can pass for another name, so both are warnings at the
name's line (acknowledged, when intended, by a 'kept' curation entry). Bidirectional control
characters are refused earlier, by the loader, wherever they stand."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from generator.problems import Problem, warning
from generator.records.model import Catalog, invisible_characters
from generator.records.yamlfile import Document, JsonPath

# Scripts whose letters look alike: mixing two of them in one name is how homoglyphs hide.
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


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
