"""Helpers for the impact tests: models from text, results built by hand."""

from __future__ import annotations

from pathlib import Path

import leadrules
from leadrules.engine import LeadResult

DATA = Path(__file__).parent / "data"


def model(tmp_path: Path, text: str, name: str = "m.lrules"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return leadrules.load(str(path))


def result(lead_id: str, score: int, tier: str | None) -> LeadResult:
    return LeadResult(lead_id, (("default", score),), score, tier)


def results(*rows: tuple[str, int, str | None]) -> list[LeadResult]:
    return [result(*row) for row in rows]
