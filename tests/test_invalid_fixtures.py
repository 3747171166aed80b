"""Every validation rule has a failing fixture: tests/fixtures/invalid/*.yaml.

Each fixture says where it goes (`# place: data/...`) and what validation must report
(`# expect: LINE:COL RULE: message fragment`, one line per problem). The fixture is copied into a
pristine copy of the repository, and the problems reported for it must be exactly those.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator.records.validation import validate_repository

from .conftest import FIXTURES, copy_repository

EXPECT = re.compile(rb"^# expect: (\d+):(\d+) ([a-z0-9.-]+): (.+)$", re.MULTILINE)
PLACE = re.compile(rb"^# place: (\S+)$", re.MULTILINE)
FIXTURE_FILES = sorted((FIXTURES / "invalid").glob("*.yaml"))


def expectations(raw: bytes) -> list[tuple[int, int, str, str]]:
    return [
        (int(m[1]), int(m[2]), m[3].decode(), m[4].decode().strip()) for m in EXPECT.finditer(raw)
    ]


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[f.stem for f in FIXTURE_FILES])
def test_fixture_reports_exactly_its_problems(fixture: Path, tmp_path: Path) -> None:
    raw = fixture.read_bytes()
    place = PLACE.search(raw)
    assert place, f"{fixture.name} has no '# place:' line"
    expected = expectations(raw)
    assert expected, f"{fixture.name} has no '# expect:' line"
    root = copy_repository(tmp_path / "repo")
    target = root / place[1].decode()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw)

    report = validate_repository(root)
    found = [p for p in report.problems + report.acknowledged if p.path == target]
    others = [p for p in report.problems if p.path != target]
    assert not others, f"problems elsewhere: {others}"
    got = sorted((p.line, p.column, p.rule) for p in found)
    assert got == sorted((line, col, rule) for line, col, rule, _ in expected), [
        f"{p.line}:{p.column} {p.rule}: {p.message}" for p in found
    ]
    for line, col, rule, fragment in expected:
        messages = [p.message for p in found if (p.line, p.column, p.rule) == (line, col, rule)]
        assert any(fragment in m for m in messages), (fragment, messages)


def literal_rule_ids() -> set[str]:
    """Rule ids passed as literals to error(), warning() and report() in the generator."""
    import generator

    ids = set()
    for source in Path(generator.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            index = {"error": 2, "warning": 2, "report": 1}.get(name)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                ids.add(arg.value)
    return ids


def test_every_rule_has_a_fixture() -> None:
    """A new rule needs a failing fixture, or a unit test named in TESTED_ELSEWHERE."""
    covered = {rule for f in FIXTURE_FILES for _, _, rule, _ in expectations(f.read_bytes())}
    tested_elsewhere = {  # files that cannot carry '# expect:' comments; see test_loader.py
        "empty",
        "too-large",
        "encoding",
        "missing-catalogue",
        "unreadable",
        "file-kind",  # symbolic links and FIFOs: test_loader.py
        "yaml-depth",
        "evidence-mismatch",  # needs a real evidence file: test_evidence.py
        "seed-missing",  # findings in the seed tables, not in a record: test_seed.py
        "seed-differs",
        "seed-order",
        "seed-tables",
    }
    rule_ids = literal_rule_ids()
    assert len(rule_ids) > 40
    missing = rule_ids - covered - tested_elsewhere
    assert not missing, f"rules without a failing fixture: {sorted(missing)}"
