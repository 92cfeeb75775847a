"""`REV:PATH`: a model (and what it imports) read from a temporary git repository."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from leadrules.check import check
from leadrules.cli import main
from leadrules.impact.gitrev import GitError, RevPath, parse_spec, reader
from tests.conftest import need

SHARED_V1 = "event page_view(url: text)\nconst big = 100\n"
SHARED_V2 = "event page_view(url: text)\nconst big = 10\n"
MAIN = (
    'import "../shared/decls.lrules"\nlead size: number\n'
    "size >= big: +{points}\npage_view: +1\ntier hot >= 5\ntier cold < 5\n"
)


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    need(shutil.which("git") is not None, "git")
    root = tmp_path / "repo"
    (root / "rules").mkdir(parents=True)
    (root / "shared").mkdir()
    (root / "data").mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.test")
    git(root, "config", "user.name", "t")
    (root / "shared/decls.lrules").write_text(SHARED_V1)
    (root / "rules/b2b.lrules").write_text(MAIN.format(points=10))
    (root / "data/leads.csv").write_text("lead_id,size\n1,50\n2,150\n3,5\n")
    (root / "data/events.csv").write_text(
        "lead_id,event,occurred_at,url\n3,page_view,2025-12-01,/\n"
    )
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "v1")
    # the working tree: more points, and the imported constant lowered
    (root / "shared/decls.lrules").write_text(SHARED_V2)
    (root / "rules/b2b.lrules").write_text(MAIN.format(points=4))
    monkeypatch.chdir(root)
    return root


def test_parse_spec(repo):
    assert parse_spec("rules/b2b.lrules") is None  # an existing file is a file
    assert parse_spec("main:rules/b2b.lrules") == RevPath("main", "rules/b2b.lrules")
    assert parse_spec("nothing-here") is None


def test_the_reader_reads_the_file_and_its_imports_at_that_revision(repo):
    root, read = reader(RevPath("HEAD", "rules/b2b.lrules"))
    assert "+10" in read(root).decode()
    assert read(root.parent / "../shared/decls.lrules") == SHARED_V1.encode()
    with pytest.raises(FileNotFoundError):
        read(root.parent / "not-committed.lrules")
    model = check(root, read=read).model  # the checker reads through it
    assert model is not None
    first = model.rules[0]
    assert first.points == 10 and first.cond.right.value == 100  # the imported const, then


def test_paths_are_relative_to_the_current_directory(repo, monkeypatch):
    monkeypatch.chdir(repo / "rules")
    root, read = reader(RevPath("main", "b2b.lrules"))
    assert "+10" in read(root).decode()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (RevPath("nope", "rules/b2b.lrules"), "unknown revision `nope`"),
        (RevPath("HEAD", "rules/missing.lrules"), "HEAD:rules/missing.lrules:"),
    ],
)
def test_git_errors(repo, spec, message):
    with pytest.raises(GitError, match=message):
        reader(spec)


def test_diff_against_the_committed_version(repo):
    args = [
        "diff",
        "HEAD:rules/b2b.lrules",
        "rules/b2b.lrules",
        "--leads",
        "data/leads.csv",
        "--events",
        "data/events.csv",
        "--as-of",
        "2026-01-01",
        "--engine",
        "python",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # OLD: big = 100, +10: only lead 2 (150) gets it. NEW: big = 10, +4: leads 1 and 2.
    assert [(d["lead_id"], d["old_score"], d["new_score"]) for d in data["leads"]] == [
        ("1", 0, 4),
        ("2", 10, 4),
        ("3", 1, 1),
    ]
    assert data["transitions"] == [
        {"from": "hot", "to": "cold", "count": 1},
        {"from": "cold", "to": "cold", "count": 2},
    ]


def test_diff_with_an_unknown_revision_is_a_usage_error(repo):
    result = CliRunner().invoke(
        main,
        [
            "diff",
            "v9:rules/b2b.lrules",
            "rules/b2b.lrules",
            "--leads",
            "data/leads.csv",
            "--events",
            "data/events.csv",
        ],
    )
    assert result.exit_code == 2
    assert "unknown revision `v9`" in result.stderr


def test_outside_a_repository(tmp_path, monkeypatch):
    need(shutil.which("git") is not None, "git")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(GitError, match=r"HEAD:a\.lrules: cannot read from git here \(.*not a git"):
        reader(RevPath("HEAD", "a.lrules"))
