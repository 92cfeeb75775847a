"""The layers of the house, checked: an import may only run down the pipeline (or stay level).

Every module's imports are read with `ast`, those inside functions included (the lazy imports
that keep `leadrules check` fast are imports all the same). The contract is the table below; it
is drawn again in docs/architecture.md ("Layers").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "leadrules"

# layer, low to high: (rank, the modules or packages in it). A module may import its own layer
# and every layer below it, never one above.
LAYERS: list[tuple[int, tuple[str, ...]]] = [
    # the basics: the location type, diagnostics and their renderers, the IR, the data readers
    (
        0,
        (
            "_startup",
            "nodes",
            "paths",
            "source",
            "diagnostics",
            "doclinks",
            "sarif",
            "model",
            "functions",
            "data",
        ),
    ),
    (1, ("syntax",)),  # text -> AST, the formatter
    (2, ("check",)),  # AST -> Model + diagnostics
    (3, ("engine", "targets")),  # the Model's backends: interpreter, SQL engines, compilers
    (4, ("impact", "serve", "store", "sinks", "lsp")),  # what is built on scoring and checking
    (5, ("commands", "cli", "__init__")),  # the command line and the library's front door
]

# the backends read the Model only, never the AST or the text
NEVER: dict[str, tuple[str, ...]] = {
    "engine": ("syntax", "check"),
    "targets": ("syntax", "check"),
}

# (importer, imported) pairs allowed against the table, each with its reason. Empty: keep it so.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def top(module: str) -> str:
    """`leadrules.check.build` -> `check`; the package itself -> `__init__`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


RANK = {name: rank for rank, names in LAYERS for name in names}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every `leadrules` module `path` imports, at any depth of the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(text: str, package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "leadrules")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "leadrules":
                continue
            if target == "leadrules":  # `from leadrules import model as m`
                found.update(f"leadrules.{a.name}" for a in node.names)
            else:
                found.add(target)
    return found


MODULES = sorted(ROOT.rglob("*.py"))


def test_every_top_level_module_has_a_layer():
    tops = {top(module_name(p)) for p in MODULES}
    assert tops - RANK.keys() == set(), "add the new module or package to LAYERS"


def test_the_reader_sees_function_level_and_relative_imports():
    assert "leadrules.model" in imports(ROOT / "check" / "__init__.py")
    # a lazy import inside a function body counts (commands/evaluate.py imports its renderer so)
    assert "leadrules.impact.report_html" in imports(ROOT / "commands" / "evaluate.py")
    # `from . import x` and `from ..y import z` are resolved against the importer's package
    text = "def f():\n    from . import build\n    from ..engine import run\n"
    assert imports_in(text, "leadrules.check") == {"leadrules.check", "leadrules.engine"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_run_down_the_layers(path):
    importer = module_name(path)
    mine = top(importer)
    wrong = []
    for imported in sorted(imports(path)):
        theirs = top(imported)
        if (importer, imported) in EXCEPTIONS:
            continue
        if RANK.get(theirs, 0) > RANK[mine]:
            wrong.append(f"{imported} (layer {RANK[theirs]} above {mine}'s {RANK[mine]})")
        elif theirs in NEVER.get(mine, ()):
            wrong.append(f"{imported} (a backend reads the Model, never {theirs})")
    assert wrong == [], f"{importer} imports up the pipeline: " + "; ".join(wrong)


def test_exceptions_are_still_needed():
    for importer, imported in EXCEPTIONS:
        path = ROOT.parent / (importer.replace(".", "/") + ".py")
        if not path.exists():
            path = path.with_suffix("") / "__init__.py"
        assert imported in imports(path), f"drop the stale exception {importer} -> {imported}"
