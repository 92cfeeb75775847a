"""The documented GitHub Actions workflow: valid YAML, and its diff step, run by bash in a
temporary repository with a pull-request branch, writes the markdown comment."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT, need

WORKFLOW = ROOT / "examples/github/leadrules-diff.yml"


def _workflow() -> dict:
    need(importlib.util.find_spec("yaml") is not None, "PyYAML")
    import yaml

    return yaml.safe_load(WORKFLOW.read_text())


def test_the_workflow_is_valid_and_can_comment():
    flow = _workflow()
    assert flow["permissions"]["pull-requests"] == "write"
    steps = flow["jobs"]["diff"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert "gh pr comment" in steps[-1]["run"] and "--edit-last" in steps[-1]["run"]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_the_diff_step_writes_one_section_per_changed_model(tmp_path):
    need(shutil.which("git") is not None and shutil.which("bash") is not None, "git and bash")
    need(importlib.util.find_spec("leadrules.engine.duckdb") is not None, "the DuckDB engine")
    step = next(
        s
        for s in _workflow()["jobs"]["diff"]["steps"]
        if s.get("name", "").startswith("Diff every changed model")
    )
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
    git(repo, "checkout", "-q", "-b", "change")
    shutil.copy(ROOT / "tests/impact/data/b2b_saas_v2.lrules", repo / "rules/b2b.lrules")
    git(repo, "commit", "-q", "-am", "raise pricing points")
    env = {
        **os.environ,
        "BASE": "main",
        "LEADS": "data/leads.csv",
        "EVENTS": "data/events.csv",
        "AS_OF": "2026-01-01T00:00:00Z",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, check=True, capture_output=True
    )
    comment = (repo / "comment.md").read_text()
    assert comment.startswith("### leadrules diff: rules/b2b.lrules\n")
    assert comment.count("### leadrules diff") == 1  # simple.lrules did not change
    assert "**2 of 12 leads changed tier (16.7%).**" in comment
