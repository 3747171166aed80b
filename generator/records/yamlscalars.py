"""How every node of a record's YAML becomes a value: YAML 1.2's core schema, strictly.

libyaml composes the node tree (with a resolver that types nothing); `Builder` then decides
what each plain scalar means, reports every value that YAML 1.1 tools read differently (``no``,
``on``, ``1:20``, ``0755``, unquoted dates, ``1e3``), tags, aliases and duplicate keys, and keeps
the text of every number and, on request, where each value stands. It never reads files.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator.problems import Position, Problem, error

JsonPath = tuple[str | int, ...]
MAX_DEPTH = 32
# A score or a count needs far fewer; longer ones overflow floats or Python's int parsing limit.
MAX_NUMBER_CHARACTERS = 40

_IMPLICIT = "!"  # what our resolver answers for every untagged node
_STR_TAG = "tag:yaml.org,2002:str"

_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")
_EXPONENT_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?")
_YAML12_OCTAL = re.compile(r"0o[0-7]+")  # a number to YAML 1.2 tools, text to YAML 1.1 tools

_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_YAML11_BOOLS = {
    word
    for base in ("yes", "no", "on", "off", "y", "n")
    for word in (base, base.capitalize(), base.upper())
}
_NOT_FINITE = {
    word
    for base in (".inf", "+.inf", "-.inf", ".nan")
    for word in (base, base.replace("inf", "Inf").replace("nan", "NaN"), base.upper())
}
_SPECIAL_WORDS = _NULLS | _TRUE | _FALSE | _YAML11_BOOLS | _NOT_FINITE
_NUMERIC_START = frozenset("0123456789+-.")
# Characters that reorder how text is displayed (Trojan Source): a name holding one can show
# something other than what it says.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Control characters (NUL, a terminal's escape, C1 codes): they do not show, and some change the
# terminal that prints them. A tab or a line break is text; the schema says where it may be.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HIDDEN = re.compile(f"{BIDI.pattern}|{_CONTROL.pattern}")


def bidi_message(character: str) -> str:
    name = unicodedata.name(character, f"U+{ord(character):04X}")
    return (
        f"an invisible bidirectional control character (U+{ord(character):04X} {name}) "
        "can make this text display differently from what it holds; remove it"
    )


class _Resolver(yaml.resolver.BaseResolver):
    """Answers one neutral tag for every untagged node: typing happens in `Builder`."""

    def resolve(self, _kind: type, _value: Any, _implicit: Any) -> str:
        return _IMPLICIT

    def descend_resolver(self, _current_node: Any, _current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class Composer(CParser, _Resolver):
    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _Resolver.__init__(self)


def position(node: Any) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


class Builder:
    """Turns a composed node tree into plain data, collecting problems (and positions if asked)."""

    def __init__(
        self,
        path: Path,
        track_aliases: bool,
        track_positions: bool = False,
        written_bidi: frozenset[str] = frozenset(),
    ) -> None:
        self.path = path
        # bidirectional controls written as they are in the file, which yamlfile reports with
        # their exact place: only those written as escapes are left to report here
        self.written_bidi = written_bidi
        self.problems: list[Problem] = []
        self.positions: dict[JsonPath, Position] = {}
        self.track_positions = track_positions
        self.number_text: dict[JsonPath, str] = {}
        self.seen: set[int] | None = set() if track_aliases else None
        self.alias_reported = False
        self.root_position: Position = (1, 1)
        self.substituted: set[JsonPath] = set()

    def report(self, where: Position, rule: str, message: str) -> None:
        self.problems.append(error(self.path, where, rule, message))

    def build(self, node: Any, json_path: JsonPath, depth: int) -> Any:
        if depth == 0:
            self.root_position = position(node)
        if self.seen is not None:
            if id(node) in self.seen:
                if not self.alias_reported:
                    self.alias_reported = True
                    self.report(
                        position(node),
                        "yaml-alias",
                        "the value anchored here (&name) is reused through an alias (*name); "
                        "records do not allow aliases: write the value out in full",
                    )
                self.substituted.add(json_path)
                return None
            self.seen.add(id(node))
        if node.tag != _IMPLICIT:
            self.report(
                position(node),
                "yaml-tag",
                f"the YAML tag {node.tag!r} is not allowed in records; remove it "
                "(quote the value if it should be text)",
            )
            self.substituted.add(json_path)
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, json_path)
        if depth >= MAX_DEPTH:
            self.report(
                position(node), "yaml-depth", f"values are nested deeper than {MAX_DEPTH} levels"
            )
            self.substituted.add(json_path)
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, json_path, depth)
        return self.sequence(node, json_path, depth)

    def mapping(self, node: MappingNode, json_path: JsonPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            # the common case: a plain, untagged word that cannot mean anything but text
            if not (
                isinstance(key, str)  # a scalar's (a sequence or mapping holds a list)
                and key_node.tag == _IMPLICIT
                and key_node.style == ""
                and key
                and key[0] not in _NUMERIC_START
                and key not in _SPECIAL_WORDS
            ):
                key = self.key(key_node)
                if key is None:
                    continue
            if key in first_seen:
                self.report(
                    position(key_node),
                    "yaml-duplicate-key",
                    f"duplicate key {key!r}; it was first given at line "
                    f"{first_seen[key].start_mark.line + 1}. Keep one of them",
                )
                continue
            key = sys.intern(key)  # field names repeat in every record: share one string
            first_seen[key] = key_node
            child_path = (*json_path, key)
            if self.track_positions:
                self.positions[child_path] = position(key_node)
            result[key] = self.build(value_node, child_path, depth + 1)
        return result

    def key(self, node: Any) -> str | None:
        where = position(node)
        if not isinstance(node, ScalarNode) or node.tag != _IMPLICIT:
            self.report(where, "yaml-key", "a key must be plain text (a field name)")
            return None
        value = self.scalar(node, None)
        if not isinstance(value, str):
            self.report(
                where,
                "yaml-key",
                f"the key {node.value!r} is not read as text; field names are words like "
                "'model' or 'score'",
            )
            return None
        return value

    def sequence(self, node: SequenceNode, json_path: JsonPath, depth: int) -> list[Any]:
        items = []
        for index, item_node in enumerate(node.value):
            child_path = (*json_path, index)
            if self.track_positions:
                self.positions[child_path] = position(item_node)
            items.append(self.build(item_node, child_path, depth + 1))
        return items

    def scalar(self, node: ScalarNode, json_path: JsonPath | None) -> Any:
        value: Any
        text = node.value
        if node.style != "":  # quoted or block scalar: always text
            if node.style == '"' and _HIDDEN.search(text):  # only escapes can write these
                self.hidden_characters(node, text)
            return text
        if text in _SPECIAL_WORDS:
            reported = len(self.problems)
            value = self.special_word(node, text)
            if json_path is not None and len(self.problems) > reported:
                self.substituted.add(json_path)
            return value
        if text[0] not in _NUMERIC_START:
            return text
        plain_number = _DECIMAL_INT.fullmatch(text) or _DECIMAL_FLOAT.fullmatch(text)
        if plain_number and len(text) > MAX_NUMBER_CHARACTERS:
            self.report(
                position(node),
                "yaml-number-size",
                f"a number of {len(text):,} characters ({text[:12]}...); records hold numbers of "
                f"at most {MAX_NUMBER_CHARACTERS} characters",
            )
            if json_path is not None:
                self.substituted.add(json_path)
            return None
        if _DECIMAL_INT.fullmatch(text):
            value = int(text)
        elif _DECIMAL_FLOAT.fullmatch(text):
            value = float(text)
        else:
            reported = len(self.problems)
            self.check_yaml11_number(node, text)
            if json_path is not None and len(self.problems) > reported:
                self.substituted.add(json_path)
            return text
        if json_path is not None:
            self.number_text[json_path] = text
        return value

    def hidden_characters(self, node: ScalarNode, text: str) -> None:
        """Report each character of `text` (written with an escape such as \\u202e or \\e)
        that the loader refuses in the file itself: bidirectional and other control
        characters."""
        for character in dict.fromkeys(m.group() for m in _HIDDEN.finditer(text)):
            if BIDI.fullmatch(character):
                if character not in self.written_bidi:
                    self.report(position(node), "text-bidi", bidi_message(character))
            else:
                self.report(
                    position(node),
                    "text-control",
                    f"a control character (U+{ord(character):04X}), written as an escape: it "
                    "does not show, and some change the terminal that prints them; remove it",
                )

    def special_word(self, node: ScalarNode, text: str) -> Any:
        if text in _NULLS:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text in _YAML11_BOOLS:
            self.report(
                position(node),
                "yaml-1.1-boolean",
                f"{text!r} is read as a boolean by YAML 1.1 tools and as text by YAML 1.2 "
                f'tools; write true or false, or quote it ("{text}") if you mean the word',
            )
            return text
        self.report(
            position(node),
            "yaml-not-finite",
            f"{text!r} is not a finite number; records hold finite numbers only",
        )
        return None

    def check_yaml11_number(self, node: ScalarNode, text: str) -> None:
        """Report plain scalars that some YAML version reads as a number or a date."""
        where = position(node)
        if _EXPONENT_NUMBER.fullmatch(text):
            plain = repr(float(text))
            self.report(
                where,
                "yaml-exponent",
                f"{text!r} is read as text by YAML 1.1 tools and as a number by YAML 1.2 tools; "
                f"write the number without an exponent ({plain})",
            )
            return
        if _TIMESTAMP.fullmatch(text):
            self.report(
                where,
                "yaml-1.1-date",
                f'{text!r} is read as a date by YAML 1.1 tools; quote it ("{text}")',
            )
            return
        yaml11_tag = yaml.resolver.Resolver().resolve(ScalarNode, text, (True, False))
        if _SEXAGESIMAL.fullmatch(text) and yaml11_tag.endswith(("int", "float")):
            self.report(
                where,
                "yaml-1.1-sexagesimal",
                f"{text!r} is read as a base-60 number by YAML 1.1 tools; quote it "
                f'("{text}") if it is text',
            )
        elif yaml11_tag.endswith(("int", "float")) or _YAML12_OCTAL.fullmatch(text):
            self.report(
                where,
                "yaml-1.1-number",
                f"{text!r} is read differently by YAML 1.1 and YAML 1.2 tools (hex, octal, "
                "leading zeros or '_' separators); write a plain decimal number, or quote it",
            )
