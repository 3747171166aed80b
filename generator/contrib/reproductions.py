"""Linking reproductions to the claims they re-implement (`segboard link-reproductions`).

A reproduction names its claim (`reproduces:`) when exactly one claim on its leaderboard has
the same method, backbone, training crop, extra training data, test-time augmentation and, where
both say it, pre-training data. Backbone names are compared loosely ('R-101-D8' is 'ResNet-101',
'ViT-B_16' is 'ViT-B/16'); everything else must be equal. Two candidate claims, or none, and the
reproduction stays unlinked: a wrong link would put a number beside the wrong claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.atomic_files import write_atomic
from generator.records.model import Catalog, Result, name_key
from generator.records.validation import validate_repository
from generator.records.yamlfile import load_text

_OUTPUT_STRIDE = re.compile(r"(d8|d16|d32|mg124)+$")


def backbone_key(text: str | None) -> str:
    """'R-101-D8', 'ResNet-101' -> 'r101'; 'ViT-B_16' -> 'vitb16'."""
    key = re.sub(r"[^a-z0-9]", "", (text or "").lower())
    key = re.sub(r"^resnet", "r", key).replace("hrnetv2p", "hrnetv2")
    return _OUTPUT_STRIDE.sub("", key)


def _setting(result: Result) -> tuple[object, ...]:
    return (
        result.dataset,
        result.split,
        name_key(result.method),
        backbone_key(result.backbone),
        result.settings.crop_size,
        frozenset(result.extra_training_data),
        frozenset(result.test_time_augmentation),
    )


def _same_pretraining(claim: Result, reproduction: Result) -> bool:
    said = claim.settings.pretraining_data, reproduction.settings.pretraining_data
    return not all(said) or set(said[0]) == set(said[1])


def _same_head(claim: Result, reproduction: Result) -> bool:
    """Heads agree when either is unknown, one name extends the other ('Mask', 'Mask
    Transformer', 'PSPHead' and 'PSPNet'), or the reproduction names the method's own head
    ('SegFormerHead' for SegFormer)."""

    def key(text: str | None) -> str:
        return re.sub(r"[^a-z0-9]", "", (text or "").lower()).removesuffix("head")

    ours, theirs = key(claim.settings.decode_head), key(reproduction.settings.decode_head)
    if not ours or not theirs or ours.startswith(theirs) or theirs.startswith(ours):
        return True
    return theirs == key(reproduction.method)


@dataclass(frozen=True)
class Link:
    reproduction: Result
    claim: Result


def find_links(catalog: Catalog) -> list[Link]:
    """A link for every unlinked reproduction that matches exactly one claim."""
    claims: dict[tuple[object, ...], list[Result]] = {}
    for result in catalog.results:
        if result.is_ranked and result.settings.crop_size and result.backbone:
            claims.setdefault(_setting(result), []).append(result)
    links = []
    for result in catalog.results:
        if not result.is_reproduction or result.reproduces:
            continue
        candidates = [
            c
            for c in claims.get(_setting(result), [])
            if _same_pretraining(c, result) and _same_head(c, result)
        ]
        if len(candidates) == 1:
            links.append(Link(result, candidates[0]))
    return links


def link_reproductions(root: Path, dry_run: bool = False) -> tuple[list[Link], list[str]]:
    """Write `reproduces:` into every reproduction that matches one claim: the links made, and
    a message for each record whose text the line could not safely be added to (left as it
    was)."""
    catalog = validate_repository(root).require_ok("linking reproductions")
    links, refused = [], []
    for link in find_links(catalog):
        document = link.reproduction.document
        text = document.path.read_text(encoding="utf-8")
        linked = text.rstrip("\n") + f"\nreproduces: {link.claim.id}\n"
        if _reads_as(linked, document.path) != {**document.data, "reproduces": link.claim.id}:
            refused.append(
                f"{document.path}: adding 'reproduces: {link.claim.id}' at its end would change "
                "what the record says (it ends in a way YAML reads differently, such as '...'); "
                "add the line by hand"
            )
            continue
        if not dry_run:
            write_atomic(document.path, linked)
        links.append(link)
    return links, refused


def _reads_as(text: str, path: Path) -> object:
    """What a record's text holds, or None when it does not load cleanly."""
    loaded = load_text(text, path)
    return None if loaded.problems or loaded.document is None else loaded.document.data
