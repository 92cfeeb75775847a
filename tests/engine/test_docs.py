"""The interpreter's docs show real output: every ```console block is run again and must print
exactly what the page shows; every ```lrules block checks without errors and its tests pass."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from leadrules.check import check
from leadrules.cli import main
from leadrules.engine.testing import run_tests
from tests.conftest import ROOT

DOCS = [ROOT / "docs" / "semantics.md"] + [
    ROOT / "docs" / "commands" / f"{name}.md" for name in ("score", "explain", "test", "init")
]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def blocks(kind: str):
    for doc in DOCS:
        for i, (lang, body) in enumerate(BLOCK.findall(doc.read_text(encoding="utf-8"))):
            if lang == kind:
                yield pytest.param(body, id=f"{doc.name}-{i}")


@pytest.mark.parametrize("body", list(blocks("console")))
def test_console_blocks_show_real_output(body, monkeypatch):
    monkeypatch.chdir(ROOT)
    first, _, expected = body.partition("\n")
    assert first.startswith("$ leadrules "), first
    args = shlex.split(first[2:])[1:]
    if args[0] == "score":
        args += ["--engine", "python"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


@pytest.mark.parametrize("body", list(blocks("lrules")))
def test_lrules_blocks_check_and_their_tests_pass(body, tmp_path):
    path = tmp_path / "doc.lrules"
    path.write_text(body, encoding="utf-8")
    result = check(str(path))
    assert [d for d in result.diagnostics if d.is_error] == []
    assert [o.test.name for o in run_tests(result.model) if not o.passed] == []


def test_every_doc_has_examples():
    assert len(list(blocks("console"))) >= 5
    assert len(list(blocks("lrules"))) >= 3
