"""Reads a file and its imports: missing imports and cycles become diagnostics.

The result is the list of ASTs in the order their declarations take effect: an import's
statements come before the statements of the file that imports it, each file once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from leadrules import diagnostics as dg
from leadrules import paths
from leadrules.syntax import ast
from leadrules.syntax.parser import parse_text


@dataclass
class Loaded:
    files: list[ast.File] = field(default_factory=list)  # dependency order, root last
    sources: dict[str, str] = field(default_factory=dict)  # display path -> text, for rendering
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)


def load_files(
    path: str | os.PathLike[str],
    text: str | bytes | None = None,
    parse=None,
    read=None,
) -> Loaded:
    """`parse(text, display_path)` replaces `parse_text` (the language server's cached parse);
    `read(path: str) -> bytes` replaces reading a file from disk (raising `OSError` when it
    cannot: `REV:PATH` reads the files of a git revision)."""
    out = Loaded()
    seen: dict[str, str] = {}
    _load(
        os.fspath(path),
        text,
        out,
        seen,
        stack=[],
        via=None,
        display=str(path),
        parse=parse or parse_text,
        read=read or paths.read_bytes,
    )
    return out


def _load(
    path: str,
    text,
    out: Loaded,
    seen: dict,
    stack: list,
    via: ast.Import | None,
    display: str | None = None,
    parse=parse_text,
    read=paths.read_bytes,
    folder: str = ".",
):
    """Load `path` (imported by `via` from a file in `folder`, or the file checked) and, first,
    its imports."""
    key = os.path.realpath(path)
    shown = display or paths.display(path)
    if key in stack:
        assert via is not None  # only an import can lead back into the stack
        chain = (
            " -> ".join(paths.display(p) for p in stack[stack.index(key) :])
            + f" -> {paths.display(path)}"
        )
        out.diagnostics.append(
            dg.make(
                "LR0402",
                f"import cycle: {chain}",
                via.span,
                label="this import closes the cycle",
                help="move the shared declarations into a file that both import",
            )
        )
        return
    if key in seen:
        return
    if text is None:
        try:
            data = read(path)
        except OSError as e:
            if via is None:
                raise
            out.diagnostics.append(
                dg.make(
                    "LR0401",
                    f"cannot import `{via.path}`: {e.strerror or 'not readable'}",
                    via.span,
                    label="imported here",
                    help=f"the path is relative to this file's folder ({paths.display(folder)})",
                )
            )
            return
    else:
        data = text
    seen[key] = shown
    tree, diags = parse(data, shown)
    if isinstance(data, bytes):
        try:
            out.sources[shown] = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
        except Exception:  # pragma: no cover - decode with replace never fails
            out.sources[shown] = ""
    else:
        out.sources[shown] = data.replace("\r\n", "\n")
    out.diagnostics.extend(diags)
    if tree is None:
        return
    stack.append(key)
    for stmt in tree.statements:
        if isinstance(stmt, ast.Import):
            here = paths.parent(path)
            target = os.path.join(here, stmt.path)
            _load(target, None, out, seen, stack, stmt, parse=parse, read=read, folder=here)
    stack.pop()
    out.files.append(tree)
