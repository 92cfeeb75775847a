"""`leadrules fmt` on the command line: in place, --check, --diff, stdin, directories, exit
codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadrules.cli import main

UGLY = "lead a:bool\ng :\n    a:+1 ; not a : -1   # c\n"
PRETTY = "lead a: bool\ng:\n  a: +1\n  not a: -1  # c\n"
BROKEN = "lead a: bool\ng:\n  a: +1 +\n"


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, ["fmt", *args], input=input)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in {"ugly": UGLY, "pretty": PRETTY, "broken": BROKEN}.items():
        out[name] = tmp_path / f"{name}.lrules"
        out[name].write_text(text, encoding="utf-8")
    return out


def test_rewrites_in_place(files):
    result = run(str(files["ugly"]), str(files["pretty"]))
    assert result.exit_code == 0, result.output
    assert files["ugly"].read_text(encoding="utf-8") == PRETTY
    assert files["pretty"].read_text(encoding="utf-8") == PRETTY
    assert result.stdout == ""
    assert "2 files: 1 reformatted, 1 unchanged" in result.stderr


def test_an_unchanged_file_is_not_written(files):
    before = files["pretty"].stat().st_mtime_ns
    files["pretty"].chmod(0o444)  # writing it would fail
    try:
        assert run(str(files["pretty"])).exit_code == 0
    finally:
        files["pretty"].chmod(0o644)
    assert files["pretty"].stat().st_mtime_ns == before


def test_check_lists_the_files_that_would_change_and_writes_nothing(files):
    result = run("--check", str(files["ugly"]), str(files["pretty"]))
    assert result.exit_code == 1
    assert result.stdout == f"{files['ugly']}\n"
    assert files["ugly"].read_text(encoding="utf-8") == UGLY
    assert "1 would change, 1 unchanged" in result.stderr


def test_check_passes_when_everything_is_formatted(files):
    result = run("--check", str(files["pretty"]))
    assert (result.exit_code, result.stdout) == (0, "")


def test_check_sees_crlf_line_ends(tmp_path):
    path = tmp_path / "crlf.lrules"
    path.write_bytes(PRETTY.replace("\n", "\r\n").encode())
    assert run("--check", str(path)).exit_code == 1
    assert run(str(path)).exit_code == 0
    assert path.read_bytes() == PRETTY.encode()


def test_diff_prints_a_unified_diff_and_writes_nothing(files):
    result = run("--diff", str(files["ugly"]))
    assert result.exit_code == 0
    path = str(files["ugly"])
    assert result.stdout == (
        f"--- {path}\n+++ {path}\n@@ -1,3 +1,4 @@\n"
        "-lead a:bool\n-g :\n-    a:+1 ; not a : -1   # c\n"
        "+lead a: bool\n+g:\n+  a: +1\n+  not a: -1  # c\n"
    )
    assert files["ugly"].read_text(encoding="utf-8") == UGLY


def test_diff_marks_a_missing_final_newline(tmp_path):
    path = tmp_path / "x.lrules"
    path.write_text("lead a: bool", encoding="utf-8")
    result = run("--diff", str(path))
    assert "-lead a: bool\n\\ No newline at end of file\n+lead a: bool\n" in result.stdout


def test_check_and_diff_combine(files):
    result = run("--check", "--diff", str(files["ugly"]), str(files["pretty"]))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{files['ugly']}\n--- {files['ugly']}\n")
    assert str(files["pretty"]) not in result.stdout
    assert files["ugly"].read_text(encoding="utf-8") == UGLY


def test_syntax_errors_are_reported_and_the_file_left_alone(files):
    result = run(str(files["broken"]), str(files["ugly"]))
    assert result.exit_code == 1
    assert f"{files['broken']}:3:" in result.stderr and "error[LR0" in result.stderr
    assert files["broken"].read_text(encoding="utf-8") == BROKEN
    assert files["ugly"].read_text(encoding="utf-8") == PRETTY  # the other file is still done
    assert "1 with errors" in result.stderr


def test_not_utf8_is_an_input_error(tmp_path):
    path = tmp_path / "latin1.lrules"
    path.write_bytes(b'const k = "caf\xe9"\n')
    result = run(str(path))
    assert result.exit_code == 1
    assert "LR0005" in result.stderr


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = run(str(tmp_path / "nope.lrules"))
    assert result.exit_code == 2
    assert "nope.lrules" in result.stderr


def test_no_file_is_a_usage_error():
    assert run().exit_code == 2


def test_stdin_to_stdout():
    result = run("-", input=UGLY.encode())
    assert (result.exit_code, result.stdout, result.stderr) == (0, PRETTY, "")


def test_stdin_with_check_and_diff():
    assert run("--check", "-", input=PRETTY.encode()).exit_code == 0
    result = run("--check", "--diff", "-", input=UGLY.encode())
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>\n--- <stdin>\n+++ <stdin>\n")


def test_a_directory_means_its_rules_files(files, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "deep.lrules").write_text(UGLY, encoding="utf-8")
    (sub / "notes.txt").write_text(UGLY, encoding="utf-8")
    result = run("--check", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [str(sub / "deep.lrules"), str(files["ugly"])]  # sorted
    assert f"{files['broken']}:3:" in result.stderr


def test_the_installed_command_exit_codes(files):
    def code(*args):
        cmd = [sys.executable, "-m", "leadrules.cli", "fmt", *args]
        return subprocess.run(cmd, capture_output=True, check=False).returncode

    assert code("--check", str(files["pretty"])) == 0
    assert code("--check", str(files["ugly"])) == 1
    assert code("--bogus", str(files["ugly"])) == 2


def test_a_formatter_bug_leaves_the_file_alone(files, monkeypatch):
    from leadrules.syntax import printer

    monkeypatch.setattr(printer, "points", lambda lit: "+999")  # a bug: wrong points
    result = run(str(files["ugly"]))
    assert result.exit_code == 1
    assert "would change what it means" in result.stderr and "left unchanged" in result.stderr
    assert files["ugly"].read_text(encoding="utf-8") == UGLY
