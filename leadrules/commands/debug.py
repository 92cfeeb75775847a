"""`leadrules debug ast|model FILE`: print a compiler stage as JSON, as `prqlc debug` does."""

from __future__ import annotations

import json
from pathlib import Path

import click

from leadrules.commands.common import EXIT_INPUT, EXIT_USAGE, fail, load_or_exit
from leadrules.nodes import fields, is_node


def ast_json(node):
    """An AST node as JSON: `{"node": TYPE, field: value..., "span": [line, col, end_line,
    end_col]}`, recursively."""
    from leadrules.syntax.ast import Span

    if isinstance(node, Span):
        return [node.line, node.col, node.end_line, node.end_col]
    if is_node(node):
        out = {"node": type(node).__name__}
        for name in fields(node):
            out[name] = ast_json(getattr(node, name))
        return out
    if isinstance(node, (list, tuple)):
        return [ast_json(x) for x in node]
    return node


@click.command("debug")
@click.argument("stage", type=click.Choice(["ast", "model"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def command(stage, file):
    """Print STAGE of FILE as JSON: the AST (with spans) or the checked Model."""
    if stage == "ast":
        from leadrules import diagnostics as dg
        from leadrules.syntax.parser import parse_text

        try:
            data = Path(file).read_bytes()
        except OSError as e:
            fail(f"cannot read {file}: {e.strerror or e}", EXIT_USAGE)
        tree, diags = parse_text(data, file)
        if tree is None:
            source = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
            click.echo(dg.render_text(diags, {file: source}), err=True, nl=False)
            raise click.exceptions.Exit(EXIT_INPUT)
        doc = ast_json(tree)
    else:
        doc = load_or_exit(file).to_json()
    click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
