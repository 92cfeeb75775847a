"""`leadrules check --format sarif`: diagnostics as a SARIF 2.1.0 log, for GitHub code scanning
(`github/codeql-action/upload-sarif`) and any other SARIF viewer.

One run; the tool's rules are every diagnostic code (`CODES`), each with its title, the
explanation and the fix from docs/diagnostics.md and a link to its section; one result per
diagnostic, its file relative to the working folder (`%SRCROOT%`), columns in Unicode code points
(as `check` counts them). `tests/editor/test_sarif.py` validates the output against the SARIF
2.1.0 JSON schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from leadrules import doclinks
from leadrules.diagnostics import CODES, Diagnostic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("leadrules")
    except Exception:  # noqa: BLE001 - a checkout without metadata
        return "0"


def _uri(path: str) -> dict:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return {"uri": p.resolve().as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": "%SRCROOT%"}


def _region(span) -> dict:
    region = {"startLine": span.line, "startColumn": span.col}
    if (span.end_line, span.end_col) > (span.line, span.col):
        region.update(endLine=span.end_line, endColumn=span.end_col)
    return region


def _rule(code: str) -> dict:
    severity, title = CODES.get(code, ("error", code))
    what, fix = doclinks.explanation(code)
    help_text = " ".join(x for x in (what, f"How to fix: {fix}" if fix else "") if x) or title
    return {
        "id": code,
        "name": "".join(w.capitalize() for w in title.replace("`", "").split()),
        "shortDescription": {"text": title},
        "fullDescription": {"text": what or title},
        "help": {"text": help_text, "markdown": help_text},
        "helpUri": doclinks.code_url(code),
        "defaultConfiguration": {"level": "error" if severity == "error" else "warning"},
    }


def _location(span, message: str = "") -> dict:
    loc = {"physicalLocation": {"artifactLocation": _uri(span.path), "region": _region(span)}}
    if message:
        loc["message"] = {"text": message}
    return loc


def _result(d: Diagnostic, index: dict[str, int]) -> dict:
    text = d.message + (f"\nhelp: {d.help}" if d.help else "")
    result = {
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": "error" if d.is_error else "warning",
        "message": {"text": text},
        "locations": [_location(d.span)],
    }
    if d.related:
        result["relatedLocations"] = [
            {"id": i, **_location(span, note)} for i, (span, note) in enumerate(d.related)
        ]
    return result


def render_sarif(diags) -> str:
    codes = sorted(set(CODES) | {d.code for d in diags})
    index = {code: i for i, code in enumerate(codes)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "leadrules",
                        "version": _version(),
                        "informationUri": doclinks.page_url(),
                        "rules": [_rule(code) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index) for d in diags],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
