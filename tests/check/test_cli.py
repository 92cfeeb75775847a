"""`leadrules check` and `leadrules debug` exactly as docs/cli.md says, and `leadrules.load`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import leadrules
from leadrules.cli import main
from leadrules.diagnostics import LeadrulesError

ROOT = Path(__file__).resolve().parent.parent.parent
B2B = ROOT / "examples" / "b2b_saas.lrules"

BAD = "lead size: number\nevent visit\nfit:\n  sise > 3: +5\n  visit: +1\ntier a >= 0\n"
WARN = "lead size: number\nlead unused: text\nfit:\n  size > 3: +5\ntier a >= 0\n"
CLEAN = "lead size: number\nfit:\n  size > 3: +5\ntier a >= 0\n"


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in (("bad.lrules", BAD), ("warn.lrules", WARN), ("clean.lrules", CLEAN)):
        (tmp_path / name).write_text(text)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_clean_file_exits_0(files):
    out = run("check", "clean.lrules")
    assert out.exit_code == 0
    assert out.stdout == ""
    assert "checked 1 file: 0 errors, 0 warnings" in out.stderr


def test_error_text_is_rustc_style(files):
    out = run("check", "bad.lrules")
    assert out.exit_code == 1
    assert out.stdout == (
        "bad.lrules:4:3: error[LR0101]: unknown name `sise`\n"
        "  |\n"
        "4 |   sise > 3: +5\n"
        "  |   ^^^^ not declared\n"
        "  = help: did you mean `size`? (declared at bad.lrules:1)\n"
    )


def test_warnings_pass_unless_strict(files):
    out = run("check", "warn.lrules")
    assert out.exit_code == 0
    assert "warning[LR0602]: lead attribute `unused` is never used" in out.stdout
    assert run("check", "--strict", "warn.lrules").exit_code == 1
    assert run("check", "--strict", "clean.lrules").exit_code == 0


def test_json_format(files):
    out = run("check", "--format", "json", "bad.lrules", "warn.lrules")
    assert out.exit_code == 1
    assert json.loads(out.stdout) == [
        {
            "path": "bad.lrules",
            "line": 4,
            "col": 3,
            "end_line": 4,
            "end_col": 7,
            "severity": "error",
            "code": "LR0101",
            "message": "unknown name `sise`",
            "help": "did you mean `size`? (declared at bad.lrules:1)",
        },
        {
            "path": "warn.lrules",
            "line": 2,
            "col": 6,
            "end_line": 2,
            "end_col": 12,
            "severity": "warning",
            "code": "LR0602",
            "message": "lead attribute `unused` is never used",
            "help": "remove it, or use it in a rule",
        },
    ]


def test_json_format_of_a_clean_file_is_an_empty_list(files):
    out = run("check", "--format", "json", "clean.lrules")
    assert (out.exit_code, json.loads(out.stdout)) == (0, [])


def test_github_format(files):
    out = run("check", "--format", "github", "bad.lrules", "warn.lrules")
    assert out.exit_code == 1
    assert out.stdout.splitlines() == [
        "::error file=bad.lrules,line=4,col=3::[LR0101] unknown name `sise` "
        "(help: did you mean `size`? (declared at bad.lrules:1))",
        "::warning file=warn.lrules,line=2,col=6::[LR0602] lead attribute `unused` is never "
        "used (help: remove it, or use it in a rule)",
    ]


def test_many_files_report_all(files):
    out = run("check", "clean.lrules", "bad.lrules", "warn.lrules")
    assert out.exit_code == 1
    assert "bad.lrules:4:3" in out.stdout and "warn.lrules:2:6" in out.stdout
    assert "checked 3 files: 1 error, 1 warning" in out.stderr


def test_an_import_shared_by_two_files_is_reported_once(files):
    (files / "shared.lrules").write_text("lead size: number\nlead never: text\n")
    for name in ("a.lrules", "b.lrules"):
        (files / name).write_text('import "shared.lrules"\nsize > 1: +1\ntier t >= 0\n')
    out = run("check", "--format", "json", "a.lrules", "b.lrules")
    assert [d["path"] for d in json.loads(out.stdout)] == ["shared.lrules"]


@pytest.mark.parametrize(
    "args",
    [
        ["check", "missing.lrules"],
        ["check"],
        ["check", "--format", "xml", "clean.lrules"],
        ["check", "empty"],
    ],
)
def test_usage_errors_exit_2(files, args):
    (files / "empty").mkdir()
    out = run(*args)
    assert out.exit_code == 2
    assert "Traceback" not in out.output


def test_a_folder_checks_every_lrules_file_below_it_sorted(files):
    (files / "rules" / "sub").mkdir(parents=True)
    (files / "rules" / "sub" / "b.lrules").write_text(BAD)
    (files / "rules" / "a.lrules").write_text(WARN)
    (files / "rules" / "notes.txt").write_text("not rules")
    (files / "rules" / ".venv" / "examples").mkdir(parents=True)
    (files / "rules" / ".venv" / "examples" / "x.lrules").write_text(BAD)
    out = run("check", "--format", "json", "rules")
    assert out.exit_code == 1
    paths = [d["path"] for d in json.loads(out.stdout)]
    assert paths == [str(Path("rules/a.lrules")), str(Path("rules/sub/b.lrules"))]
    out = run("check", "rules")
    assert "checked 2 files: 1 error, 1 warning" in out.stderr


def test_dash_reads_standard_input(files):
    out = CliRunner().invoke(main, ["check", "-"], input=BAD)
    assert out.exit_code == 1
    assert out.stdout.startswith("<stdin>:4:3: error[LR0101]: unknown name `sise`\n")
    assert "4 |   sise > 3: +5" in out.stdout
    clean = CliRunner().invoke(main, ["check", "-"], input=CLEAN)
    assert clean.exit_code == 0 and "checked 1 file: 0 errors" in clean.stderr


def test_stdin_filename_names_standard_input_and_anchors_imports(files):
    (files / "rules").mkdir()
    (files / "rules" / "shared.lrules").write_text("lead size: number\n")
    text = 'import "shared.lrules"\nfit:\n  sise > 3: +5\ntier a >= 0\n'
    args = ["check", "--format", "json", "--stdin-filename", "rules/main.lrules", "-"]
    out = CliRunner().invoke(main, args, input=text)
    assert out.exit_code == 1
    [d] = json.loads(out.stdout)
    assert (d["path"], d["line"], d["code"]) == ("rules/main.lrules", 3, "LR0101")
    assert "did you mean `size`?" in d["help"]


def test_missing_file_message_names_the_file(files):
    proc = subprocess.run(
        [sys.executable, "-m", "leadrules.cli", "check", "nope.lrules"],
        capture_output=True,
        text=True,
        cwd=files,
    )
    assert proc.returncode == 2
    assert "nope.lrules" in proc.stderr and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_import_is_an_input_error(files):
    (files / "imp.lrules").write_text('import "gone.lrules"\n')
    out = run("check", "imp.lrules")
    assert out.exit_code == 1
    assert "error[LR0401]: cannot import `gone.lrules`" in out.stdout


def test_check_does_not_import_heavy_modules():
    """Nor `pathlib` (with `urllib.parse`, about 4% of the command's start-up: the checker's
    paths are strings, docs/performance.md)."""
    code = (
        "import sys; from leadrules.cli import main\n"
        "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('duckdb', 'jinja2', 'pyarrow', 'pandas', 'pathlib') "
        "if m in sys.modules)\nprint('HEAVY', heavy)"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(B2B)], capture_output=True, text=True)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


# ---- debug ----------------------------------------------------------------------------


def test_debug_ast_is_json_with_spans(files):
    out = run("debug", "ast", "clean.lrules")
    assert out.exit_code == 0
    doc = json.loads(out.stdout)
    assert doc["node"] == "File"
    lead = doc["statements"][0]
    assert lead["node"] == "LeadDecl" and lead["name"]["id"] == "size"
    assert lead["span"] == [1, 1, 1, 18]


def test_debug_model_is_json(files):
    out = run("debug", "model", "clean.lrules")
    assert out.exit_code == 0
    doc = json.loads(out.stdout)
    assert doc["node"] == "Model"
    assert [g["name"] for g in doc["groups"]] == ["fit"]


def test_debug_is_deterministic():
    a = run("debug", "model", str(B2B)).stdout
    assert a == run("debug", "model", str(B2B)).stdout and a


@pytest.mark.parametrize("stage", ["ast", "model"])
def test_debug_of_a_bad_file_prints_diagnostics(files, stage):
    (files / "syntax.lrules").write_text("lead a number\n")
    source = "syntax.lrules" if stage == "ast" else "bad.lrules"
    out = run("debug", stage, source)
    assert out.exit_code == 1
    assert "error[LR0" in out.stderr
    assert out.stdout == ""


# ---- the library --------------------------------------------------------------------


def test_load_returns_the_model():
    model = leadrules.load(B2B)
    assert [g.name for g in model.groups] == ["fit", "engagement"]
    assert [t.name for t in model.tiers] == ["cold", "warm", "MQL", "SQL"]


def test_load_raises_leadrules_error_with_diagnostics(files):
    with pytest.raises(LeadrulesError) as info:
        leadrules.load(files / "bad.lrules")
    err = info.value
    assert [d.code for d in err.diagnostics] == ["LR0101"]
    assert "bad.lrules:4:3: error[LR0101]: unknown name `sise`" in str(err)


def test_load_accepts_text():
    model = leadrules.load("inline.lrules", CLEAN)
    assert model.name == "inline"


def test_load_of_a_missing_file_raises_oserror_not_a_diagnostic(tmp_path):
    with pytest.raises(OSError):
        leadrules.load(tmp_path / "none.lrules")
