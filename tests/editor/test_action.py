"""The composite GitHub Action (action.yml): its scripts run by bash, as a runner would, in a
temporary repository with a pull-request branch: the check annotates, SARIF is written, the tests
run, the diff of the changed model is written and posted (`gh` replaced by a recorder)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, need

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
BIN = Path(sys.executable).parent


def step(name: str) -> dict:
    return next(s for s in STEPS if s.get("name", "").startswith(name))


def test_the_action_is_composite_and_its_scripts_take_inputs_from_env_only():
    assert ACTION["runs"]["using"] == "composite"
    runs = [s for s in STEPS if "run" in s]
    assert len(runs) == 6
    for s in runs:
        assert s["shell"] == "bash"
        assert "${{" not in s["run"], s["name"]  # inputs reach scripts through env: only
    assert step("Diff")["if"].startswith("github.event_name == 'pull_request'")
    assert "--edit-last --create-if-none" in step("Post")["run"]
    assert set(ACTION["inputs"]) >= {"files", "strict", "sarif", "leads", "events", "as-of"}


def expand(value: str, context: dict) -> str:
    """`${{ inputs.x }}` and `${{ github.y }}` as the runner substitutes them."""
    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: str(context[m.group(1)]), value)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    need(shutil.which("git") is not None and shutil.which("bash") is not None, "git and bash")
    origin = tmp_path / "origin.git"
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    shutil.copytree(EXAMPLES / "data/b2b_saas", repo / "data")
    shutil.copy(EXAMPLES / "b2b_saas.lrules", repo / "rules/b2b.lrules")
    shutil.copy(EXAMPLES / "simple.lrules", repo / "rules/simple.lrules")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.test")
    git(repo, "config", "user.name", "t")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "fetch", "-q", "origin")
    git(repo, "checkout", "-q", "-b", "change")
    shutil.copy(ROOT / "tests/impact/data/b2b_saas_v2.lrules", repo / "rules/b2b.lrules")
    git(repo, "commit", "-q", "-am", "raise pricing points")
    (repo / "runner").mkdir()
    gh = repo / "runner" / "gh"
    gh.write_text('#!/bin/sh\necho "$@" > "$RUNNER_TEMP/gh-args"\n')
    gh.chmod(0o755)
    return repo


def run(repo: Path, name: str, **inputs) -> subprocess.CompletedProcess:
    s = step(name)
    context = {f"inputs.{k}": v.get("default", "") for k, v in ACTION["inputs"].items()}
    context.update({f"inputs.{k.replace('_', '-')}": v for k, v in inputs.items()})
    context.update(
        {
            "github.base_ref": "main",
            "github.action_path": str(ROOT),
            "github.token": "t",
            "github.event.pull_request.number": "7",
        }
    )
    env = {
        **os.environ,
        **{k: expand(str(v), context) for k, v in s.get("env", {}).items()},
        "RUNNER_TEMP": str(repo / "runner"),
        "PATH": f"{repo / 'runner'}{os.pathsep}{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", s["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_and_test_on_a_clean_repository(repo):
    found = run(repo, "Find the rules files")
    assert found.returncode == 0
    listed = (repo / "runner/leadrules-files.txt").read_text().split()
    assert listed == ["rules/b2b.lrules", "rules/simple.lrules"]
    checked = run(repo, "Check the rules", sarif="leadrules.sarif")
    assert checked.returncode == 0, checked.stderr
    sarif = json.loads((repo / "leadrules.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []
    tested = run(repo, "Run the tests")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\d+ passed, 0 failed", tested.stdout + tested.stderr)


def test_check_annotates_errors_and_fails(repo):
    (repo / "rules/broken.lrules").write_text("lead size: number\nfit:\n  sise > 3: +5\n")
    git(repo, "add", ".")
    run(repo, "Find the rules files")
    checked = run(repo, "Check the rules", sarif="out.sarif")
    assert checked.returncode == 1
    assert checked.stdout.startswith(
        "::error file=rules/broken.lrules,line=3,col=3::[LR0101] unknown name `sise`"
    )
    (result,) = json.loads((repo / "out.sarif").read_text())["runs"][0]["results"]
    assert result["ruleId"] == "LR0101"


def test_strict_fails_on_warnings(repo):
    (repo / "rules/unused.lrules").write_text(
        "lead size: number\nlead role: text\nfit:\n  size > 3: +5\n"
    )
    git(repo, "add", ".")
    run(repo, "Find the rules files")
    assert run(repo, "Check the rules").returncode == 0
    strict = run(repo, "Check the rules", strict="true")
    assert strict.returncode == 1 and "::warning file=rules/unused.lrules" in strict.stdout


def test_the_pull_request_diff_is_written_and_posted(repo):
    need(
        importlib.util.find_spec("leadrules.engine.duckdb") is not None,
        "the DuckDB engine",
    )
    diffed = run(
        repo,
        "Diff every changed model",
        leads="data/leads.csv",
        events="data/events.csv",
        as_of="2026-01-01T00:00:00Z",
    )
    assert diffed.returncode == 0, diffed.stderr
    comment = (repo / "comment.md").read_text()
    assert comment.startswith("### leadrules diff: rules/b2b.lrules\n")
    assert comment.count("### leadrules diff") == 1  # simple.lrules did not change
    assert "**2 of 12 leads changed tier (16.7%).**" in comment
    posted = run(repo, "Post the diff")
    assert posted.returncode == 0, posted.stderr
    args = (repo / "runner/gh-args").read_text().split()
    assert args == [
        "pr",
        "comment",
        "7",
        "--edit-last",
        "--create-if-none",
        "--body-file",
        "comment.md",
    ]


def test_the_documentation_lists_every_input_and_its_yaml_is_valid():
    page = (ROOT / "docs/github-actions.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([\w-]+)`(?:, `([\w-]+)`)? \|", page, re.M))
    names = {n for pair in documented for n in pair if n}
    assert set(ACTION["inputs"]) <= names
    ours = page.split("## The diff workflow")[0]  # the diff workflow's blocks are excerpts
    blocks = re.findall(r"^```yaml\n(.*?)^```", ours, re.S | re.M)
    assert len(blocks) == 3
    for block in blocks:
        assert isinstance(yaml.safe_load(block), (dict, list))
    uses = re.findall(r"uses: (leadrules/leadrules@\S+)", page)
    assert uses and all(u.endswith("@v0.1.0") for u in uses)
