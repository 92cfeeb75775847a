"""The shared corpus: every valid file checks clean, every invalid file gives the diagnostics in
its snapshot (text as the user sees it, and JSON). Codes and lines are also asserted directly
against `# expect:`-free expectations below, so a snapshot update cannot hide a lost error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadrules.check import check
from leadrules.cli import main
from leadrules.diagnostics import CODES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
VALID = sorted((CORPUS / "valid").glob("*.lrules"))
INVALID = sorted((CORPUS / "invalid").glob("*.lrules"))

# file -> the (code, line) pairs it must report, whatever the wording
EXPECTED = {
    "syntax_errors": [
        ("LR0001", 2),
        ("LR0001", 6),
        ("LR0002", 7),
        ("LR0001", 8),
        ("LR0001", 9),
        ("LR0004", 12),
    ],
    "first_mistakes": [
        ("LR0001", 6),
        ("LR0002", 7),
        ("LR0001", 8),
        ("LR0001", 9),
        ("LR0001", 10),
        ("LR0001", 11),
        ("LR0002", 12),
    ],
    "names": [
        ("LR0110", 3),
        ("LR0103", 6),
        ("LR0111", 8),
        ("LR0101", 10),
        ("LR0101", 11),
        ("LR0101", 12),
        ("LR0102", 13),
        ("LR0105", 14),
    ],
    "types": [
        ("LR0113", 6),
        ("LR0203", 7),
        ("LR0202", 9),
        ("LR0201", 10),
        ("LR0201", 11),
        ("LR0204", 12),
        ("LR0206", 13),
        ("LR0206", 14),
        ("LR0103", 15),
        ("LR0201", 16),
        ("LR0201", 17),
        ("LR0207", 18),
    ],
    "numbers": [
        ("LR0302", 2),
        ("LR0301", 3),
        ("LR0301", 4),
        ("LR0302", 5),
        ("LR0304", 6),
        ("LR0305", 7),
        ("LR0303", 8),
        ("LR0303", 9),
    ],
    "tiers": [("LR0503", 9), ("LR0502", 10), ("LR0501", 12), ("LR0501", 13)],
    "rule_warnings": [
        ("LR0602", 3),
        ("LR0602", 5),
        ("LR0602", 6),
        ("LR0602", 7),
        ("LR0601", 9),
        ("LR0601", 10),
        ("LR0601", 11),
        ("LR0603", 12),
        ("LR0501", 15),
    ],
    "tests_and_automations": [
        ("LR0104", 8),
        ("LR0701", 11),
        ("LR0701", 12),
        ("LR0301", 13),
        ("LR0106", 15),
        ("LR0102", 16),
        ("LR0103", 17),
        ("LR0105", 18),
        ("LR0104", 19),
        ("LR0702", 21),
        ("LR0702", 22),
        ("LR0702", 23),
        ("LR0702", 24),
        ("LR0007", 27),
        ("LR0702", 28),
    ],
    "missing_import": [("LR0401", 1)],
    "cycle_a": [("LR0402", 1)],
    "cycle_b": [("LR0402", 1)],
    "duplicates": [
        ("LR0112", 2),
        ("LR0110", 4),
        ("LR0110", 5),
        ("LR0110", 6),
        ("LR0110", 7),
        ("LR0110", 12),
        ("LR0110", 15),
        ("LR0110", 17),
    ],
}


def _exit_code(path: Path) -> int:
    """1 when the file has an error, 0 when it has only warnings."""
    return int(any(CODES[code][0] == "error" for code, _line in EXPECTED[path.stem]))


def _rel(path: Path) -> str:
    return str(path.relative_to(CORPUS.parent.parent))


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(CORPUS.parent.parent)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_files_check_clean(path, in_repo):
    result = check(_rel(path))
    assert result.diagnostics == []
    assert result.model is not None


def test_every_invalid_file_has_expectations():
    assert sorted(p.stem for p in INVALID) == sorted(EXPECTED)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_codes_and_lines(path, in_repo):
    result = check(_rel(path))
    got = [(d.code, d.span.line) for d in result.diagnostics]
    assert got == EXPECTED[path.stem]
    if any(d.is_error for d in result.diagnostics):
        assert result.model is None


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_text_snapshot(path, in_repo, snapshot):
    out = CliRunner().invoke(main, ["check", _rel(path)])
    assert out.exit_code == _exit_code(path)
    assert out.stdout == snapshot


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_json_snapshot(path, in_repo, snapshot):
    out = CliRunner().invoke(main, ["check", "--format", "json", _rel(path)])
    assert out.exit_code == _exit_code(path)
    doc = json.loads(out.stdout)
    assert {tuple(sorted(d)) for d in doc} == {
        ("code", "col", "end_col", "end_line", "help", "line", "message", "path", "severity")
    }
    assert doc == snapshot
