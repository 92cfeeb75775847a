"""Bad input never gives a traceback or a hang: a clear diagnostic, or a clean pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrules.check import check
from leadrules.diagnostics import CODES

ROOT = Path(__file__).resolve().parent.parent.parent
VALID = sorted((ROOT / "tests" / "corpus" / "valid").glob("*.lrules")) + sorted(
    (ROOT / "examples").glob("*.lrules")
)
SOURCES = [p.read_text(encoding="utf-8") for p in VALID]


def rules_file(n_rules: int, pad: int = 0) -> str:
    head = "lead size: number\nevent visit(url: text)\nfit:\n"
    body = "".join(
        f'  size > {i} and visit where url == "/p{i}/{"x" * pad}": +{i % 7 + 1}\n'
        for i in range(n_rules)
    )
    return head + body + "tier a >= 0\n"


def assert_clean_diagnostics(result):
    for d in result.diagnostics:
        assert d.code in CODES
        assert d.message and "Traceback" not in d.message
        assert d.span.line >= 1 and d.span.col >= 1


BAD_INPUTS = {
    "empty": b"",
    "only_comments": b"# nothing here\n\n   # indented comment\n",
    "binary": bytes(range(256)) * 4,
    "nul": b"event a\nfit:\n  a: +1\x00\n",
    "invalid_utf8": b'lead name: text\nfit:\n  name == "\xc3\x28": +1\n',
    "crlf": b"event a\r\nfit:\r\n  a: +1\r\ntier t >= 0\r\n",
    "lone_cr": b"event a\rfit:\r  a: +1\rtier t >= 0\r",
    "bom": b"\xef\xbb\xbfevent a\na: +1\ntier t >= 0\n",
    "tabs_and_spaces": b"event a\nfit:\n \ta: +1\n",
    "tabs_only": b"event a\nfit:\n\ta: +1\ntier t >= 0\n",
    "deep_parens": (
        "lead a: number\nfit:\n  " + "(" * 1000 + "a > 1" + ")" * 1000 + ": +1\n"
    ).encode(),
    "deep_brackets": ("const x = " + "[" * 1000 + "]" * 1000 + "\n").encode(),
    "unclosed_parens": ("lead a: number\nfit:\n  " + "(" * 1000 + "a > 1: +1\n").encode(),
    "long_list": (
        "lead a: number\nfit:\n  a in ["
        + ", ".join(str(i) for i in range(10_000))
        + "]: +1\ntier t >= 0\n"
    ).encode(),
    "long_line": ("event a\n" + "a: +1; " * 20_000 + "\n").encode(),
    "only_whitespace": b"   \n\t\n  \n",
    "unterminated_string_at_eof": b'model "abc',
    "no_final_newline": b"event a\na: +1\ntier t >= 0",
    "huge_number": b"lead a: number\na > 1" + b"0" * 5000 + b": +1\ntier t >= 0\n",
    "huge_points": b"event a\na: +1" + b"0" * 400 + b"\ntier t >= 0\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_diagnostics_not_exceptions(name, tmp_path):
    path = tmp_path / f"{name}.lrules"
    path.write_bytes(BAD_INPUTS[name])
    result = check(path)
    assert_clean_diagnostics(result)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("binary", "LR0005"),
        ("nul", "LR0005"),
        ("invalid_utf8", "LR0005"),
        ("tabs_and_spaces", "LR0006"),
        ("deep_parens", "LR0008"),
        ("deep_brackets", "LR0008"),
        ("unterminated_string_at_eof", "LR0003"),
        ("unclosed_parens", "LR0008"),
    ],
)
def test_bad_input_codes(name, code, tmp_path):
    path = tmp_path / "bad.lrules"
    path.write_bytes(BAD_INPUTS[name])
    assert [d.code for d in check(path).diagnostics] == [code]


@pytest.mark.parametrize(
    "name",
    [
        "empty",
        "only_comments",
        "crlf",
        "lone_cr",
        "bom",
        "tabs_only",
        "long_list",
        "no_final_newline",
        "only_whitespace",
    ],
)
def test_inputs_that_are_fine(name, tmp_path):
    path = tmp_path / "ok.lrules"
    path.write_bytes(BAD_INPUTS[name])
    result = check(path)
    assert [d for d in result.diagnostics if d.is_error] == []


def test_numbers_too_large_to_mean_anything_are_errors(tmp_path):
    path = tmp_path / "big.lrules"
    path.write_bytes(BAD_INPUTS["huge_points"])
    assert [d.code for d in check(path).diagnostics] == ["LR0007"]


def test_crlf_reports_the_same_lines_as_lf():
    lf = "event a\nfit:\n  b: +1\n"
    crlf = lf.replace("\n", "\r\n").encode()
    assert [(d.code, d.span.line, d.span.col) for d in check("x.lrules", lf).diagnostics] == [
        (d.code, d.span.line, d.span.col) for d in check("x.lrules", crlf).diagnostics
    ]


def test_a_one_megabyte_file(tmp_path):
    text = rules_file(5_000, pad=150)  # long lines: 1 MB without 20,000 rules to check
    assert len(text.encode()) > 1_000_000
    path = tmp_path / "big.lrules"
    path.write_text(text)
    result = check(path)
    assert [d for d in result.diagnostics if d.is_error] == []
    assert len(result.model.rules) == 5_000


# ---- random mutations ---------------------------------------------------------------

TOKENS = [
    ":",
    ";",
    "(",
    ")",
    "[",
    "]",
    ",",
    "..",
    "==",
    "<",
    "+15",
    "-3",
    "4.5",
    "30d",
    '"x"',
    '"',
    "#",
    "\n",
    "\n  ",
    "\t",
    " ",
    "and",
    "or",
    "not",
    "in",
    "where",
    "each",
    "tier",
    "within",
    "times",
    "no",
    "cap",
    "lead",
    "event",
    "signal",
    "const",
    "test",
    "expect",
    "on enter",
    "is missing",
    "2026-01-01",
    "x",
    "fit",
    "\\",
    "\x00",
    "\r",
    "é",
    "'",
]


@st.composite
def mutated(draw):
    source = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "token"]))
        i = draw(st.integers(0, len(source)))
        j = min(len(source), i + draw(st.integers(1, 40)))
        if kind == "delete":
            source = source[:i] + source[j:]
        elif kind == "insert":
            source = source[:i] + draw(st.text(max_size=5)) + source[i:]
        elif kind == "duplicate":
            source = source[:j] + source[i:j] + source[j:]
        else:
            source = source[:i] + draw(st.sampled_from(TOKENS)) + source[i:]
    return source


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_never_raise(source):
    result = check("mutated.lrules", source)
    assert_clean_diagnostics(result)
    if result.model is None:
        assert any(d.is_error for d in result.diagnostics)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data):
    assert_clean_diagnostics(check("random.lrules", data))


# ---- through the command line ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["binary", "nul", "invalid_utf8", "deep_parens", "unclosed_parens", "tabs_and_spaces", "empty"],
)
def test_cli_prints_no_traceback(name, tmp_path):
    path = tmp_path / f"{name}.lrules"
    path.write_bytes(BAD_INPUTS[name])
    for fmt in ("text", "json", "github"):
        proc = subprocess.run(
            [sys.executable, "-m", "leadrules.cli", "check", "--format", fmt, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert "Traceback" not in proc.stdout + proc.stderr
        assert proc.returncode in (0, 1)
        if name != "empty":
            assert proc.returncode == 1
            assert "LR00" in proc.stdout
