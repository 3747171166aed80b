"""The validated model: typed records built from documents that passed their schema."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.records.yamlfile import Document

# Name suffixes that stand for structured fields: " + COCO" means extra training data "coco".
NAME_SUFFIXES: dict[str, tuple[str, str]] = {
    "COCO": ("extra_training_data", "coco"),
    "ImageNet": ("extra_training_data", "imagenet"),
    "ImageNet-22K": ("extra_training_data", "imagenet-22k"),
    "JFT-300M": ("extra_training_data", "jft-300m"),
    "SBD": ("extra_training_data", "sbd"),
    "Coarse": ("extra_training_data", "cityscapes-coarse"),
    "Mapillary": ("extra_training_data", "mapillary-vistas"),
    "ADE20K": ("extra_training_data", "ade20k"),
    "Objects365": ("extra_training_data", "objects365"),
    "MS": ("test_time_augmentation", "multi-scale"),
    "Flip": ("test_time_augmentation", "flip"),
}


def split_model_name(name: str) -> tuple[str, list[str]]:
    """'PSPNet-ResNet-101 + COCO + MS' -> ('PSPNet-ResNet-101', ['COCO', 'MS']).

    Only known suffixes at the end are split off, so a '+' inside a model's own name stays.
    """
    parts = name.split(" + ")
    suffixes: list[str] = []
    while len(parts) > 1 and parts[-1].strip() in NAME_SUFFIXES:
        suffixes.insert(0, parts.pop().strip())
    return " + ".join(parts).strip(), suffixes


# Invisible characters that make two names look alike but compare different.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")


def comparable(text: str) -> str:
    """The form names are compared in for duplicates: Unicode-normalised (NFKC, so full-width
    and compatibility forms count as their plain letters), invisible characters removed, and
    case folded."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def invisible_characters(text: str) -> list[str]:
    """The invisible characters a name holds, as U+XXXX codes."""
    return [f"U+{ord(c):04X}" for c in _INVISIBLE.findall(text)]


def name_key(text: str) -> str:
    """The form two names are compared in: "Mean IoU", "mean_iou" and "mean-iou" are one name."""
    return re.sub(r"[\s_-]+", "_", comparable(text).strip())


@dataclass(frozen=True, slots=True)
class Split:
    id: str
    name_en: str
    name_zh: str
    images: int
    labels: str


@dataclass(frozen=True, slots=True)
class Leaderboard:
    dataset: str
    split: str
    metric: str


@dataclass(slots=True)
class Dataset:
    id: str
    name: str
    data: dict[str, Any]
    document: Document
    splits: dict[str, Split]
    leaderboards: list[Leaderboard]
    metrics: list[str]

    @classmethod
    def from_document(cls, document: Document) -> Dataset:
        data = document.data
        splits = {
            s["id"]: Split(s["id"], s["name"]["en"], s["name"]["zh"], s["images"], s["labels"])
            for s in data["splits"]
        }
        boards = [Leaderboard(data["id"], b["split"], b["metric"]) for b in data["leaderboards"]]
        return cls(data["id"], data["name"], data, document, splits, boards, list(data["metrics"]))


@dataclass(frozen=True, slots=True)
class CodeRepository:
    url: str
    framework: str
    official: bool


@dataclass(slots=True)
class Paper:
    id: str
    title: str
    url: str
    date: str
    venue: str | None
    code: list[CodeRepository]
    document: Document

    @classmethod
    def from_document(cls, document: Document) -> Paper:
        data = document.data
        code = [
            CodeRepository(c["url"], c["framework"], c["official"]) for c in data.get("code", [])
        ]
        return cls(
            data["id"], data["title"], data["url"], data["date"], data.get("venue"), code, document
        )


@dataclass(slots=True)
class Metric:
    id: str
    short_name: str
    name_en: str
    name_zh: str
    higher_is_better: bool
    minimum: float
    maximum: float
    combine: str | None
    components: list[str]
    index: int  # position in the catalogue, for its JSON path
    aliases: list[str]  # names other tools give it, for the importers

    @property
    def is_percentage(self) -> bool:
        """Whether values are percentages (range 0-100), so 0.812 is likely a fraction of 1."""
        return self.minimum == 0 and self.maximum == 100

    @classmethod
    def from_data(cls, data: dict[str, Any], index: int) -> Metric:
        derived = data.get("derived") or {}
        return cls(
            data["id"],
            data["short_name"],
            data["name"]["en"],
            data["name"]["zh"],
            data["higher_is_better"],
            data["range"][0],
            data["range"][1],
            derived.get("combine"),
            list(derived.get("components", [])),
            index,
            list(data.get("aliases", [])),
        )


@dataclass(frozen=True, slots=True)
class Weights:
    url: str
    framework: str


@dataclass(frozen=True, slots=True)
class Curation:
    field: str
    action: str
    reason: str
    source: str | None
    has_published: bool
    published: Any


REPRODUCTION = "reproduction"  # the source kind of a third party's re-implementation
AGGREGATOR = "aggregator"  # the source kind of a third party's collection (Papers with Code)
# every source kind of the result schema, in the order the site counts them
SOURCE_KINDS = ("paper", "model-zoo", "evaluation-server", "leaderboard", REPRODUCTION, AGGREGATOR)
UNRANKED_KINDS = frozenset({REPRODUCTION, AGGREGATOR})  # shown beside the claims, not ranked


@dataclass(frozen=True, slots=True)
class Settings:
    """What makes two scores comparable, beyond extra data and test-time augmentation."""

    decode_head: str | None = None
    pretraining_data: tuple[str, ...] = ()
    crop_size: tuple[int, int] | None = None
    parameters_m: float | None = None
    flops_g: float | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Settings:
        crop = data.get("crop_size")
        return cls(
            data.get("decode_head"),
            tuple(data.get("pretraining_data", ())),
            (int(crop[0]), int(crop[1])) if crop else None,
            data.get("parameters_m"),
            data.get("flops_g"),
        )


@dataclass(slots=True)
class Result:
    id: str  # "<dataset>/<split>/<slug>", from the file's place
    dataset: str
    split: str
    model: str
    method: str
    backbone: str | None
    paper: str
    metrics: dict[str, float]
    extra_training_data: tuple[str, ...]
    test_time_augmentation: tuple[str, ...]
    weights: tuple[Weights, ...]
    source_kind: str
    source_url: str
    curation: tuple[Curation, ...]
    evidence: dict[str, str] | None
    notes: str | None
    document: Document
    base_name: str  # the model name without its structured suffixes
    settings: Settings = field(default_factory=Settings)
    reproduces: str | None = None  # for a reproduction: the id of the claim it re-implements

    @property
    def is_reproduction(self) -> bool:
        return self.source_kind == REPRODUCTION

    @property
    def is_aggregated(self) -> bool:
        return self.source_kind == AGGREGATOR

    @property
    def is_ranked(self) -> bool:
        """Whether the result is ranked with the claims (reproductions and aggregated rows
        are shown beside them)."""
        return self.source_kind not in UNRANKED_KINDS

    @classmethod
    def from_document(cls, result_id: str, document: Document) -> Result:
        data = document.data
        curation = tuple(
            Curation(
                c["field"],
                c["action"],
                c["reason"],
                c.get("source"),
                "published" in c,
                c.get("published"),
            )
            for c in data.get("curation", [])
        )
        return cls(
            result_id,
            data["dataset"],
            data["split"],
            data["model"],
            data["method"],
            data.get("backbone"),
            data["paper"],
            dict(data["metrics"]),
            tuple(data.get("extra_training_data", ())),
            tuple(data.get("test_time_augmentation", ())),
            tuple(Weights(w["url"], w["framework"]) for w in data.get("weights", ())),
            data["source"]["kind"],
            data["source"]["url"],
            curation,
            data.get("evidence"),
            data.get("notes"),
            document,
            split_model_name(data["model"])[0],
            Settings.from_data(data),
            data.get("reproduces"),
        )

    def published_text(self, metric: str) -> str:
        """The metric value as written in the record ('80.60' keeps its trailing zero)."""
        text = self.document.number_text.get(("metrics", metric))
        return text if text is not None else repr(self.metrics[metric])


@dataclass
class Catalog:
    """Every record that passed its schema, by id; results in the order of their ids."""

    root: Path
    datasets: dict[str, Dataset] = field(default_factory=dict)
    papers: dict[str, Paper] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    metrics_document: Document | None = None
    results: list[Result] = field(default_factory=list)
    # ids whose record exists but failed its schema: references to them are not reported again
    broken_datasets: set[str] = field(default_factory=set)
    broken_papers: set[str] = field(default_factory=set)
    metrics_broken: bool = False
    # results whose every metric was recomputed from their evidence file
    verified: set[str] = field(default_factory=set)

    def results_by_id(self) -> dict[str, Result]:
        """The results by id (a new index: callers that need it often make it once)."""
        return {result.id: result for result in self.results}

    def datasets_introduced(self) -> dict[str, list[str]]:
        """Paper id -> the ids of the datasets whose records name it as their own paper (the
        one that introduced them), in id order (a new index, as results_by_id)."""
        found: dict[str, list[str]] = {}
        for dataset_id in sorted(self.datasets):
            paper = self.datasets[dataset_id].data.get("paper")
            if paper:
                found.setdefault(paper, []).append(dataset_id)
        return found

    def leaderboards(self) -> list[Leaderboard]:
        return [
            board
            for dataset_id in sorted(self.datasets)
            for board in self.datasets[dataset_id].leaderboards
        ]
