"""docs/cli.md and the command pages cover every command the CLI has, and every option a
command takes is named on its page."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import ROOT

from leadrules.cli import COMMANDS, main

DOCS = ROOT / "docs"


def test_cli_index_lists_every_command():
    index = (DOCS / "cli.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `leadrules (\w+)", index, re.M))
    assert listed == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_is_documented_on_the_command_page(name):
    page = (DOCS / "commands" / f"{name}.md").read_text(encoding="utf-8")
    command = main.get_command(None, name)
    options = [
        param.opts
        for param in command.params
        if param.param_type_name == "option" and "--help" not in param.opts
    ]
    # an option counts as documented when any of its spellings (`-o` or `--output`) is
    missing = [
        opts
        for opts in options
        if not any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", page) for o in opts)
    ]
    assert missing == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output
