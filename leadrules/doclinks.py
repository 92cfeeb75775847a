"""Where a diagnostic code is explained: a link into docs/diagnostics.md and the section's text.

Used by the SARIF renderer (`check --format sarif`: each rule's help and help link) and by the
language server (hover, the code's link). The page ships inside the wheel as
`leadrules/docs/diagnostics.md`; in a checkout it is read from `docs/`.
`LEADRULES_DOCS_URL` points the links at another copy of the page (a fork, an intranet mirror).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

DOCS_URL = "https://github.com/leadrules/leadrules/blob/main/docs/diagnostics.md"

_PACKAGE = Path(__file__).resolve().parent


def page_url() -> str:
    return os.environ.get("LEADRULES_DOCS_URL") or DOCS_URL


def code_url(code: str) -> str:
    """The link to a code's section (GitHub's heading anchor: `## LR0101: unknown name` ->
    `#lr0101-unknown-name`)."""
    title = sections().get(code, ("", "", ""))[0]
    if not title:
        from leadrules.diagnostics import CODES

        title = CODES.get(code, ("", ""))[1]
    return f"{page_url()}#{anchor(f'{code}: {title}' if title else code)}"


def anchor(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def explanation(code: str) -> tuple[str, str]:
    """(what the code means, how to fix it) from the code's section; empty when unknown."""
    _title, what, fix = sections().get(code, ("", "", ""))
    return what, fix


@lru_cache(maxsize=1)
def sections() -> dict[str, tuple[str, str, str]]:
    """code -> (title, first paragraph, the `How to fix:` paragraph) of docs/diagnostics.md."""
    for path in (_PACKAGE / "docs" / "diagnostics.md", _PACKAGE.parent / "docs" / "diagnostics.md"):
        if path.is_file():
            return _parse(path.read_text(encoding="utf-8"))
    return {}


def _parse(text: str) -> dict[str, tuple[str, str, str]]:
    out = {}
    parts = re.split(r"^## (LR\d{4}): (.*)$", text, flags=re.M)
    for i in range(1, len(parts) - 2, 3):
        code, title, body = parts[i], parts[i + 1].strip(), parts[i + 2]
        body = re.sub(r"^```.*?^```", "", body, flags=re.S | re.M)
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
        what = next((p for p in paragraphs if not p.startswith("How to fix")), "")
        fix = next((p for p in paragraphs if p.startswith("How to fix:")), "")
        out[code] = (title, what, fix.removeprefix("How to fix:").strip())
    return out
