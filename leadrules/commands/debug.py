"""`leadrules debug ast|model FILE`: print a compiler stage as JSON, as `prqlc debug` does."""

from __future__ import annotations

import dataclasses
import json

import click

from leadrules.commands.common import load_or_exit, print_diagnostics


def _ast_json(node):
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out = {"node": type(node).__name__}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name == "span":
                out["span"] = None if value is None else [value.line, value.col, value.end_line,
                                                          value.end_col]
            else:
                out[f.name] = _ast_json(value)
        return out
    if isinstance(node, (list, tuple)):
        return [_ast_json(x) for x in node]
    return node


@click.command("debug")
@click.argument("stage", type=click.Choice(["ast", "model"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def command(stage, file):
    """Print STAGE of FILE as JSON: the AST (with spans) or the checked Model."""
    if stage == "ast":
        from leadrules.check import Result
        from leadrules.syntax.parser import parse_file

        tree, diags = parse_file(file)
        if tree is None:
            print_diagnostics(Result(None, diags, {file: open(file, encoding="utf-8",
                                                              errors="replace").read()}))
            raise click.exceptions.Exit(1)
        doc = _ast_json(tree)
    else:
        doc = load_or_exit(file).to_json()
    click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
