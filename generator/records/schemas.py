"""JSON Schema checks for records, with messages that point at the offending line.

Valid records are the common case, so each record first meets a compiled validator
(jsonschema-rs) that only answers yes or no. Only a record it rejects is walked again by the
reference implementation (python-jsonschema), whose errors are turned into plain-spoken messages.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs

from generator.errors import UsageError
from generator.problems import Problem, error
from generator.records.yamlfile import Document, JsonPath

RECORD_KINDS = ("dataset", "paper", "metrics", "result")


class SchemaChecker:
    """Checks one kind of record against its JSON Schema."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._fast = jsonschema_rs.validator_for(schema)  # raises ValueError for a bad schema
        self._detailed: Any = None  # built the first time a record fails
        self.path: Path | str = "(schema)"

    def _explainer(self) -> Any:
        if self._detailed is None:
            import jsonschema  # imported only when a record fails: it costs a tenth of a second

            try:  # checked here, not on every run: importing jsonschema is the slow part
                jsonschema.Draft202012Validator.check_schema(self.schema)
            except jsonschema.SchemaError as exc:
                reason = str(exc).splitlines()[0]
                raise UsageError(
                    f"schema {self.path} is not a valid JSON Schema: {reason}"
                ) from None
            self._detailed = jsonschema.Draft202012Validator(self.schema)
        return self._detailed

    @classmethod
    def from_file(cls, path: Path) -> SchemaChecker:
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(
                f"missing schema file {path}; is this a segboard repository?"
            ) from None
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read schema {path}: {exc}") from None
        if not isinstance(schema, dict):
            raise UsageError(f"schema {path} is not a JSON object")
        try:
            checker = cls(schema)
        except ValueError as exc:
            reason = str(exc).splitlines()[0]
            raise UsageError(f"schema {path} is not a valid JSON Schema: {reason}") from None
        checker.path = path
        return checker

    def check(self, document: Document, skip_lines: set[int] | None = None) -> list[Problem]:
        if self._fast.is_valid(document.data):
            return []
        problems: dict[Problem, None] = {}  # each once: several subschemas can find the same
        for err in self._explainer().iter_errors(document.data):
            path = tuple(err.absolute_path)
            if any(path[: len(s)] == s for s in document.substituted):
                continue  # the loader already reported this value, and replaced it
            for problem in _problems_for(err, document):
                if skip_lines and problem.line in skip_lines:
                    continue  # the loader already reported what is wrong on this line
                problems[problem] = None
        return list(problems)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def _type_message(err: Any, document: Document, path: JsonPath) -> str:
    expected: list[str] = (
        err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
    )
    wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
    value = err.instance
    if isinstance(value, str) and any(t in ("number", "integer") for t in expected):
        try:
            float(value)
        except ValueError:
            pass
        else:
            return (
                f"expected {wanted}, found a number written as text ({value!r}); remove the quotes"
            )
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "string" in expected:
        text = document.number_text.get(path, repr(value))
        return f'expected {wanted}, but {text} is read as a number; quote it ("{text}")'
    return f"expected {wanted}, found {_describe(value)}"


def _suggestion(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _problems_for(err: Any, document: Document) -> Iterator[Problem]:
    path = tuple(err.absolute_path)
    where = document.where(path)
    kind = err.validator
    if kind == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(err.schema.get("properties", {}))
        for key in err.instance:
            if key not in allowed:
                hint = _suggestion(key, allowed) or f"; allowed fields: {', '.join(allowed)}"
                yield error(
                    document.path,
                    document.where((*path, key)),
                    "schema-unknown-field",
                    f"unknown field {key!r}{hint}",
                )
        return
    if kind == "required" and isinstance(err.instance, dict):
        for name in err.validator_value:
            if name not in err.instance:
                where_missing = where if path else document.where(())
                place = f" in {dotted(path)}" if path else ""
                yield error(
                    document.path,
                    where_missing,
                    "schema-required",
                    f"missing required field {name!r}{place}",
                )
        return
    field = dotted(path) if path else "the record"
    if "propertyNames" in err.schema_path:
        where = document.where((*path, err.instance))
        field = f"the key {err.instance!r} in {dotted(path)}"
    if kind == "type":
        message = _type_message(err, document, path)
    elif kind == "enum":
        choices = [str(c) for c in err.validator_value]
        hint = _suggestion(str(err.instance), choices)
        message = f"{err.instance!r} is not one of: {', '.join(choices)}{hint}"
    elif kind == "pattern":
        title = err.schema.get("title", "value")
        if title == "http(s) URL" and isinstance(err.instance, str) and ":" in err.instance:
            scheme = err.instance.split(":", 1)[0]
            if scheme.lower() not in ("http", "https"):
                message = f"only http(s) URLs are allowed, not {scheme!r} URLs"
                yield error(document.path, where, "schema-url", f"{field}: {message}")
                return
        description = err.schema.get("description", "")
        message = f"{err.instance!r} is not a valid {title}. {description}".rstrip()
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        relation = "at least" if "inimum" in kind else "at most"
        message = f"{err.instance!r} is out of range: it must be {relation} {err.validator_value}"
    elif kind == "minLength" and err.instance == "":
        message = "is empty"
    else:
        message = err.message
    yield error(document.path, where, f"schema-{kind}", f"{field}: {message}")


def texts(value: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every text in a record's (or a settings file's) data, with the path that leads to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts(item, (*path, index))


def dotted(path: JsonPath) -> str:
    """A path as a reader writes it: 'weights[0].url'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
