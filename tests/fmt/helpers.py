"""Shared by the fmt tests: the files formatted in snapshot tests, and a formatting helper."""

from __future__ import annotations

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
