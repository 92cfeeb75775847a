"""The shared corpus: every valid file checks clean, every invalid file gives the diagnostics in
its snapshot (text as the user sees it, and JSON). Codes and lines are also asserted directly
against the `# expect: LR....` comment on each offending line of the corpus file, so a snapshot
update cannot hide a lost error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadrules.check import check
from leadrules.cli import main
from leadrules.diagnostics import CODES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
VALID = sorted((CORPUS / "valid").glob("*.lrules"))
INVALID = sorted((CORPUS / "invalid").glob("*.lrules"))

# `# expect: LR0101 [LR0102 ...]` at the end of a line: the codes reported on that line, in order
EXPECT = re.compile(r"#\s*expect:\s*((?:LR\d{4}\s*)+)$")


def expected(path: Path) -> list[tuple[str, int]]:
    """The (code, line) pairs `path` must report, read from its `# expect:` comments."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        found = EXPECT.search(line)
        if found:
            out += [(code, number) for code in found.group(1).split()]
    return out


def _exit_code(path: Path) -> int:
    """1 when the file has an error, 0 when it has only warnings."""
    return int(any(CODES[code][0] == "error" for code, _line in expected(path)))


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


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_every_invalid_file_has_expectations(path):
    assert expected(path) != []


def test_expectations_are_read_from_the_line():
    assert EXPECT.search("a > 1: +5  # expect: LR0201 LR0202").group(1).split() == [
        "LR0201",
        "LR0202",
    ]
    assert EXPECT.search("# expect nothing here") is None


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_codes_and_lines(path, in_repo):
    result = check(_rel(path))
    got = [(d.code, d.span.line) for d in result.diagnostics]
    assert got == expected(path)
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
