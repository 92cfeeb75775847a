"""`leadrules lsp`: the language server over stdio (for editors: VS Code, Neovim, Helix...)."""

from __future__ import annotations

import click

from leadrules.commands.common import EXIT_USAGE, fail


@click.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over standard input and output (the default and only transport; accepted "
    "because editors pass it).",
)
def command(stdio):
    """Run the language server over stdio: diagnostics as you type, hover, go to definition,
    references, rename, completion, outline, formatting and quick fixes for .lrules files."""
    try:
        from leadrules.lsp.server import serve
    except ImportError as e:  # pygls is an extra: `pip install 'leadrules[lsp]'`
        fail(
            f"the language server needs pygls and lsprotocol: pip install 'leadrules[lsp]' ({e})",
            EXIT_USAGE,
        )
    serve()
