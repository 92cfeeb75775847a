"""The Lark-free runtime (leadrules/syntax/lalr.py) parses exactly as Lark does on the tables Lark
built: the same statements with the same spans and the same comments on every corpus file,
example, formatter input and documentation block, and on random edits of them; where Lark
refuses a text, the runtime refuses it too (and the parser asks Lark for the diagnostic)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parse_inputs import DOC_BLOCKS, FILES, dump

from leadrules.syntax import parser, prelex
from tests.conftest import ROOT


def run(parse, text: str):
    """(statements, comments) as `parse` gives them, or the class of what it raised."""
    parser._BUILDER.path = "t.lrules"
    comments = parser._CURRENT.comments = parser._Comments()
    try:
        stmts = parse(text)
    except Exception as e:  # noqa: BLE001 - compared below
        return type(e).__name__
    return dump(stmts), tuple(comments.found)


def same(raw: str | bytes) -> bool:
    """The runtime and Lark agree on a text; True when it parses."""
    decoded, _ = prelex.decode(raw, "t.lrules")
    if decoded is None:
        return False
    text = decoded if decoded.endswith("\n") else decoded + "\n"
    runtime = parser.runtime()
    assert runtime is not None
    with parser._CURRENT.lock:
        fast = run(runtime.parse, text)
        slow = run(parser.lark_parser().parse, text)
    if isinstance(slow, str):  # Lark refuses it: so does the runtime (Lark then reports it)
        assert isinstance(fast, str), slow
        return False
    assert fast == slow
    return True


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_files(path):
    parsed = same(path.read_bytes())
    if "invalid" not in path.parts and "fmt" not in path.parts:
        assert parsed


def test_documentation_blocks():
    assert len(DOC_BLOCKS) > 50
    assert sum(same(text) for text in DOC_BLOCKS) > 50


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.sampled_from(FILES),
    at=st.floats(0, 1),
    cut=st.integers(0, 3),
    insert=st.sampled_from(
        ["", " ", "\n", "\n  ", "\t", ":", "(", ")", "[", '"', "#", "+5", "x", " and ", ";", "\\\n"]
    ),
)
def test_random_edits(file, at, cut, insert):
    text = file.read_text(encoding="utf-8", errors="replace")
    i = int(at * len(text))
    same(text[:i] + insert + text[i + cut :])


def test_check_runs_without_importing_lark(tmp_path):
    """`leadrules check` of a valid file never imports Lark once the tables are kept; a syntax
    error does (its message is Lark's)."""
    import os
    import subprocess

    probe = (
        "import sys\nfrom leadrules.cli import main\n"
        "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('lark' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path)}
    bad = tmp_path / "bad.lrules"
    bad.write_text("lead x: number\nfit:\n  x > : +5\n", encoding="utf-8")

    def imports_lark(path) -> bool:
        out = subprocess.run(
            [sys.executable, "-c", probe, str(path)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip().splitlines()[-1] == "True"

    example = ROOT / "examples" / "b2b_saas.lrules"
    assert imports_lark(example)  # the first run builds the tables with Lark
    assert not imports_lark(example)
    assert imports_lark(bad)
