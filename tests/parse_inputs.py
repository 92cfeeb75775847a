"""The texts the parser tests run on (every corpus file, example, formatter input and ```lrules
block of the docs), and `dump`, which shows everything of a parsed node, spans included."""

from __future__ import annotations

import re
from pathlib import Path

from leadrules.nodes import fields, is_node

ROOT = Path(__file__).resolve().parent.parent

FILES = sorted(
    [*ROOT.glob("tests/corpus/**/*.lrules"), *ROOT.glob("examples/*.lrules")]
    + [p for p in ROOT.glob("tests/fmt/inputs/*") if p.is_file()],
    key=str,
)
DOC_BLOCKS = [
    m.group(1)
    for page in sorted(ROOT.glob("docs/**/*.md"))
    for m in re.finditer(r"^```lrules\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M)
]


def dump(node):
    """Everything of a node, spans included (nodes compare without their spans); a token's text
    as plain `str`."""
    if is_node(node):
        return (type(node).__name__, tuple((n, dump(getattr(node, n))) for n in fields(node)))
    if isinstance(node, (tuple, list)):
        return tuple(dump(x) for x in node)
    if isinstance(node, str):
        return str(node)
    return node
