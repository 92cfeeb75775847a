"""Shared test helpers.

`need(condition, reason)`: a test that needs something this machine may lack (a PostgreSQL
server, Chromium, dbt) skips locally but FAILS when LEADRULES_REQUIRE_ALL=1, which `.ci/run` sets,
so CI can never pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REQUIRE_ALL = os.environ.get("LEADRULES_REQUIRE_ALL") == "1"


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required in CI (LEADRULES_REQUIRE_ALL=1): {reason}")
    pytest.skip(reason)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES
