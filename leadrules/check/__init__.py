"""The checker: ASTs of a file and its imports -> Model + diagnostics."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.check import analysis
from leadrules.check.build import ModelBuilder
from leadrules.check.loader import load_files


@dataclass
class Result:
    model: m.Model | None
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    files: list = field(default_factory=list)  # the ASTs, imports first (for the language server)

    @property
    def errors(self) -> list[dg.Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return self.model is not None and not self.errors


def check(
    path: str | os.PathLike[str],
    text: str | bytes | None = None,
    *,
    parse=None,
    memo=None,
    read=None,
) -> Result:
    """Parse and check a file (and its imports). Never raises for bad input: see `diagnostics`.

    `text` overrides the file's content (the path is then only its name in messages); `parse`
    replaces the parser (`parse_text`'s signature; the language server passes a cached one);
    `memo` (a `check.memo.GroupMemo`, the language server's) keeps groups between checks.
    `read(path) -> bytes` replaces reading files from disk (`REV:PATH` reads a git revision).
    """
    loaded = load_files(path, text, parse, read)
    diags = list(loaded.diagnostics)
    model = None
    if loaded.files and not any(d.is_error for d in diags):
        builder = ModelBuilder(loaded.files, diags, memo)
        built = builder.build()
        model = built
        if not any(d.is_error for d in diags):
            diags += analysis.range_diagnostics(built)
            diags += analysis.tier_diagnostics(built)
            diags += analysis.rule_diagnostics(built)
            diags += analysis.unused_diagnostics(builder.symbols, builder.used_names(), built)
    diags = sorted(set(diags), key=dg.sort_key)
    if any(d.is_error for d in diags):
        model = None
    return Result(model, diags, loaded.sources, loaded.files)
