"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real `pre-commit try-repo` against a
temporary git repository holding a good and a bad rules file. The hooks are `language: system`:
nothing is installed or downloaded, they run the `leadrules` of the environment (here the test's
virtualenv, first on PATH)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, need

BIN = Path(sys.executable).parent
GOOD = (EXAMPLES / "simple.lrules").read_text(encoding="utf-8")
BAD = "lead size: number\nfit:\n  sise > 3: +5\n"
UGLY = "lead size :number\nfit:\n    size>3: +5\n"
FAILING = GOOD.replace("expect score == 6", "expect score == 7")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    need(shutil.which("git") is not None, "git")
    need((BIN / "pre-commit").exists(), "pre-commit in the virtualenv")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.test")
    git(repo, "config", "user.name", "t")
    (repo / "good.lrules").write_text(GOOD, encoding="utf-8")
    (repo / "bad.lrules").write_text(BAD, encoding="utf-8")
    (repo / "ugly.lrules").write_text(UGLY, encoding="utf-8")
    (repo / "failing.lrules").write_text(FAILING, encoding="utf-8")
    git(repo, "add", ".")
    return repo


def try_repo(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        # nothing may be fetched: a proxy that does not exist fails any attempt loudly
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "PIP_NO_INDEX": "1",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [
            str(BIN / "pre-commit"),
            "try-repo",
            str(ROOT),
            hook,
            "--color",
            "never",
            "--files",
            *files,
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_hooks_file_declares_the_three_hooks():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["leadrules-check", "leadrules-fmt", "leadrules-test"]
    assert all(h["language"] == "system" and h["files"] == r"\.lrules$" for h in hooks)


def test_check_passes_a_good_file_and_fails_a_bad_one(repo):
    good = try_repo(repo, "leadrules-check", "good.lrules")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "leadrules check" in good.stdout and "Passed" in good.stdout
    bad = try_repo(repo, "leadrules-check", "good.lrules", "bad.lrules")
    assert bad.returncode == 1
    assert "Failed" in bad.stdout
    assert "bad.lrules:3:3: error[LR0101]: unknown name `sise`" in bad.stdout


def test_fmt_rewrites_an_ugly_file_and_fails_the_commit(repo):
    ugly = try_repo(repo, "leadrules-fmt", "good.lrules", "ugly.lrules")
    assert ugly.returncode == 1 and "files were modified by this hook" in ugly.stdout
    assert (repo / "ugly.lrules").read_text() == "lead size: number\nfit:\n  size > 3: +5\n"
    assert (repo / "good.lrules").read_text() == GOOD
    again = try_repo(repo, "leadrules-fmt", "good.lrules", "ugly.lrules")
    assert again.returncode == 0, again.stdout


def test_test_runs_the_test_blocks(repo):
    good = try_repo(repo, "leadrules-test", "good.lrules")
    assert good.returncode == 0, good.stdout + good.stderr
    failing = try_repo(repo, "leadrules-test", "failing.lrules")
    assert failing.returncode == 1
    assert "1 passed, 1 failed" in failing.stdout
