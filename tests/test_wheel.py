"""The wheel is complete: built from the repository, installed in a fresh virtual environment
(no system site-packages), `leadrules check` works from a folder outside the repository, with the
grammar read from inside the installed package."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    # build from a copy without caches or virtualenvs, as a clean checkout would
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", "node_modules"
        ),
    )
    dist = work / "dist"
    # reuse an installed hatchling when there is one; otherwise pip fetches it, isolated
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            *isolation,
            "-w",
            str(dist),
            str(source),
        ]
    )
    wheel = next(dist.glob("leadrules-*.whl"))
    env_dir = work / "venv"
    run([sys.executable, "-m", "venv", str(env_dir)])
    python = env_dir / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
    return env_dir, wheel


def test_wheel_contains_the_grammar(venv):
    import zipfile

    _env, wheel = venv
    names = zipfile.ZipFile(wheel).namelist()
    assert "leadrules/grammar/leadrules.lark" in names
    assert "leadrules/docs/diagnostics.md" in names  # code explanations (SARIF, LSP hover)
    assert "leadrules/syntax/parser.py" in names


def test_installed_check_works_outside_the_repository(venv, tmp_path):
    env_dir, _wheel = venv
    example = tmp_path / "b2b.lrules"
    example.write_bytes((ROOT / "examples" / "b2b_saas.lrules").read_bytes())
    bad = tmp_path / "bad.lrules"
    bad.write_text("lead size: number\nfit:\n  sise > 1: +1\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    exe = str(env_dir / "bin" / "leadrules")
    ok = subprocess.run(
        [exe, "check", "b2b.lrules"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert "0 errors" in ok.stderr
    fail = subprocess.run(
        [exe, "check", "bad.lrules"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert fail.returncode == 1
    assert "error[LR0101]: unknown name `sise`" in fail.stdout
    where = subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-c",
            "from leadrules.syntax.parser import grammar_path; print(grammar_path())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    grammar = Path(where.stdout.strip())
    assert grammar.is_relative_to(env_dir), grammar
    assert grammar.parts[-2:] == ("grammar", "leadrules.lark")
