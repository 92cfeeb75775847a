"""The docs of `diff` and `evaluate` show real output: every ```console block that runs
`leadrules` is run again and must print exactly what the page shows; every ```lrules block must
check without errors."""

from __future__ import annotations

import importlib.util
import re
import shlex

import pytest
from click.testing import CliRunner

from leadrules.check import check
from tests.conftest import ROOT, need

DOCS = [
    ROOT / "docs/commands/diff.md",
    ROOT / "docs/commands/evaluate.md",
    ROOT / "docs/github-actions.md",
]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def blocks(kind: str):
    for doc in DOCS:
        for i, (lang, body) in enumerate(BLOCK.findall(doc.read_text(encoding="utf-8"))):
            if lang == kind:
                yield pytest.param(body, id=f"{doc.name}-{i}")


def _run(command: str, engine: str | None) -> str:
    from leadrules.cli import main

    args = shlex.split(command)[1:]
    if engine:
        args += ["--engine", engine]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("body", list(blocks("console")))
def test_console_blocks_show_real_output(body, monkeypatch):
    monkeypatch.chdir(ROOT)
    first, _, expected = body.partition("\n")
    assert first.startswith("$ leadrules "), first
    assert _run(first[2:], "python") == expected


@pytest.mark.parametrize("body", list(blocks("console"))[:1])
def test_console_blocks_as_written_on_the_default_engine(body, monkeypatch):
    need(importlib.util.find_spec("leadrules.engine.duckdb") is not None, "the DuckDB engine")
    monkeypatch.chdir(ROOT)
    first, _, expected = body.partition("\n")
    assert _run(first[2:], None) == expected


@pytest.mark.parametrize("body", list(blocks("lrules")))
def test_lrules_blocks_check(body, tmp_path):
    path = tmp_path / "doc.lrules"
    path.write_text(body, encoding="utf-8")
    result = check(path)
    assert not [d for d in result.diagnostics if d.is_error], result.diagnostics
