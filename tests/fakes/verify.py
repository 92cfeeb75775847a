"""The signature check of docs/delivery.md, run from the page itself, so the documented snippet
is the one the tests use."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "delivery.md"


@cache
def _snippet() -> dict:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- verify-snippet -->\s*```python\n(.*?)```", text, re.S)
    if found is None:
        raise AssertionError("docs/delivery.md has no verification snippet")
    scope: dict = {}
    exec(compile(found.group(1), str(DOC), "exec"), scope)  # noqa: S102 - our own docs
    return scope


def verify_signature(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    return _snippet()["verify_signature"](secret, header, body, now=now)
