"""Shared by the fmt tests: the files formatted in snapshot tests, and a formatting helper."""

from __future__ import annotations

import re
from pathlib import Path

from leadrules.syntax.formatter import format_text

ROOT = Path(__file__).resolve().parents[2]
INPUTS = Path(__file__).resolve().parent / "inputs"


def corpus_files() -> list[Path]:
    """Every valid corpus file, the examples and this folder's ugly inputs."""
    files = sorted((ROOT / "tests" / "corpus" / "valid").rglob("*.lrules"))
    files += sorted((ROOT / "examples").glob("*.lrules"))
    files += sorted(INPUTS.glob("*.lrules"))
    return files


def file_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def fmt(text: str | bytes) -> str:
    """Format text that must parse."""
    result = format_text(text, "t.lrules")
    assert result.text is not None, result.diagnostics
    return result.text


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def assert_canonical_lines(out: str) -> None:
    """The layout rules that can be seen line by line in any formatted text."""
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n"))
    assert "\r" not in out and not out.startswith("\n") and "\n\n\n" not in out
    for line in out.split("\n"):
        assert line == line.rstrip(), f"trailing blanks: {line!r}"
        indent = len(line) - len(line.lstrip(" "))
        assert indent in (0, 2), f"indentation is 0 or 2 spaces: {line!r}"
        code = _STRING.sub('""', line).split("#", 1)[0]
        assert "  " not in code.strip(), f"one space between tokens: {line!r}"
        assert not re.search(r"[(\[] | [)\],:]", code), f"no space inside brackets: {line!r}"
