"""Every command that writes `-o PATH` writes through one function: an unwritable path (a missing
folder included) is a usage error (exit 2) with a message, never a traceback; a multi-file
target creates the folders inside its `-o DIR`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from leadrules.cli import main

DATA = [
    "--leads",
    str(EXAMPLES / "data/simple/leads.csv"),
    "--events",
    str(EXAMPLES / "data/simple/events.jsonl"),
    "--as-of",
    "2026-01-01",
]
COMMANDS = {
    "compile": ["compile", str(EXAMPLES / "simple.lrules"), "--target", "sql"],
    "score": ["score", str(EXAMPLES / "simple.lrules"), *DATA],
    "diff": ["diff", str(EXAMPLES / "simple.lrules"), str(EXAMPLES / "simple.lrules"), *DATA],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_unwritable_output_is_a_usage_error(name, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(main, [*COMMANDS[name], "-o", str(blocker / "out.txt")])
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_multi_file_target_creates_its_folders(tmp_path):
    target = tmp_path / "new" / "dbt"
    args = ["compile", str(EXAMPLES / "simple.lrules"), "--target", "dbt", "-o", str(target)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (target / "dbt_project.yml").is_file()
    assert (target / "models" / "lead_scores.sql").is_file()
