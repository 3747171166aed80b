"""The JSON Schemas: valid draft 2020-12, documented, closed, and consistent with each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import FIXTURE_REPO, REPO

SCHEMAS = sorted((REPO / "schema").glob("*.schema.json"))
KIND_OF = {"datasets": "dataset", "papers": "paper", "results": "result"}


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def subschemas(node: Any, where: str = "#"):
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from subschemas(value, f"{where}/{index}")


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_valid_and_documented(path: Path) -> None:
    schema = load(path)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:segboard:schema:")
    assert schema["title"] and schema["description"]
    for where, node in subschemas(schema):
        if not where.endswith("/properties"):
            continue
        for name, prop in node.items():
            assert prop.get("title"), f"{path.name} {where}/{name} has no title"
            assert prop.get("description"), f"{path.name} {where}/{name} has no description"
        if isinstance(node, dict):
            parent = where[: -len("/properties")]
            owner = dict(subschemas(schema))[parent]
            assert owner.get("additionalProperties") is False, f"{path.name} {parent} is open"


def test_shared_definitions_are_identical() -> None:
    """Each schema is self-contained (editors need no network); shared $defs must not drift."""
    seen: dict[str, tuple[str, Any]] = {}
    for path in SCHEMAS:
        for name, definition in load(path)["$defs"].items():
            if name in seen:
                assert definition == seen[name][1], f"$defs/{name} differs: {path.name}"
            else:
                seen[name] = (path.name, definition)


def record_files() -> list[Path]:
    return sorted((FIXTURE_REPO / "data").rglob("*.yaml"))


def kind_of(path: Path) -> str:
    parts = path.relative_to(FIXTURE_REPO / "data").parts
    return "metrics" if parts == ("metrics.yaml",) else KIND_OF[parts[0]]


@pytest.mark.parametrize(
    "path", record_files(), ids=lambda p: str(p.relative_to(FIXTURE_REPO / "data"))
)
def test_every_record_points_editors_at_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), path
    target = (path.parent / first[len(prefix) :]).resolve()
    assert target == FIXTURE_REPO / "schema" / f"{kind_of(path)}.schema.json"  # copied in


@pytest.mark.parametrize(
    "path", record_files(), ids=lambda p: str(p.relative_to(FIXTURE_REPO / "data"))
)
def test_every_record_passes_the_reference_validator(path: Path) -> None:
    """Positive examples, checked by python-jsonschema alone (independent of segboard's loader)."""
    schema = load(REPO / "schema" / f"{kind_of(path)}.schema.json")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
